"""The one style of terroffer: family and sector colours and display names, per language.

Maps, charts and dashboards all take their colours and labels from here, which reads
them from the reference data, so a family looks the same everywhere.
"""

from __future__ import annotations

from terroffer.reference import FAMILIES, SECTORS, name_of

__all__ = ["family_colour", "family_name", "sector_colour", "sector_name", "text_direction"]


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
