"""Is the package of extracts fit to publish from? Table Schema checks by frictionless, then the
contract's own checks (SPEC section 3) as column-wise SQL over the loaded tables.

Every problem is collected; nothing stops at the first. The report names the resource, row, field
and value and says what was expected."""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import attrs
import duckdb
from frictionless import Check, Checklist, FrictionlessException, Package

from jobtal.extracts.load import open_database
from jobtal.extracts.package import ExtractPackage, UnusableInput, load_package
from jobtal.log import log
from jobtal.months import month_range
from jobtal.vocabulary import MICRODATA_RESOURCES, READINESS_BENEFITS

EXAMPLES_PER_GROUP = 5
PARALLEL_FROM_BYTES = 20_000_000  # below this, starting worker processes costs more than it saves


@dataclass(frozen=True)
class Problem:
    resource: str
    type: str  # frictionless's error types where frictionless found it, else the contract's
    message: str
    row: int | None = None
    field: str | None = None
    value: str | None = None


@dataclass
class ValidationReport:
    package: str
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.problems

    def to_json(self) -> str:
        return json.dumps(
            {
                "package": self.package,
                "valid": self.valid,
                "rows": self.rows,
                "problems": [asdict(problem) for problem in self.problems],
            },
            indent=2,
            ensure_ascii=False,
        )

    def to_text(self) -> str:
        if self.valid:
            counts = ", ".join(f"{name} {rows:,}" for name, rows in self.rows.items())
            return f"{self.package}: valid ({counts} rows)"
        lines = [f"{self.package}: INVALID, {len(self.problems)} problem(s)"]
        groups = Counter((problem.resource, problem.type) for problem in self.problems)
        for (resource, error_type), count in sorted(groups.items()):
            lines.append(f"  {resource}: {error_type} x {count}")
            examples = [p for p in self.problems if (p.resource, p.type) == (resource, error_type)]
            for problem in examples[:EXAMPLES_PER_GROUP]:
                where = ", ".join(
                    part
                    for part in (
                        f"row {problem.row}" if problem.row else "",
                        f"field {problem.field}" if problem.field else "",
                        f"value {problem.value!r}" if problem.value is not None else "",
                    )
                    if part
                )
                lines.append(f"    - {where + ': ' if where else ''}{problem.message}")
            if count > EXAMPLES_PER_GROUP:
                lines.append(f"    ... and {count - EXAMPLES_PER_GROUP} more")
        return "\n".join(lines)


def check_extracts(location: Path) -> tuple[ExtractPackage | None, ValidationReport]:
    """Read and validate the package at `location`: everything `jobtal validate` does."""
    package, problems = load_package(location)
    if package is None:
        return None, package_problems_report(location, problems)
    report = table_schema_report(package)
    if report.valid:  # the contract checks need well-typed tables
        con = open_database(package)
        report = contract_report(con, package)
        con.close()
    return package, report


def package_problems_report(location: Path, problems: list[str]) -> ValidationReport:
    """The report for a package whose descriptor cannot be used as extracts."""
    return ValidationReport(
        str(location), [Problem("datapackage", "package-error", text) for text in problems]
    )


def table_schema_report(package: ExtractPackage) -> ValidationReport:
    return ValidationReport(str(package.descriptor_path), table_schema_problems(package))


def contract_report(con: duckdb.DuckDBPyConnection, package: ExtractPackage) -> ValidationReport:
    report = ValidationReport(str(package.descriptor_path))
    report.rows = {
        name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
        for name in package.resources
    }
    report.problems.extend(contract_problems(con, package))
    return report


def table_schema_problems(package: ExtractPackage) -> list[Problem]:
    """Types, constraints, keys and foreign keys, checked by frictionless-py, one resource per
    process (frictionless checks a row at a time, so the cores are what makes it faster)."""
    try:
        Package.from_descriptor(package.descriptor, basepath=str(package.folder))
    except FrictionlessException as error:
        raise UnusableInput(f"{package.descriptor_path}: {error.error.message}") from error
    names = sorted(package.resources, key=lambda n: -package.resources[n].path.stat().st_size)
    total_bytes = sum(resource.path.stat().st_size for resource in package.resources.values())
    workers = min(len(names), os.cpu_count() or 1)
    if workers <= 1 or total_bytes < PARALLEL_FROM_BYTES:
        results = [validate_resource(package.descriptor, str(package.folder), n) for n in names]
    else:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            results = list(
                pool.map(
                    validate_resource,
                    [package.descriptor] * len(names),
                    [str(package.folder)] * len(names),
                    names,
                )
            )
    by_name = dict(zip(names, results, strict=True))
    return [problem for name in package.resources for problem in by_name[name]]


@attrs.define(kw_only=True, repr=False)
class ProgressCheck(Check):
    """Finds no errors: it counts the rows frictionless has checked and logs every so often, so
    a long validation shows that it moves."""

    type = "jobtal-progress"
    resource: str = ""
    every: int = 100_000
    rows: int = 0
    started: float = attrs.field(factory=time.perf_counter)

    def validate_row(self, row):
        self.rows += 1
        if self.rows % self.every == 0:
            seconds = time.perf_counter() - self.started
            log(f"  {self.resource}: {self.rows:,} rows checked in {seconds:.0f} s")
        return iter(())


