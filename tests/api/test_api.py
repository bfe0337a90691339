"""The JSON API: tokens, permissions, validation and the OpenAPI document."""

import pytest
from sqlalchemy import select

from matchmaker.models import ApiToken, Message, Thread
from matchmaker.services import tokens
from matchmaker.services.accounts import find_user


@pytest.fixture
def token_for(app, db_session):
    def make(email: str) -> dict[str, str]:
        from matchmaker.services.accounts import find_user

        user = find_user(db_session, email)
        _, plain = tokens.create_token(db_session, user, "test")
        return {"Authorization": f"Bearer {plain}"}

    return make


def test_every_call_needs_a_valid_token(client, world, token_for, db_session):
    assert client.get("/api/v1/me").status_code == 401
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer mm_nope"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.get_json()["error"]["code"] == "unauthorized"
    headers = token_for("pk@example.com")
    assert client.get("/api/v1/me", headers=headers).get_json()["email"] == "pk@example.com"
    token = db_session.scalar(select(ApiToken))
    assert headers["Authorization"].split()[1] not in token.token_hash  # stored hashed
    token.revoked_at = token.created_at
    db_session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_a_token_s_use_is_noted_and_a_disabled_account_s_token_refused(
    client, world, token_for, db_session
):
    headers = token_for("pk@example.com")
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    db_session.expire_all()
    token = db_session.scalar(select(ApiToken))
    first_use = token.last_used_at
    assert first_use is not None
    assert client.get("/api/v1/proposals", headers=headers).status_code == 200
    db_session.expire_all()
    assert db_session.scalar(select(ApiToken)).last_used_at == first_use  # not on every call
    user = find_user(db_session, "pk@example.com")
    user.active = False
    db_session.commit()
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_session_cookies_do_not_authenticate_the_api(client, auth, world):
    auth.login("pk@example.com")
    assert client.get("/api/v1/me").status_code == 401


def test_users_token_command_prints_the_token_alone(runner, world, client):
    result = runner.invoke(args=["users", "token", "pk@example.com"])
    assert result.exit_code == 0
    plain = result.output.strip()
    assert plain.startswith("mm_") and "\n" not in plain
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).get_json()
    assert me["email"] == "pk@example.com"
    assert runner.invoke(args=["users", "token", "nobody@example.com"]).exit_code == 1


def test_account_page_creates_shows_once_and_revokes_tokens(client, auth, world, db_session):
    from tests.helpers import csrf_token

    auth.login("pk@example.com")
    page = client.post(
        "/auth/account/tokens",
        data={"name": "ERP", "csrf_token": csrf_token(client, "/auth/account")},
    )
    html = page.get_data(as_text=True)
    assert "shown only once" in html
    token = db_session.scalar(select(ApiToken))
    assert token.name == "ERP"
    assert "shown only once" not in client.get("/auth/account").get_data(as_text=True)
    client.post(
        f"/auth/account/tokens/{token.id}/revoke",
        data={"csrf_token": csrf_token(client, "/auth/account")},
    )
    db_session.expire_all()
    assert db_session.get(ApiToken, token.id).revoked_at is not None


def test_reference_lists_are_the_contract_taxonomy(client, world, token_for):
    from matchmaker.services.reference import COOPERATION_TYPES, SECTORS

    headers = token_for("pk@example.com")
    sectors = client.get("/api/v1/sectors", headers=headers)
    assert sectors.status_code == 200
    assert [row["code"] for row in sectors.get_json()] == [entry.code for entry in SECTORS]
    tractors = next(row for row in sectors.get_json() if row["code"] == "tractors")
    assert tractors["isic"] and all(code.isdigit() for code in tractors["isic"])
    types = client.get("/api/v1/cooperation-types", headers=headers)
    assert types.status_code == 200
    assert [row["code"] for row in types.get_json()] == [e.code for e in COOPERATION_TYPES]


def test_firm_directory_and_contact_privacy(client, world, token_for):
    headers = token_for("other@example.com")
    page = client.get("/api/v1/firms?country=BY&per_page=5", headers=headers).get_json()
    assert page["total"] == 1 and page["items"][0]["name"] == "Neman Tractors"
    assert page["items"][0]["contact_email"] is None  # not introduced
    staff = token_for("staff@example.com")
    firm = client.get(f"/api/v1/firms/{world.by.id}", headers=staff).get_json()
    assert firm["contact_email"] == "sales@neman.example"
    assert client.get("/api/v1/firms/999999", headers=headers).status_code == 404


