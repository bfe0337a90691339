"""A firm's list fields (sectors, offered and sought cooperation types) read in the firm's
order: as columns of its row (`packed_codes`), or for a set of firms in one query
(`list_fields`)."""

from __future__ import annotations

from functools import cache

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    bindparam,
    case,
    cast,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from matchmaker.models import Direction, FirmCooperationType, FirmSector
from matchmaker.services.firm_records import LIST_FIELDS
from matchmaker.services.reads import read


def packed_codes(firm_id: ColumnElement[int], field: str) -> ColumnElement[str | None]:
    """One of a firm's list fields (sectors, offered or sought types) as one text column of its
    row: its codes, each after its position ("0:tractors,1:buses"), for `unpack_codes`. A
    correlated subquery of the firm's row, against a query of its own for the page's firms, in
    M instructions per request (benchmarks/instructions.py --requests 10): the directory search
    28.21 -> 26.82, /matches 9.94 -> 9.16.
    The position travels with each code because string aggregates keep no order on SQLite
    before 3.44."""
    if field == "sectors":
        position, code, owner = FirmSector.position, FirmSector.sector_code, FirmSector.firm_id
        where: list[ColumnElement[bool]] = []
    else:
        position, code = FirmCooperationType.position, FirmCooperationType.type_code
        owner = FirmCooperationType.firm_id
        direction = Direction.OFFER if field == "offer_types" else Direction.SEEK
        where = [FirmCooperationType.direction == direction]
    item = cast(position, String) + literal(":") + code
    return (
        select(func.aggregate_strings(item, ","))
        .where(owner == firm_id, *where)
        .scalar_subquery()
        .label(field)
    )


def unpack_codes(packed: str | None) -> list[str]:
    """A list field's codes in the firm's order, from `packed_codes`."""
    if not packed:
        return []
    items = (item.split(":", 1) for item in packed.split(","))
    return [code for _position, code in sorted((int(p), c) for p, c in items)]


@cache
def _list_fields_statement() -> Select:
    # Built once, the firms a bound list (as the other statements of firm pages are).
    ids = bindparam("firm_ids", expanding=True)
    links = union_all(
        select(
            FirmSector.firm_id,
            literal("sectors").label("field"),
            FirmSector.sector_code.label("code"),
            FirmSector.position,
        ).where(FirmSector.firm_id.in_(ids)),
        select(
            FirmCooperationType.firm_id,
            case(
                (FirmCooperationType.direction == Direction.OFFER, literal("offer_types")),
                else_=literal("seek_types"),
            ),
            FirmCooperationType.type_code,
            FirmCooperationType.position,
        ).where(FirmCooperationType.firm_id.in_(ids)),
    ).subquery()
    return select(links).order_by(links.c.firm_id, links.c.field, links.c.position)


def list_fields(session: Session, firm_ids: list[int]) -> dict[int, dict[str, list[str]]]:
    """Each firm's sectors, offered and sought cooperation types, in the firm's order: one
    query for a page of firms."""
    if not firm_ids:
        return {}
    found: dict[int, dict[str, list[str]]] = {}
    rows = read(session, _list_fields_statement(), {"firm_ids": sorted(set(firm_ids))})
    for firm_id, field, code, _position in rows:
        lists = found.setdefault(firm_id, {name: [] for name in LIST_FIELDS})
        lists[field].append(code)
    return found
