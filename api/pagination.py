"""Lists in pages: `limit` (at most API_MAX_PAGE_SIZE) and `offset`, answered with the total `count` and
the `next` and `previous` pages' addresses. Every list is ordered on a unique key, so that pages neither
repeat nor skip a row."""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import PaginationBase

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def max_page_size() -> int:
    return getattr(settings, "API_MAX_PAGE_SIZE", MAX_PAGE_SIZE)


class Pages(PaginationBase):
    class Input(Schema):
        limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Rows per page.")
        offset: int = Field(0, ge=0, le=10_000_000, description="Rows skipped before the page.")

    class Output(Schema):
        count: int
        next: str | None
        previous: str | None
        results: list[Any]

    items_attribute = "results"

    def paginate_queryset(self, queryset: QuerySet, pagination: Input, request, **params) -> dict:
        limit, offset = min(pagination.limit, max_page_size()), pagination.offset
        count = queryset.count()
        return {
            "count": count,
            "next": _page_url(request, limit, offset + limit) if offset + limit < count else None,
            "previous": _page_url(request, limit, max(offset - limit, 0)) if offset else None,
            "results": list(queryset[offset : offset + limit]),
        }


def _page_url(request, limit: int, offset: int) -> str:
    query = request.GET.copy()
    query["limit"], query["offset"] = str(limit), str(offset)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
