"""Attachments: a firm's profile documents, the files of messages, downloads and removal."""

from __future__ import annotations

import io

import flask_babel
from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField

from matchmaker.extensions import db
from matchmaker.services import attachments
from matchmaker.services.errors import ValidationFailed
from matchmaker.web import ratelimits as limits
from matchmaker.web.security import is_safe_next
from matchmaker.web.uploads import read_upload, storage

bp = Blueprint("attachments", __name__)


class DocumentForm(FlaskForm):
    file = FileField(render_kw={"accept": attachments.ACCEPT})


@bp.post("/firm/documents")
@login_required
@limits.per_user_posts(limits.UPLOADS_PER_USER)
def upload_document():
    if not current_user.is_firm_user or current_user.firm_id is None:
        abort(403, _("Only firm accounts with a profile have documents."))
    form = DocumentForm()
    if not form.validate_on_submit():
        abort(400, _("The form is out of date; reload the page and try again."))
    chosen = read_upload(form.file)
    target = url_for("firms.show", firm_id=current_user.firm_id, _anchor="documents")
    if chosen is None:
        flash(_("Choose a file first."), "error")
        return redirect(target)
    try:
        document = attachments.add_profile_document(db.session, current_user, storage(), *chosen)
    except ValidationFailed as exc:
        flash(_("Nothing was added: %(reason)s", reason=exc.errors["file"]), "error")
        return redirect(target)
    flash(_("“%(name)s” is added to your profile.", name=document.filename), "success")
    return redirect(target)


@bp.get("/files/<int:attachment_id>")
@login_required
def download(attachment_id: int):
    found = attachments.download(db.session, current_user, attachment_id)
    # Read whole (at most 10 MB): the file is closed here, whatever the client does.
    with storage().open(found.key) as stream:
        data = io.BytesIO(stream.read())
    response = send_file(
        data,
        mimetype=found.content_type,
        as_attachment=True,
        download_name=found.filename,
        max_age=0,
        conditional=False,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.post("/files/<int:attachment_id>/delete")
@login_required
def delete(attachment_id: int):
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400, _("The form is out of date; reload the page and try again."))
    removed = attachments.remove(db.session, current_user, storage(), attachment_id)
    flash(_("“%(name)s” is removed.", name=removed.filename), "success")
    back = request.form.get("next", "")
    if is_safe_next(back):
        return redirect(back)
    return redirect(url_for("firms.show", firm_id=current_user.firm_id, _anchor="documents"))


@bp.app_template_filter("filesize")
def filesize(size: int) -> str:
    """A file's size for people, in their locale: "830 KB", "2.4 MB"."""
    if size < 1024 * 1024:
        return _("%(num)s KB", num=flask_babel.format_decimal(max(1, round(size / 1024))))
    return _("%(num)s MB", num=flask_babel.format_decimal(size / 1024 / 1024, "0.0"))


@bp.app_context_processor
def upload_limits() -> dict[str, object]:
    return {"document_accept": attachments.ACCEPT, "document_max_bytes": attachments.MAX_SIZE}
