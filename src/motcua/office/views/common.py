"""What the office views share: pagination, the error message in the page's language,
the dossier fetched through the access rule."""

from django.core.paginator import Paginator
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import get_language

from motcua.dossiers.errors import DossierError
from motcua.dossiers.selectors import dossier_get_for_user
from motcua.office.selectors import PAGE_SIZE


def error_text(error: DossierError) -> str:
    """The service's message in the page's language (Vietnamese unless English)."""
    if (get_language() or "vi").startswith("en"):
        return error.message_en
    return error.message_vi


class CappedPaginator(Paginator):
    """Counts at most ``cap`` + 1 rows. Counting every dossier whose applicant is called
    "Nguyễn" scans a third of the table on every search; an officer only needs to know
    that there are more than a thousand and narrow the search.

    The matches are read once, as primary keys in no order: without the order (and the
    annotations) PostgreSQL stops after ``cap`` + 1 of them instead of sorting every match
    of a common name first. When there are no more than ``cap``, the page is read by those
    keys: the planner cannot know that a rare name ("Nguyễn Văn Vũ") matches 66 rows,
    and walking the newest-first index to find them read 400,000 rows (200 ms)."""

    cap = 1000

    @cached_property
    def matches(self) -> list:
        return list(self.object_list.order_by().values_list("pk", flat=True)[: self.cap + 1])

    @cached_property
    def count(self) -> int:
        return len(self.matches)

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    def page(self, number):
        page = super().page(number)
        if self.count and not self.capped:
            # The same slice of the same order, read by the matches' keys (still lazy).
            rows = self.object_list.filter(pk__in=self.matches)
            page.object_list = rows[page.start_index() - 1 : page.end_index()]
        return page


def page_of(request, queryset, size: int = PAGE_SIZE, *, capped: bool = False):
    paginator = (CappedPaginator if capped else Paginator)(queryset, size)
    try:
        number = int(request.GET.get("page") or 1)
    except ValueError:
        number = 1
    return paginator.get_page(number)


def dossier_for(request, code: str, *, write: bool = False):
    """The dossier ``code`` through the access rule: 404 outside the caller's units (an
    outsider cannot even learn that it exists), 403 for a read-only role on a write."""
    if not code:
        raise Http404
    return dossier_get_for_user(request.user, code, write=write)


def query_without(request, *names: str) -> str:
    """The current query string without ``names`` (for sort and page links)."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def template_for(request, template: str, partial: str) -> str:
    """htmx requests get the named partial of the same template (Django's partials)."""
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        return f"{template}#{partial}"
    return template
