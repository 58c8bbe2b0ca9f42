"""The attacker's audit (SPEC section 6): can any suppressed value be worked out from what is
published, across every file and release?

    published values -> relations (relations.py) -> intervals (intervals.py) -> report

`audit_published` runs it on the table `audit_values` already in a DuckDB connection (the build
does this on the values it is about to publish); `audit_site` reads a published site or data
folder first, exactly as a reader downloads it: the current `/data/jobtal.parquet` and every
release's archived `jobtal.parquet` under `/releases/` (or the CSV of releases archived by
earlier versions)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from jobtal.audit.intervals import TOLERANCE, bound, problem_from_terms
from jobtal.audit.relations import (
    ADDITIVE,
    NUMERATOR,
    SHARES,
    IndicatorKnowledge,
    build_relations,
)
from jobtal.publish.releases import KEYS
from jobtal.vocabulary import BENEFITS

SHOWN_LEAKS = 20


class AuditInputError(Exception):
    """The folder holds no published jobtal data to audit."""


@dataclass
class AuditResult:
    # one row per unknown variable: its cell, what leaks and [low, high]: the exact interval
    # for a value given away, a range it was shown to take for the others
    unknowns: pd.DataFrame
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # indicator -> figures
    seconds: float = 0.0
    lps: int = 0
    relations: int = 0
    revealed: pd.DataFrame = field(default_factory=pd.DataFrame)  # see revealed_by_later_releases

    @property
    def suppressed(self) -> pd.DataFrame:
        return self.unknowns[self.unknowns.hidden]

    @property
    def leaks(self) -> pd.DataFrame:
        return self.unknowns[self.unknowns.pinned | self.unknowns.small]

    @property
    def passed(self) -> bool:
        return self.leaks.empty and self.revealed.empty

    def to_json(self) -> str:
        columns = [*KEYS, "var_release", "low", "high", "pinned", "small"]
        return json.dumps(
            {
                "passed": self.passed,
                "indicators": self.counts,
                "suppressed": len(self.suppressed),
                "relations": self.relations,
                "linear_programs": self.lps,
                "seconds": round(self.seconds, 1),
                "given_away": json.loads(self.leaks[columns].to_json(orient="records")),
                "published_later": json.loads(self.revealed.to_json(orient="records")),
            },
            indent=2,
            ensure_ascii=False,
        )

    def to_text(self) -> str:
        lines = [
            f"{'indicator':<34} {'suppressed':>10} {'pinned':>7} {'in 1-4':>7} {'no value':>8}",
        ]
        for indicator, figures in self.counts.items():
            lines.append(
                f"{indicator:<34} {figures['suppressed']:>10,} {figures['pinned']:>7,} "
                f"{figures['small']:>7,} {figures['inconsistent']:>8,}"
            )
        leaks = self.leaks
        lines.append(
            f"{len(self.suppressed):,} suppressed values bounded with {self.relations:,} relations "
            f"and {self.lps:,} linear programs in {self.seconds:.1f} s: "
            + ("none can be worked out." if leaks.empty else f"{len(leaks):,} GIVEN AWAY.")
        )
        for row in leaks.head(SHOWN_LEAKS).itertuples():
            what = "pinned" if row.pinned else "proven 1-4"
            where = f" (release {row.var_release})" if row.var_release else ""
            lines.append(
                f"  {what}: {row.indicator},{row.benefit},{row.area_type},{row.area_code},"
                f"{row.period},{row.sex},{row.age_group}{where} in [{row.low:g}, {row.high:g}]"
            )
        if len(leaks) > SHOWN_LEAKS:
            lines.append(f"  ... and {len(leaks) - SHOWN_LEAKS:,} more")
        if not self.revealed.empty:
            lines.append(
                f"{len(self.revealed):,} values suppressed in one release are published in a "
                "later one:"
            )
            for row in self.revealed.head(SHOWN_LEAKS).itertuples():
                lines.append(
                    f"  {row.indicator},{row.benefit},{row.area_type},{row.area_code},"
                    f"{row.period},{row.sex},{row.age_group}: suppressed in {row.suppressed_in}, "
                    f"published in {row.published_in.replace('~', 'the current data')}"
                )
        return "\n".join(lines)


def audit_published(
    con: duckdb.DuckDBPyConnection,
    knowledge: IndicatorKnowledge,
    exact: bool = True,
    start: pd.DataFrame | None = None,
) -> AuditResult:
    """audit_values, audit_areas -> the interval of every suppressed value (not `exact`: see
    intervals.bound). Where audit_values has the column `truth` (see relations.py), the true
    values are the starting point of the search for witnesses.

    `start`, where the caller knows the true values of the newest release (the build does):
    columns KEYS, `value` and `subset_persons` (a share's numerator). They spare the search its
    first, largest linear programs (intervals.bound checks that they satisfy every relation),
    and they tell which of the cells an earlier release published the newest one revised and
    suppressed: those the reader does not know (relations.build_relations)."""
    started = time.perf_counter()
    if start is not None:
        con.register("audit_start", start)
        keys = ", ".join(k for k in KEYS if k != "indicator")
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE audit_newest_truth AS
            SELECT indicator, {keys}, value AS truth FROM audit_start
            UNION ALL
            SELECT indicator || '{NUMERATOR}', {keys}, subset_persons FROM audit_start
            WHERE indicator IN ({", ".join(f"'{s}'" for s in SHARES)})
            """
        )
    build_relations(con, knowledge, newest_truth=start is not None)
    columns = (
        "v.var_id, v.indicator, v.benefit, v.area_type, v.area_code, v.period, v.sex, "
        "v.age_group, v.var_release, v.is_integer, v.hidden, v.newest_revision"
    )
    if start is None:
        query = f"SELECT {columns}, v.truth FROM audit_vars AS v"
    else:
        query = f"""
            SELECT {columns},
                   COALESCE(v.truth, s.truth) AS truth
            FROM audit_vars AS v
            LEFT JOIN audit_newest_truth AS s
              ON (v.var_release = '' OR v.newest_revision)
             AND {" AND ".join(f"s.{k} = v.{k}" for k in KEYS)}"""
    unknowns = con.execute(f"{query} WHERE v.unknown ORDER BY v.var_id").df()
    column_of = pd.Series(np.arange(len(unknowns)), index=unknowns.var_id.to_numpy())
    # each relation: sum(coef x, unknowns) + (known part) = 0, or >= 0
    rows = con.execute(
        """
        SELECT r.equation,
               sum(CASE WHEN t.coef > 0 THEN t.coef * v.low ELSE t.coef * v.high END)
                   FILTER (WHERE NOT v.unknown) AS known_low,
               sum(CASE WHEN t.coef > 0 THEN t.coef * v.high ELSE t.coef * v.low END)
                   FILTER (WHERE NOT v.unknown) AS known_high,
               list(t.var_id ORDER BY t.var_id) FILTER (WHERE v.unknown) AS unknown_vars,
               list(t.coef ORDER BY t.var_id) FILTER (WHERE v.unknown) AS unknown_coefs
        FROM audit_relations AS r
        JOIN audit_terms AS t USING (kind, indicator, instance)
        JOIN audit_vars AS v USING (var_id)
        GROUP BY r.kind, r.indicator, r.instance, r.equation
        ORDER BY r.kind, r.indicator, r.instance
        """
    ).df()
    known_low = rows.known_low.fillna(0).to_numpy()
    known_high = rows.known_high.fillna(0).to_numpy()
    equation = rows.equation.to_numpy(dtype=bool)
    # the unknown part lies in [-known_high, -known_low] (an equation) or >= -known_high
    low = -known_high
    high = np.where(equation, -known_low, np.inf)
    lengths = rows.unknown_vars.map(len).to_numpy(dtype=np.int64)
    if len(rows):
        flat_vars = np.concatenate(rows.unknown_vars.to_numpy())
        flat_coefs = np.concatenate(rows.unknown_coefs.to_numpy())
    else:
        flat_vars, flat_coefs = np.zeros(0, dtype=np.int64), np.zeros(0)
    problem = problem_from_terms(
        np.repeat(np.arange(len(rows)), lengths),
        column_of.loc[flat_vars].to_numpy(),
        flat_coefs,
        low,
        high,
        low,
        np.full(len(rows), np.inf),
        unknowns.is_integer.to_numpy(dtype=bool),
        unknowns.hidden.to_numpy(dtype=bool),
        # the restricted search holds all but one benefit (and 'alle') at a time
        pd.Categorical(unknowns.benefit, categories=list(BENEFITS)).codes.astype(np.int64)
        + 1
        - (unknowns.benefit == "alle").to_numpy() * (len(BENEFITS)),
    )
    truth = unknowns.truth.to_numpy(dtype=float, na_value=np.nan)
    bounds = bound(problem, exact, truth)
    unknowns["low"] = bounds.low
    unknowns["high"] = bounds.high
    # a revised value of the newest release whose interval misses its true value: the reader
    # took something revised for unrevised, and what they worked out is false. A value shared
    # with an earlier release may be pinned at that release's truth, which the publisher no
    # longer has: given away all the same.
    misses_truth = unknowns.newest_revision.to_numpy(bool) & (
        (truth < bounds.low - TOLERANCE) | (truth > bounds.high + TOLERANCE)
    )
    unknowns["pinned"] = bounds.pinned & ~misses_truth
    unknowns["small"] = bounds.small & ~misses_truth
    unknowns["inconsistent"] = bounds.inconsistent
    counts = {}
    for indicator in ADDITIVE:
        mine = unknowns[(unknowns.indicator == indicator) & unknowns.hidden]
        counts[indicator] = {
            "suppressed": len(mine),
            "pinned": int(mine.pinned.sum()),
            "small": int(mine.small.sum()),
            "inconsistent": int(mine.inconsistent.sum()),
        }
    return AuditResult(unknowns, counts, time.perf_counter() - started, bounds.lps, len(rows))


