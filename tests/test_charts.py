"""The charts really draw: each page's Vega-Lite spec is rendered by Vega itself (vl-convert
runs the same JavaScript the site serves) with the CSV it points at, and must draw its lines."""

from __future__ import annotations

import csv
import json
import re

import pytest
import vl_convert

# page: lines its chart draws (8 benefit groups nationally; a jobcentre against 3 other areas)
PAGES = {"index.html": 8, "jobcenter/koebenhavn/index.html": 4}


def charts_of(page_path):
    html = page_path.read_text(encoding="utf-8")
    return re.findall(r'<script type="application/json" id="([^"]+)">(.*?)</script>', html, re.S)


@pytest.mark.parametrize(("page", "expected_lines"), PAGES.items())
def test_chart_draws_lines_from_its_csv(tiny_site, page, expected_lines):
    page_path = tiny_site / page
    found = charts_of(page_path)
    assert found, "the page has a chart"
    for chart_id, text in found:
        spec = json.loads(text)
        csv_path = (page_path.parent / spec["data"]["url"]).resolve()
        assert csv_path.is_file(), csv_path
        with csv_path.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        # the same data, inline; the spec's own parse and filters still apply
        spec["data"] = {"values": rows, "format": spec["data"]["format"]}
        spec["data"]["format"].pop("type", None)
        spec["width"] = 400
        svg = vl_convert.vegalite_to_svg(spec)
        lines = re.findall(r'<path[^>]*aria-roledescription="line mark"', svg)
        assert len(lines) == expected_lines, chart_id
        assert "jan" in svg.lower() or "2024" in svg


def test_profile_chart_compares_the_four_areas(tiny_site):
    ((_, text),) = charts_of(tiny_site / "jobcenter" / "koebenhavn" / "index.html")
    spec = json.loads(text)
    assert spec["encoding"]["color"]["sort"] == [
        "København",
        "Hovedstadskommuner",
        "Region Hovedstaden",
        "Hele landet",
    ]
