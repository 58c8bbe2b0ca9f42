"""Every jobcentre profile of a built site printed to A4 in headless Chromium (the system's), as
a manager printing it from the browser would: the pages each takes, and the profiles that take
more than the print stylesheet's four (issue 21). The test suite prints one profile of the tiny
site; this is the check on real sizes (large municipality groups, many neighbours).

    .venv/bin/python scripts/print_profiles.py build/site [--lang en] [--only holbaek,...]
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts.pageload import CHROMIUM_FLAGS, chromium_path, served  # noqa: E402

MOST_PAGES = 4
PAGE_OBJECT = re.compile(rb"/Type\s*/Page[^s]")


def printed_pages(page, url: str) -> int:
    page.goto(url, wait_until="networkidle")
    page.wait_for_function(
        "Array.from(document.querySelectorAll('[data-vega-spec]'))"
        ".every(e => e.querySelector('svg'))"
    )
    return len(PAGE_OBJECT.findall(page.pdf(format="A4", print_background=True)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--lang", choices=["da", "en"], default="da")
    parser.add_argument("--only", default="", help="slugs, comma-separated")
    args = parser.parse_args()
    prefix = "en/" if args.lang == "en" else ""
    slugs = sorted(p.parent.name for p in (args.site / prefix / "jobcenter").glob("*/index.html"))
    if args.only:
        slugs = [s for s in slugs if s in args.only.split(",")]
    pages: dict[str, int] = {}
    with served(args.site) as root, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        page = browser.new_page()
        for slug in slugs:
            pages[slug] = printed_pages(page, f"{root}{prefix}jobcenter/{slug}/")
        browser.close()
    counts = collections.Counter(pages.values())
    print(f"{len(pages)} profiles printed on A4 ({args.lang}):")
    for count in sorted(counts):
        print(f"  {count} pages: {counts[count]} profiles")
    over = sorted(slug for slug, count in pages.items() if count > MOST_PAGES)
    print(f"over {MOST_PAGES} pages: {', '.join(over) or 'none'}")


if __name__ == "__main__":
    main()
