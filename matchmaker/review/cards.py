"""The review queue's cards as the template shows them: each proposal's row with its links,
score, status and reasons ready, made in one pass over the page (templates/review/queue.html).

Against url_for, Flask-Babel's lookups and four macros per card (score bar, status, reasons,
decision form), the queue of 25 cards: 42.19 -> 31.69 M instructions per request
(benchmarks/instructions.py --requests 10 /review, PostgreSQL load database)."""

from __future__ import annotations

from dataclasses import dataclass

from matchmaker.services.rows import ProposalRow
from matchmaker.web.match_display import ProposalText, ShownScore
from matchmaker.web.urls import url_pattern


@dataclass(frozen=True, slots=True)
class QueueCard:
    p: ProposalRow
    url: str  # the proposal's page, under the queue's filters
    decide_url: str  # where its decision form posts
    score: ShownScore
    status: str  # in the reader's language
    reasons: list[str]


def queue_cards(rows: list[ProposalRow], filter_args: dict[str, str]) -> list[QueueCard]:
    text = ProposalText()
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
        )
        for p in rows
    ]
