"""A firm acting on a partner: requesting an introduction, saved partners, its home page,
declined and withdrawn conversations."""

import re
from pathlib import Path

from sqlalchemy import func, select

from matchmaker.models import Proposal, ProposalStatus, SavedPartner, Thread
from tests.helpers import csrf_token, decide, respond


def ask(client, firm_id, message="We assemble tractors; your kits fit.", next_url=None):
    data = {"message": message, "csrf_token": csrf_token(client, "/firms")}
    if next_url:
        data["next"] = next_url
    return client.post(f"/firms/{firm_id}/request", data=data)


def proposals(db_session):
    db_session.expire_all()
    return db_session.scalars(select(Proposal).order_by(Proposal.id)).all()


def mails(app):
    return "".join(f.read_text() for f in Path(app.config["MAIL_FILE_PATH"]).glob("*.log"))


def test_a_request_from_the_directory_becomes_a_marked_proposal_first_in_the_queue(
    client, auth, world, make_firm, make_user, db_session
):
    minsk = make_firm(ref="BY-2", name="Minsk Motors", country="BY")
    auth.login("pk@example.com")
    directory = client.get("/firms").get_data(as_text=True)
    assert f'action="/firms/{minsk.id}/request"' in directory
    assert f'action="/firms/{world.other.id}/request"' not in directory  # same country
    response = ask(client, minsk.id, next_url="/firms?country=BY")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/firms?country=BY")
    page = client.get("/firms?country=BY").get_data(as_text=True)
    assert "Your request is with EDB" in page
    assert "Introduction requested: EDB is reviewing it" in page
    made = proposals(db_session)[-1]
    assert (made.pk_firm_id, made.by_firm_id) == (world.pk.id, minsk.id)
    assert made.status == ProposalStatus.PROPOSED
    assert made.requested_by_firm_id == world.pk.id
    assert made.request_message == "We assemble tractors; your kits fit."
    assert made.reasons and 0 <= made.score <= 1
    auth.logout()
    auth.login("staff@example.com")
    queue = client.get("/review").get_data(as_text=True)
    # Sorted up: the request (score 0 without an engine) before the 0.8 proposal.
    assert queue.index(f'id="p{made.id}"') < queue.index(f'id="p{world.proposal_id}"')
    assert "Requested by Indus Assemblers" in queue
    assert "We assemble tractors; your kits fit." in queue
    detail = client.get(f"/review/{made.id}").get_data(as_text=True)
    assert "Requested by Indus Assemblers" in detail


def test_a_request_marks_the_engine_proposal_when_there_is_one(client, auth, world, db_session):
    auth.login("by@example.com")
    assert ask(client, world.pk.id, message="").status_code == 303
    found = proposals(db_session)
    assert len(found) == 2  # no new proposal: the engine's pair is marked
    assert found[0].requested_by_firm_id == world.by.id
    assert found[0].request_message is None


def test_duplicate_own_country_and_own_firm_requests_are_refused(client, auth, world, db_session):
    auth.login("pk@example.com")
    assert ask(client, world.by.id).status_code == 303
    before = len(proposals(db_session))
    ask(client, world.by.id)
    page = client.get(f"/firms/{world.by.id}").get_data(as_text=True)
    assert "You have already requested an introduction to Neman Tractors" in page
    ask(client, world.other.id)
    page = client.get(f"/firms/{world.other.id}").get_data(as_text=True)
    assert "Introductions are between a Pakistani and a Belarusian firm" in page
    ask(client, world.pk.id)
    assert "This is your own firm." in client.get("/firms").get_data(as_text=True)
    assert len(proposals(db_session)) == before
    auth.logout()
    auth.login("by@example.com")  # the partner asks for the same pair
    ask(client, world.pk.id)
    page = client.get(f"/firms/{world.pk.id}").get_data(as_text=True)
    assert "already waiting for EDB" in page
    assert client.post(f"/firms/{world.pk.id}/request", data={"message": "x"}).status_code == 400
    assert ask(client, 9999).status_code == 404


def test_a_too_long_request_keeps_the_text_and_sends_nothing(client, auth, world, db_session):
    auth.login("pk@example.com")
    response = ask(client, world.by.id, message="y" * 1001)
    assert response.status_code == 400
    assert "y" * 1001 in response.get_data(as_text=True)
    assert proposals(db_session)[0].requested_by_firm_id is None


def test_staff_cannot_request(client, auth, world):
    auth.login("staff@example.com")
    assert ask(client, world.by.id).status_code == 403


def test_saved_partners(client, auth, world, db_session):
    auth.login("pk@example.com")
    token = csrf_token(client, "/firms")
    response = client.post(
        f"/firms/{world.by.id}/save", data={"csrf_token": token, "next": "/firms"}
    )
    assert response.status_code == 303
    client.post(f"/firms/{world.by.id}/save", data={"csrf_token": token})  # twice: once
    assert db_session.scalar(select(func.count()).select_from(SavedPartner)) == 1
    saved = client.get("/saved").get_data(as_text=True)
    assert "Neman Tractors" in saved
    assert "Saved ✓" in client.get(f"/firms/{world.by.id}").get_data(as_text=True)
    auth.logout()
    auth.login("other@example.com")  # another firm's list is its own
    assert "Neman Tractors" not in client.get("/saved").get_data(as_text=True)
    auth.logout()
    auth.login("pk@example.com")
    token = csrf_token(client, "/firms")
    client.post(f"/firms/{world.by.id}/forget", data={"csrf_token": token})
    assert "No saved partners yet" in client.get("/saved").get_data(as_text=True)
    assert client.post(f"/firms/{world.by.id}/save", data={}).status_code == 400


