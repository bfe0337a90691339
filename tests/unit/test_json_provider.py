"""The app's JSON provider (web/json_provider.py): orjson writes what Flask's own provider
writes, the same values and the same key order, for every type Flask's provider handles."""

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
import pytest
from flask.json.provider import DefaultJSONProvider
from markupsafe import Markup

from matchmaker.web.json_provider import OrjsonProvider


@dataclass
class Point:
    x: int
    label: str


BODY = {
    "zeta": [1, 2.5, None, True],
    "alpha": {"b": "Минск", "a": "لاہور", "c": "\u2028 <script>"},
    "when": datetime(2026, 12, 3, 9, 30, tzinfo=UTC),
    "day": date(2026, 12, 3),
    "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "point": Point(1, "tractor"),
    "html": Markup("<b>safe</b>"),
    "score": np.float64(0.73),
    7: "a key that is not text",
}


@pytest.fixture
def providers(app):
    return OrjsonProvider(app), DefaultJSONProvider(app)


def test_the_bodies_hold_what_flasks_provider_writes_in_its_key_order(providers):
    ours, flasks = providers
    body = {k: v for k, v in BODY.items() if k != 7}  # Flask's sorting needs text keys
    written = ours.dumps(body, separators=(",", ":"))
    expected = flasks.dumps(body, separators=(",", ":"))
    assert json.loads(written) == json.loads(expected)
    assert list(json.loads(written)) == list(json.loads(expected)) == sorted(body)
    assert "Минск" in written  # UTF-8 as it is, not \u escapes
    assert json.loads(written)["when"] == "Thu, 03 Dec 2026 09:30:00 GMT"  # Flask's HTTP date


def test_a_key_that_is_not_text_is_written_as_text(providers):
    ours, _ = providers
    assert json.loads(ours.dumps(BODY))["7"] == "a key that is not text"


def test_what_neither_can_write_is_a_type_error(providers):
    for provider in providers:
        with pytest.raises(TypeError):
            provider.dumps({"x": object()})


def test_pretty_printing_stays_flasks(providers):
    ours, flasks = providers
    body = {"b": 1, "a": [1, 2]}
    assert ours.dumps(body, indent=2) == flasks.dumps(body, indent=2)


def test_the_api_answers_with_it(app, client):
    assert isinstance(app.json, OrjsonProvider)
    response = client.get("/api/v1/firms")
    assert response.status_code == 401
    assert response.mimetype == "application/json"
    assert response.get_json()["error"]["message"]
