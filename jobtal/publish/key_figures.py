"""A jobcentre's key figures as the profile states them, and the Word report later: each one's
value, the group's and the country's, the change on a year in numbers and in words, and its
rank with the way that is better. One place, so the page and the report cannot say different
things. Built from the comparisons (jobtal/comparisons.py): values as published."""

from __future__ import annotations

from dataclasses import dataclass

from jobtal.comparisons import RATE_DECIMALS
from jobtal.indicators.engine import Definition
from jobtal.publish.language import Language
from jobtal.publish.model import Comparison


@dataclass(frozen=True)
class KeyFigure:
    """One indicator of one jobcentre in words, in one language. Every field is plain text."""

    indicator: str
    title: str
    value: str  # the compared value: '15,7', or a rate per 1,000 for the minister's targets
    unit: str  # 'pct.', 'pr. 1.000 16-66-årige'
    count: str  # a rate's published count: '298 fuldtidspersoner'; else empty
    against_country: str  # 'Højere end hele landet (12,3)'; empty where unknown
    group_value: str
    country_value: str
    change: str  # '+0,4 pct.-point (+2,6 %)'; '–' where there is no value a year before
    change_words: str  # 'Faldet på et år' / 'Uændret på et år'
    rank: str  # 'nr. 44 af 98'; empty where not ranked
    rank_rule: str  # 'Lavere er bedre: nr. 1 har det laveste tal.'
    rank_short: str  # the rule in brief, beside the rank: 'lavest er bedst'
    suppressed: bool  # the jobcentre's own value is not published


def percent_change(now: float | None, change: float | None) -> float | None:
    """The change as a percentage of the value a year before, where that is above zero."""
    if now is None or change is None:
        return None
    before = now - change
    return None if before <= 0 else 100 * change / before


def key_figure(c: Comparison, d: Definition, lang: Language) -> KeyFigure:
    """The words for one comparison (its compared values: rates where per_1000)."""
    t = lang.t
    code = lang.code
    decimals = RATE_DECIMALS if c.per_1000 else d.decimals
    unit = t("per_1000_unit") if c.per_1000 else getattr(d.unit, code)
    change_unit = t("change_units").get(unit, unit)
    change = "–"
    change_words = t("change_unknown")
    if c.change is not None and c.compared is not None:
        change = f"{lang.signed(c.change, decimals)} {change_unit}"
        relative = percent_change(c.compared, c.change) if d.relative_change else None
        if relative is not None:
            change += f" ({lang.signed(relative, 1)} %)"
        shown_change = lang.number(abs(c.change), decimals)
        change_words = t(
            "change_same"
            if shown_change.strip("0,.") == ""
            else "change_up"
            if c.change > 0
            else "change_down"
        )
    against = ""
    if c.compared is not None and c.country_value is not None:
        own = lang.number(c.compared, decimals)
        country = lang.number(c.country_value, decimals)
        key = (
            "against_country_same"
            if own == country
            else "against_country_higher" if c.compared > c.country_value
            else "against_country_lower"
        )  # fmt: skip
        against = t(key, country=country)
    rank_rule = rank_short = ""
    if c.rank is not None:
        rank_rule = t({"lower": "rank_lower_better", "higher": "rank_higher_better"}
                      .get(c.better, "rank_neither"))  # fmt: skip
        rank_short = t({"lower": "rank_short_lower", "higher": "rank_short_higher"}
                       .get(c.better, "rank_short"))  # fmt: skip
    return KeyFigure(
        indicator=c.indicator,
        title=getattr(d.title, code),
        value=lang.number(c.compared, decimals),
        unit=unit,
        count=(
            f"{lang.number(c.value, d.decimals)} {getattr(d.unit, code)}"
            if c.per_1000 and c.value is not None
            else ""
        ),
        against_country=against,
        group_value=lang.number(c.group_value, decimals),
        country_value=lang.number(c.country_value, decimals),
        change=change,
        change_words=change_words,
        rank=t("rank_of", rank=c.rank, of=c.ranked_of) if c.rank is not None else "",
        rank_rule=rank_rule,
        rank_short=rank_short,
        suppressed=c.compared is None,
    )


def key_figures(
    comparisons: dict[str, Comparison],
    definitions: dict[str, Definition],
    lang: Language,
    indicators: list[str],
) -> list[KeyFigure]:
    """The key figures of the indicators named, in that order, where the jobcentre has them."""
    return [
        key_figure(comparisons[i], definitions[i], lang) for i in indicators if i in comparisons
    ]
