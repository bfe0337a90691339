from pathlib import Path

import pytest
from sqlalchemy import select

from matchmaker.models import AuditEntry, Thread
from matchmaker.services import proposals
from tests.helpers import csrf_token, decide
from tests.helpers import reload_proposal as proposal


def test_staff_approve_with_a_note_opens_a_thread_and_audits(client, auth, world, db_session, app):
    auth.login("staff@example.com")
    response = decide(client, world.proposal_id, "approve", "Good fit for Punjab")
    assert response.status_code == 302
    p = proposal(db_session, world.proposal_id)
    assert (p.status, p.note, p.version) == ("approved", "Good fit for Punjab", 2)
    assert p.decided_by.email == "staff@example.com"
    assert db_session.scalar(select(Thread).where(Thread.proposal_id == p.id)) is not None
    entry = db_session.scalar(select(AuditEntry))
    assert (entry.action, entry.from_status, entry.to_status) == ("decide", "proposed", "approved")
    assert entry.actor.email == "staff@example.com"
    outbox = list(Path(app.config["MAIL_FILE_PATH"]).glob("*.log"))
    mails = "".join(f.read_text() for f in outbox)
    assert "To: pk@example.com" in mails and "To: by@example.com" in mails
    assert "http://matchmaker.test/matches" in mails


def test_a_changed_decision_is_audited_with_its_reason(client, auth, world, db_session):
    auth.login("staff@example.com")
    decide(client, world.proposal_id, "approve")
    decide(client, world.proposal_id, "reject", "Capacity too small", reject_reason="capacity")
    entries = db_session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.to_status) for e in entries] == [
        ("decide", "approved"),
        ("redecide", "rejected"),
    ]
    assert entries[1].note == "[One side lacks the capacity] Capacity too small"
    # The forms show the stored reason chosen, the others not, in the queue and on the detail.
    for path in ("/review?status=rejected", f"/review/{world.proposal_id}"):
        html = client.get(path).get_data(as_text=True)
        assert '<option value="capacity" selected>One side lacks the capacity</option>' in html
        assert '<option value="sector">Sectors do not really fit</option>' in html


def test_a_stale_version_gets_409_and_writes_nothing(client, auth, world, db_session):
    auth.login("staff@example.com")
    assert decide(client, world.proposal_id, "approve", version="1").status_code == 302
    response = decide(client, world.proposal_id, "reject", "late", version="1")
    assert response.status_code == 409
    assert "Another officer changed this proposal" in response.get_data(as_text=True)
    p = proposal(db_session, world.proposal_id)
    assert (p.status, p.version) == ("approved", 2)
    assert len(db_session.scalars(select(AuditEntry)).all()) == 1


def test_a_decision_without_version_simply_decides(client, auth, world, db_session):
    auth.login("staff@example.com")
    decide(client, world.proposal_id, "approve", version="1")
    assert decide(client, world.proposal_id, "reject").status_code == 302
    assert proposal(db_session, world.proposal_id).status == "rejected"


def test_bad_decisions_are_400_and_missing_proposals_404(client, auth, world):
    auth.login("staff@example.com")
    assert decide(client, world.proposal_id, "maybe").status_code == 400
    assert decide(client, 999999, "approve").status_code == 404
    response = client.post(f"/review/{world.proposal_id}", data={"decision": "approve"})
    assert response.status_code == 400  # no CSRF token


def test_bulk_approve(client, auth, world, db_session):
    auth.login("staff@example.com")
    token = csrf_token(client, "/review")
    response = client.post(
        "/review/bulk",
        data={
            "ids": [str(world.proposal_id), str(world.other_proposal_id)],
            "decision": "approve",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    assert proposal(db_session, world.proposal_id).status == "approved"
    assert proposal(db_session, world.other_proposal_id).status == "approved"


def test_queue_filters_sorts_and_shows_reasons(client, auth, world):
    auth.login("staff@example.com")
    html = client.get("/review").get_data(as_text=True)
    assert "Both work in Tractors and tractor assembly." in html
    assert html.index("Indus Assemblers") < html.index("Other Firm")  # best score first
    html = client.get("/review?sort=score_asc").get_data(as_text=True)
    assert html.index("Other Firm") < html.index("Indus Assemblers")
    assert "Other Firm" not in client.get("/review?min_score=0.5").get_data(as_text=True)
    assert "1 proposal." in client.get("/review?q=other").get_data(as_text=True)
    assert "0 proposals." in client.get("/review?status=approved").get_data(as_text=True)
    assert client.get("/review?min_score=abc&page=xyz").status_code == 200


@pytest.mark.parametrize("listed", [500, 0])  # the firms found first, or by a subquery
def test_queue_search_finds_proposals_by_either_firm(client, auth, world, monkeypatch, listed):
    monkeypatch.setattr(proposals, "SEARCH_FIRMS_LISTED", listed)
    auth.login("staff@example.com")

    def found(q: str) -> str:
        html = client.get("/review", query_string={"q": q}).get_data(as_text=True)
        return html.split('<p class="count">', 1)[1].split("</p>", 1)[0]

    assert found("neman") == "2 proposals."  # the Belarusian side of both
    assert found("INDUS") == "1 proposal."  # the Pakistani side of one, any case
    assert found("PK-2") == "1 proposal."  # a firm's reference, exactly
    assert found("nobody") == "0 proposals."
    assert found("%") == "0 proposals."  # LIKE's wildcards are plain characters
    html = client.get("/review?q=indus&status=all").get_data(as_text=True)
    assert "Indus Assemblers" in html and "Other Firm" not in html


def test_detail_shows_both_profiles_and_history(client, auth, world):
    auth.login("staff@example.com")
    decide(client, world.proposal_id, "approve", "noted")
    html = client.get(f"/review/{world.proposal_id}").get_data(as_text=True)
    assert "Indus Assemblers" in html and "Neman Tractors" in html
    assert "proposed → approved" in html


def test_audit_page_dashboard_and_csv_export(client, auth, world, runner):
    auth.login("staff@example.com")
    decide(client, world.proposal_id, "approve", '=HYPERLINK("http://evil.example")')
    assert "=HYPERLINK" in client.get("/review/audit").get_data(as_text=True).replace("&#34;", '"')
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Introduction funnel" in html and "<svg" in html
    result = runner.invoke(args=["review", "export"])
    assert result.exit_code == 0
    header, row = result.output.splitlines()[:2]
    assert header.startswith("decided_at,officer,action")
    assert "staff@example.com" in row
    assert "'=HYPERLINK" in row  # a formula is defused for spreadsheets


def test_firm_users_cannot_review(client, auth, world, db_session):
    auth.login("pk@example.com")
    assert client.get("/review").status_code == 403
    assert client.get("/dashboard").status_code == 403
    assert client.get("/review/audit").status_code == 403
    assert decide(client, world.proposal_id, "approve").status_code == 403
    assert proposal(db_session, world.proposal_id).status == "proposed"