def test_the_firm_s_own_card_offers_nothing_to_do_with_itself(client, auth, world):
    """Its own card in the directory had a 'Save partner' button that answered "This is your
    own firm."; the other firms' cards keep theirs."""
    auth.login("pk@example.com")
    html = client.get("/firms").get_data(as_text=True)
    cards = {
        re.search(r'href="/firms/(\d+)"', card)[1]: card
        for card in html.split('class="card firm-card"')[1:]
    }
    assert f"/firms/{world.pk.id}/save" not in cards[str(world.pk.id)]
    assert f"/firms/{world.by.id}/save" in cards[str(world.by.id)]


def test_the_home_page_shows_the_pipeline_without_edb_notes(client, auth, world, db_session):
    auth.login("pk@example.com")
    assert client.get("/").headers["Location"].endswith("/home")
    home = client.get("/home").get_data(as_text=True)
    assert "Awaiting EDB review" in home
    assert "1 proposed partner, waiting since" in home
    ask(client, world.by.id)
    auth.logout()
    auth.login("staff@example.com")
    decide(client, world.proposal_id, "reject", note="Secret: their finances are weak")
    auth.logout()
    auth.login("pk@example.com")
    home = client.get("/home").get_data(as_text=True)
    assert "Not taken forward" in home
    assert "Secret" not in home
    assert "Nothing waiting" in home


def test_after_saving_a_profile_the_firm_learns_what_happens_next(client, auth):
    from tests.helpers import PROFILE_FORM

    auth.register("new@example.com")
    data = {**PROFILE_FORM, "csrf_token": csrf_token(client, "/firm/edit")}
    response = client.post("/firm/edit", data=data, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "EDB reviews each proposal" in html
    assert "Your partner pipeline" in html


def approve_and_thread(client, auth, world, db_session):
    auth.login("staff@example.com")
    decide(client, world.proposal_id, "approve")
    auth.logout()
    return db_session.scalar(select(Thread.id).where(Thread.proposal_id == world.proposal_id))


def test_declining_closes_the_conversation_for_both(client, auth, world, db_session):
    tid = approve_and_thread(client, auth, world, db_session)
    auth.login("pk@example.com")
    token = csrf_token(client, "/matches")
    client.post(f"/messages/{tid}", data={"body": "Hello", "csrf_token": token})
    assert respond(client, world.proposal_id, "declined").status_code == 302
    auth.logout()
    for email in ("pk@example.com", "by@example.com"):
        auth.login(email)
        html = client.get(f"/messages/{tid}").get_data(as_text=True)
        assert "declined this introduction" in html
        assert 'name="body"' not in html
        assert "Introduce your firm and propose a first call" not in html
        assert "Hello" in html
        matches = client.get("/matches").get_data(as_text=True)
        assert "status-closed" in matches
        auth.logout()
    auth.login("by@example.com")
    token = csrf_token(client, "/matches")
    response = client.post(f"/messages/{tid}", data={"body": "Still?", "csrf_token": token})
    assert response.status_code == 303
    assert respond(client, world.proposal_id, "interested").status_code == 302
    db_session.expire_all()
    assert db_session.get(Proposal, world.proposal_id).by_response is None


def test_closed_conversations_sort_below_open_ones(
    client, auth, world, make_firm, make_user, db_session
):
    minsk = make_firm(ref="BY-2", name="Minsk Motors", country="BY")
    second = Proposal(
        pk_firm_id=world.pk.id, by_firm_id=minsk.id, score=0.1, reasons=["r"], signals={}
    )
    db_session.add(second)
    db_session.commit()
    auth.login("staff@example.com")
    decide(client, world.proposal_id, "approve")
    decide(client, second.id, "approve")
    auth.logout()
    auth.login("pk@example.com")
    respond(client, world.proposal_id, "declined")
    inbox = client.get("/messages").get_data(as_text=True)
    assert inbox.index("Minsk Motors") < inbox.index("Neman Tractors")
    matches = client.get("/matches").get_data(as_text=True)
    assert matches.index("Minsk Motors") < matches.index("Neman Tractors")


def test_re_approving_sends_no_second_good_news(client, auth, world, app):
    auth.login("staff@example.com")
    decide(client, world.proposal_id, "approve")
    assert mails(app).count("Good news") == 2  # one to each firm
    decide(client, world.proposal_id, "reject")
    decide(client, world.proposal_id, "approve")
    assert mails(app).count("Good news") == 2


def test_the_home_page_lists_introductions_and_unread_messages(client, auth, world, db_session):
    tid = approve_and_thread(client, auth, world, db_session)
    auth.login("by@example.com")
    token = csrf_token(client, "/matches")
    client.post(f"/messages/{tid}", data={"body": "First line\nsecond line", "csrf_token": token})
    auth.logout()
    auth.login("pk@example.com")
    home = client.get("/home").get_data(as_text=True)
    introductions = home.split('id="introductions"')[1].split("</section>")[0]
    assert '<p class="figure">1</p>' in introductions and "Neman Tractors" in introductions
    unread = home.split('id="unread"')[1].split("</section>")[0]
    assert '<p class="figure">1</p>' in unread
    assert '<p class="preview" dir="auto">First line</p>' in home
    assert "second line" not in home
