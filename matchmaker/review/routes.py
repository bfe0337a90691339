"""EDB staff: the review queue, decisions, the audit trail and the dashboard."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from matchmaker import jobs
from matchmaker.extensions import db
from matchmaker.review.forms import BulkDecisionForm, DecisionForm
from matchmaker.services import dashboard, proposals, review
from matchmaker.services.errors import StaleVersion
from matchmaker.services.reference import SECTORS
from matchmaker.web.forms import page_arg
from matchmaker.web.security import is_safe_next

bp = Blueprint("review", __name__)


def staff_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_staff:
            abort(403, _("This page is for EDB staff."))
        return view(*args, **kwargs)

    return wrapped


def _float_arg(name: str) -> float | None:
    try:
        value = float(request.args.get(name, ""))
    except ValueError:
        return None
    return min(max(value, 0.0), 1.0)


@bp.get("/review")
@staff_required
def queue():
    args = request.args
    filters = proposals.QueueFilter(
        status=args.get("status", "proposed"),
        sector=args.get("sector", "")[:32],
        country=args.get("country", "")[:2].upper(),
        min_score=_float_arg("min_score"),
        max_score=_float_arg("max_score"),
        q=args.get("q", "").strip()[:100],
        sort=args.get("sort", "score"),
    )
    page = proposals.queue_page(
        db.session,
        current_user,
        filters,
        page=page_arg(args),
        per_page=current_app.config["PROPOSALS_PER_PAGE"],
    )
    return render_template(
        "review/queue.html",
        page=page,
        filters=filters,
        sectors=SECTORS,
        form=DecisionForm(),
        bulk_form=BulkDecisionForm(),
    )


@bp.get("/review/<int:proposal_id>")
@staff_required
def detail(proposal_id: int):
    proposal = review.get_proposal(db.session, proposal_id)
    return render_template(
        "review/detail.html",
        proposal=proposal,
        form=DecisionForm(),
        history=review.proposal_history(db.session, proposal_id),
    )


@bp.post("/review/<int:proposal_id>")
@staff_required
def decide(proposal_id: int):
    form = DecisionForm()
    if not form.validate():
        messages = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        if "csrf_token" in form.errors:
            abort(
                400, _("The form has expired or was not sent from this site. Reload and try again.")
            )
        abort(400, _("The decision could not be read: %(problems)s", problems=messages))
    try:
        proposal = review.decide(
            db.session,
            current_user,
            proposal_id,
            form.decision.data,
            form.note.data,
            reject_reason=form.reject_reason.data or None,
            expected_version=form.version.data,
        )
    except StaleVersion as exc:
        return render_template(
            "review/conflict.html", message=exc.message, proposal_id=proposal_id
        ), 409
    text = (
        _("Proposal %(pk)s – %(by)s approved.", pk=proposal.pk_firm.name, by=proposal.by_firm.name)
        if form.decision.data == "approve"
        else _(
            "Proposal %(pk)s – %(by)s rejected.", pk=proposal.pk_firm.name, by=proposal.by_firm.name
        )
    )
    flash(text, "success")
    target = form.next.data
    return redirect(target if is_safe_next(target) else url_for("review.queue"))


@bp.post("/review/bulk")
@staff_required
def bulk():
    form = BulkDecisionForm()
    if not form.validate():
        abort(400, _("The bulk decision could not be read."))
    ids = [int(v) for v in request.form.getlist("ids") if v.isdigit() and len(v) < 12][:200]
    if not ids:
        flash(_("Select at least one proposal first."), "error")
        return redirect(
            request.referrer if is_safe_next(request.referrer) else url_for("review.queue")
        )
    done, problems = review.decide_many(
        db.session, current_user, ids, form.decision.data, form.note.data
    )
    flash(ngettext("%(num)s proposal decided.", "%(num)s proposals decided.", done), "success")
    for problem in problems:
        flash(problem, "error")
    return redirect(url_for("review.queue"))


@bp.get("/review/audit")
@staff_required
def audit():
    page = review.audit_page(db.session, current_user, page=page_arg(request.args), per_page=50)
    return render_template("review/audit.html", page=page)


@bp.get("/dashboard")
@staff_required
def dashboard_page():
    return render_template(
        "review/dashboard.html",
        stats=dashboard.statistics(db.session),
        recompute=jobs.recompute_progress(),
    )


@bp.post("/dashboard/recompute")
@staff_required
def start_recompute():
    outcome = jobs.start_recompute(current_app.config["MATCH_TOP_K"])
    messages = {
        "busy": (_("A recompute is already running; its progress is below."), "info"),
        "queued": (_("The recompute has started; its progress is below."), "success"),
        "done": (_("Proposals recomputed."), "success"),
    }
    flash(*messages.get(outcome, messages["queued"]))
    return redirect(url_for("review.dashboard_page"))