def audit_site(
    path: Path, knowledge: IndicatorKnowledge, start: pd.DataFrame | None = None
) -> AuditResult:
    """Audit the published files under a site or data folder (`start`: see audit_published)."""
    from jobtal.audit.published import load_site

    return _audit_loaded(lambda con: load_site(con, path), knowledge, start)


def audit_files(
    files: list[tuple[str, Path]], jobcentre: Path, knowledge: IndicatorKnowledge
) -> AuditResult:
    """Audit (release, all-values file) pairs, '' naming the current values."""
    from jobtal.audit.published import load_published

    return _audit_loaded(lambda con: load_published(con, files, jobcentre), knowledge)


def _audit_loaded(
    load, knowledge: IndicatorKnowledge, start: pd.DataFrame | None = None
) -> AuditResult:
    from jobtal.sql import connect

    con = connect()
    try:
        load(con)
        result = audit_published(con, knowledge, start=start)
        result.revealed = revealed_by_later_releases(con)
        return result
    finally:
        con.close()


def revealed_by_later_releases(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Cells an earlier release suppressed and a later one publishes (the current values, not
    yet in a release, are the latest)."""
    return con.execute(
        """
        WITH ordered AS (
            SELECT *, COALESCE(NULLIF(release, ''), '~') AS position FROM published_values
        )
        SELECT indicator, benefit, area_type, area_code, period, sex, age_group,
               min(position) FILTER (WHERE suppressed) AS suppressed_in,
               max(position) FILTER (WHERE NOT suppressed) AS published_in
        FROM ordered
        GROUP BY ALL
        HAVING min(position) FILTER (WHERE suppressed) < max(position) FILTER (WHERE NOT suppressed)
        ORDER BY ALL
        """
    ).df()
