"""Accounts: registration, sign-in checks and user administration."""

from __future__ import annotations

import hashlib

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.models import Role, User, utcnow
from matchmaker.services.errors import ValidationFailed
from matchmaker.services.firm_records import email_problem
from matchmaker.services.passwords import (
    dummy_hash,
    hash_password,
    password_problem,
    verify_password,
)


def normalise_email(email: str) -> str:
    try:
        info = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationFailed({"email": email_problem(exc)}) from exc
    return info.normalized.lower()


def find_user(session: Session, email: str) -> User | None:
    address = (email or "").strip().lower()
    if not address or any(ord(ch) < 32 for ch in address):  # no such address can exist
        return None
    return session.scalar(select(User).where(User.email == address))


def create_user(
    session: Session,
    email: str,
    password: str,
    role: Role = Role.FIRM,
    *,
    locale: str | None = None,
    commit: bool = True,
) -> User:
    """A new account. `locale`: the language its e-mails go out in (that of registration)."""
    address = normalise_email(email)
    problem = password_problem(password)
    if problem:
        raise ValidationFailed({"password": problem})
    if find_user(session, address) is not None:
        raise ValidationFailed({"email": _("An account with this e-mail address already exists.")})
    user = User(
        email=address, password_hash=hash_password(password), role=Role(role), locale=locale
    )
    session.add(user)
    if commit:
        session.commit()
    return user


def register(
    session: Session, email: str, password: str, *, locale: str | None = None
) -> tuple[User, bool]:
    """Self-registration: (the new account, True), or (the account that already has the
    address, False) with nothing changed: the caller answers both alike and tells the
    address's owner by e-mail. The password is checked first, so its errors show either way."""
    address = normalise_email(email)
    problem = password_problem(password)
    if problem:
        raise ValidationFailed({"password": problem})
    existing = find_user(session, address)
    if existing is not None:
        verify_password(dummy_hash(), password)  # as long as creating an account
        return existing, False
    return create_user(session, address, password, locale=locale), True


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = find_user(session, email)
    if user is None:
        verify_password(dummy_hash(), password)  # as long as for a real account
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    return user


def update_settings(
    session: Session,
    user: User,
    *,
    notify_email: bool | None = None,
    locale: str | None = None,
) -> None:
    """The account's own settings: e-mail notifications, language. Commits if anything changed."""
    changed = False
    if notify_email is not None and user.notify_email != notify_email:
        user.notify_email = notify_email
        changed = True
    if locale is not None and user.locale != locale:
        user.locale = locale
        changed = True
    if changed:
        session.commit()


def end_all_sessions(session: Session, user: User) -> None:
    """Invalidate every session cookie of the user (sign-out, password change, disabling)."""
    user.session_version += 1
    session.commit()


RESET_SALT = "matchmaker.password-reset"
RESET_MAX_AGE = 3600  # seconds


def _fingerprint(user: User) -> str:
    # Changes with the password and with every ended session: a used link stops working.
    return hashlib.sha256(f"{user.password_hash}:{user.session_version}".encode()).hexdigest()[:24]


def reset_token(user: User, secret_key: str) -> str:
    serializer = URLSafeTimedSerializer(secret_key, salt=RESET_SALT)
    return serializer.dumps({"u": user.id, "f": _fingerprint(user)})


def user_for_reset(session: Session, token: str, secret_key: str) -> User | None:
    """The user a reset link is for, if it is genuine, younger than an hour and unused."""
    serializer = URLSafeTimedSerializer(secret_key, salt=RESET_SALT)
    try:
        data = serializer.loads(token, max_age=RESET_MAX_AGE)
    except BadData:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = session.get(User, data["u"])
    if user is None or not user.active or data.get("f") != _fingerprint(user):
        return None
    return user


def set_password(session: Session, user: User, password: str) -> None:
    """A new password ends every session of the user (and every reset link)."""
    problem = password_problem(password)
    if problem:
        raise ValidationFailed({"password": problem})
    user.password_hash = hash_password(password)
    user.session_version += 1
    session.commit()


def change_password(session: Session, user: User, current: str, password: str) -> None:
    if not verify_password(user.password_hash, current):
        raise ValidationFailed({"current": _("That is not your current password.")})
    set_password(session, user, password)


CONFIRM_SALT = "matchmaker.email-confirmation"
CONFIRM_MAX_AGE = 7 * 24 * 3600


def confirmation_token(user: User, secret_key: str) -> str:
    return URLSafeTimedSerializer(secret_key, salt=CONFIRM_SALT).dumps(
        {"u": user.id, "e": user.email}
    )


def confirm_email(session: Session, token: str, secret_key: str) -> User | None:
    """Mark the address confirmed; the link is for one address and is good for a week."""
    try:
        data = URLSafeTimedSerializer(secret_key, salt=CONFIRM_SALT).loads(
            token, max_age=CONFIRM_MAX_AGE
        )
    except BadData:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = session.get(User, data["u"])
    if user is None or user.email != data.get("e"):
        return None
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        session.commit()
    return user


EMAIL_CHANGE_SALT = "matchmaker.email-change"
EMAIL_CHANGE_MAX_AGE = 24 * 3600


def request_email_change(
    session: Session, user: User, new_email: str, password: str, secret_key: str
) -> tuple[str, str]:
    """Check the password and the new address; return (new address, confirmation token).
    Nothing changes until the link sent to the new address is opened."""
    if not verify_password(user.password_hash, password):
        raise ValidationFailed({"password": _("That is not your current password.")})
    address = normalise_email(new_email)
    if address == user.email:
        raise ValidationFailed({"email": _("That is already your sign-in address.")})
    token = URLSafeTimedSerializer(secret_key, salt=EMAIL_CHANGE_SALT).dumps(
        {"u": user.id, "e": address, "f": _address_fingerprint(user)}
    )
    return address, token


def _address_fingerprint(user: User) -> str:
    # Changes with the address and with every ended session: a used link stops working.
    return hashlib.sha256(f"{user.email}:{user.session_version}".encode()).hexdigest()[:24]


def confirm_email_change(session: Session, token: str, secret_key: str) -> User | None:
    """Apply a confirmed change of sign-in address; None if the link is bad, old or used.
    The new address must still be free (ValidationFailed otherwise). Every session ends."""
    try:
        data = URLSafeTimedSerializer(secret_key, salt=EMAIL_CHANGE_SALT).loads(
            token, max_age=EMAIL_CHANGE_MAX_AGE
        )
    except BadData:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = session.get(User, data["u"])
    if user is None or not user.active or data.get("f") != _address_fingerprint(user):
        return None
    address = str(data.get("e", ""))
    if find_user(session, address) is not None:
        raise ValidationFailed(
            {"email": _("Another account uses %(email)s now; nothing changed.", email=address)}
        )
    user.email = address
    user.email_confirmed_at = utcnow()
    user.session_version += 1
    session.commit()
    return user
