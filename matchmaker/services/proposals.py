"""Lists of proposals as `ProposalRow`s: the review queue (staff) and the API's list, and who may
see which proposal (staff: all of them; a firm: its approved introductions)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Label, Row, Select, bindparam, false, func, or_, select
from sqlalchemy.orm import Session

from matchmaker.models import Country, Firm, FirmSector, Proposal, ProposalCount, User
from matchmaker.models import ProposalStatus as Status
from matchmaker.services.errors import Forbidden, NotFound
from matchmaker.services.firms import clean_search, escape_like
from matchmaker.services.introductions import approved_for
from matchmaker.services.pages import Page, paginate
from matchmaker.services.reads import read
from matchmaker.services.rows import FirmBrief, ProposalRow

STATUSES = tuple(s.value for s in Status)


def require_staff(user: User) -> None:
    if not user.is_staff:
        raise Forbidden(_("Only EDB staff can review proposals."))


@dataclass(frozen=True)
class QueueFilter:
    """The review queue's filters, cleaned of control characters and cut to length."""

    status: str = "proposed"
    sector: str = ""
    country: str = ""  # with `sector`: whose sector, the PK or the BY firm (else either)
    min_score: float | None = None
    max_score: float | None = None
    q: str = ""
    sort: str = "score"
    # The firms `q` matches, once looked up (`_with_search_firms`); None: found by a subquery.
    firm_ids: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        for name, limit in (("q", 100), ("sector", 32), ("country", 2)):
            object.__setattr__(self, name, clean_search(getattr(self, name), limit))


# A search of the queue by firm first finds the firms (one query; a trigram index on
# PostgreSQL), then their proposals through the indexes on either firm: about 4 ms on 200,000
# proposals, where joining both firms to every proposal to compare names took 130 ms for the
# list and again for its count. A word so common that more firms match is left to a subquery.
SEARCH_FIRMS_LISTED = 500

# The lists read the tables' columns (Core): a statement of them alone needs none of the ORM's
# work on it, and its cache key costs less to make (benchmarks/instructions.py: API list 14.94
# -> 14.06 M instructions per request, /review 25.94 -> 24.99, against the mapped attributes).
PROPOSALS = Proposal.__table__
COUNTS = ProposalCount.__table__

# The orders of the lists, on the columns `c` of the proposals (the table's, or a page's of it).
SORTS: dict[str, Callable[[Any], tuple[Any, ...]]] = {
    "score": lambda c: (c.score.desc(), c.id),
    "score_asc": lambda c: (c.score.asc(), c.id),
    "newest": lambda c: (c.id.desc(),),
    "decided": lambda c: (c.decided_at.desc(), c.id.desc()),
}


def _order(f: QueueFilter, c: Any) -> tuple[Any, ...]:
    """The queue's order under these filters, on the proposals' columns `c`."""
    order = SORTS.get(f.sort, SORTS["score"])(c)
    if f.status == Status.PROPOSED and f.sort in ("score", "", None):
        # What a firm asked for comes first in the open queue, then the engine's by score.
        order = (c.requested_by_firm_id.is_(None), *order)
    return order


def _firms_matching(q: str) -> Select:
    pattern = f"%{escape_like(q.lower())}%"
    return select(Firm.id).where(
        or_(func.lower(Firm.name).like(pattern, escape="\\"), Firm.ref == q)
    )


def _with_search_firms(session: Session, f: QueueFilter) -> QueueFilter:
    """The filter with the firms its search matches, looked up once for the page and its count
    (up to SEARCH_FIRMS_LISTED of them; beyond, the statements find them themselves)."""
    if not f.q:
        return f
    ids = session.scalars(_firms_matching(f.q).limit(SEARCH_FIRMS_LISTED + 1)).all()
    if len(ids) > SEARCH_FIRMS_LISTED:
        return replace(f, firm_ids=None)
    return replace(f, firm_ids=tuple(ids))


