"""The attacker's audit (jobtal.audit): what can be worked out of the published values.

Expected findings are worked out by hand for small tables, and, over random tables, by an
attacker written in test_disclosure (scipy's linprog over equations derived from the geography
there, not jobtal's relations) that must find exactly what the audit finds."""

from __future__ import annotations

import math

import duckdb
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from jobtal.audit import audit_published, audit_site
from jobtal.audit.relations import IndicatorKnowledge
from jobtal.cli import main
from jobtal.indicators.engine import load_definitions
from jobtal.vocabulary import AGE_GROUPS
from tests.attacker import (
    REFERENCE_MONTH,
    independent_attack,
    protect_table,
    random_tables,
)

KNOWLEDGE = IndicatorKnowledge.of(load_definitions())
MONTH, OTHER_MONTH = "2024-03", "2024-02"


def values_table(con, table: str, rows_by_release: dict[str, list]) -> None:
    """rows: (indicator, benefit, area_type, area_code, period, sex, age_group, value or None)
    as each release published them."""
    con.execute(
        f"CREATE TABLE {table} (release VARCHAR, indicator VARCHAR, benefit VARCHAR, "
        "area_type VARCHAR, area_code VARCHAR, period VARCHAR, sex VARCHAR, age_group VARCHAR, "
        "value DOUBLE, suppressed BOOLEAN)"
    )
    for release, rows in rows_by_release.items():
        con.executemany(
            f"INSERT INTO {table} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[release, *row, row[-1] is None] for row in rows],
        )


def audit_releases(rows_by_release: dict[str, list], areas, truth: dict | None = None):
    """The audit of these releases' values; areas: {kommune: (region, group)}; truth, where
    given: {area_code: true value} of the suppressed values (what the publisher knows)."""
    con = duckdb.connect()
    values_table(con, "audit_values", rows_by_release)
    if truth is not None:
        con.execute("ALTER TABLE audit_values ADD COLUMN truth DOUBLE")
        con.execute("UPDATE audit_values SET truth = value")
        con.executemany(
            "UPDATE audit_values SET truth = ? WHERE area_code = ? AND suppressed",
            [[value, code] for code, value in truth.items()],
        )
    con.execute("CREATE TABLE audit_areas (kommune VARCHAR, region VARCHAR, kommunegruppe VARCHAR)")
    con.executemany(
        "INSERT INTO audit_areas VALUES (?, ?, ?)",
        [[str(k), str(r), str(g)] for k, (r, g) in areas.items()],
    )
    result = audit_published(con, KNOWLEDGE)
    con.close()
    return result


def audit_newest(rows_by_release: dict[str, list], areas, newest_truth: list):
    """The audit as the build runs it: knowing the true values of the newest release
    (`newest_truth`: rows as in values_table, every value given)."""
    import pandas as pd

    from jobtal.publish.releases import KEYS

    con = duckdb.connect()
    values_table(con, "audit_values", rows_by_release)
    con.execute("CREATE TABLE audit_areas (kommune VARCHAR, region VARCHAR, kommunegruppe VARCHAR)")
    con.executemany(
        "INSERT INTO audit_areas VALUES (?, ?, ?)",
        [[str(k), str(r), str(g)] for k, (r, g) in areas.items()],
    )
    start = pd.DataFrame([row[:-1] for row in newest_truth], columns=list(KEYS))
    start["value"] = [row[-1] for row in newest_truth]
    start["subset_persons"] = None
    result = audit_published(con, KNOWLEDGE, start=start)
    con.close()
    return result


def audit(rows, areas, truth: dict | None = None):
    return audit_releases({"": rows}, areas, truth)


def given_away(result) -> dict[tuple, tuple[float, float]]:
    return {
        (r.indicator, r.area_type, r.area_code, r.sex, r.age_group): (r.low, r.high)
        for r in result.leaks.itertuples()
    }


def geography_rows(counts: dict[str, int], month: str, areas, suppressed=()):
    """personer (all benefits) per municipality with its region, group and country totals."""
    totals: dict[tuple[str, str], int] = {}
    for code, n in counts.items():
        region, group = areas[code]
        for area in (("kommune", code), ("region", region), ("kommunegruppe", group)):
            totals[area] = totals.get(area, 0) + n
        totals[("land", "DK")] = totals.get(("land", "DK"), 0) + n
    return [
        ("personer", "alle", t, c, month, "alle", "alle", None if c in suppressed else float(n))
        for (t, c), n in totals.items()
    ]


