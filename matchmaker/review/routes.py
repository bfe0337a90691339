"""EDB staff: the review queue, decisions, the audit trail and the dashboard."""

from __future__ import annotations

from datetime import date
from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_translations, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from matchmaker import jobs
from matchmaker.extensions import db
from matchmaker.review.cards import queue_content_html
from matchmaker.review.forms import (
    BulkChoiceForm,
    BulkDecisionForm,
    DecisionForm,
    bulk_bar,
    decision_widget,
)
from matchmaker.services import audit_trail, dashboard, exports, proposals, review
from matchmaker.services.errors import StaleVersion
from matchmaker.services.reference import SECTORS, TYPE_BY_CODE
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


def _float_arg(args, name: str) -> float | None:
    try:
        value = float(args.get(name, ""))
    except ValueError:
        return None
    return min(max(value, 0.0), 1.0)


FILTER_KEYS = ("status", "sector", "country", "min_score", "max_score", "q", "sort")


def _queue_filter(args) -> proposals.QueueFilter:
    return proposals.QueueFilter(
        status=args.get("status", "proposed"),
        sector=args.get("sector", "")[:32],
        country=args.get("country", "")[:2].upper(),
        min_score=_float_arg(args, "min_score"),
        max_score=_float_arg(args, "max_score"),
        q=args.get("q", "").strip()[:100],
        sort=args.get("sort", "score"),
    )


def _filter_args(args, *, page: bool = True) -> dict[str, str]:
    """The queue's filters as given (and its page): kept in every link back to the queue."""
    keys = (*FILTER_KEYS, "page") if page else FILTER_KEYS
    return {k: args[k][:100] for k in keys if args.get(k)}


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit() and len(v) < 12][:200]


@bp.get("/review")
@staff_required
def queue():
    args = request.args
    filters = _queue_filter(args)
    page = proposals.queue_page(
        db.session,
        current_user,
        filters,
        page=page_arg(args),
        per_page=current_app.config["PROPOSALS_PER_PAGE"],
    )
    filter_args = _filter_args(args)
    gettext = get_translations().ugettext
    widget = decision_widget()
    content = queue_content_html(
        page,
        widget,
        filters=filters,
        filter_args=filter_args,
        sectors=SECTORS,
        bulk=bulk_bar(gettext, args.get("decision")),
    )
    return render_template("review/queue.html", content=content)


@bp.get("/review/<int:proposal_id>")
@staff_required
def detail(proposal_id: int):
    proposal = review.get_proposal(db.session, proposal_id)
    filter_args = _filter_args(request.args)
    next_id = review.next_proposal_id(
        db.session, current_user, _queue_filter(request.args), proposal
    )
    return render_template(
        "review/detail.html",
        proposal=proposal,
        widget=decision_widget(),
        history=audit_trail.proposal_history(db.session, proposal_id),
        filter_args=filter_args,
        next_id=next_id,
        after_decision=_after_decision(next_id, filter_args),
        other_proposals=review.other_proposals(db.session, current_user, proposal),
        signals=review.signal_rows(proposal.signals),
        type_labels={code: kind.label for code, kind in TYPE_BY_CODE.items()},
    )


def _after_decision(next_id: int | None, filter_args: dict[str, str]) -> str:
    """Where a decision on the detail page leads: the next proposal of the same filter, or
    the queue under that filter when none is left."""
    if next_id is None:
        return url_for("review.queue", **filter_args)
    return url_for("review.detail", proposal_id=next_id, **filter_args)


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
        current = review.get_proposal(db.session, proposal_id)
        return render_template(
            "review/conflict.html",
            message=exc.message,
            proposal=current,
            form=form,
            typed_decision=form.decision.data,
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


@bp.get("/review/bulk")
@staff_required
def bulk_confirm():
    """What the ticked proposals' bulk decision will do, to confirm (nothing is changed yet)."""
    filter_args = _filter_args(request.args)
    back = url_for("review.queue", **filter_args)
    choice = BulkChoiceForm(request.args)
    ids = _ids(request.args.getlist("ids"))
    if not ids:
        flash(_("Select at least one proposal first."), "error")
        return redirect(back)
    if not choice.validate():
        flash(_("Choose whether to approve or reject the selected proposals."), "error")
        return redirect(back)
    preview = review.bulk_preview(db.session, current_user, ids, choice.decision.data)
    form = BulkDecisionForm(decision=choice.decision.data, back=back)
    return render_template("review/bulk_confirm.html", preview=preview, form=form, back=back)


@bp.post("/review/bulk")
@staff_required
def bulk():
    form = BulkDecisionForm()
    back = form.back.data if is_safe_next(form.back.data) else url_for("review.queue")
    if not form.validate():
        abort(400, _("The bulk decision could not be read."))
    ids = _ids(request.form.getlist("ids"))
    if not ids:
        flash(_("Select at least one proposal first."), "error")
        return redirect(back)
    result = review.decide_many(
        db.session,
        current_user,
        ids,
        form.decision.data,
        form.note.data,
        reject_reason=form.reject_reason.data or None,
    )
    flash(_bulk_summary(form.decision.data, result), "success")
    for problem in result.problems:
        flash(problem, "error")
    return redirect(back)


def _bulk_summary(decision: str, result: review.BulkResult) -> str:
    if decision == "approve":
        text = (
            ngettext("%(num)s proposal approved.", "%(num)s proposals approved.", result.decided)
            + " "
            + ngettext(
                "%(num)s e-mail sent; the partners now see each other's contacts.",
                "%(num)s e-mails sent; the partners now see each other's contacts.",
                result.emails,
            )
        )
    else:
        text = ngettext("%(num)s proposal rejected.", "%(num)s proposals rejected.", result.decided)
    if result.unchanged:
        text += " " + ngettext(
            "%(num)s was already so and is unchanged.",
            "%(num)s were already so and are unchanged.",
            result.unchanged,
        )
    return text


AUDIT_KEYS = ("officer", "from", "to", "firm")


def audit_filter(args) -> exports.AuditFilter:
    officer = args.get("officer", "")
    return exports.AuditFilter(
        officer_id=int(officer) if officer.isdigit() and len(officer) < 10 else None,
        firm=args.get("firm", "").strip()[:100],
        date_from=_date_arg(args.get("from", "")),
        date_to=_date_arg(args.get("to", "")),
    )


def _date_arg(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


@bp.get("/review/audit")
@staff_required
def audit():
    filters = audit_filter(request.args)
    page = audit_trail.audit_page(
        db.session, current_user, page=page_arg(request.args), per_page=50, filters=filters
    )
    return render_template(
        "review/audit.html",
        page=page,
        filters=filters,
        officers=exports.officers(db.session, current_user),
        download_args={
            k: v for k, v in request.args.items() if k in ("officer", "from", "to", "firm")
        },
    )


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
