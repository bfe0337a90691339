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
from markupsafe import Markup

from matchmaker.firms.forms import IntroductionRequestForm
from matchmaker.services.requests import PartnerState
from matchmaker.services.rows import FirmRow
from matchmaker.web.match_display import ProposalText
from matchmaker.web.urls import UrlPattern, built_once, url_pattern

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


EMPTY_REQUEST = "empty"  # partner_actions' request form: the empty one, drawn once a language


@dataclass(frozen=True, slots=True)
class _RequestBox:
    html: str  # the message field, drawn with the slot id
    label: Markup
    hint: Markup
    errors: str


@dataclass(frozen=True, slots=True)
class _Fixed:
    """What is the same on every page in one language."""

    save: UrlPattern
    forget: UrlPattern
    request: UrlPattern
    introduced_url: str
    labels: dict[str, str]
    empty_request: _RequestBox


def partner_actions(request_form, back: str) -> PartnerActions:
    """The page's `PartnerActions`; `request_form` the introduction request form as posted,
    EMPTY_REQUEST for the empty one, or None where the page offers no request; `back` where
    its forms return to."""
    fixed = built_once(("partner actions", str(get_locale())), _fixed)
    box = None
    if request_form is EMPTY_REQUEST:
        box = fixed.empty_request
    elif request_form is not None:
        box = _request_box(request_form)
    return PartnerActions(
        back=back,
        csrf=generate_csrf(),
        save=fixed.save,
        forget=fixed.forget,
        request=fixed.request,
        introduced_url=fixed.introduced_url,
        labels=fixed.labels,
        message_label=box.label if box else "",
        message_hint=box.hint if box else "",
        message_errors=box.errors if box else "",
        _box=box.html if box else None,
    )


def _request_box(form) -> _RequestBox:
    mid = f"message-{_SLOT}"
    return _RequestBox(
        str(form.message(id=mid, **{"aria-describedby": f"{mid}-hint"})),
        # The field's lazy texts translated once, not by Flask-Babel on each card that shows
        # them; markup, as a lazy text renders (our catalogue's).
        Markup(form.message.label.text),  # noqa: S704
        Markup(form.message.description),  # noqa: S704
        " ".join(form.message.errors),
    )


def _fixed() -> _Fixed:
    """Made once per language (and script root): the URL patterns, the labels and the empty
    request form drawn by WTForms, not a form built and drawn on every page: with the URL
    patterns kept (web/urls.py), the directory search 31.65 -> 28.23 M instructions per
    request, /matches 10.21 -> 9.91 (benchmarks/instructions.py)."""
    return _Fixed(
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
        empty_request=_request_box(IntroductionRequestForm(formdata=None)),
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
