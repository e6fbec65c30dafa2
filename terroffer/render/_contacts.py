"""The single window's contact details, for the note and the apps."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["contacts"]


@cache
def contacts() -> dict[str, Any]:
    """The single window's contact details (``reference/contacts.json``), loaded once."""
    text = resources.files("terroffer.reference").joinpath("contacts.json").read_text(encoding="utf-8")
    data = json.loads(text)
    data.pop("_doc", None)
    return data
