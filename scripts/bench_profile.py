"""A jobcentre profile's weight and length: what a citizen's phone loads and scrolls through.

Serves a built site (default build/site) over localhost as a static host does (gzip for text),
opens one jobcentre's profile (default Holbæk, else the first) cold in headless Chromium, and
prints, as the median of --runs loads:

- at 390 px with 4x CPU throttling (a phone): the bytes transferred until the network is idle
  (charts drawn), the number of requests, the time until then, and the page's height;
- at 1366 px (a laptop, no throttling): the page's height and whether anything is wider than
  the page;
- the same loads of a plain text page of the same site (/om/: the same theme, CSS and scripts),
  the floor a profile cannot go below, and the ratios of the two.

    .venv/bin/python scripts/bench_profile.py [--site build/site] [--slug holbaek] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from pageload import CHROMIUM_FLAGS, chromium_path, cold_page, served
from playwright.sync_api import sync_playwright

LAPTOP = {"width": 1366, "height": 900}
CHARTS_DRAWN = (
    "Array.from(document.querySelectorAll('[data-vega-spec]'))"
    ".every(e => e.querySelector('svg') || e.textContent.trim())"
)


def load(browser, url: str, viewport: dict | None = None) -> dict:
    options = {"viewport": viewport, "throttle": 1} if viewport else {}
    with cold_page(browser, **options) as (page, transferred):
        page.goto(url, wait_until="load")
        page.wait_for_function(CHARTS_DRAWN, timeout=120_000)
        page.wait_for_load_state("networkidle")
        return {
            **transferred,
            "ms": page.evaluate("performance.now()"),
            "height": page.evaluate("document.documentElement.scrollHeight"),
            "overflow": page.evaluate(
                "document.documentElement.scrollWidth > document.documentElement.clientWidth"
            ),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=Path("build/site"))
    parser.add_argument("--slug", default="holbaek")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    site = args.site.resolve()
    slug = args.slug
    if not (site / "jobcenter" / slug).is_dir():
        slug = sorted(p.parent.name for p in (site / "jobcenter").glob("*/index.html"))[0]
    profile = f"jobcenter/{slug}/"
    with served(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        phone = [load(browser, base + profile) for _ in range(args.runs)]
        floor = [load(browser, base + "om/") for _ in range(args.runs)]
        laptop = load(browser, base + profile, LAPTOP)
        browser.close()

    def median(runs, key):
        return statistics.median(run[key] for run in runs)

    print(f"site: {site}")
    print(f"profile: /{profile}; phone: 390 px, 4x CPU slower; median of {args.runs} cold loads")
    print(
        f"phone: {median(phone, 'bytes') / 1e3:,.0f} kB transferred in "
        f"{median(phone, 'requests'):.0f} requests, charts drawn and network idle after "
        f"{median(phone, 'ms'):,.0f} ms; page {median(phone, 'height'):,.0f} px high"
        f"{' (WIDER than the screen)' if any(r['overflow'] for r in phone) else ''}"
    )
    print(
        f"laptop (1366 px): page {laptop['height']:,} px high"
        f"{' (WIDER than the screen)' if laptop['overflow'] else ''}"
    )
    print(
        f"floor (/om/, same theme and scripts): {median(floor, 'bytes') / 1e3:,.0f} kB in "
        f"{median(floor, 'requests'):.0f} requests, {median(floor, 'ms'):,.0f} ms"
    )
    print(
        f"ratio profile/floor on the phone: {median(phone, 'bytes') / median(floor, 'bytes'):.2f}x "
        f"bytes, {median(phone, 'ms') / median(floor, 'ms'):.2f}x time"
    )


if __name__ == "__main__":
    main()
