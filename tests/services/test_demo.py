import pytest
from sqlalchemy import func, select

from matchmaker.models import Firm, Message, Proposal, User


@pytest.mark.slow
def test_seed_demo_loads_a_living_site_once(runner, db_session):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "officer@edb.demo" in result.output
    assert db_session.scalar(select(func.count(Firm.id))) >= 30
    countries = set(db_session.scalars(select(Firm.country)))
    assert countries == {"PK", "BY"}
    assert db_session.scalar(select(func.count(Proposal.id))) > 0
    assert db_session.scalar(select(func.count(Message.id))) >= 2
    assert db_session.scalar(select(func.count(User.id))) == 3
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0
    assert "already has firms" in again.output
    assert db_session.scalar(select(func.count(User.id))) == 3
    # The sign-ins are listed on every run, while their demo passwords hold.
    assert "staff officer@edb.demo  password: demo-officer-pass" in again.output
    from matchmaker.services import accounts

    accounts.set_password(
        db_session, accounts.find_user(db_session, "neman@firm.demo"), "a changed secret 99"
    )
    db_session.commit()
    third = runner.invoke(args=["seed-demo"]).output
    assert "officer@edb.demo" in third and "neman@firm.demo" not in third


def test_seed_demo_refuses_production(app, runner, db_session):
    app.config["MATCHMAKER_ENV"] = "production"
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "production" in result.output
    assert db_session.scalar(select(func.count(User.id))) == 0
