from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
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


class Sector(Base):
    __tablename__ = "sectors"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    label: Mapped[str] = mapped_column(String(100))
    isic: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def isic_codes(self) -> list[str]:
        return [c.strip() for c in self.isic.split(",") if c.strip()]


class CooperationType(Base):
    __tablename__ = "cooperation_types"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    label: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Firm(Base):
    __tablename__ = "firms"
    __table_args__ = (
        CheckConstraint("country IN ('PK', 'BY')", name="country"),
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
    user: Mapped[User | None] = relationship(back_populates="firm")

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
    sector: Mapped[Sector] = relationship(lazy="joined")


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
