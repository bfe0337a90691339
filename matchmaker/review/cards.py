"""The review queue's cards as the template shows them: each proposal's row with its links,
score, status, reasons and texts ready, made in one pass over the page
(templates/review/queue.html).

Against url_for, Flask-Babel's lookups and four macros per card (score bar, status, reasons,
decision form), the queue of 25 cards: 42.19 -> 31.69 M instructions per request
(benchmarks/instructions.py --requests 10 /review, PostgreSQL load database). The texts with a
card's values (`label`, `decided`, `requested`) are formatted here, their translation found once
for the page, and each card's reasons' <option>s are ready: against the template's `_()` and
`reason_options()` per card, 28.40 -> 26.31 (--requests 20)."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from matchmaker.review.forms import DecisionWidget
from matchmaker.services.reference import N_
from matchmaker.services.rows import ProposalRow
from matchmaker.web.match_display import ProposalText, ShownScore
from matchmaker.web.urls import url_pattern

SELECT = N_("Select proposal %(id)s")
DECIDED = N_("Decided by %(email)s")
REQUESTED = N_("Requested by %(name)s")


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
