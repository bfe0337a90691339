"""Requested introductions against the real engine: scored and explained as a run scores a
pair, and kept by later runs until EDB decides."""

import numpy as np
import pytest

from matchmaker.models import Proposal
from matchmaker.services import matching, requests
from matchmaker.services.errors import InvalidTransition, ValidationFailed
from tests.helpers import pair
from tests.helpers import seed_matching_firms as seed


def scorer(app, db_session):
    return lambda pk, by: matching.score_pair(db_session, app.config["STATE_DIR"], pk, by)


def test_a_requested_pair_is_scored_by_the_engine_and_survives_runs(
    app, runner, make_firm, make_user, db_session, app_context
):
    firms = seed(make_firm)
    runner.invoke(args=["match", "run", "--top", "1"])
    assert pair(db_session, firms["PK-1"], firms["BY-3"]) is None  # not the engine's pick
    user = make_user("pk1@example.com", firm=firms["PK-1"])
    with app.test_request_context():
        made = requests.request_introduction(
            db_session, user, firms["BY-3"].id, "Worth a call", scorer(app, db_session)
        )
        held = matching.engine_state.current_engine(db_session, app.config["STATE_DIR"])
        engine = held.engine
        i, j = engine.index_of("PK-1", "PK"), engine.index_of("BY-3", "BY")
        expected = engine.score_pairs(np.array([i]), np.array([j]))
    assert made.score == round(float(expected.score[0]), 6)
    assert made.reasons and all(isinstance(r, dict) and r.get("code") for r in made.reasons)
    assert set(made.signals) == set(matching.SIGNALS)
    assert made.requested_by_firm_id == firms["PK-1"].id
    result = runner.invoke(args=["match", "run", "--top", "1"])
    assert result.exit_code == 0, result.output
    db_session.expire_all()
    kept = db_session.get(Proposal, made.id)
    assert kept is not None and kept.request_message == "Worth a call"


def test_refusals_name_the_reason(app, make_firm, make_user, db_session):
    firms = seed(make_firm)
    user = make_user("pk1@example.com", firm=firms["PK-1"])
    unscored = lambda pk, by: None  # noqa: E731
    with app.test_request_context():
        with pytest.raises(InvalidTransition, match="Pakistani and a Belarusian"):
            requests.request_introduction(db_session, user, firms["PK-2"].id, "", unscored)
        with pytest.raises(InvalidTransition, match="your own firm"):
            requests.request_introduction(db_session, user, firms["PK-1"].id, "", unscored)
        requests.request_introduction(db_session, user, firms["BY-1"].id, "", unscored)
        with pytest.raises(InvalidTransition, match="already requested"):
            requests.request_introduction(db_session, user, firms["BY-1"].id, "", unscored)
        with pytest.raises(ValidationFailed):
            requests.request_introduction(db_session, user, firms["BY-2"].id, "x\x00", unscored)
