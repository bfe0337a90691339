"""`match run`, `match export` and the incremental refresh, against the database."""

import json

import pytest
from sqlalchemy import select

from matchmaker.models import Firm, Proposal
from matchmaker.services import engine_state, matching, review
from tests.helpers import firm_record, pair, write_profile
from tests.helpers import seed_matching_firms as seed


def test_match_run_proposes_pk_by_pairs_and_prints_counts(runner, make_firm, db_session):
    firms = seed(make_firm)
    result = runner.invoke(args=["match", "run", "--top", "1"])
    assert result.exit_code == 0, result.output
    assert "6 firms, 3 proposals" in result.output
    for a, b in (("PK-1", "BY-1"), ("PK-2", "BY-2"), ("PK-3", "BY-3")):
        assert pair(db_session, firms[a], firms[b]) is not None


def test_the_proposal_counts_stay_true_through_match_runs_and_later_writes(
    runner, make_firm, db_session
):
    """A match run's bulk insert counts its rows once (on SQLite without the per-row trigger,
    which it puts back): the counts agree with the rows after runs, and a later single insert
    is counted by the trigger again."""
    from sqlalchemy import func

    from matchmaker.models import ProposalCount

    def agree() -> dict[str, int]:
        rows = db_session.execute(select(Proposal.status, func.count()).group_by(Proposal.status))
        by_status = {str(status): n for status, n in rows}
        kept = dict(db_session.execute(select(ProposalCount.status, ProposalCount.total)).all())
        assert {s: kept.get(s, 0) for s in ("proposed", "approved", "rejected")} == {
            s: by_status.get(s, 0) for s in ("proposed", "approved", "rejected")
        }
        return by_status

    firms = seed(make_firm)
    for top in ("3", "1", "2"):  # inserts, then removals, then inserts again
        assert runner.invoke(args=["match", "run", "--top", top]).exit_code == 0
        db_session.expire_all()
        assert agree()["proposed"] > 0
    before = agree()["proposed"]
    gone = pair(db_session, firms["PK-1"], firms["BY-1"])
    db_session.delete(gone)
    db_session.commit()
    db_session.add(
        Proposal(
            pk_firm_id=gone.pk_firm_id,
            by_firm_id=gone.by_firm_id,
            score=0.5,
            reasons=[],
            signals={},
        )
    )
    db_session.commit()
    assert agree()["proposed"] == before  # one deleted, one added: both counted


