"""E-mail notifications, each in its recipient's language, with links built from SITE_URL.

They go out through `ports().background` (the job queue when there is one): a mail failure
never undoes the user's action.
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from matchmaker.models import Firm, User
from matchmaker.services.ports import ports
from matchmaker.services.reference import DEFAULT_LOCALE, LOCALES


def _recipients(firm: Firm) -> list[User]:
    """Everyone of the firm's company account who wants these e-mails."""
    return [user for user in firm.users if user.active and user.notify_email]


def _locale(user: User | None) -> str:
    locale = getattr(user, "locale", None)
    return locale if locale in LOCALES else DEFAULT_LOCALE


def _send_each(firm: Firm, compose) -> bool:
    """`compose()` once per recipient, in that recipient's language."""
    users = _recipients(firm)
    for user in users:
        with force_locale(_locale(user)):
            subject, body = compose()
        _deliver(subject, body, [user.email])
    return bool(users)


def _deliver(subject: str, body: str, to: list[str]) -> None:
    ports().background.send_mail(str(subject), str(body), to)


def _footer() -> str:
    return _("You can turn these e-mails off on your account page.") + "\n"


def proposal_approved(firm: Firm, partner: Firm) -> bool:
    link = ports().links.introductions()

    def compose() -> tuple[str, str]:
        subject = _("EDB has introduced you to a partner")
        body = (
            _(
                "Good news: the Engineering Development Board approved an introduction between "
                "%(firm)s and %(partner)s (%(country)s).",
                firm=firm.name,
                partner=partner.name,
                country=partner.country,
            )
            + "\n\n"
            + _("See the partner's profile and write to them: %(link)s", link=link)
            + "\n\n"
            + _footer()
        )
        return subject, body

    return _send_each(firm, compose)


def recipient_count(firm: Firm) -> int:
    """How many addresses an e-mail to this firm goes to (0: it gets none)."""
    return len(_recipients(firm))


def introductions_approved(firm: Firm, partners: list[Firm]) -> int:
    """One e-mail for every introduction of the firm approved at once (a bulk decision);
    how many addresses it went to."""
    if not partners:
        return 0
    if len(partners) == 1:
        return recipient_count(firm) if proposal_approved(firm, partners[0]) else 0
    link = ports().links.introductions()
    lines = "\n".join(f"- {p.name} ({p.country})" for p in partners)

    def compose() -> tuple[str, str]:
        subject = _("EDB has introduced you to %(num)s partners", num=len(partners))
        body = (
            _(
                "Good news: the Engineering Development Board approved introductions between "
                "%(firm)s and these partners:",
                firm=firm.name,
            )
            + "\n\n"
            + lines
            + "\n\n"
            + _("See the partners' profiles and write to them: %(link)s", link=link)
            + "\n\n"
            + _footer()
        )
        return subject, body

    return recipient_count(firm) if _send_each(firm, compose) else 0


def new_message(firm: Firm, sender: Firm, thread_id: int) -> bool:
    link = ports().links.thread(thread_id)

    def compose() -> tuple[str, str]:
        subject = _("New message from %(name)s", name=sender.name)
        body = (
            _("%(name)s wrote to you on matchmaker.", name=sender.name)
            + "\n\n"
            + _("Read and answer: %(link)s", link=link)
            + "\n\n"
            + _footer()
        )
        return subject, body

    return _send_each(firm, compose)


def password_reset(user: User, token: str) -> bool:
    """The reset link, sent to the account's own address (never one typed in the form)."""
    link = ports().links.password_reset(token)
    with force_locale(_locale(user)):
        subject = _("Reset your matchmaker password")
        body = (
            _("Someone asked to reset the password of %(email)s on matchmaker.", email=user.email)
            + "\n\n"
            + _("Choose a new password here (the link works once, for one hour):")
            + f"\n{link}\n\n"
            + _("If it was not you, ignore this e-mail: your password stays as it is.")
            + "\n"
        )
    _deliver(subject, body, [user.email])
    return True


def confirm_address(user: User, token: str) -> bool:
    link = ports().links.address_confirmation(token)
    with force_locale(_locale(user)):
        subject = _("Confirm your e-mail address for matchmaker")
        body = (
            _(
                "Welcome to matchmaker. Please confirm that %(email)s is your address:",
                email=user.email,
            )
            + f"\n{link}\n\n"
            + _("The link works for a week. If you did not register, ignore this e-mail.")
            + "\n"
        )
    _deliver(subject, body, [user.email])
    return True


# For the other modules of notifications (services/event_mail.py).
send_each = _send_each
footer = _footer


def firm_invitation(firm: Firm, inviter: User, email: str, token: str) -> bool:
    """The invitation link, to the invited address (in the inviter's language: the invited
    person has no account, and so no language, yet)."""
    link = ports().links.invitation(token)
    with force_locale(_locale(inviter)):
        subject = _("%(firm)s invites you to matchmaker", firm=firm.name)
        body = (
            _(
                "%(email)s invites you to join the company account of %(firm)s on matchmaker, "
                "the partnering platform of the Pakistan–Belarus Joint Working Group.",
                email=inviter.email,
                firm=firm.name,
            )
            + f"\n{link}\n\n"
            + _("The link works once, for a week. If you do not know this firm, ignore it.")
            + "\n"
        )
    _deliver(subject, body, [email])
    return True


def email_change_requested(user: User, new_email: str, token: str) -> bool:
    """A confirmation link to the new address; a notice to the old one."""
    link = ports().links.email_change(token)
    with force_locale(_locale(user)):
        subject = _("Confirm your new e-mail address for matchmaker")
        body = (
            _(
                "Please confirm that %(email)s is to be your new sign-in address on matchmaker:",
                email=new_email,
            )
            + f"\n{link}\n\n"
            + _("The link works once, for a day. If you did not ask for it, ignore this e-mail.")
            + "\n"
        )
        notice_subject = _("Your matchmaker sign-in address is about to change")
        notice = (
            _(
                "Someone signed in to your matchmaker account asked to change its sign-in "
                "address from %(old)s to %(new)s.",
                old=user.email,
                new=new_email,
            )
            + "\n\n"
            + _(
                "If it was not you, change your password now: %(link)s",
                link=ports().links.password_reset_request(),
            )
            + "\n"
        )
    _deliver(subject, body, [new_email])
    _deliver(notice_subject, notice, [user.email])
    return True


def registration_attempt(user: User) -> bool:
    """Someone tried to register an address that has an account: told to its owner only (the
    registration page says the same as for a new address)."""
    with force_locale(_locale(user)):
        subject = _("Someone tried to register with your address on matchmaker")
        body = (
            _(
                "Someone tried to create a matchmaker account for %(email)s, which already has "
                "one. If it was you, sign in here: %(login)s",
                email=user.email,
                login=ports().links.login(),
            )
            + "\n\n"
            + _(
                "Forgot your password? Choose a new one: %(link)s",
                link=ports().links.password_reset_request(),
            )
            + "\n"
        )
    _deliver(subject, body, [user.email])
    return True
