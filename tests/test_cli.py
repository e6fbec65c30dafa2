"""``terroffer validate`` and ``terroffer import`` as a user runs them: exit codes, one-line
errors, languages, and an import that never damages the file it replaces."""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from terroffer.io import load_plan
from tests.conftest import (
    AREA,
    CODES,
    call_cli,
    report_json,
    run_cli,
    write_canonical_gpkg,
    write_format,
    zones_frame,
)

ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")
I18N = Path(__file__).parents[1] / "terroffer" / "reference" / "i18n"


def catalogue(lang: str) -> dict[str, str]:
    """The messages of one language, read straight from the JSON files."""
    merged: dict[str, str] = {}
    for path in sorted((I18N / lang).glob("*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ----------------------------------------------------------------------------- broken inputs


def noise(size: int = 4096) -> bytes:
    return random.Random(12_90).randbytes(size)


def random_shp(folder: Path) -> Path:
    path = folder / "aleatoire.shp"
    path.write_bytes(noise())
    return path


def random_shp_with_parts(folder: Path) -> Path:
    # A complete set of files whose .shp is noise: the parts check passes, GDAL must fail.
    shp = write_format("shp", folder)
    shp.write_bytes(noise())
    return shp


def shp_without_dbf(folder: Path) -> Path:
    shp = write_format("shp", folder)
    shp.with_suffix(".dbf").unlink()
    return shp


def truncated_gpkg(folder: Path) -> Path:
    path = write_canonical_gpkg(folder / "coupe.gpkg")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def empty_collection(folder: Path) -> Path:
    path = folder / "vide.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    return path


def plain_text(folder: Path) -> Path:
    path = folder / "notes.txt"
    path.write_text("Réunion du 12 juin : revoir le zonage de la zone V1.\n", encoding="utf-8")
    return path


def text_named_geojson(folder: Path) -> Path:
    path = folder / "zonage.geojson"
    path.write_text("ceci n'est pas du GeoJSON\n", encoding="utf-8")
    return path


def empty_file(folder: Path) -> Path:
    path = folder / "zonage.gpkg"
    path.touch()
    return path


def truncated_zip(folder: Path) -> Path:
    archive = write_format("shp.zip", folder)
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 3])
    return archive


def geometry_less_dbf(folder: Path) -> Path:
    path = folder / "REGLEMENT.dbf"
    pyogrio.write_dataframe(pd.DataFrame({"ZONE": ["V1", "D"], "COS": [0.6, 1.8]}), path)
    assert not list(folder.glob("*.shp"))
    return path


def missing(folder: Path) -> Path:
    return folder / "n'existe pas.gpkg"


BROKEN = [
    random_shp,
    random_shp_with_parts,
    shp_without_dbf,
    truncated_gpkg,
    empty_collection,
    plain_text,
    text_named_geojson,
    empty_file,
    truncated_zip,
    geometry_less_dbf,
    missing,
]


def assert_one_line_naming(stderr: str, path: Path) -> None:
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("terroffer: ")
    assert str(path) in lines[0]


@pytest.mark.parametrize("make", BROKEN, ids=lambda f: f.__name__)
def test_validate_refuses_unusable_input_with_one_line(tmp_path, make, capfd):
    # capfd, not capsys: GDAL writes its own errors to file descriptor 2, below Python.
    path = make(tmp_path)
    code, out, err = call_cli(capfd, "validate", path)
    assert code == 2
    assert out == ""
    assert_one_line_naming(err, path)


