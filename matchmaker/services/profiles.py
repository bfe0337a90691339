"""The firms as the matching engine reads them: profiles and their stored vectors, and
putting edited firms into a fitted engine (a refresh, and every process replaying another's)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.matching import FirmProfile, MatchEngine
from matchmaker.models import Direction, Firm, FirmCooperationType, FirmSector
from matchmaker.services import embeddings


def load_profiles(
    session: Session, firm_ids: Iterable[int] | None = None
) -> dict[int, FirmProfile]:
    """Firm id -> profile, read with three plain queries (fast for tens of thousands)."""
    firm_q = select(
        Firm.id, Firm.ref, Firm.name, Firm.country, Firm.offers, Firm.seeks, Firm.description
    )
    sector_q = select(FirmSector.firm_id, FirmSector.sector_code).order_by(
        FirmSector.firm_id, FirmSector.position
    )
    type_q = select(
        FirmCooperationType.firm_id, FirmCooperationType.type_code, FirmCooperationType.direction
    ).order_by(FirmCooperationType.firm_id, FirmCooperationType.position)
    if firm_ids is not None:
        ids = list(firm_ids)
        firm_q = firm_q.where(Firm.id.in_(ids))
        sector_q = sector_q.where(FirmSector.firm_id.in_(ids))
        type_q = type_q.where(FirmCooperationType.firm_id.in_(ids))
    sectors: dict[int, list[str]] = {}
    for firm_id, code in session.execute(sector_q):
        sectors.setdefault(firm_id, []).append(code)
    offer_types: dict[int, list[str]] = {}
    seek_types: dict[int, list[str]] = {}
    for firm_id, code, direction in session.execute(type_q):
        target = offer_types if direction == Direction.OFFER else seek_types
        target.setdefault(firm_id, []).append(code)
    return {
        row.id: FirmProfile(
            ref=row.ref,
            country=row.country,
            sectors=tuple(sectors.get(row.id, ())),
            offers=row.offers,
            seeks=row.seeks,
            description=row.description or "",
            offer_types=tuple(offer_types.get(row.id, ())),
            seek_types=tuple(seek_types.get(row.id, ())),
            name=row.name,
        )
        for row in session.execute(firm_q)
    }


def vectors_by_ref(
    session: Session, profiles: dict[int, FirmProfile], firm_ids: Iterable[int] | None = None
) -> dict[str, np.ndarray]:
    found = embeddings.load_vectors(session, firm_ids=firm_ids)
    return {profiles[i].ref: v for i, v in found.items() if i in profiles}


def put_firms(
    session: Session, engine: MatchEngine, firm_ids: list[int]
) -> list[tuple[int, str, int]]:
    """Put the listed firms, as stored now, into the engine (their stored vectors; a firm
    without one is embedded by the engine). (firm id, country, index) of each one present."""
    profiles = load_profiles(session, firm_ids)
    vectors = vectors_by_ref(session, profiles, firm_ids)
    return [
        (firm_id, profile.country, engine.upsert_firm(profile, vectors.get(profile.ref)))
        for firm_id, profile in sorted(profiles.items())
    ]
