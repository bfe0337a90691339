"""Own firm profile, the firm directory and a firm's profile page."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from matchmaker.extensions import db
from matchmaker.firms.forms import FirmForm
from matchmaker.services import attachments
from matchmaker.services import firms as firm_service
from matchmaker.services.errors import ValidationFailed
from matchmaker.services.firm_records import record_of
from matchmaker.services.reference import COOPERATION_TYPES, SECTORS, TYPE_BY_CODE
from matchmaker.web.forms import page_arg

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
            firm = firm_service.save_own_firm(db.session, current_user, form.record_data())
        except ValidationFailed as exc:
            for field, message in exc.errors.items():
                target = getattr(form, field, None)
                (target.errors if target is not None else form.form_errors).append(message)
        else:
            flash(_("Your firm profile is saved."), "success")
            return redirect(url_for("firms.show", firm_id=firm.id))
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
    page = firm_service.directory_page(
        db.session,
        current_user,
        query,
        page=page_arg(args),
        per_page=current_app.config["FIRMS_PER_PAGE"],
    )
    return render_template("firms/directory.html", page=page, query=query, sectors=SECTORS)


@bp.get("/firms/<int:firm_id>")
@login_required
def show(firm_id: int):
    return render_template(
        "firms/show.html",
        firm=firm_service.firm_row(db.session, current_user, firm_id),
        own=current_user.firm_id == firm_id,
        documents=attachments.profile_documents(db.session, firm_id),
        type_labels={code: kind.label for code, kind in TYPE_BY_CODE.items()},
    )