@pytest.mark.parametrize(
    "make",
    [random_shp_with_parts, truncated_gpkg, empty_collection, plain_text, missing],
    ids=lambda f: f.__name__,
)
def test_validate_refuses_unusable_input_as_a_real_process(tmp_path, make):
    path = make(tmp_path)
    done = run_cli("validate", path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert_one_line_naming(done.stderr, path)


@pytest.mark.parametrize("make", BROKEN, ids=lambda f: f.__name__)
def test_import_refuses_unusable_input_and_leaves_the_target_alone(tmp_path, make, capfd):
    source_dir = tmp_path / "source"
    source_dir.mkdir()
    path = make(source_dir)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = write_canonical_gpkg(out_dir / "plan.gpkg")
    before = sha256(target)
    code, out, err = call_cli(capfd, "import", path, "--into", target)
    assert code == 2 and out == ""
    assert_one_line_naming(err, path)
    assert sha256(target) == before
    assert sorted(p.name for p in out_dir.iterdir()) == ["plan.gpkg"]  # no temporary file left


def test_import_of_a_broken_file_as_a_real_process(tmp_path):
    target = write_canonical_gpkg(tmp_path / "plan.gpkg")
    before = sha256(target)
    broken = truncated_gpkg(tmp_path)
    done = run_cli("import", broken, "--into", target)
    assert done.returncode == 2 and done.stdout == ""
    assert_one_line_naming(done.stderr, broken)
    assert sha256(target) == before


def test_bad_arguments_are_one_translated_line(tmp_path, capsys):
    # not argparse's usage block: exit 2 and one line naming what is missing
    code, out, err = call_cli(capsys, "validate")  # no path
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "path" in err and "terroffer validate --help" in err
    code, out, err = call_cli(
        capsys, "--lang", "ar", "import", write_format("geojson", tmp_path)
    )  # no --into
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "--into" in err and ARABIC_LETTER.search(err)
    assert "usage:" not in err


# ----------------------------------------------------------------------------- exit codes


def test_exit_0_when_clean_1_when_problems(tmp_path, canonical_gpkg, capsys):
    clean = run_cli("validate", canonical_gpkg)
    assert clean.returncode == 0, clean.stderr
    assert clean.stderr == ""
    assert catalogue("fr")["report.clean"] in clean.stdout
    # The same zones without rules: three zone codes with no rules is a problem.
    zones_only = write_format("gpkg", tmp_path)
    code, out, err = call_cli(capsys, "validate", zones_only, "--json")
    assert (code, err) == (1, "")
    problems = {p["kind"]: p["count"] for p in json.loads(out)["problems"]}
    assert problems == {"unknown_zone_code": 3}


def test_console_script_is_installed():
    script = Path(sys.executable).with_name("terroffer")
    assert script.exists()


# ----------------------------------------------------------------------------- languages


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_report_messages_come_from_the_catalogue(canonical_gpkg, capsys, lang):
    code, out, _ = call_cli(capsys, "--lang", lang, "validate", canonical_gpkg)
    assert code == 0
    messages = catalogue(lang)
    lines = out.splitlines()
    assert lines[0] == messages["report.title"].format(source=canonical_gpkg)
    assert messages["report.clean"] in lines
    assert bool(ARABIC_LETTER.search(out)) is (lang == "ar")


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_error_messages_come_from_the_catalogue(tmp_path, lang, capfd):
    path = missing(tmp_path)
    code, out, err = call_cli(capfd, "--lang", lang, "validate", path)
    assert code == 2 and out == ""
    expected = catalogue(lang)["error.not_found"].format(source=path)
    assert err.strip() == f"terroffer: {' '.join(expected.split())}"
    assert bool(ARABIC_LETTER.search(err)) is (lang == "ar")


def test_lang_after_the_command_and_from_the_environment(canonical_gpkg, capsys, monkeypatch):
    _, out, _ = call_cli(capsys, "validate", canonical_gpkg, "--lang", "ar")
    assert out.splitlines()[0] == catalogue("ar")["report.title"].format(source=canonical_gpkg)
    monkeypatch.setenv("TERROFFER_LANG", "en")
    _, out, _ = call_cli(capsys, "validate", canonical_gpkg)
    assert out.splitlines()[0] == catalogue("en")["report.title"].format(source=canonical_gpkg)
    _, out, _ = call_cli(capsys, "--lang", "fr", "validate", canonical_gpkg)  # the option wins
    assert out.splitlines()[0] == catalogue("fr")["report.title"].format(source=canonical_gpkg)


def test_warnings_and_problems_in_arabic(tmp_path, capsys):
    path = write_format("dxf", tmp_path)  # no CRS, no rules
    code, out, _ = call_cli(capsys, "--lang", "ar", "validate", path, "--json")
    report = report_json(out)
    assert code == 1
    assert report["warnings"] and all(ARABIC_LETTER.search(w) for w in report["warnings"])
    code, out, _ = call_cli(capsys, "--lang", "ar", "validate", path)
    problem_line = catalogue("ar")["problem.unknown_zone_code"].format(count=3)
    assert problem_line in out


# ----------------------------------------------------------------------------- import


def test_import_round_trip(tmp_path, rules_csv, capsys):
    source = write_format("shp", tmp_path)
    target = tmp_path / "canonique" / "plan.gpkg"
    code, out, err = call_cli(
        capsys, "--lang", "en", "import", source, "--into", target, "--rules", rules_csv
    )
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == catalogue("en")["cli.imported"].format(
        source=source, target=target, zones=3, rules=3, reservations=0
    )
    direct = load_plan(source, rules=rules_csv)
    back = load_plan(target)
    assert back.source.driver == "GPKG" and back.source.profile == "canonical"
    key = ["zone_code"]
    left = direct.zones.sort_values(key).reset_index(drop=True)
    right = back.zones.sort_values(key).reset_index(drop=True)
    for col in ("zone_code", "family", "sector", "label_fr", "label_ar", "plan_id"):
        assert left[col].tolist() == right[col].tolist(), col
    assert left.geometry.geom_equals_exact(right.geometry, tolerance=1e-6).all()
    assert dict(zip(right["zone_code"], right.geometry.area, strict=True)) == pytest.approx(AREA)
    rules_left = direct.rules.sort_values(key).reset_index(drop=True)
    rules_right = back.rules.sort_values(key).reset_index(drop=True)
    for col in ("zone_code", "cos", "ces", "max_height_m", "max_floors", "min_lot_m2", "allowed_uses"):
        assert rules_left[col].tolist() == rules_right[col].tolist(), col
    # And the imported plan is clean where the source with its rules was.
    code, out, _ = call_cli(capsys, "validate", target, "--json")
    assert code == 0, out


def test_import_replaces_an_existing_file_on_success(tmp_path, capsys):
    target = write_canonical_gpkg(tmp_path / "plan.gpkg")
    frame = zones_frame().iloc[:1]
    source = tmp_path / "v1.geojson"
    pyogrio.write_dataframe(frame, source)
    code, _, err = call_cli(capsys, "import", source, "--into", target)
    assert (code, err) == (0, "")
    assert load_plan(target).zones["zone_code"].tolist() == ["V1"]


def test_failed_write_leaves_the_existing_file_identical(tmp_path, capsys, monkeypatch):
    target = write_canonical_gpkg(tmp_path / "plan.gpkg")
    before = sha256(target)
    source = write_format("geojson", tmp_path)
    real_write = pyogrio.write_dataframe
    written: list[str] = []

    def write_then_fail(df, path, *args, **kwargs):
        written.append(kwargs.get("layer"))
        if len(written) == 3:  # zones and rules went in; the disk fills up on the third layer
            raise OSError(28, "No space left on device")
        return real_write(df, path, *args, **kwargs)

    monkeypatch.setattr(pyogrio, "write_dataframe", write_then_fail)
    code, out, err = call_cli(capsys, "--lang", "en", "import", source, "--into", target)
    assert written[:2] == ["zones", "rules"]
    assert code == 2 and out == ""
    assert_one_line_naming(err, target)
    assert "No space left on device" in err
    assert sha256(target) == before
    # no temporary left; the import lock stays by design (io/store.py: removing it would race)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".plan.gpkg.lock", "plan.gpkg", "zonage.geojson"]


def test_import_into_an_impossible_place_is_one_line(tmp_path, capsys):
    source = write_format("geojson", tmp_path)
    a_file = tmp_path / "fichier"
    a_file.write_text("x")
    target = a_file / "plan.gpkg"
    code, out, err = call_cli(capsys, "import", source, "--into", target)
    assert code == 2 and out == ""
    assert_one_line_naming(err, target)
    # refused before the plan is read: its folder is a file, and the line says so
    assert catalogue("fr")["error.output_under_file"].split("{folder}")[-1].strip() in err


def test_import_output_must_be_a_geopackage(tmp_path, capsys):
    source = write_format("geojson", tmp_path)
    code, out, err = call_cli(capsys, "import", source, "--into", tmp_path / "plan.shp")
    assert code == 2 and out == ""
    assert_one_line_naming(err, tmp_path / "plan.shp")


def test_import_a_zip(tmp_path, capsys):
    source = write_format("shp.zip", tmp_path)
    before = sha256(source)
    target = tmp_path / "plan.gpkg"
    code, _, err = call_cli(capsys, "import", source, "--into", target)
    assert (code, err) == (0, "")
    assert set(load_plan(target).zones["zone_code"]) == CODES
    assert sha256(source) == before  # the delivery is only read
