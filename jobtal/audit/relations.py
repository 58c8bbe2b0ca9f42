"""What an attacker knows: every linear relation a reader can form among the published values.

The input is the table `audit_values`, the published values as a reader gets them (one row per
release and cell; `value` NULL where suppressed), and `audit_areas`, which municipality lies in
which region and municipality group (public knowledge; the jobcentre files show it too).

Each cell becomes a variable. A variable is *known* when the cell is published in some release:
exactly for a count, within half a unit of its last decimal for a rounded value. The same cell
in several releases is one variable, unless the releases published different values for it (a
revision): then each release has its own. A variable is *unknown* where every release
suppressed it; those are what the audit bounds.

Shares hide a count: the numerator of `afgang` and `aktiveringsgrad` (people leaving benefits,
people in an offer) is share x denominator / 100, the denominator being the `personer` cell of
the same area, month and benefit. Each share adds a numerator variable: known (to within the
share's rounding) where share and denominator are published, bounded by ratio rows where only
the share is, unknown where the share is suppressed.

Relations, one instance per release, month and cell; each says sum(coef x var) = 0 or >= 0:
  sex         K + M = total
  age         the six age groups <= total (people outside 16-66 are in no group)
  region / group / regions / groups
              the municipalities of a region or group >= the region or group (a person who
              moves within a month counts in both municipalities), and so on up to DK
  benefits    the benefits >= 'alle' (a person on two benefits counts once in 'alle')
  benefit_in_all
              each benefit <= 'alle'
  young       personer 16-24 + 25-29 (all benefits) = unge_paa_ydelse
  long_sick   sygedagpenge_over_26_uger <= personer on sygedagpenge
  numerator   a share's numerator <= its denominator; and, where the share is published and
              its denominator is not, (share - h) d <= 100 n <= (share + h) d
An inequality that holds with equality in every instance the reader can check (all its cells
published) is taken as an equation: the reader sees the margins add up, and so does the audit.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from jobtal.sql import sql_string

# Counts of persons (and of samtaler): integers, published exactly. Other additive values
# (fuldtidspersoner, arbejdskraftreserve) are rounded, and known to within half a unit.
COUNTS = ("personer", "unge_paa_ydelse", "sygedagpenge_over_26_uger", "samtaler")
ROUNDED = ("fuldtidspersoner", "arbejdskraftreserve")
# share -> its denominator's indicator; the numerator's variables are named "<share>:taeller"
SHARES = {"afgang": "personer", "aktiveringsgrad": "personer"}
NUMERATOR = ":taeller"
ADDITIVE = (*COUNTS, *ROUNDED, *(share + NUMERATOR for share in SHARES))
# indicators whose benefits add up into 'alle' (at least) and contain each benefit
OVER_BENEFITS = ("personer", "fuldtidspersoner", "afgang" + NUMERATOR)
WITH_SEX = ("personer", "fuldtidspersoner", "unge_paa_ydelse")
WITH_AGE = ("personer", "fuldtidspersoner")
# kinds that are inequalities by nature and never learned as equations
ALWAYS_INEQUALITY = ("benefit_in_all", "long_sick", "numerator", "ratio")
TOLERANCE = 1e-6


@dataclass(frozen=True)
class IndicatorKnowledge:
    """What /metode/ tells a reader about an indicator's published values."""

    decimals: dict[str, int]  # indicator -> decimals

    @classmethod
    def of(cls, definitions) -> IndicatorKnowledge:
        """What the definitions' /metode/ pages say."""
        return cls({d.id: d.decimals for d in definitions})

    def half_unit(self, indicator: str) -> float:
        if indicator in COUNTS:
            return 0.0
        return 0.5 * 10 ** -self.decimals.get(indicator.removesuffix(NUMERATOR), 0)


CELL = ("indicator", "benefit", "area_type", "area_code", "period", "sex", "age_group")


def _join(alias_a: str, alias_b: str, columns: tuple[str, ...]) -> str:
    return " AND ".join(f"{alias_a}.{c} = {alias_b}.{c}" for c in columns)