# --- hand-made tables -------------------------------------------------------------------------

# Region 1 holds 101 and 102; region 2 holds 103 and 104. Municipality group 1 holds 101, 102
# and 103; group 2 holds 104 alone.
CROSS = {"101": ("1", "1"), "102": ("1", "1"), "103": ("2", "1"), "104": ("2", "2")}


def test_two_sets_each_with_two_unknowns_still_give_a_cell_away():
    # 101 = 3 (small), 102 = 8 and 103 = 4 (small) are suppressed. Region 1 has two unknowns
    # (101, 102) and group 1 three (101, 102, 103): no set on its own has a lone unknown. But
    # group 1 - region 1 = 103: 15 - 11 = 4, and region 2 - 104 = 103 as well.
    counts = {"101": 3, "102": 8, "103": 4, "104": 20}
    rows = geography_rows(counts, MONTH, CROSS, suppressed={"101", "102", "103"})
    # a second month, all published, shows the reader that the areas add up exactly
    rows += geography_rows({k: n + 10 for k, n in counts.items()}, OTHER_MONTH, CROSS)
    result = audit(rows, CROSS)
    assert given_away(result) == {("personer", "kommune", "103", "alle", "alle"): (4, 4)}
    assert not result.passed
    # the publisher, who knows the true values, starts the search from them: same findings
    knowing = audit(rows, CROSS, truth=counts)
    assert given_away(knowing) == given_away(result)


def test_areas_are_read_as_adding_up_only_where_the_reader_has_seen_them_do_so():
    # A person who moves within a month counts in both municipalities, so a region may be
    # less than its municipalities' sum. With 101-104 all suppressed no region or group is
    # ever seen adding up: region 2 >= 103 + 104 ... bound nothing above, and 103 may be
    # anything from 0 up. A month where they are all published shows the sums to be exact:
    # then group 2 (104 alone) = 20, and 103 = region 2 - 104 = 4.
    counts = {"101": 3, "102": 8, "103": 4, "104": 20}
    hidden = {"101", "102", "103", "104"}
    alone = audit(geography_rows(counts, MONTH, CROSS, suppressed=hidden), CROSS)
    # (a value not given away is shown a range it can take, not its whole interval)
    bounds = alone.unknowns.set_index("area_code")
    assert bounds.loc["103", "high"] >= 5
    assert alone.passed
    learned = audit(
        geography_rows(counts, MONTH, CROSS, suppressed=hidden)
        + geography_rows(counts, OTHER_MONTH, CROSS),
        CROSS,
    )
    assert given_away(learned) == {
        ("personer", "kommune", "103", "alle", "alle"): (4, 4),
        ("personer", "kommune", "104", "alle", "alle"): (20, 20),
    }


def young_rows(month: str, sixteen: float | None, twenty_five: float | None, young: float):
    one = {"101": ("1", "1")}
    return [
        ("personer", "alle", "kommune", "101", month, "alle", "16-24", sixteen),
        ("personer", "alle", "kommune", "101", month, "alle", "25-29", twenty_five),
        ("personer", "alle", "kommune", "101", month, "alle", "30-39", None),
        ("personer", "alle", "kommune", "101", month, "alle", "40-49", None),
        *[("personer", "alle", "kommune", "101", month, "alle", g, 0.0) for g in AGE_GROUPS[4:]],
        ("personer", "alle", "kommune", "101", month, "alle", "alle", 100.0),
        ("unge_paa_ydelse", "alle", "kommune", "101", month, "alle", "alle", young),
    ], one


def test_the_young_are_the_two_youngest_age_groups():
    # 16-24 (3) and 30-39, 40-49 are suppressed: the age set has three unknowns, but
    # unge_paa_ydelse (20) - 25-29 (17) = 3
    rows, areas = young_rows(MONTH, None, 17.0, 20.0)
    other, _ = young_rows(OTHER_MONTH, 5.0, 15.0, 20.0)
    other = [(*r[:-1], 30.0 if r[-1] is None else r[-1]) for r in other]
    result = audit(rows + other, areas)
    assert given_away(result) == {("personer", "kommune", "101", "alle", "16-24"): (3, 3)}