def test_the_directory_list_shows_contacts_of_introduced_firms_only(
    client, auth, world, token_for, make_firm
):
    from tests.helpers import decide

    make_firm(ref="BY-OTHER", name="Other Belarus Works", country="BY")
    headers = token_for("pk@example.com")

    def contacts() -> dict[str, str | None]:
        page = client.get("/api/v1/firms?country=BY", headers=headers).get_json()
        return {firm["name"]: firm["contact_email"] for firm in page["items"]}

    assert set(contacts().values()) == {None}
    auth.login("staff@example.com")
    decide(client, world.proposal_id, "approve", note="introduce them")
    after = contacts()
    assert after["Neman Tractors"] == "sales@neman.example"
    assert after["Other Belarus Works"] is None


def test_a_firm_updates_only_its_own_firm(client, world, token_for):
    headers = token_for("pk@example.com")
    body = {
        "name": "Indus Assemblers 2",
        "country": "PK",
        "sectors": ["tractors"],
        "offers": "Assembly hall",
        "seeks": "CKD kits",
        "offer_types": ["assembly"],
    }
    response = client.put(f"/api/v1/firms/{world.pk.id}", json=body, headers=headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["name"] == "Indus Assemblers 2"
    assert client.put(f"/api/v1/firms/{world.by.id}", json=body, headers=headers).status_code == 403
    assert client.post("/api/v1/firms", json=body, headers=headers).status_code == 409


def test_a_new_firm_account_creates_its_firm(client, world, make_user, token_for):
    make_user("new@example.com")
    headers = token_for("new@example.com")
    body = {
        "name": "Новая фирма",
        "country": "BY",
        "sectors": ["textiles"],
        "offers": "Ткани",
        "seeks": "Хлопок",
    }
    response = client.post("/api/v1/firms", json=body, headers=headers)
    assert response.status_code == 201
    assert response.get_json()["ref"].startswith("BY-")
    assert response.get_json()["name"] == "Новая фирма"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"name": "x"}, "country"),
        (
            {
                "name": "x",
                "country": "PK",
                "sectors": ["tractors"],
                "offers": "a",
                "seeks": "b",
                "role": "admin",
            },
            "role",
        ),
        (
            {
                "name": "x" * 201,
                "country": "PK",
                "sectors": ["tractors"],
                "offers": "a",
                "seeks": "b",
            },
            "name",
        ),
        (
            {
                "name": "x",
                "country": "PK",
                "sectors": ["tractors"],
                "offers": "a",
                "seeks": "b",
                "employees": 2**63,
            },
            "employees",
        ),
        (
            {
                "name": "x",
                "country": "PK",
                "sectors": ["tractors"],
                "offers": "a",
                "seeks": "b",
                "employees": "12",
            },
            "employees",
        ),
        (
            {"name": "x", "country": "PK", "sectors": ["spaceships"], "offers": "a", "seeks": "b"},
            "sectors",
        ),
        (
            {
                "name": "x",
                "country": "PK",
                "sectors": ["tractors"],
                "offers": "a",
                "seeks": "b",
                "website": "javascript:alert(1)",
            },
            "website",
        ),
        (
            {
                "name": "nul\x00",
                "country": "PK",
                "sectors": ["tractors"],
                "offers": "a",
                "seeks": "b",
            },
            "name",
        ),
    ],
)
def test_bad_firm_input_is_a_4xx_naming_the_field(client, world, token_for, body, fragment):
    response = client.put(
        f"/api/v1/firms/{world.pk.id}", json=body, headers=token_for("pk@example.com")
    )
    assert 400 <= response.status_code < 500
    assert fragment in response.get_json()["error"]["message"]


def test_malformed_json_and_pagination_are_4xx(client, world, token_for):
    headers = {**token_for("pk@example.com"), "Content-Type": "application/json"}
    assert client.put(
        f"/api/v1/firms/{world.pk.id}", data="{not json", headers=headers
    ).status_code in (400, 422)
    for query in ("page=0", "page=abc", "per_page=1000", "page=99999999999999999999", "country=XX"):
        assert client.get(f"/api/v1/firms?{query}", headers=headers).status_code == 422
    assert client.get("/api/v1/firms/99999999999999999999", headers=headers).status_code == 404


