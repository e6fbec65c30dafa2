"""Reference data: the message catalogues and the family tables the loader and reports rely on."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest

from terroffer.errors import DataSourceError
from terroffer.reference import (
    FAMILIES,
    SECTORS,
    family_of_code,
    family_of_text,
    normalize_key,
    query_family,
    translate,
)

PACKAGE = Path(__file__).parents[1] / "terroffer"
I18N = PACKAGE / "reference" / "i18n"
LANGS = ("fr", "ar", "en")
ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")


def catalogue(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted((I18N / lang).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        data.pop("_doc", None)
        merged.update(data)
    return merged


CATALOGUES = {lang: catalogue(lang) for lang in LANGS}


def placeholders(template: str) -> set[str]:
    # An Arabic message may name {plan_ar} where the French one names {plan_fr}.
    names = {field for _, field, _, _ in string.Formatter().parse(template) if field}
    return {re.sub(r"_(fr|ar|en)$", "", n) for n in names}


def source_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py"))


def test_every_language_has_every_message():
    assert set(CATALOGUES["ar"]) == set(CATALOGUES["fr"])
    assert set(CATALOGUES["en"]) == set(CATALOGUES["fr"])


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_translations_use_the_same_placeholders(lang):
    differ = [
        key
        for key, text in CATALOGUES["fr"].items()
        if placeholders(text) != placeholders(CATALOGUES[lang][key])
    ]
    assert differ == []


def test_arabic_messages_are_in_arabic():
    # The loader's and the report's sentences; short labels such as "COS" stay as they are.
    sentences = ("error.", "warn.", "problem.", "report.", "cli.")
    not_arabic = [
        key
        for key, text in CATALOGUES["ar"].items()
        if key.startswith(sentences) and not ARABIC_LETTER.search(text)
    ]
    assert not_arabic == []


def test_every_error_names_its_source():
    for lang in LANGS:
        for key, text in CATALOGUES[lang].items():
            if key.startswith("error."):
                assert "{source}" in text, (lang, key)


def test_every_message_key_in_the_code_is_in_the_catalogues():
    used = set(re.findall(r"[\"']((?:error|warn|problem|report|cli)\.[a-z_]+)[\"']", source_text()))
    assert "error.unreadable" in used and "warn.encoding_inferred" in used  # the scan works
    assert sorted(used - set(CATALOGUES["fr"])) == []


def test_every_problem_kind_has_a_message():
    text = source_text()
    kinds = set(re.findall(r"Problem\(\s*\"([a-z_]+)\"", text)) - {"reservation_"}
    geometry_kinds = {"empty_geometry", "not_polygon", "invalid_geometry", "duplicate_geometry"}
    assert geometry_kinds <= kinds
    kinds |= {"reservation_" + k for k in geometry_kinds}
    for lang in LANGS:
        assert sorted(k for k in kinds if f"problem.{k}" not in CATALOGUES[lang]) == [], lang


@pytest.mark.parametrize("lang", LANGS)
def test_error_messages_are_one_line(lang):
    for key in (k for k in CATALOGUES[lang] if k.startswith("error.")):
        # A placeholder with a format spec ({d:distance}, {x:.1f}) takes a raw number (the
        # formatter's contract); a plain one takes text, here text that tries to break the line.
        fields = string.Formatter().parse(CATALOGUES[lang][key])
        params = {name: (1234.5 if spec else "x\ny") for _, name, spec, _ in fields if name}
        params.pop("source", None)
        message = DataSourceError(key, "/tmp/plan.gpkg", **params).message(lang)
        assert "\n" not in message and "/tmp/plan.gpkg" in message, key


def test_translate():
    assert translate("report.title", "en", source="a.shp") == "Check of a.shp"
    assert translate("no.such.key", "ar") == "no.such.key"  # shows plainly, never fails
    with pytest.raises(ValueError, match="klingon"):
        translate("report.title", "klingon")


def test_families_point_to_known_sectors_and_have_three_names():
    for family, entry in FAMILIES.items():
        assert entry["sector"] in SECTORS, family
        assert set(entry["name"]) >= set(LANGS), family
        assert re.fullmatch(r"#[0-9a-f]{6}", entry["colour"]), family


def test_a_zone_code_belongs_to_one_family_only():
    seen: dict[str, str] = {}
    for family, entry in FAMILIES.items():
        for code in entry["codes"]:
            key = normalize_key(code)
            assert key not in seen, (code, seen.get(key), family)
            seen[key] = family


@pytest.mark.parametrize(
    ("code", "family"),
    [
        ("V1", "villa"),
        ("V3a", "villa"),
        ("B4", "collective_housing"),
        ("b-4", "collective_housing"),
        ("D", "individual_housing"),
        ("I1", "industry"),
        ("ZT", "tourism"),
        ("EV", "green"),
        ("RA", "agriculture"),
        ("NAE", "natural"),
        ("AU", "future_urban"),
        ("QQ", None),
        (None, None),
    ],
)
def test_family_of_code(code, family):
    assert family_of_code(code) == family


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("villa", "villa"),
        ("Villas", "villa"),
        ("الفيلات", "villa"),
        ("Habitat économique", "economic_housing"),
        ("habitat-economique", "economic_housing"),
        ("Industry and logistics", "industry"),
        ("nothing like it", None),
    ],
)
def test_query_family_is_forgiving(name, family):
    assert query_family(name) == family


def test_family_of_text():
    assert family_of_text("Zone industrielle") == "industry"
    assert family_of_text("منطقة سياحية") == "tourism"
    assert family_of_text("Secteur 12") is None


@pytest.mark.parametrize("text", ["R+4", "r 4", "R٤", "R_4", "r.4"])
def test_normalize_key(text):
    assert normalize_key(text) == "r4"