def share_rows(month: str, hidden: bool):
    """afgang in two municipalities and their region: 101 has 2 leaving of 10 (suppressed, a
    numerator of 1-4), 102 5 of 50 (10.0 %), the region 7 of 60 (11.7 %)."""
    rows = []
    for code, area_type, leaving, persons in (
        ("101", "kommune", 2, 10),
        ("102", "kommune", 5, 50),
        ("1", "region", 7, 60),
        ("1", "kommunegruppe", 7, 60),
        ("DK", "land", 7, 60),
    ):
        share = round(100 * leaving / persons, 1)
        rows += [
            ("personer", "dagpenge", area_type, code, month, "alle", "alle", float(persons)),
            (
                "afgang",
                "dagpenge",
                area_type,
                code,
                month,
                "alle",
                "alle",
                None if hidden and code == "101" else share,
            ),
        ]
    return rows


def test_a_suppressed_share_gives_its_numerator_away_through_the_region():
    areas = {"101": ("1", "1"), "102": ("1", "1")}
    result = audit(share_rows(MONTH, hidden=True) + share_rows(OTHER_MONTH, hidden=False), areas)
    # the region's 11.7 % of 60 is 7 (7.0 to 7.05), 102's 10.0 % of 50 is 5: 101's is 2
    assert given_away(result) == {("afgang:taeller", "kommune", "101", "alle", "alle"): (2, 2)}


def test_a_value_suppressed_in_one_release_and_published_in_the_next_is_found():
    rows = geography_rows({"101": 3, "102": 8}, MONTH, {"101": ("1", "1"), "102": ("1", "1")})
    con_rows = [(*r[:-1], None if r[3] in ("101", "102") else r[-1]) for r in rows]
    con = duckdb.connect()
    values_table(con, "published_values", {"2024-03": con_rows, "2024-04": rows})
    from jobtal.audit import revealed_by_later_releases

    revealed = revealed_by_later_releases(con)
    assert sorted(revealed.area_code) == ["101", "102"]
    assert set(revealed.suppressed_in) == {"2024-03"}
    assert set(revealed.published_in) == {"2024-04"}


def test_the_same_cells_in_two_releases_are_one_unknown():
    # release A suppresses 101 and 102 (region 11); release B publishes 102 = 8 and keeps 101
    # suppressed: together they give 101 = 3
    areas = {"101": ("1", "1"), "102": ("1", "1")}
    first = geography_rows({"101": 3, "102": 8}, MONTH, areas, suppressed={"101", "102"})
    second = geography_rows({"101": 3, "102": 8}, MONTH, areas, suppressed={"101"})
    learn = geography_rows({"101": 30, "102": 8}, OTHER_MONTH, areas)
    con_a = audit(first + learn, areas)
    assert con_a.passed
    both = audit_releases({"2024-03": first + learn, "2024-04": second + learn}, areas)
    assert ("personer", "kommune", "101", "alle", "alle") in given_away(both)


def test_a_revised_value_the_newer_release_suppresses_is_worked_out_from_what_was_not():
    # release A publishes 101 = 7 and 102 = 5 (region 1 = 12); late registrations make 102 = 4
    # in release B, which suppresses it, and 101 with it (still 7). Taking 101 as unrevised,
    # a reader works out 102 = 11 - 7 = 4 from B's region: given away. Only the publisher, who
    # knows B's true values, can tell that 102 was revised and 101 was not.
    areas = {"101": ("1", "1"), "102": ("1", "1")}
    learn = geography_rows({"101": 30, "102": 8}, OTHER_MONTH, areas)
    first = geography_rows({"101": 7, "102": 5}, MONTH, areas)
    second = geography_rows({"101": 7, "102": 4}, MONTH, areas, suppressed={"101", "102"})
    releases = {"2024-03": first + learn, "2024-04": second + learn}
    truth = geography_rows({"101": 7, "102": 4}, MONTH, areas) + learn
    leaks = given_away(audit_newest(releases, areas, truth))
    assert leaks == {("personer", "kommune", "102", "alle", "alle"): (4.0, 4.0)}
    # without the truth, the audit takes both as unrevised, known from A: it cannot see this
    assert audit_releases(releases, areas).passed
    # where 101 was revised too (to 8, and 102 to 3), B's region hides both
    second = geography_rows({"101": 8, "102": 3}, MONTH, areas, suppressed={"101", "102"})
    truth = geography_rows({"101": 8, "102": 3}, MONTH, areas) + learn
    assert audit_newest({"2024-03": first + learn, "2024-04": second + learn}, areas, truth).passed


