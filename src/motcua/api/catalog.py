"""The procedure catalogue: public, as on the National Public Service Portal."""

from ninja import Query, Router

from motcua.api.schemas import (
    PageParams,
    ProcedureDetail,
    ProcedureFilters,
    ProcedurePage,
    ProcedureSummary,
    responds,
)
from motcua.catalog.selectors import procedure_get, procedure_list

# The catalogue is public information (every procedure is published on the National
# Public Service Portal), so it needs no login; everything else in the API does.
router = Router(tags=["catalog"], auth=None)


@router.get("/procedures", response=responds(ProcedurePage), summary="Active procedures")
def procedure_list_endpoint(request, filters: Query[ProcedureFilters], page: Query[PageParams]):
    procedures = procedure_list(
        q=filters.q, level=filters.level, field=filters.field, online_level=filters.online_level
    )
    items = procedures[page.offset : page.offset + page.limit]
    return ProcedurePage(
        items=[ProcedureSummary.of(p) for p in items],
        count=procedures.count(),
        limit=page.limit,
        offset=page.offset,
    )


@router.get(
    "/procedures/{code}",
    response=responds(ProcedureDetail),
    summary="One procedure with its documents, fee and time limit",
)
def procedure_get_endpoint(request, code: str):
    # Procedure.DoesNotExist becomes the API's 404 (errors.py).
    return ProcedureDetail.of(procedure_get(code))
