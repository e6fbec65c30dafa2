"""terroffer's own exceptions.

Every error names the input it is about and says what to do, in the language asked
for: the message is a key into the translation catalogues, so the command line can
print it as one line in Arabic, French or English and exit without a traceback.
"""

from __future__ import annotations

from pathlib import Path

from terroffer.reference import translate

__all__ = [
    "CRSError",
    "DataSourceError",
    "EncodingError",
    "FilterError",
    "OptionError",
    "OutputError",
    "PlotInputError",
    "SchemaError",
    "TerrofferError",
]


class TerrofferError(Exception):
    """Base class: an input terroffer cannot use, with what to do about it.

    Parameters
    ----------
    key
        Message key in the translation catalogues (``reference/i18n/<lang>/*.json``).
    source
        The file, table or value the error is about.
    **params
        Values the message template uses.
    """

    def __init__(self, key: str, source: str | Path | object = None, **params: object) -> None:
        self.key = key
        self.source = str(source) if source is not None else ""
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "fr") -> str:
        """The error as one line in ``lang``, naming the source."""
        text = translate(self.key, lang, source=self.source, **self.params)
        return " ".join(text.split())


# Each error also rests on the built-in a caller would catch (as pyogrio's do), so an
# ``except ValueError`` or ``except OSError`` written against plain Python keeps working.


class DataSourceError(TerrofferError, RuntimeError):
    """The file or database cannot be read as a zoning plan."""


class EncodingError(DataSourceError):
    """Text in the source cannot be decoded with the encoding given or found."""


class CRSError(DataSourceError):
    """The coordinate reference system is missing and cannot be inferred, or is wrong."""


class SchemaError(DataSourceError):
    """The source has no column that can serve as a required canonical field."""


class PlotInputError(TerrofferError, ValueError):
    """A plot given by a user (table of corners, file, point) cannot be used."""


class FilterError(TerrofferError, ValueError):
    """A filter names something the plan or the catalogue does not know (with the nearest names).

    ``source`` is the filter (``communes`` in the API, ``--commune`` on the command
    line); ``params["kind"]`` what it names (``commune``, ``sector``, ``family``,
    ``status``, ``use``), written in the message's language.
    """

    def message(self, lang: str = "fr") -> str:
        """The error as one line in ``lang``, naming the filter and the nearest names."""
        kind = str(self.params.get("kind", ""))
        what = translate(f"filter.{kind}", lang) if kind else ""
        text = translate(self.key, lang, source=self.source, **{**self.params, "what": what})
        return " ".join(text.split())


class OptionError(TerrofferError, ValueError):
    """An option's value cannot be used (not a number, out of range, contradicts another)."""


class OutputError(TerrofferError, OSError):
    """A file or folder to write cannot be written (a directory, no permission, disk full)."""
