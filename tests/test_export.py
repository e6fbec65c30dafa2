"""The presentation pack, on the hand-drawn tiny plan (see tests/tiny.py) and on the sample.

By hand, for the tiny plan and its approved plan PA-T: the offer has one row per commune ×
sector × family with zones, i.e. villa, industry and green in commune C1: 3 rows. The pack
holds 2 maps (the territory and C1, "Témara" -> temara.png), 4 charts, 2 tables and their
previews. Maps are 12 × 8 in and charts 12 × 7.5 in, at 300 dpi.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import openpyxl
import pytest
from PIL import Image

import terroffer.export as export
from terroffer.errors import OptionError, OutputError
from terroffer.export import export_pack, slug
from tests.tiny import tiny_plan

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "zoning" / "skhirat-temara.gpkg"
CHARTS = ("offer-by-sector", "zoning-mix", "capacity-by-sector", "housing-per-inhabitant")


@pytest.fixture(scope="module")
def plan():
    return tiny_plan()


@pytest.fixture
def no_webmap(monkeypatch):
    monkeypatch.setattr(export, "_webmap", lambda: None)


@pytest.fixture
def fake_webmap(monkeypatch):
    """A stand-in for terroffer.render.webmap that records what it was asked for."""
    calls = []

    def zone_map(plan, *, communes=None, lang="fr"):
        calls.append((communes, lang))
        return f"<html><body>{communes} {lang}</body></html>"

    def save_map(m, path):
        Path(path).write_text(m, encoding="utf-8")
        return Path(path)

    monkeypatch.setattr(export, "_webmap", lambda: (zone_map, save_map))
    return calls


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def _links(page: str) -> set[str]:
    return set(re.findall(r'(?:href|src)="([^"]+)"', page))


def test_slug():
    assert slug("Aïn Attig") == "ain-attig"
    assert slug("Sidi Yahya Zaer") == "sidi-yahya-zaer"
    assert slug("تمارة") == ""


def test_pack_on_the_tiny_plan(plan, tmp_path, no_webmap):
    index = export_pack(plan, tmp_path / "pack", lang="fr", progress=False)
    root = tmp_path / "pack"
    assert index == root / "index.html"
    expected = {
        "index.html",
        "maps/territory.png",
        "maps/temara.png",
        *(f"charts/{c}.png" for c in CHARTS),
        "tables/offer.xlsx",
        "tables/offer.csv",
        "thumbs/maps-territory.png",
        "thumbs/maps-temara.png",
        *(f"thumbs/charts-{c}.png" for c in CHARTS),
    }
    assert _files(root) == expected

    for name in ("maps/territory.png", "maps/temara.png"):
        with Image.open(root / name) as im:
            assert im.size == (3600, 2400)
    for c in CHARTS:
        with Image.open(root / "charts" / f"{c}.png") as im:
            assert im.size == (3600, 2250)
    with Image.open(root / "thumbs" / "maps-temara.png") as im:
        assert im.size == (12 * 48, 8 * 48)

    # the command line's one table writer (render.tables.write_table): the illustrative
    # notice first, then the header and the 3 rows, numbers as numbers, and a sources sheet
    book = openpyxl.load_workbook(root / "tables" / "offer.xlsx")
    sheet = book.active
    assert sheet.title == "Offre territoriale"
    assert len(book.sheetnames) == 2 and not sheet.sheet_view.rightToLeft
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("Données illustratives")
    assert len(rows) == 2 + 3
    assert rows[1][:3] == ("Commune", "Secteur", "Famille de zones")
    assert sorted(r[2] for r in rows[2:]) == ["Espaces verts et loisirs", "Industrie et logistique", "Villas"]
    assert {r[0] for r in rows[2:]} == {"Témara"}
    villas = next(r for r in rows[2:] if r[2] == "Villas")
    assert villas[4] == pytest.approx(0.6)  # V1: 60 m × 100 m = 0.6 ha, a number, not text

    with open(root / "tables" / "offer.csv", encoding="utf-8-sig", newline="") as f:
        records = list(csv.reader(f))
    assert records[0][0].startswith("# Données illustratives")
    assert len(records) == 2 + 3
    assert records[1] == list(rows[1])

    page = index.read_text(encoding="utf-8")
    assert '<html lang="fr" dir="ltr">' in page
    assert _links(page) == expected - {"index.html"}
    assert "http://" not in page and "https://" not in page
    assert "Données illustratives" in page
    assert "terroffer.render.webmap" in page  # says why there is no interactive map


def test_arabic_pack_is_right_to_left(plan, tmp_path, no_webmap):
    index = export_pack(plan, tmp_path, lang="ar", progress=False)
    page = index.read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in page
    assert "ملف العرض: العرض الترابي" in page
    assert "http://" not in page and "https://" not in page
    book = openpyxl.load_workbook(tmp_path / "tables" / "offer.xlsx")
    assert all(ws.sheet_view.rightToLeft for ws in book)  # Arabic sheets read from the right
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0].startswith("معطيات توضيحية")
    assert rows[1][0] == "الجماعة"
    assert {r[0] for r in rows[2:]} == {"تمارة"}
    text = (tmp_path / "tables" / "offer.csv").read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")  # Excel reads Arabic in a CSV only with a BOM
    assert "تمارة" in text.decode("utf-8-sig")


def test_interactive_maps_are_made_and_linked_when_webmap_exists(plan, tmp_path, fake_webmap):
    index = export_pack(plan, tmp_path, lang="en", progress=False)
    assert fake_webmap == [(None, "en"), (["C1"], "en")]
    page = index.read_text(encoding="utf-8")
    assert {"maps/territory.html", "maps/temara.html"} <= _links(page)
    assert _links(page) == _files(tmp_path) - {"index.html"}
    assert "terroffer.render.webmap" not in page


def test_a_failing_interactive_map_is_told_not_fatal(plan, tmp_path, monkeypatch):
    def zone_map(plan, *, communes=None, lang="fr"):
        raise RuntimeError("no canvas")

    monkeypatch.setattr(export, "_webmap", lambda: (zone_map, lambda m, p: None))
    with pytest.warns(UserWarning, match="no canvas"):
        index = export_pack(plan, tmp_path, lang="fr", progress=False)
    page = index.read_text(encoding="utf-8")
    assert "RuntimeError: no canvas" in page
    assert not list(tmp_path.glob("maps/*.html"))


def test_progress_bar_on_stderr_only_when_asked(plan, tmp_path, capsys, no_webmap):
    export_pack(plan, tmp_path / "quiet", progress=False)
    assert capsys.readouterr().err == ""
    export_pack(plan, tmp_path / "loud", progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    # 2 maps + 4 charts + the tables + the page = 8 steps
    assert "8/8" in captured.err


def test_unknown_language(plan, tmp_path):
    with pytest.raises(OptionError) as bad:
        export_pack(plan, tmp_path, lang="xx")
    assert "« xx »" in bad.value.message("fr") and "fr, ar, en" in bad.value.message("fr")


def test_an_unwritable_folder_is_refused_before_any_work(plan, tmp_path, no_webmap):
    afile = tmp_path / "afile"
    afile.write_text("not a folder", encoding="utf-8")
    with pytest.raises(OutputError) as bad:
        export_pack(plan, afile / "pack", lang="fr", progress=False)
    assert "afile" in bad.value.message("fr")


def test_plans_of_unknown_status_are_counted_and_said(tmp_path, no_webmap):
    import dataclasses

    plan = tiny_plan()
    plans = plan.plans.copy()
    plans["status"] = None  # a plain Shapefile says nothing of its plans' status
    unknown = dataclasses.replace(plan, plans=plans)
    page = export_pack(unknown, tmp_path, lang="fr", progress=False).read_text(encoding="utf-8")
    # all 4 zones now count: V1, I1, EV of PA-T and ZT of PA-D
    assert "4 zone(s) de plans au statut inconnu sont comptées" in page
    assert '<tr class="unknown">' in page and "statut inconnu" in page


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_index_page_reads_on_a_390_px_phone(plan, tmp_path, no_webmap, lang):
    from tests.browser import browser_page, require_chromium, screenshot_dir

    require_chromium()
    index = export_pack(plan, tmp_path / lang, lang=lang, progress=False)
    with browser_page(offline=True) as (page, outside):
        page.set_viewport_size({"width": 390, "height": 844})
        # set_content rather than file://: the offline guard lets only data: and loopback through
        page.set_content(index.read_text(encoding="utf-8"), wait_until="load")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        widest = page.evaluate(
            "Math.max(...[...document.querySelectorAll('td,th,p,h1,h2,figure')]"
            ".map(e => e.getBoundingClientRect().right))"
        )
        assert widest <= 390
        # the summary's caption reads as a line, not one letter per line
        caption = page.locator("table.cards caption").bounding_box()
        assert caption is not None and caption["width"] > 300
        page.screenshot(path=str(screenshot_dir(tmp_path) / f"pack-phone-{lang}.png"), full_page=True)


@pytest.mark.slow
@pytest.mark.skipif(not SAMPLE.exists(), reason="needs the bundled sample plan")
def test_pack_on_the_sample(tmp_path, no_webmap):
    from terroffer import load_plan
    from terroffer._offer import offer

    sample = load_plan(SAMPLE)
    index = export_pack(sample, tmp_path, lang="fr", progress=False)
    maps = sorted(p.name for p in (tmp_path / "maps").glob("*.png"))
    assert len(maps) == 1 + 10  # the territory and its ten communes
    assert "temara.png" in maps and "sidi-yahya-zaer.png" in maps
    rows = openpyxl.load_workbook(tmp_path / "tables" / "offer.xlsx").active.max_row
    # the notice, the header, the rows and the line saying how many zones' capacity is unknown
    assert rows == 2 + len(offer(sample)) + 1
    page = index.read_text(encoding="utf-8")
    assert _links(page) == _files(tmp_path) - {"index.html"}
    assert "http://" not in page and "https://" not in page
