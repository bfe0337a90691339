from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, DateTime, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.models.base import Base, utcnow

if TYPE_CHECKING:
    from matchmaker.models.firm import Firm


class Role(StrEnum):
    FIRM = "firm"
    STAFF = "staff"
    ADMIN = "admin"


class FirmRole(StrEnum):
    """A firm user's place in the company account: the admin invites and removes colleagues."""

    ADMIN = "admin"
    MEMBER = "member"


class UserRoles:
    """Flask-Login's id and the roles of a user, from its `id`, `session_version` and `role`:
    for `User` and for the signed-in user read as one row (web/signed_in.py)."""

    __slots__ = ()
    id: int
    session_version: int
    role: str

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.STAFF, Role.ADMIN)

    @property
    def is_firm_user(self) -> bool:
        return self.role == Role.FIRM


class User(UserRoles, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased by the services, so the unique constraint is case-insensitive.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(
            Role,
            name="role",
            native_enum=False,
            create_constraint=True,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=Role.FIRM,
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped on sign-out and password change: every older session cookie stops working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    notify_email: Mapped[bool] = mapped_column(Boolean, default=True)
    # Several users per firm (a company account): the firm's data belongs to the firm.
    firm_id: Mapped[int | None] = mapped_column(
        ForeignKey("firms.id", ondelete="SET NULL"), index=True
    )
    firm_role: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The language chosen with the switcher: pages after sign-in and e-mails use it.
    locale: Mapped[str | None] = mapped_column(String(8))

    firm: Mapped[Firm | None] = relationship(back_populates="users")

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    @property
    def is_firm_admin(self) -> bool:
        return self.is_firm_user and self.firm_id is not None and self.firm_role == FirmRole.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"
