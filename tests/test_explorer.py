"""The explorer's state, without a browser: filters, list, offer, rules, the four look-ups, language.

The tiny plan of tests/tiny.py, worked by hand:

- V1 (villa, PA-T approved) 60 × 100 = 6,000 m², the 10 m road takes 60 × 10 = 600: net 5,400 m²;
- I1 (industry, PA-T) 40 × 100 = 4,000 m², road 400: net 3,600 m²;
- EV (green, PA-T) 100 × 50 = 5,000 m², no reservation;
- ZT (tourism, PA-D under study) 100 × 100 = 10,000 m²: not counted by default (plans in force).
"""

from __future__ import annotations

import base64
import json
import re

import pytest
import shapely

pytest.importorskip("ipyleaflet")

from terroffer.app.explorer import Explorer
from terroffer.app.filters import ZoneFilter
from terroffer.selection import SEARCH_STATUSES

from .tiny import X0, Y0, rect, tiny_plan

NNBSP = "\u202f"  # thousands
NBSP = "\u00a0"  # before the unit


def fake_tiles(plan, zone_filter):  # type: ignore[no-untyped-def]
    return "/terroffer/tiles/{z}/{x}/{y}.pbf?" + zone_filter.to_query()


@pytest.fixture
def app() -> Explorer:
    return Explorer(tiny_plan(), lang="fr", tile_url=fake_tiles)


def codes(app: Explorer) -> list[str]:
    return app.results["zone_code"].tolist()


def test_default_lists_plans_in_force_largest_first(app: Explorer) -> None:
    # ZT's plan is under study: the offer's default leaves it out, and the page says which plans count.
    assert codes(app) == ["V1", "EV", "I1"]
    assert "3 zones trouvées" in app.count.value
    assert "approuvé" in app.scope.value
    assert [label for label, _ in app.result_list.options][0].startswith("V1")


def test_filter_by_sector_changes_list_offer_and_map(app: Explorer) -> None:
    app.sector.value = "industry"  # what a visitor's choice in the dropdown does
    assert codes(app) == ["I1"]
    assert app.filter.sectors == ("industry",)
    assert set(app.offer["sector"]) == {"industry"}
    # 4,000 m² = 0.4 ha of industry in the offer table
    assert f"0,4{NBSP}ha" in app.offer_panel.value
    assert "sectors=industry" in app.map.zones.url


def test_min_area_counts_the_usable_area(app: Explorer) -> None:
    # V1's usable area is 5,400 m² (the road takes 600): 0.55 ha leaves it out, 0.5 ha keeps it with EV.
    app.min_area.value = 0.55
    assert codes(app) == []
    assert "Aucune zone" in app.offer_panel.value or app.results.empty
    app.min_area.value = 0.5
    assert codes(app) == ["V1", "EV"]
    assert app.results["usable_area_m2"].round(3).tolist() == [5400.0, 5000.0]


def test_wanted_use_and_statuses(app: Explorer) -> None:
    app.set_filter(use="hotel")
    assert codes(app) == []  # only ZT allows hotels, and its plan is under study
    app.set_filter(statuses=SEARCH_STATUSES)
    assert codes(app) == ["ZT"]
    assert app.status.value == "search"
    assert app.results["usable_area_m2"].round(3).tolist() == [10_000.0]


def test_filter_by_floors(app: Explorer) -> None:
    app.floors.value = 2  # V1 allows 2 floors, I1 3; EV's rules say nothing and are left out
    assert codes(app) == ["V1"]


def test_unknown_name_is_refused_in_one_line(app: Explorer) -> None:
    app.set_filter(communes="Temra")
    assert "Témara" in app.scope.value  # the nearest name
    assert codes(app) == ["V1", "EV", "I1"]  # the previous answer stays


