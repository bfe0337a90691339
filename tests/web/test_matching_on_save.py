"""A saved profile gets the proposals a full `match run` would give it (real model, offline)."""

import json

import pytest
from sqlalchemy import or_, select

from matchmaker.models import Firm, Proposal
from tests.helpers import NO_SHARED_DATA, SHARED_DATA, post_profile, signed_in_firm_user

DATA = SHARED_DATA / "dev_firms_multilingual.jsonl"


def _top(db_session, firm_id: int, k: int = 10) -> list[tuple[str, float]]:
    db_session.expire_all()
    rows = db_session.execute(
        select(Proposal.pk_firm_id, Proposal.by_firm_id, Proposal.score).where(
            or_(Proposal.pk_firm_id == firm_id, Proposal.by_firm_id == firm_id)
        )
    ).all()
    refs = dict(db_session.execute(select(Firm.id, Firm.ref)).all())
    ranked = sorted(
        ((refs[b if a == firm_id else a], round(score, 4)) for a, b, score in rows),
        key=lambda item: (-item[1], item[0]),
    )
    return ranked[:k]


@pytest.mark.slow
@pytest.mark.skipif(not DATA.exists(), reason=NO_SHARED_DATA)
def test_a_profile_saved_through_the_form_gets_the_top_k_of_a_full_run(
    client, auth, make_user, make_firm, runner, db_session
):
    records = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    chosen = [r for r in records if r["country"] == "PK"][:14]
    chosen += [r for r in records if r["country"] == "BY"][:6]
    for r in chosen:
        make_firm(
            ref=r["ref"],
            name=r["name"],
            country=r["country"],
            sectors=r["sectors"],
            offers=r["offers"],
            seeks=r["seeks"],
            offer_types=r.get("offer_types") or [],
            seek_types=r.get("seek_types") or [],
        )
    assert runner.invoke(args=["match", "run"]).exit_code == 0
    signed_in_firm_user(auth, make_user)
    # A Belarusian newcomer, in Russian, with words no stored profile uses.
    response = post_profile(
        client,
        name="Минский завод тягачей",
        country="BY",
        sectors=["tractors", "agri-machinery"],
        offers="Поставляем машинокомплекты CKD/SKD колёсных тракторов 80–130 л.с. и обучение "
        "сборщиков. Передаём лицензию и оснастку для локализации кабин.",
        seeks="Ищем пакистанского сборщика с дилерской сетью для фермеров Пенджаба.",
        offer_types=["licensing", "assembly"],
        seek_types=["assembly", "distribution"],
    )
    assert response.status_code == 302
    firm_id = db_session.scalar(select(Firm.id).where(Firm.name == "Минский завод тягачей"))
    after_save = _top(db_session, firm_id)
    # Its top 10, less the pairs under the minimum score (on either path alike).
    assert 0 < len(after_save) <= 10
    assert all(score >= 0.30 for _, score in after_save)
    assert runner.invoke(args=["match", "run"]).exit_code == 0
    assert _top(db_session, firm_id) == after_save