def _sum_relation(kind: str, indicators: tuple[str, ...], member: str, total: str, on: str) -> str:
    """Instances of `members - total (=|>=) 0`: `member` and `total` filter the cells `m` and
    `t`, `on` pairs each member with its total."""
    names = ", ".join(f"'{i}'" for i in indicators)
    return f"""
        SELECT '{kind}' AS kind, t.indicator, t.var_id AS total_var, m.var_id AS member_var,
               t.release, t.period,
               hash(t.release, t.indicator, t.benefit, t.area_type, t.area_code, t.period,
                    t.sex, t.age_group) AS instance
        FROM audit_cells AS t JOIN audit_cells AS m ON {on}
        WHERE t.indicator IN ({names}) AND {total} AND {member}"""


GEOGRAPHY_KEYS = ("release", "indicator", "benefit", "period", "sex", "age_group")
AREA_KEYS = ("release", "indicator", "area_type", "area_code", "period")
SUM_RELATIONS = [
    _sum_relation(
        "sex",
        WITH_SEX,
        "m.sex <> 'alle' AND m.age_group = 'alle'",
        "t.sex = 'alle' AND t.age_group = 'alle'",
        _join("m", "t", (*AREA_KEYS, "benefit")),
    ),
    _sum_relation(
        "age",
        WITH_AGE,
        "m.age_group <> 'alle' AND m.sex = 'alle'",
        "t.sex = 'alle' AND t.age_group = 'alle'",
        _join("m", "t", (*AREA_KEYS, "benefit")),
    ),
    *(
        _sum_relation(
            kind,
            ADDITIVE,
            f"m.area_type = 'kommune' AND m.area_code IN "
            f"(SELECT kommune FROM audit_areas WHERE {column} = t.area_code)",
            f"t.area_type = '{parent}'",
            _join("m", "t", GEOGRAPHY_KEYS),
        )
        for kind, parent, column in (
            ("region", "region", "region"),
            ("group", "kommunegruppe", "kommunegruppe"),
        )
    ),
    *(
        _sum_relation(
            kind,
            ADDITIVE,
            f"m.area_type = '{child}'",
            "t.area_type = 'land'",
            _join("m", "t", GEOGRAPHY_KEYS),
        )
        for kind, child in (("regions", "region"), ("groups", "kommunegruppe"))
    ),
    _sum_relation(
        "benefits",
        OVER_BENEFITS,
        "m.benefit <> 'alle'",
        "t.benefit = 'alle'",
        _join("m", "t", (*AREA_KEYS, "sex", "age_group")),
    ),
]


