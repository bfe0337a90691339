"""Import and export of firm records (JSON Lines, CSV and XLSX), as the contract defines them."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from matchmaker.models import Firm
from matchmaker.services.firm_profile import apply_record
from matchmaker.services.firm_records import FIELDS, LIST_FIELDS, record_of, validate_record
from matchmaker.services.reference import TAXONOMY


@dataclass
class ImportReport:
    errors: list[str] = field(default_factory=list)  # "line N: field: reason"
    valid: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    written: bool = False
    firm_ids: list[int] = field(default_factory=list)  # created or changed, for re-matching


Progress = Callable[[str, int], None]
PROGRESS_EVERY = 100


class UnsupportedFormat(ValueError):
    pass


SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv", ".xlsx": "xlsx"}
ZIP_MAGIC = b"PK\x03\x04"


def file_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    raise UnsupportedFormat(f"{path}: use a .jsonl, .csv or .xlsx file")


def sniff(data: bytes, fmt: str) -> str | None:
    """Whether the bytes are what their name says (`fmt`); a problem code if not:
    "empty", "not_xlsx", "binary", "not_utf8", "html" or "not_json_lines"."""
    if not data.strip():
        return "empty"
    if fmt == "xlsx":
        if not data.startswith(ZIP_MAGIC):
            return "not_xlsx"
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return "not_xlsx"
        return None if "xl/workbook.xml" in names else "not_xlsx"
    if data.startswith(ZIP_MAGIC) or b"\x00" in data[:65536]:
        return "binary"
    try:
        text = data[:65536].decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < 65536 - 4:  # not a character cut at the end of the sample
            return "not_utf8"
        text = data[: exc.start].decode("utf-8-sig")
    start = text.lstrip()[:15].lower()
    if start.startswith(("<!doctype", "<html", "<?xml", "<head", "<body", "<script")):
        return "html"
    if fmt == "jsonl" and not start.startswith("{"):
        return "not_json_lines"
    return None


def parse_jsonl(stream: TextIO) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """Yield (line number, raw record or None, parse problem)."""
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, None, f"not valid JSON ({exc.msg})"
            continue
        if not isinstance(value, dict):
            yield number, None, "each line must be a JSON object"
            continue
        yield number, value, None


def parse_csv(stream: TextIO) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    reader = csv.reader(stream)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return
    except csv.Error as exc:
        yield 1, None, f"unreadable header ({exc})"
        return
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, None, f"unreadable row ({exc})"
            start = reader.line_num + 1
            continue
        number, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield number, None, f"expected {len(header)} cells, got {len(row)}"
            continue
        # An empty cell is an absent value.
        yield (
            number,
            {h: (c if c.strip() else None) for h, c in zip(header, row, strict=True)},
            None,
        )


def parse_xlsx(stream: BinaryIO) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """The first sheet: a header row, then one firm a row (numbered as the sheet numbers
    them); lists separated by ';' as in CSV."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        yield 1, None, f"not a readable workbook ({type(exc).__name__})"
        return
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [_xlsx_text(h) or "" for h in next(rows, ())]
        width = len(header)
        while header and not header[-1]:
            header.pop()
        for number, row in enumerate(rows, start=2):
            cells = [_xlsx_text(c) for c in row[:width]]
            if not any(cells):
                continue
            extra = [c for c in cells[len(header) :] if c]
            if extra:
                yield number, None, f"expected {len(header)} cells, got {len(header) + len(extra)}"
                continue
            cells += [None] * (len(header) - len(cells))
            yield number, {h: c for h, c in zip(header, cells, strict=False) if h}, None
    finally:
        book.close()


