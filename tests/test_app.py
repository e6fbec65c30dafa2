"""The overview app's wiring, without a browser: language switch, direction, content."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("ipywidgets")

from terroffer.app import Overview
from terroffer.app.overview import sector_table
from tests.tiny import tiny_plan as _tiny_plan


@pytest.fixture
def tiny_plan():
    return _tiny_plan()


def test_sector_table_sums_hand_areas(tiny_plan):
    table = sector_table(tiny_plan).set_index("sector")
    # tests/tiny.py: villas 60 m x 100 m, industry 40 m x 100 m, tourism 100 m x 100 m.
    assert table.loc["housing", "area_ha"] == pytest.approx(0.6)
    assert table.loc["industry", "area_ha"] == pytest.approx(0.4)
    assert table.loc["tourism", "area_ha"] == pytest.approx(1.0)
    assert table.loc["housing", "zones"] == 1


def test_language_toggle_switches_text_and_direction(tiny_plan):
    app = Overview(tiny_plan, lang="fr")
    assert 'dir="ltr"' in app.body.value
    assert "Surface zonée par secteur" in app.body.value
    app.language.value = "ar"
    assert 'dir="rtl"' in app.body.value
    assert "المساحة المنطّقة حسب القطاع" in app.body.value
    assert re.search(r"[\u0600-\u06FF]", app.body.value)


def test_illustrative_banner_shown_only_for_illustrative_plans(tiny_plan):
    tiny_plan.plans["illustrative"] = False
    assert "terroffer-banner" not in Overview(tiny_plan).body.value
    tiny_plan.plans["illustrative"] = True
    assert "terroffer-banner" in Overview(tiny_plan).body.value


def test_map_png_is_a_png_per_language(tiny_plan):
    app = Overview(tiny_plan, lang="fr")
    fr = app.map_png()
    app.language.value = "ar"
    ar = app.map_png()
    assert fr.startswith(b"\x89PNG") and ar.startswith(b"\x89PNG")
    assert fr != ar


def test_dashboards_are_served_from_inside_the_package():
    # An installed wheel has no source tree around it (tests/test_wheel.py serves one).
    from pathlib import Path

    import terroffer
    from terroffer.app.serve import NOTEBOOKS, SHARE

    package = Path(terroffer.__file__).resolve().parent
    assert NOTEBOOKS.resolve().is_relative_to(package)
    assert SHARE.resolve().is_relative_to(package)
    assert (NOTEBOOKS / "explorer.ipynb").exists()
    # notebooks/ at the top of the repository is the same folder, for the README's paths.
    assert (package.parent / "notebooks").resolve() == NOTEBOOKS.resolve()


def test_numbers_are_written_per_language(tiny_plan):
    # Scaled 100 times each way, the villas' 60 m x 100 m become 6 km x 10 km: 6,000 ha.
    tiny_plan.zones["geometry"] = tiny_plan.zones.geometry.scale(100, 100, origin=(0, 0))
    app = Overview(tiny_plan, lang="fr")
    assert "<td>6\u202f000,0</td>" in app.body.value  # narrow no-break space, decimal comma
    app.language.value = "ar"
    assert "<td>6\u202f000,0</td>" in app.body.value
    app.language.value = "en"
    assert "<td>6,000.0</td>" in app.body.value
