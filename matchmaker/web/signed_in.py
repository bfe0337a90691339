"""The signed-in user of a request, read as one row.

Flask-Login asks the user loader for the user on every signed-in request. Loading the `User`
entity through the ORM (identity map, loading machinery) cost more than the query itself;
`SignedInUser` holds the row's columns instead (one cached statement through the session's
connection) and stands for the entity wherever the app uses it: the columns and the
properties are read from the row; anything else (the firm, the password hash) and every change
go to the `User` entity, loaded on first use (and read from it from then on), so services that
change the account work as before. benchmarks/pages.py, `signed in, no page`: see the note of
issue 17 for the figure.

The row also carries the firm's unread total for the navigation's badge (a subquery: one
round trip a page fewer; `unread_badge`).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, case, select

from matchmaker.extensions import db
from matchmaker.models import Role, User
from matchmaker.models.user import UserRoles
from matchmaker.services import messaging

COLUMNS = (
    "id",
    "email",
    "role",
    "active",
    "session_version",
    "notify_email",
    "firm_id",
    "created_at",
    "email_confirmed_at",
    "locale",
)


UNREAD = "unread_badge"


@cache
def _statement() -> Select:
    unread = case(
        (User.role == Role.FIRM, messaging.unread_sum(User.firm_id).scalar_subquery()), else_=0
    )
    return select(*(getattr(User, name) for name in COLUMNS), unread.label(UNREAD)).where(
        User.id == bindparam("user_id")
    )


def load(user_id: int) -> SignedInUser | None:
    row = db.session.connection().execute(_statement(), {"user_id": user_id}).first()
    return SignedInUser(row._asdict()) if row is not None else None


class SignedInUser(UserRoles):
    """A `User` read as one row (see the module's docstring); Flask-Login's user protocol."""

    __slots__ = ("_entity", "_row")

    def __init__(self, row: dict[str, Any]) -> None:
        object.__setattr__(self, "_row", row)
        object.__setattr__(self, "_entity", None)

    @property
    def entity(self) -> User:
        """The `User` itself, loaded into the request's session on first use."""
        if self._entity is None:
            object.__setattr__(self, "_entity", db.session.get(User, self._row["id"]))
        return self._entity

    def __getattr__(self, name: str) -> Any:
        # Only called for what the class does not define: the row's columns, or the entity's.
        entity = object.__getattribute__(self, "_entity")
        row = object.__getattribute__(self, "_row")
        if entity is None and name in row:
            return row[name]
        return getattr(self.entity, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.entity, name, value)

    # Flask-Login's protocol (its id and the roles: `UserRoles`, as for `User`).
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    def __repr__(self) -> str:
        return f"<SignedInUser {self.id} {self.email} {self.role}>"


def unread_badge(user: Any) -> int:
    """The firm's unread messages, for the navigation: as read with the signed-in row, or
    asked again (after `forget_unread`, or for a user not read that way)."""
    if isinstance(user, SignedInUser) and UNREAD in user._row:
        return int(user._row[UNREAD] or 0)
    return messaging.unread_total(db.session, user)


def forget_unread(user: Any) -> None:
    """This request changed the firm's unread total (it marked a thread read): the badge is
    read again when the page shows it."""
    if isinstance(user, SignedInUser):
        user._row.pop(UNREAD, None)