def test_a_revised_value_worked_out_as_its_old_value_is_not_given_away():
    # A suppresses both municipalities (3 and 2) and their regions and groups, and publishes the
    # country, 5. In B, 101 has fallen to 2 and the country, 4, is suppressed too. A reader who
    # takes the suppressed regions as unrevised works out B's country as A's 5: false, and so
    # nothing given away. The regions, shared by both releases, stay unknown.
    areas = {"101": ("1", "1"), "102": ("2", "2")}
    learn = geography_rows({"101": 30, "102": 8}, OTHER_MONTH, areas)
    hidden = {"101", "102", "1", "2"}
    first = geography_rows({"101": 3, "102": 2}, MONTH, areas, suppressed=hidden)
    second = geography_rows({"101": 2, "102": 2}, MONTH, areas, suppressed=hidden | {"DK"})
    truth = geography_rows({"101": 2, "102": 2}, MONTH, areas) + learn
    result = audit_newest({"2024-03": first + learn, "2024-04": second + learn}, areas, truth)
    country = result.unknowns[
        (result.unknowns.area_type == "land") & (result.unknowns.period == MONTH)
    ]
    assert len(country) == 1 and (country.low.item(), country.high.item()) == (5.0, 5.0)
    assert result.passed


# --- the audit against an attacker written here -----------------------------------------------


def audit_of_published(municipalities, values):
    rows = [
        ("personer", "alle", t, c, REFERENCE_MONTH, s, a, v) for (t, c, s, a), v in values.items()
    ]
    areas = {str(code): (str(r), str(g)) for code, (r, g) in municipalities.items()}
    return audit(rows + learning_month(municipalities), areas)


def learning_month(municipalities):
    """The same geography, all published, in another month, so that every set is seen to add
    up: every municipality 10 (per sex 5 and 5, all in the first age group)."""
    learn = {}
    for code, (region, group) in municipalities.items():
        for sex, age, n in [("alle", "alle", 10), ("K", "alle", 5), ("M", "alle", 5)] + [
            ("alle", g, 10 if g == AGE_GROUPS[0] else 0) for g in AGE_GROUPS
        ]:
            for area in (
                ("kommune", str(code)),
                ("region", str(region)),
                ("kommunegruppe", str(group)),
                ("land", "DK"),
            ):
                learn[(*area, sex, age)] = learn.get((*area, sex, age), 0) + n
    return [
        ("personer", "alle", t, c, "2000-01", s, a, float(n)) for (t, c, s, a), n in learn.items()
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_tables())
def test_the_audit_finds_what_an_independent_attacker_finds(table):
    municipalities, counts = table
    # protected set by set only (linked=False): what a reader of the linked sets undoes
    values = protect_table(municipalities, counts, linked=False)
    expected = {
        key: ends
        for key, ends in independent_attack(municipalities, values).items()
        if ends[1] <= ends[0] or (ends[0] >= 1 and ends[1] <= 4)
    }
    result = audit_of_published(municipalities, values)
    found = {
        (r.area_type, r.area_code, r.sex, r.age_group): (
            math.ceil(r.low - 1e-6),
            math.floor(r.high + 1e-6),
        )
        for r in result.leaks.itertuples()
    }
    assert found == expected
    # and what is given away is the truth
    for key, (low, high) in found.items():
        if low == high:
            assert counts[key] == low


# --- the published site -----------------------------------------------------------------------


def true_values(package_path):
    """The computed values of a package: KEYS, value, subset_persons."""
    from jobtal.extracts.package import load_package
    from jobtal.extracts.validate import validate_into
    from jobtal.indicators.engine import compute, prepare
    from jobtal.sql import connect

    package, _ = load_package(package_path)
    con = connect()
    validate_into(con, package)
    prepare(con, package.reference_month)
    compute(con, load_definitions())
    frame = con.execute(
        "SELECT indicator, benefit, area_type, area_code, period, sex, age_group, value, "
        "subset_persons FROM indicator_values"
    ).df()
    con.close()
    return frame


