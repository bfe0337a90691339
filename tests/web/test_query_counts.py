"""Every page is a fixed number of SQL queries, whatever the amount of data behind it."""

import pytest
from sqlalchemy import select

from matchmaker.models import Message, Proposal, ProposalStatus, SavedPartner, Thread, ThreadRead
from tests.helpers import count_queries, decide

STAFF_PAGES = [
    "/firms",
    "/firms?q=tractor",
    "/firms/{by}",
    "/review",
    "/review?status=approved",
    "/review?q=extra",  # a search by firm: its firms looked up once, however many match
    "/review/{proposal}",
    "/review/{proposal}?status=all&sort=newest",  # with the next proposal of the filter
    "/review/bulk?decision=approve&ids={proposal}&ids={other}",
    "/review/audit",
    "/review/audit?firm=extra&from=2020-01-01",  # filtered
    "/review/import",
    "/dashboard",
]
FIRM_PAGES = [
    "/firms",
    "/firms/{by}",
    "/firms/{pk}",
    "/matches",
    "/messages",
    "/messages/{thread}",
    "/home",
    "/saved",
]
# The company-account pages (tests/web/test_acct_query_counts.py grows their own data too).
FIRM_PAGES += ["/auth/account", "/auth/colleagues", "/auth/account/delete", "/auth/account/export"]
API_PAGES = [
    "/api/v1/proposals",
    "/api/v1/proposals?status=approved",
    "/api/v1/firms?q=tractor",
    "/api/v1/threads/{thread}/messages",
]


def grow(world, make_firm, db_session, n: int) -> None:
    """n more firms, each with an approved proposal to the BY firm and messages in its thread."""
    for k in range(n):
        firm = make_firm(ref=f"PK-X{k}", name=f"Extra {k}", sectors=["tractors", "agri-machinery"])
        proposal = Proposal(
            pk_firm_id=firm.id,
            by_firm_id=world.by.id,
            score=0.5,
            reasons=["r"],
            signals={},
            status=ProposalStatus.APPROVED,
            requested_by_firm_id=world.by.id if k % 2 else None,
        )
        db_session.add(proposal)
        db_session.add(SavedPartner(firm_id=world.by.id, partner_id=firm.id))
        db_session.flush()
        thread = Thread(proposal_id=proposal.id)
        db_session.add(thread)
        db_session.flush()
        db_session.add_all(
            [
                ThreadRead(thread_id=thread.id, firm_id=world.by.id, last_read_message_id=0),
                ThreadRead(thread_id=thread.id, firm_id=firm.id, last_read_message_id=0),
            ]
        )
        for m in range(3):
            db_session.add(Message(thread_id=thread.id, sender_firm_id=firm.id, body=f"hello {m}"))
    db_session.commit()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("email", "pages"), [("staff@example.com", STAFF_PAGES), ("by@example.com", FIRM_PAGES)]
)
def test_page_query_counts_do_not_grow_with_data(
    app, client, auth, world, make_firm, db_session, email, pages
):
    auth.login("staff@example.com")
    decide(client, world.proposal_id, "approve", note="first")
    auth.logout()
    thread_id = db_session.scalar(select(Thread.id))
    db_session.add(SavedPartner(firm_id=world.by.id, partner_id=world.pk.id))
    db_session.commit()
    ids = {
        "by": world.by.id,
        "pk": world.pk.id,
        "proposal": world.proposal_id,
        "other": world.other_proposal_id,
        "thread": thread_id,
    }
    auth.login(email)
    small = {p: count_queries(app, client, p.format(**ids)) for p in pages}
    grow(world, make_firm, db_session, 12)
    large = {p: count_queries(app, client, p.format(**ids)) for p in pages}
    assert large == small
    assert max(small.values()) <= 15, small
    if email == "by@example.com":
        # The signed-in user, then the thread with its newest messages in one statement.
        assert small["/messages/{thread}"] == 2, small


def test_a_bulk_confirmation_is_a_fixed_number_of_queries(
    app, client, auth, world, make_firm, db_session
):
    auth.login("staff@example.com")

    def confirm_page() -> str:
        ids = db_session.scalars(select(Proposal.id)).all()
        return "/review/bulk?decision=approve&" + "&".join(f"ids={i}" for i in ids)

    small = count_queries(app, client, confirm_page())
    grow(world, make_firm, db_session, 12)
    assert count_queries(app, client, confirm_page()) == small <= 8


@pytest.mark.parametrize("email", ["staff@example.com", "by@example.com"])
def test_api_list_query_counts_do_not_grow_with_data(
    app, client, auth, world, make_firm, db_session, email
):
    from matchmaker.services import tokens
    from matchmaker.services.accounts import find_user

    auth.login("staff@example.com")
    decide(client, world.proposal_id, "approve", note="first")
    auth.logout()
    thread_id = db_session.scalar(select(Thread.id))
    _, plain = tokens.create_token(db_session, find_user(db_session, email), "counts")
    headers = {"Authorization": f"Bearer {plain}"}
    client.get("/api/v1/me", headers=headers)  # the token's first use writes its last use
    pages = API_PAGES if email == "by@example.com" else API_PAGES[:3]
    small = {p: count_queries(app, client, p.format(thread=thread_id), headers) for p in pages}
    grow(world, make_firm, db_session, 12)
    large = {p: count_queries(app, client, p.format(thread=thread_id), headers) for p in pages}
    assert large == small
    assert max(small.values()) <= 3, small
    # The token with its user, then the search's page: its firms with the word index's stamp
    # (services/search.py: no query of its own to check the index is current).
    assert small["/api/v1/firms?q=tractor"] == 2, small
