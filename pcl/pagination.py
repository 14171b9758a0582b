"""One way to cut a list into pages: every list that grows with the network (communes, documents,
imports, history...) shows `PAGE_SIZE` rows and `templates/includes/pagination.html` under them."""

from collections.abc import Sequence

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

PAGE_SIZE = 50


def paginate(request, items: QuerySet | Sequence, per_page: int | None = None) -> dict:
    """The page the request asks for (`?page=`; the last one when past the end, the first when not a
    number) of `per_page` rows (PAGE_SIZE unless given), and the request's other parameters, which the
    pager's links keep (filters, search)."""
    page: Page = Paginator(items, per_page or PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"page": page, "query": query.urlencode()}
