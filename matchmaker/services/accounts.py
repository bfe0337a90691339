"""Accounts: registration, sign-in checks and user administration."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.errors import ValidationFailed
from matchmaker.models import Role, User
from matchmaker.security import hash_password, password_problem, verify_password

# A fixed hash to compare against when the e-mail is unknown, so timing does not tell.
_DUMMY_HASH = hash_password("not-a-real-password-for-timing")


def normalise_email(email: str) -> str:
    try:
        info = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationFailed({"email": str(exc)}) from exc
    return info.normalized.lower()


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def create_user(
    session: Session, email: str, password: str, role: Role = Role.FIRM, *, commit: bool = True
) -> User:
    address = normalise_email(email)
    problem = password_problem(password)
    if problem:
        raise ValidationFailed({"password": problem})
    if find_user(session, address) is not None:
        raise ValidationFailed({"email": "An account with this e-mail address already exists."})
    user = User(email=address, password_hash=hash_password(password), role=Role(role))
    session.add(user)
    if commit:
        session.commit()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = find_user(session, email)
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    return user


def end_all_sessions(session: Session, user: User) -> None:
    """Invalidate every session cookie of the user (sign-out, password change, disabling)."""
    user.session_version += 1
    session.commit()
