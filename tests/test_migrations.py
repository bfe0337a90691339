"""The committed migrations build exactly the schema the models describe."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.matching.taxonomy import COOPERATION_TYPES, SECTORS
from matchmaker.models import Base, CooperationType, Sector


# The full-text and trigram indexes exist on PostgreSQL only (ddl_if), where they are
# compared; SQLite's run says it skips them.
@pytest.mark.filterwarnings(
    "ignore:autogenerate skipping metadata-specified expression-based index 'ix_firms_search'"
)
@pytest.mark.filterwarnings(
    "ignore:autogenerate skipping metadata-specified expression-based index "
    "'ix_firms_name_trigrams'"
)
def test_migrations_agree_with_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_reference_data_is_seeded_by_migration(db_session):
    sectors = db_session.scalars(select(Sector).order_by(Sector.position)).all()
    assert len(sectors) == 19
    assert sectors[0].code == "tractors"
    assert {s.code: s.isic_codes for s in sectors}["mining-coal"] == ["0510", "2824"]
    types = db_session.scalars(select(CooperationType.code).order_by(CooperationType.position))
    # The engine's own copy of the taxonomy agrees with the reference tables.
    assert tuple(types) == COOPERATION_TYPES
    assert tuple(s.code for s in sectors) == SECTORS
