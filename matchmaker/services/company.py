"""Company accounts: a firm's colleagues, their roles, and invitations by e-mail.

The firm's data belongs to the firm: every user whose `firm_id` is the firm's acts for it
(profile, introductions, messages, API). The admin (whoever created the firm, or a colleague
made admin) invites and removes colleagues; the last admin can be neither removed nor made
a member. A removed colleague's sessions end at their next request (`session_version`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matchmaker.models import Firm, FirmRole, Invitation, User, as_utc, utcnow
from matchmaker.services import notifications
from matchmaker.services.accounts import create_user, find_user, normalise_email
from matchmaker.services.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed

INVITATION_SALT = "matchmaker.firm-invitation"
INVITATION_MAX_AGE = 7 * 24 * 3600  # seconds: a week
MAX_PENDING_INVITATIONS = 20


@dataclass(frozen=True)
class Colleague:
    id: int
    email: str
    role: str
    confirmed: bool
    joined: datetime
    # False for the firm's only administrator: neither removed nor made a member.
    changeable: bool = True


@dataclass(frozen=True)
class PendingInvitation:
    id: int
    email: str
    sent: datetime
    expires: datetime
    expired: bool


def _firm_of(user: User) -> int:
    if not user.is_firm_user or user.firm_id is None:
        raise Forbidden(_("Only firm accounts with a profile have colleagues."))
    return user.firm_id


def _require_admin(user: User) -> int:
    firm_id = _firm_of(user)
    if user.firm_role != FirmRole.ADMIN:
        raise Forbidden(_("Only your firm's administrators can manage colleagues."))
    return firm_id


def colleagues(session: Session, user: User) -> list[Colleague]:
    firm_id = _firm_of(user)
    rows = session.execute(
        select(User.id, User.email, User.firm_role, User.email_confirmed_at, User.created_at)
        .where(User.firm_id == firm_id)
        .order_by(User.id)
    ).all()
    admins = sum(1 for row in rows if row.firm_role == FirmRole.ADMIN)
    return [
        Colleague(
            row.id,
            row.email,
            row.firm_role or FirmRole.MEMBER,
            row.email_confirmed_at is not None,
            as_utc(row.created_at),
            changeable=not (row.firm_role == FirmRole.ADMIN and admins <= 1),
        )
        for row in rows
    ]


def pending_invitations(session: Session, user: User) -> list[PendingInvitation]:
    firm_id = _firm_of(user)
    now = utcnow()
    found = []
    for invitation in session.scalars(
        select(Invitation)
        .where(Invitation.firm_id == firm_id, Invitation.accepted_at.is_(None))
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    ):
        sent = as_utc(invitation.created_at)
        expires = sent + timedelta(seconds=INVITATION_MAX_AGE)
        found.append(
            PendingInvitation(invitation.id, invitation.email, sent, expires, now > expires)
        )
    return found


def _admins(session: Session, firm_id: int) -> int:
    return session.scalar(
        select(func.count(User.id)).where(User.firm_id == firm_id, User.firm_role == FirmRole.ADMIN)
    )


def invitation_token(invitation: Invitation, secret_key: str) -> str:
    return URLSafeTimedSerializer(secret_key, salt=INVITATION_SALT).dumps(
        {"i": invitation.id, "n": invitation.nonce}
    )


def invite(session: Session, admin: User, email: str, secret_key: str) -> Invitation:
    """Invite a colleague (or send a pending invitation again, with a new link: the old one
    stops working). E-mails the link."""
    firm_id = _require_admin(admin)
    address = normalise_email(email)
    existing = find_user(session, address)
    if existing is not None and existing.firm_id == firm_id:
        raise ValidationFailed({"email": _("%(email)s is already your colleague.", email=address)})
    invitation = session.scalar(
        select(Invitation).where(
            Invitation.firm_id == firm_id,
            Invitation.email == address,
            Invitation.accepted_at.is_(None),
        )
    )
    if invitation is None:
        pending = session.scalar(
            select(func.count(Invitation.id)).where(
                Invitation.firm_id == firm_id, Invitation.accepted_at.is_(None)
            )
        )
        if pending >= MAX_PENDING_INVITATIONS:
            raise ValidationFailed(
                {
                    "email": _(
                        "At most %(num)s invitations can wait at once; cancel some first.",
                        num=MAX_PENDING_INVITATIONS,
                    )
                }
            )
        invitation = Invitation(firm_id=firm_id, email=address)
        session.add(invitation)
    invitation.nonce = secrets.token_urlsafe(24)
    invitation.created_at = utcnow()
    invitation.invited_by_id = admin.id
    session.commit()
    notifications.firm_invitation(
        session.get(Firm, firm_id), admin, address, invitation_token(invitation, secret_key)
    )
    return invitation


def cancel_invitation(session: Session, admin: User, invitation_id: int) -> None:
    firm_id = _require_admin(admin)
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.firm_id != firm_id or invitation.accepted_at is not None:
        raise NotFound(_("No such invitation."))
    session.delete(invitation)
    session.commit()


class InvitationInvalid(NotFound):
    """This invitation link is not valid."""


def invitation_for(session: Session, token: str, secret_key: str) -> Invitation:
    """The invitation a link is for, if it is genuine, younger than a week and unused;
    otherwise InvitationInvalid, whose message says which."""
    serializer = URLSafeTimedSerializer(secret_key, salt=INVITATION_SALT)
    try:
        data = serializer.loads(token, max_age=INVITATION_MAX_AGE)
    except SignatureExpired as exc:
        raise InvitationInvalid(
            _("This invitation is older than a week. Ask your colleague for a new one.")
        ) from exc
    except BadData as exc:
        raise InvitationInvalid(_("This invitation link is not valid.")) from exc
    if not isinstance(data, dict) or not isinstance(data.get("i"), int):
        raise InvitationInvalid(_("This invitation link is not valid."))
    invitation = session.get(Invitation, data["i"])
    if invitation is None or not secrets.compare_digest(str(data.get("n", "")), invitation.nonce):
        raise InvitationInvalid(
            _("This invitation was cancelled or replaced by a newer one. Ask for a new one.")
        )
    if invitation.accepted_at is not None:
        raise InvitationInvalid(_("This invitation has already been used."))
    return invitation


def _join(session: Session, invitation: Invitation, user: User) -> None:
    invitation.accepted_at = utcnow()
    user.firm_id = invitation.firm_id
    user.firm_role = FirmRole.MEMBER
    session.commit()


def accept_as(session: Session, invitation: Invitation, user: User) -> None:
    """The signed-in invited person joins the firm (only with the invited address, only an
    account without a firm of its own)."""
    if user.email != invitation.email:
        raise Forbidden(
            _(
                "This invitation is for %(email)s; you are signed in with another address.",
                email=invitation.email,
            )
        )
    if not user.is_firm_user:
        raise InvalidTransition(_("Staff accounts cannot join a firm."))
    if user.firm_id is not None:
        raise InvalidTransition(
            _("Your account already belongs to a firm; one account belongs to one firm.")
        )
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()  # the link reached this address
    _join(session, invitation, user)


def accept_with_new_account(
    session: Session, invitation: Invitation, password: str, *, locale: str | None = None
) -> User:
    """No account for the invited address yet: create it (its address confirmed by the link)
    and join the firm."""
    user = create_user(session, invitation.email, password, locale=locale, commit=False)
    user.email_confirmed_at = utcnow()
    session.flush()
    _join(session, invitation, user)
    return user


def _colleague(session: Session, firm_id: int, user_id: int) -> User:
    colleague = session.get(User, user_id)
    if colleague is None or colleague.firm_id != firm_id:
        raise NotFound(_("No such colleague."))
    return colleague


def remove_colleague(session: Session, admin: User, user_id: int) -> User:
    """Take a colleague out of the firm; their sessions end at their next request."""
    firm_id = _require_admin(admin)
    colleague = _colleague(session, firm_id, user_id)
    if colleague.firm_role == FirmRole.ADMIN and _admins(session, firm_id) <= 1:
        raise InvalidTransition(
            _("The firm's last administrator cannot be removed: make a colleague admin first.")
        )
    colleague.firm_id = None
    colleague.firm_role = None
    colleague.session_version += 1
    session.commit()
    return colleague


def set_role(session: Session, admin: User, user_id: int, role: str) -> User:
    firm_id = _require_admin(admin)
    if role not in (FirmRole.ADMIN, FirmRole.MEMBER):
        raise ValidationFailed({"role": _("must be 'admin' or 'member'")})
    colleague = _colleague(session, firm_id, user_id)
    if (
        role == FirmRole.MEMBER
        and colleague.firm_role == FirmRole.ADMIN
        and _admins(session, firm_id) <= 1
    ):
        raise InvalidTransition(_("A firm needs at least one administrator."))
    colleague.firm_role = FirmRole(role)
    session.commit()
    return colleague