def test_a_run_pauses_the_garbage_collector_and_takes_one_thread_only_while_it_runs(
    app, make_firm, db_session, monkeypatch
):
    import gc

    import numexpr
    from threadpoolctl import threadpool_info

    threads = numexpr.get_num_threads()

    seen = []
    real_load = matching.load_profiles

    def load(session):
        blas = {p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"}
        seen.append((gc.isenabled(), numexpr.get_num_threads(), blas))
        return real_load(session)

    monkeypatch.setattr(matching, "load_profiles", load)
    seed(make_firm)
    matching.recompute(db_session, app.config["STATE_DIR"], 1)
    assert seen == [(False, 1, {1})] and gc.isenabled()  # paused, one thread, during the run

    def broken(session):
        raise RuntimeError("database gone")

    monkeypatch.setattr(matching, "load_profiles", broken)
    with pytest.raises(RuntimeError):
        matching.recompute(db_session, app.config["STATE_DIR"], 1)
    assert gc.isenabled()  # a failed run leaves it on too
    assert numexpr.get_num_threads() == threads


def test_a_decided_pair_that_leaves_every_top_k_is_kept_and_rescored(
    runner, make_firm, make_user, db_session, app_context
):
    firms = seed(make_firm)
    runner.invoke(args=["match", "run", "--top", "1"])
    staff = make_user("officer@example.com", role="staff")
    from matchmaker.extensions import db

    proposal = pair(db_session, firms["PK-1"], firms["BY-1"])
    score_before = proposal.score
    review.decide(db.session, db.session.merge(staff), proposal.id, "reject", "Not now")
    # The rejected pair leaves both tops: PK-1 turns to rice, and a new tractor assembler
    # becomes BY-1's best partner.
    make_firm(
        ref="PK-4",
        name="Firm PK-4",
        offers="tractor assembly hall, dealers",
        seeks="tractor kits licence",
        offer_types=["assembly"],
        seek_types=["licensing"],
    )
    write_profile(
        db_session,
        db_session.get(Firm, firms["PK-1"].id),
        ref="PK-1",
        name="Firm PK-1",
        sectors=["rice"],
        offers="basmati rice export",
        seeks="rice importers",
        offer_types=["export"],
        seek_types=["distribution"],
    )
    result = runner.invoke(args=["match", "run", "--top", "1"])
    assert "1 staff decisions kept" in result.output
    db_session.expire_all()
    assert pair(db_session, firms["PK-1"], firms["BY-2"]) is not None  # PK-1's best now
    assert pair(
        db_session, db_session.scalar(select(Firm).where(Firm.ref == "PK-4")), firms["BY-1"]
    )
    kept = pair(db_session, firms["PK-1"], firms["BY-1"])
    assert kept.id == proposal.id
    assert (kept.status, kept.note) == ("rejected", "Not now")
    assert kept.score < score_before  # rescored: a rice firm fits a tractor maker less


def test_proposed_pairs_that_fall_out_are_removed(runner, make_firm, db_session, app):
    app.config["MATCH_MIN_SCORE"] = 0.0  # every pair of the top 3, however weak
    firms = seed(make_firm)
    runner.invoke(args=["match", "run", "--top", "3"])
    assert pair(db_session, firms["PK-1"], firms["BY-3"]) is not None
    result = runner.invoke(args=["match", "run", "--top", "1"])
    assert "6 removed" in result.output  # of the 9 pairs, the 3 complementary ones stay
    db_session.expire_all()
    assert pair(db_session, firms["PK-1"], firms["BY-3"]) is None


def test_no_pair_below_the_minimum_score_is_proposed_but_decided_ones_stay(
    runner, make_firm, make_user, db_session, app
):
    firms = seed(make_firm)
    app.config["MATCH_MIN_SCORE"] = 0.0
    runner.invoke(args=["match", "run", "--top", "3"])
    scores = db_session.scalars(select(Proposal.score)).all()
    assert len(scores) == 9 and min(scores) < 0.30  # the mismatched pairs are weak
    weak = db_session.scalar(select(Proposal).order_by(Proposal.score).limit(1))
    staff = make_user("officer@example.com", role="staff")
    review.decide(db_session, db_session.merge(staff), weak.id, "reject", "Weak")
    app.config["MATCH_MIN_SCORE"] = 0.30
    result = runner.invoke(args=["match", "run", "--top", "3"])
    assert result.exit_code == 0, result.output
    db_session.expire_all()
    left = db_session.scalars(select(Proposal)).all()
    assert all(p.score >= 0.30 for p in left if p.status == "proposed")
    assert len([p for p in left if p.status == "proposed"]) < 8
    kept = db_session.get(Proposal, weak.id)
    assert (kept.status, kept.note) == ("rejected", "Weak")  # a decision outlives the bar
    assert pair(db_session, firms["PK-1"], firms["BY-1"]).status == "proposed"


def test_match_export_follows_the_contract(runner, make_firm, tmp_path):
    seed(make_firm)
    runner.invoke(args=["match", "run", "--top", "2"])
    result = runner.invoke(args=["match", "export", "--format", "json"])
    rows = json.loads(result.output)
    assert rows and set(rows[0]) == {"firm", "partner", "rank", "score", "status", "reasons"}
    by_firm: dict[str, list[dict]] = {}
    for row in rows:
        by_firm.setdefault(row["firm"], []).append(row)
        assert 0 <= row["score"] <= 1 and row["reasons"] and row["status"] == "proposed"
        assert row["firm"][:2] != row["partner"][:2]
    for firm_rows in by_firm.values():
        assert [r["rank"] for r in firm_rows] == list(range(1, len(firm_rows) + 1))
        assert [r["score"] for r in firm_rows] == sorted(
            (r["score"] for r in firm_rows), reverse=True
        )
    pairs = {(r["firm"], r["partner"]) for r in rows}
    assert all((b, a) in pairs for a, b in pairs)  # each pair once from each side
    out = tmp_path / "p.csv"
    runner.invoke(args=["match", "export", "--format", "csv", "--output", str(out)])
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "firm,partner,rank,score,status,reasons"
    assert len(lines) == len(rows) + 1


def test_an_edited_firm_is_refreshed_without_a_full_recompute(app, make_firm, db_session, runner):
    firms = seed(make_firm)
    runner.invoke(args=["match", "run", "--top", "1"])
    from matchmaker.extensions import db
    from matchmaker.services.firm_profile import apply_record
    from matchmaker.services.firm_records import validate_record
    from matchmaker.services.reference import TAXONOMY

    with app.app_context():
        firm = db.session.get(Firm, firms["BY-3"].id)
        record, errors = validate_record(
            firm_record(
                ref="BY-3",
                country="BY",
                sectors=["tractors"],
                offers="tractor kits licence",
                seeks="tractor assembly hall, dealers",
                offer_types=["licensing"],
                seek_types=["assembly"],
            ),
            TAXONOMY,
        )
        assert not errors
        apply_record(firm, record)
        db.session.commit()
        engine_state.forget(app.config["STATE_DIR"])  # as in a fresh process: load it from disk
        report = matching.refresh_firms(db.session, [firm.id], app.config["STATE_DIR"], top_k=1)
    assert report.firms == 1
    db_session.expire_all()
    assert pair(db_session, firms["PK-1"], firms["BY-3"]) is not None
    assert pair(db_session, firms["PK-3"], firms["BY-3"]) is None


def test_an_unreadable_snapshot_falls_back_to_a_full_run(app, make_firm, db_session, runner):
    firms = seed(make_firm)
    runner.invoke(args=["match", "run", "--top", "1"])
    from pathlib import Path

    from matchmaker.extensions import db

    state = Path(app.config["STATE_DIR"])
    for snapshot in state.glob("engine-*.pickle"):
        snapshot.write_bytes(b"not a pickle")
    engine_state.forget(state)
    with app.app_context():
        report = matching.refresh_firms(db.session, [firms["PK-1"].id], state, top_k=1)
    assert report.firms == 6  # small registry: recomputed whole


@pytest.mark.slow
def test_match_run_learns_weights_from_enough_staff_decisions(runner, make_firm, db_session):
    from sqlalchemy import update

    from matchmaker.models import ProposalStatus

    sectors = ["tractors", "textiles", "rice", "leather", "concrete", "citrus"] * 6
    for n, sector in enumerate(sectors):
        make_firm(
            ref=f"PK-{n}",
            country="PK",
            sectors=[sector],
            offers=f"{sector} machines",
            seeks=f"{sector} buyers",
            offer_types=["export"],
            seek_types=["distribution"],
        )
        make_firm(
            ref=f"BY-{n}",
            country="BY",
            sectors=[sector],
            offers=f"{sector} buyers",
            seeks=f"{sector} machines",
            offer_types=["distribution"],
            seek_types=["export"],
        )
    assert runner.invoke(args=["match", "run", "--top", "8"]).exit_code == 0
    proposals = db_session.scalars(select(Proposal)).all()
    # Staff approve same-sector pairs and reject the others.
    for p in proposals[:80]:
        same = set(p.pk_firm.sectors) & set(p.by_firm.sectors)
        status = ProposalStatus.APPROVED if same else ProposalStatus.REJECTED
        db_session.execute(update(Proposal).where(Proposal.id == p.id).values(status=status))
    db_session.commit()
    result = runner.invoke(args=["match", "run", "--top", "8"])
    assert result.exit_code == 0, result.output
    assert "80 staff decisions: cross-validated ROC AUC" in result.output


def test_a_snapshot_of_another_engine_version_is_refused_with_a_clear_message(
    app, make_firm, db_session, runner, caplog
):
    import pytest
    from sqlalchemy import update

    from matchmaker.extensions import db
    from matchmaker.models import EngineGeneration

    firms = seed(make_firm)
    runner.invoke(args=["match", "run", "--top", "1"])
    with app.app_context():
        db.session.execute(update(EngineGeneration).values(engine_version="2.0"))
        db.session.commit()
        engine_state.forget(app.config["STATE_DIR"])
        with engine_state.lock, pytest.raises(engine_state.EngineVersionMismatch) as refused:
            engine_state.current_engine(db.session, app.config["STATE_DIR"])
        assert "version 2.0" in str(refused.value) and "match run" in str(refused.value)
        db.session.rollback()
        # A refresh then does not use it: the small registry is recomputed whole.
        report = matching.refresh_firms(db.session, [firms["PK-1"].id], app.config["STATE_DIR"])
    assert report.firms == 6
    assert "match run" in caplog.text


@pytest.mark.slow
def test_every_process_follows_the_changes_another_one_made(app, make_firm, db_session, runner):
    """A second process (as a gunicorn worker or the RQ worker) refreshes an edited firm; this
    process's engine then has the edit too, without a full run."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from sqlalchemy import update

    from matchmaker.extensions import db

    firms = seed(make_firm)
    runner.invoke(args=["match", "run", "--top", "1"])
    state = app.config["STATE_DIR"]
    with app.app_context():
        with engine_state.lock:
            held = engine_state.current_engine(db.session, state)
            index = held.engine.index_of("BY-3", "BY")
            assert "tractor" not in held.engine.by_firms_[index].offers
        db.session.execute(
            update(Firm)
            .where(Firm.id == firms["BY-3"].id)
            .values(offers="tractor kits licence", seeks="tractor assembly hall, dealers")
        )
        db.session.commit()
    code = (
        "import sys; from matchmaker import create_app; from matchmaker.extensions import db;"
        "from matchmaker.services.matching import refresh_firms;"
        "app = create_app({'SQLALCHEMY_DATABASE_URI': sys.argv[1], 'STATE_DIR': sys.argv[2],"
        " 'SECRET_KEY': 'x'});"
        "ctx = app.app_context(); ctx.push();"
        "print(refresh_firms(db.session, [int(sys.argv[3])], sys.argv[2], top_k=1).firms)"
    )
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    done = subprocess.run(
        [sys.executable, "-c", code, url, state, str(firms["BY-3"].id)],
        capture_output=True,
        text=True,
        env={**os.environ, "MATCHMAKER_ENV": "development"},
        cwd=Path(__file__).resolve().parents[2],
        check=False,
    )
    assert done.returncode == 0 and done.stdout.strip().endswith("1"), done.stderr[-2000:]
    with app.app_context():
        with engine_state.lock:
            mine = engine_state.current_engine(db.session, state)
            assert mine is held  # the same engine object, brought up to date
            assert mine.engine.by_firms_[index].offers == "tractor kits licence"
        db.session.rollback()
