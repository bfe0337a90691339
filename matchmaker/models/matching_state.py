"""What the matching engine keeps in the database: each firm's text embeddings, and the
generations of the fitted engine with the firms changed since (the engine state every process
follows)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.models.base import Base, utcnow
from matchmaker.models.firm import Firm


class FirmEmbedding(Base):
    """A firm's text vectors under one model (name and version): float32 little-endian bytes,
    one row of `dim` values per embedded field (offers, seeks). `text_hash` is the hash of the
    texts they were computed from: a changed text is embedded again, an unchanged one never."""

    __tablename__ = "firm_embeddings"

    firm_id: Mapped[int] = mapped_column(
        ForeignKey("firms.id", ondelete="CASCADE"), primary_key=True
    )
    model: Mapped[str] = mapped_column(String(120), primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(64))
    dim: Mapped[int] = mapped_column(Integer)
    vectors: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EngineGeneration(Base):
    """One fitted engine, written by a full `match run` (its snapshot file carries the id)."""

    __tablename__ = "engine_generations"

    id: Mapped[int] = mapped_column(primary_key=True)
    engine_version: Mapped[str] = mapped_column(String(16))
    embedder: Mapped[str] = mapped_column(String(120))
    firms: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EngineChange(Base):
    """A firm put into a generation's engine since its full run, in order (`id`): every
    process replays the changes it has not applied yet, so all engines agree."""

    __tablename__ = "engine_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    generation_id: Mapped[int] = mapped_column(
        ForeignKey("engine_generations.id", ondelete="CASCADE"), index=True
    )
    firm_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# The directory search's word index is rebuilt when the newest change of a firm moves
# (services/search.py reads max(updated_at) on every search: an index lookup, not a scan).
Index("ix_firms_updated_at", Firm.updated_at)
