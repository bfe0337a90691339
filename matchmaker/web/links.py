"""Absolute links for e-mails (`services.ports.Links`), built from SITE_URL with the app's own
URL map: never from the request's Host header, and outside a request too (a worker's job)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


class SiteLinks:
    def _url(self, endpoint: str, **values: object) -> str:
        site = urlsplit(current_app.config["SITE_URL"])
        adapter = current_app.url_map.bind(
            site.netloc, script_name=site.path or "/", url_scheme=site.scheme or "http"
        )
        return adapter.build(endpoint, values, force_external=True)

    def introductions(self) -> str:
        return self._url("messages.matches")

    def thread(self, thread_id: int) -> str:
        return self._url("messages.thread", thread_id=thread_id)

    def password_reset(self, token: str) -> str:
        return self._url("auth.reset", token=token)

    def address_confirmation(self, token: str) -> str:
        return self._url("auth.confirm", token=token)

    def event_agenda(self, event_id: int) -> str:
        return self._url("events.agenda", event_id=event_id)

    def invitation(self, token: str) -> str:
        return self._url("colleagues.invitation", token=token)

    def email_change(self, token: str) -> str:
        return self._url("account.confirm_email_change", token=token)

    def login(self) -> str:
        return self._url("auth.login")

    def password_reset_request(self) -> str:
        return self._url("auth.reset_request")