def test_click_shows_the_zone_rules(app: Explorer) -> None:
    app.click(X0 + 80, Y0 + 20)  # inside I1
    assert app.selected == 1
    assert "I1" in app.rules.value
    assert "1,5" in app.rules.value  # COS 1.5 written the French way
    assert app.map.selected.data["features"], "the zone is outlined on the map"
    # and a point look-up, with its note
    assert "I1" in app.lookup_result.value


def test_map_click_event_comes_back_to_python(app: Explorer) -> None:
    # What ipyleaflet delivers for a click: lat/lon of the point; here the centre of EV.
    lon, lat = app.map.to_lonlat(shapely.Point(X0 + 50, Y0 + 125)).coords[0]
    app.map._on_interaction(type="click", coordinates=[lat, lon])
    assert app.plan.zones["zone_code"].iloc[app.selected] == "EV"


def test_result_list_zooms_to_the_zone(app: Explorer) -> None:
    app.map.widget.zoom = before = 12  # the visitor has zoomed out
    app.result_list.value = 1  # I1 (row 1 of the zones), a 40 × 100 m zone: much closer than the whole plan
    assert "I1" in app.rules.value
    assert app.map.widget.zoom > before
    lon, lat = app.map.to_lonlat(shapely.Point(X0 + 80, Y0 + 50)).coords[0]
    assert app.map.widget.center == pytest.approx((lat, lon), abs=1e-4)


def test_drawn_plot_gives_capacity_and_note(app: Explorer) -> None:
    # 60 × 40 m of V1 clear of the road: net 2,400 m²; COS 0.6 → 1,440 m², CES 0.3 × 2 floors → 1,440 m²;
    # footprint CES 0.3 → 720 m². (Degrees and back move the corners by millimetres.)
    feature = {"type": "Feature", "geometry": shapely.geometry.mapping(app.map.to_lonlat(rect(0, 0, 60, 40)))}
    app.map._on_draw(app.map.draw, action="create", geo_json=[feature])
    assert f"2{NNBSP}400,0{NBSP}m²" in app.lookup_result.value
    assert f"1{NNBSP}440,0{NBSP}m²" in app.lookup_result.value
    assert f"720,0{NBSP}m²" in app.lookup_result.value
    pdf = _link_bytes(app.download_pdf.value)
    assert pdf.startswith(b"%PDF")
    assert app.notes["pdf"] == pdf
    page = _link_bytes(app.download_html.value).decode("utf-8")
    assert "V1" in page and "<html" in page
    assert app.map.plot.data["features"], "the plot is drawn on the map"


def test_typed_coordinates(app: Explorer) -> None:
    app.coords.value = f"{X0 + 30:.2f} {Y0 + 20:.2f}".replace(".", ",")  # decimal commas, as typed in French
    app.coords_go.click()
    assert "V1" in app.lookup_result.value
    assert _link_bytes(app.download_pdf.value).startswith(b"%PDF")


def test_bad_coordinates_are_refused(app: Explorer) -> None:
    app.lookup_text("trois cents")
    assert "deux nombres" in app.lookup_result.value
    assert app.download_pdf.value == ""


def test_uploaded_corner_table(app: Explorer) -> None:
    corners = [(0, 0), (60, 0), (60, 45), (0, 45)]
    table = "X;Y\n" + "".join(f"{X0 + x:.2f};{Y0 + y:.2f}\n" for x, y in corners)
    app.lookup_file("terrain.csv", table.encode())
    # 60 × 45 m, its top edge on the road's: net 2,700 m², capacity 0.6 × 2,700 = 1,620 m²
    assert f"2{NNBSP}700,0{NBSP}m²" in app.lookup_result.value
    assert f"1{NNBSP}620,0{NBSP}m²" in app.lookup_result.value


def test_broken_upload_names_the_visitor_file(app: Explorer) -> None:
    app.lookup_file("plan du géomètre.kml", b"<kml><broken")
    text = app.lookup_result.value
    assert "plan du géomètre.kml" in text
    assert "terroffer-upload-" not in text
    app.lookup_file("big.csv", b"0" * (3 * 1024 * 1024))
    assert "big.csv" in app.lookup_result.value


