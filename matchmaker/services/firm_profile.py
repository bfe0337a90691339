"""A firm's profile written: a validated record copied onto a firm (a save, an import), and a
firm user saving their own (the web form, the API), then re-matched."""

from __future__ import annotations

import re
import secrets
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.models import (
    Direction,
    Firm,
    FirmCooperationType,
    FirmRole,
    FirmSector,
    User,
    utcnow,
)
from matchmaker.services.errors import Forbidden, InvalidTransition, ValidationFailed
from matchmaker.services.firm_records import FIELDS, LIST_FIELDS, validate_record
from matchmaker.services.firms import get_firm
from matchmaker.services.ports import ports
from matchmaker.services.reference import TAXONOMY

SCALAR_FIELDS = tuple(f for f in FIELDS if f not in LIST_FIELDS)


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
    if changed:
        # Its sectors or cooperation types alone may have changed: the firm's time still moves.
        firm.updated_at = utcnow()
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


# "1 200", "1,200", "1.200", "1 200" (no-break and thin spaces): thousands as people write them.
_GROUPED = re.compile(r"\d{1,3}(?:[ ,.'’\u00a0\u202f\u2009]\d{3})+")
_GROUP_MARKS = re.compile(r"[ ,.'’\u00a0\u202f\u2009]")
# A bare host ("www.example.by", "example.pk/en"): the address without its scheme.
_BARE_HOST = re.compile(r"(?:[\w-]+\.)+[^\W\d_]{2,}(?::\d+)?(?:[/?#]\S*)?", re.IGNORECASE)


def normalise_profile_input(data: dict[str, Any]) -> dict[str, Any]:
    """A profile as a person types it, before the contract's rules: grouped thousands in the
    number of employees, a website without https://. (Imports keep the strict rules.)"""
    data = dict(data)
    employees = data.get("employees")
    if isinstance(employees, str) and _GROUPED.fullmatch(employees.strip()):
        data["employees"] = _GROUP_MARKS.sub("", employees.strip())
    website = data.get("website")
    if isinstance(website, str):
        website = website.strip()
        if website and "://" not in website and _BARE_HOST.fullmatch(website):
            website = "https://" + website
        data["website"] = website
    return data


def save_own_firm(session: Session, user: User, data: dict[str, Any]) -> Firm:
    """Create or update the firm of a firm user from profile data (the web form, the API).
    Commits; then its proposals are refreshed (in the background when there is a worker)."""
    if not user.is_firm_user:
        raise Forbidden(_("Only firm accounts have a firm profile."))
    firm = user.firm
    data = normalise_profile_input(data)
    data["ref"] = firm.ref if firm else "PENDING"
    if not data.get("contact_email"):
        data["contact_email"] = user.email
    record, errors = validate_record(data, TAXONOMY)
    if errors:
        raise ValidationFailed(errors)
    if firm is None:
        record["ref"] = new_ref(session, record["country"])
        firm = Firm(ref=record["ref"])
        session.add(firm)
        user.firm = firm
        user.firm_role = FirmRole.ADMIN  # whoever creates the firm administers its account
    apply_record(firm, record)
    session.commit()
    # Matching follows a saved profile; it never undoes the save (the job logs a failure).
    ports().background.refresh_proposals([firm.id])
    return firm


def create_own_firm(session: Session, user: User, data: dict[str, Any]) -> Firm:
    """A firm account's first profile (the API's POST): once only."""
    if user.is_firm_user and user.firm_id is not None:
        raise InvalidTransition(_("This account already has a firm: update it with PUT."))
    return save_own_firm(session, user, data)


def update_own_firm(session: Session, user: User, firm_id: int, data: dict[str, Any]) -> Firm:
    """Replace the profile of the user's own firm (the API's PUT); any other firm: Forbidden."""
    firm = get_firm(session, firm_id)
    if user.firm_id != firm.id:
        raise Forbidden(_("You can only change your own firm."))
    return save_own_firm(session, user, data)