def _filtered(stmt: Select, f: QueueFilter) -> Select:
    """The queue's filters and order on a select from proposals."""
    if f.status in STATUSES:
        stmt = stmt.where(PROPOSALS.c.status == f.status)
    if f.sector:
        in_sector = select(FirmSector.firm_id).where(FirmSector.sector_code == f.sector)
        sides = {Country.PK: Proposal.pk_firm_id, Country.BY: Proposal.by_firm_id}
        if f.country in sides:
            stmt = stmt.where(sides[Country(f.country)].in_(in_sector))
        else:
            stmt = stmt.where(or_(*(side.in_(in_sector) for side in sides.values())))
    if f.q:
        if f.firm_ids == ():
            stmt = stmt.where(false())
        else:
            ids = f.firm_ids
            if ids is None:  # too many to list: the statement finds them, once for both sides
                ids = select(_firms_matching(f.q).cte("matching_firms").c.id)
            stmt = stmt.where(or_(Proposal.pk_firm_id.in_(ids), Proposal.by_firm_id.in_(ids)))
    if f.min_score is not None:
        stmt = stmt.where(Proposal.score >= f.min_score)
    if f.max_score is not None:
        stmt = stmt.where(Proposal.score <= f.max_score)
    return stmt.order_by(*_order(f, PROPOSALS.c))


# A page's proposals are found, ordered and limited on the proposals alone (`_page_base`),
# then read with both firms and the deciding officer (`PagedRows.shown`). Joined before the
# limit, PostgreSQL 15 planned each firm's join as a Memoize over the firms, whose hash table it
# builds for every run however few rows the page takes: 0.45 ms for the queue's statement alone
# against 0.16 (pgbench -M prepared, this machine); benchmarks/pages.py, PostgreSQL CPU per
# request: /review 0.73 -> 0.45 ms, API list 0.71 -> 0.41 (see the note of issue 17).
PAGE_COLUMNS = (
    "id",
    "score",
    "status",
    "reasons",
    "version",
    "note",
    "reject_reason",
    "decided_at",
    "decided_by_id",
    "requested_by_firm_id",
    "request_message",
    "pk_firm_id",
    "by_firm_id",
)


@cache
def _page_base() -> Select:
    """The proposals' own columns a list's rows show (and their firms' ids)."""
    return select(*(PROPOSALS.c[name] for name in PAGE_COLUMNS))


def _with_firms(p: Any) -> Select:
    """The rows' columns, in `_rows`'s order, of the proposals `p` (the table, or a page of it)
    with both firms and the deciding officer joined."""
    firms, users = Firm.__table__, User.__table__
    pk, by = firms.alias("pk"), firms.alias("by")
    brief = (
        column.label(f"{side}_{column.key}")
        for side, firm in (("pk", pk), ("by", by))
        for column in (firm.c.id, firm.c.ref, firm.c.name, firm.c.country)
    )
    c = p.c
    return (
        select(
            c.id,
            c.score,
            c.status,
            c.reasons,
            c.version,
            c.note,
            c.reject_reason,
            c.decided_at,
            users.c.email.label("decided_by_email"),
            c.requested_by_firm_id,
            c.request_message,
            *brief,
        )
        .join_from(p, pk, c.pk_firm_id == pk.c.id)
        .join(by, c.by_firm_id == by.c.id)
        .outerjoin(users, c.decided_by_id == users.c.id)
    )


@cache
def _rows_base() -> Select:
    # Built once: labelled columns of aliases cost more to build than the query to run
    # (benchmarks/tricks.py, built per call: the API list +41% CPU, /review +18%; en).
    return _with_firms(PROPOSALS)


