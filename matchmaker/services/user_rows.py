"""A user read as one row of columns, standing for the `User` entity: the signed-in user of a
page (web/signed_in.py) and the owner of an API token (services/tokens.py).

Loading the `User` entity through the ORM (identity map, loading machinery) cost more than the
query itself; `UserRow` holds the row's columns instead and stands for the entity wherever the
app uses it: the columns and the properties are read from the row; anything else (the firm, the
password hash) and every change go to the `User` entity, loaded on first use into the session it
was read with (and read from it from then on), so services that change the account work as
before. benchmarks/pages.py, `signed in, no page`: see the note of issue 17; the API's token
owner read so, against the token and user entities: API list 13.01 -> 12.61 M instructions per
request (benchmarks/instructions.py --requests 10).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, scoped_session

from matchmaker.models import User
from matchmaker.models.user import UserRoles

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


def user_columns() -> tuple[Any, ...]:
    """The columns of `User` a `UserRow` holds, for a select."""
    return tuple(getattr(User, name) for name in COLUMNS)


class UserRow(UserRoles):
    """A `User` read as one row (see the module's docstring); Flask-Login's user protocol."""

    __slots__ = ("_entity", "_row", "_session")

    def __init__(self, row: dict[str, Any], session: Session | scoped_session) -> None:
        object.__setattr__(self, "_row", row)
        object.__setattr__(self, "_entity", None)
        object.__setattr__(self, "_session", session)

    @property
    def entity(self) -> User:
        """The `User` itself, loaded into the session on first use."""
        if self._entity is None:
            object.__setattr__(self, "_entity", self._session.get(User, self._row["id"]))
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
        return f"<UserRow {self.id} {self.email} {self.role}>"
