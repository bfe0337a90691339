"""The JSON columns read by orjson (web/transactions.py, `json_loads`), as Python's json read
them: every stored document gives the same value, including what orjson refuses."""

import json
import math

import pytest

from matchmaker.web.transactions import engine_options, json_loads

DOCUMENTS = [
    '["Both work in Tractors.", "Один сектор", "ایک شعبہ"]',
    '{"code": "sectors_shared", "sectors": ["tractors"], "weight": 0.30000000000000004}',
    '{"similarity": 1e-7, "n": -0, "deep": [[{"a": null, "b": true}]]}',
    '["\\u00e9\\ud83d\\ude9c"]',  # escapes, a surrogate pair
    '["\\ud800"]',  # a lone surrogate: orjson refuses it, json reads it
    '{"score": Infinity}',  # json.dumps writes these for inf and nan; orjson refuses them
]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_a_document_reads_as_python_s_json_reads_it(document):
    assert json_loads(document) == json.loads(document)
    assert json_loads(document.encode("utf-8", "surrogatepass")) == json.loads(document)


def test_nan_reads_as_nan():
    assert math.isnan(json_loads('{"score": NaN}')["score"])


def test_bad_json_is_still_an_error():
    with pytest.raises(ValueError, match="Expecting"):
        json_loads('{"score": ')


@pytest.mark.parametrize("uri", ["sqlite://", "postgresql+psycopg://db/matchmaker"])
def test_the_engine_reads_json_with_it_unless_told_otherwise(uri):
    assert engine_options({"SQLALCHEMY_DATABASE_URI": uri})["json_deserializer"] is json_loads
    own = {"SQLALCHEMY_DATABASE_URI": uri, "SQLALCHEMY_ENGINE_OPTIONS": {"json_deserializer": len}}
    assert engine_options(own)["json_deserializer"] is len
