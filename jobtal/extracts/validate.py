"""Is the package of extracts fit to publish from? Table Schema checks with frictionless's
semantics (tablecheck.py, column-wise on DuckDB), then the contract's own checks (SPEC section 3)
as SQL over the typed tables.

The work overlaps where it can. frictionless takes half a second to import and read the
descriptor; meanwhile DuckDB makes each table from plans drafted without it (tablecheck's
start_table), two at a time. Then each table is checked as frictionless reads its schema (its
table made again if the draft was wrong), each after the tables it refers to.

Every problem is collected; nothing stops at the first. The report names the resource, row, field
and value and says what was expected."""

from __future__ import annotations

import copy
import json
import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from jobtal.areas import AreaNames
from jobtal.extracts.contract import MAX_EXAMPLES, contract_problems
from jobtal.extracts.csvfile import UnreadableFile
from jobtal.extracts.package import ExtractPackage, UnusableInput, load_package, references_of
from jobtal.extracts.problems import PROBLEM_TYPES, Code, Problem
from jobtal.extracts.tablecheck import CheckedTable, StartedTable, check_cells, start_table
from jobtal.log import log
from jobtal.sql import connect, ident

EXAMPLES_PER_GROUP = 5


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
                "problems": [problem.to_dict() for problem in self.problems],
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
        examples: dict[tuple[str, str], list[Problem]] = {group: [] for group in groups}
        for problem in self.problems:  # one pass, however many problems there are
            shown = examples[problem.resource, problem.type]
            if len(shown) < EXAMPLES_PER_GROUP:
                shown.append(problem)
        for (resource, error_type), count in groups.items():  # as they first occur
            lines.append(f"  {resource}: {error_type} x {count}")
            for problem in examples[resource, error_type]:
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
            kind = PROBLEM_TYPES.get(error_type)
            if kind is not None:  # the registry's words: what fixes it
                lines.append(f"    fix: {kind.fix}")
        return "\n".join(lines)


def check_extracts(location: Path) -> tuple[ExtractPackage | None, ValidationReport]:
    """Read and validate the package at `location`: everything `jobtal validate` does."""
    package, problems = load_package(location)
    if package is None:
        return None, package_problems_report(location, problems)
    con = connect()
    report = validate_into(con, package)
    con.close()
    return package, report


def check_descriptor(package: ExtractPackage) -> None:
    """frictionless reads the descriptor: it is the single source of truth for the schemas.
    Raises UnusableInput with its reasons when it cannot."""
    from frictionless import FrictionlessException, Package  # late: see the module docstring

    try:
        Package.from_descriptor(copy.deepcopy(package.descriptor), basepath=str(package.folder))
    except FrictionlessException as error:
        reasons = "; ".join(reason.message for reason in error.reasons) or error.error.message
        raise UnusableInput(f"{package.descriptor_path}: {reasons}") from error


def start_resource(
    con: duckdb.DuckDBPyConnection, package: ExtractPackage, name: str
) -> tuple[StartedTable, float]:
    """The resource, started (or UnreadableFile), and the seconds that took."""
    started = time.perf_counter()
    resource = package.resources[name]
    entry = next(r for r in package.descriptor["resources"] if r["name"] == name)
    cursor = con.cursor()  # a connection of its own to the same database, for threads
    try:
        table = start_table(cursor, name, resource.path, resource.schema, entry)
    finally:
        cursor.close()
    return table, time.perf_counter() - started


def file_size(package: ExtractPackage, name: str) -> int:
    try:
        return package.resources[name].path.stat().st_size
    except OSError:
        return 0  # start_resource says what is wrong with it


def package_problems_report(location: Path, problems: list[str]) -> ValidationReport:
    """The report for a package whose descriptor cannot be used as extracts."""
    return ValidationReport(
        str(location), [Problem("datapackage", Code.PACKAGE_ERROR, text) for text in problems]
    )


def validate_into(con: duckdb.DuckDBPyConnection, package: ExtractPackage) -> ValidationReport:
    """Check every resource into `con`, where each leaves a typed table of its name, then the
    contract's checks across them. The tables are what the indicators are computed from."""
    report = ValidationReport(str(package.descriptor_path))
    levels = dependency_levels(package)
    outcomes: dict[str, CheckedTable | UnreadableFile] = {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        # every table is started, the largest file first: its start is the longest piece of
        # work, and the small tables and frictionless fit beside it; a check waits for its start
        starts = {
            name: pool.submit(start_resource, con, package, name)
            for name in sorted(package.resources, key=lambda n: -file_size(package, n))
        }
        try:
            check_descriptor(package)
        except UnusableInput:
            for start in starts.values():
                start.cancel()
            raise
        checked: dict[str, CheckedTable] = {}

        def check(name: str) -> None:
            try:
                table, start_seconds = starts[name].result()
            except UnreadableFile as unreadable:
                outcomes[name] = unreadable
                return
            began = time.perf_counter()
            cursor = con.cursor()
            try:
                outcomes[name] = check_cells(
                    cursor, table, package.resources[name].schema, dict(checked)
                )
            except UnreadableFile as unreadable:  # DuckDB's reader stopped on the file
                outcomes[name] = unreadable
                return
            finally:
                table.cells.close()
                cursor.close()
            log(
                f"  {name}: {outcomes[name].rows:,} rows read in {start_seconds:.1f} s, "
                f"checked in {time.perf_counter() - began:.1f} s"
            )

        for level in levels:  # the tables of a level refer to none still unchecked
            list(pool.map(check, level))
            checked.update({n: o for n in level if isinstance(o := outcomes[n], CheckedTable)})
    for name in package.resources:  # report in the package's order
        report.problems.extend(
            Problem(
                name,
                Code.RESOURCE_ERROR,
                f"a foreign key refers to the resource {reference!r}, which the package lacks",
            )
            for reference in references_of(package.resources[name].schema, name)
            if reference not in package.resources
        )
        outcome = outcomes[name]
        if isinstance(outcome, UnreadableFile):
            report.problems.append(Problem(name, outcome.type, outcome.note))
            continue
        report.rows[name] = outcome.rows
        report.problems.extend(problems_of(name, outcome, package.resources[name].schema))
    if report.valid and package.has_microdata:  # the contract checks need every table, typed
        report.problems.extend(contract_problems(con, package, report.rows))
    if report.valid:
        report.problems.extend(series_problems(con, package))
    return report


# a period of a series: YYYY-MM, YYYY-Qn, YYYY-Qn-MAT (jobindsats's moving year) or YYYY
SERIES_PERIOD = r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4](-MAT)?)?$"


