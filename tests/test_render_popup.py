"""The one rules panel (render/popup.py), read as the visitor reads it, and the same in the web map.

The plan is tests/tiny.py's, with I1's rules changed by hand: COS 2.5, an article, and the
villa forbidden; EV loses its rules row. Expected texts are written out here.
"""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from terroffer.render.popup import PANEL_CSS, reservation_panel_html, zone_panel_html
from tests.tiny import tiny_plan

NBSP = "\u00a0"
NNBSP = "\u202f"  # between thousands


@pytest.fixture(scope="module")
def plan():
    p = tiny_plan()
    rules = p.rules[p.rules["zone_code"] != "EV"].copy()
    i1 = rules.index[rules["zone_code"] == "I1"][0]
    rules.loc[i1, "cos"] = 2.5
    rules.loc[i1, "article_ref"] = "Règlement PA Témara, art. 12"
    return dataclasses.replace(p, rules=rules.reset_index(drop=True))


def test_french_panel_has_the_figures_the_uses_and_the_article(plan):
    html = zone_panel_html(plan, "PA-T", "I1", "fr")
    assert html.startswith('<div class="terroffer-rules" dir="ltr" lang="fr">') and html.endswith("</div>")
    assert "Zone I1 — Zone industrielle" in html
    assert '<p class="to-sub">Industrie et logistique</p>' in html
    assert "<tr><th>COS</th><td>2,5</td></tr>" in html  # 2.5 written the French way
    assert "<tr><th>CES</th><td>0,6</td></tr>" in html
    assert "<tr><th>Niveaux</th><td>3 (R+2)</td></tr>" in html
    assert f"<td>15{NBSP}m</td>" in html and f"<td>1{NNBSP}000{NBSP}m²</td>" in html
    assert "<b>Usages autorisés</b> : Usine, Entrepôt" in html
    assert "<b>Usages sous condition</b> : Bureaux" in html
    assert '<p class="to-uses to-forbidden"><b>Usages interdits</b> : Villa</p>' in html
    assert "<b>Article</b> : Règlement PA Témara, art. 12" in html
    assert "PA de T — approuvé, en vigueur jusqu&#x27;au 01/01/2099" in html


def test_arabic_panel_is_right_to_left_in_arabic_words(plan):
    html = zone_panel_html(plan, "PA-T", "I1", "ar")
    assert html.startswith('<div class="terroffer-rules" dir="rtl" lang="ar">')
    assert "منطقة صناعية" in html
    assert "<td>2,5</td>" in html
    assert "<b>الاستعمالات الممنوعة</b>: فيلا" in html
    # the article in the glossary's words, the commune by its Arabic name, the number isolated
    assert "ضابط تهيئة تمارة، المادة \u206612\u2069" in html
    assert "تصميم التهيئة ت" in html


def test_a_draft_plan_is_flagged(plan):
    html = zone_panel_html(plan, "PA-D", "ZT", "fr")
    assert '<p class="to-plan to-warn">PA de D — à l&#x27;étude' in html


def test_a_zone_without_rules_says_so_and_an_unknown_zone_is_refused(plan):
    html = zone_panel_html(plan, "PA-T", "EV", "fr")
    assert "Zone EV — Espace vert" in html
    assert "Pas de règlement pour cette zone dans les données." in html
    assert "COS" not in html
    with pytest.raises(KeyError, match="XX"):
        zone_panel_html(plan, "PA-T", "XX", "fr")


def test_reservation_panel(plan):
    html = reservation_panel_html(plan, 0, "fr")
    assert html.startswith('<div class="terroffer-rules" dir="ltr" lang="fr"><h3>Voie n° V-1</h3>')
    assert '<p class="to-sub">Voie de 10 m</p>' in html
    assert f"<tr><th>Emprise</th><td>10{NBSP}m</td></tr>" in html
    assert "<td>programmé</td>" in html and "<td>01/01/2031</td>" in html
    assert "PA de T — approuvé" in html
    ar = reservation_panel_html(plan, 0, "ar")
    assert 'dir="rtl"' in ar and "طريق بعرض 10 م" in ar
    with pytest.raises(IndexError):
        reservation_panel_html(plan, 1, "fr")


def test_english_dates_have_no_time_of_day(plan):
    html = zone_panel_html(plan, "PA-T", "V1", "en")
    assert "in force until 2099-01-01<" in html or "in force until 2099-01-01" in html
    assert "T00:00" not in html


def test_web_map_popups_are_the_panels(plan):
    """The folium export shows exactly the panel's content, for each (plan, zone code)."""
    pytest.importorskip("folium")
    from terroffer.render.webmap import zone_map

    page = zone_map(plan).get_root().render()
    call = re.search(r"terroffer\.zoneLayer\((.*)\);", page).group(1)
    decoder = json.JSONDecoder()
    _, at = decoder.raw_decode(call, 0)
    tables, _ = decoder.raw_decode(call, at + 2)  # after ", "
    for code, plan_id in (("I1", "PA-T"), ("ZT", "PA-D"), ("EV", "PA-T")):
        panel = zone_panel_html(plan, plan_id, code, "fr")
        inner = panel[panel.index(">") + 1 : -len("</div>")]
        assert inner in tables["popups"], code
    assert PANEL_CSS in page.replace("<\\/", "</")
    assert 'class="to-popup terroffer-rules"' in page


def test_panel_css_is_scoped_to_the_panel():
    rules = [r for r in PANEL_CSS.split("}") if r.strip()]
    assert rules and all(r.strip().startswith(".terroffer-rules") for r in rules)


def test_web_map_reservation_popups_use_the_panels_parts(plan):
    """webmap.js writes heading and label, then a detail the panel builder made: the panel's own."""
    pytest.importorskip("folium")
    from terroffer.render.webmap import zone_map

    page = zone_map(plan).get_root().render()
    call = re.search(r"terroffer\.reservationLayer\((.*)\);", page).group(1)
    decoder = json.JSONDecoder()
    _, at = decoder.raw_decode(call, 0)
    tables, _ = decoder.raw_decode(call, at + 2)
    panel = reservation_panel_html(plan, 0, "fr")
    detail = panel[panel.index("<table>") : -len("</div>")]
    assert tables["details"] == [detail]
    assert tables["heading"] == "{kind} n° {number}" and "Voie" in tables["kinds"]
