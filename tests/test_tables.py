"""Tables and text for people (terroffer.render.tables) on the hand-drawn tiny plan."""

from __future__ import annotations

import math

import pytest

from terroffer import words
from terroffer._lookup import lookup
from terroffer._offer import offer
from terroffer.render.tables import lookup_text, offer_table, table_text
from tests.tiny import rect, tiny_plan

NNBSP = "\u202f"


def _spaced(text: str) -> str:
    """Units are bound to their number by a no-break space; the tests read plain spaces."""
    return text.replace("\xa0", " ")


@pytest.fixture
def plan():
    return tiny_plan()


def test_lookup_text_says_all_the_note_says(plan):
    row = plan.rules.index[plan.rules["zone_code"] == "V1"][0]
    plan.rules.loc[row, "article_ref"] = "Règlement PA de T, article 12"
    plan.invalidate()
    # the 100 m square at the origin: V1 60 m × 100 m, I1 40 m × 100 m, the 10 m road across
    text = _spaced(lookup_text(lookup(plan, rect(0, 0, 100, 100)), "fr", plan=plan))
    assert f"Surface du terrain : 10{NNBSP}000,0 m²" in text
    assert "Zone V1 — Zone de villas — PA de T, approuvé" in text
    assert "Usages autorisés : Villa, Logement" in text
    assert "Usages sous condition : Bureaux" in text  # I1's office use
    assert "Usages interdits : Usine" in text
    assert "Lot minimal : 300 m² (respecté)" in text
    assert "Façade minimale : 12 m" in text
    assert "Article : Règlement PA de T, article 12" in text
    assert f"Surface nette : 9{NNBSP}000,0 m²" in text  # 10,000 less 100 m × 10 m of road
    # V1: 5,400 net × min(0.6, 0.3 × 2) = 3,240; I1: 3,600 net × min(1.5, 0.6 × 3) = 5,400
    assert f"Surface de plancher maximale 8{NNBSP}640 m²" in text
    assert "Capacité partielle" not in text
    arabic = lookup_text(lookup(plan, rect(0, 0, 100, 100)), "ar", plan=plan)
    assert "فيلا" in arabic and words.term("article", "ar") in arabic and "،" in arabic
    assert "Règlement" not in arabic  # the article reference in Arabic


def test_lookup_text_marks_a_partial_capacity(plan):
    plan.rules = plan.rules[plan.rules["zone_code"] != "I1"].reset_index(drop=True)
    plan.invalidate()
    text = _spaced(lookup_text(lookup(plan, rect(0, 0, 100, 100)), "fr", plan=plan))
    # I1's 3,600 m² of net area have no rules: only V1's 5,400 × 0.6 = 3,240 m² is known
    assert f"Capacité partielle (zones sans règlement : 3{NNBSP}600,0 m² non couverts)" in text
    assert f"Surface de plancher maximale 3{NNBSP}240 m²" in text


def test_offer_table_text_writes_unknowns_as_a_dash_with_their_count(plan):
    plan.rules.loc[plan.rules["zone_code"] == "V1", ["cos", "ces"]] = None
    plan.invalidate()
    table = offer_table(offer(plan), "fr")
    villa = table[table["Famille de zones"] == "Villas"].iloc[0]
    assert math.isnan(villa["Surface de plancher maximale (m²)"])  # a number (NaN) in the table
    text = _spaced(table_text(table, "fr"))
    assert "NaN" not in text and "—" in text
    assert table.attrs["notes"][0].startswith("— : capacité inconnue")
    assert "1 zone(s)" in table.attrs["notes"][0]
    # industry: 4,000 m² less the road's 400 m² = 3,600 m² net × min(1.5, 0.6 × 3) = 5 400 m²,
    # grouped with a narrow no-break space
    assert f"5{NNBSP}400" in text


def test_lookup_text_of_a_draft_plan_reads_without_empty_references():
    """ZT lies in PA-D, under study, with no approval reference: no "(réf. —)", no doubled brackets."""
    import terroffer
    from terroffer.render.tables import lookup_text
    from tests.tiny import rect, tiny_plan

    plan = tiny_plan()
    result = terroffer.lookup(plan, rect(120, 10, 180, 40))
    text = lookup_text(result, "fr")
    assert "à l'étude (projet, sans effet juridique)" in text
    assert "réf. —" not in text and "))" not in text
    assert "Plan : PA de D — à l'étude (projet, sans effet juridique)\n" in text
    assert "Zone ZT — Zone touristique — PA de D, à l'étude (projet, sans effet juridique) : 1" in text
