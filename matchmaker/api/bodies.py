"""The JSON bodies of proposals and firms, written as the schemas describe them.

`schemas.ProposalSchema` and `schemas.FirmSchema` document these bodies in the OpenAPI document
and validate what clients send; the bodies themselves are written here as plain dicts, because
marshmallow's dump of a page (some 400 fields, each through its accessor, its type check and
its nested schema) was the largest part of the API list's work. Dumped by the schemas instead:
the API list 11.71 -> 7.75 M instructions per request, the API firm search 16.73 -> 13.77
(`benchmarks/instructions.py --requests 10`). tests/api/test_bodies.py holds each function equal
to its schema's dump, for every kind of row the services hand out.

The views hand flask-smorest a finished response (`respond`), which its `response` decorator
returns as it is (documented: a view's werkzeug `Response` is not dumped).
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from matchmaker.models import as_utc
from matchmaker.services.pages import Page
from matchmaker.services.proposal_display import english_reasons, strength_out
from matchmaker.services.rows import FirmBrief, FirmRow, ProposalRow


def firm_brief(firm: FirmBrief) -> dict[str, Any]:
    return {"id": firm.id, "ref": firm.ref, "name": firm.name, "country": firm.country}


def firm(row: FirmRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "ref": row.ref,
        "name": row.name,
        "country": row.country,
        "city": row.city,
        "sectors": list(row.sectors),
        "offers": row.offers,
        "seeks": row.seeks,
        "offer_types": list(row.offer_types),
        "seek_types": list(row.seek_types),
        "description": row.description,
        "employees": row.employees,
        "founded": row.founded,
        "website": row.website,
        "contact_email": row.contact_email,
    }


def proposal(row: ProposalRow) -> dict[str, Any]:
    decided_at = as_utc(row.decided_at)
    return {
        "id": row.id,
        "pk_firm": firm_brief(row.pk_firm),
        "by_firm": firm_brief(row.by_firm),
        "score": float(row.score),
        "strength": strength_out(row.score),
        "status": row.status,
        "reasons": english_reasons(row.reasons),
        "version": row.version,
        "note": row.note,
        "decided_at": None if decided_at is None else decided_at.isoformat(),
    }


def page(found: Page[Any], item=lambda row: row) -> dict[str, Any]:
    """A page of a list (`schemas.PageSchema`) with each item written by `item` (as they are:
    for a page a schema dumps)."""
    return {
        "page": found.page,
        "per_page": found.per_page,
        "total": found.total,
        "total_is_capped": found.total_is_capped,
        "items": [item(row) for row in found.items],
    }


def respond(body: Any, status: int = 200) -> Response:
    response = jsonify(body)
    response.status_code = status
    return response
