"""A tiny hand-made package of extracts whose indicator values are worked out by hand in
test_indicators.py. Four municipalities in two regions, January to March 2024 (a leap year).

København (101), 1200 persons aged 16-66 (100 in each of the 12 sex x age cells):
  D1-D10  dagpenge from 2023-12-01, still running, full-time; D1-D5 women, D6-D10 men, born 1990
  S1      sygedagpenge 2024-01-15..2024-02-14 at half time, woman born 1980
  D10     also kontanthjaelp 2024-03-01..2024-03-31, jobparat (two benefits in one month)
  X1      dagpenge from 2024-04-02 (after the reference month: never counted)
  X2      sygedagpenge 2023-11-01..2023-12-31 (before the first month: never counted)
Frederiksberg (147), 600 persons (50 a cell):
  F1-F5   foertidspension since 2010-05-01, still running, men born 1960
  U1      uddannelseshjaelp 2024-02-29..2024-03-01 (leap day to the 1st), woman born 2000
Læsø (825), 120 persons (10 a cell):
  L1, L2  sygedagpenge 2024-01-01..2024-03-31, a woman and a man born 1970
  M1      dagpenge from 2024-01-21, still running, man born 1980 (moved from Hjørring)
Hjørring (860), 180 persons (10 a cell, but 70 women aged 40-49), in Læsø's region and group:
  M1      dagpenge 2024-01-01..2024-01-20, then in Læsø: one person in the region in January
  H1      sygedagpenge from 2023-10-01, still running: 182 days on 2024-03-31 (not over 26 weeks)
  H2      sygedagpenge from 2023-09-30, still running: 183 days on 2024-03-31 (over 26 weeks)
          H1 and H2 are women born 1975
  H3      kontanthjaelp 2024-01-01..2024-01-31 (ends on the month's last day), jobparat, woman
          born 1994: 30 in 2024, so not young; no benefit in February, so she leaves in January
  H4      uddannelseshjaelp 2024-01-01..2024-01-31, aktivitetsparat, then kontanthjaelp from
          2024-02-01, still running, aktivitetsparat; man born 1995 (29 in 2024): he moves to
          another benefit, so he does not leave in January. His opkvalificering 2024-01-15..
          2024-02-01 overlaps February by one day.
Activities: D2 virksomhedspraktik 2024-02-01..2024-03-15; samtaler: D1 on 2024-01-10 and
2024-02-29, D3 on 2024-02-05 (København), M1 on 2024-01-05 in Hjørring and 2024-01-25 in Læsø.
Identifiers start with xqp-, xqs- and xqa- (found nowhere else), so a test can look for them in
everything published.
The extract date is 2024-04-10, so the reference month is 2024-03.
"""

from __future__ import annotations

import json
from pathlib import Path

from jobtal.extracts.package import contract_resources, internal_resources, with_caseworker

REGIONS = """region_code,region_name
1081,Region Nordjylland
1084,Region Hovedstaden
"""
MUNICIPALITIES = """municipality_code,municipality_name,region_code,municipality_group
101,København,1084,1
147,Frederiksberg,1084,1
825,Læsø,1081,5
860,Hjørring,1081,5
"""
NEIGHBOURS = """municipality_code,neighbour_code
101,147
147,101
"""
SPELLS_HEADER = (
    "spell_id,person_id,municipality_code,benefit,start_date,end_date,fte,sex,birth_year,readiness"
)
SPELLS = [
    *[
        f"xqs-d{i},xqp-D{i},101,dagpenge,2023-12-01,,1,{'K' if i <= 5 else 'M'},1990,"
        for i in range(1, 11)
    ],
    "xqs-s1,xqp-S1,101,sygedagpenge,2024-01-15,2024-02-14,0.5,K,1980,",
    "xqs-k10,xqp-D10,101,kontanthjaelp,2024-03-01,2024-03-31,1,M,1990,jobparat",
    "xqs-x1,xqp-X1,101,dagpenge,2024-04-02,,1,K,1985,",
    "xqs-x2,xqp-X2,101,sygedagpenge,2023-11-01,2023-12-31,1,M,1985,",
    *[f"xqs-f{i},xqp-F{i},147,foertidspension,2010-05-01,,1,M,1960," for i in range(1, 6)],
    "xqs-u1,xqp-U1,147,uddannelseshjaelp,2024-02-29,2024-03-01,1,K,2000,aktivitetsparat",
    "xqs-l1,xqp-L1,825,sygedagpenge,2024-01-01,2024-03-31,1,K,1970,",
    "xqs-l2,xqp-L2,825,sygedagpenge,2024-01-01,2024-03-31,1,M,1970,",
    "xqs-m1a,xqp-M1,860,dagpenge,2024-01-01,2024-01-20,1,M,1980,",
    "xqs-m1b,xqp-M1,825,dagpenge,2024-01-21,,1,M,1980,",
    "xqs-h1,xqp-H1,860,sygedagpenge,2023-10-01,,1,K,1975,",
    "xqs-h2,xqp-H2,860,sygedagpenge,2023-09-30,,1,K,1975,",
    "xqs-h3,xqp-H3,860,kontanthjaelp,2024-01-01,2024-01-31,1,K,1994,jobparat",
    "xqs-h4a,xqp-H4,860,uddannelseshjaelp,2024-01-01,2024-01-31,1,M,1995,aktivitetsparat",
    "xqs-h4b,xqp-H4,860,kontanthjaelp,2024-02-01,,1,M,1995,aktivitetsparat",
]
ACTIVITIES = """activity_id,person_id,municipality_code,activity,start_date,end_date
xqa-1,xqp-D1,101,samtale,2024-01-10,
xqa-2,xqp-D2,101,virksomhedspraktik,2024-02-01,2024-03-15
xqa-3,xqp-D1,101,samtale,2024-02-29,
xqa-4,xqp-D3,101,samtale,2024-02-05,
xqa-5,xqp-H4,860,opkvalificering,2024-01-15,2024-02-01
xqa-6,xqp-M1,860,samtale,2024-01-05,
xqa-7,xqp-M1,825,samtale,2024-01-25,
"""
POPULATION_PER_CELL = {101: 100, 147: 50, 825: 10, 860: 10}
POPULATION_EXCEPTIONS = {(860, "K", "40-49"): 70}
MONTHS = ["2024-01", "2024-02", "2024-03"]
CREATED = "2024-04-10T08:00:00Z"
AGE_GROUPS = ["16-24", "25-29", "30-39", "40-49", "50-59", "60-66"]


