"""The contract's firm-record rules, shared by the profile form, the import and the API."""

from datetime import UTC, datetime

import pytest

from matchmaker.services.firm_records import Taxonomy, validate_record
from tests.helpers import firm_record

TAXONOMY = Taxonomy(
    sectors=frozenset({"tractors", "agri-machinery", "textiles"}),
    cooperation_types=frozenset({"assembly", "licensing", "distribution"}),
)


def errors_of(**overrides):
    return validate_record(firm_record(**overrides), TAXONOMY)[1]


def test_a_complete_record_is_valid_and_trimmed():
    record, errors = validate_record(firm_record(name="  Padded Name  "), TAXONOMY)
    assert errors == {}
    assert record["name"] == "Padded Name"


@pytest.mark.parametrize("field", ["ref", "name", "country", "offers", "seeks"])
def test_required_fields_are_reported(field):
    assert field in errors_of(**{field: None})
    assert field in errors_of(**{field: "   "})


def test_sectors_need_at_least_one_known_code():
    assert "sectors" in errors_of(sectors=[])
    assert "unknown code" in errors_of(sectors=["spaceships"])["sectors"]


def test_duplicate_list_entries_are_dropped_keeping_order():
    record, errors = validate_record(
        firm_record(sectors=["textiles", "tractors", "textiles"]), TAXONOMY
    )
    assert not errors
    assert record["sectors"] == ["textiles", "tractors"]


@pytest.mark.parametrize("ref", ["has space", "x" * 65, "semi;colon", "юникод"])
def test_ref_must_follow_the_pattern(ref):
    assert "ref" in errors_of(ref=ref)


def test_country_is_pk_or_by():
    assert errors_of(country="IN")["country"] == "must be PK or BY"


@pytest.mark.parametrize(
    ("field", "limit"), [("name", 200), ("city", 100), ("offers", 5000), ("description", 10000)]
)
def test_length_limits(field, limit):
    assert field not in errors_of(**{field: "a" * limit})
    assert "at most" in errors_of(**{field: "a" * (limit + 1)})[field]


@pytest.mark.parametrize("value", [-1, 10**19, 2**63, "12.5", True, 3.5])
def test_employees_must_be_a_sensible_whole_number(value):
    assert "employees" in errors_of(employees=value)


def test_founded_is_a_year_up_to_now():
    this_year = datetime.now(UTC).year
    assert "founded" not in errors_of(founded=this_year)
    assert "founded" in errors_of(founded=this_year + 1)
    assert "founded" in errors_of(founded=1799)


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "ftp://example.com", "example.com", "http://", "data:text/html,x"],
)
def test_website_must_be_http_or_https(url):
    assert "website" in errors_of(website=url)


def test_contact_email_is_checked():
    assert "contact_email" in errors_of(contact_email="not-an-address")
    assert "contact_email" in errors_of(contact_email="a@b.example\nBcc: victim@example.com")


def test_unknown_fields_are_errors():
    record = firm_record()
    record["favourite_colour"] = "green"
    assert validate_record(record, TAXONOMY)[1]["favourite_colour"] == "unknown field"


@pytest.mark.parametrize("bad", ["nul\x00byte", "right\u202eto-left", "bell\x07"])
def test_control_and_bidi_override_characters_are_refused(bad):
    assert "name" in errors_of(name=bad)


def test_urdu_and_cyrillic_text_is_kept():
    record, errors = validate_record(
        firm_record(name="سیالکوٹ سرجیکل", offers="Производим тракторы"), TAXONOMY
    )
    assert not errors
    assert record["name"] == "سیالکوٹ سرجیکل"
    assert record["offers"] == "Производим тракторы"


def test_wrong_types_are_reported_not_crashing():
    errors = errors_of(name=42, sectors="tractors;textiles", offer_types=[1, 2])
    assert errors["name"] == "must be text"
    assert "sectors" not in errors  # a CSV-style list is accepted
    assert errors["offer_types"] == "must be a list of codes"


def test_invisible_spaces_are_removed_but_urdu_joiners_kept():
    record, errors = validate_record(
        firm_record(name="Ev\u200bil\ufeff Firm", city="لاہور\u200c"), TAXONOMY
    )
    assert not errors
    assert record["name"] == "Evil Firm"
    assert record["city"] == "لاہور\u200c"


@pytest.mark.parametrize("name", ['=HYPERLINK("http://evil.example","x")', "+1+2", "@SUM(A1)"])
def test_names_that_spreadsheets_would_run_are_refused(name):
    assert "name" in errors_of(name=name)