def build_relations(
    con: duckdb.DuckDBPyConnection, knowledge: IndicatorKnowledge, newest_truth: bool = False
) -> None:
    """audit_values, audit_areas -> audit_vars (one row per variable, known or not),
    audit_cells (release, cell -> variable) and audit_terms (relation instance, variable,
    coefficient) with audit_relations (instance -> kind, sense, learned).

    audit_values may carry `truth`, what the publisher knows and the reader does not: the
    unrounded value of an additive cell, the numerator of a share. Then a kind of relation is an
    equation where the true values satisfy it with equality everywhere (the strongest attacker
    that is ever right), and audit_vars carries each variable's true value.

    `newest_truth`: the table `audit_newest_truth` (the cell's KEYS, with the numerators as
    "<share>:taeller", and `truth`) holds the true values of the newest release, which only the
    publisher knows. A cell an earlier release published and the newest suppresses is then known
    in the newest only where its true value is the one published: where the data were revised,
    the old value says nothing certain about the new, and the newest release's cell is an
    unknown of its own. Without the truth, every such cell is taken as unrevised."""
    has_truth = "truth" in {row[0] for row in con.execute("DESCRIBE audit_values").fetchall()}
    truth = "truth" if has_truth else "NULL::DOUBLE"
    half_units = ", ".join(
        f"('{i}', {knowledge.half_unit(i)}, {str(i in COUNTS or i.endswith(NUMERATOR)).upper()})"
        for i in ADDITIVE
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE audit_kinds (indicator VARCHAR, half_unit DOUBLE, "
        f"is_integer BOOLEAN); INSERT INTO audit_kinds VALUES {half_units}"
    )
    # the published cells of additive indicators, and the numerators the shares hide
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE audit_published AS
        WITH shares AS (
            SELECT s.release, s.indicator || '{NUMERATOR}' AS indicator, s.benefit, s.area_type,
                   s.area_code, s.period, s.sex, s.age_group,
                   s.value AS share, s.suppressed AS share_suppressed,
                   d.value AS denominator, d.suppressed AS denominator_suppressed,
                   {"s.truth" if has_truth else "NULL::DOUBLE"} AS truth
            FROM audit_values AS s
            JOIN audit_values AS d
              ON d.indicator = 'personer' AND {
            _join(
                "d",
                "s",
                ("release", "benefit", "area_type", "area_code", "period", "sex", "age_group"),
            )
        }
            WHERE s.indicator IN ({", ".join(f"'{s}'" for s in SHARES)})
        )
        SELECT release, indicator, benefit, area_type, area_code, period, sex, age_group,
               value - k.half_unit AS low, value + k.half_unit AS high, suppressed,
               NULL::DOUBLE AS share, suppressed AS hidden, {truth} AS truth
        FROM audit_values JOIN audit_kinds AS k USING (indicator)
        UNION ALL
        SELECT release, indicator, benefit, area_type, area_code, period, sex, age_group,
               -- an empty share of nobody: the numerator is 0 too
               CASE WHEN denominator_suppressed THEN NULL
                    WHEN share IS NULL THEN 0
                    ELSE ceil((share - 0.05) * denominator / 100 - {TOLERANCE}) END,
               CASE WHEN denominator_suppressed THEN NULL
                    WHEN share IS NULL THEN 0
                    ELSE floor((share + 0.05) * denominator / 100 + {TOLERANCE}) END,
               share_suppressed OR denominator_suppressed, share, share_suppressed, truth
        FROM shares
        """
    )
    # one variable per cell, or per release where the releases published different values
    # (or, knowing the truth, where the newest release suppresses a revised value)
    newest = con.execute(
        "SELECT max(COALESCE(NULLIF(release, ''), '~')) FROM audit_published"
    ).fetchone()[0]
    truth_of_newest = (
        "audit_newest_truth"
        if newest_truth
        else f"(SELECT {', '.join(CELL)}, NULL::DOUBLE AS truth LIMIT 0)"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE audit_cells AS
        WITH revised AS (
            SELECT {", ".join(f"p.{c}" for c in CELL)},
                   count(DISTINCT (p.low, p.high)) FILTER (WHERE NOT p.suppressed) > 1
                   OR COALESCE(
                       any_value(t.truth) FILTER (WHERE p.suppressed)
                       NOT BETWEEN max(p.low) FILTER (WHERE NOT p.suppressed) - {TOLERANCE}
                               AND min(p.high) FILTER (WHERE NOT p.suppressed) + {TOLERANCE},
                       FALSE) AS revised
            FROM audit_published AS p
            LEFT JOIN {truth_of_newest} AS t
              ON COALESCE(NULLIF(p.release, ''), '~') = {sql_string(newest or "")}
             AND {_join("t", "p", CELL)}
            GROUP BY {", ".join(f"p.{c}" for c in CELL)}
        ), cells AS (
            SELECT p.*, r.revised, CASE WHEN r.revised THEN p.release ELSE '' END AS var_release
            FROM audit_published AS p JOIN revised AS r
              USING (indicator, benefit, area_type, area_code, period, sex, age_group)
        ), variables AS (
            SELECT indicator, benefit, area_type, area_code, period, sex, age_group, var_release,
                   -- several releases may bound a numerator differently: all bounds hold
                   max(low) FILTER (WHERE NOT suppressed) AS low,
                   min(high) FILTER (WHERE NOT suppressed) AS high,
                   bool_and(suppressed) AS unknown
            FROM cells
            GROUP BY ALL
        ), numbered AS (
            SELECT ROW_NUMBER() OVER (ORDER BY period, indicator, benefit, area_type, area_code,
                                               sex, age_group, var_release) - 1 AS var_id,
                   *
            FROM variables
        )
        SELECT c.release, c.indicator, c.benefit, c.area_type, c.area_code, c.period, c.sex,
               c.age_group, c.suppressed, c.hidden, c.share, c.var_release, c.revised, c.truth,
               n.var_id
        FROM cells AS c JOIN numbered AS n
          USING (indicator, benefit, area_type, area_code, period, sex, age_group, var_release)
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE audit_vars AS
        SELECT var_id, any_value(indicator) AS indicator, any_value(benefit) AS benefit,
               any_value(area_type) AS area_type, any_value(area_code) AS area_code,
               any_value(period) AS period, any_value(sex) AS sex,
               any_value(age_group) AS age_group, any_value(var_release) AS var_release,
               bool_and(suppressed) AS unknown, bool_and(hidden) AS hidden,
               any_value(truth) FILTER (WHERE release = '') AS truth,
               -- the releases that published it, and whether all of them did
               string_agg(DISTINCT release, ',' ORDER BY release)
                   FILTER (WHERE NOT suppressed) AS published_in,
               -- a revised value of the newest release (not one it shares with earlier ones)
               bool_and(revised AND COALESCE(NULLIF(release, ''), '~') = {sql_string(newest or "")})
                   AS newest_revision
        FROM audit_cells GROUP BY var_id
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE audit_vars AS
        SELECT v.*, b.low, b.high, k.is_integer
        FROM audit_vars AS v
        JOIN audit_kinds AS k USING (indicator)
        LEFT JOIN (
            SELECT var_id, max(low) AS low, min(high) AS high
            FROM audit_published JOIN audit_cells
              USING (release, indicator, benefit, area_type, area_code, period, sex, age_group)
            WHERE NOT audit_published.suppressed
            GROUP BY var_id
        ) AS b USING (var_id)
        """
    )
    # relation instances: one row per term
    pair_sql = " UNION ALL ".join(SUM_RELATIONS)
    numerators = "', '".join(share + NUMERATOR for share in SHARES)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE audit_terms AS
        WITH pairs AS ({pair_sql}),
        sums AS (
            SELECT kind, indicator, release, period, instance, member_var AS var_id,
                   1.0 AS coef FROM pairs
            UNION ALL
            SELECT DISTINCT kind, indicator, release, period, instance, total_var, -1.0
            FROM pairs
        ),
        pairwise AS (
            -- each benefit <= 'alle'
            SELECT 'benefit_in_all' AS kind, t.indicator, t.release, t.period,
                   hash('in_all', m.release, m.indicator, m.benefit, m.area_type, m.area_code,
                        m.period, m.sex, m.age_group) AS instance,
                   t.var_id AS total_var, m.var_id AS member_var
            FROM audit_cells AS t JOIN audit_cells AS m
              ON {_join("m", "t", (*AREA_KEYS, "sex", "age_group"))}
            WHERE t.indicator IN ({", ".join(f"'{i}'" for i in OVER_BENEFITS)})
              AND t.benefit = 'alle' AND m.benefit <> 'alle'
            UNION ALL
            -- long sickness spells are sickness spells
            SELECT 'long_sick', t.indicator, t.release, t.period,
                   hash('long_sick', m.release, m.area_type, m.area_code, m.period),
                   t.var_id, m.var_id
            FROM audit_cells AS m JOIN audit_cells AS t
              ON {_join("m", "t", ("release", "area_type", "area_code", "period"))}
            WHERE m.indicator = 'sygedagpenge_over_26_uger' AND t.indicator = 'personer'
              AND t.benefit = 'sygedagpenge' AND t.sex = 'alle' AND t.age_group = 'alle'
            UNION ALL
            -- a share's numerator <= its denominator
            SELECT 'numerator', t.indicator, t.release, t.period,
                   hash('numerator', m.release, m.indicator, m.benefit, m.area_type,
                        m.area_code, m.period),
                   t.var_id, m.var_id
            FROM audit_cells AS m JOIN audit_cells AS t
              ON {
            _join(
                "m",
                "t",
                ("release", "benefit", "area_type", "area_code", "period", "sex", "age_group"),
            )
        }
            WHERE m.indicator IN ('{numerators}') AND t.indicator = 'personer'
        ),
        young AS (
            SELECT 'young' AS kind, t.indicator, t.release, t.period,
                   hash('young', t.release, t.area_type, t.area_code, t.period) AS instance,
                   t.var_id AS total_var, m.var_id AS member_var
            FROM audit_cells AS t JOIN audit_cells AS m
              ON {_join("m", "t", ("release", "area_type", "area_code", "period"))}
            WHERE t.indicator = 'unge_paa_ydelse' AND t.sex = 'alle'
              AND m.indicator = 'personer' AND m.benefit = 'alle' AND m.sex = 'alle'
              AND m.age_group IN ('16-24', '25-29')
        ),
        ratios AS (
            -- a published share whose denominator is suppressed: (s - h) d <= 100 n and
            -- 100 n <= (s + h) d
            SELECT 'ratio' AS kind, n.indicator, n.release, n.period,
                   hash('ratio', side, n.release, n.indicator, n.benefit, n.area_type,
                        n.area_code, n.period) AS instance,
                   n.var_id AS numerator_var, d.var_id AS denominator_var,
                   side, n.share
            FROM audit_cells AS n
            JOIN audit_cells AS d
              ON d.indicator = 'personer'
             AND {
            _join(
                "d",
                "n",
                ("release", "benefit", "area_type", "area_code", "period", "sex", "age_group"),
            )
        }
            CROSS JOIN (VALUES (1), (-1)) AS sides(side)
            WHERE n.indicator IN ('{numerators}') AND d.suppressed AND n.share IS NOT NULL
        )
        SELECT kind, indicator, release, period, instance, var_id, coef FROM sums
        UNION ALL
        SELECT kind, indicator, release, period, instance, total_var, 1.0 FROM pairwise
        UNION ALL
        SELECT kind, indicator, release, period, instance, member_var, -1.0 FROM pairwise
        UNION ALL
        SELECT kind, indicator, release, period, instance, member_var, 1.0 FROM young
        UNION ALL
        SELECT DISTINCT kind, indicator, release, period, instance, total_var, -1.0 FROM young
        UNION ALL
        -- side 1: (s + h) d - 100 n >= 0; side -1: 100 n - (s - h) d >= 0
        SELECT kind, indicator, release, period, instance, denominator_var,
               side * (share + side * 0.05) FROM ratios
        UNION ALL
        SELECT kind, indicator, release, period, instance, numerator_var, -100.0 * side
        FROM ratios
        """
    )
    learn_equations(con, has_truth)


def learn_equations(con: duckdb.DuckDBPyConnection, has_truth: bool = False) -> None:
    """audit_relations: each instance's kind and sense. An inequality kind is read as an
    equation for an indicator when every instance whose variables are all known holds with
    equality (within the published rounding), and at least one such instance exists; with the
    truth, when every instance holds with equality in truth."""
    never = ", ".join(f"'{k}'" for k in ALWAYS_INEQUALITY)
    learned_from_published = f"""
            SELECT kind, indicator,
                   kind NOT IN ({never})
                   AND count(*) FILTER (WHERE NOT has_unknown) > 0
                   AND bool_and(known_low <= {TOLERANCE} AND known_high >= -{TOLERANCE})
                       FILTER (WHERE NOT has_unknown) AS equation
            FROM instances GROUP BY kind, indicator"""
    learned_from_truth = f"""
            SELECT kind, indicator,
                   kind NOT IN ({never})
                   AND bool_and(true_residual <= {TOLERANCE} * (1 + true_size)) AS equation
            FROM instances GROUP BY kind, indicator"""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE audit_relations AS
        WITH instances AS (
            SELECT t.kind, t.indicator, t.instance, any_value(t.period) AS period,
                   bool_or(v.unknown) AS has_unknown,
                   sum(CASE WHEN t.coef > 0 THEN t.coef * v.low ELSE t.coef * v.high END)
                       AS known_low,
                   sum(CASE WHEN t.coef > 0 THEN t.coef * v.high ELSE t.coef * v.low END)
                       AS known_high,
                   abs(sum(t.coef * v.truth)) AS true_residual,
                   sum(abs(t.coef * v.truth)) AS true_size
            FROM audit_terms AS t JOIN audit_vars AS v USING (var_id)
            GROUP BY t.kind, t.indicator, t.instance
        ), learned AS ({learned_from_truth if has_truth else learned_from_published}
        )
        SELECT i.kind, i.indicator, i.instance, i.period, COALESCE(l.equation, FALSE) AS equation
        FROM instances AS i JOIN learned AS l USING (kind, indicator)
        WHERE i.has_unknown
        """
    )
