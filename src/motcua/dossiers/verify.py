"""Walking every dossier's event chain (``motcua verify-chain``)."""

from collections.abc import Iterator

from motcua.dossiers import chain
from motcua.dossiers.models import Dossier, DossierEvent

BATCH = 500


def verify_all(*, codes: list[str] | None = None) -> Iterator[chain.Break]:
    """Yield the first break of each dossier whose chain is not intact."""
    dossiers = Dossier.objects.exclude(event_count=0, chain_head="")
    if codes:
        dossiers = dossiers.filter(code__in=codes)
    last_pk = 0
    while True:
        batch = list(
            dossiers.filter(pk__gt=last_pk)
            .order_by("pk")
            .values("pk", "chain_head", "event_count", "state")[:BATCH]
        )
        if not batch:
            return
        ids = [row["pk"] for row in batch]
        events: dict[int, list[DossierEvent]] = {pk: [] for pk in ids}
        for event in DossierEvent.objects.filter(dossier_id__in=ids).order_by("dossier_id", "seq"):
            events[event.dossier_id].append(event)
        for row in batch:
            found = chain.verify(
                row["pk"],
                events[row["pk"]],
                chain_head=row["chain_head"],
                event_count=row["event_count"],
                state=row["state"],
            )
            if found is not None:
                yield found
        last_pk = ids[-1]
