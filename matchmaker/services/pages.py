"""Pages of a list, whose total is counted only up to a cap.

Counting 200,000 proposals on every view of the review queue costs more than the rest of the
page; past COUNT_CAP the exact figure helps nobody, so lists say "10,000+" instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import Integer, Row, Select, bindparam, func, select
from sqlalchemy.orm import Session

from matchmaker.services.reads import read

COUNT_CAP = 10_000
MAX_PER_PAGE = 100
T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its rows, where it is, and the total counted up to `cap` + 1."""

    items: list[T]
    page: int
    per_page: int
    total: int
    cap: int = COUNT_CAP

    @property
    def total_is_capped(self) -> bool:
        return self.total > self.cap

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


def paginate(
    session: Session,
    stmt: Select[Any],
    items: Callable[[list[Row[Any]]], list[T]],
    *,
    page: int,
    per_page: int,
    count: Select[Any] | Callable[[], Select[Any]] | None = None,
    shown: Callable[[Select[Any]], Select[Any]] | None = None,
    params: dict[str, Any] | None = None,
    kept_total: Callable[[], int] | None = None,
) -> Page[T]:
    """Page `page` of `stmt`'s rows, made into the list's row type by `items`. The total is
    counted from `count` (or a function building it when a count is needed): the same filters
    without the joins that only fetch what is shown; by default `stmt` itself. Rows with a
    `window_total` column (`count(*) OVER ()`) carry the total themselves: for a search, whose
    matches the database collects and sorts anyway, that saves running it twice. A first page
    that is not full is the whole list: nothing to count. `shown`, if given, turns the page of
    `stmt` (limited) into the statement that reads what the page shows: the database then sorts
    and counts only the narrow rows of `stmt` and reads the wide ones for the page alone.
    `kept_total`, if given, gives the total instead of any count (a figure kept by the writes)."""
    page = max(page, 1)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    cap = COUNT_CAP
    limited = _bounded(stmt)
    window = {LIMIT: per_page, OFFSET: (page - 1) * per_page}
    found = read(session, shown(limited) if shown else limited, {**(params or {}), **window}).all()
    if found and "window_total" in found[0]._fields:
        total = min(found[0].window_total, cap + 1)
    elif page == 1 and len(found) < per_page:
        total = min(len(found), cap + 1)  # all of it is on this page: nothing to count
    elif kept_total is not None:
        total = min(kept_total(), cap + 1)
    else:
        counted = count() if callable(count) else count
        total = _count(session, counted if counted is not None else stmt, cap)
    return Page(items(found) if found else [], page, per_page, total, cap)


# A statement with its page's limit and offset as bound parameters, made once per statement (and
# forgotten with it): a statement built once is then run as one, where a limit and offset of
# values made a new statement, its cache key computed again, on every request (API list 12.61 ->
# 11.88 M instructions per request, benchmarks/instructions.py --requests 10, with the rows read
# as columns, `read`, past the ORM's execution). SQLAlchemy writes their values into the SQL it
# sends (`literal_execute`: still one statement built and cached here): as parameters,
# PostgreSQL planned the statement again on every execution, since a generic plan cannot know
# how many rows a page takes (pg_prepared_statements: 0 generic plans, 15 custom, in 20 views
# of /review; tests/web/test_transactions.py). Planned once: benchmarks/pages.py, PostgreSQL CPU
# per request, /review 1.83-2.47 -> 1.27 ms, API list 1.57-2.24 -> 0.97 (the app +0.4% and
# +1.3% instructions, benchmarks/instructions.py). A page number is a statement of its own.
LIMIT, OFFSET = "page_limit", "page_offset"
_limited: WeakKeyDictionary[Select[Any], Select[Any]] = WeakKeyDictionary()


def _bounded(stmt: Select[Any]) -> Select[Any]:
    found = _limited.get(stmt)
    if found is None:
        found = _limited[stmt] = stmt.limit(
            bindparam(LIMIT, type_=Integer, literal_execute=True)
        ).offset(bindparam(OFFSET, type_=Integer, literal_execute=True))
    return found


def _count(session: Session, stmt: Select[Any], cap: int) -> int:
    capped = stmt.order_by(None).limit(cap + 1).subquery()
    return session.execute(select(func.count()).select_from(capped)).scalar_one()
