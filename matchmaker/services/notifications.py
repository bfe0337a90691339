"""E-mail notifications through Flask-Mailman (file outbox in development and tests)."""

from __future__ import annotations

from flask import current_app, url_for

from matchmaker.models import Firm, User


def _recipients(firm: Firm) -> list[str]:
    user: User | None = firm.user
    if user is None or not user.active or not user.notify_email:
        return []
    return [user.email]


def site_url(endpoint: str, **values: object) -> str:
    """Absolute link built from SITE_URL, never from the request's Host header."""
    with current_app.test_request_context(base_url=current_app.config["SITE_URL"]):
        return url_for(endpoint, _external=True, **values)


def _send(firm: Firm, subject: str, body: str) -> bool:
    to = _recipients(firm)
    if not to:
        return False
    _deliver(subject, body, to)
    return True


def _deliver(subject: str, body: str, to: list[str]) -> None:
    """Through the job queue when there is one; a mail failure never undoes the user's action."""
    from matchmaker.jobs import enqueue, mail_job

    enqueue(mail_job, subject, body, to)


def proposal_approved(firm: Firm, partner: Firm) -> bool:
    link = site_url("messages.matches")
    return _send(
        firm,
        "EDB has introduced you to a partner",
        f"Good news: the Engineering Development Board approved an introduction between "
        f"{firm.name} and {partner.name} ({partner.country}).\n\n"
        f"See the partner's profile and write to them: {link}\n\n"
        f"You can turn these e-mails off on your account page.\n",
    )


def new_message(firm: Firm, sender: Firm, thread_id: int) -> bool:
    link = site_url("messages.thread", thread_id=thread_id)
    return _send(
        firm,
        f"New message from {sender.name}",
        f"{sender.name} wrote to you on matchmaker.\n\nRead and answer: {link}\n\n"
        f"You can turn these e-mails off on your account page.\n",
    )


def password_reset(user: User, token: str) -> bool:
    """The reset link, sent to the account's own address (never one typed in the form)."""
    link = site_url("auth.reset", token=token)
    _deliver(
        "Reset your matchmaker password",
        f"Someone asked to reset the password of {user.email} on matchmaker.\n\n"
        f"Choose a new password here (the link works once, for one hour):\n{link}\n\n"
        "If it was not you, ignore this e-mail: your password stays as it is.\n",
        [user.email],
    )
    return True


def confirm_address(user: User, token: str) -> bool:
    link = site_url("auth.confirm", token=token)
    _deliver(
        "Confirm your e-mail address for matchmaker",
        f"Welcome to matchmaker. Please confirm that {user.email} is your address:\n"
        f"{link}\n\nThe link works for a week. If you did not register, ignore this e-mail.\n",
        [user.email],
    )
    return True
