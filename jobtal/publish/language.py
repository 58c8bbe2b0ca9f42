"""The site's two languages: Danish at the root, English under /en/. A Language formats numbers
and months its own way and holds the interface texts of site_templates/texts/<code>.yaml, so
templates and chart builders never spell out a language themselves."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import yaml

from jobtal import paths
from jobtal.months import parse_month
from jobtal.vocabulary import BENEFITS, MUNICIPALITY_GROUPS

MONTHS = {
    "da": "januar februar marts april maj juni juli august september oktober november december",
    "en": "January February March April May June July August September October November December",
}
# English names of DST's municipality groups (Danish names are the reference data's own)
GROUPS_EN = {
    "Hovedstadskommuner": "Capital municipalities",
    "Storbykommuner": "Metropolitan municipalities",
    "Provinsbykommuner": "Provincial municipalities",
    "Oplandskommuner": "Commuter municipalities",
    "Landkommuner": "Rural municipalities",
}
assert set(GROUPS_EN) == set(MUNICIPALITY_GROUPS.values()), "every group needs an English name"


def with_unit(title: str, unit: str, *more: str) -> str:
    """The title with its unit and `more` in brackets ("Sagsstamme (borgere, uge 6)"), without
    the unit when the title says it already ("Personer", not "Personer (personer)";
    "Aktiveringsgrad (pct.)", not "... (pct.) (pct.)"), and without brackets when nothing is
    left to put in them."""
    said = [] if unit.casefold() in title.casefold() else [unit]
    inside = ", ".join([*said, *more])
    return f"{title} ({inside})" if inside else title


@functools.cache
def interface_texts(code: str) -> dict:
    """site_templates/texts/<code>.yaml, read once."""
    return yaml.safe_load((paths.SITE_TEXTS / f"{code}.yaml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Language:
    code: str  # "da" or "en"
    prefix: str  # the language's folder under the site root: "" or "en/"
    texts: dict = field(repr=False, hash=False, compare=False)

    @classmethod
    def load(cls, code: str) -> Language:
        return cls(code, "" if code == "da" else f"{code}/", interface_texts(code))

    @property
    def other(self) -> Language:
        return Language.load("en" if self.code == "da" else "da")

    def t(self, key: str, **values) -> str:
        """The interface text `key`, with {placeholders} filled in."""
        text = self.texts[key]
        return text.format(**values) if values else text

    def number(self, value: float | None, decimals: int = 0) -> str:
        """Danish 1.234,5 or English 1,234.5; an en dash for a suppressed or missing value."""
        if value is None:
            return "–"
        text = f"{float(value):,.{decimals}f}"
        if self.code == "da":
            text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
        return text.replace("-", "−", 1) if text.startswith("-") else text

    def signed(self, value: float | None, decimals: int = 0) -> str:
        """A change: '+1,2', '−0,4' or '0,0'."""
        if value is None:
            return "–"
        text = self.number(value, decimals)
        return f"+{text}" if float(value) > 0 and text.strip("0,.") else text

    def month(self, period: str) -> str:
        """'2025-10' -> 'oktober 2025' / 'October 2025'."""
        year, month = parse_month(period)
        return f"{MONTHS[self.code].split()[month - 1]} {year}"

    def period(self, period: str) -> str:
        """Any period a published series has: a month as month(), '2024-Q1' -> '1. kvt. 2024' /
        'Q1 2024', '2024-Q1-MAT' the same as a moving year, a year as it is."""
        quarter = re.fullmatch(r"(\d{4})-Q([1-4])(-MAT)?", period)
        if quarter:
            year, number, moving = quarter.groups()
            shown = f"{number}. kvt. {year}" if self.code == "da" else f"Q{number} {year}"
            if moving:  # a moving year: the four quarters up to this one
                shown += " (løbende år)" if self.code == "da" else " (moving year)"
            return shown
        if re.fullmatch(r"\d{4}-\d{2}", period):
            return self.month(period)
        return period

    def date(self, iso: str) -> str:
        """'2024-05-10T08:00:00Z' -> '10. maj 2024' / '10 May 2024'."""
        year, month, day = (int(part) for part in iso[:10].split("-"))
        name = MONTHS[self.code].split()[month - 1]
        return f"{day}. {name} {year}" if self.code == "da" else f"{day} {name} {year}"

    def size(self, size: int) -> str:
        """A file's size: '840 kB', '1,2 MB' (decimal units, as browsers and file managers
        show them)."""
        if size < 1_000_000:
            return f"{self.number(max(size / 1000, 1))} kB"
        return f"{self.number(size / 1e6, 1)} MB"

    def listing(self, items: list[str]) -> str:
        """'A, B og C' / 'A, B and C'."""
        if len(items) < 2:
            return "".join(items)
        return f"{', '.join(items[:-1])} {'og' if self.code == 'da' else 'and'} {items[-1]}"

    def benefit(self, code: str) -> str:
        return BENEFITS[code][0 if self.code == "da" else 1]

    def group(self, danish_name: str) -> str:
        return danish_name if self.code == "da" else GROUPS_EN.get(danish_name, danish_name)

    def group_in_text(self, danish_name: str) -> str:
        """A group in running text: 'provinsbykommunerne' / 'provincial municipalities'."""
        if self.code == "da":
            return danish_name.lower() + "ne"
        return "the " + self.group(danish_name).lower()

    def area_name(self, area_type: str, name: str) -> str:
        """An area's name as published (Danish) in this language."""
        if area_type == "land":
            return self.t("country")
        if area_type == "kommunegruppe":
            return self.group(name)
        return name
