"""Staff's files in the browser: the audit trail filtered and downloaded (CSV, XLSX, formulas
defused), proposals and firms downloads, and the firms import (dry run, then all or nothing)."""

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from matchmaker.models import AuditEntry, Firm
from tests.helpers import csrf_token, decide, firm_record


def xlsx_rows(data: bytes) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


@pytest.fixture
def decided(client, auth, world, make_user, db_session):
    """Two officers' decisions, one of them a day older, one note a formula."""
    make_user("second@example.com", role="staff")
    auth.login("staff@example.com")
    decide(client, world.proposal_id, "approve", '=HYPERLINK("http://evil.example")')
    auth.logout()
    auth.login("second@example.com")
    decide(client, world.other_proposal_id, "reject", "weak")
    older = db_session.scalar(select(AuditEntry).where(AuditEntry.note == "weak"))
    older.created_at = datetime.now(UTC) - timedelta(days=3)
    db_session.commit()
    return world


def test_the_audit_trail_is_filtered_by_officer_date_and_firm(client, decided, db_session):
    second = db_session.scalar(select(AuditEntry.actor_id).where(AuditEntry.note == "weak"))
    html = client.get(f"/review/audit?officer={second}").get_data(as_text=True)
    assert "1 entry." in html and "weak" in html and "HYPERLINK" not in html
    today = datetime.now(UTC).date().isoformat()
    html = client.get(f"/review/audit?from={today}").get_data(as_text=True)
    assert "1 entry." in html and "HYPERLINK" in html
    old = (datetime.now(UTC) - timedelta(days=3)).date().isoformat()
    html = client.get(f"/review/audit?from={old}&to={old}").get_data(as_text=True)
    assert "1 entry." in html and "weak" in html
    assert "1 entry." in client.get("/review/audit?firm=other").get_data(as_text=True)
    assert "2 entries." in client.get("/review/audit?firm=neman").get_data(as_text=True)
    html = client.get("/review/audit?firm=nobody&from=bad-date").get_data(as_text=True)
    assert "No entry matches these filters." in html
    # The download links carry the filters.
    html = client.get("/review/audit?firm=other").get_data(as_text=True)
    assert 'href="/review/audit/download.xlsx?firm=other"' in html


def test_audit_downloads_give_the_same_rows_in_csv_and_xlsx_formulas_defused(client, decided):
    response = client.get("/review/audit/download.csv?firm=neman")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith('attachment; filename="audit-trail')
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    from_csv = csv_rows(response.data)
    response = client.get("/review/audit/download.xlsx?firm=neman")
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    from_xlsx = xlsx_rows(response.data)
    assert from_csv == from_xlsx
    assert from_csv[0][:3] == ["decided_at", "officer", "action"]
    assert len(from_csv) == 3
    notes = [row[-1] for row in from_csv[1:]]
    assert "weak" in notes and '\'=HYPERLINK("http://evil.example")' in notes
    book = load_workbook(io.BytesIO(response.data))
    cells = [c for row in book.worksheets[0].iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)  # no formula anywhere
    one = csv_rows(client.get("/review/audit/download.csv?officer=999").data)
    assert len(one) == 1  # the header alone
    assert client.get("/review/audit/download.pdf").status_code == 404


def test_proposals_and_firms_download_and_only_for_staff(client, auth, world, db_session):
    auth.login("staff@example.com")
    rows = xlsx_rows(client.get("/review/proposals/download.xlsx").data)
    assert rows[0] == ["firm", "partner", "rank", "score", "status", "reasons"]
    assert ["BY-1", "PK-1", "1", "0.8", "proposed"] == rows[1][:5]
    assert csv_rows(client.get("/review/proposals/download.csv").data) == rows
    firms = csv_rows(client.get("/review/firms/download.csv").data)
    assert firms[0][0] == "ref" and len(firms) == 4
    assert xlsx_rows(client.get("/review/firms/download.xlsx").data)[0] == firms[0]
    auth.logout()
    auth.login("pk@example.com")
    for path in (
        "/review/audit/download.csv",
        "/review/proposals/download.xlsx",
        "/review/firms/download.csv",
        "/review/import",
    ):
        assert client.get(path).status_code == 403


def upload(client, name: str, data: bytes):
    token = csrf_token(client, "/review/import")
    return client.post(
        "/review/import",
        data={"csrf_token": token, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def jsonl(*records) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def firm_count(db_session) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count(Firm.id)))


def run_import(client, html: str):
    action = html.split('action="/review/import/', 1)[1].split('"', 1)[0]
    token = csrf_token(client, "/review/import")
    return client.post(f"/review/import/{action}", data={"csrf_token": token})


