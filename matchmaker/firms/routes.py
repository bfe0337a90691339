"""Own firm profile, the firm directory and a firm's profile page."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from matchmaker.extensions import db
from matchmaker.firms.cards import firm_cards, partner_actions
from matchmaker.firms.forms import FirmForm, IntroductionRequestForm, PartnerActionForm
from matchmaker.services import attachments, firm_profile, matching, pipeline, requests
from matchmaker.services import firms as firm_service
from matchmaker.services.errors import InvalidTransition, ValidationFailed
from matchmaker.services.firm_records import record_of
from matchmaker.services.partner_states import partner_states
from matchmaker.services.reference import COOPERATION_TYPES, SECTORS, TYPE_BY_CODE
from matchmaker.web.forms import page_arg
from matchmaker.web.security import is_safe_next

bp = Blueprint("firms", __name__)


@bp.route("/firm/edit", methods=["GET", "POST"])
@login_required
def edit():
    if not current_user.is_firm_user:
        abort(403, _("Only firm accounts have a firm profile."))
    firm = current_user.firm
    form = FirmForm(data=record_of(firm) if firm and request.method == "GET" else None)
    form.set_choices(SECTORS, COOPERATION_TYPES)
    if form.validate_on_submit():
        try:
            firm = firm_profile.save_own_firm(db.session, current_user, form.record_data())
        except ValidationFailed as exc:
            for field, message in exc.errors.items():
                target = getattr(form, field, None)
                (target.errors if target is not None else form.form_errors).append(message)
        else:
            flash(
                _(
                    "Your firm profile is saved. Our matching now looks for partners in the "
                    "other country; EDB reviews each proposal, and you hear from us by e-mail "
                    "when it introduces you. Meanwhile you can browse the directory and request "
                    "an introduction yourself."
                ),
                "success",
            )
            return redirect(url_for("firms.home"))
    if form.errors or form.form_errors:
        flash(_("Please correct the marked fields; nothing was saved."), "error")
        return render_template("firms/edit.html", form=form, firm=firm), 400
    return render_template("firms/edit.html", form=form, firm=firm)


@bp.get("/firms")
@login_required
def directory():
    args = request.args
    query = firm_service.DirectoryQuery(
        q=args.get("q", "").strip()[:200],
        sector=args.get("sector", "").strip()[:32],
        country=args.get("country", "").strip().upper()[:2],
    )
    page, states = firm_service.directory_with_states(
        db.session,
        current_user,
        query,
        page=page_arg(args),
        per_page=current_app.config["FIRMS_PER_PAGE"],
    )
    return render_template(
        "firms/directory.html",
        page=page,
        query=query,
        sectors=SECTORS,
        cards=firm_cards(page.items, states),
        actions=partner_actions(request.full_path),
    )


@bp.get("/firms/<int:firm_id>")
@login_required
def show(firm_id: int):
    return _show(firm_id, None)


def _show(firm_id: int, request_form: IntroductionRequestForm | None, status: int = 200):
    """The profile page; `request_form` the introduction request as posted (None: empty)."""
    firm = firm_service.firm_row(db.session, current_user, firm_id)
    return render_template(
        "firms/show.html",
        firm=firm,
        own=current_user.firm_id == firm_id,
        documents=attachments.profile_documents(db.session, firm_id),
        type_labels={code: kind.label for code, kind in TYPE_BY_CODE.items()},
        state=partner_states(db.session, current_user, [firm_id]).get(firm_id),
        actions=partner_actions(request.path, request_form),
        open_request=bool(request_form and request_form.message.errors),
    ), status


def _back(form, firm_id: int) -> str:
    target = form.next.data
    return target if is_safe_next(target) else url_for("firms.show", firm_id=firm_id)


def _check_csrf(form) -> None:
    if not form.validate() and "csrf_token" in form.errors:
        abort(400, _("The form has expired or was not sent from this site. Reload and try again."))


def _engine_scorer(pk, by):
    return matching.score_pair(db.session, current_app.config["STATE_DIR"], pk, by)


@bp.post("/firms/<int:firm_id>/request")
@login_required
def request_introduction(firm_id: int):
    form = IntroductionRequestForm()
    _check_csrf(form)
    if form.errors:
        flash(_("Please correct the message; nothing was sent."), "error")
        return _show(firm_id, form, 400)
    try:
        requests.request_introduction(
            db.session, current_user, firm_id, form.message.data, _engine_scorer
        )
    except ValidationFailed as exc:
        form.message.errors = [*form.message.errors, *exc.errors.values()]
        flash(_("Please correct the message; nothing was sent."), "error")
        return _show(firm_id, form, 400)
    except InvalidTransition as exc:
        flash(exc.message, "error")
        return redirect(_back(form, firm_id), 303)
    flash(
        _(
            "Your request is with EDB. An officer reviews it; when they approve, you can write "
            "to the firm here and you both get an e-mail."
        ),
        "success",
    )
    return redirect(_back(form, firm_id), 303)


@bp.post("/firms/<int:firm_id>/save")
@login_required
def save_partner(firm_id: int):
    form = PartnerActionForm()
    _check_csrf(form)
    firm = requests.save_partner(db.session, current_user, firm_id)
    flash(_("%(name)s is in your saved partners.", name=firm.name), "success")
    return redirect(_back(form, firm_id), 303)


@bp.post("/firms/<int:firm_id>/forget")
@login_required
def forget_partner(firm_id: int):
    form = PartnerActionForm()
    _check_csrf(form)
    firm = requests.forget_partner(db.session, current_user, firm_id)
    flash(_("%(name)s is no longer in your saved partners.", name=firm.name), "success")
    return redirect(_back(form, firm_id), 303)


@bp.get("/saved")
@login_required
def saved():
    ids = requests.saved_partner_ids(db.session, current_user)
    firms = firm_service.firm_listings(db.session, ids)
    return render_template(
        "firms/saved.html",
        cards=firm_cards(firms, partner_states(db.session, current_user, ids)),
        actions=partner_actions(request.path, offer_request=False),
    )


@bp.get("/home")
@login_required
def home():
    if not current_user.is_firm_user:
        return redirect(url_for("main.index"))
    if current_user.firm_id is None:
        return redirect(url_for("firms.edit"))
    return render_template("firms/home.html", view=pipeline.pipeline(db.session, current_user))
