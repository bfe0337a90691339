"""What the viewing firm may do with each firm of a directory page, read with the page's rows
(a search or not), is what `partner_states` says of the same firms, in every state."""

from matchmaker.models import Proposal, ProposalStatus, SavedPartner
from matchmaker.services import firms
from matchmaker.services.firms import DirectoryQuery
from matchmaker.services.partner_states import (
    INTRODUCED,
    NOT_TAKEN,
    PENDING,
    PartnerState,
    partner_states,
)


def test_the_directory_s_states_are_partner_states(db_session, make_firm, make_user):
    own = make_firm(ref="PK-OWN", name="Lahore Gear Works", country="PK")
    neighbour = make_firm(ref="PK-NEXT", name="Karachi Gear Works", country="PK")
    by = {
        name: make_firm(ref=f"BY-{name.upper()}", name=f"Minsk Gear Works {name}", country="BY")
        for name in ("asked", "engine", "introduced", "declined", "saved", "untouched")
    }
    status = ProposalStatus
    for name, state, requested in (
        ("asked", status.PROPOSED, own.id),
        ("engine", status.PROPOSED, None),
        ("introduced", status.APPROVED, None),
        ("declined", status.REJECTED, own.id),
    ):
        db_session.add(
            Proposal(
                pk_firm_id=own.id,
                by_firm_id=by[name].id,
                score=0.5,
                reasons=[],
                status=state,
                requested_by_firm_id=requested,
            )
        )
    db_session.add(SavedPartner(firm_id=own.id, partner_id=by["saved"].id))
    db_session.commit()
    viewer = make_user("viewer@example.com", firm=own)
    expected = {
        neighbour.id: PartnerState(can_request=False, request=None, saved=False),
        by["asked"].id: PartnerState(can_request=False, request=PENDING, saved=False),
        by["engine"].id: PartnerState(can_request=True, request=None, saved=False),
        by["introduced"].id: PartnerState(can_request=False, request=INTRODUCED, saved=False),
        by["declined"].id: PartnerState(can_request=False, request=NOT_TAKEN, saved=False),
        by["saved"].id: PartnerState(can_request=True, request=None, saved=True),
        by["untouched"].id: PartnerState(can_request=True, request=None, saved=False),
    }
    # The viewing firm's own has none: its card offers nothing to do with itself.
    assert partner_states(db_session, viewer, [own.id, *expected]) == expected
    for query in (DirectoryQuery(q="Gear Works"), DirectoryQuery()):
        page, states = firms.directory_with_states(db_session, viewer, query, page=1, per_page=20)
        assert {row.id for row in page.items} == {own.id, *expected}
        assert states == expected

    staff = make_user("officer@example.com", role="staff")
    page, states = firms.directory_with_states(
        db_session, staff, DirectoryQuery(q="Gear Works"), page=1, per_page=20
    )
    assert len(page.items) == len(expected) + 1 and states == {}
