"""Bytes and time of the table builder's typical selection, on a phone profile.

Serves a built site (default build/site) over localhost as a static host does (gzip for text
files when the browser asks for it), opens /tabel/ with a typical selection (one indicator, one
benefit, three jobcentres, 24 months: SPEC section 7's address) in headless Chromium with a 390 px
phone viewport and 4x CPU throttling, and prints, as the median of --runs cold loads:

- the bytes transferred (as the server sent them, gzip where it applies) and how many requests;
- the time from navigation until the table is shown and until the chart is drawn;
- the same for a plain text page of the same site (/om/: the same theme, CSS and scripts, no
  builder), the floor a builder page cannot go below, and the ratio of the two;
- the weight of the builder's own JavaScript (tabel.js), raw and gzipped, and of the data it
  fetches for the selection.

    .venv/bin/python scripts/bench_tabel.py [--site build/site] [--runs 5]

Target (issue 19): at national scale with ten years, under 1 MB transferred and shown within
2 seconds on the throttled phone profile."""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
from pathlib import Path

from pageload import CHROMIUM_FLAGS, chromium_path, cold_page, served
from playwright.sync_api import sync_playwright

# Records when the builder's table and chart appear, in the page's own clock (ms since
# navigation started), so the polling of the test driver does not count.
SHOWN_SCRIPT = """
new MutationObserver(function () {
  if (!window.__tableShown && document.getElementById('tabel-table'))
    window.__tableShown = performance.now();
  if (!window.__chartShown && document.querySelector('#tabel-chart svg'))
    window.__chartShown = performance.now();
}).observe(document, {childList: true, subtree: true});
"""


def typical_address(site: Path) -> str:
    """One indicator (the share of the population), one benefit (kontanthjælp), the first
    three jobcentres, the last 24 months."""
    index = json.loads((site / "tabel" / "data" / "index.json").read_text(encoding="utf-8"))
    indicator = next(i for i in index["indicators"] if i["id"] == "andel_befolkning")
    benefit = "kontanthjaelp" if "kontanthjaelp" in indicator["benefits"] else "alle"
    areas = [a["id"] for a in index["areas"] if a["id"].startswith("kommune:")][:3]
    year, month = int(indicator["last"][:4]), int(indicator["last"][5:])
    month -= 23
    while month < 1:
        year, month = year - 1, month + 12
    first = f"{year}-{month:02d}"
    return (
        f"tabel/?indicator=andel_befolkning&benefit={benefit}&area={','.join(areas)}"
        f"&from={first}&to={indicator['last']}"
    ), f"andel_befolkning/{benefit}.alle.alle.json.gz"


def load(browser, url: str, wait_for: str | None) -> dict:
    with cold_page(browser) as (page, transferred):
        page.add_init_script(SHOWN_SCRIPT)
        page.goto(url, wait_until="load")
        if wait_for:
            page.wait_for_selector(wait_for, timeout=60_000)
            page.wait_for_load_state("networkidle")
            table = page.evaluate("window.__tableShown")
            chart = page.evaluate("window.__chartShown")
        else:
            page.wait_for_load_state("networkidle")
            table = chart = page.evaluate(
                "performance.getEntriesByType('navigation')[0].loadEventEnd"
            )
    return {**transferred, "table_ms": table, "chart_ms": chart}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=Path("build/site"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    site = args.site.resolve()
    address, data_file = typical_address(site)
    with served(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        builder = [load(browser, base + address, "#tabel-chart svg") for _ in range(args.runs)]
        plain = [load(browser, base + "om/", None) for _ in range(args.runs)]
        browser.close()

    def median(runs, key):
        return statistics.median(run[key] for run in runs)

    script = (site / "assets" / "tabel.js").read_bytes()
    data = [site / "tabel" / "data" / "index.json", site / "tabel" / "data" / data_file]
    print(f"site: {site}")
    print(f"address: /{address}")
    print(f"phone profile: 390 px, 4x CPU throttling; median of {args.runs} cold loads")
    print(
        f"builder: {median(builder, 'bytes') / 1e3:,.0f} kB transferred in "
        f"{median(builder, 'requests'):.0f} requests; table shown after "
        f"{median(builder, 'table_ms'):,.0f} ms, chart after {median(builder, 'chart_ms'):,.0f} ms"
    )
    print(
        f"floor (/om/, same theme and scripts): {median(plain, 'bytes') / 1e3:,.0f} kB, "
        f"loaded after {median(plain, 'chart_ms'):,.0f} ms"
    )
    print(
        f"ratio builder/floor: {median(builder, 'chart_ms') / median(plain, 'chart_ms'):.2f}x "
        f"time, {median(builder, 'bytes') / median(plain, 'bytes'):.2f}x bytes"
    )
    print(
        f"tabel.js: {len(script) / 1e3:.1f} kB, {len(gzip.compress(script, mtime=0)) / 1e3:.1f} kB "
        "gzipped"
    )
    for path in data:
        stored = path.read_bytes()
        raw = gzip.decompress(stored) if path.suffix == ".gz" else stored
        print(
            f"{path.relative_to(site)}: {len(raw) / 1e3:,.1f} kB, "
            f"{len(gzip.compress(raw, mtime=0)) / 1e3:,.1f} kB gzipped"
        )
    files = list((site / "tabel" / "data").rglob("*.json*"))
    total = sum(f.stat().st_size for f in files)
    print(f"tabel/data: {len(files)} files, {total / 1e6:.1f} MB on the host")


if __name__ == "__main__":
    main()
