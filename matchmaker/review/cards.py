"""The review queue's cards as the template shows them: each proposal's row with its links,
score, status, reasons and texts ready, made in one pass over the page
(templates/review/_card.html draws each).

Against url_for, Flask-Babel's lookups and four macros per card (score bar, status, reasons,
decision form), the queue of 25 cards: 42.19 -> 31.69 M instructions per request
(benchmarks/instructions.py --requests 10 /review, PostgreSQL load database). The texts with a
card's values (`label`, `decided`, `requested`) are formatted here, their translation found once
for the page, and each card's reasons' <option>s are ready: against the template's `_()` and
`reason_options()` per card, 28.40 -> 26.31 (--requests 20).

Each card's markup is drawn by templates/review/_card.html and kept (`CardMemo`), keyed by every
value the card shows: a view that shows a card with the same values again (the next view of
the queue, after a decision on one of its cards) writes the kept markup instead of making and
drawing the card again. See `queue_cards_html`. The queue's content around the cards (its
filters, count, bulk bar and pager: templates/review/_queue_content.html) is kept the same way,
keyed by the address, the language, the page's number and total and its cards' keys
(`queue_content_html`)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Any, ClassVar

from flask import current_app, render_template, request
from flask_babel import get_locale, get_translations
from markupsafe import Markup, escape

from matchmaker.review.forms import DecisionWidget
from matchmaker.services.pages import Page
from matchmaker.services.reference import N_
from matchmaker.services.rows import ProposalRow
from matchmaker.web.match_display import ProposalText, ShownScore
from matchmaker.web.urls import url_pattern

SELECT = N_("Select proposal %(id)s")
DECIDED = N_("Decided by %(email)s")
REQUESTED = N_("Requested by %(name)s")
AND = N_("and")  # between the two firms' names, for screen readers


@dataclass(frozen=True, slots=True)
class QueueCard:
    p: ProposalRow
    url: str  # the proposal's page, under the queue's filters
    decide_url: str  # where its decision form posts
    score: ShownScore
    status: str  # in the reader's language
    reasons: list[str]
    label: str  # its checkbox's accessible name
    decided: str | None  # who decided it, if anyone
    requested: str | None  # which firm asked for it, if one did
    reason_options: Markup  # its decision form's reasons, its own marked


def queue_cards(
    rows: list[ProposalRow], filter_args: dict[str, str], widget: DecisionWidget
) -> list[QueueCard]:
    text = ProposalText()
    select, decided, requested = (text.gettext(t) for t in (SELECT, DECIDED, REQUESTED))
    detail = url_pattern("review.detail", "proposal_id", **filter_args)
    decide = url_pattern("review.decide", "proposal_id")
    return [
        QueueCard(
            p,
            detail(p.id),
            decide(p.id),
            text.score(p.score),
            text.term(p.status),
            text.reasons(p.reasons),
            select % {"id": p.id},
            decided % {"email": p.decided_by_email} if p.decided_by_email else None,
            requested % {"name": p.requested_by.name} if p.requested_by else None,
            widget.reason_options(p.reject_reason),
        )
        for p in rows
    ]


# What a kept card holds in place of the viewer's CSRF token, which is the session's own: the
# page writes its token there. No text of the cards can hold it, as every text of theirs is
# escaped ("<" written as "&lt;").
CSRF_SLOT = Markup("<!--csrf-token-->")


@dataclass(frozen=True, slots=True)
class CardPage:
    """What every card of one view of the queue shows the same."""

    csrf_input: ClassVar[Markup] = CSRF_SLOT  # a kept card's; the view writes its token there
    widget: DecisionWidget
    and_text: Markup
    here: Markup  # the queue's address, where a decision leads back to


_SHOWN = attrgetter(*(f.name for f in fields(ProposalRow) if f.name != "reasons"))


def card_key(p: ProposalRow) -> tuple[Any, ...]:
    """Every value of a proposal's row, as a key (a card shows most of them)."""
    reasons = p.reasons or ()
    if all(isinstance(r, str) for r in reasons):
        shown_reasons: Any = tuple(reasons)
    else:  # the engine's reasons: codes with their values
        shown_reasons = json.dumps(reasons, sort_keys=True, default=str)
    return (*_SHOWN(p), shown_reasons)


