"""What the review queue and the introductions page make once per page (URL patterns, the
decision form's parts, the bulk bar, scores and reasons) says what the per-row helpers say."""

import random

import pytest
from flask import url_for
from flask_babel import format_decimal, format_percent, get_translations, gettext

from matchmaker.review.forms import BulkChoiceForm, DecisionForm, bulk_bar, decision_widget
from matchmaker.web.i18n import country_name, term
from matchmaker.web.match_display import ProposalText, match_strength, reason_lines
from matchmaker.web.urls import url_pattern
from tests.helpers import decide

LANGUAGES = ["en", "ur", "ru"]


@pytest.fixture(params=LANGUAGES)
def page_context(app, request):
    with app.test_request_context("/review", headers={"Accept-Language": request.param}):
        yield request.param


@pytest.mark.parametrize(
    ("endpoint", "key", "values"),
    [
        ("review.detail", "proposal_id", {}),
        ("review.detail", "proposal_id", {"status": "all", "q": "1 & <2>/?#1", "page": "12"}),
        ("review.decide", "proposal_id", {}),
        ("firms.show", "firm_id", {}),
        ("messages.thread", "thread_id", {}),
        ("messages.respond", "proposal_id", {}),
    ],
)
def test_a_url_pattern_gives_url_for_s_url(app, endpoint, key, values):
    with app.test_request_context("/"):
        pattern = url_pattern(endpoint, key, **values)
        for n in (0, 1, 7, 10, 99, 12345, 2**31 - 1):
            assert pattern(n) == url_for(endpoint, **{key: n}, **values)


def test_the_decision_widget_is_the_decision_form_s(page_context, app):
    """The widget is made once per language and kept: in each language it is DecisionForm's,
    with the request's own CSRF token."""

    def check() -> None:
        form = DecisionForm()
        widget = decision_widget()
        assert widget is decision_widget()  # kept
        assert set(widget.names) | {"csrf_token"} == set(form._fields)
        assert all(widget.names[name] == form[name].name for name in widget.names)
        token = form.csrf_token
        assert str(widget.csrf_input) == (
            f'<input type="hidden" name="{token.name}" value="{token.current_token}">'
        )
        assert widget.note_label == str(form.note.label.text)
        assert widget.reason_label == str(form.reject_reason.label.text)
        assert widget.reasons == [(c.value, str(c.label)) for c in form.reject_reason.choices]
        assert str(widget.note_attributes) == 'name="note" rows="2" maxlength="2000"'
        for choice in form.decision.choices:
            assert (
                f'<button type="submit" name="decision" value="{choice.value}" '
                f'class="{choice.value}">{choice.label}</button>'
            ) in widget.buttons

    check()
    for other in LANGUAGES:  # the same app, another language, another session's token
        with (
            app.app_context(),
            app.test_request_context("/review", headers={"Accept-Language": other}),
        ):
            check()


@pytest.mark.parametrize("chosen", [None, "", "approve", "reject", "other"])
def test_the_bulk_bar_draws_what_the_bulk_choice_form_draws(app, chosen):
    query = {} if chosen is None else {"decision": chosen}
    for lang in LANGUAGES:
        with app.test_request_context(
            "/review", query_string=query, headers={"Accept-Language": lang}
        ):
            from flask import request

            form = BulkChoiceForm(request.args)
            bar = bulk_bar(get_translations().ugettext, request.args.get("decision"))
            drawn = "".join(
                f'<option{" selected" if selected else ""} value="{value}">{label}</option>'
                for value, label, selected in bar.options
            )
            assert bar.label == str(form.decision.label.text)
            assert str(form.decision(id="bulk-decision")) == (
                f'<select id="bulk-decision" name="decision" required>{drawn}</select>'
            )