def population_csv(months: list[str] = MONTHS) -> str:
    lines = ["municipality_code,month,sex,age_group,persons"]
    for code, persons in POPULATION_PER_CELL.items():
        for month in months:
            for sex in ("K", "M"):
                lines += [
                    f"{code},{month},{sex},{group},"
                    f"{POPULATION_EXCEPTIONS.get((code, sex, group), persons)}"
                    for group in AGE_GROUPS
                ]
    return "\n".join(lines) + "\n"


def write_tiny_package(
    folder: Path, replace: dict[str, str] | None = None, descriptor_changes: dict | None = None
) -> Path:
    """Write the package to `folder`; `replace` swaps a resource's whole CSV text."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = {
        "regions": REGIONS,
        "municipalities": MUNICIPALITIES,
        "neighbours": NEIGHBOURS,
        "population": population_csv(),
        "benefit_spells": "\n".join([SPELLS_HEADER, *SPELLS]) + "\n",
        "activities": ACTIVITIES,
    }
    texts.update(replace or {})
    for name, text in texts.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "tiny",
        "created": CREATED,
        "resources": contract_resources(),
        **(descriptor_changes or {}),
    }
    path = folder / "datapackage.json"
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


# The next month's extract, as the publication team would get it on 2024-05-10: April added, and
# two late registrations that revise February:
#   R1   a dagpenge spell in København for February only, reported late: a woman born 1990
#   F5   førtidspension in Frederiksberg in fact ended on 2024-01-31, so February and March
#        have 4 persons
# and F6, a man born 1960, on førtidspension in Frederiksberg from 2024-04-01 (5 again in April).
NEXT_CREATED = "2024-05-10T08:00:00Z"
LATE_SPELL = "xqs-r1,xqp-R1,101,dagpenge,2024-02-01,2024-02-29,1,K,1990,"
F5_BEFORE = "xqs-f5,xqp-F5,147,foertidspension,2010-05-01,,1,M,1960,"
F5_AFTER = "xqs-f5,xqp-F5,147,foertidspension,2010-05-01,2024-01-31,1,M,1960,"
NEW_IN_APRIL = "xqs-f6,xqp-F6,147,foertidspension,2024-04-01,,1,M,1960,"


def write_next_month_package(folder: Path) -> Path:
    spells = [F5_AFTER if line == F5_BEFORE else line for line in SPELLS] + [
        LATE_SPELL,
        NEW_IN_APRIL,
    ]
    assert F5_AFTER in spells
    return write_tiny_package(
        folder,
        replace={
            "benefit_spells": "\n".join([SPELLS_HEADER, *spells]) + "\n",
            "population": population_csv([*MONTHS, "2024-04"]),
        },
        descriptor_changes={"created": NEXT_CREATED},
    )


def spells_with(*lines: str) -> str:
    """The tiny extract's benefit_spells.csv with `lines` added at the end."""
    return "\n".join([SPELLS_HEADER, *SPELLS, *lines]) + "\n"


def add_internal_resources(descriptor: Path, caseworkers: str, caseload: str) -> Path:
    """The package of `descriptor` with the internal edition's resources (SPEC section 3):
    caseworkers.csv and caseload.csv written beside it, and the activities' caseworker_id
    declared (the activities' CSV must have the column)."""
    (descriptor.parent / "caseworkers.csv").write_text(caseworkers, encoding="utf-8")
    (descriptor.parent / "caseload.csv").write_text(caseload, encoding="utf-8")
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    package["resources"] = [
        with_caseworker(r) if r["name"] == "activities" else r for r in package["resources"]
    ] + internal_resources()
    descriptor.write_text(json.dumps(package, indent=2, ensure_ascii=False), encoding="utf-8")
    return descriptor
