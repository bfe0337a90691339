"""The review queue's kept cards and content (review/cards.py, `CardMemo`): neither is ever stale
after a write, each viewer gets their own CSRF token in them, and a card's key holds every value
of its row."""

import re
from dataclasses import fields, replace
from datetime import UTC, datetime

from markupsafe import Markup

from matchmaker.models import Proposal
from matchmaker.review.cards import CONTENT_MEMO, MEMO, CardMemo, card_key
from matchmaker.services.rows import FirmBrief, ProposalRow
from tests.helpers import CSRF_RE, AuthActions, decide

TOKEN = re.compile(r'name="csrf_token" value="[^"]*"')


def _cards(html: str) -> str:
    return html.split('<ol class="proposals">')[1].split("</ol>")[0]


def _kept_and_fresh(client, app, path: str, root: str = "", **headers) -> tuple[str, str]:
    """The queue's cards as the next view writes them and as a view with nothing kept draws
    them, each viewer's token left out; `root`: the script root the app is served under. The
    first view after a write draws the content again with the cards kept before (all but the
    changed ones); the next writes the content kept: both must equal the fresh one."""
    environ = {"SCRIPT_NAME": root} if root else None

    def view() -> str:
        html = client.get(path, headers=headers, environ_overrides=environ).get_data(as_text=True)
        return TOKEN.sub("", _cards(html))

    after_write, kept = view(), view()
    assert after_write == kept
    app.extensions.pop(MEMO, None)
    app.extensions.pop(CONTENT_MEMO, None)
    return kept, view()


def test_a_kept_card_shows_what_the_last_write_changed(client, auth, world, db_session, app):
    auth.login("staff@example.com")
    path = "/review?status=all"
    kept, fresh = _kept_and_fresh(client, app, path)
    assert kept == fresh and "Indus Assemblers" in kept
    assert len(app.extensions[MEMO]) == 2  # both cards are kept

    assert decide(client, world.proposal_id, "approve", "Good fit").status_code == 302
    kept, fresh = _kept_and_fresh(client, app, path)
    assert kept == fresh
    assert "Decided by staff@example.com" in kept and "“Good fit”" in kept

    world.pk.name = "Indus Motors"
    db_session.get(Proposal, world.other_proposal_id).score = 0.95
    db_session.commit()
    kept, fresh = _kept_and_fresh(client, app, path)
    assert kept == fresh
    assert "Indus Motors" in kept and "Indus Assemblers" not in kept
    assert kept.index("Other Firm") < kept.index("Indus Motors")  # the new score first

    for language in ("ru", "ur"):  # another language's view of the same cards
        kept, fresh = _kept_and_fresh(client, app, path, **{"Accept-Language": language})
        assert kept == fresh and "Decided by" not in kept


def test_a_kept_card_links_under_its_own_view_s_address(client, auth, world, app):
    """The cards' links keep the queue's filters, and `next` its address: a card kept for one
    address, or one script root, is not written on another."""
    auth.login("staff@example.com")
    for path, root in (("/review?status=all&sort=newest", ""), ("/review?status=all", "/edb")):
        client.get("/review?status=all")  # the cards kept for this address, under no root
        kept, fresh = _kept_and_fresh(client, app, path, root)
        assert kept == fresh
        assert f'value="{path.replace("&", "&amp;")}"' in kept  # where a decision leads
        if root:
            assert f'href="{root}/review/{world.proposal_id}?status=all"' in kept
        else:
            assert "sort=newest" in kept.split('href="')[1].split('"')[0]


def test_each_viewer_gets_their_own_csrf_token_in_the_kept_cards(
    client, auth, world, make_user, app, db_session
):
    make_user("staff2@example.com", role="staff")
    other = app.test_client()
    auth.login("staff@example.com")
    AuthActions(other).login("staff2@example.com")
    first = client.get("/review").get_data(as_text=True)
    second = other.get("/review").get_data(as_text=True)  # its content is the kept one
    assert len(app.extensions[MEMO]) == 2 and len(app.extensions[CONTENT_MEMO]) == 1
    mine, theirs = (set(CSRF_RE.findall(_cards(html))) for html in (first, second))
    assert len(mine) == 1 and len(theirs) == 1 and mine != theirs
    assert "<!--csrf-token-->" not in second
    # The second officer decides with the token their kept card carries.
    version = re.search(r'name="version" value="(\d+)"', _cards(second)).group(1)
    response = other.post(
        f"/review/{world.proposal_id}",
        data={"decision": "approve", "version": version, "csrf_token": theirs.pop()},
    )
    assert response.status_code == 302
    assert db_session.get(Proposal, world.proposal_id).status == "approved"


