"""Numbers in rule cells as agencies type them: the one parser of the règlement's figures.

A COS typed in Excel by a French-speaking planner is ``2,5``; one typed in an Arabic
spreadsheet is ``٢٫٥`` (Arabic-Indic digits, the Arabic decimal sign U+066B and
thousands sign U+066C), or ``۲٫۵`` with the Persian digits some keyboards give;
heights come as ``12 m``, lots as ``1 000 m²`` or ``1.000``, floors as ``R+4``. Reading
them with ``float()`` loses them all as missing, and a missing COS silently changes a
capacity. :func:`parse_number` reads every one of these forms; :func:`numbers` does it
for a whole column, once per distinct value.

What is read:

- digits: Western, Arabic-Indic (U+0660–0669) and Persian (U+06F0–06F9);
- the decimal sign: ``.``, ``,``, ``٫`` (U+066B) or the Arabic comma ``،``. Where both
  ``.`` and ``,`` appear, the last one is the decimal sign and the other groups
  thousands (``1.234,5`` and ``1,234.5`` are both 1234.5); one separator used several
  times groups thousands (``1.000.000``); a single ``,`` or ``.`` is always the decimal
  sign (``2,5``, and ``1,500`` is a COS of 1.5, not 1500: a règlement's figures are
  small, and thousands are grouped with spaces in Morocco);
- thousands grouped with spaces (plain, no-break U+00A0, narrow no-break U+202F, thin
  U+2009), ``٬`` (U+066C) or an apostrophe;
- a minus sign ``-`` or ``−`` (U+2212), a leading ``+``;
- a trailing unit ``m``, ``m2``, ``m²``, ``ml`` (metres, square metres) or ``%`` (a share:
  ``60 %`` is 0.6).

Anything else (``néant``, ``voir article 5``, ``inf``) is missing: never a guess.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["ARABIC_DIGITS", "normalize_digits", "numbers", "parse_floors", "parse_number"]

_ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
_PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
#: Arabic-Indic and Persian digits, as a ``str.translate`` table to Western digits.
ARABIC_DIGITS = str.maketrans(_ARABIC_INDIC + _PERSIAN, "0123456789" * 2)
_DECIMAL_SIGN = "\u066b"
_THOUSANDS_SIGN = "\u066c"
_ARABIC_COMMA = "\u060c"
_GROUPING = re.compile(r"[\s\u00a0\u202f\u2009'’" + _THOUSANDS_SIGN + "]")
_UNIT = re.compile(r"(?i)\s*(m²|m2|ml|m)\s*$")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_THOUSANDS_ONLY = re.compile(r"^[+-]?[1-9]\d{0,2}([.,]\d{3}){2,}$")
_FLOORS = re.compile(r"^(?:r|rdc|ر|ط)\s*\+?\s*(\d+)$", re.IGNORECASE)


def normalize_digits(text: str) -> str:
    """``text`` with Arabic-Indic and Persian digits written as Western digits."""
    return text.translate(ARABIC_DIGITS)


def parse_number(value: object) -> float:
    """A rule figure from a cell: ``2,5``, ``٢٫٥``, ``1 000 m²``, ``60 %``; NaN when it is none.

    Booleans are not numbers; infinite values are not figures of a règlement.
    """
    if value is None or isinstance(value, (bool, np.bool_)):
        return math.nan
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        return number if math.isfinite(number) else math.nan
    if not isinstance(value, str):
        return math.nan
    text = normalize_digits(value).strip().replace("\u2212", "-")
    share = text.endswith("%")
    if share:
        text = text[:-1]
    text = _UNIT.sub("", text)
    text = _GROUPING.sub("", text).replace(_DECIMAL_SIGN, ".").replace(_ARABIC_COMMA, ",")
    if not text:
        return math.nan
    if _THOUSANDS_ONLY.match(text) and not ("," in text and "." in text):
        text = text.replace(",", "").replace(".", "")
    elif "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        grouping = "." if decimal == "," else ","
        text = text.replace(grouping, "").replace(decimal, ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    if not _PLAIN.match(text):
        return math.nan
    number = float(text)
    return number / 100 if share else number


def parse_floors(value: object) -> float:
    """Levels including the ground floor: ``"R+4"`` -> 5, ``"R4"`` -> 5, ``"ر+٤"`` -> 5, ``3`` -> 3."""
    if isinstance(value, str):
        text = normalize_digits(value).strip()
        m = _FLOORS.match(text.replace(" ", ""))
        if m:
            return float(int(m.group(1)) + 1)
        if text.casefold() in ("r", "rdc", "ر"):
            return 1.0
    return parse_number(value)


def numbers(column: Any, *, floors: bool = False) -> pd.Series:
    """A column of rule cells as floats (NaN where a cell holds no figure).

    Each distinct value is parsed once: a rules table repeats a handful of figures.
    ``floors`` reads ``R+n`` notation too.
    """
    series = column if isinstance(column, pd.Series) else pd.Series(column)
    if series.dtype.kind in "iuf":
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        return pd.Series(np.where(np.isfinite(values), values, np.nan), index=series.index)
    if series.dtype.kind == "b":
        return pd.Series(np.nan, index=series.index, dtype="float64")
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    parse = parse_floors if floors else parse_number
    parsed = np.array([parse(v) for v in uniques] + [math.nan], dtype="float64")
    return pd.Series(parsed[codes], index=series.index, dtype="float64")