def series_problems(con: duckdb.DuckDBPyConnection, package: ExtractPackage) -> list[Problem]:
    """Every series' areas are the country, a region or a municipality of the reference data,
    and its periods one of the published forms (SPEC §7)."""
    if not package.series:
        return []
    known = sorted({(a.area_type, a.area_code) for a in AreaNames().by_code.values()})
    con.execute(
        "CREATE OR REPLACE TEMP TABLE known_areas AS "
        "SELECT unnest(?::VARCHAR[]) AS area_type, unnest(?::VARCHAR[]) AS area_code",
        [[kind for kind, _ in known], [code for _, code in known]],
    )
    problems = []
    for name in package.series:
        for row, field_name, value, kind, message in con.execute(f"""
            SELECT _row, 'area_code', CAST(area_code AS VARCHAR), 'unknown-area',
                   'not the code of the country (DK), a region or a municipality of type '
                   || CAST(area_type AS VARCHAR)
            FROM {ident(name)} AS s
            WHERE NOT EXISTS (SELECT 1 FROM known_areas AS k
                              WHERE k.area_type = CAST(s.area_type AS VARCHAR)
                                AND k.area_code = CAST(s.area_code AS VARCHAR))
            UNION ALL
            SELECT _row, 'period', CAST(period AS VARCHAR), 'period-form',
                   'a period is YYYY-MM, YYYY-Qn, YYYY-Qn-MAT or YYYY'
            FROM {ident(name)}
            WHERE NOT regexp_full_match(CAST(period AS VARCHAR), '{SERIES_PERIOD}')
            ORDER BY 1 LIMIT {MAX_EXAMPLES * 2}
        """).fetchall():
            problems.append(Problem(name, kind, message, row, field_name, value))
    return problems


def dependency_levels(package: ExtractPackage) -> list[list[str]]:
    """The resources in groups: each group's foreign keys refer only to earlier groups (or to
    the resource itself)."""
    remaining = list(package.resources)
    levels: list[list[str]] = []
    done: set[str] = set()
    while remaining:
        level = [
            name
            for name in remaining
            if all(
                ref in done or ref == name or ref not in package.resources
                for ref in references_of(package.resources[name].schema, name)
            )
        ] or remaining[:1]  # a cycle: take the first and let its foreign keys wait
        levels.append(level)
        done.update(level)
        remaining = [name for name in remaining if name not in done]
    return levels


DECIMAL_COMMA = re.compile(r"^\s*-?[0-9]+,[0-9]+\s*$")


def problems_of(name: str, table: CheckedTable, schema: dict) -> list[Problem]:
    """The table's errors as report problems. A number field whose every type error is a
    decimal comma gets one problem that says so, not one per row."""
    number_fields = {f["name"] for f in schema["fields"] if f.get("type") == "number"}
    comma_fields = set()
    for field_name in number_fields:
        values = [
            e.value for e in table.errors if e.type == Code.TYPE_ERROR and e.field == field_name
        ]
        if values and all(DECIMAL_COMMA.match(v or "") for v in values):
            comma_fields.add(field_name)
    problems = []
    for field_name in sorted(comma_fields):
        rows = [e for e in table.errors if e.type == Code.TYPE_ERROR and e.field == field_name]
        problems.append(
            Problem(
                name,
                Code.DECIMAL_COMMA,
                f"the field uses ',' as decimal mark in {len(rows):,} rows; declare "
                f"decimalChar: ',' on the field or convert the file to '.'",
                rows[0].row,
                field_name,
                rows[0].value,
            )
        )
    problems.extend(
        Problem(name, e.type, e.note, e.row, e.field, e.value)
        for e in table.errors
        if not (e.type == Code.TYPE_ERROR and e.field in comma_fields)
    )
    return problems


# A CPR number: DDMMYY, optionally a hyphen, four digits, where DDMMYY is a real calendar date.
# The cheap length test comes first: DuckDB's filters stop at the first false condition.