def _xlsx_text(value: Any) -> str | None:
    """A cell as the text CSV would carry (an integral number without '.0'); None if empty."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()
    text = str(value)
    return text if text.strip() else None


def parse_bytes(data: bytes, fmt: str) -> list[tuple[str, int, dict[str, Any] | None, str | None]]:
    """Records of an uploaded file, as `read_records` gives them."""
    if fmt == "xlsx":
        items = parse_xlsx(io.BytesIO(data))
    else:
        text = io.StringIO(data.decode("utf-8-sig"), newline=None if fmt == "jsonl" else "")
        items = (parse_jsonl if fmt == "jsonl" else parse_csv)(text)
    return [(fmt, *item) for item in items]


def read_records(path: str | Path):
    fmt = file_format(path)
    if fmt == "xlsx":
        with open(path, "rb") as binary:
            yield from ((fmt, *item) for item in parse_xlsx(binary))
        return
    with open(path, encoding="utf-8-sig", newline="") as stream:
        parser = parse_jsonl if fmt == "jsonl" else parse_csv
        yield from ((fmt, *item) for item in parser(stream))


def import_firms(
    session: Session,
    items: Iterable[tuple[str, int, dict[str, Any] | None, str | None]],
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Validate every record, then upsert by ref: all or nothing unless skip_invalid.
    `progress(stage, done)` is called as records are checked and written."""
    report = ImportReport()
    good: list[dict[str, Any]] = []
    seen_refs: dict[str, int] = {}
    for count, (fmt, number, raw, problem) in enumerate(items, start=1):
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress("checked", count)
        if raw is None:
            # CONTRACT: the field of a line that does not parse is `json` or `csv` (or `xlsx`).
            field_name = {"csv": "csv", "xlsx": "xlsx"}.get(fmt, "json")
            report.errors.append(f"line {number}: {field_name}: {problem}")
            continue
        record, errors = validate_record(raw, TAXONOMY)
        ref = record.get("ref")
        if ref and "ref" not in errors:
            if ref in seen_refs:
                errors["ref"] = f"repeats the ref of line {seen_refs[ref]}"
            else:
                seen_refs[ref] = number
        if errors:
            report.errors.extend(f"line {number}: {f}: {reason}" for f, reason in errors.items())
            continue
        good.append(record)
    report.valid = len(good)
    if dry_run or (report.errors and not skip_invalid):
        return report
    _upsert(session, good, report, progress)
    session.commit()
    report.written = True
    return report


def _upsert(
    session: Session,
    records: list[dict[str, Any]],
    report: ImportReport,
    progress: Progress | None = None,
) -> None:
    existing: dict[str, Firm] = {}
    refs = [r["ref"] for r in records]
    for i in range(0, len(refs), 500):
        chunk = refs[i : i + 500]
        stmt = (
            select(Firm)
            .where(Firm.ref.in_(chunk))
            .options(selectinload(Firm.sector_links), selectinload(Firm.type_links))
        )
        existing.update((f.ref, f) for f in session.scalars(stmt))
    changed: list[Firm] = []
    for count, record in enumerate(records, start=1):
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress("written", count)
        firm = existing.get(record["ref"])
        if firm is None:
            firm = Firm(ref=record["ref"])
            session.add(firm)
            apply_record(firm, record)
            report.created += 1
            changed.append(firm)
        elif apply_record(firm, record):
            report.updated += 1
            changed.append(firm)
        else:
            report.unchanged += 1
    session.flush()
    report.firm_ids = [f.id for f in changed]


def export_records(session: Session) -> Iterator[dict[str, Any]]:
    stmt = (
        select(Firm)
        .order_by(Firm.ref)
        .options(selectinload(Firm.sector_links), selectinload(Firm.type_links))
        .execution_options(yield_per=1000)
    )
    for firm in session.scalars(stmt):
        yield record_of(firm)


def write_jsonl(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIELDS)
    count = 0
    for record in records:
        writer.writerow(_csv_cell(record[f], f in LIST_FIELDS) for f in FIELDS)
        count += 1
    return count


def _csv_cell(value: Any, is_list: bool) -> str:
    if value is None:
        return ""
    if is_list:
        return ";".join(value)
    return str(value)


WRITERS: dict[str, Callable[[Iterable[dict[str, Any]], TextIO], int]] = {
    "jsonl": write_jsonl,
    "csv": write_csv,
}


def export_text(session: Session, fmt: str) -> str:
    buffer = io.StringIO()
    WRITERS[fmt](export_records(session), buffer)
    return buffer.getvalue()
