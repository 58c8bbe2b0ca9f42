"""The table builder's data (/tabel/, SPEC section 7): every published value, cut into one small
JSON file per indicator, benefit, sex and age group, plus an index of what there is.

Why these files and not /data/jobtal.parquet read in the browser: a selection (one indicator and
benefit, a few areas, some months) is always inside one such file, so the builder fetches one
file of 10-50 kB gzipped where the Parquet file is 5.5 MB nationally, needs no Parquet or zstd
decoder (hyparquet with its zstd codec would add its own JavaScript) and no server that answers
range requests. docs/dev/table-builder.md has the figures.

    tabel/data/index.json                      indicators, benefits, breakdowns, areas, release
    tabel/data/<indicator>/<benefit>.<sex>.<age_group>.json.gz
        {"periods": [...], "unit": ..., "source": ...,
         "areas": ["kommune:101", ...],              in published order
         "values": [["12", null, ...], ...],        per area, per period: the CSV's own text
         "flags": ["--sp", ...]}                    per area, per period: '-' none, 's'
                                                    suppressed, 'p' provisional, 'x' not published

Values stay the CSV's text, so a download from the builder is the published rows to the byte.
The files hold only published values: nothing here is not already in /data/.

The selection files are stored gzipped (tabel.js unpacks them with the browser's
DecompressionStream): nationally they are about a fifth of their plain size, and the whole site
must stay within SPEC section 8's 250 MB, where every monthly release takes its part. Static
hosts send a .gz file as it is, so the bytes on the wire are the same small ones."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from jobtal.publish.files import write_gzipped
from jobtal.publish.language import Language
from jobtal.publish.routes import BUILDER_DATA
from jobtal.vocabulary import AGE_GROUPS, BENEFITS, SEX_LABELS

FLAG_LETTERS = (
    "CASE WHEN flag = 'suppressed' THEN 's' WHEN flag = 'provisional' THEN 'p' ELSE '-' END"
)
SEX_LABELS_EN = {"alle": "All", "K": "Women", "M": "Men"}
COMBO = "indicator, benefit, sex, age_group"

# Each combination's months, every one any of its areas has.
PERIODS_SQL = f"""
SELECT {COMBO}, list(DISTINCT period ORDER BY period) FROM published GROUP BY ALL
"""
# One row per combination and area, in published order: its values and flags over the
# combination's months. An area without a row for one of them gets null and 'x' there: such
# rows are added only for areas that lack some (joining every area with every month of its
# combination took three times as long nationally, where none lacks any).
SERIES_SQL = f"""
WITH numbered AS (SELECT *, rowid AS published_row FROM published),
combo_periods AS (SELECT DISTINCT {COMBO}, period FROM numbered),
area_periods AS (
    SELECT {COMBO}, area_type, area_code, count(*) AS periods FROM numbered GROUP BY ALL
),
incomplete AS (
    SELECT a.* FROM area_periods AS a
    JOIN (SELECT {COMBO}, count(*) AS periods FROM combo_periods GROUP BY ALL) AS c
      USING ({COMBO})
    WHERE a.periods < c.periods
),
missing AS (
    SELECT {COMBO}, area_type, area_code, period FROM incomplete JOIN combo_periods USING ({COMBO})
    EXCEPT
    SELECT {COMBO}, area_type, area_code, period FROM numbered
),
cells AS (
    SELECT {COMBO}, area_type, area_code, period, value, {FLAG_LETTERS} AS letter, unit, source,
           published_row
    FROM numbered
    UNION ALL
    SELECT {COMBO}, area_type, area_code, period, NULL, 'x', NULL, NULL, NULL FROM missing
)
SELECT {COMBO}, area_type || ':' || area_code AS area, list(value ORDER BY period) AS values,
       string_agg(letter, '' ORDER BY period) AS flags, any_value(unit) AS unit,
       any_value(source) AS source
FROM cells
GROUP BY {COMBO}, area_type, area_code
ORDER BY min(published_row)
"""


def combo_path(indicator: str, benefit: str, sex: str, age_group: str) -> str:
    """A selection's file under tabel/data/ (the same rule as tabel.js's `fileOf`). Every part
    is a code of the contract's vocabularies or an indicator id, so it is safe in a path."""
    return f"{indicator}/{benefit}.{sex}.{age_group}.json.gz"


