"""A tiny package for the internal edition (issue 22, SPEC section 9) whose weekly values are
worked out by hand in test_internal.py. The tiny extract's reference tables, population from
June 2024 to January 2025, extract date Wednesday 2025-02-12: the reference week is 2025-W06
(3-9 February), the first week 2024-W22 (the week of 1 June), and afgang is known up to
2025-W02 (its four following weeks end on Sunday 9 February).

København (101) has two teams: Team Nord (caseworkers wk-a1, wk-a2) and Team Syd (wk-b1).

  P1  dagpenge from 2024-11-01, running. Assigned to a1 until Wednesday 2025-01-01, then to a2:
      in 2025-W01 (Monday 30 December 2024 to Sunday 5 January 2025, across two months and a
      year) the Sunday's caseworker, a2, counts.
  P2  kontanthjaelp, jobparat, 2024-12-02..2024-12-31; assigned to a1 from 2024-12-02. Her last
      benefit day is in 2025-W01 and she has none in the four weeks after: afgang in 2025-W01.
  P3  uddannelseshjaelp, aktivitetsparat, 2024-11-15..2024-12-20 (2024-W51), and again from
      2025-01-10 (2025-W02): she leaves and returns within four weeks, so no afgang. Assigned to
      b1 from 2024-11-15. Not in the caseload in 2024-W52 and 2025-W01 (no benefit then).
  P4  sygedagpenge from 2024-11-01, running; assigned to b1. Virksomhedspraktik 2024-12-09..
      2024-12-16: it overlaps 2024-W51 (16-22 December) by its last day.
  P5  dagpenge and sygedagpenge, both from 2024-11-01, running; assigned to a2. Two benefits on
      the Sunday: the target group is dagpenge, the first in section 4's order.
  P6  kontanthjaelp, jobparat, 2024-07-01..2024-09-30; assigned to a1 from 2024-07-01.
      Loentilskud from 2024-08-05 (2024-W32) to 2024-09-30.
  P7  kontanthjaelp, jobparat, 2024-07-01..2024-11-10; assigned to a1 from 2024-07-01; no offer.

Samtaler: a1 with P1 on Monday 2024-12-30 (P1 is a2's on that week's Sunday: a1 held it, a1
counts it), a2 with P2 on 2025-01-03 (a colleague's citizen), b1 with P4 on 2024-12-31, one with
P5 on 2025-01-02 without a caseworker (counted for nobody), and a1 with P1 on 2025-02-10 (after
the reference week)."""

from __future__ import annotations

from pathlib import Path

from tests.tiny_extract import (
    SPELLS_HEADER,
    add_internal_resources,
    population_csv,
    write_tiny_package,
)

CREATED = "2025-02-12T08:00:00Z"
MONTHS = [f"2024-{m:02d}" for m in range(6, 13)] + ["2025-01"]
SPELLS = [
    "wk-s1,wk-P1,101,dagpenge,2024-11-01,,1,M,1980,",
    "wk-s2,wk-P2,101,kontanthjaelp,2024-12-02,2024-12-31,1,K,1985,jobparat",
    "wk-s3a,wk-P3,101,uddannelseshjaelp,2024-11-15,2024-12-20,1,K,2001,aktivitetsparat",
    "wk-s3b,wk-P3,101,uddannelseshjaelp,2025-01-10,,1,K,2001,aktivitetsparat",
    "wk-s4,wk-P4,101,sygedagpenge,2024-11-01,,1,M,1970,",
    "wk-s5a,wk-P5,101,dagpenge,2024-11-01,,0.5,K,1975,",
    "wk-s5b,wk-P5,101,sygedagpenge,2024-11-01,,0.5,K,1975,",
    "wk-s6,wk-P6,101,kontanthjaelp,2024-07-01,2024-09-30,1,M,1990,jobparat",
    "wk-s7,wk-P7,101,kontanthjaelp,2024-07-01,2024-11-10,1,K,1992,jobparat",
]
ACTIVITIES = """activity_id,person_id,municipality_code,activity,start_date,end_date,caseworker_id
wk-t1,wk-P1,101,samtale,2024-12-30,,wk-a1
wk-t2,wk-P2,101,samtale,2025-01-03,,wk-a2
wk-t3,wk-P4,101,samtale,2024-12-31,,wk-b1
wk-t4,wk-P5,101,samtale,2025-01-02,,
wk-t5,wk-P1,101,samtale,2025-02-10,,wk-a1
wk-t6,wk-P4,101,virksomhedspraktik,2024-12-09,2024-12-16,wk-b1
wk-t7,wk-P6,101,loentilskud,2024-08-05,2024-09-30,wk-a1
"""
CASEWORKERS = """caseworker_id,team,municipality_code,caseworker_name
wk-a1,Team Nord,101,Anna Andersen
wk-a2,Team Nord,101,Bo Berg
wk-b1,Team Syd,101,Cecilie Carlsen
"""
CASELOAD = """person_id,caseworker_id,start_date,end_date
wk-P1,wk-a1,2024-11-01,2025-01-01
wk-P1,wk-a2,2025-01-02,
wk-P2,wk-a1,2024-12-02,
wk-P3,wk-b1,2024-11-15,
wk-P4,wk-b1,2024-11-01,
wk-P5,wk-a2,2024-11-01,
wk-P6,wk-a1,2024-07-01,
wk-P7,wk-a1,2024-07-01,
"""


def write_weekly_package(
    folder: Path, caseworkers: str = CASEWORKERS, internal: bool = True
) -> Path:
    """The package above; `internal` False leaves out the internal resources."""
    descriptor = write_tiny_package(
        folder,
        replace={
            "benefit_spells": "\n".join([SPELLS_HEADER, *SPELLS]) + "\n",
            "activities": ACTIVITIES if internal else strip_caseworker(ACTIVITIES),
            "population": population_csv(MONTHS),
        },
        descriptor_changes={"created": CREATED},
    )
    if not internal:
        return descriptor
    return add_internal_resources(descriptor, caseworkers, CASELOAD)


def strip_caseworker(activities: str) -> str:
    return "\n".join(line.rsplit(",", 1)[0] for line in activities.strip().splitlines()) + "\n"