def test_the_kept_content_shows_the_total_and_pages_of_the_last_write(
    client, auth, world, app, db_session, make_firm
):
    """A proposal added past the first page leaves its cards as they were: the count and the
    pager still show it."""
    app.config["PROPOSALS_PER_PAGE"] = 1
    auth.login("staff@example.com")
    assert "2 proposals." in client.get("/review").get_data(as_text=True)
    first = db_session.get(Proposal, world.proposal_id)
    by = make_firm(ref="BY-9", name="Minsk Works", country="BY")
    db_session.add(replace_proposal(first, by_firm_id=by.id, score=0.1))
    db_session.commit()
    html = client.get("/review").get_data(as_text=True)
    assert "3 proposals." in html and "Page 1 of 3" in html
    assert html.count('class="card proposal"') == 1


def test_an_empty_queue_s_kept_content_is_its_own_address_s_and_language_s(
    client, auth, world, app
):
    """With no cards, the content's key still holds the address and the language."""
    auth.login("staff@example.com")
    client.get("/review")  # shows "You are signed in" once

    def main(path: str, language: str) -> str:
        headers = {"Accept-Language": language}
        html = client.get(path, headers=headers).get_data(as_text=True)
        return TOKEN.sub("", html.split("<main", 1)[1].split("</main>", 1)[0])

    shown = {}
    for path in ("/review?status=rejected", "/review?status=rejected&q=zz"):
        for language in ("en", "ru"):
            shown[path, language] = main(path, language)
    app.extensions.pop(CONTENT_MEMO, None)
    for (path, language), kept in shown.items():
        assert kept == main(path, language), (path, language)
    assert len(set(shown.values())) == 4


def test_the_pager_takes_no_url_for_options_from_the_address(client, auth, world, app):
    """`_external`, `_anchor`, `_scheme` and `_method` are url_for's own options: from the
    address they would make the kept pager's links absolute, under the asking request's host,
    for every officer who opens the same address (or fail the view)."""
    app.config["PROPOSALS_PER_PAGE"] = 1
    auth.login("staff@example.com")
    path = "/review?_external=1&_anchor=x&_scheme=ftp&_method=POST"
    for host in ("localhost:9999", "localhost"):
        response = client.get(path, headers={"Host": host})
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        pager = html.split('class="pager"', 1)[1].split("</nav>", 1)[0]
        assert 'href="/review?' in pager and "#x" not in pager and "9999" not in pager


def test_nothing_is_kept_where_templates_are_reloaded(client, auth, world, app):
    app.jinja_env.auto_reload = True  # debug mode: an edited template shows on the next view
    auth.login("staff@example.com")
    client.get("/review")
    assert len(app.extensions.get(CONTENT_MEMO, ())) == 0


def replace_proposal(proposal: Proposal, **changes) -> Proposal:
    values = {
        name: getattr(proposal, name)
        for name in ("pk_firm_id", "by_firm_id", "score", "reasons", "signals", "status")
    }
    return Proposal(**{**values, **changes})


def _row() -> ProposalRow:
    pk, by = FirmBrief(1, "PK-1", "Indus", "PK"), FirmBrief(2, "BY-1", "Neman", "BY")
    return ProposalRow(
        1, pk, by, 0.5, "approved", [{"code": "sectors_shared", "sectors": ["tractors"]}], 2,
        "note", "sector", datetime(2026, 1, 1, tzinfo=UTC), "a@example.com", pk, "Meet us",
    )  # fmt: skip


def test_every_value_of_a_row_is_in_its_card_key():
    row = _row()
    other = {
        "id": 9, "pk_firm": FirmBrief(1, "PK-1", "Indus Motors", "PK"),
        "by_firm": FirmBrief(3, "BY-3", "Neman", "BY"), "score": 0.51, "status": "rejected",
        "reasons": [{"code": "sectors_shared", "sectors": ["buses"]}], "version": 3,
        "note": "other", "reject_reason": "capacity", "decided_at": datetime(2026, 1, 2),
        "decided_by_email": "b@example.com", "requested_by": None, "request_message": None,
    }  # fmt: skip
    assert set(other) == {f.name for f in fields(ProposalRow)}  # a new field needs a case here
    for name, value in other.items():
        assert card_key(replace(row, **{name: value})) != card_key(row), name
    assert card_key(replace(row, reasons=["Related."])) != card_key(replace(row, reasons=[]))
    assert card_key(_row()) == card_key(row)
    assert hash(card_key(row)) == hash(card_key(_row()))  # a key: every part hashable


def test_the_kept_cards_are_bounded_by_their_characters_the_oldest_going_first():
    memo = CardMemo(held=30)
    cards = [Markup("<li>%s</li>") % f"{n:06}" for n in range(10)]  # 15 characters each
    for n, card in enumerate(cards):
        memo.keep(("view", n), card)
        assert memo.size <= 30 and memo.size == sum(len(c) for c in memo._cards.values())
    assert [memo.get(("view", n)) for n in (7, 8, 9)] == [None, cards[8], cards[9]]
    memo.keep(("view", 10), Markup("<li>%s</li>") % ("x" * 40))  # more than it holds
    assert memo.get(("view", 10)) is None and len(memo) == 2
