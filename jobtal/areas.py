"""Area labels as statistics publishers write them -> the contract's areas.

Statbank and jobindsats.dk name areas in words: "København" or "Copenhagen", "Region
Hovedstaden", "All Denmark" / "Hele landet", sometimes with the code in front ("101 København",
"084 Region Hovedstaden", "000 Hele landet"). Landsdele ("Province Fyn" / "Landsdel Fyn"),
Christiansø, "Abroad" and "Not stated" rows are not areas the site shows: they are skipped and
counted. Any other label is an error, never a guess."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

from jobtal import paths

COUNTRY_LABELS = {"all denmark", "hele landet", "denmark", "danmark", "whole country", "dk"}
# labels of rows that are not an area of the site, by how they start
SKIPPED_PREFIXES = (
    "province ",
    "landsdel ",
    "abroad",
    "outside denmark",
    "uden for danmark",
    "udlandet",
    "not stated",
    "uoplyst",
    "unknown",
    "ukendt",
    "christiansø",  # statbank lists it; it belongs to no municipality and has no jobcentre
)
# statbank's English exports: the only municipality whose English name differs (kommuner.csv)
ENGLISH_NAMES = {"copenhagen": "København"}
CODE_PREFIX = re.compile(r"^(\d{3,4})\s+(.+)$")


@dataclass(frozen=True)
class Area:
    area_type: str  # land, region or kommune
    area_code: str  # DK, the region code (1081..1085), or the municipality code
    area_name: str  # as the reference data writes it (Danish)


class AreaNames:
    """Every area label the reference data knows, in Danish and English."""

    def __init__(self) -> None:
        self.by_label: dict[str, Area] = {
            label: Area("land", "DK", "Hele landet") for label in COUNTRY_LABELS
        }
        self.by_code: dict[str, Area] = {"000": self.by_label["hele landet"]}
        with (paths.DATASETS / "reference" / "regions.csv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                area = Area("region", row["region_code"], row["region_name"])
                self.by_label[row["region_name"].lower()] = area
                # statbank codes regions 081..085; the reference data 1081..1085
                self.by_code[row["region_code"][-3:]] = area
                self.by_code[row["region_code"]] = area
        with (paths.DATASETS / "reference" / "municipalities.csv").open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                area = Area("kommune", row["municipality_code"], row["municipality_name"])
                self.by_label[row["municipality_name"].lower()] = area
                self.by_code[row["municipality_code"]] = area
        for english, danish in ENGLISH_NAMES.items():
            self.by_label[english] = self.by_label[danish.lower()]

    def find(self, label: str) -> Area | None:
        """The area a label names; None for a row to skip. Raises KeyError for an unknown one."""
        text = " ".join(label.split())
        coded = CODE_PREFIX.match(text)
        if coded and coded[1] in self.by_code:
            return self.by_code[coded[1]]
        if text.lower() in self.by_label:
            return self.by_label[text.lower()]
        if text.lower().startswith(SKIPPED_PREFIXES):
            return None
        raise KeyError(text)

    def knows(self, label: str) -> bool:
        try:
            self.find(label)
        except KeyError:
            return False
        return True
