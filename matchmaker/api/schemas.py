"""Marshmallow schemas of the JSON API (they also generate the OpenAPI document)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from matchmaker.models import Country, FirmRole, ProposalStatus, Role, as_utc
from matchmaker.services.firm_records import MAX_EMPLOYEES, MAX_LENGTH
from matchmaker.services.messaging import MAX_BODY
from matchmaker.services.proposal_display import english_reasons, strength_out
from matchmaker.services.review import DECISIONS, MAX_NOTE, REJECT_REASONS

MAX_ID = 2**31 - 1
COUNTRY_CODES = [c.value for c in Country]


class UTCDateTime(ma.fields.DateTime):
    """RFC 3339 with its offset: SQLite hands back naive datetimes, all of them UTC."""

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(as_utc(value), attr, obj, **kwargs)


class StrictSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE


class ErrorBodySchema(ma.Schema):
    code = ma.fields.String(required=True, metadata={"example": "not_found"})
    message = ma.fields.String(required=True, metadata={"example": "No such firm."})


class ErrorSchema(ma.Schema):
    error = ma.fields.Nested(ErrorBodySchema, required=True)


class PageArgsSchema(StrictSchema):
    page = ma.fields.Integer(load_default=1, validate=validate.Range(1, 100_000))
    per_page = ma.fields.Integer(load_default=20, validate=validate.Range(1, 100))


class PageSchema(ma.Schema):
    page = ma.fields.Integer(required=True)
    per_page = ma.fields.Integer(required=True)
    total = ma.fields.Integer(
        required=True, metadata={"description": "Items in all, counted up to 10,001"}
    )
    total_is_capped = ma.fields.Boolean(
        required=True,
        metadata={"description": "True when there are more than 10,000 (total is then 10,001)"},
    )


class SectorSchema(ma.Schema):
    code = ma.fields.String(required=True)
    label = ma.fields.String(required=True)
    isic = ma.fields.List(ma.fields.String(), required=True, attribute="isic_codes")


class CooperationTypeSchema(ma.Schema):
    code = ma.fields.String(required=True)
    label = ma.fields.String(required=True)


class FirmBriefSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    ref = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    country = ma.fields.String(required=True, validate=validate.OneOf(COUNTRY_CODES))


def _text(field: str, required: bool = False) -> ma.fields.String:
    limit = MAX_LENGTH[field]
    if required:
        return ma.fields.String(required=True, validate=validate.Length(1, limit))
    return ma.fields.String(load_default=None, allow_none=True, validate=validate.Length(max=limit))


def _codes(required: bool = False) -> ma.fields.List:
    item = ma.fields.String(validate=validate.Length(1, 32))
    if required:
        return ma.fields.List(item, required=True, validate=validate.Length(1, 30))
    return ma.fields.List(item, load_default=list, validate=validate.Length(max=30))


class FirmInputSchema(StrictSchema):
    """A firm profile as a firm writes it (the `ref` is given by the site)."""

    name = _text("name", required=True)
    country = ma.fields.String(required=True, validate=validate.OneOf(COUNTRY_CODES))
    city = _text("city")
    sectors = _codes(required=True)
    offers = _text("offers", required=True)
    seeks = _text("seeks", required=True)
    offer_types = _codes()
    seek_types = _codes()
    description = _text("description")
    employees = ma.fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(0, MAX_EMPLOYEES)
    )
    founded = ma.fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(1800, 9999)
    )
    website = _text("website")
    contact_email = _text("contact_email")


class FirmSchema(FirmBriefSchema):
    city = ma.fields.String(allow_none=True, required=True)
    sectors = ma.fields.List(ma.fields.String(), required=True)
    offers = ma.fields.String(required=True)
    seeks = ma.fields.String(required=True)
    offer_types = ma.fields.List(ma.fields.String(), required=True)
    seek_types = ma.fields.List(ma.fields.String(), required=True)
    description = ma.fields.String(allow_none=True, required=True)
    employees = ma.fields.Integer(allow_none=True, required=True)
    founded = ma.fields.Integer(allow_none=True, required=True)
    website = ma.fields.String(allow_none=True, required=True)
    contact_email = ma.fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "Only for the firm itself, EDB staff and introduced partners."},
    )


class FirmListArgsSchema(PageArgsSchema):
    q = ma.fields.String(load_default="", validate=validate.Length(max=200))
    sector = ma.fields.String(load_default="", validate=validate.Length(max=32))
    country = ma.fields.String(load_default="", validate=validate.OneOf(["", *COUNTRY_CODES]))


class FirmPageSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(FirmSchema), required=True)


class StrengthSchema(ma.Schema):
    percent = ma.fields.Integer(required=True, metadata={"description": "0-100, calibrated"})
    label = ma.fields.String(required=True, metadata={"description": "strong, good or possible"})


class ProposalSchema(ma.Schema):
    """A `ProposalRow` with its calibrated strength and its reasons as English sentences."""

    id = ma.fields.Integer(required=True)
    pk_firm = ma.fields.Nested(FirmBriefSchema, required=True)
    by_firm = ma.fields.Nested(FirmBriefSchema, required=True)
    score = ma.fields.Float(required=True)
    strength = ma.fields.Nested(
        StrengthSchema,
        required=True,
        metadata={"description": "The score as people see it: calibrated percent and label"},
    )
    status = ma.fields.String(
        required=True, validate=validate.OneOf([s.value for s in ProposalStatus])
    )
    reasons = ma.fields.List(ma.fields.String(), required=True)
    version = ma.fields.Integer(required=True)
    note = ma.fields.String(
        allow_none=True, required=True, metadata={"description": "EDB's note (staff only)."}
    )
    decided_at = UTCDateTime(allow_none=True, required=True)

    def get_attribute(self, obj, attr, default):
        if attr == "strength":
            return strength_out(obj.score)
        if attr == "reasons":
            return english_reasons(obj.reasons)
        return super().get_attribute(obj, attr, default)


class ProposalListArgsSchema(PageArgsSchema):
    status = ma.fields.String(
        load_default="", validate=validate.OneOf(["", *(s.value for s in ProposalStatus)])
    )


class ProposalPageSchema(PageSchema):
    items = ma.fields.Nested(ProposalSchema, many=True, required=True)


class DecisionSchema(StrictSchema):
    decision = ma.fields.String(required=True, validate=validate.OneOf(list(DECISIONS)))
    note = ma.fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=MAX_NOTE)
    )
    reject_reason = ma.fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(list(REJECT_REASONS))
    )
    version = ma.fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=validate.Range(1, MAX_ID),
        metadata={"description": "The version you decided on; a stale one answers 409."},
    )


class ThreadSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    proposal_id = ma.fields.Integer(required=True)
    partner = ma.fields.Nested(FirmBriefSchema, required=True)
    unread = ma.fields.Integer(required=True)
    last_message_at = UTCDateTime(allow_none=True, required=True)
    state = ma.fields.String(
        required=True,
        validate=validate.OneOf(["open", "closed", "withdrawn"]),
        metadata={
            "description": "open; closed (a firm declined the introduction) or withdrawn (EDB "
            "reversed its approval): both read-only"
        },
    )


class MessageSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    thread_id = ma.fields.Integer(required=True)
    sender_firm = ma.fields.Nested(FirmBriefSchema, required=True)
    body = ma.fields.String(required=True)
    created_at = UTCDateTime(required=True)


class MessageInputSchema(StrictSchema):
    body = ma.fields.String(required=True, validate=validate.Length(1, MAX_BODY))


class MessagePageSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(MessageSchema), required=True)


class AccountSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    email = ma.fields.String(required=True)
    role = ma.fields.String(required=True, validate=validate.OneOf([r.value for r in Role]))
    firm_id = ma.fields.Integer(allow_none=True, required=True)
    firm_role = ma.fields.String(
        allow_none=True,
        required=True,
        validate=validate.OneOf([r.value for r in FirmRole]),
        metadata={"description": "In the firm's company account: `admin` or `member`."},
    )
    notify_email = ma.fields.Boolean(required=True)