def test_proposals_firms_see_approved_staff_decide(client, world, token_for):
    firm, staff = token_for("pk@example.com"), token_for("staff@example.com")
    assert client.get("/api/v1/proposals", headers=firm).get_json()["total"] == 0
    assert client.get(f"/api/v1/proposals/{world.proposal_id}", headers=firm).status_code == 404
    forbidden = client.post(
        f"/api/v1/proposals/{world.proposal_id}/decision",
        json={"decision": "approve"},
        headers=firm,
    )
    assert forbidden.status_code == 403
    decided = client.post(
        f"/api/v1/proposals/{world.proposal_id}/decision",
        json={"decision": "approve", "note": "ok", "version": 1},
        headers=staff,
    )
    assert decided.status_code == 200 and decided.get_json()["status"] == "approved"
    stale = client.post(
        f"/api/v1/proposals/{world.proposal_id}/decision",
        json={"decision": "reject", "version": 1},
        headers=staff,
    )
    assert stale.status_code == 409
    listed = client.get("/api/v1/proposals", headers=firm).get_json()
    assert listed["total"] == 1 and listed["items"][0]["note"] is None  # EDB's note is internal
    assert client.get("/api/v1/proposals?status=proposed", headers=staff).get_json()["total"] == 1


def test_threads_and_messages_only_for_the_two_firms(client, world, token_for, db_session):
    staff = token_for("staff@example.com")
    client.post(
        f"/api/v1/proposals/{world.proposal_id}/decision",
        json={"decision": "approve"},
        headers=staff,
    )
    thread_id = db_session.scalar(select(Thread.id))
    pk, by, other = (
        token_for("pk@example.com"),
        token_for("by@example.com"),
        token_for("other@example.com"),
    )
    sent = client.post(
        f"/api/v1/threads/{thread_id}/messages", json={"body": "Привет — سلام"}, headers=pk
    )
    assert sent.status_code == 201 and sent.get_json()["body"] == "Привет — سلام"
    assert client.get("/api/v1/threads", headers=by).get_json()[0]["unread"] == 1
    page = client.get(f"/api/v1/threads/{thread_id}/messages", headers=by).get_json()
    assert [m["body"] for m in page["items"]] == ["Привет — سلام"]
    assert client.get(f"/api/v1/threads/{thread_id}/messages", headers=other).status_code == 404
    assert (
        client.post(
            f"/api/v1/threads/{thread_id}/messages", json={"body": "x"}, headers=other
        ).status_code
        == 404
    )
    assert client.get("/api/v1/threads", headers=staff).status_code == 403
    assert (
        client.post(
            f"/api/v1/threads/{thread_id}/messages", json={"body": ""}, headers=pk
        ).status_code
        == 422
    )
    assert (
        client.post(
            f"/api/v1/threads/{thread_id}/messages", json={"body": "x" * 5001}, headers=pk
        ).status_code
        == 422
    )
    assert db_session.scalar(select(Message.body)) == "Привет — سلام"


