"""Numbers and small words for people, in each language: the one place text is formatted.

Computation carries raw numbers; this module turns them into what a reader of each
language expects. French and Arabic group thousands with a narrow no-break space and
write a decimal comma (``48 083,0 ha``, ``0,8``, ``16,5 m``); English writes
``48,083.0 ha``. Arabic text keeps Western digits, as Moroccan administrative documents do.

The translation catalogues use these formats through their placeholders: a numeric
parameter of :func:`terroffer.reference.translate` is formatted by the placeholder's
spec, so ``"{area:area}"`` gives ``1 234,5 m²`` and ``"{distance:distance}"`` gives
``480 m`` or ``48,2 km``; a plain ``{count}`` gives ``1 234``, and a standard spec such
as ``{x:.2f}`` is honoured with the language's separators.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

__all__ = [
    "NARROW_NBSP",
    "area",
    "date",
    "distance",
    "floors",
    "hectares",
    "isolate",
    "join",
    "legal_ref",
    "length",
    "localize",
    "number",
    "ratio",
    "scale",
    "share",
    "term",
]

#: Groups thousands in French and Arabic (the Imprimerie nationale's espace fine insécable).
NARROW_NBSP = "\u202f"
_LRI, _PDI = "\u2066", "\u2069"
_LATIN = re.compile(r"[A-Za-z0-9@+]")
#: Distances from this many metres up are written in kilometres.
KM_FROM_M = 1_000.0
_DASH = "—"


def _unit(key: str, lang: str, value: str) -> str:
    from terroffer.reference import translate

    return translate(f"unit.{key}", lang, value=value)


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(math.isnan(value))  # type: ignore[arg-type]
    except TypeError:
        return False


def number(value: float | None, lang: str, decimals: int = 0) -> str:
    """A number as the language writes it: ``1 234,5`` (fr, ar) or ``1,234.5`` (en).

    ``None`` and NaN give a dash; ``-0`` is written ``0``.
    """
    if _missing(value):
        return _DASH
    text = f"{float(value):,.{decimals}f}"  # type: ignore[arg-type]
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]
    if lang == "en":
        return text
    return text.replace(",", NARROW_NBSP).replace(".", ",")


def _auto_decimals(value: float, most: int = 1) -> int:
    return 0 if float(value).is_integer() else most


def ratio(value: float | None, lang: str) -> str:
    """A coefficient (COS, CES) with up to three decimals and no trailing zeros: ``0,35``."""
    if _missing(value):
        return _DASH
    text = f"{float(value):.3f}".rstrip("0").rstrip(".")  # type: ignore[arg-type]
    return text if lang == "en" else text.replace(".", ",")


def area(value: float | None, lang: str, decimals: int = 1) -> str:
    """An area in square metres: ``1 234,5 m²``."""
    if _missing(value):
        return _DASH
    return _unit("m2", lang, number(value, lang, decimals))


def hectares(value_m2: float | None, lang: str, decimals: int = 1) -> str:
    """An area given in m², written in hectares: ``48 083,0 ha``."""
    if _missing(value_m2):
        return _DASH
    return _unit("ha", lang, number(float(value_m2) / 10_000, lang, decimals))  # type: ignore[arg-type]


def length(value: float | None, lang: str, decimals: int = 1) -> str:
    """A length in metres without a useless ``,0``: ``16,5 m``, ``12 m``."""
    if _missing(value):
        return _DASH
    return _unit("m", lang, number(value, lang, _auto_decimals(value, decimals)))  # type: ignore[arg-type]


def distance(value_m: float | None, lang: str) -> str:
    """A distance: metres below 1 km (``480 m``), kilometres from 1 km up (``48,2 km``)."""
    if _missing(value_m):
        return _DASH
    v = float(value_m)  # type: ignore[arg-type]
    if abs(v) >= KM_FROM_M:
        return _unit("km", lang, number(v / 1_000, lang, 1))
    return _unit("m", lang, number(v, lang, 0))


def scale(value_m: float, lang: str) -> str:
    """A round length on a scale bar, without a useless ``,0``: ``500 m``, ``2 km``, ``2,5 km``."""
    v = float(value_m)
    if abs(v) >= KM_FROM_M:
        km = v / 1_000
        decimals = len(f"{km:.3f}".rstrip("0").partition(".")[2])
        return _unit("km", lang, number(km, lang, decimals))
    return _unit("m", lang, number(v, lang, _auto_decimals(v)))


def share(value: float | None, lang: str, decimals: int = 1) -> str:
    """A share (0–1) as a percentage: ``62,5 %`` (fr), ``62.5%`` (en)."""
    if _missing(value):
        return _DASH
    return _unit("pct", lang, number(100 * float(value), lang, decimals))  # type: ignore[arg-type]


def date(value: str | dt.date | None, lang: str) -> str:
    """A date: ``03/10/2019`` in French and Arabic (as in Morocco), ISO in English."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _DASH
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return day.isoformat() if lang == "en" else day.strftime("%d/%m/%Y")


