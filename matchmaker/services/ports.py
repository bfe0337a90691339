"""What the services need from outside them, plugged in by the application factory.

Services send e-mails with links to pages and ask for work to run in the background, but they
import neither the web layer nor the jobs (which call the services, never the other way):
the factory gives them a `Links` builder (absolute addresses from `SITE_URL`) and a
`Background` that queues the work or runs it at once (`configure`). Both look up the current
application when they are used, so one configuration serves every app of a process.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class Links(Protocol):
    """Absolute links to the pages an e-mail points to."""

    def introductions(self) -> str: ...

    def thread(self, thread_id: int) -> str: ...

    def password_reset(self, token: str) -> str: ...

    def address_confirmation(self, token: str) -> str: ...

    def event_agenda(self, event_id: int) -> str: ...

    def invitation(self, token: str) -> str: ...

    def email_change(self, token: str) -> str: ...

    def login(self) -> str: ...

    def password_reset_request(self) -> str: ...


class Background(Protocol):
    """Work that may run after the request (in a worker when there is one)."""

    def send_mail(self, subject: str, body: str, to: list[str]) -> None: ...

    def refresh_proposals(self, firm_ids: list[int]) -> None: ...


@dataclass(frozen=True)
class Ports:
    links: Links
    background: Background


_ports: Ports | None = None


def configure(links: Links, background: Background) -> None:
    global _ports
    _ports = Ports(links, background)


def ports() -> Ports:
    if _ports is None:
        raise RuntimeError("the services are not configured: create the app first")
    return _ports
