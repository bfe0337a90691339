"""The committed migrations build exactly the schema the models describe."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.matching.taxonomy import COOPERATION_TYPES, SECTORS
from matchmaker.models import Base, CooperationType, Sector
from matchmaker.services import reference


# The full-text and trigram indexes exist on PostgreSQL only (ddl_if), where they are
# compared; SQLite's run says it skips them.
@pytest.mark.filterwarnings(
    "ignore:autogenerate skipping metadata-specified expression-based index 'ix_firms_search'"
)
@pytest.mark.filterwarnings(
    "ignore:autogenerate skipping metadata-specified expression-based index "
    "'ix_firms_name_trigrams'"
)
# SQLite: SQLAlchemy does not reflect an index over an expression, nor alembic compare it.
@pytest.mark.filterwarnings(
    "ignore:autogenerate skipping metadata-specified expression-based index 'ix_proposals_queue'"
)
@pytest.mark.filterwarnings(
    "ignore:Skipped unsupported reflection of expression-based index ix_proposals_queue"
)
def test_migrations_agree_with_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_reference_data_is_seeded_by_migration_as_the_code_has_it(db_session):
    sectors = db_session.execute(
        select(Sector.code, Sector.label, Sector.isic, Sector.position).order_by(Sector.position)
    ).all()
    assert [tuple(row) for row in sectors] == [
        (s.code, s.label, s.isic, s.position) for s in reference.SECTORS
    ]
    assert len(sectors) == 19
    assert reference.SECTOR_BY_CODE["mining-coal"].isic_codes == ["0510", "2824"]
    types = db_session.execute(
        select(CooperationType.code, CooperationType.label, CooperationType.position).order_by(
            CooperationType.position
        )
    ).all()
    assert [tuple(row) for row in types] == [
        (t.code, t.label, t.position) for t in reference.COOPERATION_TYPES
    ]
    # The engine's own copy of the codes agrees with them.
    assert tuple(t.code for t in reference.COOPERATION_TYPES) == COOPERATION_TYPES
    assert tuple(s.code for s in reference.SECTORS) == SECTORS
