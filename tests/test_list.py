"""``terroffer list`` and the outputs of a plan whose status is unknown, in each language."""

from __future__ import annotations

import json
import re

import pytest

from terroffer.io import write_plan
from tests.conftest import call_cli
from tests.tiny import tiny_plan

ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("lists")
    plan = root / "tiny.gpkg"
    write_plan(tiny_plan(), plan)
    # the same zones as a bare GeoJSON: no rules, no plans table, so no status
    bare = root / "zones.geojson"
    tiny_plan().zones.to_file(bare, driver="GeoJSON")
    return {"plan": plan, "bare": bare}


@pytest.mark.parametrize(
    ("what", "lang", "expected"),
    [
        ("uses", "fr", "Hôtel"),
        ("uses", "ar", "فندق"),
        ("sectors", "en", "Housing and real estate"),
        ("sectors", "ar", "السياحة"),
        ("families", "fr", "Villas"),
    ],
)
def test_list_a_catalogue_in_the_language(capsys, what, lang, expected):
    code, out, err = call_cli(capsys, "--lang", lang, "list", what)
    assert (code, err) == (0, "")
    assert expected in out
    assert bool(ARABIC_LETTER.search(out)) is (lang == "ar")


def test_list_communes_and_plans_of_the_plan(files, capsys):
    code, out, _ = call_cli(capsys, "list", "communes", "--plan", files["plan"])
    assert code == 0
    row = out.splitlines()[-1]
    assert "C1" in row and "Témara" in row and "1\u202f000" in row  # 1,000 inhabitants, French grouping
    code, out, _ = call_cli(capsys, "--lang", "ar", "list", "plans", "--plan", files["plan"])
    assert code == 0
    assert "تصميم التهيئة ت" in out and "مصادق عليه" in out
    assert "مرسوم" in out  # "Décret n° 2-21-001" in Arabic
    assert "01/01/2099" in out


def test_list_as_json_carries_the_illustrative_notice(files, capsys):
    code, out, _ = call_cli(capsys, "list", "plans", "--plan", files["plan"], "--format", "json")
    document = json.loads(out)
    assert code == 0 and document["illustrative"] is True and document["notice"]
    assert [r["Code"] for r in document["rows"]] == ["PA-T", "PA-D"]


def test_a_plan_of_unknown_status_is_counted_and_marked(files, capsys):
    code, out, err = call_cli(capsys, "offer", "--plan", files["bare"])
    assert (code, err) == (0, "")
    # four zones, none of whose plans has a status: all counted, and said so
    assert "4 zone(s) de plans au statut inconnu" in out
    assert "NaN" not in out
    code, out, _ = call_cli(capsys, "--lang", "en", "offer", "--plan", files["bare"], "--status", "unknown")
    assert code == 0 and "Tourism" in out
    code, out, _ = call_cli(capsys, "search", "--plan", files["bare"], "--use", "villa", "--json")
    # no rules in a bare GeoJSON: nothing allows a villa, and the answer says it found nothing
    assert code == 0 and json.loads(out)["total"] == 0


def test_search_text_marks_the_status_unknown(files, tmp_path, capsys):
    plan = tiny_plan()
    plan.plans["status"] = None
    path = tmp_path / "sans-statut.gpkg"
    write_plan(plan, path)
    code, out, _ = call_cli(capsys, "search", "--plan", path, "--use", "villa")
    assert code == 0
    assert "statut inconnu" in out.splitlines()[-1]


def test_lookup_json_carries_the_illustrative_notice(files, capsys):
    from tests.tiny import X0, Y0

    code, out, _ = call_cli(capsys, "lookup", "--plan", files["plan"], "--xy", X0 + 30, Y0 + 20, "--json")
    document = json.loads(out)
    assert code == 0 and document["illustrative"] is True and "illustratives" in document["notice"]


def test_validate_says_the_plan_is_illustrative(files, capsys):
    code, out, _ = call_cli(capsys, "validate", files["plan"], "--json")
    document = json.loads(out)
    assert code in (0, 1) and document["illustrative"] is True and "illustratives" in document["notice"]
    code, out, _ = call_cli(capsys, "--lang", "ar", "validate", files["plan"])
    assert "معطيات توضيحية" in out.splitlines()[-1]
    # a plan that is not illustrative keeps the report's keys as they were
    code, out, _ = call_cli(capsys, "validate", files["bare"], "--json")
    assert "notice" not in json.loads(out)
