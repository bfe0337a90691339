"""The signed-in user of a request, read as one row (`UserRow`, services/user_rows.py: one
cached statement through the session's connection, no ORM entity).

The row also carries the firm's unread total for the navigation's badge (a subquery: one
round trip a page fewer; `unread_badge`).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, case, select

from matchmaker.extensions import db
from matchmaker.models import Role, User
from matchmaker.services import unread
from matchmaker.services.user_rows import UserRow, user_columns

UNREAD = "unread_badge"


@cache
def _statement() -> Select:
    badge = case(
        (User.role == Role.FIRM, unread.unread_sum(User.firm_id).scalar_subquery()), else_=0
    )
    return select(*user_columns(), badge.label(UNREAD)).where(User.id == bindparam("user_id"))


def load(user_id: int) -> UserRow | None:
    row = db.session.connection().execute(_statement(), {"user_id": user_id}).first()
    return UserRow(row._asdict(), db.session) if row is not None else None


def unread_badge(user: Any) -> int:
    """The firm's unread messages, for the navigation: as read with the signed-in row, or
    asked again (after `forget_unread`, or for a user not read that way)."""
    if isinstance(user, UserRow) and UNREAD in user._row:
        return int(user._row[UNREAD] or 0)
    return unread.unread_total(db.session, user)


def forget_unread(user: Any) -> None:
    """This request changed the firm's unread total (it marked a thread read): the badge is
    read again when the page shows it."""
    if isinstance(user, UserRow):
        user._row.pop(UNREAD, None)
