"""A backup restores what was there, on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""

from sqlalchemy import func, select

from matchmaker.models import Firm


def test_backup_then_restore_brings_the_data_back(runner, make_firm, db_session, tmp_path):
    make_firm(ref="PK-1", name="Kept Firm — سیالکوٹ")
    target = tmp_path / "backups" / "matchmaker.backup"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0
    make_firm(ref="PK-2", name="Added after the backup")
    db_session.execute(Firm.__table__.delete().where(Firm.ref == "PK-1"))
    db_session.commit()
    db_session.close()
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    names = set(db_session.scalars(select(Firm.name)))
    assert names == {"Kept Firm — سیالکوٹ"}
    assert db_session.scalar(select(func.count(Firm.id))) == 1


def test_restore_refuses_a_missing_file(runner, tmp_path):
    result = runner.invoke(args=["restore", str(tmp_path / "nope"), "--yes"])
    assert result.exit_code != 0
