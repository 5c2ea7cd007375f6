"""Reads of the procedure catalogue for the portal, the back office and the API."""

from django.db.models import Prefetch, QuerySet

from motcua.catalog.models import (
    OnlineLevel,
    Procedure,
    ProcedureLevel,
    Process,
    ProcessStep,
    RequiredDocument,
)

__all__ = ["procedure_field_list", "procedure_get", "procedure_list"]


def procedure_list(
    *,
    q: str | None = None,
    level: ProcedureLevel | str | None = None,
    field: str | None = None,
    online_level: OnlineLevel | str | None = None,
) -> QuerySet[Procedure]:
    """Active procedures by name, filtered by an accent-insensitive query and facets.

    Chainable and lazy: callers paginate it. ``q`` matches every word against name and code
    ("khai sinh", "DANG KY KET HON", "1.001193").
    """
    procedures = Procedure.objects.active().search(q)
    if level:
        procedures = procedures.filter(level=level)
    if field:
        procedures = procedures.filter(field=field)
    if online_level:
        procedures = procedures.filter(online_level=online_level)
    return procedures.order_by("name", "code")


def procedure_get(code: str, *, active_only: bool = True) -> Procedure:
    """One procedure with its documents (in order) and its national template process
    (``procedure.templates``: a list of zero or one, steps in order).

    Raises ``Procedure.DoesNotExist``. Dossiers received under a procedure that has since
    been withdrawn read it with ``active_only=False``.
    """
    procedures = Procedure.objects.active() if active_only else Procedure.objects.all()
    steps = ProcessStep.objects.select_related("agency").order_by("order")
    templates = Process.objects.templates().prefetch_related(Prefetch("steps", queryset=steps))
    return procedures.prefetch_related(
        Prefetch("documents", queryset=RequiredDocument.objects.order_by("order")),
        Prefetch("processes", queryset=templates, to_attr="templates"),
    ).get(code=code)


def procedure_field_list() -> list[str]:
    """The fields of the active catalogue, for the portal's filter."""
    return list(
        Procedure.objects.active().order_by("field").values_list("field", flat=True).distinct()
    )
