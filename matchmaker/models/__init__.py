"""Typed ORM classes. Importing this package registers every table on the metadata."""

from matchmaker.models.audit import AuditEntry
from matchmaker.models.base import Base, as_utc, utcnow
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
from matchmaker.models.proposal import Proposal, ProposalCount, ProposalStatus
from matchmaker.models.token import ApiToken
from matchmaker.models.user import Role, User

__all__ = [
    "ApiToken",
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
    "FirmSector",
    "Message",
    "Proposal",
    "ProposalCount",
    "ProposalStatus",
    "Role",
    "Sector",
    "Thread",
    "ThreadRead",
    "User",
    "as_utc",
    "utcnow",
]
