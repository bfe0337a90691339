"""API resources: account, reference data, firms, proposals, threads and messages."""

from __future__ import annotations

from flask_smorest import Blueprint

from matchmaker.api import bodies
from matchmaker.api import schemas as s
from matchmaker.api.auth import api_user, authenticate
from matchmaker.extensions import db
from matchmaker.services import firm_profile, messaging, proposals, review
from matchmaker.services import firms as firm_service
from matchmaker.services.reference import COOPERATION_TYPES, SECTORS

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
        "firm_role": user.firm_role,
        "notify_email": user.notify_email,
    }


@reference_bp.get("/sectors")
@reference_bp.response(200, s.SectorSchema(many=True))
@_unauthorized(reference_bp)
def sectors():
    """The sector taxonomy with ISIC Rev.4 codes."""
    api_user()
    return list(SECTORS)  # a tuple would be read as (body, status, headers)


@reference_bp.get("/cooperation-types")
@reference_bp.response(200, s.CooperationTypeSchema(many=True))
@_unauthorized(reference_bp)
def cooperation_types():
    """The cooperation types firms offer and seek."""
    api_user()
    return list(COOPERATION_TYPES)


@firms_bp.get("")
@firms_bp.arguments(s.FirmListArgsSchema, location="query")
@firms_bp.response(200, s.FirmPageSchema)
@_unauthorized(firms_bp)
def list_firms(args):
    """The firm directory: search `q` over name, city, offers, seeks and description."""
    query = firm_service.DirectoryQuery(
        q=args["q"].strip(), sector=args["sector"], country=args["country"]
    )
    found = firm_service.directory_page(
        db.session, api_user(), query, page=args["page"], per_page=args["per_page"]
    )
    return bodies.respond(bodies.page(found, bodies.firm))


@firms_bp.get("/<int:firm_id>")
@firms_bp.response(200, s.FirmSchema)
@_unauthorized(firms_bp)
@firms_bp.alt_response(404, schema=ERR, description="No such firm")
def get_firm(firm_id: int):
    """One firm's profile."""
    return bodies.respond(bodies.firm(firm_service.firm_row(db.session, api_user(), firm_id)))


@firms_bp.post("")
@firms_bp.arguments(s.FirmInputSchema)
@firms_bp.response(201, s.FirmSchema)
@_unauthorized(firms_bp)
@firms_bp.alt_response(403, schema=ERR, description="Not a firm account")
@firms_bp.alt_response(409, schema=ERR, description="The account already has a firm")
def create_firm(data):
    """Create the calling firm account's firm (once)."""
    user = api_user()
    firm = firm_profile.create_own_firm(db.session, user, data)
    return bodies.respond(bodies.firm(firm_service.firm_row(db.session, user, firm.id)), 201)


@firms_bp.put("/<int:firm_id>")
@firms_bp.arguments(s.FirmInputSchema)
@firms_bp.response(200, s.FirmSchema)
@_unauthorized(firms_bp)
@firms_bp.alt_response(403, schema=ERR, description="Not your firm")
@firms_bp.alt_response(404, schema=ERR, description="No such firm")
def update_firm(data, firm_id: int):
    """Replace the calling account's own firm profile."""
    user = api_user()
    firm = firm_profile.update_own_firm(db.session, user, firm_id, data)
    return bodies.respond(bodies.firm(firm_service.firm_row(db.session, user, firm.id)))


@proposals_bp.get("")
@proposals_bp.arguments(s.ProposalListArgsSchema, location="query")
@proposals_bp.response(200, s.ProposalPageSchema)
@_unauthorized(proposals_bp)
def list_proposals(args):
    """Staff: every proposal (filter by `status`). A firm: its approved introductions."""
    found = proposals.visible_page(
        db.session, api_user(), args["status"], page=args["page"], per_page=args["per_page"]
    )
    return bodies.respond(bodies.page(found, bodies.proposal))


@proposals_bp.get("/<int:proposal_id>")
@proposals_bp.response(200, s.ProposalSchema)
@_unauthorized(proposals_bp)
@proposals_bp.alt_response(404, schema=ERR, description="No such proposal (or not yours)")
def get_proposal(proposal_id: int):
    """One proposal."""
    return bodies.respond(
        bodies.proposal(proposals.visible_proposal(db.session, api_user(), proposal_id))
    )


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
    review.decide(
        db.session,
        user,
        proposal_id,
        data["decision"],
        data["note"],
        reject_reason=data["reject_reason"],
        expected_version=data["version"],
    )
    return bodies.respond(
        bodies.proposal(proposals.visible_proposal(db.session, user, proposal_id))
    )


@threads_bp.get("")
@threads_bp.response(200, s.ThreadSchema(many=True))
@_unauthorized(threads_bp)
@threads_bp.alt_response(403, schema=ERR, description="Not a firm account")
def list_threads():
    """The calling firm's conversations with unread counts."""
    return messaging.thread_list(db.session, api_user())


@threads_bp.get("/<int:thread_id>/messages")
@threads_bp.arguments(s.PageArgsSchema, location="query")
@threads_bp.response(200, s.MessagePageSchema)
@_unauthorized(threads_bp)
@threads_bp.alt_response(403, schema=ERR, description="Not a firm account")
@threads_bp.alt_response(404, schema=ERR, description="No such conversation (or not yours)")
def list_messages(args, thread_id: int):
    """A conversation's messages, oldest first."""
    found = messaging.messages_page(
        db.session, api_user(), thread_id, page=args["page"], per_page=args["per_page"]
    )
    return bodies.page(found)  # dumped by MessagePageSchema


@threads_bp.post("/<int:thread_id>/messages")
@threads_bp.arguments(s.MessageInputSchema)
@threads_bp.response(201, s.MessageSchema)
@_unauthorized(threads_bp)
@threads_bp.alt_response(403, schema=ERR, description="Not a firm account")
@threads_bp.alt_response(404, schema=ERR, description="No such conversation (or not yours)")
def post_message(data, thread_id: int):
    """Write to the partner firm."""
    return messaging.post_message(db.session, api_user(), thread_id, data["body"])