class PagedRows:
    """A list of proposals: `rows` (from `_page_base`, filtered and ordered by `order`), which
    `paginate` limits to a page, and `shown`, that page read with the firms and the deciding
    officer, in the same order (and with any `window_total` of `rows`)."""

    def __init__(self, rows: Select, order: Callable[[Any], tuple[Any, ...]]) -> None:
        self.rows = rows
        self._order = order
        self._shown: tuple[Select, Select] | None = None  # the limited `rows`, its page's read

    def shown(self, limited: Select) -> Select:
        # `paginate` limits a statement once (pages._bounded): the page's read is built once.
        if self._shown is None or self._shown[0] is not limited:
            page = limited.subquery("page")
            wide = _with_firms(page)
            if "window_total" in page.c:
                wide = wide.add_columns(page.c.window_total)
            self._shown = (limited, wide.order_by(*self._order(page.c)))
        return self._shown[1]


def _paged(f: QueueFilter, rows: Select | None = None) -> PagedRows:
    """The list under these filters (of `rows`, by default every proposal's page columns)."""
    return PagedRows(_filtered(_page_base() if rows is None else rows, f), lambda c: _order(f, c))


def _rows(staff: bool):
    """Rows as `ProposalRow`s; EDB's note and who decided are for staff only."""

    def make(rows: list[Row[Any]]) -> list[ProposalRow]:
        shown = []
        # The columns of _with_firms, in its order (unpacked: cheaper than names, row by row).
        for (
            proposal_id,
            score,
            status,
            reasons,
            version,
            note,
            reject_reason,
            decided_at,
            decided_by_email,
            requested_by_id,
            request_message,
            *firms,
        ) in rows:
            pk, by = FirmBrief(*firms[:4]), FirmBrief(*firms[4:8])  # then any `window_total`
            requested_by = next((f for f in (pk, by) if f.id == requested_by_id), None)
            shown.append(
                ProposalRow(
                    proposal_id,
                    pk,
                    by,
                    score,
                    str(status),
                    reasons,
                    version,
                    note if staff else None,
                    reject_reason if staff else None,
                    decided_at,
                    decided_by_email if staff else None,
                    requested_by,
                    request_message if staff else None,
                )
            )
        return shown

    return make


def _kept_total(session: Session, f: QueueFilter) -> Callable[[], int] | None:
    """The total of a list filtered by status alone (or not at all), from the counts the
    database keeps per status (`ProposalCount`): three rows read instead of up to 10,001
    proposals counted (benchmarks/pages.py: /review 0.9 ms of PostgreSQL CPU less a view, see
    the note of issue 17). Other filters: None (counted)."""
    if not _by_status_alone(f):
        return None

    def total() -> int:
        found = read(session, _kept_total_select(f.status)).scalar()
        return int(found or 0)

    return total


def queue_page(
    session: Session, actor: User, filters: QueueFilter, *, page: int, per_page: int
) -> Page[ProposalRow]:
    """A page of the review queue: the rows with both firms' names and the deciding officer in
    one query, the matching firms of a search looked up once for the page and its count."""
    require_staff(actor)
    filters = _with_search_firms(session, filters)
    listed = _queue_statement(filters)
    return paginate(
        session,
        listed.rows,
        _rows(staff=True),
        page=page,
        per_page=per_page,
        shown=listed.shown,
        count=lambda: _filtered(select(Proposal.id), filters),
        kept_total=_kept_total(session, filters),
    )


def _by_status_alone(f: QueueFilter) -> bool:
    """Whether the queue is filtered by its status alone (and sorted), as most views show it."""
    return not (f.sector or f.q or f.min_score is not None or f.max_score is not None)


def _queue_statement(f: QueueFilter) -> PagedRows:
    """The queue's rows under these filters. By status alone, built once per status and order,
    as the API list's are (where it was built per request: /review 23.25 -> 22.29 M
    instructions per request, benchmarks/instructions.py --requests 10), with the total kept
    for the status (`_kept_total`) a column of its rows (a statement of its own: 22.29 ->
    21.81; the API list, the same for its total, 11.90 -> 11.64)."""
    if _by_status_alone(f):
        return _queue_by_status(f.status, f.sort)
    return _paged(f)


