"""The note speaks with one voice: numbers, the glossary, partial capacity, statuses, warnings, layout.

The plan is test_note's hand-made one: a 100 m square plot split at x = 40 between V1
(COS 0.6, CES 0.35, 2 levels) and C (COS 2.5, CES 0.5, 6 levels), crossed by a 10 m road
(y 45–55), so that the plot's net area is 9 000 m²: 3 600 m² in V1 and 5 400 m² in C.
"""

from __future__ import annotations

import dataclasses
import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import shapely

from terroffer._lookup import lookup
from terroffer.model import Notice, Plan
from terroffer.render.note import note_html, note_pdf
from terroffer.words import term
from tests.browser import browser_page, require_chromium, screenshot_dir
from tests.test_note import PLOT, TODAY, X0, Y0, tiny_plan

NB = "\u00a0"  # between a number and its unit
NNB = "\u202f"  # between thousands
PACKAGE = Path(__file__).resolve().parents[1] / "terroffer"
NO_PDFTOTEXT = shutil.which("pdftotext") is None


def _text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _pdf_text(data: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / "note.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _without_rules_for_c() -> Plan:
    plan = tiny_plan()
    rules = plan.rules[plan.rules["zone_code"] != "C"].reset_index(drop=True)
    return dataclasses.replace(plan, rules=rules)


# ----------------------------------------------------------------------------- partial capacity


def test_partial_capacity_names_the_area_left_out():
    plan = _without_rules_for_c()
    result = lookup(plan, PLOT)
    # by hand: figures only for V1's net 40 × 90 = 3 600 m²; C's 60 × 90 = 5 400 m² have none
    # footprint 3 600 × 0.35 = 1 260 m²; floor area min(3 600 × 0.6, 1 260 × 2) = 2 160 m²
    fr = _text(note_html(result, plan, lang="fr", today=TODAY))
    assert "Capacité partielle" in fr
    assert "Capacité constructible maximale" not in fr
    assert f"5{NNB}400,0{NB}m²" in fr  # the area the figures do not cover
    assert f"1{NNB}260,0{NB}m²" in fr and f"2{NNB}160,0{NB}m²" in fr
    ar = _text(note_html(result, plan, lang="ar", today=TODAY))
    assert "قدرة بنائية جزئية" in ar and f"5{NNB}400,0{NB}م²" in ar
    assert "القدرة البنائية القصوى" not in ar


def test_full_capacity_is_not_called_partial():
    plan = tiny_plan()
    fr = _text(note_html(lookup(plan, PLOT), plan, lang="fr", today=TODAY))
    assert "Capacité constructible maximale" in fr and "Capacité partielle" not in fr


@pytest.mark.skipif(NO_PDFTOTEXT, reason="needs pdftotext (apt-get install poppler-utils)")
def test_partial_capacity_in_the_pdf(tmp_path):
    plan = _without_rules_for_c()
    text = _pdf_text(note_pdf(lookup(plan, PLOT), plan, lang="fr", today=TODAY), tmp_path)
    flat = " ".join(text.replace(NNB, " ").replace(NB, " ").split())
    assert "Capacité partielle" in flat and "5 400,0 m²" in flat


# ----------------------------------------------------------------------------- statuses and warnings


def test_plan_of_unknown_status_is_marked():
    plan = tiny_plan()
    plans = plan.plans.copy()
    plans["status"] = None
    plan = dataclasses.replace(plan, plans=plans)
    result = lookup(plan, PLOT)
    fr = note_html(result, plan, lang="fr", today=TODAY)
    ar = note_html(result, plan, lang="ar", today=TODAY)
    assert re.search(r'<p class="alert caution"[^>]*>STATUT INCONNU', html.unescape(fr))
    assert re.search(r'<p class="alert caution"[^>]*>وضعية غير معروفة', html.unescape(ar))


def _with_warnings(result):  # type: ignore[no-untyped-def]
    extra = (
        Notice("lookup.partly_outside", {"area": 1234.5}),
        Notice("lookup.below_min_frontage", {"frontage": 8.5, "min": 12.0}),
    )
    return dataclasses.replace(result, warnings=(*result.warnings, *extra))


def test_every_lookup_warning_is_in_the_html_note_with_raw_numbers_formatted():
    plan = tiny_plan()
    result = _with_warnings(lookup(plan, PLOT))
    fr = _text(note_html(result, plan, lang="fr", today=TODAY))
    assert f"1{NNB}234,5{NB}m² du terrain sont hors de tout plan" in fr
    assert f"8,5{NB}m" in fr and f"12{NB}m" in fr
    en = _text(note_html(result, plan, lang="en", today=TODAY))
    assert "1,234.5 m²" in en
    ar = _text(note_html(result, plan, lang="ar", today=TODAY))
    assert f"1{NNB}234,5{NB}م²" in ar


@pytest.mark.skipif(NO_PDFTOTEXT, reason="needs pdftotext (apt-get install poppler-utils)")
def test_every_lookup_warning_is_in_the_pdf_note(tmp_path):
    plan = tiny_plan()
    result = _with_warnings(lookup(plan, PLOT))
    text = _pdf_text(note_pdf(result, plan, lang="fr", today=TODAY), tmp_path)
    flat = " ".join(text.replace(NNB, " ").replace(NB, " ").split())
    assert "1 234,5 m² du terrain sont hors de tout plan" in flat
    assert "Façade sur voie 8,5 m inférieure" in flat


def test_nearest_zone_48_km_away_is_in_kilometres():
    plan = tiny_plan()
    # the plot starts 48 400 m east of X0; zone C ends at X0 + 200: 48 200 m = 48,2 km
    far = lookup(plan, shapely.box(X0 + 48_400, Y0, X0 + 48_500, Y0 + 100))
    fr = _text(note_html(far, plan, lang="fr", today=TODAY))
    assert f"à 48,2{NB}km" in fr
    assert "48,200" not in fr and "48 200 m" not in fr
    ar = _text(note_html(far, plan, lang="ar", today=TODAY))
    assert f"48,2{NB}كلم" in ar


# ----------------------------------------------------------------------------- one Arabic glossary


def test_arabic_note_uses_the_glossary_and_arabic_references():
    plan = tiny_plan()
    ar = _text(note_html(lookup(plan, PLOT), plan, lang="ar", today=TODAY))
    for key in ("cos_short", "ces_short", "max_floors", "max_height_m", "min_lot_m2", "net_area",
                "footprint", "floor_area", "frontage", "plot_area"):  # fmt: skip
        assert term(key, "ar") in ar, key
    assert "Art." not in ar and "Décret" not in ar
    assert "المادة \u206610\u2069" in ar  # "Art. 10" of V1, its number a left-to-right island
    assert "مرسوم رقم \u20662-23-101\u2069" in ar
    assert "فيلا، سكن" in ar  # V1's allowed uses, with the Arabic comma


def test_no_other_arabic_word_for_cos_in_the_rendering_catalogues():
    # "معامل استغلال" and "معامل الشغل" were used for COS next to the glossary's word
    for name in ("note.json", "map.json", "static.json", "terms.json"):
        text = (PACKAGE / "reference" / "i18n" / "ar" / name).read_text(encoding="utf-8")
        assert "معامل استغلال" not in text and "معامل الاستغلال" not in text, name
        assert "معامل الشغل" not in text, name


# ----------------------------------------------------------------------------- side by side


@pytest.mark.skipif(NO_PDFTOTEXT, reason="needs pdftotext (apt-get install poppler-utils)")
def test_bilingual_pdf_puts_french_left_and_arabic_right_with_their_footers(tmp_path):
    plan = tiny_plan()
    data = note_pdf(lookup(plan, PLOT), plan, lang="both", today=TODAY)
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == 1
    boxes = _pdf_text(data, tmp_path, "-bbox")
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', boxes)
    middle = 595.28 / 2  # A4 in points
    french = [float(x) for x, _, w in words if w in ("Surface", "Terrain", "Commune", "Réf.")]
    arabic = [float(x) for x, _, w in words if re.search("[\u0600-\u06ff]", w)]
    assert french and max(french) < middle
    assert arabic and min(arabic) > middle
    text = _pdf_text(data, tmp_path)
    assert "note informative, sans valeur juridique" in text  # the French footer
    assert "بطاقة إخبارية بدون قيمة قانونية" in text  # the Arabic footer
    # pdftotext gives an Arabic word's letters in drawing order: "صفحة" comes out reversed
    footer_y = [float(y) for _, y, w in words if w in ("Page", "صفحة", "ةحفص")]
    assert len(footer_y) == 2 and min(footer_y) > 780  # both at the foot of the one page


def test_bilingual_html_has_both_articles_each_with_its_footer():
    plan = tiny_plan()
    page = note_html(lookup(plan, PLOT), plan, lang="both", today=TODAY)
    fr, ar = page.split('<article class="note" lang="ar" dir="rtl">')
    assert "<footer>Réf." in fr and "<footer>المرجع" in ar
    assert '<main class="pages both">' in page


# ----------------------------------------------------------------------------- on a phone


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["fr", "ar", "both"])
def test_html_note_reads_on_a_390_px_phone_without_sideways_scrolling(tmp_path, lang):
    require_chromium()
    plan = tiny_plan()
    note = note_html(lookup(plan, PLOT), plan, lang=lang, today=TODAY)
    with browser_page(offline=True) as (page, outside):
        page.set_viewport_size({"width": 390, "height": 844})
        page.set_content(note, wait_until="load")
        page.evaluate("document.fonts.ready")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # every table cell still inside the screen (nothing clipped off by overflow:hidden)
        widest = page.evaluate(
            "Math.max(...[...document.querySelectorAll('td,th,img,p,h1,h2')]"
            ".map(e => e.getBoundingClientRect().right))"
        )
        assert widest <= 390
        page.screenshot(path=str(screenshot_dir(tmp_path) / f"note-phone-{lang}.png"), full_page=True)
        assert outside == []
