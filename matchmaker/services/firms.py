"""The firms as a viewer may see them: the directory (listed, filtered, searched) and a firm's
record (a firm's profile written: services/firm_profile.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Row, Select, case, null, select
from sqlalchemy.orm import Session

from matchmaker.models import Firm, FirmSector, User
from matchmaker.services import pages as lists
from matchmaker.services.errors import NotFound
from matchmaker.services.firm_lists import packed_codes, unpack_codes
from matchmaker.services.firm_records import LIST_FIELDS
from matchmaker.services.introductions import contact_visible, viewer_kind, viewer_parameters
from matchmaker.services.pages import MAX_PER_PAGE, Page, paginate
from matchmaker.services.partner_states import (
    OWN_ID,
    PartnerState,
    state_columns,
    states_of_rows,
    viewing_firm,
)
from matchmaker.services.reads import dialect, in_ids, read
from matchmaker.services.rows import FirmListing, FirmRow
from matchmaker.services.search import STAMP, Ranking, rank


@dataclass
class DirectoryQuery:
    q: str = ""
    sector: str = ""
    country: str = ""


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_search(text: str, limit: int = 200) -> str:
    """A search term as typed, minus control characters (PostgreSQL refuses NUL)."""
    return _CONTROL.sub(" ", text or "").strip()[:limit]


def escape_like(text: str) -> str:
    """`text` as a LIKE pattern matches it literally (with `escape="\\"`)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


_WORD = re.compile(r"[^\W_]+")


def search_words(text: str, limit: int = 8) -> list[str]:
    """The words of a search, lowercased: letters and digits in any script."""
    return _WORD.findall(text.lower())[:limit]


def _directory_filtered(stmt: Select, query: DirectoryQuery) -> Select:
    """`stmt` filtered as the directory without a search is (a search: `_search_page`)."""
    sector = clean_search(query.sector, 32)
    country = clean_search(query.country, 2)
    if sector:
        stmt = stmt.where(
            Firm.id.in_(select(FirmSector.firm_id).where(FirmSector.sector_code == sector))
        )
    if country:
        stmt = stmt.where(Firm.country == country)
    return stmt


_ROW_COLUMNS = (
    Firm.id,
    Firm.ref,
    Firm.name,
    Firm.country,
    Firm.city,
    Firm.offers,
    Firm.seeks,
    Firm.description,
    Firm.employees,
    Firm.founded,
    Firm.website,
)


# The statements of firm pages are built once (`functools.cache`; values are bound parameters):
# they cost more to build than to run. benchmarks/tricks.py, `firm statements per call` (these,
# the directory's rows by id, the introductions, the unread badge, the thread with its messages),
# two runs: /matches +68% and +154% CPU, a thread +124% and +154%, the directory search +14% and
# +15% (en; `product again`, the noise, up to -20%).
@cache
def _rows_select(viewer_kind: str) -> Select:
    """Firms as `FirmRow`s, the contact e-mail only where the viewer may see it (the viewer's
    firm a bound parameter), built once per kind of viewer."""
    contact = case((contact_visible(viewer_kind), Firm.contact_email), else_=null())
    lists = (packed_codes(Firm.id, name) for name in LIST_FIELDS)
    return select(*_ROW_COLUMNS, contact.label("contact_email"), *lists)


@cache
def _listing_select() -> Select:
    """Firms as `FirmListing`s: the columns a card shows, the same for every viewer."""
    return select(
        Firm.id, Firm.name, Firm.country, Firm.city, Firm.offers, packed_codes(Firm.id, "sectors")
    )


def _firm_select(viewer_kind: str, listing: bool) -> Select:
    return _listing_select() if listing else _rows_select(viewer_kind)


def directory_select(query: DirectoryQuery) -> Select:
    """The directory's firms without a search in order, narrow (the id and the name to order
    by)."""
    stmt = _directory_filtered(select(Firm.id, Firm.name.label("sort_key")), query)
    return stmt.order_by(Firm.name, Firm.id)


def directory_page(
    session: Session, viewer: User, query: DirectoryQuery, *, page: int, per_page: int
) -> Page[FirmRow]:
    """A page of the directory as the viewer may see it (the API's)."""
    return _directory(session, viewer, query, page, per_page, None, listing=False)[0]


def directory_with_states(
    session: Session, viewer: User, query: DirectoryQuery, *, page: int, per_page: int
) -> tuple[Page[FirmListing], dict[int, PartnerState]]:
    """A page of the directory as its cards show it and, for a firm user, what its firm may
    do with each firm listed (`partner_states`), read with the firms' rows."""
    return _directory(session, viewer, query, page, per_page, viewing_firm(viewer), listing=True)


