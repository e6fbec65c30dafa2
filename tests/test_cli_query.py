"""The query commands (offer, search, lookup) as a user runs them, on a plan written to disk."""

from __future__ import annotations

import json
import subprocess
import sys

import openpyxl
import pytest

from terroffer.io import write_plan
from tests.tiny import X0, Y0, tiny_plan


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("plan") / "tiny.gpkg"
    write_plan(tiny_plan(), path)
    return path


def run(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "terroffer.cli", *map(str, args)], capture_output=True, text=True, env=env
    )


def test_offer_json_and_xlsx(plan_file, tmp_path):
    done = run("--lang", "en", "offer", "--plan", plan_file, "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    villa = next(r for r in rows if r["Zone family"] == "Villas")
    assert villa["Area (ha)"] == pytest.approx(0.6)
    out = tmp_path / "offer.xlsx"
    assert run("offer", "--plan", plan_file, "--format", "xlsx", "--out", out).returncode == 0
    sheet = openpyxl.load_workbook(out).active
    assert sheet.max_row == 1 + 3  # header + villa, industry, green (ZT's plan is a draft)


def test_search_json(plan_file):
    done = run("search", "--plan", plan_file, "--use", "villa", "--json")
    assert done.returncode == 0, done.stderr
    (hit,) = json.loads(done.stdout)
    assert hit["zone_code"] == "V1" and hit["usable_area_m2"] == pytest.approx(5400)


def test_lookup_parcel_json_and_note(plan_file, tmp_path):
    table = tmp_path / "parcelle.csv"
    corners = [(0, 0), (100, 0), (100, 100), (0, 100)]
    table.write_text(
        "Borne;X;Y\n" + "".join(f"B{i};{X0 + x:.2f};{Y0 + y:.2f}\n" for i, (x, y) in enumerate(corners))
    )
    pdf, html = tmp_path / "note.pdf", tmp_path / "note.html"
    done = run("lookup", "--plan", plan_file, "--parcel", table, "--json", "--pdf", pdf, "--html", html)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["plot_area_m2"] == pytest.approx(10_000)
    assert result["net_area_m2"] == pytest.approx(9_000)
    assert [z["zone_code"] for z in result["zones"]] == ["V1", "I1"]
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "<html" in html.read_text(encoding="utf-8")


def test_lookup_default_plan_comes_from_the_environment(plan_file):
    import os

    env = {**os.environ, "TERROFFER_PLAN": str(plan_file)}
    done = run("lookup", "--xy", X0 + 30, Y0 + 20, "--json", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["zones"][0]["zone_code"] == "V1"


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("B1 1 2\nB2 1 2\nB3 1 2\n", "4"),
        ("B1 370000 360000\nB2 37x 360000\nB3 370100 360100\nB4 370000 360100\n", "37x"),
        ("B1 370000 360000\nB2 370100 360100\nB3 370100 360000\nB4 370000 360100\n", "B1–B2"),
        ("B1 9000000 360000\nB2 9000100 360000\nB3 9000100 360100\nB4 9000000 360100\n", "9000000"),
    ],
    ids=["three-points", "text-in-number", "self-crossing", "far-away"],
)
def test_bad_parcel_is_one_line_and_exit_2(plan_file, tmp_path, content, fragment):
    parcel = tmp_path / "parcelle.txt"
    parcel.write_text(content)
    done = run("lookup", "--plan", plan_file, "--parcel", parcel)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert "parcelle.txt" in lines[0] and fragment in lines[0]


def test_unknown_use_is_one_line(plan_file):
    done = run("search", "--plan", plan_file, "--use", "casino")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
