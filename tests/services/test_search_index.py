"""The directory search's word index follows every write it depends on (services/search.py,
models.SearchChanges): it is built again after each, whoever wrote and in whatever order the
writes were committed."""

import threading

import pytest
from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from matchmaker.models import Firm, FirmSector
from matchmaker.services import embeddings, search
from tests.fixtures.app import TEST_DATABASE_URL


def _stamp(session) -> int:
    stamp = search.rank(session, "tractor", checked=True).stamp
    session.commit()
    return stamp


def test_every_write_the_index_reads_moves_its_stamp_and_no_other_does(
    app_context, db_session, make_firm
):
    firm = make_firm(ref="PK-1", offers="tractor kits", seeks="dealers")
    stamps = [_stamp(db_session)]

    def wrote(what):
        what()
        db_session.commit()
        stamps.append(_stamp(db_session))
        return stamps[-1] != stamps[-2]

    assert wrote(lambda: make_firm(ref="PK-2", offers="bus bodies", seeks="dealers"))
    assert wrote(lambda: setattr(firm, "city", "Multan"))
    unsectored = delete(FirmSector).where(FirmSector.firm_id == firm.id)  # no firm row changes
    assert wrote(lambda: db_session.execute(unsectored))
    # What the index does not read builds nothing again: 2.5 s of CPU at 20,000 firms.
    assert not wrote(lambda: setattr(firm, "website", "https://tractors.example"))
    assert not wrote(lambda: embeddings.ensure_embeddings(db_session, [firm.id]))
    nobody = update(Firm).where(Firm.id == -1).values(name="x")
    assert not wrote(lambda: db_session.execute(nobody))
    assert wrote(lambda: db_session.execute(delete(Firm).where(Firm.ref == "PK-2")))
    assert [firm.id] == search.search_firm_ids(db_session, "tractor")


def test_an_index_never_holds_a_write_that_was_rolled_back(app_context, db_session, make_firm):
    """A search in a session that has written builds the index from what is committed: built
    from the session's own rows, it kept them after the rollback (the count did not move)."""
    firm = make_firm(ref="PK-1", offers="sprocket kits", seeks="dealers")
    make_firm(ref="PK-2", offers="bus bodies", seeks="dealers")
    assert search.search_firm_ids(db_session, "sprocket") == [firm.id]
    db_session.commit()
    make_firm(ref="PK-3", offers="sprocket parts", seeks="dealers")  # the index is out of date
    firm.offers = "ghostword"
    db_session.flush()
    search.search_firm_ids(db_session, "bus")  # built again, in a session that wrote
    db_session.rollback()
    assert search.search_firm_ids(db_session, "ghostword") == []
    assert firm.id in search.search_firm_ids(db_session, "sprocket")


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="SQLite's writers never overlap")
def test_a_write_committed_after_a_later_one_is_still_found(app, db_session, make_firm):
    """The index followed the newest `updated_at` and id before: an edit whose time was taken
    before another's, but committed after the search had seen the other, was never found."""
    early = make_firm(ref="PK-1", name="Early Works", offers="tractor kits", seeks="dealers")
    late = make_firm(ref="PK-2", name="Late Works", offers="tractor kits", seeks="dealers")
    late_id = late.id
    with app.app_context():
        from matchmaker.extensions import db

        engine = db.engine
    assert search.search_firm_ids(db_session, "widgets") == []
    db_session.commit()

    early.offers = "widgets"
    db_session.flush()  # its updated_at is taken now, its commit comes last

    def edit_late():
        with Session(engine) as other:
            other.get(Firm, late_id).offers = "widgets"
            other.commit()

    writer = threading.Thread(target=edit_late)  # another connection, as another worker
    writer.start()
    writer.join(timeout=30)
    assert not writer.is_alive(), "a write waited for another's commit"
    with Session(engine) as reader:
        assert search.search_firm_ids(reader, "widgets") == [late_id]  # the index is built
    db_session.commit()
    with Session(engine) as reader:
        assert sorted(search.search_firm_ids(reader, "widgets")) == sorted([early.id, late_id])


def test_a_search_asked_again_after_a_write_ranks_what_the_write_changed(
    app_context, db_session, make_firm
):
    """The rankings an index keeps (`_Index.rankings`) are its own: the same search after a
    write that adds, renames or removes a match answers with the firms as they are now."""
    first = make_firm(ref="PK-1", offers="gearbox kits", seeks="dealers")
    db_session.commit()
    assert search.search_firm_ids(db_session, "gearbox") == [first.id]
    assert search.search_firm_ids(db_session, "gearbox") == [first.id]  # kept, the same
    second = make_firm(ref="PK-2", name="Gearbox Works", offers="gearbox parts", seeks="dealers")
    db_session.commit()
    assert search.search_firm_ids(db_session, "gearbox") == [second.id, first.id]  # name counts
    second.name, second.offers, second.description = "Rice House", "basmati rice", "Rice."
    db_session.commit()
    assert search.search_firm_ids(db_session, "gearbox") == [first.id]
    assert search.search_firm_ids(db_session, "gearbox", limit=0) == []


def test_the_rankings_an_index_keeps_are_bounded(app_context, db_session, make_firm):
    make_firm(ref="PK-1", offers="gearbox kits", seeks="dealers")
    db_session.commit()
    for n in range(search.RANKINGS_HELD + 10):
        search.search_firm_ids(db_session, f"gearbox word{n}")
    assert len(search._index(db_session).rankings) <= search.RANKINGS_HELD