@lru_cache(maxsize=64)  # the values come from the address: a bounded cache
def _queue_by_status(status: str, sort: str) -> PagedRows:
    f = QueueFilter(status=status, sort=sort)
    return _paged(f, _page_base().add_columns(_kept_total_column(status)))


def _kept_total_column(status: str) -> Label[int]:
    """The kept total as a column of a list's rows (`window_total`)."""
    return _kept_total_select(status).scalar_subquery().label("window_total")


@lru_cache(maxsize=64)  # the status comes from the address: a bounded cache
def _kept_total_select(status: str) -> Select:
    """The kept total of proposals of this status (of any, if it is none), the status written
    into the statement built for it."""
    kept = select(func.coalesce(func.sum(COUNTS.c.total), 0))
    return kept.where(COUNTS.c.status == status) if status in STATUSES else kept


def _visible(stmt: Select, user: User, status: str) -> Select:
    if user.is_staff:
        return _filtered(stmt, QueueFilter(status=status or "all"))
    if user.firm_id is None:
        return stmt.where(false())
    return stmt.where(approved_for(user.firm_id)).order_by(*SORTS["score"](PROPOSALS.c))


# The API list's statements are built once (for staff per status, for a firm with the firm a
# bound parameter) and read their total with the rows (`window_total`), where each request
# built its filters and order and read the total in a round trip of its own
# (benchmarks/instructions.py, API list: 15.20 -> 14.94 M instructions per request).
@cache
def _staff_list(status: str) -> PagedRows:
    """Every proposal of a status ("": of any), with the total of the counts kept per status."""
    f = QueueFilter(status=status or "all")
    return _paged(f, _page_base().add_columns(_kept_total_column(status)))


@cache
def _introductions_list() -> PagedRows:
    """The approved introductions of the firm `firm_id`, best first, with their number."""
    best = SORTS["score"]
    rows = _page_base().where(approved_for(bindparam("firm_id"))).order_by(*best(PROPOSALS.c))
    return PagedRows(rows.add_columns(func.count().over().label("window_total")), best)


def _visible_list(user: User, status: str) -> tuple[PagedRows, dict[str, Any]]:
    """The list the user sees and its statement's parameters."""
    if user.is_staff:
        known = status if status in STATUSES else ""
        return _staff_list(known), {}
    if user.firm_id is None:
        return PagedRows(_visible(_page_base(), user, status), SORTS["score"]), {}
    return _introductions_list(), {"firm_id": user.firm_id}


def visible_page(
    session: Session, user: User, status: str = "", *, page: int, per_page: int
) -> Page[ProposalRow]:
    """Staff: every proposal (optionally of one status); a firm: its approved introductions.
    The total comes with the rows; a page past the end counts apart."""
    listed, params = _visible_list(user, status)
    return paginate(
        session,
        listed.rows,
        _rows(user.is_staff),
        page=page,
        per_page=per_page,
        shown=listed.shown,
        params=params,
        count=lambda: _visible(select(Proposal.id), user, status),
        kept_total=_kept_total(session, QueueFilter(status=status or "all"))
        if user.is_staff
        else None,
    )


def visible_proposal(session: Session, user: User, proposal_id: int) -> ProposalRow:
    """One proposal, if the user may see it (anyone else: NotFound, as if it did not exist)."""
    stmt = _visible(_rows_base().where(Proposal.id == proposal_id), user, "all")
    found = _rows(user.is_staff)(list(session.execute(stmt).all()))
    if not found:
        raise NotFound(_("No such proposal."))
    return found[0]


def queue_ids(session: Session, filters: QueueFilter) -> Select:
    """The ids of the queue's proposals under `filters`, in the queue's order, as a statement
    to narrow further (the next proposal after a decision)."""
    filters = _with_search_firms(session, filters)
    return _filtered(select(Proposal.id), filters)
