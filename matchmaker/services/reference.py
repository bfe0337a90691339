"""The reference tables (sectors, cooperation types), read once per database and kept.

They are seeded by the migrations and change only with one, so pages show sector labels and
ISIC codes without a query of their own. An empty read (a database not seeded yet) is not kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from matchmaker.models import CooperationType, Sector
from matchmaker.models.firm import split_isic


@dataclass(frozen=True)
class SectorEntry:
    code: str
    label: str
    isic: str
    position: int

    @property
    def isic_codes(self) -> list[str]:
        return split_isic(self.isic)


@dataclass(frozen=True)
class CooperationTypeEntry:
    code: str
    label: str
    position: int


@dataclass(frozen=True)
class Reference:
    sectors: tuple[SectorEntry, ...]
    cooperation_types: tuple[CooperationTypeEntry, ...]
    sector_by_code: dict[str, SectorEntry] = field(repr=False)

    @property
    def sector_codes(self) -> frozenset[str]:
        return frozenset(self.sector_by_code)

    @property
    def type_codes(self) -> frozenset[str]:
        return frozenset(t.code for t in self.cooperation_types)


_KEPT: WeakKeyDictionary[Engine, Reference] = WeakKeyDictionary()


def reference(session: Session) -> Reference:
    engine = session.get_bind()
    kept = _KEPT.get(engine)
    if kept is not None:
        return kept
    sectors = tuple(
        SectorEntry(row.code, row.label, row.isic, row.position)
        for row in session.execute(
            select(Sector.code, Sector.label, Sector.isic, Sector.position).order_by(
                Sector.position
            )
        )
    )
    types = tuple(
        CooperationTypeEntry(row.code, row.label, row.position)
        for row in session.execute(
            select(CooperationType.code, CooperationType.label, CooperationType.position).order_by(
                CooperationType.position
            )
        )
    )
    found = Reference(sectors, types, {s.code: s for s in sectors})
    if sectors and types:
        _KEPT[engine] = found
    return found
