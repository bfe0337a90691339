"""What pages that take files share: the app's attachment storage and reading an upload."""

from __future__ import annotations

from flask import current_app

from matchmaker.services import attachments
from matchmaker.services.storage import Storage


def storage() -> Storage:
    """The app's attachment storage (built by the factory from its configuration)."""
    return current_app.extensions["matchmaker.storage"]


def read_upload(field) -> tuple[str | None, bytes] | None:
    """(name, bytes) of an uploaded file, at most one byte past the limit (enough to refuse
    it); None when no file was chosen."""
    upload = field.data
    if upload is None or not getattr(upload, "filename", None):
        return None
    return upload.filename, upload.stream.read(attachments.MAX_SIZE + 1)
