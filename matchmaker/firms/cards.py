"""What the viewing firm can do with each firm of a page (save it, ask EDB for an
introduction), made once for the page: the CSRF token, the forms' URLs as patterns, the
labels translated once, and the request form's message box drawn once with a slot for the
firm's id. The directory's 20 cards drew the box through WTForms, asked for the token and
the URLs for each card and translated its labels: /firms?q=tractor+kits 50.91 -> 44.03 M
instructions per request (benchmarks/instructions.py --requests 10 "directory search")."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from matchmaker.firms.forms import IntroductionRequestForm
from matchmaker.services.partner_states import PartnerState
from matchmaker.services.rows import FirmListing
from matchmaker.web.match_display import ProposalText
from matchmaker.web.urls import UrlPattern, built_once, url_pattern

_SLOT = "0"  # the id the message box is drawn with, replaced by each firm's


@dataclass(frozen=True, slots=True)
class RequestBox:
    """The introduction request's message field, drawn once with the slot id, and its texts
    (the field's lazy texts translated once, not by Flask-Babel on each card that shows them;
    markup, as a lazy text renders: our catalogue's)."""

    html: str
    label: Markup
    hint: Markup
    errors: str

    @classmethod
    def of(cls, form: IntroductionRequestForm) -> RequestBox:
        mid = f"message-{_SLOT}"
        return cls(
            str(form.message(id=mid, **{"aria-describedby": f"{mid}-hint"})),
            Markup(form.message.label.text),  # noqa: S704
            Markup(form.message.description),  # noqa: S704
            " ".join(form.message.errors),
        )

    def for_firm(self, firm_id: int) -> Markup:
        """The field for the card of `firm_id` (its id and its hint's)."""
        n = str(int(firm_id))
        box = self.html.replace(f'id="message-{_SLOT}"', f'id="message-{n}"')
        return Markup(  # noqa: S704 - WTForms' escaped output, an integer put in
            box.replace(f'"message-{_SLOT}-hint"', f'"message-{n}-hint"')
        )


@dataclass(frozen=True, slots=True)
class SharedActions:
    """What is the same on every page in one language: the forms' URL patterns, the labels
    and the empty request form as WTForms draws it. Made once per language and script root,
    not a form built and drawn on every page: with the URL patterns kept (web/urls.py), the
    directory search 31.65 -> 28.23 M instructions per request, /matches 10.21 -> 9.91
    (benchmarks/instructions.py)."""

    save: UrlPattern
    forget: UrlPattern
    request: UrlPattern
    introduced_url: str
    labels: dict[str, Markup]  # escaped
    empty_request: RequestBox


@dataclass(frozen=True, slots=True)
class PartnerActions:
    """A page's actions (firms/_partner_actions.html): where its forms return to, its CSRF
    token, the shared parts, and the request box (None where the page offers no request)."""

    back: Markup  # escaped, as the unescaped template writes it (firms/_card.html)
    csrf: Markup
    shared: SharedActions
    box: RequestBox | None


def partner_actions(
    back: str, request_form: IntroductionRequestForm | None = None, *, offer_request: bool = True
) -> PartnerActions:
    """The page's `PartnerActions`: `back` where its forms return to; the request box drawn
    from `request_form` as posted (with its words and errors), else the empty one."""
    shared = built_once(("partner actions", str(get_locale())), _shared)
    box = None
    if offer_request:
        box = shared.empty_request if request_form is None else RequestBox.of(request_form)
    return PartnerActions(escape(back), escape(generate_csrf()), shared, box)


def _shared() -> SharedActions:
    return SharedActions(
        save=url_pattern("firms.save_partner", "firm_id"),
        forget=url_pattern("firms.forget_partner", "firm_id"),
        request=url_pattern("firms.request_introduction", "firm_id"),
        introduced_url=url_for("messages.matches"),
        labels={
            key: escape(text)
            for key, text in {
                "pending": _("Introduction requested: EDB is reviewing it"),
                "introduced": _("Introduced"),
                "not_taken": _("EDB did not take this introduction forward"),
                "forget": _("Saved ✓ (remove)"),
                "save": _("Save partner"),
                "request": _("Request an introduction"),
                "send": _("Send the request to EDB"),
            }.items()
        },
        empty_request=RequestBox.of(IntroductionRequestForm(formdata=None)),
    )


@dataclass(frozen=True, slots=True)
class FirmCard:
    """A firm as the directory's and the saved partners' cards show it (firms/_card.html)."""

    firm: FirmListing
    url: str
    country: str  # named in the reader's language
    sectors: list[tuple[str, str]]  # (sector label, ISIC codes)
    state: PartnerState | None  # what the viewer's firm may do with it


def firm_cards(firms: list[FirmListing], states: dict[int, PartnerState]) -> list[FirmCard]:
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
