"""The hash chain finds edits, deletions and insertions made behind the application's back."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from motcua.dossiers import services as s
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.verify import verify_all


@pytest.fixture
def dossier(submit, staff, clock):
    d = submit()
    d = s.dossier_receive(dossier=d, user=staff.counter_a)
    return s.step_assign(dossier=d, user=staff.counter_a, assignee=staff.specialist_a)


def raw(sql, params=()):
    """Write straight to the database, as someone bypassing the application would: first
    past the append-only trigger (a superuser's replication mode, or dropping it)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS dossier_event_append_only")
        cursor.execute(sql, params)


def test_the_database_itself_refuses_to_edit_an_event(dossier):
    from django.db import DatabaseError, transaction

    event = DossierEvent.objects.get(dossier=dossier, seq=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        DossierEvent.objects.filter(pk=event.pk).update(payload={"x": 1})
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            DossierEvent.objects.filter(pk=event.pk).delete()


def only_break():
    breaks = list(verify_all())
    assert len(breaks) == 1
    return breaks[0]


def test_an_untouched_history_verifies(dossier):
    assert list(verify_all()) == []
    out = io.StringIO()
    call_command("verify_chain", stdout=out)
    assert "OK" in out.getvalue()


def test_an_edited_payload_is_found_at_its_event(dossier):
    event = DossierEvent.objects.get(dossier=dossier, seq=2)
    raw(
        "UPDATE dossiers_dossierevent SET payload = %s WHERE id = %s",
        ['{"due_at": "2099-01-01T00:00:00+00:00"}', event.pk],
    )
    found = only_break()
    assert found.seq == 2
    assert "edited" in found.problem


def test_an_edited_actor_or_time_is_found(dossier):
    event = DossierEvent.objects.get(dossier=dossier, seq=1)
    raw("UPDATE dossiers_dossierevent SET actor_id = NULL WHERE id = %s", [event.pk])
    assert only_break().seq == 1


def test_a_deleted_event_is_found(dossier):
    raw("DELETE FROM dossiers_dossierevent WHERE dossier_id = %s AND seq = 2", [dossier.pk])
    found = only_break()
    assert found.seq == 3
    assert "deleted" in found.problem


def test_a_deleted_last_event_is_found(dossier):
    raw("DELETE FROM dossiers_dossierevent WHERE dossier_id = %s AND seq = 3", [dossier.pk])
    assert "removed or added" in only_break().problem


def test_an_inserted_event_is_found(dossier):
    first = DossierEvent.objects.get(dossier=dossier, seq=1)
    raw("UPDATE dossiers_dossierevent SET seq = seq + 10 WHERE dossier_id = %s", [dossier.pk])
    raw("UPDATE dossiers_dossierevent SET seq = seq - 9 WHERE dossier_id = %s", [dossier.pk])
    DossierEvent.objects.create(
        dossier=dossier,
        seq=1,
        at=first.at,
        action="receive",
        from_state="draft",
        to_state="submitted",
        payload={},
        prev_hash=first.prev_hash,
        hash="0" * 64,
    )
    found = only_break()
    assert found.seq == 1


def test_a_state_edited_on_the_dossier_row_is_found(dossier):
    raw("UPDATE dossiers_dossier SET state = 'returned' WHERE id = %s", [dossier.pk])
    assert "row was edited" in only_break().problem


def test_the_command_names_the_first_broken_event_and_fails(dossier):
    event = DossierEvent.objects.get(dossier=dossier, seq=2)
    raw("UPDATE dossiers_dossierevent SET to_state = 'returned' WHERE id = %s", [event.pk])
    err = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("verify_chain", stderr=err, stdout=io.StringIO())
    assert error.value.returncode == 1
    assert dossier.code in err.getvalue()
    assert "#2" in err.getvalue()
