"""Lists come a page at a time, cut in SQL (`LIMIT`/`OFFSET`): no route loads every row of a table.

`PageParams` is the query (`offset`, `limit` bounded by `MAX_LIMIT`), `fetch_page` runs one select for
the page and one count, and `Page[T]` is what a list answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Connection, Select, func, select

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_OFFSET = 2**31 - 1

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list; `next_offset` is null on the last page."""

    items: list[T]
    total: int
    offset: int
    limit: int
    next_offset: int | None


@dataclass(frozen=True, slots=True)
class Paging:
    offset: int = 0
    limit: int = DEFAULT_LIMIT

    def page(self, items: list[Any], total: int) -> dict[str, Any]:
        after = self.offset + len(items)
        return {
            "items": items,
            "total": total,
            "offset": self.offset,
            "limit": self.limit,
            "next_offset": after if after < total else None,
        }


def paging(
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="items to skip")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"at most {MAX_LIMIT}")] = DEFAULT_LIMIT,
) -> Paging:
    return Paging(offset, limit)


PageParams = Annotated[Paging, Depends(paging)]


def fetch_page(conn: Connection, stmt: Select[Any], paging: Paging) -> tuple[list[Any], int]:
    """The rows of one page of `stmt` (which must be ordered) and how many rows `stmt` has in all."""
    total = conn.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    rows = list(conn.execute(stmt.offset(paging.offset).limit(paging.limit))) if total > paging.offset else []
    return rows, int(total)


__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "Page", "PageParams", "Paging", "fetch_page", "paging"]