def test_language_switch_turns_the_page(app: Explorer) -> None:
    app.click(X0 + 80, Y0 + 20)
    app.language.value = "ar"
    assert app.lang == "ar"
    assert "terroffer-rtl" in app.widget._dom_classes
    assert "terroffer-lang-ar" in app.widget._dom_classes
    assert 'dir="rtl"' in app.rules.value
    assert app.commune.options[1][0] == "تمارة"
    assert "منطقة" in app.count.value  # the count line in Arabic
    app.language.value = "fr"
    assert "terroffer-ltr" in app.widget._dom_classes and "terroffer-rtl" not in app.widget._dom_classes


def test_place_box(app: Explorer) -> None:
    app.map.widget.zoom = 3
    app.place.value = "تمارة"
    assert app.map.widget.zoom > 3


def test_banner_for_an_illustrative_plan(app: Explorer) -> None:
    assert "terroffer-banner" in app.banner.value


def test_stable_css_classes(app: Explorer) -> None:
    classes = set()
    stack = [app.widget]
    while stack:
        w = stack.pop()
        classes.update(getattr(w, "_dom_classes", ()))
        stack.extend(getattr(w, "children", ()))
    classes.update(app.map.widget._dom_classes)
    for css in (
        "terroffer-lang",
        "terroffer-filter-commune",
        "terroffer-filter-sector",
        "terroffer-results",
        "terroffer-rules",
        "terroffer-lookup",
        "terroffer-download-pdf",
    ):
        assert css in classes, css
    assert "terroffer-map" in app.map.widget._dom_classes


def test_filter_round_trips_through_its_query() -> None:
    plan = tiny_plan()
    f = ZoneFilter.make(plan, communes="Témara", sectors="Industrie", min_area_m2=3000, max_floors=3)
    assert ZoneFilter.from_query(plan, f.to_query()) == f
    assert f.mask(plan).tolist() == [False, True, False, False]  # I1: net 3,600 ≥ 3,000, 3 floors


def _link_bytes(value: str) -> bytes:
    match = re.search(r'href="data:[^;]+;base64,([^"]+)"', value)
    assert match, value[:200]
    return base64.b64decode(match.group(1))


def test_widget_state_of_the_sample_is_small() -> None:
    import ipywidgets as widgets

    import terroffer

    widgets.Widget.close_all()
    Explorer(terroffer.load_plan(), lang="fr", tile_url=fake_tiles)
    state = json.dumps(widgets.Widget.get_manager_state(drop_defaults=True))
    assert len(state.encode()) < 3_000_000


def test_preheated_kernel_is_told_by_voila_environment() -> None:
    from terroffer.app.explorer import preheated

    assert preheated({"VOILA_PREHEAT": "True"})
    assert not preheated({"VOILA_PREHEAT": "False"})
    assert not preheated({})


def test_cold_kernel_shows_the_page_before_making_its_first_note(monkeypatch: pytest.MonkeyPatch) -> None:
    # A visitor is waiting for a kernel started for them: the note (1 s of fonts and PDF code) is
    # made on the event loop after the notebook has shown the page, not before.
    import asyncio

    from terroffer.app import explorer

    made: list[str] = []
    monkeypatch.setattr(explorer, "_warm_note", lambda plan: made.append("note"))
    monkeypatch.setattr(explorer, "NOTE_DEFER_S", 0.01)
    plan = tiny_plan()

    async def kernel() -> list[str]:
        explorer.warm_up(plan, note=False)
        before = list(made)
        await asyncio.sleep(0.2)
        return before

    assert asyncio.run(kernel()) == []
    assert made == ["note"]
    # preheated (or no event loop to defer to): made at once
    explorer.warm_up(plan, note=True)
    assert made == ["note", "note"]
    explorer.warm_up(plan, note=False)
    assert made == ["note", "note", "note"]
