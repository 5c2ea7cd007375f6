"""Slips are rendered after the transaction that caused them commits, by a background
task that takes ids, so a slow PDF never holds a dossier lock and a rolled-back action
leaves no slip behind."""

from django.db import transaction

from motcua.dossiers.models import DossierEvent


def after_commit_slip(event: DossierEvent, kind: str) -> None:
    from motcua.dossiers.tasks import generate_slip

    event_id = event.pk
    transaction.on_commit(lambda: generate_slip.enqueue(event_id, str(kind)))