def test_proposal_text_says_what_the_macros_helpers_say(page_context):
    text = ProposalText()
    rng = random.Random(16)
    scores = [0.0, 1.0, 0.125, 0.675, 0.005, 0.015, 0.5, 0.999, 1e-9]
    scores += [rng.random() for _ in range(300)]
    for score in scores:
        shown, strength = text.score(score), match_strength(score)
        assert (shown.level, shown.percent) == (strength.level, strength.percent)
        assert (shown.label, shown.number) == (strength.label, strength.number)
        assert shown.title == gettext("Raw score %(score)s", score=format_decimal(score, "0.00"))
        assert shown.number == format_percent(strength.percent / 100)
    for value in [*scores, None, 0.0049999, 2.5e-7, 12.345, 1234567.891, -0.125, float("inf")]:
        assert text.raw(value) == format_decimal(value or 0, "0.00")
    reasons = [
        {"code": "sectors_shared", "sectors": ["tractors", "agri-machinery"]},
        {"code": "types_fit", "firm": "A", "partner": "B", "types": ["assembly", "licensing"]},
        {"code": "common_ground", "concepts": ["tractor", "rice"]},
        "a firm's own words",
    ]
    assert text.reasons(reasons) == reason_lines(reasons)
    assert len(text.reasons(reasons)) == len(reasons)
    for value in ("proposed", "approved", "interested", "declined", "unknown", None, ""):
        assert text.term(value) == term(value)
    for code in ("PK", "BY", "XX", None):
        assert text.country(code) == country_name(code)
    assert text.sectors(["tractors", "nope", "logistics"]) == [
        (gettext("Tractors and tractor assembly"), "2821"),
        (gettext("Haulage and logistics"), "4923"),
    ]


@pytest.mark.parametrize(
    ("lang", "decided", "select"),
    [
        ("en", "Decided by staff@example.com", "Select proposal {id}"),
        ("ru", "Решение: staff@example.com", "Выбрать предложение {id}"),
        ("ur", "فیصلہ: staff@example.com", "تجویز {id} منتخب کریں"),
    ],
)
def test_a_queue_card_names_its_officer_and_its_checkbox(
    client, auth, world, lang, decided, select
):
    auth.login("staff@example.com")
    decide(client, world.proposal_id, "approve", 'Fits <"well">')
    client.set_cookie("lang", lang)
    queue = client.get("/review?status=approved").get_data(as_text=True)
    card = queue.split(f'id="p{world.proposal_id}"')[1].split("</form>")[0]
    assert f"{decided}: “Fits &lt;&#34;well&#34;&gt;”" in card
    assert f'aria-label="{select.format(id=world.proposal_id)}"' in card
    assert f'action="/review/{world.proposal_id}"' in card
    assert f'href="/review/{world.proposal_id}?status=approved"' in card


def test_the_partner_actions_message_box_is_the_forms_field_for_each_firm(page_context, app):
    """The introduction request's message box, drawn once for a page of firms (the empty one
    once per language), is WTForms' field for each card (its id and its hint's), whatever the
    firm's words in it."""
    from werkzeug.datastructures import MultiDict

    from matchmaker.firms.cards import partner_actions
    from matchmaker.firms.forms import IntroductionRequestForm

    def box_of(form, firm_id: int) -> str:
        mid = f"message-{firm_id}"
        return str(form.message(id=mid, **{"aria-describedby": f"{mid}-hint"}))

    words = 'He wrote id="message-0" and aria-describedby="message-0-hint" <b>here</b>'
    posted = IntroductionRequestForm(formdata=MultiDict({"message": words}))
    for form, actions in (
        (posted, partner_actions("/firms?q=x", posted)),
        (IntroductionRequestForm(formdata=None), partner_actions("/firms")),  # the empty one
    ):
        for firm_id in (1, 10, 12345):
            assert str(actions.box.for_firm(firm_id)) == box_of(form, firm_id)
        assert (actions.box.label, actions.box.hint, actions.box.errors) == (
            str(form.message.label.text),
            str(form.message.description),
            " ".join(form.message.errors),
        )
        assert actions.shared.labels["save"] == gettext("Save partner")
    assert partner_actions("/saved", offer_request=False).box is None
    for other in LANGUAGES:  # the same app in another language draws that language's
        with (
            app.app_context(),
            app.test_request_context("/firms", headers={"Accept-Language": other}),
        ):
            again = partner_actions("/firms")
            assert again.shared.labels["save"] == gettext("Save partner")
            assert str(again.box.for_firm(7)) == box_of(IntroductionRequestForm(formdata=None), 7)
            assert again.box.label == str(IntroductionRequestForm(formdata=None).message.label.text)


def test_the_thread_pages_empty_message_form_is_what_wtforms_draws(page_context, app):
    """A thread page's view draws the message form's fields once per language: they are the
    `field` macro over an empty MessageForm in the reader's language, after the request's
    CSRF token."""
    from flask import get_template_attribute

    from matchmaker.messages.forms import MessageForm
    from matchmaker.messages.routes import message_fields

    def drawn_now() -> str:
        form = MessageForm(formdata=None)
        field = get_template_attribute("_macros/forms.html", "field")
        return "".join(str(part) for part in (form.csrf_token, field(form.body), field(form.file)))

    assert str(message_fields(None)) == drawn_now()
    for other in LANGUAGES:  # the same app, another language
        with (
            app.app_context(),
            app.test_request_context("/messages/1", headers={"Accept-Language": other}),
        ):
            assert str(message_fields(None)) == drawn_now()


