"""Static maps and charts on the hand-drawn tiny plan (see tests/tiny.py).

Figures worked out by hand from tests/tiny.py, counting the approved plan PA-T only
(ZT belongs to PA-D, under study):
    V1 60 m × 100 m = 6,000 m² = 0.6 ha (housing, villa), COS 0.6 -> 3,600 m² of floor area
    I1 40 m × 100 m = 4,000 m² = 0.4 ha (industry), COS 1.5 -> 6,000 m² of floor area
    EV 100 m × 50 m = 5,000 m² = 0.5 ha (green), no COS
    zoned area 0.6 + 0.4 + 0.5 = 1.5 ha; offered sectors (housing, industry) 1.0 ha
    villa m² per inhabitant: 6,000 / 1,000 = 6.0
A 12 × 8 in figure saved at 300 dpi is 3,600 × 2,400 px; a 12 × 7.5 in chart 3,600 × 2,250 px.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from PIL import Image

from terroffer.errors import FilterError, OptionError
from terroffer.reference import OFFERED_SECTORS
from terroffer.render.charts import (
    area_by_sector_chart,
    capacity_chart,
    per_inhabitant_chart,
)
from terroffer.render.static import FONT_FAMILY, overview_figure, save_figure, static_map
from tests.tiny import rect, tiny_plan

NBSP = NB = "\u00a0"  # between a number and its unit
NNB = "\u202f"  # between thousands


@pytest.fixture(scope="module")
def plan():
    return tiny_plan()


def _texts(fig, gid=None):
    """Every text string drawn in a figure (legends and annotations included), by gid if given."""
    from matplotlib.text import Text

    found = fig.findobj(lambda a: isinstance(a, Text) and (gid is None or a.get_gid() == gid))
    return [t.get_text() for t in found if t.get_text()]


def _legend_labels(fig, gid):
    legends = [leg for leg in fig.legends if leg.get_gid() == gid]
    assert len(legends) == 1, gid
    leg = legends[0]
    return leg.get_title().get_text(), [t.get_text().replace("\n", " ") for t in leg.get_texts()]


# --------------------------------------------------------------------------- maps


def test_map_has_title_legend_scale_bar_north_arrow_and_sources(plan):
    fig = static_map(plan, lang="fr")
    assert _texts(fig, "title") == ["Zonage par famille — ensemble du territoire"]
    title, labels = _legend_labels(fig, "legend-families")
    assert title == "Familles de zones"
    assert labels == ["Villas", "Industrie et logistique", "Tourisme", "Espaces verts et loisirs"]
    _, symbols = _legend_labels(fig, "legend-symbols")
    assert "Plan à l'étude (sans effet juridique)" in symbols  # ZT's plan is a draft
    assert "Voie projetée (emplacement réservé)" in symbols  # the 10 m road
    assert _texts(fig, "north-arrow") == ["N"]
    sources = " ".join(_texts(fig, "sources"))
    assert "Données illustratives" in sources  # the tiny plan says it is illustrative
    assert "EPSG:26191" in sources
    subtitle = " ".join(_texts(fig, "subtitle")).replace("\n", " ")
    assert "PA de T : approuvé, Décret n° 2-21-001" in subtitle
    assert "PA de D : à l'étude" in subtitle


def test_scale_bar_label_matches_the_bar_drawn(plan):
    """The bar is four segments; its label is their length in metres, read in map units.

    The map frames the commune (400 m × 300 m) with a 3.5 % margin, widened to the axes'
    shape (about 3:2), so it is between 455 and 909 m wide: 22 % of it gives 100 m.
    """
    fig = static_map(plan, lang="fr")
    segments = [p for p in fig.axes[0].patches if p.get_gid() == "scale-bar"]
    assert len(segments) == 4
    left = min(p.get_x() for p in segments)
    right = max(p.get_x() + p.get_width() for p in segments)
    assert right - left == pytest.approx(100.0)
    assert _texts(fig, "scale-bar-label") == ["0", "50", f"100{NB}m"]
    width = abs(fig.axes[0].get_xlim()[1] - fig.axes[0].get_xlim()[0])
    assert 455 <= width < 909


def test_arabic_map_reads_right_to_left(plan):
    fig = static_map(plan, lang="ar")
    from matplotlib.text import Text

    title = fig.findobj(lambda a: isinstance(a, Text) and a.get_gid() == "title")[0]
    assert title.get_text() == "التنطيق حسب فئات المناطق — مجموع المجال الترابي"
    assert title.get_horizontalalignment() == "right"
    assert title.get_fontfamily()[0] == FONT_FAMILY
    _, labels = _legend_labels(fig, "legend-families")
    assert labels == ["الفيلات", "الصناعة واللوجستيك", "السياحة", "المساحات الخضراء والترفيه"]
    assert _texts(fig, "scale-bar-label")[-1] == f"100{NB}م"
    # the legend panel is on the left, the map on the right
    legend_x = fig.legends[0].get_bbox_to_anchor().x0 / fig.bbox.width
    assert legend_x < 0.5 < fig.axes[0].get_position().x0 + fig.axes[0].get_position().width / 2


def test_map_of_one_commune_and_one_sector(plan):
    fig = static_map(plan, communes=["تمارة"], sectors=["Tourisme"], lang="fr")
    assert _texts(fig, "title") == ["Zonage par famille — Témara"]
    _, labels = _legend_labels(fig, "legend-families")
    assert labels == ["Tourisme"]
    _, symbols = _legend_labels(fig, "legend-symbols")
    assert "Autres zones (hors sélection)" in symbols
    assert "Secteurs en couleur : Tourisme" in " ".join(_texts(fig, "subtitle"))


def test_map_highlight_and_bad_names(plan):
    fig = static_map(plan, highlight=[0], lang="en")
    _, symbols = _legend_labels(fig, "legend-symbols")
    assert "Selection" in symbols
    fig = static_map(plan, highlight=rect(10, 10, 20, 20), lang="en")
    assert "Selection" in _legend_labels(fig, "legend-symbols")[1]
    # the one zone filter's errors: a FilterError (a ValueError too), translated, with the nearest names
    with pytest.raises(FilterError, match="Rabat"):
        static_map(plan, communes=["Rabat"])
    with pytest.raises(FilterError) as bad:
        static_map(plan, sectors=["tourisme balneaire"])
    assert "Tourisme" in bad.value.message("fr")
    with pytest.raises(FilterError) as bad_chart:
        per_inhabitant_chart(plan, sector="logment")
    assert "Logement" in bad_chart.value.message("fr") or "housing" in bad_chart.value.message("fr")


def test_map_into_given_axes_draws_no_furniture_around_it(plan):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 4))
    ax = fig.add_axes((0, 0, 1, 1))
    assert static_map(plan, ax=ax) is fig
    assert fig.legends == []
    assert _texts(fig, "title") == []
    assert len([p for p in ax.patches if p.get_gid() == "scale-bar"]) == 4


# --------------------------------------------------------------------------- saving


def test_png_has_the_pixels_of_its_size_at_300_dpi(plan, tmp_path):
    path = save_figure(static_map(plan), tmp_path / "map.png")
    with Image.open(path) as im:
        assert im.size == (12 * 300, 8 * 300)
        assert im.info["dpi"] == pytest.approx((300, 300), abs=0.01)
    path = save_figure(static_map(plan, figsize=(6, 4)), tmp_path / "small.png")
    with Image.open(path) as im:
        assert im.size == (1800, 1200)
    path = save_figure(capacity_chart(plan), tmp_path / "chart.png", dpi=100)
    with Image.open(path) as im:
        assert im.size == (1200, 750)


def test_svg_draws_text_as_outlines_and_keeps_the_words_in_comments(plan, tmp_path):
    """matplotlib draws SVG text as paths (no font needed) and writes each string in a comment."""
    path = save_figure(static_map(plan, lang="ar"), tmp_path / "map.svg")
    svg = path.read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "<text" not in svg
    assert "<!-- التنطيق حسب فئات المناطق — مجموع المجال الترابي -->" in svg
    assert 'id="title"' in svg  # the artists' gids become element ids, for anyone editing the SVG


def test_pdf_embeds_the_font_and_its_arabic_title_can_be_found(plan, tmp_path):
    path = save_figure(static_map(plan, lang="ar"), tmp_path / "map.pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert b"IBMPlexSansArabic" in data
    if shutil.which("pdftotext") is None:
        pytest.skip("needs pdftotext (poppler-utils) to read the PDF's text back")
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    # the words come back in logical order; a few words whose letters form ligatures
    # ("الترابي") come back scrambled by pdftotext, so only the first words are checked
    assert "التنطيق حسب فئات المناطق" in text
    assert "Merchich / Nord Maroc" in text


def test_save_figure_refuses_other_formats(plan, tmp_path):
    with pytest.raises(ValueError, match=r"\.jpg"):
        save_figure(static_map(plan), tmp_path / "map.jpg")


def test_overview_figure_still_draws_the_dashboard_map(plan):
    import matplotlib.pyplot as plt

    fig = overview_figure(plan, lang="ar")
    try:
        labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
        assert "الفيلات" in labels
    finally:
        plt.close(fig)


# --------------------------------------------------------------------------- charts


def _bar_widths(ax):
    """Widths of the bars of each stacked layer, layer by layer, bottom bar first."""
    return [[round(p.get_width(), 6) for p in container] for container in ax.containers]


def test_area_chart_stacks_sectors_in_hectares(plan):
    fig = area_by_sector_chart(plan, lang="fr")
    ax = fig.axes[0]
    # one commune; housing, industry, green in the reference order of sectors
    assert _bar_widths(ax) == [[0.6], [0.4], [0.5]]
    assert _texts(fig, "bar-label") == [f"1,5{NB}ha"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Témara"]
    assert _texts(fig, "title") == ["Surface zonée par secteur et par commune"]
    _, labels = _legend_labels(fig, "legend")
    assert labels == ["Habitat et immobilier", "Industrie", "Espaces verts"]
    # by default the plans in force and those whose status is unknown (selection.OFFER_STATUSES)
    assert "Zones des plans approuvés et des plans au statut inconnu" in " ".join(_texts(fig, "subtitle"))
    only = area_by_sector_chart(plan, lang="fr", statuses=["approuvé"])  # a status named in French
    assert "Zones des plans approuvés ·" in " ".join(_texts(only, "subtitle"))


def test_area_chart_of_the_offered_sectors_and_in_percent(plan):
    fig = area_by_sector_chart(plan, sectors=OFFERED_SECTORS)
    assert _bar_widths(fig.axes[0]) == [[0.6], [0.4]]
    assert _texts(fig, "bar-label") == [f"1,0{NB}ha"]
    fig = area_by_sector_chart(plan, share=True)
    widths = _bar_widths(fig.axes[0])
    assert [w[0] for w in widths] == pytest.approx([40.0, 100 * 0.4 / 1.5, 100 * 0.5 / 1.5])


def test_capacity_chart_in_square_metres_below_a_million(plan):
    fig = capacity_chart(plan, lang="fr")
    ax = fig.axes[0]
    # sectors sorted by capacity, the largest at the top, on net areas (the 10 m road crosses both):
    # housing 5,400 m² × 0.6 = 3,240 m², industry 3,600 m² × 1.5 = 5,400 m²
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Habitat et immobilier", "Industrie"]
    assert _texts(fig, "bar-label") == [f"3{NNB}240{NB}m²", f"5{NNB}400{NB}m²"]
    assert ax.get_xlabel() == "Surface de plancher maximale (m²)"
    notes = " ".join(_texts(fig, "notes")).replace("\n", " ")
    # the one capacity rule: min(area × COS, area × CES × floors); EV (green) is not buildable,
    # so its capacity is 0, not unknown: no zone is left out
    assert "le plus petit de COS et CES × niveaux" in notes
    assert "sans COS" not in notes


def test_per_inhabitant_chart(plan):
    fig = per_inhabitant_chart(plan, lang="fr")
    assert _bar_widths(fig.axes[0]) == [[6.0]]
    assert _texts(fig, "bar-label") == ["6,0 m²/hab."]
    _, labels = _legend_labels(fig, "legend")
    assert labels == ["Villas", "Ensemble : 6,0 m²/hab."]
    with pytest.raises(ValueError, match="casinos"):
        per_inhabitant_chart(plan, sector="casinos")


@pytest.mark.parametrize("make", [area_by_sector_chart, capacity_chart, per_inhabitant_chart])
def test_arabic_charts_are_mirrored_and_in_arabic(plan, make):
    fig = make(plan, lang="ar")
    ax = fig.axes[0]
    left, right = ax.get_xlim()
    assert left > right == 0  # bars grow from the right
    assert ax.yaxis.get_ticks_position() == "right"
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert all(re.search("[\u0600-\u06ff]", t) for t in ticks), ticks
    assert re.search("[\u0600-\u06ff]", ax.get_xlabel())
    assert re.search("[\u0600-\u06ff]", _texts(fig, "title")[0])
    assert all(t.get_fontfamily()[0] == FONT_FAMILY for t in ax.get_yticklabels())
    assert fig.legends[0].get_bbox_to_anchor().x1 / fig.bbox.width < 0.5  # legend on the left


def test_charts_of_a_plan_without_approved_zones_say_so(plan):
    fig = area_by_sector_chart(plan, statuses=["expired"])
    assert "Aucune zone à compter" in _texts(fig)
    assert "Témara" in " ".join(_texts(fig, "notes"))  # named as having nothing counted


def test_map_draws_every_zone_once(plan):
    """Four zones in colour, one reservation; nothing in grey when the whole plan is shown."""
    from matplotlib.collections import PathCollection

    fig = static_map(plan)
    collections = [c for c in fig.axes[0].collections if isinstance(c, PathCollection)]
    sizes = sorted(len(c.get_paths()) for c in collections)
    # zones (4), the hatched draft zone (1), the road (1)
    assert sizes == [1, 1, 4]


def test_scale_bar_numbers_are_written_the_language_way():
    from terroffer.render.static import nice_length
    from terroffer.words import scale

    nb = "\u00a0"
    assert nice_length(94) == 50 and nice_length(103) == 100 and nice_length(4_400) == 2_000
    assert scale(2_500, "fr") == f"2,5{nb}km"
    assert scale(2_500, "ar") == f"2,5{nb}كلم"
    assert scale(2_500, "en") == "2.5 km"
    assert scale(500, "fr") == f"500{nb}m"
    assert scale(20_000, "fr") == f"20{nb}km"  # a round number keeps its zero
    assert scale(1_250, "fr") == f"1,25{nb}km"


def test_save_figure_refuses_other_formats_in_the_language(plan, tmp_path):
    with pytest.raises(OptionError) as bad:
        save_figure(static_map(plan), tmp_path / "map.jpg")
    assert ".jpg" in bad.value.message("fr") and ".png, .svg, .pdf" in bad.value.message("fr")
    assert "الصيغ" in bad.value.message("ar")


def test_arabic_capacity_chart_speaks_the_glossary(plan):
    from terroffer.words import term

    fig = capacity_chart(plan, lang="ar")
    assert fig.axes[0].get_xlabel() == f"{term('floor_area', 'ar')} (م²)"
    notes = " ".join(_texts(fig, "notes"))
    assert term("cos_short", "ar") in notes and term("ces_short", "ar") in notes


def test_map_outlines_a_look_up_as_the_web_map_does(plan):
    """static_map(highlight=<Lookup>) outlines the looked-up plot: here a 10 m × 20 m rectangle."""
    import numpy as np

    import terroffer

    plot = rect(10, 10, 20, 30)
    result = terroffer.lookup(plan, plot)
    fig = static_map(plan, highlight=result, lang="fr")
    outlines = [c for c in fig.axes[0].collections if c.get_zorder() == 8]
    assert len(outlines) == 2  # a white halo under the coloured line
    xy = np.vstack([p.vertices for p in outlines[-1].get_paths()])
    minx, miny, maxx, maxy = plot.bounds
    assert (xy[:, 0].min(), xy[:, 1].min(), xy[:, 0].max(), xy[:, 1].max()) == pytest.approx(
        (minx, miny, maxx, maxy)
    )
    assert maxx - minx == pytest.approx(10.0) and maxy - miny == pytest.approx(20.0)


def test_map_draws_with_the_web_maps_path_options(plan):
    """Zones, roads, main roads and facilities in the colours of reference/style.json, as on the web map.

    The tiny plan gains a 25 m road (a main road from 20 m) and a school; the expected
    colours are written out as style.json and families.json give them.
    """
    import dataclasses

    import geopandas as gpd
    import numpy as np
    import pandas as pd
    from matplotlib.collections import LineCollection, PathCollection
    from matplotlib.colors import to_rgba

    extra = gpd.GeoDataFrame(
        {
            "number": ["V-2", "EC-1"],
            "kind": ["road", "school"],
            "label_fr": ["Voie de 25 m", "École"],
            "road_width_m": [25.0, None],
            "plan_id": ["PA-T", "PA-T"],
        },
        geometry=[rect(100, 0, 125, 100), rect(150, 20, 190, 60)],
        crs=plan.crs,
    )
    res = pd.concat([plan.reservations, extra.reindex(columns=plan.reservations.columns)], ignore_index=True)
    fig = static_map(dataclasses.replace(plan, reservations=gpd.GeoDataFrame(res, crs=plan.crs)))
    ax = fig.axes[0]
    reserved = [c for c in ax.collections if isinstance(c, PathCollection) and c.get_zorder() == 4]
    fills = [tuple(np.round(c.get_facecolor()[0], 3)) for c in reserved]
    # roads under main roads under facilities: white, pale yellow, the equipment blue at 0.22
    assert fills == [
        tuple(np.round(to_rgba("#ffffff", 0.95), 3)),
        tuple(np.round(to_rgba("#fff1b8", 0.95), 3)),
        tuple(np.round(to_rgba("#0072b2", 0.22), 3)),
    ]
    assert reserved[2].get_hatch() == "////" and reserved[0].get_hatch() is None
    zones = next(c for c in ax.collections if isinstance(c, PathCollection) and c.get_zorder() == 2)
    villa = tuple(np.round(to_rgba("#f4a6c0", 0.85), 3))
    assert tuple(np.round(zones.get_facecolor()[0], 3)) == villa  # V1, the first zone
    # 0.8 px outlines at half weight on a slide: 0.8 × 0.75 × 0.5 = 0.3 pt
    assert zones.get_linewidth()[0] == pytest.approx(0.3)
    communes = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert communes and all(c.get_linestyle()[0][1] is not None for c in communes)  # dashed, as on the web
    _, labels = _legend_labels(fig, "legend-symbols")
    assert "Voie principale projetée (20 m et plus)" in labels
