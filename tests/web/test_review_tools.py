"""The officer's tools: bulk decisions with their confirmation, the next proposal of a filter,
the conflict page, the detail page."""

from pathlib import Path

import pytest
from sqlalchemy import select

from matchmaker.models import AuditEntry
from tests.helpers import csrf_token, decide
from tests.helpers import reload_proposal as proposal


def mails(app) -> list[str]:
    outbox = Path(app.config["MAIL_FILE_PATH"])
    text = "".join(f.read_text() for f in sorted(outbox.glob("*.log")))
    return [part for part in text.split("Subject: ")[1:]]


def test_the_bulk_bar_has_no_preselected_action(client, auth, world):
    auth.login("staff@example.com")
    html = client.get("/review").get_data(as_text=True)
    bar = html.split('id="bulk-form"', 1)[1].split("</form>", 1)[0]
    assert '<select id="bulk-decision" name="decision" required><option value="">— choose —' in bar
    assert " selected" not in bar.replace(" selected proposals", "").replace(" selected<", "<")


def test_bulk_approval_is_confirmed_with_what_will_happen_then_done(
    client, auth, world, db_session, app
):
    auth.login("staff@example.com")
    ids = [str(world.proposal_id), str(world.other_proposal_id)]
    query = {"ids": ids, "decision": "approve", "sort": "score_asc", "q": "e"}
    response = client.get("/review/bulk", query_string=query)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # Three firms with an account each: the Belarusian one, in both pairs, gets one e-mail.
    assert "Approve 2 proposals:" in html and "3 e-mails will be sent," in html
    assert "3 firms will see their partners’ contacts" in html
    assert proposal(db_session, world.proposal_id).status == "proposed"  # nothing yet
    assert 'name="back" type="hidden" value="/review?' in html

    token = csrf_token(client, "/firms")
    back = "/review?sort=score_asc&q=e"
    response = client.post(
        "/review/bulk",
        data={"ids": ids, "decision": "approve", "note": "JWG", "back": back, "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == back  # the filters are kept
    assert proposal(db_session, world.proposal_id).status == "approved"
    assert proposal(db_session, world.other_proposal_id).note == "JWG"
    sent = mails(app)
    assert len(sent) == 3
    digest = [m for m in sent if "To: by@example.com" in m]
    assert len(digest) == 1
    assert "Indus Assemblers" in digest[0] and "Other Firm" in digest[0]
    assert digest[0].startswith("EDB has introduced you to 2 partners")
    html = client.get(back).get_data(as_text=True)
    assert "2 proposals approved. 3 e-mails sent; the partners now see each other" in html


def test_a_bulk_selection_without_a_decision_changes_nothing(client, auth, world, db_session):
    auth.login("staff@example.com")
    response = client.get(
        "/review/bulk", query_string={"ids": [world.proposal_id], "decision": "", "status": "all"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/review?status=all"
    html = client.get("/review?status=all").get_data(as_text=True)
    assert "Choose whether to approve or reject the selected proposals." in html
    response = client.get("/review/bulk", query_string={"decision": "approve"})
    assert response.status_code == 302
    assert proposal(db_session, world.proposal_id).status == "proposed"


def test_bulk_rejection_records_its_reason_and_skips_the_already_rejected(
    client, auth, world, db_session, app
):
    auth.login("staff@example.com")
    decide(client, world.other_proposal_id, "reject")
    query = {"ids": [world.proposal_id, world.other_proposal_id], "decision": "reject"}
    html = client.get("/review/bulk", query_string=query).get_data(as_text=True)
    assert "Reject 1 proposal." in html
    assert "1 selected proposal is already so and stays unchanged." in html
    assert 'name="reject_reason"' in html
    token = csrf_token(client, "/firms")
    data = {**query, "reject_reason": "capacity", "back": "/review", "csrf_token": token}
    client.post("/review/bulk", data=data)
    p = proposal(db_session, world.proposal_id)
    assert (p.status, p.reject_reason) == ("rejected", "capacity")
    assert mails(app) == []
    html = client.get("/review").get_data(as_text=True)
    assert "1 proposal rejected. 1 was already so and is unchanged." in html


def test_a_reject_reason_is_recorded_only_with_a_rejection(client, auth, world, db_session):
    auth.login("staff@example.com")
    decide(client, world.proposal_id, "approve", "fine", reject_reason="capacity")
    p = proposal(db_session, world.proposal_id)
    assert (p.status, p.reject_reason) == ("approved", None)
    entry = db_session.scalar(select(AuditEntry))
    assert entry.note == "fine"  # no "[One side lacks the capacity]"


def test_the_detail_keeps_the_filters_and_leads_to_the_next_proposal(
    client, auth, world, db_session
):
    auth.login("staff@example.com")
    html = client.get("/review?status=proposed&sort=score").get_data(as_text=True)
    assert f'href="/review/{world.proposal_id}?status=proposed&amp;sort=score"' in html
    html = client.get(f"/review/{world.proposal_id}?status=proposed&sort=score").get_data(
        as_text=True
    )
    assert 'href="/review?status=proposed&amp;sort=score">‹ Back to the queue' in html
    nxt = f"/review/{world.other_proposal_id}?status=proposed&amp;sort=score"
    assert f'href="{nxt}" rel="next">Next proposal ›' in html
    # The decision form leads on to the next proposal of the same filter.
    assert f'name="next" value="{nxt}"' in html
    response = decide(client, world.proposal_id, "approve", next=nxt.replace("&amp;", "&"))
    assert response.headers["Location"] == nxt.replace("&amp;", "&")
    # The last one of the filter leads back to the queue under that filter.
    html = client.get(f"/review/{world.other_proposal_id}?status=proposed&sort=score").get_data(
        as_text=True
    )
    assert 'name="next" value="/review?status=proposed&amp;sort=score"' in html
    assert "Next proposal ›" not in html


def test_the_conflict_page_keeps_the_typed_note_and_shows_who_decided(
    client, auth, world, db_session
):
    auth.login("staff@example.com")
    decide(client, world.proposal_id, "approve", "approved first", version="1")
    response = decide(client, world.proposal_id, "reject", "My long considered note", version="1")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "My long considered note</textarea>" in html
    assert '<span class="status status-approved">approved</span>' in html
    assert "by staff@example.com" in html
    assert "approved first" in html
    assert '<input type="hidden" name="version" value="2">' in html  # sending again decides


def test_the_detail_page_shows_what_an_officer_needs(client, auth, world, db_session, make_firm):
    from matchmaker.models import Firm

    firm = db_session.get(Firm, world.by.id)
    firm.website, firm.employees, firm.description = "https://neman.example", 1200, "Since 1960."
    db_session.commit()
    p = proposal(db_session, world.proposal_id)
    p.signals = {"reciprocal": 0.61, "sector": 1.0, "meaning": 0.5}
    db_session.commit()
    auth.login("staff@example.com")
    html = client.get(f"/review/{world.proposal_id}").get_data(as_text=True)
    assert "Offers and needs fit both ways (words)" in html and "0.61" in html
    assert "Sectors overlap" in html
    assert "https://neman.example" in html and "1,200 employees" in html
    assert "Since 1960." in html
    # Each firm's other proposals: the Belarusian firm's other partner.
    others = html.split("Its other proposals", 2)[2]
    assert "Other Firm" in others.split("</section>", 1)[0]


def test_an_officer_lands_on_the_review_queue_after_signing_in(client, auth, world):
    response = auth.login("staff@example.com")
    assert response.headers["Location"] == "/"
    assert client.get("/").headers["Location"] == "/review"


def test_dashboard_charts_use_the_site_colours_and_keep_small_stages_visible(
    client, auth, world, db_session
):
    import re

    auth.login("staff@example.com")
    decide(client, world.proposal_id, "approve")
    decide(client, world.other_proposal_id, "reject")
    html = client.get("/dashboard").get_data(as_text=True)
    decisions = html.split('id="decisions-chart"', 1)[1].split("</figure>", 1)[0]
    assert 'class="series-approved"><title>' in decisions
    assert 'class="series-rejected"><title>' in decisions
    legend = decisions.split('<ul class="chart-legend">', 1)[1].split("</ul>", 1)[0]
    assert "series-approved" in legend and "Approved" in legend and "Rejected" in legend
    funnel = html.split('id="funnel-chart"', 1)[1].split("</figure>", 1)[0]
    widths = {
        kind: float(w)
        for w, kind in re.findall(r'width="([\d.]+)" height="8" class="series-(\w+)"', funnel)
    }
    # 2 proposed and 1 approved in tractors: the square-root scale keeps 1 at 71% of 2's bar.
    assert widths["approved"] == pytest.approx(widths["proposed"] / 2**0.5, rel=0.01)
    assert '<text x="' in funnel and 'class="chart-value">1</text>' in funnel


def test_dashboard_charts_mirror_in_urdu(client, auth, world):
    auth.login("staff@example.com")
    decide(client, world.proposal_id, "approve")
    client.set_cookie("lang", "ur")
    html = client.get("/dashboard").get_data(as_text=True)
    assert 'dir="rtl"' in html
    decisions = html.split('id="decisions-chart"', 1)[1].split("</figure>", 1)[0]
    assert 'text-anchor="start" direction="rtl"' in decisions
