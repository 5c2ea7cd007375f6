"""Who am I, and the CSRF token a browser client sends back on unsafe session requests."""

from django.middleware.csrf import get_token
from ninja import Router

from motcua.api.schemas import AgencyRef, CsrfOut, MeOut, RoleOut, responds
from motcua.units.models import RoleAssignment

router = Router(tags=["auth"])


@router.get("/me", response=responds(MeOut), summary="The authenticated user and their roles")
def me(request):
    user = request.auth
    roles = RoleAssignment.objects.filter(user=user).select_related("unit").order_by("pk")
    return MeOut(
        username=user.get_username(),
        name=user.get_full_name() or user.get_username(),
        agency=AgencyRef.of(user.agency) if user.agency_id else None,
        roles=[RoleOut(role=r.role, unit_code=r.unit.code, unit_name=r.unit.name) for r in roles],
        via="token" if getattr(request, "api_token", None) else "session",
    )


@router.get(
    "/auth/csrf",
    response=responds(CsrfOut),
    auth=None,
    summary="A CSRF token for session clients (also set as the csrftoken cookie)",
)
def csrf(request):
    # The cookie is HttpOnly (settings), so a script cannot read it: this endpoint hands
    # the token to same-origin code, which sends it back as X-CSRFToken.
    return CsrfOut(csrf_token=get_token(request))
