"""A profile's key figures: the words for hand-made comparisons, and the built profile in a
browser at a phone's and a laptop's width (cards on the phone, a table that fits on the laptop,
the numbers those of the jobcentre's CSV)."""

from __future__ import annotations

import csv

import pytest

from jobtal.indicators.engine import load_definitions
from jobtal.publish.key_figures import key_figure, percent_change
from jobtal.publish.language import Language
from jobtal.publish.model import Comparison
from tests.conftest import CHROMIUM

DEFINITIONS = {d.id: d for d in load_definitions()}


def comparison(indicator, value, compared, change, rank, *, per_1000=False, better="lower"):
    return Comparison(
        indicator=indicator,
        period="2025-12",
        value=value,
        per_1000=per_1000,
        compared=compared,
        better=better,
        change=change,
        rank=rank,
        ranked_of=98 if rank else None,
        neighbour_mean=None,
        group_value=14.1,
        region_value=13.0,
        country_value=12.3,
    )


def test_a_share_in_words():
    c = comparison("andel_befolkning", 15.7, 15.7, -0.4, 44)
    f = key_figure(c, DEFINITIONS["andel_befolkning"], Language.load("da"))
    # a year before 16.1: -0.4 / 16.1 = -2.48 %
    assert (f.value, f.unit, f.change) == ("15,7", "pct.", "−0,4 pct.-point (−2,5 %)")
    assert f.change_words == "Faldet på et år"
    assert f.against_country == "Højere end hele landet (12,3)"
    assert (f.rank, f.rank_rule) == ("nr. 44 af 98", "Lavere er bedre: nr. 1 har det laveste tal.")
    assert f.rank_short == "lavest er bedst"
    assert (f.group_value, f.country_value, f.count, f.suppressed) == ("14,1", "12,3", "", False)


def test_a_target_in_words_is_a_rate_with_its_count():
    c = comparison("arbejdskraftreserve", 298, 4.0, 0.3, 12, per_1000=True)
    f = key_figure(c, DEFINITIONS["arbejdskraftreserve"], Language.load("en"))
    # 3.7 a year before: 0.3 / 3.7 = 8.1 %
    assert (f.value, f.unit, f.count) == ("4.0", "per 1,000 aged 16-66", "298 full-time persons")
    assert f.change == "+0.3 per 1,000 aged 16-66 (+8.1 %)" and f.change_words == "Up on a year"
    assert f.against_country == "Lower than the whole country (12.3)"
    assert f.rank == "12 of 98"


def test_a_difference_has_no_percentage_change_and_higher_is_better_is_said():
    f = key_figure(
        comparison("forskel_forventet", 0.5, 0.5, 0.2, 3), DEFINITIONS["forskel_forventet"],
        Language.load("da"),
    )  # fmt: skip
    assert f.change == "+0,2 pct.-point"
    f = key_figure(
        comparison("afgang", 20.0, 20.0, 0.0, 1, better="higher"), DEFINITIONS["afgang"],
        Language.load("da"),
    )  # fmt: skip
    assert f.change_words == "Uændret på et år"
    assert f.rank_rule == "Højere er bedre: nr. 1 har det højeste tal."


def test_a_suppressed_value_says_so_and_has_no_rank():
    c = comparison("andel_befolkning", None, None, None, None)
    f = key_figure(c, DEFINITIONS["andel_befolkning"], Language.load("da"))
    assert f.suppressed and f.value == "–" and f.rank == "" and f.against_country == ""


def test_percent_change_needs_a_value_above_zero_a_year_before():
    assert percent_change(5.0, 5.0) is None  # from 0
    assert percent_change(None, 1.0) is None
    assert percent_change(3.0, -1.0) == pytest.approx(-25.0)


browser_only = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")

OVERFLOW = """() => {
  // elements of the article wider than the article's column (ignoring the hidden ones and what
  // scrolls in its own frame)
  const column = document.querySelector('article').getBoundingClientRect();
  return Array.from(document.querySelectorAll('article *')).filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && !e.closest('.jobtal-table-wrap') && !e.closest('details:not([open])')
      && (r.right > column.right + 1 || r.left < column.left - 1);
  }).map(e => e.tagName + '.' + e.className).slice(0, 5);
}"""


def jobcentre_csv_value(site, code: int, indicator: str, area_type: str, period: str) -> str:
    with (site / "data" / "jobcentre" / f"{code}.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if (row["indicator"], row["benefit"], row["area_type"], row["period"]) == (
                indicator, "alle", area_type, period,
            ) and row["sex"] == row["age_group"] == "alle":  # fmt: skip
                return row["value"]
    raise AssertionError(f"{indicator} {area_type} {period} not in {code}.csv")


@browser_only
@pytest.mark.parametrize("width", [390, 1366])
def test_the_profile_fits_its_column_with_its_key_figures_in_view(browser, server, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(server + "jobcenter/koebenhavn/", wait_until="networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(OVERFLOW) == []
    cards = page.locator(".jobtal-cards").first
    table = page.locator(".jobtal-key-table-wrap").first
    if width == 390:  # the phone: cards, one under the other, and no table beside them
        assert cards.is_visible() and not table.is_visible()
        boxes = [c.bounding_box() for c in cards.locator(".jobtal-card").all()]
        assert all(b["x"] >= 0 and b["x"] + b["width"] <= width for b in boxes)
    else:  # the laptop: the table, whole in its frame, no sideways scrolling
        assert table.is_visible() and not cards.is_visible()
        assert table.evaluate("e => e.scrollWidth <= e.clientWidth")
    context.close()


@browser_only
def test_the_cards_show_the_values_of_the_jobcentre_csv(browser, server, next_site):
    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.goto(server + "jobcenter/koebenhavn/", wait_until="networkidle")
    card = page.locator("#noegletal-andel_befolkning").locator("xpath=..")
    value = card.locator(".jobtal-card__value strong").inner_text()
    facts = dict(
        zip(card.locator("dt").all_inner_texts(), card.locator("dd").all_inner_texts(), strict=True)
    )
    own = jobcentre_csv_value(next_site, 101, "andel_befolkning", "kommune", "2024-04")
    country = jobcentre_csv_value(next_site, 101, "andel_befolkning", "land", "2024-04")
    assert value == own.replace(".", ",")
    assert facts["Hele landet"] == country.replace(".", ",")
    assert facts["Placering"].startswith("nr. ")
    context.close()