def test_openapi_document_describes_every_operation(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    operations = [
        (p, m) for p, ops in spec["paths"].items() for m in ops if m in ("get", "post", "put")
    ]
    assert len(operations) >= 12
    for path, method in operations:
        responses = spec["paths"][path][method]["responses"]
        assert "401" in responses, (path, method)
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    html = client.get("/api/v1/docs").get_data(as_text=True)
    assert "POST /api/v1/proposals/{proposal_id}/decision" in html
    assert "cdn" not in html.lower()


def test_list_totals_say_when_they_are_capped(client, world, token_for, monkeypatch):
    from matchmaker.services import pages

    headers = token_for("other@example.com")
    page = client.get("/api/v1/firms", headers=headers).get_json()
    assert page["total_is_capped"] is False and page["total"] >= 2
    monkeypatch.setattr(pages, "COUNT_CAP", 1)
    page = client.get("/api/v1/firms", headers=headers).get_json()
    assert page["total_is_capped"] is True and page["total"] == 2


def test_a_withdrawn_thread_is_listed_read_only(client, world, token_for, db_session):
    staff = token_for("staff@example.com")
    url = f"/api/v1/proposals/{world.proposal_id}/decision"
    client.post(url, json={"decision": "approve"}, headers=staff)
    thread_id = db_session.scalar(select(Thread.id))
    pk = token_for("pk@example.com")
    assert client.get("/api/v1/threads", headers=pk).get_json()[0]["state"] == "open"
    client.post(url, json={"decision": "reject"}, headers=staff)
    assert client.get("/api/v1/threads", headers=pk).get_json()[0]["state"] == "withdrawn"
    assert client.get(f"/api/v1/threads/{thread_id}/messages", headers=pk).status_code == 200
    sent = client.post(f"/api/v1/threads/{thread_id}/messages", json={"body": "x"}, headers=pk)
    assert sent.status_code == 409


def test_list_totals_after_decisions_come_from_the_kept_counts(
    client, world, token_for, make_firm, db_session
):
    """Totals past a full first page are the per-status counts the database keeps: right after
    every decision, a re-decision, a proposal added and one deleted (the API and the queue)."""
    from sqlalchemy import delete, func, select

    from matchmaker.models import Proposal, ProposalCount, ProposalStatus, User
    from matchmaker.services import proposals
    from matchmaker.services.proposals import QueueFilter

    staff = token_for("staff@example.com")
    officer = db_session.scalar(select(User).where(User.email == "staff@example.com"))

    def totals() -> dict[str, int]:
        found = {}
        for status in ("", "proposed", "approved", "rejected"):
            page = client.get(f"/api/v1/proposals?per_page=1&status={status}", headers=staff)
            found[status or "all"] = page.get_json()["total"]
        queue = proposals.queue_page(db_session, officer, QueueFilter(), page=1, per_page=1)
        assert queue.total == found["proposed"]  # the review queue's total, the same way
        return found

    def counted() -> dict[str, int]:
        rows = db_session.execute(select(Proposal.status, func.count()).group_by(Proposal.status))
        by_status = {str(status): n for status, n in rows}
        kept = dict(db_session.execute(select(ProposalCount.status, ProposalCount.total)).all())
        assert {s: kept[s] for s in by_status} == by_status  # the counters agree with the rows
        return by_status

    def decide(proposal_id: int, decision: str) -> None:
        version = client.get(f"/api/v1/proposals/{proposal_id}", headers=staff).get_json()
        response = client.post(
            f"/api/v1/proposals/{proposal_id}/decision",
            json={"decision": decision, "version": version["version"]},
            headers=staff,
        )
        assert response.status_code == 200, response.get_json()

    third = make_firm(ref="PK-3", name="Third Firm", country="PK")
    db_session.add(
        Proposal(
            pk_firm_id=third.id,
            by_firm_id=world.by.id,
            score=0.5,
            reasons=[],
            signals={},
            status=ProposalStatus.PROPOSED,
        )
    )
    db_session.commit()
    assert totals() == {"all": 3, "proposed": 3, "approved": 0, "rejected": 0}
    decide(world.proposal_id, "approve")
    assert totals() == {"all": 3, "proposed": 2, "approved": 1, "rejected": 0}
    decide(world.other_proposal_id, "reject")
    decide(world.proposal_id, "reject")  # a changed decision
    assert totals() == {"all": 3, "proposed": 1, "approved": 0, "rejected": 2}
    db_session.execute(delete(Proposal).where(Proposal.pk_firm_id == third.id))
    db_session.commit()
    assert totals() == {"all": 2, "proposed": 0, "approved": 0, "rejected": 2}
    assert counted() == {"rejected": 2}


@pytest.mark.parametrize("email", ["staff@example.com", "by@example.com"])
def test_a_page_of_proposals_reads_its_total_with_its_rows(
    app, client, world, token_for, db_session, email
):
    """Staff's list and a firm's introductions: a full page and its total in one statement
    after the token's; past the end the total is still given."""
    from matchmaker.models import Proposal, ProposalStatus
    from tests.helpers import count_queries

    for proposal_id in (world.proposal_id, world.other_proposal_id):
        db_session.get(Proposal, proposal_id).status = ProposalStatus.APPROVED
    db_session.commit()
    headers = token_for(email)
    assert count_queries(app, client, "/api/v1/proposals?per_page=1", headers) == 2
    pages = [
        client.get(f"/api/v1/proposals?per_page=1&page={n}", headers=headers).get_json()
        for n in (1, 2, 3)
    ]
    assert [len(page["items"]) for page in pages] == [1, 1, 0]
    assert [page["total"] for page in pages] == [2, 2, 2]
    assert pages[0]["items"][0]["score"] > pages[1]["items"][0]["score"]
