"""Demo data for development: firms, users, proposals and a conversation."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matchmaker.models import Firm, FirmRole, Proposal, Role
from matchmaker.services import accounts, importing, matching, messaging, review
from matchmaker.services.passwords import verify_password

DEMO_FIRMS = Path(__file__).resolve().parent.parent / "demo" / "firms.jsonl"
# Development-only accounts; seed-demo refuses to run in production.
STAFF = ("officer@edb.demo", "demo-officer-pass", Role.STAFF)
PK_USER = ("indus@firm.demo", "demo-firm-pass-pk", Role.FIRM, "DEMO-PK-01")
BY_USER = ("neman@firm.demo", "demo-firm-pass-by", Role.FIRM, "DEMO-BY-01")


@dataclass
class SeedResult:
    firms: int = 0
    proposals: int = 0
    sign_ins: list[tuple[str, str, str]] = field(default_factory=list)


def demo_sign_ins(session: Session) -> list[tuple[str, str, str]]:
    """The demo accounts still there with their demo password (listed on every `make run`)."""
    found = []
    for email, password, role, *_ in (STAFF, PK_USER, BY_USER):
        user = accounts.find_user(session, email)
        if user is not None and verify_password(user.password_hash, password):
            found.append((email, password, "staff" if role == Role.STAFF else "firm"))
    return found


def seed(session: Session, state_dir: str | Path) -> SeedResult | None:
    if session.scalar(select(func.count(Firm.id))):
        return None
    report = importing.import_firms(session, importing.read_records(DEMO_FIRMS))
    if report.errors:
        raise RuntimeError("demo data is invalid: " + "; ".join(report.errors))
    result = SeedResult(firms=report.created)
    staff = accounts.create_user(session, STAFF[0], STAFF[1], STAFF[2])
    result.sign_ins.append((STAFF[0], STAFF[1], "staff"))
    firm_users = []
    for email, password, role, ref in (PK_USER, BY_USER):
        user = accounts.create_user(session, email, password, role)
        user.firm = session.scalar(select(Firm).where(Firm.ref == ref))
        user.firm_role = FirmRole.ADMIN
        firm_users.append(user)
        result.sign_ins.append((email, password, "firm"))
    session.commit()
    matching.recompute(session, state_dir)
    pk_user, by_user = firm_users
    proposal = session.scalar(
        select(Proposal).where(
            Proposal.pk_firm_id == pk_user.firm_id, Proposal.by_firm_id == by_user.firm_id
        )
    )
    if proposal is not None:
        review.decide(session, staff, proposal.id, "approve", "Strong fit: kits for Punjab.")
        thread_id = messaging.threads_by_proposal(session, [proposal.id])[proposal.id]
        messaging.post_message(
            session,
            by_user,
            thread_id,
            "Good day from Minsk! We would be glad to discuss CKD kits for your Lahore hall.",
        )
        messaging.post_message(
            session,
            pk_user,
            thread_id,
            "Thank you. Could you send the kit list and the training plan for 20 technicians?",
        )
    result.proposals = session.scalar(select(func.count(Proposal.id))) or 0
    return result
