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
    box = None
    if request_form is not None:
        mid = f"message-{_SLOT}"
        box = str(request_form.message(id=mid, **{"aria-describedby": f"{mid}-hint"}))
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
        message_label=request_form.message.label.text if request_form is not None else "",
        message_hint=request_form.message.description if request_form is not None else "",
        message_errors=" ".join(request_form.message.errors) if request_form is not None else "",
        _box=box,
    )
