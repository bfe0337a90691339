"""Pages of a list whose total is counted only up to a cap.

Counting 200,000 proposals on every view of the review queue costs more than the rest of the
page; past COUNT_CAP the exact figure helps nobody, so lists say "10,000+" instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import Select, func, select
from sqlalchemy.orm import lazyload

from matchmaker.extensions import db
from matchmaker.web.templating import format_number

COUNT_CAP = 10_000


class CappedPagination(SelectPagination):
    """Items are entities (a select of one mapped class) or, with `rows=True`, the rows of a
    Core select of the columns a page shows. `count_select` (or a function building it when a
    count is needed) counts instead of the listed select: the same filters without the joins
    that only fetch what is shown. Rows with a `window_total` column (`count(*) OVER ()`) carry
    the total themselves: for a search, whose matches the database collects and sorts anyway,
    that saves running it twice."""

    cap = COUNT_CAP
    _window_total: int | None = None

    def _query_items(self) -> list[Any]:
        if not self._query_args.get("rows"):
            return super()._query_items()
        stmt = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        rows = list(self._query_args["session"].execute(stmt).all())
        if rows and "window_total" in rows[0]._fields:
            self._window_total = rows[0].window_total
        return rows

    def _query_count(self) -> int:
        if self._window_total is not None:
            return min(self._window_total, self.cap + 1)
        stmt = self._query_args.get("count_select")
        if callable(stmt):
            stmt = stmt()
        if stmt is None:
            stmt = self._query_args["select"]
        sub = stmt.options(lazyload("*")).order_by(None).limit(self.cap + 1).subquery()
        return self._query_args["session"].execute(select(func.count()).select_from(sub)).scalar()

    @property
    def total_is_capped(self) -> bool:
        return (self.total or 0) > self.cap

    @property
    def total_label(self) -> str:
        """The total for people in their locale: "12", "1,234" or "10,000+" ("10 000+")."""
        if self.total_is_capped:
            return format_number(self.cap) + "+"
        return format_number(self.total or 0)


def paginate(
    stmt: Select[Any],
    *,
    page: int,
    per_page: int,
    max_per_page: int = 100,
    rows: bool = False,
    count_select: Select[Any] | Callable[[], Select[Any]] | None = None,
):
    return CappedPagination(
        select=stmt,
        rows=rows,
        count_select=count_select,
        session=db.session(),
        page=page,
        per_page=per_page,
        max_per_page=max_per_page,
        error_out=False,
    )
