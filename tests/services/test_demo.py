from sqlalchemy import func, select

from matchmaker.models import Firm, Message, Proposal, User


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


def test_seed_demo_refuses_production(app, runner, db_session):
    app.config["MATCHMAKER_ENV"] = "production"
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "production" in result.output
    assert db_session.scalar(select(func.count(User.id))) == 0
