"""Typed ORM classes. Importing this package registers every table on the metadata."""

from matchmaker.models.attachment import Attachment
from matchmaker.models.audit import AuditEntry
from matchmaker.models.base import Base, as_utc, utcnow
from matchmaker.models.company import Invitation
from matchmaker.models.firm import (
    CooperationType,
    Country,
    Direction,
    Firm,
    FirmCooperationType,
    FirmSector,
    Sector,
)
from matchmaker.models.matching_state import EngineChange, EngineGeneration, FirmEmbedding
from matchmaker.models.message import Message, Thread, ThreadRead
from matchmaker.models.proposal import Proposal, ProposalStatus
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
    "Firm",
    "FirmCooperationType",
    "FirmEmbedding",
    "FirmRole",
    "FirmSector",
    "Invitation",
    "Message",
    "Proposal",
    "ProposalStatus",
    "Role",
    "Sector",
    "Thread",
    "ThreadRead",
    "User",
    "as_utc",
    "utcnow",
]
