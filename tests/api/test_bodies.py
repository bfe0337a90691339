"""The API's bodies (api/bodies.py) are what its schemas describe: each writer gives its
schema's dump of the same row, for every kind of row the services hand out."""

import json

from matchmaker.api import bodies
from matchmaker.api import schemas as s
from matchmaker.services import firms, proposals, review
from matchmaker.services.accounts import find_user


def _same(body, schema, row) -> None:
    """The body is the schema's dump as JSON (types too: 5 and 5.0 differ there) and holds
    every field the schema documents (a dump leaves out what a row lacks)."""
    dumped = schema.dump(row)
    assert json.dumps(body, sort_keys=True) == json.dumps(dumped, sort_keys=True)
    if "items" in schema.fields:  # a page: its items' schema
        field = schema.fields["items"]
        items, schema = body["items"], getattr(field, "inner", field).schema
    else:
        items = [body]
    for item in items:
        assert set(item) == set(schema.fields)


def _decided(world, db_session):
    staff = find_user(db_session, "staff@example.com")
    review.decide(db_session, staff, world.proposal_id, "approve", "Strong fit — «да» & <ok>")
    review.decide(db_session, staff, world.other_proposal_id, "reject", None, reject_reason="other")
    return staff


def test_proposal_bodies_are_the_schema_s_dump(world, db_session, app_context):
    staff = _decided(world, db_session)
    seen = 0
    for user, status in (
        (staff, ""),
        (staff, "rejected"),
        (find_user(db_session, "pk@example.com"), ""),
        (find_user(db_session, "by@example.com"), ""),
    ):
        page = proposals.visible_page(db_session, user, status, page=1, per_page=20)
        _same(bodies.page(page, bodies.proposal), s.ProposalPageSchema(), page)
        for row in page.items:
            _same(bodies.proposal(row), s.ProposalSchema(), row)
            one = proposals.visible_proposal(db_session, user, row.id)
            _same(bodies.proposal(one), s.ProposalSchema(), one)
            seen += 1
    assert seen == 5  # staff: both, then the rejected one; each of the two firms: the approved one


def test_a_proposal_body_before_any_decision(world, db_session, app_context):
    staff = find_user(db_session, "staff@example.com")
    row = proposals.visible_proposal(db_session, staff, world.proposal_id)
    assert row.decided_at is None and row.note is None
    _same(bodies.proposal(row), s.ProposalSchema(), row)


def test_firm_bodies_are_the_schema_s_dump(world, db_session, make_firm, app_context):
    bare = make_firm(
        ref="BY-9",
        name="Bare <Firm>",
        country="BY",
        city=None,
        employees=None,
        founded=None,
        website=None,
        contact_email=None,
        offer_types=[],
        seek_types=[],
        description="Долгое описание",
    )
    _decided(world, db_session)  # the PK firm may now see the BY firm's contact e-mail
    viewers = [find_user(db_session, e) for e in ("staff@example.com", "pk@example.com")]
    contacts = set()
    for viewer in viewers:
        for firm_id in (world.pk.id, world.by.id, world.other.id, bare.id):
            row = firms.firm_row(db_session, viewer, firm_id)
            _same(bodies.firm(row), s.FirmSchema(), row)
            contacts.add(row.contact_email is None)
        page = firms.directory_page(
            db_session,
            viewer,
            firms.DirectoryQuery(q="", sector="", country=""),
            page=1,
            per_page=20,
        )
        assert len(page.items) == 4
        _same(bodies.page(page, bodies.firm), s.FirmPageSchema(), page)
    assert contacts == {True, False}  # rows with the e-mail shown and hidden


def test_the_api_answers_with_those_bodies(client, world, db_session, app_context):
    from matchmaker.services import tokens

    staff = _decided(world, db_session)
    _, plain = tokens.create_token(db_session, staff, "test")
    headers = {"Authorization": f"Bearer {plain}"}
    listed = client.get("/api/v1/proposals", headers=headers)
    assert listed.status_code == 200 and listed.mimetype == "application/json"
    page = proposals.visible_page(db_session, staff, "", page=1, per_page=20)
    assert listed.get_json() == s.ProposalPageSchema().dump(page)
    one = client.get(f"/api/v1/proposals/{world.proposal_id}", headers=headers).get_json()
    assert one["note"] == "Strong fit — «да» & <ok>"
    assert one["decided_at"].endswith("+00:00")
    firm = client.get(f"/api/v1/firms/{world.by.id}", headers=headers).get_json()
    assert firm == s.FirmSchema().dump(firms.firm_row(db_session, staff, world.by.id))


def test_times_are_written_in_utc_whatever_the_database_s_time_zone():
    from datetime import UTC, datetime, timedelta, timezone

    from matchmaker.services.rows import FirmBrief, ProposalRow

    brief = FirmBrief(1, "PK-1", "A", "PK")
    karachi = datetime(2026, 12, 2, 17, 30, tzinfo=timezone(timedelta(hours=5)))
    naive = datetime(2026, 12, 2, 12, 30)  # SQLite's: UTC without saying so
    for decided_at in (karachi, naive):
        row = ProposalRow(1, brief, brief, 0.5, "approved", [], 2, None, None, decided_at, None)
        body = bodies.proposal(row)
        assert body["decided_at"] == "2026-12-02T12:30:00+00:00"
        assert datetime.fromisoformat(body["decided_at"]) == naive.replace(tzinfo=UTC)
        _same(body, s.ProposalSchema(), row)
