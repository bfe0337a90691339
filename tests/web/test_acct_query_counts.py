"""The company-account and attachment pages are a fixed number of SQL queries, however many
colleagues, invitations and files there are."""

from sqlalchemy import select

from matchmaker.models import FirmRole, Invitation, Message, Thread, User
from matchmaker.services import attachments, review
from matchmaker.services.accounts import find_user
from matchmaker.web.uploads import storage
from tests.helpers import PASSWORD, count_queries

PDF = b"%PDF-1.7\n%%EOF\n"
PAGES = [
    "/auth/account",
    "/auth/colleagues",
    "/auth/account/email",
    "/auth/account/delete",
    "/auth/account/export",
    "/firms/{pk}",
    "/messages/{thread}",
]


def grow(app, world, db_session, n: int, start: int) -> None:
    """n more colleagues, invitations, profile documents and message files of the PK firm."""
    from matchmaker.services import accounts

    admin = find_user(db_session, "pk@example.com")
    thread_id = db_session.scalar(select(Thread.id))
    with app.app_context():
        store = storage()
        for k in range(start, start + n):
            user = accounts.create_user(db_session, f"colleague{k}@example.com", PASSWORD)
            user.firm_id, user.firm_role = world.pk.id, FirmRole.MEMBER
            db_session.add(Invitation(firm_id=world.pk.id, email=f"inv{k}@example.com", nonce="x"))
            message = Message(thread_id=thread_id, sender_firm_id=world.pk.id, body=f"m{k}")
            db_session.add(message)
            db_session.commit()
            attachments.add_profile_document(db_session, admin, store, f"d{k}.pdf", PDF)
            upload = attachments.check_upload(f"f{k}.pdf", PDF)
            attachments.attach_to_message(db_session, admin, store, message.id, upload)


def test_account_pages_query_counts_do_not_grow(app, client, auth, world, db_session):
    with app.test_request_context():
        review.decide(
            db_session, find_user(db_session, "staff@example.com"), world.proposal_id, "approve"
        )
    ids = {"pk": world.pk.id, "thread": db_session.scalar(select(Thread.id))}
    grow(app, world, db_session, 1, 0)
    auth.login("pk@example.com")
    small = {p: count_queries(app, client, p.format(**ids)) for p in PAGES}
    grow(app, world, db_session, 8, 1)
    large = {p: count_queries(app, client, p.format(**ids)) for p in PAGES}
    assert large == small
    assert max(small.values()) <= 15, small
    assert db_session.scalar(select(User).where(User.email == "colleague8@example.com"))
