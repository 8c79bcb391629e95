"""One page shape for every list: items, count, page, page_size."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import PaginationBase


class PagePagination(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int = Field(50, ge=1, le=200)

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        page_size: int

    def paginate_queryset(  # type: ignore[override]
        self, queryset: QuerySet, pagination: Input, **params: Any
    ) -> dict[str, Any]:
        offset = (pagination.page - 1) * pagination.page_size
        return {
            "items": list(queryset[offset : offset + pagination.page_size]),
            "count": queryset.count(),
            "page": pagination.page,
            "page_size": pagination.page_size,
        }
