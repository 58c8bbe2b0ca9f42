"""URL slugs of municipality names (SPEC section 7). Numbers and months are formatted per language
by jobtal/publish/language.py."""

from __future__ import annotations

SLUG_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", " ": "-"})


def slug(name: str) -> str:
    """'Høje-Taastrup' -> 'hoeje-taastrup', 'Lyngby-Taarbæk' -> 'lyngby-taarbaek'."""
    return name.lower().translate(SLUG_LETTERS)
