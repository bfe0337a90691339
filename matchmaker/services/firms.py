"""Firm profiles: create and edit one's own firm, the directory, and applying records."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, false, func, literal_column, select
from sqlalchemy.orm import Session, selectinload

from matchmaker.errors import Forbidden, NotFound, ValidationFailed
from matchmaker.models import (
    Direction,
    Firm,
    FirmCooperationType,
    FirmSector,
    User,
)
from matchmaker.models.firm import SEARCH_CONFIG
from matchmaker.services.firm_records import FIELDS, LIST_FIELDS, Taxonomy, validate_record
from matchmaker.services.reference import CooperationTypeEntry, SectorEntry, reference
from matchmaker.services.search import in_rank_order, search_firm_ids

SCALAR_FIELDS = tuple(f for f in FIELDS if f not in LIST_FIELDS)


def load_taxonomy(session: Session) -> Taxonomy:
    kept = reference(session)
    return Taxonomy(sectors=kept.sector_codes, cooperation_types=kept.type_codes)


def sectors(session: Session) -> list[SectorEntry]:
    return list(reference(session).sectors)


def cooperation_types(session: Session) -> list[CooperationTypeEntry]:
    return list(reference(session).cooperation_types)


def apply_record(firm: Firm, record: dict[str, Any]) -> bool:
    """Copy a validated record onto a firm; touch only what differs. Returns whether it changed."""
    changed = False
    for field in SCALAR_FIELDS:
        if getattr(firm, field) != record[field]:
            setattr(firm, field, record[field])
            changed = True
    if firm.sectors != record["sectors"]:
        _replace_links(
            firm,
            "sector_links",
            [FirmSector(sector_code=c, position=i) for i, c in enumerate(record["sectors"])],
        )
        changed = True
    if firm.offer_types != record["offer_types"] or firm.seek_types != record["seek_types"]:
        links = [
            FirmCooperationType(type_code=code, direction=Direction.OFFER, position=i)
            for i, code in enumerate(record["offer_types"])
        ] + [
            FirmCooperationType(type_code=code, direction=Direction.SEEK, position=i)
            for i, code in enumerate(record["seek_types"])
        ]
        _replace_links(firm, "type_links", links)
        changed = True
    return changed


def _replace_links(firm: Firm, attribute: str, links: list[Any]) -> None:
    # The new links may reuse the primary keys of the old ones: delete those first.
    session = Session.object_session(firm)
    if session is not None and firm.id is not None and getattr(firm, attribute):
        setattr(firm, attribute, [])
        session.flush()
    setattr(firm, attribute, links)


def new_ref(session: Session, country: str) -> str:
    while True:
        ref = f"{country}-{secrets.token_hex(3)}"
        if session.scalar(select(Firm.id).where(Firm.ref == ref)) is None:
            return ref


def save_own_firm(session: Session, user: User, data: dict[str, Any]) -> Firm:
    """Create or update the firm of a firm user from profile-form data. Commits."""
    if not user.is_firm_user:
        raise Forbidden(_("Only firm accounts have a firm profile."))
    firm = user.firm
    data = dict(data)
    data["ref"] = firm.ref if firm else "PENDING"
    if not data.get("contact_email"):
        data["contact_email"] = user.email
    record, errors = validate_record(data, load_taxonomy(session))
    if errors:
        raise ValidationFailed(errors)
    if firm is None:
        record["ref"] = new_ref(session, record["country"])
        firm = Firm(ref=record["ref"])
        session.add(firm)
        user.firm = firm
    apply_record(firm, record)
    session.commit()
    return firm


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


def prefix_tsquery(text: str):
    """A tsquery (SQL) in which every word of `text` must start a word of the profile ('tract'
    finds 'tractors'). PostgreSQL's own parser splits `text`, as it split the profiles, so
    '2.5 MVA' or 'CKD/SKD' match as written; each word is quoted, so no tsquery syntax gets
    through. No words: NULL, which matches nothing."""
    words = func.unnest(func.to_tsvector(SEARCH_CONFIG, text)).table_valued("lexeme")
    terms = select(
        func.string_agg(
            func.quote_literal(words.c.lexeme).op("||")(literal_column("':*'")),
            literal_column("' & '"),
        )
    ).scalar_subquery()
    return func.to_tsquery(SEARCH_CONFIG, terms)


def uses_full_text(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def directory_select(session: Session, query: DirectoryQuery) -> Select[tuple[Firm]]:
    """The directory's firms, by name, with their sectors and cooperation types (the API's
    full records)."""
    stmt = select(Firm).options(selectinload(Firm.sector_links), selectinload(Firm.type_links))
    return _directory_filtered(session, stmt, query)


def directory_rows_select(session: Session, query: DirectoryQuery) -> Select:
    """The directory page's rows: the columns a firm's card shows (sectors: `sector_codes`).
    A search also counts its matches in the same query (it collects and sorts them anyway)."""
    columns = [Firm.id, Firm.name, Firm.country, Firm.city, Firm.offers]
    if clean_search(query.q):
        columns.append(func.count().over().label("window_total"))
    return _directory_filtered(session, select(*columns), query)


def directory_count_select(session: Session, query: DirectoryQuery) -> Select:
    return _directory_filtered(session, select(Firm.id), query)


def _directory_filtered(session: Session, stmt: Select, query: DirectoryQuery) -> Select:
    """The directory's filters and order: by relevance for a search, else by name."""
    query = DirectoryQuery(
        q=clean_search(query.q),
        sector=clean_search(query.sector, 32),
        country=clean_search(query.country, 2),
    )
    words = search_words(query.q)
    if query.q and not words:
        return stmt.where(false())
    ranked: list[int] = []
    if words:
        # Whole words, a typo, other languages; best match first (services/search.py).
        ranked = search_firm_ids(session, query.q, query.sector, query.country)
        if not ranked:
            return stmt.where(false())
    if query.sector:
        stmt = stmt.where(
            Firm.id.in_(select(FirmSector.firm_id).where(FirmSector.sector_code == query.sector))
        )
    if query.country:
        stmt = stmt.where(Firm.country == query.country)
    if ranked:
        return in_rank_order(session, stmt, ranked)
    return stmt.order_by(Firm.name, Firm.id)


def sector_codes(session: Session, firm_ids: list[int]) -> dict[int, list[str]]:
    """Each firm's sector codes, in the firm's order: one query for a page of firms."""
    if not firm_ids:
        return {}
    found: dict[int, list[str]] = {}
    rows = session.execute(
        select(FirmSector.firm_id, FirmSector.sector_code)
        .where(FirmSector.firm_id.in_(set(firm_ids)))
        .order_by(FirmSector.firm_id, FirmSector.position)
    )
    for firm_id, code in rows:
        found.setdefault(firm_id, []).append(code)
    return found


def get_firm(session: Session, firm_id: int) -> Firm:
    firm = session.get(Firm, firm_id)
    if firm is None:
        raise NotFound(_("No such firm."))
    return firm
