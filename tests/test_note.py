"""The planning information note, on a tiny plan whose figures are worked out by hand.

The plan: a 100 m square plot (x 360 000–360 100, y 370 000–370 100, Lambert Nord Maroc)
split at x = 360 040 between a villa zone V1 (west) and a collective-housing zone C (east),
and crossed from west to east by a 10 m road reservation (y 370 045–370 055).

By hand:
    plot 100 × 100 = 10 000 m²; V1 part 40 × 100 = 4 000 m² (40 %); C part 60 × 100 = 6 000 m² (60 %)
    road 100 × 10 = 1 000 m² (10 %); net 10 000 − 1 000 = 9 000 m²
    net V1 40 × 90 = 3 600 m²; net C 60 × 90 = 5 400 m²
    footprint 3 600 × 0.35 + 5 400 × 0.5 = 1 260 + 2 700 = 3 960 m²
    floor area V1 min(3 600 × 0.6, 1 260 × 2) = 2 160; C min(5 400 × 2.5, 2 700 × 6) = 13 500;
    total 15 660 m²; levels and height of the main zone (C, the larger net part): 6 (R+5), 19.5 m
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from terroffer._lookup import lookup
from terroffer.model import (
    Plan,
    SourceInfo,
    conform_communes,
    conform_plans,
    conform_reservations,
    conform_rules,
    conform_zones,
)
from terroffer.reference import translate
from terroffer.render.note import note_html, note_pdf, note_reference
from tests.browser import browser_page, require_chromium, screenshot_dir

CRS = "EPSG:26191"
X0, Y0 = 360_000.0, 370_000.0
TODAY = dt.date(2026, 11, 29)
NB = "\u00a0"  # between a number and its unit
NNB = "\u202f"  # between thousands, in French and Arabic
PACKAGE = Path(__file__).resolve().parents[1] / "terroffer"


def tiny_plan(status: str = "approved") -> Plan:
    zones = gpd.GeoDataFrame(
        {
            "zone_code": ["V1", "C"],
            "family": ["villa", "collective_housing"],
            "label_fr": ["Zone de villas", "Zone d'immeubles"],
            "label_ar": ["منطقة الفيلات", "منطقة العمارات"],
            "plan_id": ["PA-TEST", "PA-TEST"],
            "commune": ["Témara", "Témara"],
        },
        geometry=[
            shapely.box(X0 - 100, Y0 - 100, X0 + 40, Y0 + 200),
            shapely.box(X0 + 40, Y0 - 100, X0 + 200, Y0 + 200),
        ],
        crs=CRS,
    )
    rules = pd.DataFrame(
        {
            "plan_id": ["PA-TEST", "PA-TEST"],
            "zone_code": ["V1", "C"],
            "cos": [0.6, 2.5],
            "ces": [0.35, 0.5],
            "max_height_m": [8.5, 19.5],
            "max_floors": [2, 6],
            "min_lot_m2": [2000, 1000],
            "allowed_uses": ["villa;dwelling", "apartment_block;shop"],
            "conditional_uses": ["guesthouse", "hotel"],
            "article_ref": ["Art. 10", "Art. 14"],
        }
    )
    reservations = gpd.GeoDataFrame(
        {
            "number": ["V-1"],
            "kind": ["road"],
            "label_fr": ["Voie projetée de 10 m"],
            "label_ar": ["طريق مبرمجة بعرض 10 م"],
            "road_width_m": [10.0],
            "status": ["planned"],
            "effect_until": ["2033-01-01"],
            "plan_id": ["PA-TEST"],
        },
        geometry=[shapely.box(X0 - 100, Y0 + 45, X0 + 200, Y0 + 55)],
        crs=CRS,
    )
    plans = pd.DataFrame(
        {
            "plan_id": ["PA-TEST"],
            "kind": ["PA"],
            "name_fr": ["Plan d'aménagement d'essai"],
            "name_ar": ["تصميم التهيئة التجريبي"],
            "status": [status],
            "approval_ref": ["Décret n° 2-23-101" if status == "approved" else None],
            "approval_date": ["2023-03-01" if status == "approved" else None],
            "valid_until": ["2033-03-01" if status == "approved" else None],
            "illustrative": [True],
        }
    )
    communes = gpd.GeoDataFrame(
        {"code": ["04.501.01.07"], "name_fr": ["Témara"], "name_ar": ["تمارة"], "population_2024": [297098]},
        geometry=[shapely.box(X0 - 1000, Y0 - 1000, X0 + 1000, Y0 + 1000)],
        crs=CRS,
    )
    return Plan(
        zones=conform_zones(zones),
        rules=conform_rules(rules),
        reservations=conform_reservations(reservations, CRS),
        plans=conform_plans(plans),
        communes=conform_communes(communes, CRS),
        source=SourceInfo(path="<tiny>", driver="memory", crs=CRS),
    )


PLOT = shapely.box(X0, Y0, X0 + 100, Y0 + 100)


@pytest.fixture(scope="module")
def plan() -> Plan:
    return tiny_plan()


@pytest.fixture(scope="module")
def result(plan):
    return lookup(plan, PLOT)


def test_the_lookup_agrees_with_the_hand_calculation(result):
    # guards the figures below: if this fails, the look-up changed, not the note
    assert result.plot_area_m2 == pytest.approx(10_000)
    assert result.net_area_m2 == pytest.approx(9_000)
    assert result.capacity.max_footprint_m2 == pytest.approx(3_960)
    assert result.capacity.max_floor_area_m2 == pytest.approx(15_660)


EXPECTED = {
    "fr": [
        f"10{NNB}000,0{NB}m²",  # plot
        f"4{NNB}000,0{NB}m²",  # V1 part
        f"6{NNB}000,0{NB}m²",  # C part
        f"40,0{NB}%",
        f"60,0{NB}%",
        f"1{NNB}000,0{NB}m²",  # road part and reserved area
        f"10,0{NB}%",
        f"9{NNB}000,0{NB}m²",  # net
        f"3{NNB}960,0{NB}m²",  # footprint
        f"15{NNB}660,0{NB}m²",  # floor area
        "6 (R+5)",
        f"19,5{NB}m",
        f"10{NB}m",  # road width
        "0,35",
        "2,5",
        "Villas",
        "Habitat collectif",
        "Voie",
        "Témara",
    ],
    "en": [
        "10,000.0 m²",
        "4,000.0 m²",
        "40.0%",
        "9,000.0 m²",
        "3,960.0 m²",
        "15,660.0 m²",
        "6 (G+5)",
        "19.5 m",
    ],
    "ar": [
        f"10{NNB}000,0{NB}م²",
        f"4{NNB}000,0{NB}م²",
        "40,0%",
        f"9{NNB}000,0{NB}م²",
        f"3{NNB}960,0{NB}م²",
        f"15{NNB}660,0{NB}م²",
        f"19,5{NB}م",
        "الفيلات",
        "طريق",
        "تمارة",
    ],
}


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_html_note_has_the_figures_the_disclaimer_and_no_url(result, plan, lang):
    page = note_html(result, plan, lang=lang, today=TODAY)
    text = html.unescape(page)
    for figure in EXPECTED[lang]:
        assert figure in text, figure
    assert html.escape(translate("note.disclaimer", lang)) in page
    assert html.escape(translate("note.illustrative_data", lang)) in page
    assert note_reference(result, TODAY) in page
    assert "http://" not in page and "https://" not in page
    assert "data:font/woff;base64," in page and "data:image/" not in page  # the map is inline SVG
    assert re.search(r'<figure><svg [^>]*class="plot-map"[^>]*role="img">', page)
    direction = "rtl" if lang == "ar" else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in page
    assert f'<article class="note" lang="{lang}" dir="{direction}">' in page


def test_both_puts_french_and_arabic_side_by_side(result, plan):
    page = note_html(result, plan, lang="both", today=TODAY)
    assert '<article class="note" lang="fr" dir="ltr">' in page
    assert '<article class="note" lang="ar" dir="rtl">' in page
    assert page.index('lang="fr" dir="ltr">') < page.index('lang="ar" dir="rtl">')


def test_a_draft_plan_is_stated_loudly(result):
    plan = tiny_plan("under_study")
    draft = lookup(plan, PLOT)
    fr = html.unescape(note_html(draft, plan, lang="fr", today=TODAY))
    ar = html.unescape(note_html(draft, plan, lang="ar", today=TODAY))
    assert re.search(r'<p class="alert danger"[^>]*>PROJET À L\'ÉTUDE — Plan d\'aménagement d\'essai', fr)
    assert re.search(r'<p class="alert danger"[^>]*>مشروع قيد الدراسة — تصميم التهيئة التجريبي', ar)
    assert "alert danger" not in note_html(result, tiny_plan(), lang="fr", today=TODAY)


def test_unmet_minimum_lot_is_flagged_with_numbers_in_the_language(plan):
    small = lookup(plan, shapely.box(X0, Y0, X0 + 30, Y0 + 40))  # 1 200 m² in V1, minimum 2 000
    assert "below_min_lot" in small.flags
    fr = html.unescape(note_html(small, plan, lang="fr", today=TODAY))
    assert "NON ATTEINT" in fr
    # the look-up writes "1,200"; the French note must not
    assert "1,200" not in fr and f"1{NNB}200" in fr


def test_reference_is_stable_and_dated(result):
    ref = note_reference(result, TODAY)
    assert re.fullmatch(r"TO-20261129-[0-9A-F]{6}", ref)
    rotated = shapely.Polygon([(X0 + 100, Y0 + 100), (X0, Y0 + 100), (X0, Y0), (X0 + 100, Y0)])
    same = lookup(tiny_plan(), rotated)
    assert note_reference(same, TODAY) == ref
    assert note_reference(result, TODAY + dt.timedelta(days=1)) != ref


def test_unknown_language_is_refused(result, plan):
    # an OptionError (a ValueError) naming the choices, as every bad option value is
    with pytest.raises(ValueError, match="choose from fr, ar, en, both"):
        note_html(result, plan, lang="de")


def _page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


@pytest.mark.parametrize(("lang", "pages"), [("fr", 1), ("ar", 1), ("en", 1), ("both", 1)])
def test_pdf_note_fits_one_page_even_in_two_languages(result, plan, tmp_path, lang, pages):
    path = tmp_path / f"note-{lang}.pdf"
    data = note_pdf(result, plan, path, lang=lang, today=TODAY)
    assert data.startswith(b"%PDF-")
    assert path.read_bytes() == data
    assert _page_count(data) == pages
    assert b"http://" not in data.replace(b"http://scripts.sil.org/OFL", b"")  # the font's own licence URL


def test_pdf_note_is_reproducible(result, plan):
    assert note_pdf(result, plan, lang="ar", today=TODAY) == note_pdf(result, plan, lang="ar", today=TODAY)


NO_PDFTOTEXT = shutil.which("pdftotext") is None


@pytest.mark.skipif(NO_PDFTOTEXT, reason="needs pdftotext (apt-get install poppler-utils)")
def test_pdf_text_extracts_in_reading_order(result, plan, tmp_path):
    path = tmp_path / "both.pdf"
    note_pdf(result, plan, path, lang="both", today=TODAY)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    # pdftotext gives no-break spaces back as plain ones
    assert "Surface nette" in text and "9 000,0 m²" in text.replace(NNB, " ").replace(NB, " ")
    # Arabic comes out in logical (reading) order, not reversed: these words have no ligature;
    # words with lam-alef (لا) or other ligatures do not extract cleanly (see the report)
    assert "المساحة الصافية" in text
    assert "تمارة" in text
    assert "ةيفاصلا" not in text  # what a reversed extraction would give


@pytest.mark.skipif(NO_PDFTOTEXT, reason="needs pdftotext (apt-get install poppler-utils)")
def test_arabic_pdf_keeps_numbers_left_to_right(result, plan, tmp_path):
    """In the Arabic page "10 000,0 م²" is drawn 10 | 000,0 | م² from left to right, not reversed."""
    path = tmp_path / "ar.pdf"
    note_pdf(result, plan, path, lang="ar", today=TODAY)
    words = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    boxes = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', words)
    rows: dict[str, dict[str, float]] = {}
    for x, y, word in boxes:
        rows.setdefault(y, {})[word] = float(x)
    plot_row = next(r for r in rows.values() if "10" in r and "000,0" in r)
    assert plot_row["10"] < plot_row["000,0"]  # the thousands to the left of the units
    unit = next(w for w in plot_row if "م" in w)
    assert plot_row[unit] < plot_row["10"]  # the unit after the number, reading right to left


@pytest.mark.skipif(
    NO_PDFTOTEXT or shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
    reason="needs pdftoppm and zbarimg (apt-get install poppler-utils zbar-tools)",
)
def test_pdf_qr_code_scans_to_the_reference(result, plan, tmp_path):
    path = tmp_path / "fr.pdf"
    note_pdf(result, plan, path, lang="fr", today=TODAY)
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(path), str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png"))
    out = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True).stdout
    assert out.strip() == note_reference(result, TODAY)


def test_note_catalogues_have_the_same_keys():
    keys = {}
    for lang in ("fr", "ar", "en"):
        data = json.loads((PACKAGE / "reference" / "i18n" / lang / "note.json").read_text(encoding="utf-8"))
        keys[lang] = set(data) - {"_doc"}
    assert keys["fr"] == keys["ar"] == keys["en"]


@pytest.mark.browser
def test_html_note_opens_offline_in_chromium_right_to_left(result, plan, tmp_path):
    require_chromium()
    shots = screenshot_dir(tmp_path)
    note = note_html(result, plan, lang="ar", today=TODAY)
    with browser_page(offline=True) as (page, outside):
        # set_content rather than a file:// URL: the offline guard lets only data: and loopback through
        page.set_content(note, wait_until="load")
        page.evaluate("document.fonts.ready")
        article = page.locator('article[dir="rtl"]')
        assert article.evaluate("el => getComputedStyle(el).direction") == "rtl"
        assert page.evaluate("document.fonts.check('13px \"Note Sans\"')")
        assert page.evaluate(
            "[...document.fonts].some(f => f.family.includes('Note Sans') && f.status == 'loaded')"
        )
        map_svg = page.locator("figure svg.plot-map")
        assert map_svg.evaluate("s => s.getBoundingClientRect().width") == 300  # the CSS's width
        # the map reads left to right in the Arabic page: its scale bar is not mirrored
        assert map_svg.evaluate("s => getComputedStyle(s).direction") == "ltr"
        assert map_svg.evaluate("s => getComputedStyle(s.querySelector('text')).fontFamily").startswith(
            '"Note Sans"'
        )
        assert page.get_by_text("المساحة الصافية").count() >= 1
        page.screenshot(path=str(shots / "note-ar.png"), full_page=True)
        assert outside == [], f"requests left the machine: {outside[:5]}"
