"""Company accounts: the firm's colleagues page, invitations and accepting one."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import AnyOf, DataRequired

from matchmaker.auth.forms import InviteForm, JoinForm
from matchmaker.auth.routes import start_session
from matchmaker.extensions import db, limiter
from matchmaker.models import FirmRole
from matchmaker.services import accounts, company
from matchmaker.services.errors import DomainError, InvalidTransition, ValidationFailed
from matchmaker.web import ratelimits as limits

bp = Blueprint("colleagues", __name__, url_prefix="/auth")


class RoleForm(FlaskForm):
    role = HiddenField(validators=[DataRequired(), AnyOf([r.value for r in FirmRole])])


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _firm_account(view):
    """For a firm user whose firm exists (after @login_required): others are sent away."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_firm_user:
            abort(403, _("This page is for firm accounts."))
        if current_user.firm_id is None:
            flash(_("Describe your firm first; then you can invite colleagues."), "info")
            return redirect(url_for("firms.edit"))
        return view(*args, **kwargs)

    return wrapped


def _page(form: InviteForm | None = None, status: int = 200):
    user = current_user._get_current_object()
    return render_template(
        "auth/colleagues.html",
        form=form or InviteForm(formdata=None),
        colleagues=company.colleagues(db.session, user),
        invitations=company.pending_invitations(db.session, user) if user.is_firm_admin else [],
        is_admin=user.is_firm_admin,
        me=user.id,
    ), status


@bp.get("/colleagues")
@login_required
@_firm_account
def index():
    return _page()


@bp.post("/colleagues/invite")
@login_required
@limits.per_user_posts(limits.INVITES_PER_USER)
@_firm_account
def invite():
    user = current_user._get_current_object()
    form = InviteForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    try:
        invitation = company.invite(db.session, user, form.email.data, _secret())
    except ValidationFailed as exc:
        form.email.errors = list(exc.errors.values())
        return _page(form, 400)
    flash(
        _(
            "We sent an invitation to %(email)s. The link works once, for a week.",
            email=invitation.email,
        ),
        "success",
    )
    return redirect(url_for("colleagues.index"))


@bp.post("/colleagues/invitations/<int:invitation_id>/cancel")
@login_required
@_firm_account
def cancel(invitation_id: int):
    company.cancel_invitation(db.session, current_user, invitation_id)
    flash(_("The invitation is cancelled; its link no longer works."), "success")
    return redirect(url_for("colleagues.index"))


@bp.post("/colleagues/<int:user_id>/remove")
@login_required
@_firm_account
def remove(user_id: int):
    try:
        removed = company.remove_colleague(db.session, current_user, user_id)
    except InvalidTransition as exc:
        flash(exc.message, "error")
        return redirect(url_for("colleagues.index"))
    if removed.id == current_user.id:
        return redirect(url_for("auth.login"))
    flash(_("%(email)s no longer has access to your firm.", email=removed.email), "success")
    return redirect(url_for("colleagues.index"))


@bp.post("/colleagues/<int:user_id>/role")
@login_required
@_firm_account
def role(user_id: int):
    form = RoleForm()
    if not form.validate():
        abort(400, _("Choose 'admin' or 'member'."))
    try:
        changed = company.set_role(db.session, current_user, user_id, form.role.data)
    except InvalidTransition as exc:
        flash(exc.message, "error")
    else:
        flash(
            _("%(email)s is now an administrator.", email=changed.email)
            if changed.firm_role == FirmRole.ADMIN
            else _("%(email)s is now a member.", email=changed.email),
            "success",
        )
    return redirect(url_for("colleagues.index"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit(limits.REGISTER_PER_CLIENT, methods=["POST"], error_message=limits.TOO_MANY)
def invitation(token: str):
    try:
        invited = company.invitation_for(db.session, token[:500], _secret())
    except company.InvitationInvalid as exc:
        flash(exc.message, "error")
        return redirect(url_for("auth.login"))
    firm_name = invited.firm.name
    if current_user.is_authenticated:
        form = FlaskForm()
        problem = None
        if form.validate_on_submit():
            try:
                company.accept_as(db.session, invited, current_user._get_current_object())
            except DomainError as exc:
                problem = exc.message
            else:
                flash(_("Welcome to the company account of %(firm)s.", firm=firm_name), "success")
                return redirect(url_for("main.index"))
        return render_template(
            "auth/invitation.html",
            invitation=invited,
            firm_name=firm_name,
            form=form,
            problem=problem,
            mismatch=current_user.email != invited.email,
        ), 400 if problem else 200
    if accounts.find_user(db.session, invited.email) is not None:
        flash(_("Sign in as %(email)s to accept the invitation.", email=invited.email), "info")
        return redirect(url_for("auth.login", next=url_for("colleagues.invitation", token=token)))
    form = JoinForm()
    if form.validate_on_submit():
        try:
            user = company.accept_with_new_account(
                db.session, invited, form.password.data, locale=str(get_locale())
            )
        except ValidationFailed as exc:
            for field, message in exc.errors.items():
                getattr(form, field, form.password).errors.append(message)
        else:
            start_session(user)
            flash(_("Welcome to the company account of %(firm)s.", firm=firm_name), "success")
            return redirect(url_for("main.index"))
    return render_template(
        "auth/invitation.html",
        invitation=invited,
        firm_name=firm_name,
        form=form,
        new=True,
        problem=None,
        mismatch=False,
    ), 400 if form.errors else 200