def validate_resource(descriptor: dict, folder: str, name: str) -> list[Problem]:
    """Validate one resource of the package with frictionless (foreign keys included)."""
    resource = Package.from_descriptor(descriptor, basepath=folder).get_resource(name)
    report = resource.validate(Checklist(checks=[ProgressCheck(resource=name)]))
    problems = []
    for task in report.tasks:
        for error in task.errors:
            problems.append(
                Problem(
                    resource=name,
                    type=error.type,
                    message=error.message,
                    row=getattr(error, "row_number", None),
                    field=getattr(error, "field_name", None),
                    value=None if getattr(error, "cell", None) is None else str(error.cell),
                )
            )
    problems.extend(Problem(name, error.type, error.message) for error in report.errors)
    return problems


# A CPR number: DDMMYY, optionally a hyphen, four digits, where DDMMYY is a real calendar date.
CPR_SQL = (
    "regexp_matches({col}, '^[0-9]{{6}}-?[0-9]{{4}}$') "
    "AND try_strptime(substr({col}, 1, 6), '%d%m%y') IS NOT NULL"
)


def contract_problems(con: duckdb.DuckDBPyConnection, package: ExtractPackage) -> list[Problem]:
    extract_date = package.created.date().isoformat()
    checks: list[tuple[str, str, str, str, str]] = []  # resource, type, field, condition, message
    for resource in MICRODATA_RESOURCES:
        fields = package.resources[resource].schema["fields"]
        for spec in fields:
            name = spec["name"]
            if spec.get("type") == "string":
                checks.append(
                    (
                        resource,
                        "cpr-number",
                        name,
                        CPR_SQL.format(col=f'"{name}"'),
                        "looks like a CPR number; person-level ids must be pseudonymised",
                    )
                )
            if spec.get("type") == "date":
                checks.append(
                    (
                        resource,
                        "date-after-extract",
                        name,
                        f"\"{name}\" > DATE '{extract_date}'",
                        f"is after the extract date {extract_date}; a running spell or "
                        "offer has an empty end_date",
                    )
                )
        checks.append(
            (
                resource,
                "end-before-start",
                "end_date",
                "end_date < start_date",
                "end_date is before start_date",
            )
        )
    readiness_list = ", ".join(f"'{code}'" for code in READINESS_BENEFITS)
    checks.append(
        (
            "benefit_spells",
            "readiness-not-applicable",
            "readiness",
            f"readiness IS NOT NULL AND benefit NOT IN ({readiness_list})",
            "readiness applies only to kontanthjaelp, uddannelseshjaelp and "
            "selvforsoergelse; leave it empty for other benefits",
        )
    )
    checks.append(
        (
            "activities",
            "end-date-on-samtale",
            "end_date",
            "activity = 'samtale' AND end_date IS NOT NULL",
            "a samtale is a single day; leave end_date empty",
        )
    )

    problems = []
    for resource, error_type, column, condition, message in checks:
        offending = con.execute(
            f'SELECT rowid + 2, CAST("{column}" AS VARCHAR) FROM {resource} '
            f"WHERE {condition} ORDER BY rowid LIMIT 1000"
        ).fetchall()
        problems.extend(
            Problem(resource, error_type, message, row, column, value) for row, value in offending
        )
    problems.extend(neighbour_problems(con))
    problems.extend(population_problems(con, package.reference_month))
    return problems


def neighbour_problems(con: duckdb.DuckDBPyConnection) -> list[Problem]:
    one_way = con.execute(
        "SELECT n.rowid + 2, n.municipality_code, n.neighbour_code FROM neighbours n "
        "WHERE NOT EXISTS (SELECT 1 FROM neighbours m WHERE m.municipality_code = n.neighbour_code "
        "AND m.neighbour_code = n.municipality_code) ORDER BY n.rowid LIMIT 1000"
    ).fetchall()
    return [
        Problem(
            "neighbours",
            "asymmetric-neighbours",
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
        return [Problem("population", "population-months", "the population table is empty")]
    if first > reference:
        return [
            Problem(
                "population",
                "population-months",
                f"starts in {first}, after the reference month {reference}",
            )
        ]
    months = month_range(first, reference)
    con.execute("CREATE OR REPLACE TEMP TABLE expected_months (month VARCHAR)")
    con.executemany("INSERT INTO expected_months VALUES (?)", [[m] for m in months])
    missing = con.execute(
        "SELECT m.municipality_code, e.month, count(p.persons) FROM municipalities m "
        "CROSS JOIN expected_months e LEFT JOIN population p "
        "ON p.municipality_code = m.municipality_code AND p.month = e.month "
        "GROUP BY ALL HAVING count(p.persons) < 12 ORDER BY 1, 2 LIMIT 1000"
    ).fetchall()
    return [
        Problem(
            "population",
            "population-months",
            f"municipality {code} has {cells} of the 12 sex x age cells for {month}; the "
            f"population must cover every month from {first} to the reference month {reference}",
            None,
            "month",
            month,
        )
        for code, month, cells in missing
    ]
