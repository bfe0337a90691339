"""Personal API tokens: created, listed, revoked, and checked on each API call."""

from __future__ import annotations

import hashlib
import secrets
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from matchmaker.models import ApiToken, User, as_utc, utcnow
from matchmaker.services.errors import NotFound, ValidationFailed
from matchmaker.services.reads import read
from matchmaker.services.user_rows import COLUMNS, UserRow, user_columns

PREFIX = "mm_"
MAX_TOKENS = 20


def _digest(token: str) -> str:
    # Tokens are 256 random bits: a fast hash is enough (nothing to brute-force).
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for the user; the plain token is returned once and never stored."""
    name = (name or "").strip()[:100] or "API token"
    if len(list_tokens(session, user)) >= MAX_TOKENS:
        raise ValidationFailed(
            {"name": _("At most %(num)s active tokens; revoke one first.", num=MAX_TOKENS)}
        )
    plain = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=_digest(plain), prefix=plain[:10])
    session.add(token)
    session.commit()
    return token, plain


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.id)
        )
    )


def revoke_token(session: Session, user: User, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise NotFound(_("No such token."))
    token.revoked_at = utcnow()
    session.commit()


@cache
def _token_statement():
    # Built once (see services/firms.py for the figure); the token's digest is bound.
    return (
        select(
            ApiToken.id.label("token_id"),
            ApiToken.revoked_at.label("token_revoked_at"),
            ApiToken.last_used_at.label("token_last_used_at"),
            *user_columns(),
        )
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == bindparam("digest"))
    )


def user_for_token(session: Session, plain: str) -> UserRow | None:
    """The active user a presented token belongs to, or None: one query of the token with its
    user's row (`UserRow`), no ORM entity."""
    if not plain.startswith(PREFIX) or len(plain) > 100:
        return None
    row = read(session, _token_statement(), {"digest": _digest(plain)}).first()
    if row is None or row.token_revoked_at is not None or not row.active:
        return None
    now = utcnow()
    last = as_utc(row.token_last_used_at)
    if last is None or (now - last).total_seconds() > 300:  # not a write on every call
        session.execute(
            update(ApiToken).where(ApiToken.id == row.token_id).values(last_used_at=now)
        )
        session.commit()
    return UserRow({name: getattr(row, name) for name in COLUMNS}, session)
