"""Attachments: profile documents and message files, checked by content and served only to
those allowed, and the attacks on them: a file of another type under a `.pdf` name, an
oversize file, a path in the file name, another firm's attachment URL."""

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from matchmaker.models import Attachment, Message, Thread
from matchmaker.services import attachments, review
from matchmaker.services.accounts import find_user
from tests.helpers import AuthActions, csrf_token

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
HTML = b"<!doctype html><script>alert(document.cookie)</script>"


def ooxml(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


XLSX, DOCX = ooxml("xl/workbook.xml"), ooxml("word/document.xml")


def stored_files(app) -> list[Path]:
    root = Path(app.config["ATTACHMENT_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(client, data: bytes, name: str, firm_id: int):
    token = csrf_token(client, f"/firms/{firm_id}")
    return client.post(
        "/firm/documents",
        data={"csrf_token": token, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


@pytest.fixture
def pk_client(client, auth, world):
    auth.login("pk@example.com")
    return client


def other_client(app, email: str):
    browser = app.test_client()
    AuthActions(browser).login(email)
    return browser


@pytest.mark.parametrize(
    ("data", "kind"),
    [(PDF, "pdf"), (PNG, "png"), (JPEG, "jpeg"), (XLSX, "xlsx"), (DOCX, "docx"), (HTML, None)],
)
def test_the_type_comes_from_the_content(data, kind):
    assert attachments.sniff(data) == kind


def test_a_zip_without_office_parts_is_no_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<x/>")  # no [Content_Types].xml
    assert attachments.sniff(buffer.getvalue()) is None
    assert attachments.sniff(b"PK\x03\x04 broken") is None


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.pdf", "..\\..\\boot.ini.pdf", "C:\\x.pdf", ".."]
)
def test_a_path_in_a_file_name_is_refused(name):
    # (werkzeug's form parser already drops backslashes from an uploaded name; checked here too)
    with pytest.raises(attachments.ValidationFailed, match="may not contain a path"):
        attachments.check_upload(name, PDF)


def test_a_profile_document_is_listed_and_downloaded_by_signed_in_users(
    app, pk_client, world, db_session
):
    page = upload(pk_client, PDF, "Catalogue 2026.pdf", world.pk.id).get_data(as_text=True)
    assert "“Catalogue 2026.pdf” is added to your profile." in page
    assert "Catalogue 2026.pdf" in page and "PDF" in page and "1 KB" in page
    document = db_session.scalar(select(Attachment))
    assert document.storage_key not in "Catalogue 2026.pdf"
    [path] = stored_files(app)
    assert path.name == document.storage_key and path.read_bytes() == PDF
    for email in ("by@example.com", "staff@example.com"):
        response = other_client(app, email).get(f"/files/{document.id}")
        assert response.status_code == 200
        assert response.data == PDF
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert 'filename="Catalogue 2026.pdf"' in response.headers["Content-Disposition"]
    signed_out = app.test_client().get(f"/files/{document.id}")
    assert signed_out.status_code == 302 and "/auth/login" in signed_out.headers["Location"]


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (HTML, "price list.pdf", "is not a PDF, PNG, JPEG, XLSX, DOCX file"),
        (PNG, "certificate.pdf", "is a PNG file, not the PDF its name says"),
        (b"%PDF" + b"x" * attachments.MAX_SIZE, "big.pdf", "a file may be at most 10 MB"),
        (PDF, "../../etc/passwd.pdf", "may not contain a path"),
        (PDF, "bad\x07name.pdf", "control characters"),
        (b"", "empty.pdf", "is empty"),
    ],
)
def test_a_bad_file_is_refused_with_a_reason_and_nothing_stored(
    app, pk_client, world, db_session, data, name, reason
):
    response = upload(pk_client, data, name, world.pk.id)
    page = response.get_data(as_text=True)
    assert "Nothing was added:" in page, page
    assert reason in page
    assert db_session.scalar(select(Attachment)) is None
    assert stored_files(app) == []


def test_a_name_without_a_known_extension_gets_the_contents(app, pk_client, world, db_session):
    upload(pk_client, XLSX, "prices", world.pk.id)
    upload(pk_client, DOCX, "Сертификат ISO.docx", world.pk.id)
    rows = db_session.scalars(select(Attachment).order_by(Attachment.id)).all()
    assert [(r.filename, r.kind) for r in rows] == [
        ("prices.xlsx", "xlsx"),
        ("Сертификат ISO.docx", "docx"),
    ]
    response = pk_client.get(f"/files/{rows[1].id}")
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''%D0%A1%D0%B5%D1%80" in disposition  # the Cyrillic name, encoded


def test_a_profile_holds_at_most_ten_documents(app, pk_client, world, db_session):
    for n in range(10):
        upload(pk_client, PDF, f"doc {n}.pdf", world.pk.id)
    page = upload(pk_client, PDF, "eleventh.pdf", world.pk.id).get_data(as_text=True)
    assert "at most 10 documents" in page
    assert len(db_session.scalars(select(Attachment)).all()) == 10


def test_only_the_owning_firm_removes_a_document(app, pk_client, world, db_session):
    upload(pk_client, PDF, "catalogue.pdf", world.pk.id)
    document = db_session.scalar(select(Attachment))
    intruder = other_client(app, "by@example.com")
    token = csrf_token(intruder, "/firms")
    assert intruder.post(
        f"/files/{document.id}/delete", data={"csrf_token": token}
    ).status_code == (404)
    assert len(stored_files(app)) == 1
    token = csrf_token(pk_client, "/firms")
    response = pk_client.post(f"/files/{document.id}/delete", data={"csrf_token": token})
    assert response.status_code == 302
    assert db_session.scalar(select(Attachment)) is None
    assert stored_files(app) == []
    assert pk_client.get(f"/files/{document.id}").status_code == 404


@pytest.fixture
def thread_id(app, world, db_session):
    with app.test_request_context():
        review.decide(
            db_session, find_user(db_session, "staff@example.com"), world.proposal_id, "approve"
        )
    return db_session.scalar(select(Thread.id))


def send(client, thread_id: int, body: str, data: bytes | None = None, name: str = "offer.pdf"):
    form = {"csrf_token": csrf_token(client, f"/messages/{thread_id}"), "body": body}
    if data is not None:
        form["file"] = (io.BytesIO(data), name)
    return client.post(f"/messages/{thread_id}", data=form, content_type="multipart/form-data")


def test_a_message_file_reaches_the_partner_and_no_one_else(
    app, pk_client, world, thread_id, db_session
):
    assert send(pk_client, thread_id, "Our offer, attached.", PDF).status_code == 302
    attachment = db_session.scalar(select(Attachment))
    assert attachment.message_id is not None
    partner = other_client(app, "by@example.com")
    page = partner.get(f"/messages/{thread_id}").get_data(as_text=True)
    assert "offer.pdf" in page and f"/files/{attachment.id}" in page
    response = partner.get(f"/files/{attachment.id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # Another firm, and staff: as if the file did not exist.
    for email in ("other@example.com", "staff@example.com"):
        assert other_client(app, email).get(f"/files/{attachment.id}").status_code == 404
    assert pk_client.get(f"/files/{attachment.id + 1}").status_code == 404


def test_a_refused_message_file_sends_nothing(app, pk_client, world, thread_id, db_session):
    response = send(pk_client, thread_id, "Here is our catalogue", HTML, "catalogue.pdf")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "is not a PDF, PNG, JPEG, XLSX, DOCX file" in page
    assert "Here is our catalogue" in page  # what was typed is kept
    assert db_session.scalar(select(Message)) is None
    assert db_session.scalar(select(Attachment)) is None
    assert stored_files(app) == []
