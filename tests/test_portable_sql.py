"""One SQL text for DuckDB and Spark (issue 23): base.sql and every definition are written in
the portable subset (jobtal.indicators.portable), and the checks refuse each construct that
runs differently on the two engines."""

from __future__ import annotations

import pytest

from jobtal.indicators.engine import (
    BASE_SQL,
    base_statements,
    definition_query,
    load_definitions,
)
from jobtal.indicators.portable import problems


def test_base_sql_is_portable():
    assert problems(BASE_SQL.read_text(encoding="utf-8")) == []
    assert [s.name for s in base_statements()][:3] == ["months", "areas", "spells"]


@pytest.mark.parametrize("definition", load_definitions(), ids=lambda d: d.id)
def test_every_definition_is_portable(definition):
    assert problems(definition.sql) == []
    assert problems(definition_query(definition)) == []


@pytest.mark.parametrize(
    ("sql", "word"),
    [
        ("SELECT end_date - start_date FROM spells", "days_between"),
        ("SELECT last_day - first_day + 1 FROM months", "days_between"),
        ("SELECT start_date + 183 FROM spells", "add_days"),
        ("SELECT 100.0 * SUM(x) FROM cells", "DECIMAL"),
        ("SELECT SUM(x) / (7.0 * n) FROM cells", "DECIMAL"),
        ("SELECT MAX(x) OVER (w ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t "
         "WINDOW w AS (PARTITION BY p)", "named window"),
        ("SELECT a FROM t GROUP BY GROUPING SETS ((a), ()) HAVING GROUPING(a) = 1", "HAVING"),
        ("SELECT CAST(x AS VARCHAR) FROM t", "STRING"),
        ("CREATE TEMP TABLE x AS SELECT 1", "engine's"),
        ("SELECT x::DOUBLE FROM t", "CAST"),
        ("SELECT a, count(*) FROM t GROUP BY ALL", "DuckDB's own"),
        ("SELECT arg_max(a, b) FROM t", "function"),
        ("SELECT datediff(a, b) FROM t", "function"),
    ],
)  # fmt: skip
def test_each_non_portable_construct_is_refused(sql, word):
    found = problems(sql)
    assert found and word in found[0]


def test_comments_and_strings_do_not_count():
    assert problems("-- 100.0 * x, end_date - start_date\nSELECT '1.5', 'a::b' FROM t") == []