def test_every_value_the_audit_pins_on_the_tiny_site_is_the_true_value(tiny_site, tiny_package):
    result = audit_site(tiny_site, KNOWLEDGE)
    assert result.counts["personer"]["suppressed"] > 0
    truth = {
        tuple(row[:7]): tuple(row[7:]) for row in true_values(tiny_package).itertuples(index=False)
    }
    pinned = result.leaks[result.leaks.pinned & (result.leaks.high - result.leaks.low < 0.5)]
    for row in pinned.itertuples():
        key = (
            row.indicator.removesuffix(":taeller"),
            row.benefit,
            row.area_type,
            row.area_code,
            row.period,
            row.sex,
            row.age_group,
        )
        value, numerator = truth[key]
        true = numerator if row.indicator.endswith(":taeller") else value
        assert true == pytest.approx(row.low, abs=0.5), (key, row.low, true)


def test_jobtal_audit_reports_and_exits_by_what_it_finds(tiny_site, next_site):
    from click.testing import CliRunner

    for site in (tiny_site, next_site):
        outcome = CliRunner().invoke(main, ["audit", str(site)])
        result = audit_site(site, KNOWLEDGE)
        assert outcome.exit_code == (0 if result.passed else 1), outcome.output
        assert "suppressed values bounded" in outcome.output
        for row in result.leaks.head(3).itertuples():
            assert f"{row.indicator},{row.benefit},{row.area_type},{row.area_code}" in (
                outcome.output
            )


def test_jobtal_audit_on_a_folder_without_data_is_a_usage_error(tmp_path):
    from click.testing import CliRunner

    outcome = CliRunner().invoke(main, ["audit", str(tmp_path)])
    assert outcome.exit_code == 2
    assert "no published jobtal data" in outcome.output


