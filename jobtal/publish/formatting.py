"""URL slugs of municipality names (SPEC section 7). Numbers and months are formatted per language
by jobtal/publish/language.py.

A slug becomes a folder of the site, so it is checked, not trusted: lower-case ASCII letters,
digits and single hyphens, at most SLUG_LENGTH characters. The validator refuses a name whose
slug is not (jobtal.extracts.validate.name_problems), and two names with one slug; slug() raises
for one that got past it anyway."""

from __future__ import annotations

import re
import unicodedata

SLUG_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", " ": "-"})
SLUG_DROPPED = re.compile(r"[.'’]")  # "Skt. Hans" -> "skt-hans", "d'Ivoire" -> "divoire"
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
SLUG_LENGTH = 60


def slug_or_none(name: str) -> str | None:
    """'Høje-Taastrup' -> 'hoeje-taastrup', 'Lyngby-Taarbæk' -> 'lyngby-taarbaek'; other
    accented letters lose their accent ('Île' -> 'ile'). None where no usable slug results."""
    text = name.lower().translate(SLUG_LETTERS)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = SLUG_DROPPED.sub("", text)
    return text if SLUG.fullmatch(text) and len(text) <= SLUG_LENGTH else None


def slug(name: str) -> str:
    found = slug_or_none(name)
    if found is None:
        raise ValueError(f"no usable URL slug for the name {name!r}")
    return found
