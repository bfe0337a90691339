"""Own firm profile, the firm directory and a firm's profile page."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from matchmaker.extensions import db
from matchmaker.firms.forms import FirmForm
from matchmaker.jobs import enqueue, refresh_job
from matchmaker.services import firms as firm_service
from matchmaker.services.firm_records import record_of
from matchmaker.services.messaging import introduced
from matchmaker.services.pages import paginate
from matchmaker.web.errors import ValidationFailed
from matchmaker.web.forms import page_arg

bp = Blueprint("firms", __name__)


@bp.route("/firm/edit", methods=["GET", "POST"])
@login_required
def edit():
    if not current_user.is_firm_user:
        abort(403, _("Only firm accounts have a firm profile."))
    firm = current_user.firm
    form = FirmForm(data=record_of(firm) if firm and request.method == "GET" else None)
    form.set_choices(firm_service.sectors(db.session), firm_service.cooperation_types(db.session))
    if form.validate_on_submit():
        try:
            firm = firm_service.save_own_firm(db.session, current_user, form.record_data())
        except ValidationFailed as exc:
            db.session.rollback()
            for field, message in exc.errors.items():
                target = getattr(form, field, None)
                (target.errors if target is not None else form.form_errors).append(message)
        else:
            _refresh_proposals(firm.id)
            flash(_("Your firm profile is saved."), "success")
            return redirect(url_for("firms.show", firm_id=firm.id))
    if form.errors or form.form_errors:
        flash(_("Please correct the marked fields; nothing was saved."), "error")
        return render_template("firms/edit.html", form=form, firm=firm), 400
    return render_template("firms/edit.html", form=form, firm=firm)


def _refresh_proposals(firm_id: int) -> None:
    """Matching follows a saved profile (in the worker when there is one)."""
    enqueue(refresh_job, [firm_id])


@bp.get("/firms")
@login_required
def directory():
    args = request.args
    query = firm_service.DirectoryQuery(
        q=args.get("q", "").strip()[:200],
        sector=args.get("sector", "").strip()[:32],
        country=args.get("country", "").strip().upper()[:2],
    )
    page = paginate(
        firm_service.directory_rows_select(db.session, query),
        per_page=current_app.config["FIRMS_PER_PAGE"],
        max_per_page=100,
        page=page_arg(request.args),
        rows=True,
        count_select=lambda: firm_service.directory_count_select(db.session, query),
    )
    return render_template(
        "firms/directory.html",
        page=page,
        sector_codes=firm_service.sector_codes(db.session, [firm.id for firm in page.items]),
        query=query,
        sectors=firm_service.sectors(db.session),
    )


@bp.get("/firms/<int:firm_id>")
@login_required
def show(firm_id: int):
    firm = firm_service.get_firm(db.session, firm_id)
    own = current_user.firm_id == firm.id
    show_contact = (
        own or current_user.is_staff or introduced(db.session, current_user.firm_id, firm.id)
    )
    type_labels = {t.code: t.label for t in firm_service.cooperation_types(db.session)}
    return render_template(
        "firms/show.html",
        firm=firm,
        own=own,
        show_contact=show_contact,
        type_labels=type_labels,
    )
