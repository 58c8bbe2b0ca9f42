"""Danish formatting of numbers and months, and URL slugs. Templates get ready-made strings."""

from __future__ import annotations

from jobtal.months import month_label_da

SLUG_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", " ": "-"})


def slug(name: str) -> str:
    """'Høje-Taastrup' -> 'hoeje-taastrup', 'Lyngby-Taarbæk' -> 'lyngby-taarbaek'."""
    return name.lower().translate(SLUG_LETTERS)


def number_da(value: float | None, decimals: int = 0) -> str:
    """1234.5 -> '1.234,5'; None -> '–' (a suppressed or missing value)."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def month_da(month: str) -> str:
    return month_label_da(month)


def group_plural_da(group_name: str) -> str:
    """'Provinsbykommuner' -> 'provinsbykommunerne', for running text."""
    return group_name.lower() + "ne"