def write_builder_files(
    con: duckdb.DuckDBPyConnection,
    site: Path,
    published: list,
    release: str,
    reference_month: str,
    synthetic: bool,
) -> int:
    """Write tabel/data/ into the site; returns the number of files."""
    folder = site / BUILDER_DATA
    periods = {tuple(key): months for *key, months in con.execute(PERIODS_SQL).fetchall()}
    combos: dict[tuple[str, str, str, str], dict] = {}
    for indicator, benefit, sex, age, area, values, flags, unit, source in con.execute(
        SERIES_SQL
    ).fetchall():
        combo = combos.setdefault(
            (indicator, benefit, sex, age),
            {
                "periods": periods[indicator, benefit, sex, age],
                "unit": unit,
                "source": source,
                "areas": [],
                "values": [],
                "flags": [],
            },
        )
        combo["areas"].append(area)
        combo["values"].append(values)
        combo["flags"].append(flags)
        # a unit or source known only on some rows of the combination is its unit all the same
        combo["unit"] = combo["unit"] or unit
        combo["source"] = combo["source"] or source
    for key, combo in combos.items():
        write_gzipped(compact(combo).encode("utf-8"), folder / combo_path(*key))
    index = builder_index(con, published, combos, release, reference_month, synthetic)
    (folder / "index.json").write_text(compact(index), encoding="utf-8")
    return len(combos) + 1


def builder_index(
    con: duckdb.DuckDBPyConnection,
    published: list,
    combos: dict,
    release: str,
    reference_month: str,
    synthetic: bool,
) -> dict:
    """What the builder offers: each indicator with its benefits and breakdowns (those that
    have a file), every area with its relations (for "add its neighbours, group, region"), and
    the words for codes in both languages."""
    da, en = Language.load("da"), Language.load("en")
    indicators = []
    for definition in published:
        keys = [key for key in combos if key[0] == definition.id]
        if not keys:
            continue
        benefits = list(dict.fromkeys(key[1] for key in keys))
        breakdowns = list(dict.fromkeys((key[2], key[3]) for key in keys))
        periods = sorted({p for key in keys for p in combos[key]["periods"]})
        indicators.append(
            {
                "id": definition.id,
                "title": {"da": definition.title.da, "en": definition.title.en},
                "unit": {"da": definition.unit.da, "en": definition.unit.en},
                "rank": bool(getattr(definition, "rank", False)),
                # which way is good: ranks put the best first ("lower", "higher" or null)
                "better": getattr(definition, "better", None),
                "benefits": benefits,
                "breakdowns": [list(b) for b in breakdowns],
                "first": periods[0],
                "last": periods[-1],
            }
        )
    areas = []
    names = con.execute("""
        SELECT area_type, area_code, any_value(area_name), min(rowid) FROM published
        GROUP BY ALL ORDER BY 4
    """).fetchall()
    belongs = {
        (str(code), kind): area
        for code, kind, area in con.execute(
            "SELECT municipality_code, area_type, area_code FROM areas"
        ).fetchall()
    }
    neighbours: dict[str, list[str]] = {}
    for code, neighbour in con.execute(
        "SELECT municipality_code, neighbour_code FROM neighbours ORDER BY 1, 2"
    ).fetchall():
        neighbours.setdefault(str(code), []).append(f"kommune:{neighbour}")
    for area_type, code, name, _ in names:
        area = {
            "id": f"{area_type}:{code}",
            "name": name,  # as published: the CSV's area_name
            "en": en.area_name(area_type, name),
            "da": da.area_name(area_type, name),
        }
        if area_type == "kommune":
            area["group"] = f"kommunegruppe:{belongs.get((code, 'kommunegruppe'))}"
            area["region"] = f"region:{belongs.get((code, 'region'))}"
            area["neighbours"] = neighbours.get(code, [])
        areas.append(area)
    return {
        "release": release,
        "month": reference_month,
        "synthetic": synthetic,
        "indicators": indicators,
        "benefits": {code: {"da": da.benefit(code), "en": en.benefit(code)} for code in BENEFITS},
        "sexes": {code: {"da": SEX_LABELS[code], "en": SEX_LABELS_EN[code]} for code in SEX_LABELS},
        "ages": {
            "alle": {"da": "Alle aldre", "en": "All ages"},
            **{code: {"da": f"{code} år", "en": f"{code} years"} for code in AGE_GROUPS},
        },
        "areas": areas,
    }


def compact(document: dict) -> str:
    """JSON without spaces; the same document always gives the same bytes."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
