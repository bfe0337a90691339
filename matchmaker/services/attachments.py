"""Attachments: documents on a firm's profile and files sent with messages.

A file's type is judged from its bytes, never from its name: PDF, PNG and JPEG by their
signatures, XLSX and DOCX as ZIP archives holding their Office Open XML parts. A name whose
extension claims another of these types is refused (an HTML page named `.pdf` is neither);
a name without a known extension gets the content's. Names lose any path: a name with `/`,
`\\` or control characters is refused. Nothing is stored unless every check passes; the
bytes go to the storage under a random key.

Who sees what: profile documents every signed-in user; a message's files the users of the
thread's two firms; anyone else gets NotFound, as for a thread. Only the owning firm removes.
"""

from __future__ import annotations

import io
import logging
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matchmaker.models import Attachment, Message, Proposal, Thread, User, as_utc
from matchmaker.services.errors import NotFound, ValidationFailed
from matchmaker.services.storage import Storage, new_key

log = logging.getLogger(__name__)

MAX_SIZE = 10 * 1024 * 1024  # bytes, each file
MAX_PER_FIRM = 10  # profile documents
MAX_NAME = 200


@dataclass(frozen=True)
class Kind:
    code: str
    label: str  # shown as is: the formats' own names
    content_type: str
    extensions: tuple[str, ...]


KINDS = {
    k.code: k
    for k in (
        Kind("pdf", "PDF", "application/pdf", (".pdf",)),
        Kind("png", "PNG", "image/png", (".png",)),
        Kind("jpeg", "JPEG", "image/jpeg", (".jpg", ".jpeg")),
        Kind(
            "xlsx",
            "XLSX",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (".xlsx",),
        ),
        Kind(
            "docx",
            "DOCX",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
        ),
    )
}
KIND_BY_EXTENSION = {ext: kind for kind in KINDS.values() for ext in kind.extensions}
ACCEPT = ",".join(ext for kind in KINDS.values() for ext in kind.extensions)
OOXML_PARTS = {"xlsx": "xl/workbook.xml", "docx": "word/document.xml"}


def sniff(data: bytes) -> str | None:
    """The kind of file `data` is, from its content alone; None if none of ours."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "[Content_Types].xml" in names:
            for code, part in OOXML_PARTS.items():
                if part in names:
                    return code
    return None


@dataclass(frozen=True)
class Upload:
    """A file that passed every check, ready to store."""

    filename: str
    kind: str
    data: bytes


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed({"file": message})


def clean_filename(name: str | None) -> str:
    """The name as shown and offered for download: no path, no control characters."""
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not name:
        raise _refuse(_("The file has no name."))
    if "/" in name or "\\" in name or name in (".", ".."):
        raise _refuse(_("A file name may not contain a path (“/” or “\\”)."))
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise _refuse(_("The file name contains control characters."))
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: MAX_NAME - len(ext) - 1] + dot + ext) if dot else name[:MAX_NAME]
    return name


def _types_list() -> str:
    return ", ".join(kind.label for kind in KINDS.values())


def check_upload(filename: str | None, data: bytes) -> Upload:
    """Every check of one file; ValidationFailed({"file": reason}) at the first that fails."""
    name = clean_filename(filename)
    if len(data) > MAX_SIZE:
        raise _refuse(
            _(
                "“%(name)s” is %(size)s MB; a file may be at most %(max)s MB.",
                name=name,
                size=f"{len(data) / 1024 / 1024:.1f}",
                max=MAX_SIZE // (1024 * 1024),
            )
        )
    if not data:
        raise _refuse(_("“%(name)s” is empty.", name=name))
    kind = sniff(data)
    if kind is None:
        raise _refuse(
            _(
                "“%(name)s” is not a %(types)s file (judged from its content, not its name).",
                name=name,
                types=_types_list(),
            )
        )
    stem, dot, extension = name.rpartition(".")
    claimed = KIND_BY_EXTENSION.get(f".{extension.lower()}") if dot else None
    if claimed is not None and claimed.code != kind:
        raise _refuse(
            _(
                "“%(name)s” is a %(actual)s file, not the %(claimed)s its name says.",
                name=name,
                actual=KINDS[kind].label,
                claimed=claimed.label,
            )
        )
    if claimed is None:
        name = f"{name}{KINDS[kind].extensions[0]}"[-MAX_NAME:]
    return Upload(name, kind, data)


@dataclass(frozen=True)
class AttachmentRow:
    id: int
    filename: str
    kind: str
    label: str
    size: int
    created_at: datetime
    firm_id: int
    message_id: int | None


def _row(a: Attachment) -> AttachmentRow:
    return AttachmentRow(
        a.id,
        a.filename,
        a.kind,
        KINDS[a.kind].label,
        a.size,
        as_utc(a.created_at),
        a.firm_id,
        a.message_id,
    )


def _store(
    session: Session, storage: Storage, user: User, upload: Upload, message_id: int | None
) -> Attachment:
    key = new_key()
    storage.save(key, upload.data)
    attachment = Attachment(
        firm_id=user.firm_id,
        message_id=message_id,
        uploaded_by_id=user.id,
        storage_key=key,
        filename=upload.filename,
        kind=upload.kind,
        content_type=KINDS[upload.kind].content_type,
        size=len(upload.data),
    )
    session.add(attachment)
    try:
        session.commit()
    except Exception:
        session.rollback()
        storage.delete(key)
        raise
    return attachment


def _own_firm(user: User) -> int:
    if not user.is_firm_user or user.firm_id is None:
        raise _refuse(_("Describe your firm first; then you can add documents."))
    return user.firm_id


def add_profile_document(
    session: Session, user: User, storage: Storage, filename: str | None, data: bytes
) -> Attachment:
    firm_id = _own_firm(user)
    upload = check_upload(filename, data)
    count = session.scalar(
        select(func.count(Attachment.id)).where(
            Attachment.firm_id == firm_id, Attachment.message_id.is_(None)
        )
    )
    if count >= MAX_PER_FIRM:
        raise _refuse(
            _(
                "A profile holds at most %(num)s documents; remove one first.",
                num=MAX_PER_FIRM,
            )
        )
    return _store(session, storage, user, upload, None)


def attach_to_message(
    session: Session, user: User, storage: Storage, message_id: int, upload: Upload
) -> Attachment:
    """Store a checked file with a message the user's firm just sent."""
    message = session.get(Message, message_id)
    if message is None or message.sender_firm_id != _own_firm(user):
        raise NotFound(_("No such message."))
    return _store(session, storage, user, upload, message_id)


