"""A firm's introductions as templates/messages/matches.html shows them: each one's links,
partner's country and sectors, score, reasons and answers ready, made in one pass for the page.

Against url_for, Flask-Babel's lookups and three macros per card (sectors, score bar, reasons)
and a CSRF token asked for twice per card, the load database's firm (4 introductions): 16.11 ->
12.70 M instructions per request (benchmarks/instructions.py --requests 10 /matches). The texts
with the partner's name formatted here and the fixed ones set once in the template, against
`_()` five times per card: 12.69 -> 12.24 (--requests 20)."""

from __future__ import annotations

from dataclasses import dataclass

from matchmaker.services.reference import N_
from matchmaker.services.rows import Introduction
from matchmaker.web.match_display import ProposalText, ShownScore
from matchmaker.web.urls import url_pattern

WRITE = N_("Write to %(name)s")
DECLINE = N_("Decline the introduction to %(name)s? The conversation closes for both firms.")


@dataclass(frozen=True, slots=True)
class IntroductionCard:
    p: Introduction
    partner_url: str
    country: str  # the partner's country, named in the reader's language
    sectors: list[tuple[str, str]]  # the partner's (sector label, ISIC codes)
    score: ShownScore
    reasons: list[str]
    mine: str  # this firm's answer in the reader's language ("" for none yet)
    theirs: str  # the partner's
    thread_url: str | None
    respond_url: str
    write_label: str  # the link to the conversation, with the partner's name
    decline_question: str  # what declining asks first


def introduction_cards(introductions: list[Introduction]) -> list[IntroductionCard]:
    text = ProposalText()
    write, decline = text.gettext(WRITE), text.gettext(DECLINE)
    partner = url_pattern("firms.show", "firm_id")
    thread = url_pattern("messages.thread", "thread_id")
    respond = url_pattern("messages.respond", "proposal_id")
    return [
        IntroductionCard(
            p,
            partner(p.partner.id),
            text.country(p.partner.country),
            text.sectors(p.partner.sectors),
            text.score(p.score),
            text.reasons(p.reasons),
            text.term(p.mine),
            text.term(p.theirs),
            thread(p.thread_id) if p.thread_id else None,
            respond(p.id),
            write % {"name": p.partner.name},
            decline % {"name": p.partner.name},
        )
        for p in introductions
    ]