# What the templates that turn autoescaping off write unescaped there: numbers, codes of ours
# and markup made by the page's code, or a text escaped once for the page. Any other value
# there must be escaped where it is written (|e).
UNESCAPED = {
    "review/_card.html": {
        "p.id", "p.version", "p.status", "s.level", "s.percent",  # numbers and codes of ours
        "page.and_text", "page.here",  # escaped once for the page (review/cards.py)
        "names['version']", "names['next']", "names['reject_reason']",  # the form's field names
        "page.csrf_input",  # CSRF_SLOT, the page's token written there (review/cards.py)
        "widget.note_label", "widget.note_attributes",
        "widget.reason_label", "widget.buttons", "c.reason_options",  # review/forms.py
    },
    "firms/_card.html": {
        "firm.country", "isic",  # codes of ours
        "partner_actions(firm, card.state, actions)",  # a macro of ours
    },
    "firms/_partner_actions.html": {
        "t.pending", "t.introduced", "t.not_taken", "t.forget", "t.save", "t.request",
        "t.send", "actions.csrf", "actions.back",  # escaped once (firms/cards.py)
        "mid", "actions.box.label", "actions.box.for_firm(firm.id)", "actions.box.hint",
    },
}  # fmt: skip


def test_every_value_written_unescaped_is_a_safe_one():
    import re
    from pathlib import Path

    root = Path(__file__).parents[2] / "templates"
    blocks = re.compile(r"\{% autoescape false %\}(.*?)\{% endautoescape %\}", re.S)
    found = {}
    for path in root.rglob("*.html"):
        text = path.read_text()
        if "autoescape false" in text:
            found[path.relative_to(root).as_posix()] = [
                e.strip()
                for block in blocks.findall(text)
                for e in re.findall(r"\{\{(.*?)\}\}", block)
            ]
    assert set(found) == set(UNESCAPED), "a template turns autoescaping off: list what it writes"
    for name, written in found.items():
        assert {e for e in written if not e.endswith("|e")} <= UNESCAPED[name], name
        assert any(e.endswith("|e") for e in written), name  # the blocks are found


def test_the_queue_s_cards_escape_what_firms_officers_and_addresses_bring(
    client, auth, world, db_session
):
    from matchmaker.models import Proposal

    hostile = '<b x="1">&'
    proposal = db_session.get(Proposal, world.proposal_id)
    proposal.requested_by_firm_id, proposal.request_message = world.pk.id, "Meet " + hostile
    world.pk.name, world.by.name = "PK " + hostile, "BY " + hostile
    db_session.commit()
    auth.login("staff@example.com")
    assert decide(client, world.proposal_id, "approve", "Note " + hostile).status_code == 302
    page = client.get('/review?status=approved&q=PK&x="><b>').get_data(as_text=True)
    card = page.split(f'id="p{world.proposal_id}"')[1].split("</form>")[0]
    assert "<b " not in card and "<b>" not in card
    escaped = "&lt;b x=&#34;1&#34;&gt;&amp;"
    for text in ("PK ", "BY ", "Meet ", "“Note "):
        assert text + escaped in card, text
    assert 'name="next" value="/review?status=approved&amp;q=PK&amp;x=' in card


def test_the_directory_s_cards_escape_what_firms_and_addresses_bring(
    client, auth, make_firm, make_user
):
    hostile = '<b x="1">&'
    make_firm(
        ref="BY-1", country="BY", name="BY " + hostile, city="Minsk " + hostile,
        offers="Tractor kits " + hostile, seeks="dealers",
    )  # fmt: skip
    make_user("pk@example.com", firm=make_firm(ref="PK-1", name="Indus", offers="Tractor dealers"))
    auth.login("pk@example.com")
    page = client.get('/firms?q=tractor+kits&x="><b>').get_data(as_text=True)
    cards = [c.split("\n  </li>")[0] for c in page.split('class="card firm-card"')[1:]]
    [card] = [c for c in cards if "Minsk" in c]
    assert "<b " not in card and "<b>" not in card
    escaped = "&lt;b x=&#34;1&#34;&gt;&amp;"
    for text in ("BY ", "Minsk ", "Tractor kits "):
        assert text + escaped in card, text
    assert 'name="next" value="/firms?q=tractor+kits&amp;x=' in card
