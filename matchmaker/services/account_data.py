"""A user's own data: the export (a JSON document) and deleting the account."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session, aliased

from matchmaker.models import (
    ApiToken,
    Attachment,
    AuditEntry,
    Firm,
    FirmRole,
    Invitation,
    Message,
    Proposal,
    Thread,
    User,
    as_utc,
)
from matchmaker.services.errors import ValidationFailed
from matchmaker.services.firm_records import record_of
from matchmaker.services.passwords import verify_password

EXPORT_FORMAT = "matchmaker-account-export/1"


def _when(value) -> str | None:
    value = as_utc(value)
    return value.isoformat() if value is not None else None


def export(session: Session, user: User) -> dict[str, Any]:
    """Everything the site keeps about the user: the account, its firm's profile, the
    messages the user wrote, the firm's documents (their names, not their bytes) and the
    API tokens (names, never the secrets)."""
    firm = session.get(Firm, user.firm_id) if user.firm_id else None
    partner = aliased(Firm)
    rows = session.execute(
        select(Message.id, Message.thread_id, Message.body, Message.created_at, partner.name)
        .join(Thread, Thread.id == Message.thread_id)
        .join(Proposal, Proposal.id == Thread.proposal_id)
        .join(
            partner,
            partner.id == (Proposal.pk_firm_id + Proposal.by_firm_id - Message.sender_firm_id),
        )
        .where(Message.sender_user_id == user.id)
        .order_by(Message.id)
    )
    documents = (
        session.scalars(
            select(Attachment).where(Attachment.firm_id == firm.id).order_by(Attachment.id)
        ).all()
        if firm
        else []
    )
    tokens = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()
    return {
        "format": EXPORT_FORMAT,
        "account": {
            "email": user.email,
            "role": user.role.value,
            "firm_role": user.firm_role,
            "created_at": _when(user.created_at),
            "email_confirmed_at": _when(user.email_confirmed_at),
            "language": user.locale,
            "email_notifications": user.notify_email,
        },
        "firm": {"ref": firm.ref, **record_of(firm)} if firm else None,
        "messages": [
            {
                "thread": row.thread_id,
                "to": row.name,
                "sent_at": _when(row.created_at),
                "body": row.body,
            }
            for row in rows
        ],
        "documents": [
            {
                "name": d.filename,
                "type": d.kind,
                "size": d.size,
                "message": d.message_id,
                "added_at": _when(d.created_at),
            }
            for d in documents
        ],
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "created_at": _when(t.created_at),
                "revoked_at": _when(t.revoked_at),
            }
            for t in tokens
        ],
    }


def delete_account(session: Session, user: User, password: str) -> None:
    """Delete the account for good, after its password. Its messages stay in the
    conversations, from "a deleted user" of the firm; the firm stays with its colleagues (a
    remaining colleague becomes admin if the last admin leaves) and, with none left, stays
    in the directory without a sign-in, as an imported firm is."""
    if not verify_password(user.password_hash, password):
        raise ValidationFailed({"password": _("That is not your current password.")})
    firm_id = user.firm_id
    if firm_id is not None and user.firm_role == FirmRole.ADMIN:
        others = session.scalars(
            select(User).where(User.firm_id == firm_id, User.id != user.id).order_by(User.id)
        ).all()
        if others and not any(o.firm_role == FirmRole.ADMIN for o in others):
            others[0].firm_role = FirmRole.ADMIN
    # The foreign keys say SET NULL; said here too, so no row depends on the database's rules.
    for column in (Message.sender_user_id, Attachment.uploaded_by_id, Invitation.invited_by_id):
        session.execute(update(column.class_).where(column == user.id).values({column.key: None}))
    session.execute(update(AuditEntry).where(AuditEntry.actor_id == user.id).values(actor_id=None))
    session.execute(
        update(Proposal).where(Proposal.decided_by_id == user.id).values(decided_by_id=None)
    )
    for token in session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)):
        session.delete(token)
    session.delete(user)
    session.commit()
