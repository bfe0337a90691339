from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects import postgresql  # noqa: F401 - registers to_tsvector's types
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.models.base import Base, utcnow

if TYPE_CHECKING:
    from matchmaker.models.user import User


class Country(StrEnum):
    PK = "PK"
    BY = "BY"


class Direction(StrEnum):
    OFFER = "offer"
    SEEK = "seek"


def split_isic(isic: str) -> list[str]:
    """A sector's ISIC Rev.4 codes, stored comma-separated ("0510, 2824")."""
    return [c.strip() for c in isic.split(",") if c.strip()]


class Sector(Base):
    __tablename__ = "sectors"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    label: Mapped[str] = mapped_column(String(100))
    isic: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def isic_codes(self) -> list[str]:
        return split_isic(self.isic)


class CooperationType(Base):
    __tablename__ = "cooperation_types"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    label: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Firm(Base):
    __tablename__ = "firms"
    __table_args__ = (
        CheckConstraint(
            "country IN ({})".format(", ".join(f"'{c.value}'" for c in Country)), name="country"
        ),
        CheckConstraint("employees IS NULL OR employees >= 0", name="employees"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2), index=True)
    city: Mapped[str | None] = mapped_column(String(100))
    offers: Mapped[str] = mapped_column(Text)
    seeks: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    employees: Mapped[int | None] = mapped_column(Integer)
    founded: Mapped[int | None] = mapped_column(Integer)
    website: Mapped[str | None] = mapped_column(String(500))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    sector_links: Mapped[list[FirmSector]] = relationship(
        back_populates="firm",
        cascade="all, delete-orphan",
        order_by="FirmSector.position",
    )
    type_links: Mapped[list[FirmCooperationType]] = relationship(
        back_populates="firm",
        cascade="all, delete-orphan",
        order_by="FirmCooperationType.position",
    )
    users: Mapped[list[User]] = relationship(back_populates="firm", order_by="User.id")

    @property
    def sectors(self) -> list[str]:
        return [link.sector_code for link in self.sector_links]

    @property
    def offer_types(self) -> list[str]:
        return [t.type_code for t in self.type_links if t.direction == Direction.OFFER]

    @property
    def seek_types(self) -> list[str]:
        return [t.type_code for t in self.type_links if t.direction == Direction.SEEK]

    def __repr__(self) -> str:
        return f"<Firm {self.ref} {self.country}>"


# PostgreSQL full-text search over the directory. The 'simple' configuration lowercases and
# splits words without stemming: profiles are in English, Russian and Urdu, and one language's
# stemmer would mangle the others. The GIN index is on exactly this expression, so a query
# must build its document with `search_document()` for the index to be used.
SEARCH_CONFIG = text("'simple'::regconfig")
SEARCHED_COLUMNS = ("name", "city", "offers", "seeks", "description")


def search_document(table=None) -> ColumnElement:
    return _search_document(table if table is not None else Firm.__table__)


@cache
def _search_document(table) -> ColumnElement:
    # Built once per table, an immutable expression (benchmarks/tricks.py, built per call: the
    # directory search +6% CPU). Constants as SQL literals, not bound parameters: the planner
    # matches the index only to the same expression and constants.
    columns = table.c
    empty, space = text("''"), text("' '")
    document = func.coalesce(columns[SEARCHED_COLUMNS[0]], empty)
    for name in SEARCHED_COLUMNS[1:]:
        document = document.op("||")(space).op("||")(func.coalesce(columns[name], empty))
    return func.to_tsvector(SEARCH_CONFIG, document)


Index(
    "ix_firms_search",
    search_document(Firm.__table__),
    postgresql_using="gin",
).ddl_if(dialect="postgresql")
# The directory lists firms by name.
Index("ix_firms_name", Firm.name, Firm.id)
# The review queue finds firms by part of their name (`lower(name) LIKE '%word%'`).
Index(
    "ix_firms_name_trigrams",
    func.lower(Firm.name).label("name_lower"),
    postgresql_using="gin",
    postgresql_ops={"name_lower": "gin_trgm_ops"},
).ddl_if(dialect="postgresql")


class FirmSector(Base):
    __tablename__ = "firm_sectors"

    firm_id: Mapped[int] = mapped_column(
        ForeignKey("firms.id", ondelete="CASCADE"), primary_key=True
    )
    sector_code: Mapped[str] = mapped_column(
        ForeignKey("sectors.code"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)

    firm: Mapped[Firm] = relationship(back_populates="sector_links")
    sector: Mapped[Sector] = relationship()  # labels come from services.reference


class FirmCooperationType(Base):
    __tablename__ = "firm_cooperation_types"
    __table_args__ = (CheckConstraint("direction IN ('offer', 'seek')", name="direction"),)

    firm_id: Mapped[int] = mapped_column(
        ForeignKey("firms.id", ondelete="CASCADE"), primary_key=True
    )
    type_code: Mapped[str] = mapped_column(ForeignKey("cooperation_types.code"), primary_key=True)
    direction: Mapped[str] = mapped_column(String(8), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    firm: Mapped[Firm] = relationship(back_populates="type_links")
