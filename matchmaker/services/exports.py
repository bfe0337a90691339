"""Downloads for EDB staff: the audit trail (filtered), proposals and firms, as CSV or XLSX.

Every text cell that a spreadsheet would run as a formula (it starts with = + - @ or a tab or
carriage return) is defused with a leading apostrophe, in both formats, as `review export`
does; numbers stay numbers in XLSX.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from matchmaker.models import AuditEntry, Firm, Proposal, Role, User
from matchmaker.services import matching
from matchmaker.services.firm_records import FIELDS, LIST_FIELDS
from matchmaker.services.firms import escape_like
from matchmaker.services.importing import export_records
from matchmaker.services.proposals import require_staff

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class Table:
    title: str
    header: list[str]
    rows: Iterable[list[Any]]


def safe_cell(value: Any) -> Any:
    """A cell as text a spreadsheet shows as written (numbers are kept for XLSX)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return value
    text = value.isoformat(timespec="seconds") if isinstance(value, datetime) else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow(safe_cell(v) for v in row)
    return out.getvalue()


def to_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(table.title[:31])
    sheet.append(table.header)
    for row in table.rows:
        # A string cell that starts with "=" would be written as a formula: safe_cell defuses it.
        sheet.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(table: Table, fmt: str) -> tuple[bytes, str]:
    """The file's bytes and its media type."""
    if fmt == "xlsx":
        return to_xlsx(table), XLSX_TYPE
    return to_csv(table).encode("utf-8"), CSV_TYPE


# --- the audit trail ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilter:
    officer_id: int | None = None
    firm: str = ""  # part of either firm's name, or its ref
    date_from: date | None = None
    date_to: date | None = None  # inclusive (UTC days)

    @property
    def active(self) -> bool:
        return bool(self.officer_id or self.firm or self.date_from or self.date_to)


def officers(session: Session, actor: User) -> list[tuple[int, str]]:
    """Staff accounts (id, e-mail), for the audit trail's officer filter."""
    require_staff(actor)
    rows = session.execute(
        select(User.id, User.email)
        .where(User.role.in_([Role.STAFF, Role.ADMIN]))
        .order_by(User.email)
    )
    return [(user_id, email) for user_id, email in rows]


def filter_audit(stmt: Select, f: AuditFilter, pk, by) -> Select:
    """The audit statement narrowed by `f` (`pk`, `by`: the firms' aliases joined to it)."""
    if f.officer_id:
        stmt = stmt.where(AuditEntry.actor_id == f.officer_id)
    if f.date_from:
        stmt = stmt.where(AuditEntry.created_at >= datetime.combine(f.date_from, time(), UTC))
    if f.date_to:
        end = datetime.combine(f.date_to + timedelta(days=1), time(), UTC)
        stmt = stmt.where(AuditEntry.created_at < end)
    if f.firm:
        pattern = f"%{escape_like(f.firm.lower())}%"
        stmt = stmt.where(
            or_(
                func.lower(pk.name).like(pattern, escape="\\"),
                func.lower(by.name).like(pattern, escape="\\"),
                pk.ref == f.firm,
                by.ref == f.firm,
            )
        )
    return stmt


# The columns of `review export` and of the audit trail's downloads (services/audit_trail.py).
AUDIT_HEADER = [
    "decided_at",
    "officer",
    "action",
    "from_status",
    "to_status",
    "pk_ref",
    "pk_name",
    "by_ref",
    "by_name",
    "score",
    "note",
]


def audit_table(session: Session, actor: User, f: AuditFilter) -> Table:
    """The audit trail under `f`, oldest first, in the columns of `review export`."""
    require_staff(actor)
    pk, by = aliased(Firm, name="pk"), aliased(Firm, name="by")
    stmt = (
        select(
            AuditEntry.created_at,
            User.email,
            AuditEntry.action,
            AuditEntry.from_status,
            AuditEntry.to_status,
            pk.ref,
            pk.name,
            by.ref,
            by.name,
            Proposal.score,
            AuditEntry.note,
        )
        .outerjoin(User, AuditEntry.actor_id == User.id)
        .outerjoin(Proposal, AuditEntry.proposal_id == Proposal.id)
        .outerjoin(pk, Proposal.pk_firm_id == pk.id)
        .outerjoin(by, Proposal.by_firm_id == by.id)
        .order_by(AuditEntry.id)
    )
    rows = session.execute(filter_audit(stmt, f, pk, by))

    def cells() -> Iterator[list[Any]]:
        for row in rows:
            values = list(row)
            values[0] = _utc(values[0]).isoformat(timespec="seconds")
            values[9] = round(values[9], 4) if values[9] is not None else None
            yield values

    return Table("audit", AUDIT_HEADER, cells())


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --- proposals and firms -----------------------------------------------------------------------


PROPOSAL_HEADER = ["firm", "partner", "rank", "score", "status", "reasons"]


def proposals_table(session: Session, actor: User) -> Table:
    """Every firm's ranked proposals, in the columns of `match export --format csv`."""
    require_staff(actor)
    rows = matching.export_rows(session)
    return Table(
        "proposals",
        PROPOSAL_HEADER,
        ([*(r[k] for k in PROPOSAL_HEADER[:-1]), "; ".join(r["reasons"])] for r in rows),
    )


def firms_table(session: Session, actor: User) -> Table:
    """Every firm in the import format's columns (lists joined by ';', as `firms export`)."""
    require_staff(actor)
    return Table(
        "firms",
        list(FIELDS),
        (
            [";".join(r[f] or ()) if f in LIST_FIELDS else r[f] for f in FIELDS]
            for r in export_records(session)
        ),
    )
