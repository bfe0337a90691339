from dataclasses import dataclass

import pytest
from sqlalchemy import select

from matchmaker.models import Proposal, ProposalStatus


@dataclass
class World:
    pk: object
    by: object
    other: object
    proposal_id: int
    other_proposal_id: int


@pytest.fixture
def world(make_firm, make_user, db_session):
    """Two partner firms with accounts, a third firm, a staff officer and two proposals."""
    pk = make_firm(ref="PK-1", name="Indus Assemblers", country="PK")
    by = make_firm(
        ref="BY-1", name="Neman Tractors", country="BY", contact_email="sales@neman.example"
    )
    other = make_firm(ref="PK-2", name="Other Firm", country="PK")
    make_user("pk@example.com", firm=pk)
    make_user("by@example.com", firm=by)
    make_user("other@example.com", firm=other)
    make_user("staff@example.com", role="staff")
    first = Proposal(
        pk_firm_id=pk.id,
        by_firm_id=by.id,
        score=0.8,
        reasons=[{"code": "sectors_shared", "sectors": ["tractors"]}],
        signals={},
        status=ProposalStatus.PROPOSED,
    )
    second = Proposal(
        pk_firm_id=other.id,
        by_firm_id=by.id,
        score=0.4,
        reasons=["Related."],
        signals={},
        status=ProposalStatus.PROPOSED,
    )
    db_session.add_all([first, second])
    db_session.commit()
    return World(pk, by, other, first.id, second.id)


def proposal(db_session, proposal_id):
    db_session.expire_all()
    return db_session.scalar(select(Proposal).where(Proposal.id == proposal_id))
