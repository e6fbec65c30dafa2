"""The one style of terroffer: colours, line weights and display names, per language.

Everything that draws a plan takes its look from here, and this module reads it from the
reference data (``reference/style.json`` for the furniture and the map layers,
``families.json`` and ``sectors.json`` for the data's colours), so a family, a road or a
banner looks the same on the folium export, the widget map, a static map and the note.

The vocabulary is Leaflet's path options (``color``, ``weight``, ``opacity``,
``fillColor``, ``fillOpacity``, ``dashArray``), as ipyleaflet's ``style_callback`` and
folium speak it; :func:`matplotlib_style` translates one dict for matplotlib, and
:func:`css_variables` hands the named colours to style sheets as CSS custom properties.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from terroffer.reference import FAMILIES, SECTORS, name_of

__all__ = [
    "LAYERS",
    "colour",
    "css_variables",
    "family_colour",
    "family_name",
    "matplotlib_style",
    "path_options",
    "sector_colour",
    "sector_name",
    "text_direction",
]

#: Path option keys every :func:`path_options` result has (``dashArray`` only when dashed).
PATH_KEYS = ("color", "weight", "opacity", "fillColor", "fillOpacity")
#: CSS pixels to typographic points (96 px = 72 pt = 1 inch).
PX_TO_PT = 0.75


@cache
def _style() -> dict[str, Any]:
    text = resources.files("terroffer.reference").joinpath("style.json").read_text(encoding="utf-8")
    data = json.loads(text)
    data.pop("_doc", None)
    return data


def _layers() -> dict[str, Any]:
    return _style()["layers"]


#: The layers :func:`path_options` knows.
LAYERS: tuple[str, ...] = tuple(_layers())


def family_colour(family: str) -> str:
    """Hex colour of a zone family (``other`` for an unknown one)."""
    return FAMILIES.get(family, FAMILIES["other"])["colour"]


def sector_colour(sector: str) -> str:
    """Hex colour of an investment sector."""
    return SECTORS.get(sector, SECTORS["other"])["colour"]


def family_name(family: str, lang: str = "fr") -> str:
    """Display name of a zone family in ``lang``."""
    return name_of(FAMILIES, family, lang)


def sector_name(sector: str, lang: str = "fr") -> str:
    """Display name of a sector in ``lang``."""
    return name_of(SECTORS, sector, lang)


def text_direction(lang: str) -> str:
    """``"rtl"`` for Arabic, ``"ltr"`` otherwise."""
    return "rtl" if lang == "ar" else "ltr"


def colour(name: str) -> str:
    """A named colour of the furniture (``"banner"``, ``"ink"``, ``"road_edge"``...), as ``#rrggbb``.

    Raises
    ------
    KeyError
        For a name that ``reference/style.json`` does not define, with the known names.
    """
    colours = _style()["colours"]
    try:
        return colours[name]
    except KeyError:
        known = ", ".join(sorted(colours))
        raise KeyError(f"no colour named {name!r} in style.json; known: {known}") from None


def _resolve(value: str, key: str | None) -> str:
    """A colour as style.json writes it: a name, ``family`` (the key's) or ``family:<id>``."""
    if value == "family":
        return family_colour(key or "other")
    if value.startswith("family:"):
        return family_colour(value.partition(":")[2])
    return colour(value)


def path_options(layer: str, key: str | None = None, *, status: str | None = None) -> dict[str, Any]:
    """Leaflet path options of one map layer, from ``reference/style.json``.

    Parameters
    ----------
    layer
        ``"zone"`` (``key``: the zone family), ``"context_zone"`` (a zone out of focus),
        ``"reservation"`` (``key``: the reservation kind, or ``"main_road"`` for a road of
        20 m and more), ``"road"`` (``key``: ``"main"`` for a main road), ``"commune"``,
        ``"territory"``, ``"coastline"``, ``"selected_zone"``, ``"plot"``, ``"plot_halo"``
        or ``"highlight"`` (a result the reader asked to see).
    key
        What varies within the layer; an unknown family takes the ``other`` colour, an
        unknown reservation kind the facilities' style.
    status
        The status of the plan the feature belongs to (``approved``, ``under_study``,
        ``expired``, ``unknown``): a plan that is not approved is outlined dashed, so that
        no-one reads a draft as the rule. Pass ``"expired"`` for an approved plan whose
        validity has ended. None or ``approved``: solid.

    Returns
    -------
    dict
        A new dict with ``color``, ``weight``, ``opacity``, ``fillColor``,
        ``fillOpacity``, and ``dashArray`` when the outline is dashed; colours as
        ``#rrggbb``, ``weight`` in CSS pixels.

    Raises
    ------
    ValueError
        For an unknown layer.
    """
    layers = _layers()
    if layer not in layers:
        raise ValueError(f"unknown map layer {layer!r}; choose one of {', '.join(layers)}")
    spec = layers[layer]
    override = spec.get("keys", {}).get(key, {}) if key is not None else {}
    if "layer" in override:
        return path_options(override["layer"], override.get("key"), status=status)
    merged = {k: v for k, v in spec.items() if k != "keys"} | override
    if status is not None and status != "approved":
        statuses = _style()["status"]
        merged |= statuses.get(status, statuses["unknown"])
    out: dict[str, Any] = {
        "color": _resolve(merged["color"], key),
        "weight": float(merged["weight"]),
        "opacity": float(merged["opacity"]),
        "fillColor": _resolve(merged["fillColor"], key),
        "fillOpacity": float(merged["fillOpacity"]),
    }
    if merged.get("dashArray"):
        out["dashArray"] = str(merged["dashArray"])
    return out


def matplotlib_style(options: dict[str, Any], *, scale: float = 1.0) -> dict[str, Any]:
    """Leaflet path options as matplotlib patch or collection keywords.

    The two opacities are folded into RGBA colours rather than one ``alpha``: matplotlib's
    ``alpha`` would fade the outline with the fill, where Leaflet keeps them apart.

    Parameters
    ----------
    options
        A dict from :func:`path_options`.
    scale
        Line weight factor for the medium, on top of the CSS pixel to point conversion
        (a slide map seen whole wants thinner lines than a screen map seen zoomed in).

    Returns
    -------
    dict
        ``facecolor`` and ``edgecolor`` (RGBA tuples), ``linewidth`` (points) and
        ``linestyle`` (``"solid"`` or matplotlib's ``(0, (on, off))`` dash pattern, in
        line widths as matplotlib counts them).
    """
    from matplotlib.colors import to_rgba

    linestyle: Any = "solid"
    dash = options.get("dashArray")
    if dash:
        weight = max(float(options.get("weight", 1.0)), 1e-6)
        # Leaflet's dashes are in pixels; matplotlib's in multiples of the line width
        linestyle = (0, tuple(float(d) / weight for d in str(dash).replace(",", " ").split()))
    return {
        "facecolor": to_rgba(options["fillColor"], float(options.get("fillOpacity", 1.0))),
        "edgecolor": to_rgba(options["color"], float(options.get("opacity", 1.0))),
        "linewidth": float(options.get("weight", 1.0)) * PX_TO_PT * scale,
        "linestyle": linestyle,
    }


def css_variables(selector: str = ":root") -> str:
    """The named colours as CSS custom properties: ``:root{--to-ink:...;--to-banner:...}``.

    Style sheets (the web map's, the note's, the dashboards') write ``var(--to-ink)``
    instead of a colour of their own.
    """
    body = ";".join(f"--to-{name.replace('_', '-')}:{value}" for name, value in _style()["colours"].items())
    return f"{selector}{{{body}}}"
