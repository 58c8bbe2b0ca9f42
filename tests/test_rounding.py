"""One rounding for every published form of a number (jobtal.rounding): the CSV's text, the
number the pages, charts and Excel files show, in both languages."""

from __future__ import annotations

import duckdb
import pytest

from jobtal.indicators.engine import load_definitions
from jobtal.publish.language import Language
from jobtal.publish.tables import build_published

DEFINITIONS = {d.id: d for d in load_definitions()}
# value computed -> what every form shows: half away from zero, at the indicator's decimals.
# 0.15 and 2.675 are not exact in binary: Python's own round() and '%.1f' give 0.1 and 2.67
CASES = [
    ("fuldtidspersoner", 110.5, "111"),
    ("fuldtidspersoner", 111.5, "112"),
    ("fuldtidspersoner", 0.5, "1"),
    ("andel_befolkning", 0.25, "0.3"),
    ("andel_befolkning", 0.15, "0.2"),
    ("andel_befolkning", 12.35, "12.4"),
    ("forskel_forventet", -2.25, "-2.3"),
]


def published_forms(indicator: str, value: float) -> tuple[str, float]:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE protected_values AS SELECT ? AS indicator, 'kommune' AS area_type, "
        "'101' AS area_code, '2024-03' AS period, 'alle' AS benefit, 'alle' AS sex, "
        "'alle' AS age_group, ?::DOUBLE AS value, NULL::VARCHAR AS flag",
        [indicator, value],
    )
    con.execute(
        "CREATE TABLE areas AS SELECT 101 AS municipality_code, 'kommune' AS area_type, "
        "'101' AS area_code, 'København' AS area_name"
    )
    build_published(con, [DEFINITIONS[indicator]])
    text, number = con.execute("SELECT value, numeric_value FROM published").fetchone()
    con.close()
    return text, number


@pytest.mark.parametrize(("indicator", "value", "expected"), CASES)
def test_the_csv_and_every_other_form_show_the_same_rounded_number(indicator, value, expected):
    text, number = published_forms(indicator, value)
    assert text == expected
    decimals = DEFINITIONS[indicator].decimals
    shown = expected.replace("-", "−")  # the pages write a minus sign
    assert Language.load("en").number(number, decimals).replace(",", "") == shown
    assert Language.load("da").number(number, decimals) == shown.replace(".", ",")


def test_the_method_page_states_the_rounding_rule_and_the_protection_criterion(tiny_site):
    for page, words in (
        ("metode/index.html", ("Afrunding", "0,15 bliver 0,2", "jobtal audit", "1 og 4")),
        ("en/metode/index.html", ("Rounding", "0.15 becomes 0.2", "jobtal audit", "1 and 4")),
    ):
        html = (tiny_site / page).read_text(encoding="utf-8")
        for word in words:
            assert word in html, (page, word)
