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


class DataSourceError(TerrofferError):
    """The file or database cannot be read as a zoning plan."""


class EncodingError(TerrofferError):
    """Text in the source cannot be decoded with the encoding given or found."""


class CRSError(TerrofferError):
    """The coordinate reference system is missing and cannot be inferred, or is wrong."""


class SchemaError(TerrofferError):
    """The source has no column that can serve as a required canonical field."""


class PlotInputError(TerrofferError):
    """A plot given by a user (table of corners, file, point) cannot be used."""
