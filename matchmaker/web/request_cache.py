"""Values kept for the rest of one request (its app context's `g`), reached in one lookup.

Template helpers called many times a page (translations, the CSRF token, <option> lists) keep
what they found here instead of going through Flask's context proxies on every call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import g


def request_state() -> dict[str, Any] | None:
    """This request's `g` as a dict; None outside an app context."""
    try:
        return g._get_current_object().__dict__
    except RuntimeError:
        return None


def kept(name: str, make: Callable[[], Any]) -> Any:
    """`make()` once per request under `name`; outside a request, every time."""
    state = request_state()
    if state is None:
        return make()
    key = "_kept_" + name
    if key not in state:
        state[key] = make()
    return state[key]
