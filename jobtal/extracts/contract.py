"""The contract's own checks (SPEC section 3), in SQL over the typed tables, once every table
is well typed: no CPR-number-like value, no date after the extract, spells that end after they
start, readiness only where it applies, conversations without an end, neighbours both ways, a
population for every month, names fit to publish, and in the internal edition's caseload one
caseworker per citizen at a time."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import duckdb

from jobtal.extracts.package import ExtractPackage
from jobtal.extracts.problems import Code, Problem
from jobtal.months import month_range
from jobtal.publish.formatting import slug_or_none
from jobtal.sql import ident
from jobtal.vocabulary import INTERNAL_RESOURCES, MICRODATA_RESOURCES, READINESS_BENEFITS

CPR_SQL = (
    "(length({col}) BETWEEN 10 AND 11 AND regexp_full_match({col}, '[0-9]{{6}}-?[0-9]{{4}}') "
    "AND try_strptime(substr({col}, 1, 6), '%d%m%y') IS NOT NULL)"
)
MAX_EXAMPLES = 1000


@dataclass(frozen=True)
class ContractCheck:
    resource: str
    type: str
    field: str
    condition: str  # SQL, TRUE for an offending row
    message: str


def checked_resources(package: ExtractPackage) -> list[str]:
    """The resources about people: the extracts, and the internal edition's where present."""
    return MICRODATA_RESOURCES + [r for r in INTERNAL_RESOURCES if r in package.resources]


def contract_checks(package: ExtractPackage) -> list[ContractCheck]:
    extract_date = package.created.date().isoformat()
    checks = []
    for resource in checked_resources(package):
        names = {spec["name"] for spec in package.resources[resource].schema["fields"]}
        for spec in package.resources[resource].schema["fields"]:
            name, constraints = spec["name"], spec.get("constraints") or {}
            # a field limited to an enum has passed it: it cannot hold a CPR number
            if spec.get("type", "string") == "string" and "enum" not in constraints:
                checks.append(
                    ContractCheck(
                        resource,
                        Code.CPR_NUMBER,
                        name,
                        CPR_SQL.format(col=ident(name)),
                        "looks like a CPR number; person-level ids must be pseudonymised",
                    )
                )
            if spec.get("type") == "date":
                checks.append(
                    ContractCheck(
                        resource,
                        Code.DATE_AFTER_EXTRACT,
                        name,
                        f"{ident(name)} > DATE '{extract_date}'",
                        f"is after the extract date {extract_date}; a running spell or offer has "
                        "an empty end_date",
                    )
                )
        if {"start_date", "end_date"} <= names:
            checks.append(
                ContractCheck(
                    resource,
                    Code.END_BEFORE_START,
                    "end_date",
                    "end_date < start_date",
                    "end_date is before start_date",
                )
            )
    readiness_list = ", ".join(f"'{code}'" for code in READINESS_BENEFITS)
    checks.append(
        ContractCheck(
            "benefit_spells",
            Code.READINESS_NOT_APPLICABLE,
            "readiness",
            f"readiness IS NOT NULL AND benefit NOT IN ({readiness_list})",
            "readiness applies only to kontanthjaelp, uddannelseshjaelp and selvforsoergelse; "
            "leave it empty for other benefits",
        )
    )
    checks.append(
        ContractCheck(
            "activities",
            Code.END_DATE_ON_SAMTALE,
            "end_date",
            "activity = 'samtale' AND end_date IS NOT NULL",
            "a samtale is a single day; leave end_date empty",
        )
    )
    return checks


def contract_problems(
    con: duckdb.DuckDBPyConnection, package: ExtractPackage, rows: dict[str, int]
) -> list[Problem]:
    """The contract's checks, one pass over each table for all of its checks."""
    problems = [
        Problem(name, Code.NO_ROWS, "the file has a header but no rows; an extract cannot be empty")
        for name, count in rows.items()
        if count == 0
    ]
    checks = contract_checks(package)
    for resource in checked_resources(package):
        mine = [check for check in checks if check.resource == resource]
        if not mine:
            continue
        hits = ", ".join(f"CASE WHEN {c.condition} THEN {i} END" for i, c in enumerate(mine))
        fields = sorted({c.field for c in mine})
        values = ", ".join(f"CAST({ident(f)} AS VARCHAR)" for f in fields)
        offending = con.execute(
            f"SELECT _row, list_filter([{hits}], lambda x: x IS NOT NULL), {values} "
            f"FROM {resource} WHERE {' OR '.join(f'({c.condition})' for c in mine)} "
            f"ORDER BY _row LIMIT {MAX_EXAMPLES * len(mine)}"
        ).fetchall()
        for row, found, *cells in offending:
            by_field = dict(zip(fields, cells, strict=True))
            for index in found:
                check = mine[index]
                problems.append(
                    Problem(
                        resource, check.type, check.message, row, check.field, by_field[check.field]
                    )
                )
    if "caseload" in package.resources:
        problems.extend(caseload_problems(con))
    problems.extend(neighbour_problems(con))
    problems.extend(population_problems(con, package.reference_month))
    problems.extend(name_problems(con))
    return problems