def profile_documents(session: Session, firm_id: int) -> list[AttachmentRow]:
    return [
        _row(a)
        for a in session.scalars(
            select(Attachment)
            .where(Attachment.firm_id == firm_id, Attachment.message_id.is_(None))
            .order_by(Attachment.created_at, Attachment.id)
        )
    ]


def files_by_message(session: Session, message_ids: list[int]) -> dict[int, list[AttachmentRow]]:
    """The files of the given messages, in one query."""
    found: dict[int, list[AttachmentRow]] = {}
    if not message_ids:
        return found
    for a in session.scalars(
        select(Attachment).where(Attachment.message_id.in_(message_ids)).order_by(Attachment.id)
    ):
        found.setdefault(a.message_id, []).append(_row(a))
    return found


def _visible(session: Session, user: User, attachment_id: int) -> Attachment:
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound(_("No such file."))
    if attachment.message_id is None:
        return attachment  # a profile document: every signed-in user
    firm_id = user.firm_id if user.is_firm_user else None
    proposal = session.scalar(
        select(Proposal)
        .join(Thread, Thread.proposal_id == Proposal.id)
        .join(Message, Message.thread_id == Thread.id)
        .where(Message.id == attachment.message_id)
    )
    if firm_id is None or proposal is None or not proposal.involves(firm_id):
        raise NotFound(_("No such file."))
    return attachment


@dataclass(frozen=True)
class Download:
    filename: str
    content_type: str
    size: int
    key: str


def download(session: Session, user: User, attachment_id: int) -> Download:
    a = _visible(session, user, attachment_id)
    return Download(a.filename, a.content_type, a.size, a.storage_key)


def remove(session: Session, user: User, storage: Storage, attachment_id: int) -> AttachmentRow:
    """Remove a file of the user's own firm (another firm's: NotFound, as if absent)."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None or not user.is_firm_user or attachment.firm_id != user.firm_id:
        raise NotFound(_("No such file."))
    row, key = _row(attachment), attachment.storage_key
    session.delete(attachment)
    session.commit()
    try:
        storage.delete(key)
    except OSError:
        log.exception("could not delete the stored file %s", key)
    return row
