"""Writes jobtal/publish/fonts/ (the font the Word reports' chart images are drawn in) from
Liberation Sans 2.1.5, Debian's fonts-liberation2 package:

    apt-get install -y fonts-liberation2
    python3 -m venv /tmp/fonttools && /tmp/fonttools/bin/pip install fonttools
    /tmp/fonttools/bin/python scripts/make_report_font.py

Why a copy under its own name: vl-convert draws Vega's "sans-serif" with whatever the machine
has (Arial, a system Liberation Sans of some version, or its own copy), so the same input gave
different report bytes on a machine with other fonts. A family name no system has is always
this file. The SIL Open Font License lets a copy be changed but not keep the Reserved Font
Names (Liberation, Arimo), so the names that carry them are replaced and nothing else:
the outlines, metrics, copyright and licence records stay as they are."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from fontTools.ttLib import TTFont

SOURCE = Path("/usr/share/fonts/truetype/liberation2")
LICENCE = Path("/usr/share/doc/fonts-liberation2/copyright")
TARGET = Path(__file__).resolve().parent.parent / "jobtal" / "publish" / "fonts"
FAMILY = "Jobtal Sans"
STYLES = ("Regular", "Bold")  # what the charts draw: labels and their bold titles


def renamed(style: str) -> TTFont:
    font = TTFont(SOURCE / f"LiberationSans-{style}.ttf", recalcTimestamp=False)
    names = font["name"]
    postscript = f"{FAMILY.replace(' ', '')}-{style}"
    new_names = {
        1: FAMILY,  # family
        3: f"jobtal - {postscript}",  # unique identifier
        4: FAMILY if style == "Regular" else f"{FAMILY} {style}",  # full name
        6: postscript,
        10: f"{FAMILY}: Liberation Sans 2.1.5 under another name and without its hinting, "
        "for jobtal's report charts",
    }
    for record in names.names:
        if record.nameID in new_names:
            names.setName(new_names[record.nameID], record.nameID, record.platformID,
                          record.platEncID, record.langID)  # fmt: skip
    return font


# TrueType's hinting: instructions that fit outlines to a screen's pixel grid at small sizes.
# vl-convert (resvg) never runs them, and draws the same pixels without them; but it maps the
# font file afresh for every glyph it measures or draws (hundreds of times a chart), and a
# third of the file is hinting: without it a report chart took about 0.9 times as long, its
# time in the kernel (mapping the file, its pages' faults) 62-74 ms against 84-100.
HINTING_TABLES = ("fpgm", "prep", "cvt ", "hdmx", "VDMX", "LTSH")


def without_hinting(font: TTFont) -> TTFont:
    for tag in HINTING_TABLES:
        if tag in font:
            del font[tag]
    glyphs = font["glyf"]
    for name in font.getGlyphOrder():
        glyph = glyphs[name]
        glyph.expand(glyphs)
        if hasattr(glyph, "program"):
            glyph.program.fromBytecode(b"")
    maxp = font["maxp"]  # what the removed instructions needed, now nothing
    for limit in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                  "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions"):  # fmt: skip
        setattr(maxp, limit, 1 if limit == "maxZones" else 0)
    return font


def main() -> None:
    if not SOURCE.is_dir():
        sys.exit(f"{SOURCE} is missing: apt-get install -y fonts-liberation2")
    TARGET.mkdir(parents=True, exist_ok=True)
    for style in STYLES:
        without_hinting(renamed(style)).save(TARGET / f"{FAMILY.replace(' ', '')}-{style}.ttf")
    shutil.copyfile(LICENCE, TARGET / "LICENCE")
    print(f"wrote {', '.join(p.name for p in sorted(TARGET.iterdir()))} to {TARGET}")


if __name__ == "__main__":
    main()
