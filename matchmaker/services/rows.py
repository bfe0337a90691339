"""The rows that lists show: one named type per list, the same for its page and its API.

Services read lists as rows of the columns they show (no ORM objects to build) and hand them
out as these types; templates and the API's schemas read the same attributes. Frozen
dataclasses with slots: immutable and cheap to make by the dozen for every page (marshmallow
reads their attributes directly; a tuple's index lookup would fail first on every field).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class FirmBrief:
    """A firm as other rows name it."""

    id: int
    ref: str
    name: str
    country: str


@dataclass(frozen=True, slots=True)
class FirmRow:
    """A firm's record of the contract, as the directory, the profile page and the API show
    it. `contact_email` is None unless the viewer may see it (`introductions.contact_visible`)."""

    id: int
    ref: str
    name: str
    country: str
    city: str | None
    sectors: list[str]
    offers: str
    seeks: str
    offer_types: list[str]
    seek_types: list[str]
    description: str | None
    employees: int | None
    founded: int | None
    website: str | None
    contact_email: str | None


@dataclass(frozen=True, slots=True)
class FirmListing:
    """A firm as the directory's cards show it: what a card prints, not the whole record
    (`FirmRow`). The directory's rows read only these columns, its sectors the one list field
    of the three: the directory search 23.32 -> 21.35 M instructions per request, search +
    sector 22.92 -> 20.96 (benchmarks/instructions.py --requests 10)."""

    id: int
    name: str
    country: str
    city: str | None
    sectors: list[str]
    offers: str


@dataclass(frozen=True, slots=True)
class ProposalRow:
    """A proposal in the review queue and the API. The note and the deciding officer are None
    for anyone but staff."""

    id: int
    pk_firm: FirmBrief
    by_firm: FirmBrief
    score: float
    status: str
    reasons: list[str]
    version: int
    note: str | None
    reject_reason: str | None
    decided_at: datetime | None
    decided_by_email: str | None
    # The firm that asked EDB for this introduction (one of the two), and its words to EDB.
    requested_by: FirmBrief | None = None
    request_message: str | None = None


@dataclass(frozen=True, slots=True)
class Partner:
    id: int
    name: str
    country: str
    city: str | None
    contact_email: str | None
    sectors: list[str]


@dataclass(frozen=True, slots=True)
class Introduction:
    """An approved proposal as the firm's introductions page shows it."""

    id: int
    score: float
    reasons: list[str]
    mine: str | None  # this firm's answer
    theirs: str | None  # the partner's
    partner: Partner
    thread_id: int | None
    closed: bool = False  # one of the firms declined: the conversation is read-only


@dataclass(frozen=True, slots=True)
class ThreadRow:
    """A conversation in a firm's inbox and the API's thread list."""

    id: int
    proposal_id: int
    partner: FirmBrief
    unread: int
    last_message_at: datetime | None
    state: str = "open"  # open, closed (declined) or withdrawn (EDB reversed its approval)
    last_line: str | None = None  # the first line of the last message


@dataclass(frozen=True, slots=True)
class MessageRow:
    """A message in a thread page and the API. The thread page also reads `author` (who of
    the firm wrote it; None for an account since deleted) and `has_files`."""

    id: int
    thread_id: int
    sender_firm: FirmBrief
    body: str
    created_at: datetime
    author: str | None = None
    has_files: bool = False


@dataclass(frozen=True, slots=True)
class AuditRow:
    """A decision in the audit trail and a proposal's history."""

    id: int
    created_at: datetime
    actor_email: str | None
    action: str
    from_status: str | None
    to_status: str | None
    note: str | None
    proposal_id: int | None
    pk_name: str | None
    by_name: str | None
