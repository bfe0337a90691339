"""Domain errors: what a use case raises when it refuses. They know nothing of HTTP; the web
and API layers map them to statuses (`matchmaker.web.errors`), as Superset's API base maps its
commands' exceptions."""

from __future__ import annotations


class DomainError(Exception):
    """The request cannot be carried out."""

    def __init__(self, message: str = "") -> None:
        self.message = message or (type(self).__doc__ or "").strip()
        super().__init__(self.message)


class NotFound(DomainError):
    """Not found."""


class Forbidden(DomainError):
    """You are not allowed to do that."""


class InvalidTransition(DomainError):
    """That change is not possible in the current state."""


class StaleVersion(InvalidTransition):
    """Someone else changed this record in the meantime; reload and try again."""


class ValidationFailed(DomainError):
    """The input is not valid."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
