"""The lists of proposals page by page: a page's proposals are found and ordered on the
proposals alone, then read with their firms (services/proposals.py, `PagedRows`); every page
shows the proposals a sort of all of them puts there, with the right firms and officer."""

from datetime import UTC, datetime, timedelta

import pytest

from matchmaker.models import Proposal, ProposalStatus, User
from matchmaker.services import proposals

PER_PAGE = 4


@pytest.fixture
def many(world, make_firm, db_session):
    """Eleven more proposals between several firms, some with equal scores, some decided,
    one its PK firm asked for."""
    firms = [make_firm(ref=f"BY-W{n}", name=f"Belarus Works {n}", country="BY") for n in range(6)]
    staff = db_session.query(User).filter_by(email="staff@example.com").one()
    now = datetime.now(UTC)
    for n in range(11):
        decided = n % 4 == 0
        db_session.add(
            Proposal(
                pk_firm_id=(world.pk if n % 2 else world.other).id,
                by_firm_id=firms[n // 2].id,  # every pair once
                score=round(0.2 + 0.05 * (n % 6), 2),  # repeated scores: the id breaks ties
                reasons=[f"Reason {n}"],
                signals={},
                status=ProposalStatus.APPROVED if decided else ProposalStatus.PROPOSED,
                decided_by_id=staff.id if decided else None,
                decided_at=now - timedelta(hours=n) if decided else None,
                requested_by_firm_id=world.pk.id if n == 5 else None,  # its PK firm
            )
        )
    db_session.commit()
    return staff


def _expected(db_session, status: str, sort: str) -> list[int]:
    found = [p for p in db_session.query(Proposal) if status == "all" or p.status == status]
    keys = {
        "score": lambda p: (-p.score, p.id),
        "score_asc": lambda p: (p.score, p.id),
        "newest": lambda p: -p.id,
    }
    ordered = sorted(found, key=keys[sort])
    if status == "proposed" and sort == "score":
        ordered.sort(key=lambda p: p.requested_by_firm_id is None)  # stable: asked for first
    return [p.id for p in ordered]


def _pages(read) -> list[int]:
    shown, page = [], 1
    while True:
        found = read(page)
        shown += [row.id for row in found.items]
        if not found.has_next:
            return shown
        page += 1


@pytest.mark.parametrize("status", ["proposed", "all"])
@pytest.mark.parametrize("sort", ["score", "score_asc", "newest"])
def test_the_queue_pages_follow_its_order(app, db_session, many, status, sort):
    filters = proposals.QueueFilter(status=status, sort=sort)
    with app.test_request_context():
        shown = _pages(
            lambda page: proposals.queue_page(
                db_session, many, filters, page=page, per_page=PER_PAGE
            )
        )
    assert shown == _expected(db_session, status, sort)


def test_a_filtered_queue_pages_follow_its_order(app, db_session, many):
    filters = proposals.QueueFilter(status="all", min_score=0.3, q="works", sort="score_asc")
    with app.test_request_context():
        shown = _pages(
            lambda page: proposals.queue_page(
                db_session, many, filters, page=page, per_page=PER_PAGE
            )
        )
    wanted = [
        p.id
        for p in sorted(db_session.query(Proposal), key=lambda p: (p.score, p.id))
        if p.score >= 0.3 and p.by_firm.name.startswith("Belarus Works")
    ]
    assert shown == wanted


def test_a_page_s_rows_carry_their_own_firms_and_officer(app, db_session, many):
    with app.test_request_context():
        page = proposals.visible_page(db_session, many, "", page=2, per_page=PER_PAGE)
    assert page.total == db_session.query(Proposal).count()
    for row in page.items:
        stored = db_session.get(Proposal, row.id)
        assert (row.pk_firm.id, row.pk_firm.name) == (stored.pk_firm_id, stored.pk_firm.name)
        assert (row.by_firm.id, row.by_firm.name) == (stored.by_firm_id, stored.by_firm.name)
        assert row.reasons == stored.reasons
        assert row.decided_by_email == ("staff@example.com" if stored.decided_by_id else None)
        assert (row.requested_by.id if row.requested_by else None) == stored.requested_by_firm_id