def test_jobtal_audit_json_is_clean_json_on_stdout(tiny_site):
    """Run as the installed program: the LP solver's banner must not land in the report."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    program = Path(sys.executable).with_name("jobtal")
    done = subprocess.run(
        [str(program), "audit", "--json", str(tiny_site)], capture_output=True, text=True
    )
    report = json.loads(done.stdout)
    result = audit_site(tiny_site, KNOWLEDGE)
    assert done.returncode == (0 if result.passed else 1)
    assert report["passed"] == result.passed
    assert len(report["given_away"]) == len(result.leaks)
    assert report["indicators"]["personer"] == result.counts["personer"]


def test_jobtal_build_protects_across_linked_tables_and_its_audit_passes(tiny_package, tmp_path):
    from click.testing import CliRunner

    site = tmp_path / "site"
    result = CliRunner().invoke(main, ["build", "--data", str(tiny_package), "--out", str(site)])
    assert result.exit_code == 0, result.output
    again = audit_site(site, KNOWLEDGE)
    assert again.passed
    assert again.counts["personer"]["suppressed"] > 0


def test_a_build_whose_audit_finds_a_leak_publishes_nothing(tiny_package, tmp_path):
    from jobtal.pipeline import DisclosureRisk, build

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("the previous release", encoding="utf-8")
    # protected set by set only, the tiny site gives cells away (see test_every_value_...)
    with pytest.raises(DisclosureRisk) as risk:
        build(tiny_package, site, work=tmp_path / "work", linked=False, audit=True)
    assert not risk.value.result.passed
    assert "GIVEN AWAY" in str(risk.value)
    assert (site / "index.html").read_text(encoding="utf-8") == "the previous release"
    assert sorted(p.name for p in site.iterdir()) == ["index.html"]


def test_two_releases_protected_across_linked_tables_pass_the_audit_together(
    tiny_package, tmp_path
):
    # the next month revises February (a late registration) and adds April: the revised
    # release must neither publish what the first suppressed nor give it away
    from jobtal.pipeline import build
    from tests.tiny_extract import write_next_month_package

    first = build(tiny_package, tmp_path / "first", work=tmp_path / "work1").site
    package = write_next_month_package(tmp_path / "next")
    both = build(package, tmp_path / "both", work=tmp_path / "work2", previous=first).site
    result = audit_site(both, KNOWLEDGE)
    assert result.passed
    assert len(list((both / "releases").iterdir())) >= 2


def test_a_revised_month_the_audit_finds_given_away_is_published_as_before(
    tiny_package, tmp_path, monkeypatch, capsys
):
    # the next month revises February. Should the audit find a revised February value given
    # away (here: the real audit, told on its first run that one is), the build publishes
    # February exactly as the first release did, builds the site again and audits it again
    import duckdb

    import jobtal.stages
    from jobtal.pipeline import build
    from tests.tiny_extract import write_next_month_package

    first = build(tiny_package, tmp_path / "first", work=tmp_path / "work1").site
    real_audit, calls = jobtal.stages.audit_site, []

    def audit_finding_february(site, knowledge, start=None):
        result = real_audit(site, knowledge, start)
        calls.append(site)
        if len(calls) == 1:
            february = result.unknowns.index[
                (result.unknowns.period == "2024-02") & result.unknowns.hidden
            ][0]
            result.unknowns.loc[february, "pinned"] = True
        return result

    monkeypatch.setattr(jobtal.stages, "audit_site", audit_finding_february)
    package = write_next_month_package(tmp_path / "next")
    both = build(package, tmp_path / "both", work=tmp_path / "work2", previous=first).site
    assert len(calls) == 2
    assert "revisions withheld: 2024-02" in capsys.readouterr().err

    def month(path, period):
        return duckdb.sql(
            f"SELECT indicator, benefit, area_type, area_code, sex, age_group, value, flag "
            f"FROM '{path}' WHERE period = '{period}' AND source LIKE 'jobtal%' ORDER BY ALL"
        ).fetchall()

    before = first / "data" / "jobtal.parquet"
    now = both / "data" / "jobtal.parquet"
    assert month(now, "2024-02") == month(before, "2024-02")
    assert month(now, "2024-04")  # the new month is published
    assert audit_site(both, KNOWLEDGE).passed
    # and the release says so, in its record and on its page
    import json

    record = json.loads((both / "releases" / "2024-04" / "release.json").read_text("utf-8"))
    assert record["withheld"] == ["2024-02"]
    page = (both / "en" / "releases" / "2024-04" / "index.html").read_text("utf-8")
    assert "The figures for February 2024 are shown as the previous release showed them" in page


def test_components_bounded_on_every_core_are_bounded_as_one_by_one(tiny_site, monkeypatch):
    import jobtal.audit.intervals

    one_by_one = audit_site(tiny_site, KNOWLEDGE)
    monkeypatch.setattr(jobtal.audit.intervals, "PARALLEL_UNKNOWNS", 0)
    monkeypatch.setenv("JOBTAL_WORKERS", "2")
    on_every_core = audit_site(tiny_site, KNOWLEDGE)
    assert len(one_by_one.unknowns) > 10
    assert on_every_core.unknowns.equals(one_by_one.unknowns)
    assert on_every_core.lps == one_by_one.lps


def test_the_true_values_as_a_start_change_nothing_the_audit_finds(tiny_site, tiny_package):
    # the build gives the audit the true values to start its search from; a start that is
    # wrong (not a point of the relations) must be noticed and left, not taken as a witness
    def found(result):
        leaks = result.leaks
        return sorted(zip(leaks.indicator, leaks.area_code, leaks.period, leaks.sex, strict=True))

    plain = audit_site(tiny_site, KNOWLEDGE)
    assert found(plain), "the tiny site is protected set by set, which leaves leaks to find"
    truth = true_values(tiny_package)
    assert found(audit_site(tiny_site, KNOWLEDGE, truth)) == found(plain)
    wrong = truth.assign(value=truth.value + 1000, subset_persons=0)
    assert found(audit_site(tiny_site, KNOWLEDGE, wrong)) == found(plain)


def test_a_point_satisfies_the_relations_only_within_their_bounds_and_above_zero():
    from jobtal.audit.intervals import problem_from_terms

    # x0 + x1 = 10 (within rounding), x1 - x2 >= 0
    problem = problem_from_terms(
        rows=[0, 0, 1, 1],
        cols=[0, 1, 1, 2],
        coefs=[1.0, 1.0, 1.0, -1.0],
        low=[10.0, 0.0],
        high=[10.0, math.inf],
        loose_low=[10.0, 0.0],
        loose_high=[10.0, math.inf],
        integer=[True] * 3,
        hidden=[True] * 3,
        groups=[0] * 3,
    )
    assert problem.satisfied_by(np.array([4.0, 6.0, 6.0]))
    assert not problem.satisfied_by(np.array([4.0, 6.0, 7.0]))  # x1 < x2
    assert not problem.satisfied_by(np.array([5.0, 6.0, 0.0]))  # 11
    assert not problem.satisfied_by(np.array([11.0, -1.0, -2.0]))  # below zero
    assert not problem.satisfied_by(np.array([4.0, 6.0, np.nan]))  # not known
