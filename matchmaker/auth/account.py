"""The account's own data: the sign-in address, the confirmation link, the export and
deleting the account (the settings and tokens are in auth/routes.py)."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from matchmaker.auth.forms import DeleteAccountForm, EmailChangeForm
from matchmaker.extensions import db
from matchmaker.services import account_data, accounts, company, notifications
from matchmaker.services.errors import ValidationFailed
from matchmaker.web import ratelimits as limits

bp = Blueprint("account", __name__, url_prefix="/auth/account")


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _user():
    return current_user._get_current_object()


@bp.post("/confirmation")
@login_required
@limits.per_user_posts(limits.CONFIRMATION_RESENDS_PER_USER)
def resend_confirmation():
    user = _user()
    if user.email_confirmed_at is not None:
        flash(_("Your address is already confirmed."), "info")
    else:
        notifications.confirm_address(user, accounts.confirmation_token(user, _secret()))
        flash(
            _(
                "We sent a new confirmation link to %(email)s. It works for a week.",
                email=user.email,
            ),
            "success",
        )
    return redirect(url_for("auth.account"))


@bp.route("/email", methods=["GET", "POST"])
@login_required
@limits.per_user_posts(limits.EMAIL_CHANGES_PER_USER)
def change_email():
    form = EmailChangeForm()
    if form.validate_on_submit():
        user = _user()
        try:
            address, token = accounts.request_email_change(
                db.session, user, form.email.data, form.password.data, _secret()
            )
        except ValidationFailed as exc:
            for field, message in exc.errors.items():
                getattr(form, field, form.email).errors.append(message)
        else:
            # Sent even when the new address has an account: that shows at the link only,
            # to whoever holds the new address.
            notifications.email_change_requested(user, address, token)
            flash(
                _(
                    "We sent a link to %(email)s: your sign-in address changes when you open "
                    "it (within a day). Your current address is told too.",
                    email=address,
                ),
                "success",
            )
            return redirect(url_for("auth.account"))
    return render_template("auth/email.html", form=form), 400 if form.errors else 200


@bp.get("/email/<token>")
def confirm_email_change(token: str):
    try:
        user = accounts.confirm_email_change(db.session, token[:800], _secret())
    except ValidationFailed as exc:
        flash(next(iter(exc.errors.values())), "error")
        return redirect(url_for("auth.login"))
    if user is None:
        flash(_("This link is invalid, used or older than a day. Ask for a new one."), "error")
        return redirect(url_for("auth.login"))
    logout_user()
    session.clear()
    flash(
        _("Your sign-in address is now %(email)s. Please sign in with it.", email=user.email),
        "success",
    )
    return redirect(url_for("auth.login"))


@bp.get("/export")
@login_required
def export():
    user = _user()
    document = json.dumps(account_data.export(db.session, user), ensure_ascii=False, indent=2)
    return Response(
        document,
        mimetype="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="matchmaker-account.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/delete", methods=["GET", "POST"])
@login_required
def delete():
    user = _user()
    if not user.is_firm_user:
        abort(403, _("Staff accounts are closed by an administrator, not deleted."))
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            account_data.delete_account(db.session, user, form.password.data)
        except ValidationFailed as exc:
            form.password.errors.append(exc.errors["password"])
        else:
            logout_user()
            session.clear()
            flash(_("Your account is deleted. Thank you for using matchmaker."), "info")
            return redirect(url_for("main.index"))
    colleagues = 0
    if user.firm_id is not None:
        colleagues = len(company.colleagues(db.session, user)) - 1
    return render_template(
        "auth/delete.html", form=form, colleagues=colleagues, has_firm=user.firm_id is not None
    ), 400 if form.errors else 200
