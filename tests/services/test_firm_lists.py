"""A firm's list fields (sectors, offered and sought types) read with its row, as the directory,
the profile, the API and the introductions show them: in the firm's own order, whatever it is,
past ten entries too (positions 2 and 10 sort as numbers)."""

import random

from matchmaker.models import Proposal, ProposalStatus
from matchmaker.services import firms, introductions
from matchmaker.services.firms import DirectoryQuery
from matchmaker.services.reference import COOPERATION_TYPES, SECTORS


def _scrambled(codes, seed):
    codes = list(codes)
    random.Random(seed).shuffle(codes)
    return codes


def test_list_fields_keep_the_firm_s_order(db_session, make_firm, make_user):
    sectors = _scrambled([s.code for s in SECTORS], 1)[:12]
    offer_types = _scrambled([t.code for t in COOPERATION_TYPES], 2)[:5]
    seek_types = _scrambled([t.code for t in COOPERATION_TYPES], 3)[:4]
    listed = make_firm(
        ref="BY-LISTS",
        name="Minsk Lists Works",
        country="BY",
        sectors=sectors,
        offer_types=offer_types,
        seek_types=seek_types,
    )
    plain = make_firm(ref="BY-PLAIN", name="Gomel Plain Works", country="BY", seek_types=[])
    own = make_firm(ref="PK-OWN", name="Lahore Own Works", country="PK")
    viewer = make_user("viewer@example.com", firm=own)
    expected = (sectors, offer_types, seek_types)

    def lists(row):
        return row.sectors, row.offer_types, row.seek_types

    assert lists(firms.firm_row(db_session, viewer, listed.id)) == expected
    assert lists(firms.firm_row(db_session, viewer, plain.id)) == (
        ["tractors"],
        [
            "assembly",
            "distribution",
        ],
        [],
    )
    cards = firms.firm_listings(db_session, [plain.id, listed.id])
    assert [c.sectors for c in cards] == [["tractors"], sectors]
    for query in (DirectoryQuery(q="Minsk Lists"), DirectoryQuery(country="BY")):
        page = firms.directory_page(db_session, viewer, query, page=1, per_page=20)
        found = {row.id: lists(row) for row in page.items}
        assert found[listed.id] == expected
        page, _states = firms.directory_with_states(db_session, viewer, query, page=1, per_page=20)
        assert {card.id: card.sectors for card in page.items}[listed.id] == sectors

    db_session.add(
        Proposal(
            pk_firm_id=own.id,
            by_firm_id=listed.id,
            score=0.8,
            reasons=[],
            status=ProposalStatus.APPROVED,
        )
    )
    db_session.commit()
    [introduction] = introductions.introductions(db_session, viewer)
    assert introduction.partner.sectors == sectors
