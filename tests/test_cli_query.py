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


NNBSP = "\u202f"  # French and Arabic group thousands with a narrow no-break space


def test_offer_json_and_xlsx(plan_file, tmp_path):
    done = run("--lang", "en", "offer", "--plan", plan_file, "--format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["illustrative"] is True and "Illustrative" in document["notice"]
    rows = document["rows"]
    villa = next(r for r in rows if r["Zone family"] == "Villas")
    assert villa["Area (ha)"] == pytest.approx(0.6)
    out = tmp_path / "offer.xlsx"
    assert run("offer", "--plan", plan_file, "--format", "xlsx", "--out", out).returncode == 0
    book = openpyxl.load_workbook(out)
    sheet = book.worksheets[0]
    # the notice, the header, then villa, industry, green (ZT's plan is a draft)
    assert sheet.max_row == 2 + 3
    assert "illustratives" in sheet.cell(row=1, column=1).value
    headers = [c.value for c in sheet[2]]
    area = sheet.cell(row=3, column=headers.index("Surface (ha)") + 1)
    assert isinstance(area.value, float) and area.number_format == "#,##0.0"
    assert not sheet.sheet_view.rightToLeft
    sources = book["Sources"]
    licences = {row[2] for row in sources.iter_rows(values_only=True)}
    assert {"MIT", "CC BY 4.0"} <= licences


def test_arabic_workbook_reads_right_to_left(plan_file, tmp_path):
    out = tmp_path / "offer-ar.xlsx"
    done = run("--lang", "ar", "offer", "--plan", plan_file, "--format", "xlsx", "--out", out)
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(out)
    assert all(ws.sheet_view.rightToLeft for ws in book.worksheets)
    assert "المصادر" in book.sheetnames


def test_offer_table_is_readable_in_the_language(plan_file):
    done = run("offer", "--plan", plan_file)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "illustratives" in lines[0]
    villa = next(line for line in lines if "Villas" in line)
    # 60 m × 100 m = 0,6 ha; net of the 10 m road 5,400 m²: min(5,400 × 0.6, 5,400 × 0.3 × 2) = 3 240 m²
    assert "0,6" in villa and f"3{NNBSP}240" in villa
    green = next(line for line in lines if "Espaces verts" in line and "Espaces verts et" in line)
    assert "NaN" not in done.stdout and "nan" not in green


def test_offer_csv_starts_with_the_notice(plan_file, tmp_path):
    out = tmp_path / "offre.csv"
    done = run("offer", "--plan", plan_file, "--format", "csv", "--out", out)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # a byte-order mark: Excel reads Arabic as UTF-8
    first, header = out.read_text(encoding="utf-8-sig").splitlines()[:2]
    assert first.startswith("# ") and "illustratives" in first
    assert header.startswith("Commune,Secteur")


def test_search_json(plan_file):
    done = run("search", "--plan", plan_file, "--use", "villa", "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["illustrative"] is True and (document["total"], document["shown"]) == (1, 1)
    (hit,) = document["rows"]
    assert hit["zone_code"] == "V1" and hit["usable_area_m2"] == pytest.approx(5400)


def test_search_text_names_communes_and_plans(plan_file):
    done = run("search", "--plan", plan_file, "--use", "villa")
    assert done.returncode == 0, done.stderr
    row = done.stdout.splitlines()[-1]
    assert "Témara" in row and "PA de T" in row and "approuvé" in row
    assert " C1 " not in row and "PA-T" not in row
    done = run("--lang", "ar", "search", "--plan", plan_file, "--use", "villa")
    assert "تمارة" in done.stdout and "تصميم التهيئة ت" in done.stdout


def test_a_truncated_search_says_how_many_it_left_out(tmp_path):
    plan = tiny_plan()
    plan.rules.at[plan.rules.index[plan.rules["zone_code"] == "V1"][0], "allowed_uses"] = ("villa", "hotel")
    path = tmp_path / "hotels.gpkg"
    write_plan(plan, path)
    done = run("search", "--plan", path, "--use", "hotel", "--limit", "1")
    assert done.returncode == 0, done.stderr
    # two zones allow hotels (V1 and ZT), one is shown
    assert done.stdout.splitlines()[-1].startswith("1 zones affichées sur 2")


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
        ("B1 1 2\nB2 1 2\nB3 1 2\n", "3"),  # one distinct corner; a plot needs three
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