class CardMemo:
    """The markup of the cards drawn lately, keyed by the card's template, the view's language
    and address and every value of the card's row (`card_key`), so a kept card is never
    stale: a decision, a firm renamed, a new score or the template reloaded in debug mode makes
    another key. It holds at most `held` characters of markup (a card is about 1,900; its
    key's texts are the card's own), the oldest cards going first. One per app and process.

    The next view of a queue page shows the cards of the last one but the one decided: /review
    with its 25 cards kept 18.83 -> 13.18 M instructions per request against the cards made
    and drawn on every view (benchmarks/instructions.py --requests 10); drawn every time, as
    for cards not seen before, +36% CPU (benchmarks/tricks.py, "review cards not kept"), about
    +10% against the page before the cards were kept (their keys, a macro call per card).

    The queue's content is kept in a memo of its own (`CONTENT_MEMO`; its bound counts the
    markup, not the keys, which hold the page's cards' values): /review 12.62 -> 9.75 M
    instructions per request; the content drawn on every view, its cards kept (the view after
    a decision), +19% CPU (benchmarks/tricks.py, "review content not kept"), nothing kept
    +64%."""

    def __init__(self, held: int = 2_000_000) -> None:
        self.held = held
        self._cards: dict[tuple[Any, ...], Markup] = {}
        self._size = 0  # the characters held
        self._lock = threading.Lock()  # for a threaded server: `keep` reads and writes both

    def __len__(self) -> int:
        return len(self._cards)

    @property
    def size(self) -> int:
        return self._size

    def get(self, key: tuple[Any, ...]) -> Markup | None:
        return self._cards.get(key)

    def keep(self, key: tuple[Any, ...], card: Markup) -> None:
        if len(card) > self.held:
            return
        with self._lock:
            if key in self._cards:
                return
            while self._size + len(card) > self.held:  # a dict keeps its keys in insertion order
                self._size -= len(self._cards.pop(next(iter(self._cards))))
            self._cards[key] = card
            self._size += len(card)


MEMO = "matchmaker.review_cards"
CONTENT_MEMO = "matchmaker.review_content"


def card_memo(name: str = MEMO) -> CardMemo:
    memo = current_app.extensions.get(name)
    if memo is None:
        memo = current_app.extensions[name] = CardMemo()
    return memo


def queue_cards_html(
    rows: list[ProposalRow],
    keys: list[tuple[Any, ...]],
    filter_args: dict[str, str],
    widget: DecisionWidget,
) -> Markup:
    """The queue's cards as markup: each kept one written as kept, the others made
    (`queue_cards`), drawn by templates/review/_card.html and kept under their `card_keys`.
    Each card's form holds `CSRF_SLOT` where the viewer's CSRF token goes."""
    memo = card_memo()
    template = current_app.jinja_env.get_template(CARD)
    drawn = [memo.get(key) for key in keys]
    if None in drawn:
        page = CardPage(widget, escape(get_translations().ugettext(AND)), escape(request.full_path))
        todo = [i for i, card in enumerate(drawn) if card is None]
        made = queue_cards([rows[i] for i in todo], filter_args, widget)
        for i, card in zip(todo, made, strict=True):
            drawn[i] = template.module.card(card, page)
            memo.keep(keys[i], drawn[i])
    return Markup("").join(drawn)


CARD, CONTENT = "review/_card.html", "review/_queue_content.html"


def _view() -> tuple[Any, ...]:
    """What every card and the content of one view of the queue show besides their rows: the
    view's language, host, script root and address."""
    return (str(get_locale()), request.host_url, request.script_root, request.full_path)


def card_keys(rows: list[ProposalRow]) -> list[tuple[Any, ...]]:
    view = (current_app.jinja_env.get_template(CARD), *_view())
    return [(view, card_key(p)) for p in rows]


def queue_content_html(page: Page[ProposalRow], widget: DecisionWidget, **shown: Any) -> Markup:
    """The queue's content (templates/review/_queue_content.html) with `page`'s cards, kept
    (`CONTENT_MEMO`) for the next view of the same address in the same language whose page
    has the same number, total and cards (every value of each); then the viewer's CSRF token
    written in every card's form. `shown`: the template's other values, all of them made from
    the address (the filters, the bulk bar). Not kept where templates are reloaded (debug)."""
    keys = card_keys(page.items)
    key = (*_view(), page.page, page.per_page, page.total, tuple(keys))
    memo = card_memo(CONTENT_MEMO)
    content = memo.get(key)
    if content is None:
        cards = queue_cards_html(page.items, keys, shown["filter_args"], widget)
        drawn = render_template(CONTENT, page=page, cards_html=cards, **shown)
        content = Markup(drawn)  # noqa: S704 - a template's HTML, escaped as it was drawn
        if not current_app.jinja_env.auto_reload:
            memo.keep(key, content)
    return content.replace(CSRF_SLOT, widget.csrf_input)
