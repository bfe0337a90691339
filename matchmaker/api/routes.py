"""API resources: account, reference data, firms, proposals, threads and messages."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from matchmaker.api import api_user, authenticate
from matchmaker.api import schemas as s
from matchmaker.errors import Forbidden, InvalidTransition, NotFound
from matchmaker.extensions import db
from matchmaker.models import Firm, Proposal, ProposalStatus
from matchmaker.pagination import paginate
from matchmaker.services import firms as firm_service
from matchmaker.services import messaging, review
from matchmaker.services.firm_records import record_of
from matchmaker.services.proposal_display import english_reasons, strength_out

ERR = s.ErrorSchema
account_bp = Blueprint("api_account", __name__, url_prefix="/api/v1", description="Your account")
reference_bp = Blueprint("api_reference", __name__, url_prefix="/api/v1", description="Taxonomy")
firms_bp = Blueprint("api_firms", __name__, url_prefix="/api/v1/firms", description="Firms")
proposals_bp = Blueprint(
    "api_proposals", __name__, url_prefix="/api/v1/proposals", description="Proposals"
)
threads_bp = Blueprint(
    "api_threads", __name__, url_prefix="/api/v1/threads", description="Messages"
)
blueprints = [account_bp, reference_bp, firms_bp, proposals_bp, threads_bp]
for _blueprint in blueprints:
    _blueprint.before_request(authenticate)


def _unauthorized(blp: Blueprint):
    return blp.alt_response(401, schema=ERR, description="No or invalid API token")


def _page(stmt, args: dict[str, Any]) -> tuple[list[Any], dict[str, int]]:
    pagination = paginate(stmt, page=args["page"], per_page=args["per_page"])
    return list(pagination.items), _page_info(pagination, args)


def _page_info(pagination, args: dict[str, Any]) -> dict[str, int]:
    return {
        "page": args["page"],
        "per_page": args["per_page"],
        "total": pagination.total or 0,
        "total_is_capped": pagination.total_is_capped,
    }


@account_bp.get("/me")
@account_bp.response(200, s.AccountSchema)
@_unauthorized(account_bp)
def me():
    """The account the token belongs to."""
    user = api_user()
    return {
        "id": user.id,
        "email": user.email,
        "role": user.role.value,
        "firm_id": user.firm_id,
        "notify_email": user.notify_email,
    }


@reference_bp.get("/sectors")
@reference_bp.response(200, s.SectorSchema(many=True))
@_unauthorized(reference_bp)
def sectors():
    """The sector taxonomy with ISIC Rev.4 codes."""
    api_user()
    return firm_service.sectors(db.session)


@reference_bp.get("/cooperation-types")
@reference_bp.response(200, s.CooperationTypeSchema(many=True))
@_unauthorized(reference_bp)
def cooperation_types():
    """The cooperation types firms offer and seek."""
    api_user()
    return firm_service.cooperation_types(db.session)


def _firm_out(firm: Firm, partners: set[int] | None = None) -> dict[str, Any]:
    """A firm's record; its contact only for staff, itself and the firms introduced to it
    (`partners`: those firms' ids, when the caller looked them up for a whole list)."""
    user = api_user()
    record = record_of(firm)
    record["id"] = firm.id
    if partners is not None:
        introduced = firm.id in partners
    else:
        introduced = messaging.introduced(db.session, user.firm_id, firm.id)
    visible = user.is_staff or user.firm_id == firm.id or introduced
    if not visible:
        record["contact_email"] = None
    return record


@firms_bp.get("")
@firms_bp.arguments(s.FirmListArgsSchema, location="query")
@firms_bp.response(200, s.FirmPageSchema)
@_unauthorized(firms_bp)
def list_firms(args):
    """The firm directory: search `q` over name, city, offers, seeks and description."""
    user = api_user()
    query = firm_service.DirectoryQuery(
        q=args["q"].strip(), sector=args["sector"], country=args["country"]
    )
    items, page = _page(firm_service.directory_select(db.session, query), args)
    partners = messaging.partner_ids(db.session, user.firm_id)
    return {**page, "items": [_firm_out(f, partners) for f in items]}


@firms_bp.get("/<int:firm_id>")
@firms_bp.response(200, s.FirmSchema)
@_unauthorized(firms_bp)
@firms_bp.alt_response(404, schema=ERR, description="No such firm")
def get_firm(firm_id: int):
    """One firm's profile."""
    api_user()
    return _firm_out(firm_service.get_firm(db.session, firm_id))


@firms_bp.post("")
@firms_bp.arguments(s.FirmInputSchema)
@firms_bp.response(201, s.FirmSchema)
@_unauthorized(firms_bp)
@firms_bp.alt_response(403, schema=ERR, description="Not a firm account")
@firms_bp.alt_response(409, schema=ERR, description="The account already has a firm")
def create_firm(data):
    """Create the calling firm account's firm (once)."""
    user = api_user()
    if user.is_firm_user and user.firm_id is not None:
        raise InvalidTransition("This account already has a firm: update it with PUT.")
    return _save(user, data)


@firms_bp.put("/<int:firm_id>")
@firms_bp.arguments(s.FirmInputSchema)
@firms_bp.response(200, s.FirmSchema)
@_unauthorized(firms_bp)
@firms_bp.alt_response(403, schema=ERR, description="Not your firm")
@firms_bp.alt_response(404, schema=ERR, description="No such firm")
def update_firm(data, firm_id: int):
    """Replace the calling account's own firm profile."""
    user = api_user()
    firm = firm_service.get_firm(db.session, firm_id)
    if user.firm_id != firm.id:
        raise Forbidden("You can only change your own firm.")
    return _save(user, data)


def _save(user, data: dict[str, Any]):
    from matchmaker.jobs import enqueue, refresh_job

    firm = firm_service.save_own_firm(db.session, user, data)
    enqueue(refresh_job, [firm.id])
    return _firm_out(firm)


def _proposal_row_out(row) -> dict[str, Any]:
    """A row of `review.visible_rows_select` as `_proposal_out` gives a proposal."""

    def brief(side: str) -> dict[str, Any]:
        return {key: getattr(row, f"{side}_{key}") for key in ("id", "ref", "name", "country")}

    return _proposal_out(row, pk_firm=brief("pk"), by_firm=brief("by"))


def _proposal_out(proposal, pk_firm: Any = None, by_firm: Any = None) -> dict[str, Any]:
    """A proposal (or a row with its columns; then its firms in brief are given)."""
    staff = api_user().is_staff
    return {
        "id": proposal.id,
        "pk_firm": pk_firm if pk_firm is not None else proposal.pk_firm,
        "by_firm": by_firm if by_firm is not None else proposal.by_firm,
        "score": proposal.score,
        "strength": strength_out(proposal.score),
        "status": str(proposal.status),
        "reasons": english_reasons(db.session, proposal.reasons),
        "version": proposal.version,
        "note": proposal.note if staff else None,
        "decided_at": proposal.decided_at,
    }


@proposals_bp.get("")
@proposals_bp.arguments(s.ProposalListArgsSchema, location="query")
@proposals_bp.response(200, s.ProposalPageSchema)
@_unauthorized(proposals_bp)
def list_proposals(args):
    """Staff: every proposal (filter by `status`). A firm: its approved introductions."""
    user = api_user()
    pagination = paginate(
        review.visible_rows_select(user, args["status"]),
        page=args["page"],
        per_page=args["per_page"],
        rows=True,
        count_select=lambda: review.visible_count_select(user, args["status"]),
    )
    return {
        **_page_info(pagination, args),
        "items": [_proposal_row_out(row) for row in pagination.items],
    }


def _proposal_for(proposal_id: int) -> Proposal:
    user = api_user()
    proposal = db.session.get(Proposal, proposal_id)
    visible = proposal is not None and (
        user.is_staff
        or (proposal.status == ProposalStatus.APPROVED and proposal.involves(user.firm_id))
    )
    if not visible:
        raise NotFound("No such proposal.")
    return proposal


@proposals_bp.get("/<int:proposal_id>")
@proposals_bp.response(200, s.ProposalSchema)
@_unauthorized(proposals_bp)
@proposals_bp.alt_response(404, schema=ERR, description="No such proposal (or not yours)")
def get_proposal(proposal_id: int):
    """One proposal."""
    return _proposal_out(_proposal_for(proposal_id))


@proposals_bp.post("/<int:proposal_id>/decision")
@proposals_bp.arguments(s.DecisionSchema)
@proposals_bp.response(200, s.ProposalSchema)
@_unauthorized(proposals_bp)
@proposals_bp.alt_response(403, schema=ERR, description="Only EDB staff decide")
@proposals_bp.alt_response(404, schema=ERR, description="No such proposal")
@proposals_bp.alt_response(409, schema=ERR, description="Changed since the given version")
def decide(data, proposal_id: int):
    """Approve or reject a proposal, with an optional note (staff only)."""
    user = api_user()
    if not user.is_staff:
        raise Forbidden("Only EDB staff can decide proposals.")
    proposal = review.decide(
        db.session,
        user,
        proposal_id,
        data["decision"],
        data["note"],
        reject_reason=data["reject_reason"],
        expected_version=data["version"],
    )
    return _proposal_out(proposal)


def _firm_account():
    user = api_user()
    if not user.is_firm_user or user.firm_id is None:
        raise Forbidden("Only firm accounts with a profile have messages.")
    return user


@threads_bp.get("")
@threads_bp.response(200, s.ThreadSchema(many=True))
@_unauthorized(threads_bp)
@threads_bp.alt_response(403, schema=ERR, description="Not a firm account")
def list_threads():
    """The calling firm's conversations with unread counts."""
    user = _firm_account()
    return [
        {
            "id": t.thread.id,
            "proposal_id": t.thread.proposal_id,
            "partner": t.partner,
            "unread": t.unread,
            "last_message_at": t.last_message_at,
        }
        for t in messaging.thread_list(db.session, user)
    ]


@threads_bp.get("/<int:thread_id>/messages")
@threads_bp.arguments(s.PageArgsSchema, location="query")
@threads_bp.response(200, s.MessagePageSchema)
@_unauthorized(threads_bp)
@threads_bp.alt_response(403, schema=ERR, description="Not a firm account")
@threads_bp.alt_response(404, schema=ERR, description="No such conversation (or not yours)")
def list_messages(args, thread_id: int):
    """A conversation's messages, oldest first."""
    user = _firm_account()
    thread = messaging.get_thread(db.session, user, thread_id)
    items, page = _page(messaging.messages_select(thread), args)
    return {**page, "items": items}


@threads_bp.post("/<int:thread_id>/messages")
@threads_bp.arguments(s.MessageInputSchema)
@threads_bp.response(201, s.MessageSchema)
@_unauthorized(threads_bp)
@threads_bp.alt_response(403, schema=ERR, description="Not a firm account")
@threads_bp.alt_response(404, schema=ERR, description="No such conversation (or not yours)")
def post_message(data, thread_id: int):
    """Write to the partner firm."""
    user = _firm_account()
    return messaging.post_message(db.session, user, thread_id, data["body"])
