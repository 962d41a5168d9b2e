"""import_catalogue / export_catalogue: round trip, idempotency, versions, whole-file rejection."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from pme.catalogue.demo import SEED_FILE, load_seed_catalogue
from pme.catalogue.exchange.exporter import catalogue_dict, export_catalogue
from pme.catalogue.exchange.importer import ImportFailed, import_catalogue
from pme.catalogue.models import DIN, Drug, ExceptionCode, Indication

pytestmark = pytest.mark.django_db


def seed() -> dict:
    return json.loads(SEED_FILE.read_text(encoding="utf-8"))


def as_bytes(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def normalized(document: dict) -> dict:
    document = json.loads(json.dumps(document))
    document["drugs"].sort(key=lambda d: d["key"])
    for drug in document["drugs"]:
        drug["dins"].sort()
        drug["indications"].sort(key=lambda i: i["key"])
    return document


def test_the_seed_holds_42_drugs_and_structured_criteria_for_at_least_15():
    report = load_seed_catalogue()
    assert report.counts["drugs created"] == 42
    with_criteria = Drug.objects.filter(indications__criteria__isnull=False).distinct()
    assert with_criteria.count() >= 15
    for key in (
        "aflibercept",
        "omalizumab",
        "galcanezumab",
        "empagliflozin",
        "sacubitril-valsartan",
        "romosozumab",
        "teriparatide",
        "dexcom-g6",
        "fidaxomicin",
        "obeticholic-acid",
    ):
        assert with_criteria.filter(key=key).exists(), key
    assert DIN.objects.get(din="99113874").is_pseudo
    assert DIN.objects.get(din="02470365").drug.brand == "Dupixent"
    assert ExceptionCode.objects.get(code="RE173").is_honoured(dt.date(2026, 1, 1))
    assert not ExceptionCode.objects.get(code="RE173").can_be_prescribed(dt.date(2026, 1, 1))


def test_importing_twice_changes_nothing():
    load_seed_catalogue()
    assert load_seed_catalogue().changes == []


@pytest.mark.parametrize("file_format", ["json", "csv"])
def test_export_then_import_gives_back_equivalent_data(tmp_path: Path, file_format):
    load_seed_catalogue()
    exported = export_catalogue(file_format=file_format)
    assert normalized(catalogue_dict()) == normalized(seed())
    # Into an empty catalogue: the same data again.
    Indication.objects.all().delete()
    Drug.objects.all().delete()
    ExceptionCode.objects.all().delete()
    report = import_catalogue(exported.encode(), name=f"catalogue.{file_format}", actor=None)
    assert report.counts["drugs created"] == 42
    assert normalized(catalogue_dict()) == normalized(seed())
    # And into the same catalogue: nothing to do.
    assert import_catalogue(exported.encode(), name=f"again.{file_format}", actor=None).changes == []


def test_a_bad_file_is_rejected_whole_naming_each_bad_line():
    document = seed()
    document["drugs"][0]["dins"] = ["2387174"]  # a leading zero lost
    document["drugs"][1]["indications"][0]["code"] = "GI6590"
    document["drugs"][2]["indications"][0]["title_fr"] = ""
    data = as_bytes(document)
    with pytest.raises(ImportFailed) as failed:
        import_catalogue(data, name="bad.json", actor=None)
    text = data.decode()
    lines = {line for line, _message in failed.value.problems}
    messages = " | ".join(m for _l, m in failed.value.problems)
    assert "DIN '2387174' must have exactly 8 digits" in messages
    assert "GI6590" in messages
    assert "the French title is missing" in messages
    # Each line named is where the faulty record starts.
    starts = [i + 1 for i, row in enumerate(text.splitlines()) if row.strip() == "{"]
    assert lines <= set(starts)
    assert len(lines) == 3
    assert Drug.objects.count() == 0
    assert ExceptionCode.objects.count() == 0


def test_csv_errors_carry_the_csv_line_numbers(tmp_path: Path):
    load_seed_catalogue()
    rows = export_catalogue(file_format="csv").splitlines()
    dupixent = next(i for i, row in enumerate(rows) if row.startswith("drug,") and ",dupilumab," in row)
    rows[dupixent] = rows[dupixent].replace("02470365", "0247036X")
    criterion = next(i for i, row in enumerate(rows) if row.startswith("criterion,"))
    rows[criterion] = rows[criterion].replace("criterion,", "critter,", 1)
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_catalogue", str(path), stderr=err)
    assert f"bad.csv:{dupixent + 1}: drug 'dupilumab': DIN '0247036X'" in err.getvalue()
    assert f"bad.csv:{criterion + 1}: record must be" in err.getvalue()


def test_a_problem_found_while_writing_rolls_everything_back():
    load_seed_catalogue()
    document = seed()
    document["drugs"][0]["brand"] = "Dificid (new)"
    # This DIN is dupilumab's: a file cannot give it to another drug.
    document["drugs"][1]["dins"] = ["02470365"]
    with pytest.raises(ImportFailed):
        import_catalogue(as_bytes(document), name="conflict.json", actor=None)
    assert Drug.objects.get(key="fidaxomicin").brand == "Dificid"


def test_a_changed_indication_becomes_a_new_version_and_the_old_one_stays():
    load_seed_catalogue()
    before = Indication.objects.get(drug__key="omalizumab", key="chronic-urticaria")
    document = seed()
    omalizumab = next(d for d in document["drugs"] if d["key"] == "omalizumab")
    urticaria = omalizumab["indications"][0]
    urticaria["effective_from"] = "2026-06-01"
    urticaria["criteria"][0]["threshold"] = 28
    report = import_catalogue(as_bytes(document), name="update.json", actor=None)
    assert report.counts == {"indication versions created": 1}
    versions = list(Indication.objects.filter(lineage=before.lineage).order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].effective_to == dt.date(2026, 5, 31)
    assert versions[0].criteria.get(key="uas7").threshold == 16
    assert versions[1].criteria.get(key="uas7").threshold == 28


def test_a_change_without_a_later_effective_date_is_refused():
    load_seed_catalogue()
    document = seed()
    document["drugs"][0]["indications"][0]["text_en"] = "Changed in place"
    with pytest.raises(ImportFailed, match="problem") as failed:
        import_catalogue(as_bytes(document), name="update.json", actor=None)
    assert "a new version needs an effective_from after" in failed.value.problems[0][1]


def test_dry_run_prints_what_would_change_and_writes_nothing(tmp_path: Path):
    path = tmp_path / "seed.json"
    path.write_bytes(SEED_FILE.read_bytes())
    out = StringIO()
    call_command("import_catalogue", str(path), "--dry-run", stdout=out)
    assert "would create drug dupilumab" in out.getvalue()
    assert "Dry run, nothing written" in out.getvalue()
    assert Drug.objects.count() == 0


def test_a_large_file_shows_a_progress_bar(tmp_path: Path):
    drugs: list[dict] = []
    document = {"format": "pme-catalogue/1", "codes": [], "drugs": drugs}
    for n in range(250):
        drugs.append(
            {
                "key": f"drug-{n}",
                "generic_name_fr": f"médicament {n}",
                "generic_name_en": f"drug {n}",
                "therapeutic_system": "RE",
                "dins": [f"{n:08d}"],
                "indications": [],
            }
        )
    path = tmp_path / "big.json"
    path.write_bytes(as_bytes(document))
    err = StringIO()
    call_command("import_catalogue", str(path), stdout=StringIO(), stderr=err)
    assert "] 250/250 drugs" in err.getvalue()
    assert DIN.objects.get(din="00000007").drug.key == "drug-7"  # leading zeros kept


def test_export_command_writes_stdout():
    load_seed_catalogue()
    out = StringIO()
    call_command("export_catalogue", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["format"] == "pme-catalogue/1"
