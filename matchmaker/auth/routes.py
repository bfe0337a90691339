"""Registration, sign-in and sign-out."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from matchmaker.auth.forms import (
    AccountForm,
    LoginForm,
    PasswordChangeForm,
    RegisterForm,
    ResetForm,
    ResetRequestForm,
    TokenForm,
)
from matchmaker.extensions import db, limiter
from matchmaker.models import User
from matchmaker.services import accounts, notifications, tokens
from matchmaker.services.errors import ValidationFailed
from matchmaker.services.user_rows import UserRow
from matchmaker.web import ratelimits as limits
from matchmaker.web import signed_in
from matchmaker.web.i18n import ACCOUNT_LOCALE
from matchmaker.web.security import is_safe_next

bp = Blueprint("auth", __name__, url_prefix="/auth")


def load_user(user_id: str) -> UserRow | None:
    """The login id is "<user id>:<session version>"; an old version is a dead session. The
    user is read as one row (web/signed_in.py)."""
    try:
        raw_id, raw_version = user_id.split(":", 1)
        uid, version = int(raw_id), int(raw_version)
    except ValueError:
        return None
    if not -(2**31) <= uid < 2**31:
        return None  # no such id in the database (int4)
    user = signed_in.load(uid)
    if user is None or user.session_version != version or not user.active:
        return None
    _note_locale(user)
    return user


def _note_locale(user: User | UserRow) -> None:
    # The account's language for this request's pages, unless the switcher's cookie chose one.
    setattr(g, ACCOUNT_LOCALE, user.locale)


def start_session(user: User) -> None:
    # A fresh session at sign-in: nothing from before survives (session fixation).
    session.clear()
    login_user(user)
    _note_locale(user)
    session.permanent = False


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(limits.REGISTER_PER_CLIENT, methods=["POST"], error_message=limits.TOO_MANY)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user, created = accounts.register(
                db.session,
                form.email.data,
                form.password.data,
                locale=str(get_locale()),  # e-mails follow the language of registration
            )
        except ValidationFailed as exc:
            for field, message in exc.errors.items():
                getattr(form, field, form.email).errors.append(message)
        else:
            # The same answer whether or not the address has an account; its owner is told by
            # e-mail instead.
            if created:
                notifications.confirm_address(
                    user, accounts.confirmation_token(user, current_app.config["SECRET_KEY"])
                )
                start_session(user)
            else:
                notifications.registration_attempt(user)
            flash(
                _(
                    "Welcome! We sent you a link to confirm your address. Now describe your firm "
                    "so we can find partners for it."
                ),
                "success",
            )
            return redirect(url_for("firms.edit"))
    status = 400 if form.errors else 200
    return render_template("auth/register.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(limits.LOGIN_PER_CLIENT, methods=["POST"], error_message=limits.TOO_MANY)
@limiter.limit(
    limits.LOGIN_FAILURES_PER_ACCOUNT,
    key_func=limits.account_key,
    methods=["POST"],
    deduct_when=limits.failed_login,
    error_message=limits.TOO_MANY_WRONG_PASSWORDS,
)
def login():
    next_url = request.args.get("next")
    if current_user.is_authenticated:
        return redirect(next_url if is_safe_next(next_url) else url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(db.session, form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("Wrong e-mail address or password."))
        else:
            start_session(user)
            flash(_("You are signed in."), "success")
            return redirect(next_url if is_safe_next(next_url) else url_for("main.index"))
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    # Ends this user's sessions everywhere, not only the cookie in this browser.
    accounts.end_all_sessions(db.session, current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


def _account_page(new_token: str | None = None, token_form: TokenForm | None = None, status=200):
    user = current_user._get_current_object()
    return render_template(
        "auth/account.html",
        form=AccountForm(obj=user),
        token_form=token_form or TokenForm(formdata=None),
        tokens=tokens.list_tokens(db.session, user),
        new_token=new_token,
        user=user,
    ), status


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    user = current_user._get_current_object()
    form = AccountForm()
    if request.method == "POST" and form.validate_on_submit():
        accounts.update_settings(db.session, user, notify_email=bool(form.notify_email.data))
        flash(_("Your settings are saved."), "success")
        return redirect(url_for("auth.account"))
    return _account_page()


@bp.post("/account/tokens")
@login_required
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return _account_page(token_form=form, status=400)
    try:
        _, plain = tokens.create_token(
            db.session, current_user._get_current_object(), form.name.data
        )
    except ValidationFailed as exc:
        form.name.errors = list(exc.errors.values())
        return _account_page(token_form=form, status=400)
    # Shown in this response only: never flashed (the session cookie would carry it).
    return _account_page(new_token=plain)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    tokens.revoke_token(db.session, current_user._get_current_object(), token_id)
    flash(_("The token is revoked; programs using it can no longer sign in."), "success")
    return redirect(url_for("auth.account"))


def _form_errors(form, exc: ValidationFailed) -> None:
    for field, message in exc.errors.items():
        getattr(form, field, form.password).errors.append(message)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            accounts.change_password(db.session, user, form.current.data, form.password.data)
        except ValidationFailed as exc:
            _form_errors(form, exc)
        else:
            # Every other session of this user has ended; this browser starts a new one.
            start_session(user)
            flash(_("Your password is changed; other devices have been signed out."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/password.html", form=form), 400 if form.errors else 200


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(limits.RESET_PER_CLIENT, methods=["POST"], error_message=limits.TOO_MANY)
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = accounts.find_user(db.session, form.email.data)
        if user is not None and user.active:
            token = accounts.reset_token(user, current_app.config["SECRET_KEY"])
            notifications.password_reset(user, token)
        # The same answer whether or not the address is registered.
        flash(
            _(
                "If an account uses that address, we have sent it a link to choose a new "
                "password. The link works once, for one hour."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form), 400 if form.errors else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    user = accounts.user_for_reset(db.session, token[:500], current_app.config["SECRET_KEY"])
    if user is None:
        flash(_("This link is invalid, used or older than an hour. Ask for a new one."), "error")
        return redirect(url_for("auth.reset_request"))
    form = ResetForm()
    if form.validate_on_submit():
        try:
            accounts.set_password(db.session, user, form.password.data)
        except ValidationFailed as exc:
            _form_errors(form, exc)
        else:
            flash(_("Your new password is set. Please sign in."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form), 400 if form.errors else 200


@bp.get("/confirm/<token>")
def confirm(token: str):
    user = accounts.confirm_email(db.session, token[:500], current_app.config["SECRET_KEY"])
    if user is None:
        flash(_("This confirmation link is invalid or older than a week."), "error")
    else:
        flash(_("Thank you: %(email)s is confirmed.", email=user.email), "success")
    return redirect(url_for("main.index"))
