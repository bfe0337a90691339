"""The dashboard's figures, counted as the page says: a proposal counts in the sectors of both
firms, once per sector."""

from matchmaker.models import Message, Proposal, ProposalStatus, Thread
from matchmaker.services.dashboard import statistics


def test_funnel_counts_each_proposal_once_per_sector_of_either_firm(make_firm, db_session):
    pk_tractors = make_firm(ref="PK-1", sectors=["tractors"])
    pk_both = make_firm(ref="PK-2", sectors=["tractors", "textiles"])
    by_tractors = make_firm(ref="BY-1", country="BY", sectors=["tractors"])
    by_textiles = make_firm(ref="BY-2", country="BY", sectors=["textiles"])

    def propose(pk, by, status):
        p = Proposal(
            pk_firm_id=pk.id, by_firm_id=by.id, score=0.5, reasons=[], signals={}, status=status
        )
        db_session.add(p)
        db_session.flush()
        return p

    same = propose(pk_tractors, by_tractors, ProposalStatus.APPROVED)  # tractors on both sides
    mixed = propose(pk_both, by_textiles, ProposalStatus.APPROVED)  # textiles twice, tractors
    propose(pk_tractors, by_textiles, ProposalStatus.PROPOSED)  # tractors and textiles
    for proposal, senders in ((same, [pk_tractors, by_tractors]), (mixed, [pk_both])):
        thread = Thread(proposal_id=proposal.id)
        db_session.add(thread)
        db_session.flush()
        for firm in senders:
            db_session.add(Message(thread_id=thread.id, sender_firm_id=firm.id, body="hello"))
    db_session.commit()

    funnel = {row.sector: row for row in statistics(db_session).funnel}
    assert set(funnel) == {"tractors", "textiles"}
    tractors, textiles = funnel["tractors"], funnel["textiles"]
    assert (tractors.proposed, tractors.approved, tractors.first_message, tractors.reply) == (
        3,
        2,
        2,
        1,
    )
    assert (textiles.proposed, textiles.approved, textiles.first_message, textiles.reply) == (
        2,
        1,
        1,
        0,
    )
