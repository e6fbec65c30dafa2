"""Reference data shipped with terroffer: families, sectors, uses, reservation kinds, messages.

The data lives in JSON files beside this module (data, not code) and is loaded once.
Look-ups are forgiving: case, spaces, dots, dashes and underscores are ignored,
Arabic-Indic digits count as Latin digits and ``R+4`` matches ``R4``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

from terroffer.cells import ARABIC_DIGITS

__all__ = [
    "BUILDABLE_SECTORS",
    "FAMILIES",
    "OFFERED_SECTORS",
    "LANGUAGES",
    "RESERVATION_KINDS",
    "SECTORS",
    "USES",
    "family_of_code",
    "family_of_text",
    "nearest_names",
    "normalize_key",
    "query_family",
    "query_reservation_kind",
    "query_sector",
    "query_use",
    "translate",
]

LANGUAGES = ("fr", "ar", "en")
_IGNORED = re.compile(r"[\s.\-_/+'’]")


def _load(name: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    data = json.loads(text)
    data.pop("_doc", None)
    return data


FAMILIES: dict[str, dict[str, Any]] = _load("families.json")
SECTORS: dict[str, dict[str, Any]] = _load("sectors.json")
USES: dict[str, dict[str, Any]] = _load("uses.json")
RESERVATION_KINDS: dict[str, dict[str, Any]] = _load("reservation_kinds.json")
#: Sectors open to private investment: what the offer's charts and summary tables show.
OFFERED_SECTORS: tuple[str, ...] = tuple(k for k, v in SECTORS.items() if v["offered"])
#: Sectors on which an owner may build under the zone's rules; elsewhere capacity is 0.
BUILDABLE_SECTORS: frozenset[str] = frozenset(k for k, v in SECTORS.items() if v["buildable"])


def normalize_key(text: object) -> str:
    """Fold a code or name for look-up: case, accents, separators and digit scripts.

    ``"R+4"``, ``"r 4"`` and ``"R٤"`` all become ``"r4"``; ``"Zone_V-1"`` becomes ``"zonev1"``.
    """
    s = unicodedata.normalize("NFKC", str(text)).translate(ARABIC_DIGITS).casefold()
    s = "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")
    return _IGNORED.sub("", s)


def _index(table: dict[str, dict[str, Any]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for key, entry in table.items():
        index[normalize_key(key)] = key
        for name in entry.get("name", {}).values():
            index.setdefault(normalize_key(name), key)
    return index


@cache
def _indexes() -> dict[str, dict[str, str]]:
    codes: dict[str, str] = {}
    for family, entry in FAMILIES.items():
        for code in entry["codes"]:
            codes[normalize_key(code)] = family
    return {
        "family": _index(FAMILIES),
        "sector": _index(SECTORS),
        "use": _index(USES),
        "reservation": _index(RESERVATION_KINDS),
        "code": codes,
    }


def _query(kind: str, name: object) -> str | None:
    if name is None:
        return None
    return _indexes()[kind].get(normalize_key(name))


def query_family(name: object) -> str | None:
    """Family id for a family id or name in any language, or None."""
    return _query("family", name)


def query_sector(name: object) -> str | None:
    """Sector id for a sector id or name in any language, or None."""
    return _query("sector", name)


def query_use(name: object) -> str | None:
    """Use code for a use code or name in any language (``"Hôtel"`` -> ``"hotel"``), or None."""
    return _query("use", name)


def query_reservation_kind(name: object) -> str | None:
    """Reservation kind for a kind id or name in any language, or None."""
    return _query("reservation", name)


def nearest_names(name: object, candidates: Iterable[str], n: int = 3) -> list[str]:
    """The ``n`` candidates closest to ``name`` (forgiving of case, accents, separators).

    For "did you mean ...?" messages: ``nearest_names("Temarra", ["Témara", "Skhirate"])``
    gives ``["Témara"]``. A candidate that contains the name, or is contained in it,
    comes first.
    """
    import difflib

    key = normalize_key(name)
    folded: dict[str, str] = {}
    for c in candidates:
        folded.setdefault(normalize_key(c), str(c))
    if not key:
        return []
    close = difflib.get_close_matches(key, list(folded), n=n, cutoff=0.6)
    within = [f for f in folded if len(key) >= 3 and (key in f or f in key) and f not in close]
    return [folded[f] for f in (within + close)[:n]]


def family_of_code(code: object) -> str | None:
    """Family that a zone code usually means (``"B4"`` -> ``"collective_housing"``), or None.

    An exact code is tried first, then the code without its trailing digits or
    lower-case suffix (``"V3a"`` -> ``"V"``).
    """
    if code is None:
        return None
    codes = _indexes()["code"]
    key = normalize_key(code)
    if key in codes:
        return codes[key]
    stem = re.sub(r"[0-9]+[a-z]*$", "", key)
    if stem and stem in codes:
        return codes[stem]
    return None


def _keyword_match(table: dict[str, dict[str, Any]], text: object) -> str | None:
    if text is None:
        return None
    folded = normalize_key(text)
    if not folded:
        return None
    for key, entry in table.items():
        for word in entry.get("keywords", []):
            if normalize_key(word) in folded:
                return key
    return None


def family_of_text(text: object) -> str | None:
    """Family that a label points to by its words (``"Zone industrielle"`` -> ``"industry"``)."""
    return _keyword_match(FAMILIES, text)


def reservation_kind_of_text(text: object) -> str | None:
    """Reservation kind that a label points to (``"Élargissement de voie"`` -> ``"road"``)."""
    return _keyword_match(RESERVATION_KINDS, text)


@cache
def _catalogue(lang: str) -> dict[str, str]:
    """All the messages of one language: every ``i18n/<lang>/*.json`` file, merged."""
    merged: dict[str, str] = {}
    folder = resources.files(__package__).joinpath("i18n", lang)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            merged.update(_load(f"i18n/{lang}/{entry.name}"))
    return merged


def translate(key: str, lang: str = "fr", /, **params: object) -> str:
    """Message ``key`` from the ``lang`` catalogue, formatted with ``params``.

    Numbers among ``params`` are written as ``lang`` writes them, by the placeholder's
    spec (see :mod:`terroffer.words`): computation passes raw numbers, never text.

    Falls back to French, then to the key itself, so that a missing translation
    shows up plainly instead of failing.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    from terroffer.words import localize

    template = _catalogue(lang).get(key) or _catalogue("fr").get(key) or key
    try:
        return template.format(**localize(params, lang))
    except (KeyError, IndexError):
        return template


def name_of(table: dict[str, dict[str, Any]], key: str, lang: str = "fr") -> str:
    """Display name of a family, sector, use or reservation kind in ``lang``."""
    entry = table.get(key)
    if entry is None:
        return key
    return entry["name"].get(lang) or entry["name"]["fr"]
