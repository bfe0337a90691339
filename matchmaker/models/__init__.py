"""Typed ORM classes. Importing this package registers every table on the metadata."""

from matchmaker.models.attachment import Attachment
from matchmaker.models.audit import AuditEntry
from matchmaker.models.base import Base, as_utc, utcnow
from matchmaker.models.company import Invitation
from matchmaker.models.event import (
    Event,
    EventDay,
    EventParticipant,
    EventStatus,
    Meeting,
    MeetingKindValue,
    MeetingRequest,
    NextStep,
    Outcome,
    ParticipantStatus,
    RequestStatus,
)
from matchmaker.models.firm import (
    CooperationType,
    Country,
    Direction,
    Firm,
    FirmCooperationType,
    FirmSector,
    Sector,
)
from matchmaker.models.matching_state import (
    EngineChange,
    EngineGeneration,
    FirmEmbedding,
    SearchChanges,
)
from matchmaker.models.message import Message, Thread, ThreadRead
from matchmaker.models.proposal import Proposal, ProposalCount, ProposalStatus
from matchmaker.models.saved import SavedPartner
from matchmaker.models.token import ApiToken
from matchmaker.models.user import FirmRole, Role, User

__all__ = [
    "ApiToken",
    "Attachment",
    "AuditEntry",
    "Base",
    "CooperationType",
    "Country",
    "Direction",
    "EngineChange",
    "EngineGeneration",
    "Event",
    "EventDay",
    "EventParticipant",
    "EventStatus",
    "Firm",
    "FirmCooperationType",
    "FirmEmbedding",
    "FirmRole",
    "FirmSector",
    "Meeting",
    "MeetingKindValue",
    "MeetingRequest",
    "Invitation",
    "Message",
    "NextStep",
    "Outcome",
    "ParticipantStatus",
    "Proposal",
    "ProposalCount",
    "ProposalStatus",
    "RequestStatus",
    "Role",
    "SavedPartner",
    "SearchChanges",
    "Sector",
    "Thread",
    "ThreadRead",
    "User",
    "as_utc",
    "utcnow",
]