def _directory(
    session: Session,
    viewer: User,
    query: DirectoryQuery,
    page: int,
    per_page: int,
    own_id: int | None,
    *,
    listing: bool,
) -> tuple[Page[Any], dict[int, PartnerState]]:
    """The page's firms found and ordered by id and name only, then read with their list
    fields (whole, `FirmRow`s; with `listing`, `FirmListing`s) and, with `own_id`, that firm's state
    with each (two queries; past a first page that is full and without a search, a count). A
    search: `_search_page`."""
    states: dict[int, PartnerState] = {}
    params = viewer_parameters(viewer) | ({OWN_ID: own_id} if own_id is not None else {})

    def firms_of(rows) -> list[Any]:
        if own_id is not None:
            states.update(states_of_rows(rows, own_id))
        return _listings(rows) if listing else _firm_rows(rows)

    if clean_search(query.q):
        found = _search_page(
            session,
            viewer,
            query,
            page,
            per_page,
            params,
            with_states=own_id is not None,
            listing=listing,
        )
        return replace(found, items=firms_of(found.items)), states

    def shown(ordered: Select) -> Select:
        found = ordered.subquery("page")
        stmt = _firm_select(viewer_kind(viewer), listing).join(found, found.c.id == Firm.id)
        if own_id is not None:
            stmt = stmt.add_columns(*_firm_state_columns())
        return stmt.order_by(found.c.sort_key, found.c.id)

    listed = paginate(
        session,
        directory_select(query),
        firms_of,
        page=page,
        per_page=per_page,
        count=lambda: _directory_filtered(select(Firm.id), query),
        shown=shown,
        params=params,
    )
    return listed, states


def _search_page(
    session: Session,
    viewer: User,
    query: DirectoryQuery,
    page: int,
    per_page: int,
    params: dict[str, Any],
    *,
    with_states: bool,
    listing: bool,
) -> Page[Row[Any]]:
    """A page of a search, its rows as read: the search ranks the matching firms with the
    filters applied (services/search.py), so their number is the total and the page is a
    slice of them; the database reads only the page's firms, by id. Sending the ranked ids (up
    to 1,000) to sort and count them in SQL cost 27 ms of PostgreSQL CPU per search at 20,000
    firms (an array_position per row) and 2 ms here to send them: benchmarks/pages.py, `search
    + sector`, see the note of issue 17. `with_states`: the rows carry the partner states;
    `listing`: they are `FirmListing`s' columns.

    The search ranks with the index it holds, and the page's statement reads the index's
    stamp with the firms (`search.rank`): only when the index was not current, or the page is
    empty with nothing to check it by, is the search asked again, checked (and the index built
    again if a write came since)."""
    q = clean_search(query.q)
    sector, country = clean_search(query.sector, 32), clean_search(query.country, 2)
    page = max(page, 1)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    if not search_words(q):
        return Page([], page, per_page, 0, lists.COUNT_CAP)
    stmt = _by_ids_select(viewer_kind(viewer), dialect(session), with_states, listing)

    def read_page(ranking: Ranking) -> list[Row[Any]]:
        """The page's rows in the ranking's order."""
        shown_ids = ranking.ids[(page - 1) * per_page : page * per_page]
        if not shown_ids:
            return []
        found = read(session, stmt, {**params, "firm_ids": shown_ids}).all()
        place = {firm_id: n for n, firm_id in enumerate(shown_ids)}
        return sorted(found, key=lambda row: place[row.id])

    ranking = rank(session, q, sector, country, checked=False)
    rows = read_page(ranking)
    if not rows or not ranking.current(rows[0]):
        ranking = rank(session, q, sector, country, checked=True)
        rows = read_page(ranking)
    total = min(len(ranking.ids), lists.COUNT_CAP + 1)
    return Page(rows, page, per_page, total, lists.COUNT_CAP)


@cache
def _by_ids_select(viewer_kind: str, dialect_name: str, with_states: bool, listing: bool) -> Select:
    """A search's page of firms by id, with the search index's stamp (`_search_page`)."""
    stmt = _firm_select(viewer_kind, listing).where(in_ids(Firm.id, "firm_ids", dialect_name))
    stmt = stmt.add_columns(STAMP)
    return stmt.add_columns(*_firm_state_columns()) if with_states else stmt


@cache
def _firm_state_columns() -> tuple[Any, ...]:
    return state_columns(Firm.id)


def firm_row(session: Session, viewer: User, firm_id: int) -> FirmRow:
    """One firm's record as the viewer may see it."""
    stmt = _rows_select(viewer_kind(viewer)).where(Firm.id == firm_id)
    found = session.execute(stmt, viewer_parameters(viewer)).all()
    if not found:
        raise NotFound(_("No such firm."))
    return _firm_rows(found)[0]


def firm_listings(session: Session, firm_ids: list[int]) -> list[FirmListing]:
    """These firms as cards show them, in the order of `firm_ids`."""
    if not firm_ids:
        return []
    stmt = _listing_select().where(Firm.id.in_(firm_ids))
    found = {row.id: row for row in _listings(session.execute(stmt).all())}
    return [found[i] for i in firm_ids if i in found]


def _listings(rows) -> list[FirmListing]:
    return [
        FirmListing(
            id=row.id,
            name=row.name,
            country=row.country,
            city=row.city,
            sectors=unpack_codes(row.sectors),
            offers=row.offers,
        )
        for row in rows
    ]


def _firm_rows(rows) -> list[FirmRow]:
    return [
        FirmRow(
            id=row.id,
            ref=row.ref,
            name=row.name,
            country=row.country,
            city=row.city,
            sectors=unpack_codes(row.sectors),
            offers=row.offers,
            seeks=row.seeks,
            offer_types=unpack_codes(row.offer_types),
            seek_types=unpack_codes(row.seek_types),
            description=row.description,
            employees=row.employees,
            founded=row.founded,
            website=row.website,
            contact_email=row.contact_email,
        )
        for row in rows
    ]


def get_firm(session: Session, firm_id: int) -> Firm:
    firm = session.get(Firm, firm_id)
    if firm is None:
        raise NotFound(_("No such firm."))
    return firm
