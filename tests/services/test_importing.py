"""`firms import` / `firms export` as the contract defines them."""

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from matchmaker.models import Firm
from tests.helpers import NO_SHARED_DATA, SHARED_DATA, firm_record

DEV_FIRMS = SHARED_DATA / "dev_firms.jsonl"


def write_jsonl(path: Path, records) -> Path:
    path.write_text(
        "".join(
            (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records
        ),
        encoding="utf-8",
    )
    return path


def count_firms(db_session) -> int:
    return db_session.scalar(select(func.count(Firm.id)))


def test_import_jsonl_creates_firms_and_is_idempotent(runner, tmp_path, db_session):
    path = write_jsonl(tmp_path / "f.jsonl", [firm_record(ref="PK-1"), firm_record(ref="PK-2")])
    result = runner.invoke(args=["firms", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 created" in result.output
    result = runner.invoke(args=["firms", "import", str(path)])
    assert result.exit_code == 0
    assert "0 created, 0 updated, 2 unchanged" in result.output
    assert count_firms(db_session) == 2


def test_bad_records_write_nothing_and_every_bad_line_is_named(runner, tmp_path, db_session):
    path = write_jsonl(
        tmp_path / "bad.jsonl",
        [
            firm_record(ref="PK-1"),
            firm_record(ref="PK-2", country="XX"),
            "{not json",
            firm_record(ref="PK-1"),
            firm_record(ref="PK-5", sectors=["nope"], employees=-3),
        ],
    )
    result = runner.invoke(args=["firms", "import", str(path)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert "line 2: country: must be PK or BY" in lines
    assert any(line.startswith("line 3: json: ") for line in lines)
    assert "line 4: ref: repeats the ref of line 1" in lines
    assert any(line.startswith("line 5: sectors: ") for line in lines)
    assert any(line.startswith("line 5: employees: ") for line in lines)
    assert count_firms(db_session) == 0


def test_skip_invalid_writes_the_good_records_and_still_fails(runner, tmp_path, db_session):
    path = write_jsonl(tmp_path / "f.jsonl", [firm_record(ref="PK-1"), firm_record(ref="bad ref")])
    result = runner.invoke(args=["firms", "import", str(path), "--skip-invalid"])
    assert result.exit_code == 1
    assert "line 2: ref:" in result.stderr
    assert count_firms(db_session) == 1


def test_dry_run_writes_nothing(runner, tmp_path, db_session):
    path = write_jsonl(tmp_path / "f.jsonl", [firm_record(ref="PK-1")])
    result = runner.invoke(args=["firms", "import", str(path), "--dry-run"])
    assert result.exit_code == 0
    assert "1 valid" in result.output
    assert count_firms(db_session) == 0


def test_a_record_replaces_the_stored_firm_whole(runner, tmp_path, db_session):
    path = write_jsonl(tmp_path / "a.jsonl", [firm_record(ref="PK-1", city="Lahore")])
    runner.invoke(args=["firms", "import", str(path)])
    record = firm_record(ref="PK-1", name="Renamed", sectors=["agri-machinery"])
    del record["city"]  # an absent optional field clears it
    write_jsonl(path, [record])
    result = runner.invoke(args=["firms", "import", str(path)])
    assert "1 updated" in result.output
    firm = db_session.scalar(select(Firm))
    assert (firm.name, firm.city, firm.sectors) == ("Renamed", None, ["agri-machinery"])


def test_csv_import_uses_physical_line_numbers_and_empty_cells(runner, tmp_path, db_session):
    path = tmp_path / "f.csv"
    path.write_text(
        "ref,name,country,sectors,offers,seeks,city\n"
        'PK-1,One,PK,tractors;agri-machinery,"kits,\nmultiline",dealers,\n'
        "PK-2,Two,PK,tractors,x,,Lahore\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["firms", "import", str(path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "line 4: seeks: required"
    path.write_text(path.read_text().replace("x,,Lahore", "x,y,Lahore"), encoding="utf-8")
    assert runner.invoke(args=["firms", "import", str(path)]).exit_code == 0
    first = db_session.scalar(select(Firm).where(Firm.ref == "PK-1"))
    assert first.sectors == ["tractors", "agri-machinery"]
    assert first.city is None
    assert first.offers == "kits,\nmultiline"


def test_unknown_columns_and_wrong_extension_are_refused(runner, tmp_path):
    record = firm_record(ref="PK-1")
    record["colour"] = "green"
    path = write_jsonl(tmp_path / "f.jsonl", [record])
    result = runner.invoke(args=["firms", "import", str(path)])
    assert result.exit_code == 1
    assert "line 1: colour: unknown field" in result.stderr
    other = tmp_path / "f.xlsx"
    other.write_text("x")
    assert runner.invoke(args=["firms", "import", str(other)]).exit_code != 0


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_export_import_export_is_identical(runner, tmp_path, fmt):
    records = [
        firm_record(ref="PK-1", name="سیالکوٹ سرجیکل", offers="آلات جراحی; ۵۰۰۰ اقسام"),
        firm_record(
            ref="BY-1",
            country="BY",
            name="Минский завод",
            offers='Тракторы, "МТЗ"',
            description=None,
            employees=None,
            website=None,
            offer_types=[],
        ),
    ]
    runner.invoke(args=["firms", "import", str(write_jsonl(tmp_path / "in.jsonl", records))])
    first = tmp_path / f"one.{fmt}"
    second = tmp_path / f"two.{fmt}"
    assert (
        runner.invoke(args=["firms", "export", "--format", fmt, "--output", str(first)]).exit_code
        == 0
    )
    result = runner.invoke(args=["firms", "import", str(first)])
    assert result.exit_code == 0, result.output
    assert "2 unchanged" in result.output
    runner.invoke(args=["firms", "export", "--format", fmt, "--output", str(second)])
    assert first.read_bytes() == second.read_bytes()
    assert "سیالکوٹ سرجیکل" in first.read_text(encoding="utf-8")


def test_export_writes_every_field_with_nulls(runner, tmp_path):
    record = firm_record(ref="PK-1", description=None, website=None)
    runner.invoke(args=["firms", "import", str(write_jsonl(tmp_path / "in.jsonl", [record]))])
    result = runner.invoke(args=["firms", "export"])
    exported = json.loads(result.output.splitlines()[0])
    assert list(exported) == list(firm_record())
    assert exported["description"] is None and exported["website"] is None


@pytest.mark.skipif(not DEV_FIRMS.exists(), reason=NO_SHARED_DATA)
def test_the_development_set_imports(runner, db_session):
    result = runner.invoke(args=["firms", "import", str(DEV_FIRMS)])
    assert result.exit_code == 0, result.stderr
    assert count_firms(db_session) == 80


def test_import_reports_progress_as_it_checks_and_writes(app, db_session):
    from matchmaker.services.importing import import_firms

    items = [("jsonl", n, firm_record(ref=f"PK-{n}"), None) for n in range(1, 251)]
    seen = []
    with app.app_context():
        from matchmaker.extensions import db

        report = import_firms(db.session, items, progress=lambda stage, n: seen.append((stage, n)))
    assert report.created == 250
    assert seen == [("checked", 100), ("checked", 200), ("written", 100), ("written", 200)]