def test_a_good_file_is_checked_then_imported(client, auth, world, db_session):
    auth.login("staff@example.com")
    data = jsonl(firm_record(ref="PK-NEW-1"), firm_record(ref="PK-NEW-2", name="Second"))
    response = upload(client, "firms.jsonl", data)
    checked = response.get_data(as_text=True)
    assert "2 firms checked, no problem found." in checked
    assert firm_count(db_session) == 3  # a dry run writes nothing
    response = run_import(client, checked)
    assert response.status_code == 302
    assert firm_count(db_session) == 5
    html = client.get("/review/import").get_data(as_text=True)
    assert "Imported: 2 created, 0 updated, 0 unchanged." in html
    # The staged file is gone: sending the same import again is a 404.
    assert run_import(client, checked).status_code == 404


def test_an_xlsx_with_a_bad_row_shows_its_line_and_writes_nothing(client, auth, world, db_session):
    auth.login("staff@example.com")
    header = ["ref", "name", "country", "sectors", "offers", "seeks", "employees"]
    good = ["PK-X-1", "Good Firm", "PK", "tractors", "Assembly hall.", "CKD kits.", 40]
    bad = ["PK-X-2", "Bad Firm", "XX", "tractors", "Assembly hall.", "CKD kits.", 12]
    response = upload(client, "firms.xlsx", xlsx([header, good, bad]))
    html = response.get_data(as_text=True)
    assert "1 problem: nothing was written." in html
    assert "line 3: country:" in html
    assert 'action="/review/import/' not in html  # no import button
    assert firm_count(db_session) == 3


def test_a_csv_with_a_bad_row_is_refused_line_numbered(client, auth, world, db_session):
    auth.login("staff@example.com")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["ref", "name", "country", "sectors", "offers", "seeks"])
    writer.writerow(["PK-C-1", "Firm", "PK", "tractors;agri-machinery", "Hall.", "Kits."])
    writer.writerow(["PK-C-2", "", "PK", "nosuchsector", "Hall.", "Kits."])
    html = upload(client, "firms.csv", out.getvalue().encode()).get_data(as_text=True)
    assert "line 3: name:" in html and "line 3: sectors:" in html
    assert firm_count(db_session) == 3


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("firms.xlsx", b"ref,name\nPK-1,x\n", "not an Excel workbook"),
        ("firms.csv", b"<!DOCTYPE html><html><body>hi</body></html>", "a web page"),
        ("firms.jsonl", b"%PDF-1.4 \x00\x01binary", "not text"),
        ("firms.csv", "ref,name\nPK-1,é\n".encode("latin-1"), "not UTF-8"),
        ("firms.jsonl", b"ref,name\n", "one JSON object a line"),
        ("firms.pdf", b"%PDF-1.4", "Upload a .jsonl, .csv or .xlsx file."),
        ("firms.csv", b"   \n", "The file is empty."),
    ],
)
def test_uploads_are_checked_by_content(client, auth, world, db_session, name, data, message):
    auth.login("staff@example.com")
    response = upload(client, name, data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert firm_count(db_session) == 3


def test_an_oversize_upload_and_a_path_in_the_name(client, auth, world, db_session, monkeypatch):
    from matchmaker.review import files

    auth.login("staff@example.com")
    monkeypatch.setattr(files, "IMPORT_MAX_BYTES", 100)
    response = upload(client, "firms.jsonl", jsonl(firm_record(ref="PK-BIG")))
    assert response.status_code == 413
    assert "larger than" in response.get_data(as_text=True)
    monkeypatch.setattr(files, "IMPORT_MAX_BYTES", 16 * 1024 * 1024)
    html = upload(client, "../../etc/firms.jsonl", jsonl(firm_record(ref="PK-P"))).get_data(
        as_text=True
    )
    assert "Dry run of firms.jsonl" in html
    assert "../" not in html.split("Dry run of", 1)[1].split("</h2>", 1)[0]
    assert client.post(
        "/review/import/../../secret_key.csv",
        data={"csrf_token": csrf_token(client, "/review/import")},
    ).status_code in (404, 405)
    assert (
        client.post(
            "/review/import/" + "a" * 30 + ".csv",
            data={"csrf_token": csrf_token(client, "/review/import")},
        ).status_code
        == 404
    )


def test_a_large_import_runs_in_the_worker_with_progress(
    redis_app, client, auth, world, db_session, monkeypatch
):
    from rq import SimpleWorker

    from matchmaker import jobs
    from matchmaker.review import files

    monkeypatch.setattr(files, "IMPORT_INLINE_LIMIT", 2)
    auth.login("staff@example.com")
    data = jsonl(*(firm_record(ref=f"PK-J-{n}", name=f"Job firm {n}") for n in range(5)))
    html = upload(client, "big.jsonl", data).get_data(as_text=True)
    response = run_import(client, html)
    assert response.status_code == 302
    status = response.headers["Location"]
    assert status.startswith("/review/import/")
    assert firm_count(db_session) == 3  # queued, not done in the request
    assert "waiting for the worker" in client.get(status).get_data(as_text=True)
    with redis_app.app_context():
        queue = jobs.queue()
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
    assert firm_count(db_session) == 8
    html = client.get(status).get_data(as_text=True)
    assert "Imported: 5 created, 0 updated, 0 unchanged." in html