def floors(value: int | None, lang: str) -> str:
    """Levels counted with the ground floor, and the usual ``R+n``: ``3 (R+2)``."""
    if _missing(value):
        return _DASH
    from terroffer.reference import translate

    return translate("unit.floors", lang, floors=int(value), upper=max(int(value) - 1, 0))  # type: ignore[arg-type]


def isolate(text: str, lang: str) -> str:
    """``text`` as a left-to-right island in Arabic (codes, references, phone numbers)."""
    if lang != "ar" or not text or not _LATIN.search(text):
        return text
    return f"{_LRI}{text}{_PDI}"


#: Named placeholder specs of the catalogues: ``{area:area}``, ``{d:distance}``, ...
SPECS: dict[str, Callable[[Any, str], str]] = {
    "area": area,
    "ha": hectares,
    "length": length,
    "distance": distance,
    "ratio": ratio,
    "share": share,
    "floors": floors,
    "int": lambda v, lang: number(v, lang, 0),
    "num": lambda v, lang: number(v, lang, _auto_decimals(v)),
}


class _Localized:
    """A number that formats itself in one language, whatever spec a template gives."""

    __slots__ = ("lang", "value")

    def __init__(self, value: float, lang: str) -> None:
        self.value = value
        self.lang = lang

    def __format__(self, spec: str) -> str:
        if spec in SPECS:
            return SPECS[spec](self.value, self.lang)
        if not spec:
            if isinstance(self.value, int):
                return number(self.value, self.lang, 0)
            return number(self.value, self.lang, _auto_decimals(self.value))
        text = format(self.value, spec)
        if self.lang == "en":
            return text
        return text.replace(",", NARROW_NBSP).replace(".", ",")

    def __str__(self) -> str:
        return self.__format__("")


def localize(params: dict[str, Any], lang: str) -> dict[str, Any]:
    """Template parameters with every number made to format itself in ``lang``.

    Booleans and text pass through unchanged; so do missing numbers (NaN), which
    format as a dash. A list or tuple is written as a list in ``lang`` (:func:`join`:
    ``a, b``, in Arabic ``a، b``), so that computation passes names, not a text joined in
    one language.
    """
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, (list, tuple)):
            out[key] = join((str(item) for item in value), lang)
        elif isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (int, float, np.integer, np.floating)
        ):
            out[key] = value
        elif isinstance(value, (float, np.floating)) and math.isnan(value):
            out[key] = _DASH
        else:
            out[key] = _Localized(value.item() if isinstance(value, np.generic) else value, lang)
    return out


def term(key: str, lang: str) -> str:
    """A planning term from the glossary (``reference/i18n/<lang>/terms.json``): ``term("cos", "ar")``."""
    from terroffer.reference import translate

    return translate(f"term.{key}", lang)


def join(items: Iterable[str], lang: str) -> str:
    """Items as a list in ``lang``: ``a, b`` (fr, en), ``a، b`` (ar)."""
    return term("list_sep", lang).join(items)


_LEGAL_WORDS = (
    # "Règlement PA Témara": the plan's regulations, named by its place ("ضابط تهيئة تمارة")
    (
        re.compile(r"\bRèglement(?:\s+d'aménagement)?\s+(?:du\s+)?(?:PA|PDAR|PZ)\b(?=\s+\S)", re.IGNORECASE),
        "regulation_of",
    ),
    (re.compile(r"\bRèglement(?:\s+d['’]aménagement)?\b", re.IGNORECASE), "regulation"),
    (re.compile(r"\bDécret\b", re.IGNORECASE), "decree"),
    (re.compile(r"\bArrêté\b", re.IGNORECASE), "order"),
    (re.compile(r"\bart(?:icle)?\.?(?=\s*\d)", re.IGNORECASE), "article"),
    (re.compile(r"\bn[°º]"), "number_abbr"),
)


def legal_ref(text: str | None, lang: str, names: dict[str, str] | None = None) -> str:
    """An approval or article reference in ``lang``: ``Décret n° 2-19-512`` -> ``مرسوم رقم 2-19-512``.

    The agency writes its references in French; in another language the document words
    come from the glossary and the place names from ``names`` (French -> that language,
    e.g. the communes' Arabic names), and the numbers are kept as one left-to-right
    island. French text is returned as it is.
    """
    if not text:
        return _DASH
    if lang == "fr":
        return text
    out = text
    for name_fr, name in sorted((names or {}).items(), key=lambda kv: -len(kv[0])):
        if name_fr and name:
            out = out.replace(name_fr, name)
    for pattern, key in _LEGAL_WORDS:
        out = pattern.sub(term(key, lang), out)
    if lang == "ar":
        out = out.replace(", ", "، ")
        out = re.sub(r"[0-9][0-9\-/.]*[0-9]|[0-9]", lambda m: isolate(m.group(0), lang), out)
    return out