# Names are published on every page, in file names and addresses, spreadsheets and Word: they
# may hold what names of places hold, nothing that could be markup, a formula, a path or a
# control character (SPEC section 3).
NAME_FIELDS = {"regions": "region_name", "municipalities": "municipality_name"}
NAME_LENGTH = 60
NAME_PUNCTUATION = " .'’-"
NAME_RULE = (
    f"a name is letters, digits, spaces, hyphens, periods and apostrophes, starts with a letter "
    f"or digit and has at most {NAME_LENGTH} characters"
)
SHOWN_NAME = 80  # characters of a long name shown in the report


def name_fault(name: str) -> str | None:
    """What is wrong with a name, or None."""
    if not name:
        return "is empty"
    if len(name) > NAME_LENGTH:
        return f"has {len(name):,} characters"
    for position, character in enumerate(name, start=1):
        letter = unicodedata.category(character)[0] in "LM" or character in "0123456789"
        if not letter and (position == 1 or character not in NAME_PUNCTUATION):
            described = unicodedata.name(character, "a control character")
            return f"has {described} (U+{ord(character):04X}) at character {position}"
    if name != name.strip() or "  " in name:
        return "has spaces at an end or two in a row"
    if slug_or_none(name) is None:
        return "gives no usable web address"
    return None


def name_problems(con: duckdb.DuckDBPyConnection) -> list[Problem]:
    """Every name is fit to publish, and no two municipalities share a web address."""
    problems = []
    for resource, field_name in NAME_FIELDS.items():
        rows = con.execute(f"SELECT _row, {ident(field_name)} FROM {resource} ORDER BY _row")
        by_slug: dict[str, tuple[int, str]] = {}
        for row, name in rows.fetchall():
            shown = name if len(name) <= SHOWN_NAME else name[:SHOWN_NAME] + "…"
            fault = name_fault(name)
            if fault is not None:
                message = f"{fault}; {NAME_RULE}"
                problem = Problem(resource, Code.UNSAFE_NAME, message, row, field_name, shown)
                problems.append(problem)
                continue
            address = slug_or_none(name)
            if address in by_slug:
                first_row, first_name = by_slug[address]
                problems.append(
                    Problem(
                        resource,
                        Code.SAME_ADDRESS,
                        f"has the web address /jobcenter/{address}/ of {first_name!r} in row "
                        f"{first_row}; names must differ in more than case, accents and "
                        "punctuation",
                        row,
                        field_name,
                        shown,
                    )
                )
            else:
                by_slug[address] = (row, name)
    return problems


def caseload_problems(con: duckdb.DuckDBPyConnection) -> list[Problem]:
    """A citizen has at most one caseworker on any day (SPEC section 3): an assignment that
    starts before the citizen's earlier ones have all ended."""
    overlapping = con.execute(
        "SELECT _row, person_id, start_date, earlier_end FROM ("
        "  SELECT _row, person_id, start_date, max(coalesce(end_date, DATE '9999-12-31')) OVER ("
        "    PARTITION BY person_id ORDER BY start_date, _row"
        "    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier_end"
        "  FROM caseload) "
        "WHERE start_date <= earlier_end ORDER BY _row LIMIT 1000"
    ).fetchall()
    return [
        Problem(
            "caseload",
            Code.TWO_CASEWORKERS,
            f"{person} is still assigned "
            + ("with no end" if end.year == 9999 else f"until {end.isoformat()}"),
            row,
            "start_date",
            start.isoformat(),
        )
        for row, person, start, end in overlapping
    ]


def neighbour_problems(con: duckdb.DuckDBPyConnection) -> list[Problem]:
    one_way = con.execute(
        "SELECT n._row, n.municipality_code, n.neighbour_code FROM neighbours n "
        "WHERE NOT EXISTS (SELECT 1 FROM neighbours m WHERE m.municipality_code = n.neighbour_code "
        "AND m.neighbour_code = n.municipality_code) ORDER BY n._row LIMIT 1000"
    ).fetchall()
    return [
        Problem(
            "neighbours",
            Code.ASYMMETRIC_NEIGHBOURS,
            f"{a} lists {b} as a neighbour, but {b} does not list {a}",
            row,
            "neighbour_code",
            str(b),
        )
        for row, a, b in one_way
    ]


def population_problems(con: duckdb.DuckDBPyConnection, reference: str) -> list[Problem]:
    """The population must have every month from its first to the reference month, for every
    municipality, and every sex and age group in each."""
    first = con.execute("SELECT min(month) FROM population").fetchone()[0]
    if first is None:
        return [Problem("population", Code.POPULATION_MONTHS, "the population table is empty")]
    if first > reference:
        return [
            Problem(
                "population",
                Code.POPULATION_MONTHS,
                f"starts in {first}, after the reference month {reference}",
            )
        ]
    months = month_range(first, reference)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE expected_months AS SELECT unnest(?::VARCHAR[]) AS month",
        [months],
    )
    missing = con.execute(
        "SELECT m.municipality_code, e.month, count(p.persons) FROM municipalities m "
        "CROSS JOIN expected_months e LEFT JOIN population p "
        "ON p.municipality_code = m.municipality_code AND p.month = e.month "
        "GROUP BY ALL HAVING count(p.persons) < 12 ORDER BY 1, 2 LIMIT 1000"
    ).fetchall()
    return [
        Problem(
            "population",
            Code.POPULATION_MONTHS,
            f"municipality {code} has {cells} of the 12 sex x age cells for {month}; the "
            f"population must cover every month from {first} to the reference month {reference}",
            None,
            "month",
            month,
        )
        for code, month, cells in missing
    ]
