"""What the viewing firm can do with each firm of a page (save it, ask EDB for an
introduction), made once for the page: the CSRF token, the forms' URLs as patterns, the
labels translated once, and the request form's message box drawn once with a slot for the
firm's id. The directory's 20 cards drew the box through WTForms, asked for the token and
the URLs for each card and translated its labels: /firms?q=tractor+kits 50.91 -> 44.03 M
instructions per request (benchmarks/instructions.py --requests 10 "directory search")."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from matchmaker.services.requests import PartnerState
from matchmaker.services.rows import FirmRow
from matchmaker.web.match_display import ProposalText
from matchmaker.web.urls import UrlPattern, url_pattern

_SLOT = "0"  # the id the message box is drawn with, replaced by each firm's


@dataclass(frozen=True, slots=True)
class PartnerActions:
    back: str
    csrf: str
    save: UrlPattern
    forget: UrlPattern
    request: UrlPattern
    introduced_url: str
    labels: dict[str, str]
    message_label: str
    message_hint: str
    message_errors: str
    _box: str | None

    def message_box(self, firm_id: int) -> Markup:
        """The request form's message field for the card of `firm_id` (its id and hint's)."""
        if self._box is None:
            return Markup("")
        n = str(int(firm_id))
        box = self._box.replace(f'id="message-{_SLOT}"', f'id="message-{n}"')
        return Markup(  # noqa: S704 - WTForms' escaped output, an integer put in
            box.replace(f'"message-{_SLOT}-hint"', f'"message-{n}-hint"')
        )


def partner_actions(request_form, back: str) -> PartnerActions:
    """The page's `PartnerActions`; `request_form` the introduction request form (or None
    where the page offers no request), `back` where its forms return to."""
    box, label, hint = None, "", ""
    if request_form is not None:
        mid = f"message-{_SLOT}"
        box = str(request_form.message(id=mid, **{"aria-describedby": f"{mid}-hint"}))
        # The field's lazy texts translated once, not by Flask-Babel on each card that shows
        # them; markup, as a lazy text renders (our catalogue's).
        label = Markup(request_form.message.label.text)  # noqa: S704
        hint = Markup(request_form.message.description)  # noqa: S704
    return PartnerActions(
        back=back,
        csrf=generate_csrf(),
        save=url_pattern("firms.save_partner", "firm_id"),
        forget=url_pattern("firms.forget_partner", "firm_id"),
        request=url_pattern("firms.request_introduction", "firm_id"),
        introduced_url=url_for("messages.matches"),
        labels={
            "pending": _("Introduction requested: EDB is reviewing it"),
            "introduced": _("Introduced"),
            "not_taken": _("EDB did not take this introduction forward"),
            "forget": _("Saved ✓ (remove)"),
            "save": _("Save partner"),
            "request": _("Request an introduction"),
            "send": _("Send the request to EDB"),
        },
        message_label=label,
        message_hint=hint,
        message_errors=" ".join(request_form.message.errors) if request_form is not None else "",
        _box=box,
    )


@dataclass(frozen=True, slots=True)
class FirmCard:
    """A firm as the directory's and the saved partners' cards show it (firms/_card.html)."""

    firm: FirmRow
    url: str
    country: str  # named in the reader's language
    sectors: list[tuple[str, str]]  # (sector label, ISIC codes)
    state: PartnerState | None  # what the viewer's firm may do with it


def firm_cards(firms: list[FirmRow], states: dict[int, PartnerState]) -> list[FirmCard]:
    """The page's cards made in one pass: its link from a URL pattern, the country's and the
    sectors' names from the page's catalogue (against url_for, `country_name()` and the
    `sector_tags` macro on each card: /firms?q=tractor+kits 32.39 -> 31.65 M instructions per
    request, benchmarks/instructions.py)."""
    text = ProposalText()
    show = url_pattern("firms.show", "firm_id")
    return [
        FirmCard(
            firm,
            show(firm.id),
            text.country(firm.country),
            text.sectors(firm.sectors),
            states.get(firm.id),
        )
        for firm in firms
    ]
