"""Every kind of problem `jobtal validate` reports, defined once: its code (what the report and
`--json` say in `type`), where the rule comes from, what it means and what fixes it.

Codes that frictionless-py also reports mean what they mean there (its error catalogue), so a
report reads the same as `frictionless validate`'s; the rest are SPEC's contract. The
documentation page docs/dev/problems.md is written from this registry
(`python -m jobtal.extracts.problems > docs/dev/problems.md`; a test keeps the two equal)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from string import Formatter
from typing import NamedTuple


class Code(StrEnum):
    """A problem's code: a str, so reports and JSON show it as it is."""

    # the package and its files
    PACKAGE_ERROR = "package-error"
    RESOURCE_ERROR = "resource-error"
    SOURCE_ERROR = "source-error"
    ENCODING_ERROR = "encoding-error"
    DIALECT_ERROR = "dialect-error"
    # the header
    BLANK_HEADER = "blank-header"
    BLANK_LABEL = "blank-label"
    DUPLICATE_LABEL = "duplicate-label"
    EXTRA_LABEL = "extra-label"
    MISSING_LABEL = "missing-label"
    INCORRECT_LABEL = "incorrect-label"
    # rows and cells
    BLANK_ROW = "blank-row"
    EXTRA_CELL = "extra-cell"
    MISSING_CELL = "missing-cell"
    TYPE_ERROR = "type-error"
    DECIMAL_COMMA = "decimal-comma"
    INTEGER_OUT_OF_RANGE = "integer-out-of-range"
    OUT_OF_RANGE = "out-of-range"
    CONSTRAINT_ERROR = "constraint-error"
    # keys
    PRIMARY_KEY = "primary-key"
    UNIQUE_ERROR = "unique-error"
    FOREIGN_KEY = "foreign-key"
    # the contract's own checks
    NO_ROWS = "no-rows"
    CPR_NUMBER = "cpr-number"
    DATE_AFTER_EXTRACT = "date-after-extract"
    END_BEFORE_START = "end-before-start"
    READINESS_NOT_APPLICABLE = "readiness-not-applicable"
    END_DATE_ON_SAMTALE = "end-date-on-samtale"
    ASYMMETRIC_NEIGHBOURS = "asymmetric-neighbours"
    POPULATION_MONTHS = "population-months"
    UNSAFE_NAME = "unsafe-name"
    SAME_ADDRESS = "same-address"
    TWO_CASEWORKERS = "two-caseworkers"


class Problem(NamedTuple):
    """One problem in the report (a named tuple: a report may hold a million)."""

    resource: str
    type: str  # frictionless's error types where frictionless found it, else the contract's
    message: str
    row: int | None = None
    field: str | None = None
    value: str | None = None

    @property
    def sentence(self) -> str:
        """The problem as one sentence from its code's template, naming its file, row, field and
        value (frictionless-py's `message`); `message` is the detail (frictionless's `note`)."""
        kind = PROBLEM_TYPES.get(self.type)  # type: ignore[call-overload]
        parts = {
            "resource": self.resource,
            "row": self.row,
            "field": self.field,
            "value": None if self.value is None else repr(self.value),
        }
        needed = set(placeholders(kind.template)) if kind else {"missing"}
        if any(parts.get(name) is None for name in needed - {"note"}):
            return f"{self.resource}: {self.message}"  # a location the template needs is unknown
        return kind.template.format(note=self.message, **parts)  # type: ignore[union-attr]

    def to_dict(self) -> dict:
        return {**self._asdict(), "sentence": self.sentence}


@dataclass(frozen=True)
class ProblemType:
    code: Code
    frictionless: bool  # frictionless-py reports it under the same code
    meaning: str
    fix: str
    template: str  # the sentence a problem of this kind is reported as


def placeholders(template: str) -> list[str]:
    return [name for _, name, _, _ in Formatter().parse(template) if name]


FRICTIONLESS, CONTRACT = True, False

PROBLEM_TYPES: dict[Code, ProblemType] = {
    t.code: t
    for t in [
        ProblemType(
            Code.PACKAGE_ERROR,
            FRICTIONLESS,
            "datapackage.json cannot be read, or does not describe a package jobtal can use: "
            "invalid JSON, a missing resource, a path that is a URL, absolute or climbs out of "
            "the package folder, or a descriptor too large or too deep to be one.",
            "Correct the descriptor; SPEC section 3 lists the resources and their schemas.",
            "The data package cannot be used: {note}",
        ),
        ProblemType(
            Code.RESOURCE_ERROR,
            FRICTIONLESS,
            "A resource's description cannot be used: its schema differs from the contract's, "
            "or a property has a value of the wrong kind.",
            "Describe the resource as SPEC section 3 does.",
            "The resource {resource} cannot be used: {note}",
        ),
        ProblemType(
            Code.SOURCE_ERROR,
            FRICTIONLESS,
            "The file cannot be read: missing, not a regular file, empty, or not CSV.",
            "Check that the export wrote the file completely, with its header row.",
            "The file of {resource} cannot be read: {note}",
        ),
        ProblemType(
            Code.ENCODING_ERROR,
            FRICTIONLESS,
            "The bytes are not in the declared encoding (UTF-8 unless the descriptor says "
            "otherwise), or the file starts with a byte order mark the descriptor does not "
            "declare.",
            "Export as UTF-8, or declare the encoding (`utf-8-sig`, `windows-1252`, ...).",
            "The file of {resource} is not in its declared encoding: {note}",
        ),
        ProblemType(
            Code.DIALECT_ERROR,
            FRICTIONLESS,
            "The file is not CSV as declared: another separator than the dialect's, lines that "
            "end in a carriage return alone, or a dialect property jobtal does not read.",
            "Export plain comma-separated CSV, or declare `dialect.delimiter`.",
            "The file of {resource} is not CSV as declared: {note}",
        ),
        ProblemType(
            Code.BLANK_HEADER,
            FRICTIONLESS,
            "The first line is empty: the header must be the first line.",
            "Remove the empty lines before the header.",
            "The file of {resource} does not start with its header: {note}",
        ),
        ProblemType(
            Code.BLANK_LABEL,
            FRICTIONLESS,
            "A column of the header has no name.",
            "Name the column as the schema does, or remove it.",
            "A column of {resource}'s header has no name: {note}",
        ),
        ProblemType(
            Code.DUPLICATE_LABEL,
            FRICTIONLESS,
            "Two columns of the header have the same name.",
            "Keep one column per field.",
            "The column {value} of {resource} appears twice: {note}",
        ),
        ProblemType(
            Code.EXTRA_LABEL,
            FRICTIONLESS,
            "The header has a column the schema has no field for.",
            "Remove the column, or use the schema's field names.",
            "The column {value} of {resource} is not in its schema: {note}",
        ),
        ProblemType(
            Code.MISSING_LABEL,
            FRICTIONLESS,
            "The header lacks a field of the schema.",
            "Add the column.",
            "The header of {resource} lacks the field {field}: {note}",
        ),
        ProblemType(
            Code.INCORRECT_LABEL,
            FRICTIONLESS,
            "A column's name differs from the schema's field in the same position.",
            "Use the schema's field names in its order.",
            "The column {value} of {resource} should be named {field}: {note}",
        ),
        ProblemType(
            Code.BLANK_ROW,
            FRICTIONLESS,
            "A row has no values at all.",
            "Remove the empty rows.",
            "Row {row} of {resource} is empty: {note}",
        ),
        ProblemType(
            Code.EXTRA_CELL,
            FRICTIONLESS,
            "A row has more cells than the header has columns.",
            "Look for an unquoted separator inside a value.",
            "Row {row} of {resource} has the cell {value} beyond its header: {note}",
        ),
        ProblemType(
            Code.MISSING_CELL,
            FRICTIONLESS,
            "A row has fewer cells than the header has columns.",
            "Look for a row cut short by the export.",
            "Row {row} of {resource} has no cell for the field {field}: {note}",
        ),
        ProblemType(
            Code.TYPE_ERROR,
            FRICTIONLESS,
            "A value is not of its field's type (an integer, a date as YYYY-MM-DD, ...).",
            "Correct the value, or the export's format for the field.",
            "The value {value} in row {row}, field {field} of {resource} is not of the field's "
            "type: {note}",
        ),
        ProblemType(
            Code.DECIMAL_COMMA,
            CONTRACT,
            "Every bad value of a number field is written with a decimal comma (0,5): one "
            "problem instead of a type error per row.",
            "Declare `decimalChar: ','` for the field, or export with a decimal point.",
            "The field {field} of {resource} is written with a decimal comma: {note}",
        ),
        ProblemType(
            Code.INTEGER_OUT_OF_RANGE,
            CONTRACT,
            "An integer does not fit in 64 bits: never a real code or count.",
            "Correct the value.",
            "The value {value} in row {row}, field {field} of {resource} does not fit in 64 "
            "bits: {note}",
        ),
        ProblemType(
            Code.OUT_OF_RANGE,
            CONTRACT,
            "A number is too large for the column it is read into.",
            "Correct the value.",
            "The value {value} in row {row}, field {field} of {resource} is too large for its "
            "column: {note}",
        ),
        ProblemType(
            Code.CONSTRAINT_ERROR,
            FRICTIONLESS,
            "A value breaks its field's constraint: required, minimum, maximum, pattern or "
            "enum (a benefit group, a sex, an age group outside the contract's lists).",
            "Correct the value; SPEC section 3 lists the allowed values.",
            "The value {value} in row {row}, field {field} of {resource} breaks a constraint: "
            "{note}",
        ),
        ProblemType(
            Code.PRIMARY_KEY,
            FRICTIONLESS,
            "Two rows have the same primary key, or a key is empty.",
            "Keep one row per key (a spell, an activity, a municipality ...).",
            "Row {row} of {resource} breaks the primary key: {note}",
        ),
        ProblemType(
            Code.UNIQUE_ERROR,
            FRICTIONLESS,
            "A field declared unique has a value twice.",
            "Keep the value once.",
            "The value {value} in row {row}, field {field} of {resource} is not unique: {note}",
        ),
        ProblemType(
            Code.FOREIGN_KEY,
            FRICTIONLESS,
            "A value refers to a row another resource does not have (a municipality code not "
            "in municipalities, a region not in regions ...).",
            "Add the referenced row, or correct the reference.",
            "Row {row} of {resource} refers to a row that does not exist: {note}",
        ),
        ProblemType(
            Code.NO_ROWS,
            CONTRACT,
            "The file has a header but no rows: an extract cannot be empty.",
            "Check the export's selection.",
            "{resource} has no rows: {note}",
        ),
        ProblemType(
            Code.CPR_NUMBER,
            CONTRACT,
            "A text field of the microdata holds something shaped like a CPR number: the "
            "extracts must carry pseudonymous identifiers only.",
            "Pseudonymise the identifiers before the export.",
            "The value in row {row}, field {field} of {resource} may be a person's CPR number: "
            "{note}",
        ),
        ProblemType(
            Code.DATE_AFTER_EXTRACT,
            CONTRACT,
            "A date lies after the extract's date (`created`).",
            "Correct the date, or the descriptor's `created`.",
            "The date {value} in row {row}, field {field} of {resource} lies after the extract: "
            "{note}",
        ),
        ProblemType(
            Code.END_BEFORE_START,
            CONTRACT,
            "A spell or activity ends before it starts.",
            "Correct the dates.",
            "Row {row} of {resource} ends before it starts: {note}",
        ),
        ProblemType(
            Code.READINESS_NOT_APPLICABLE,
            CONTRACT,
            "`readiness` is given for a benefit group that has none (only kontanthjælp, "
            "uddannelseshjælp and selvforsørgelse have it).",
            "Leave `readiness` empty for other benefit groups.",
            "Row {row} of {resource} gives a readiness to a benefit group without one: {note}",
        ),
        ProblemType(
            Code.END_DATE_ON_SAMTALE,
            CONTRACT,
            "A conversation (samtale) has an end date: it takes place on one day.",
            "Leave `end_date` empty for conversations.",
            "Row {row} of {resource} gives a conversation an end date: {note}",
        ),
        ProblemType(
            Code.TWO_CASEWORKERS,
            CONTRACT,
            "A citizen is assigned to two caseworkers on the same day (internal edition's "
            "`caseload`).",
            "End the earlier assignment the day before the next starts.",
            "Row {row} of {resource} gives a citizen a second caseworker from {value}: {note}",
        ),
        ProblemType(
            Code.ASYMMETRIC_NEIGHBOURS,
            CONTRACT,
            "A municipality lists a neighbour that does not list it back.",
            "List every pair of neighbours both ways.",
            "The neighbours in {resource} are not listed both ways: {note}",
        ),
        ProblemType(
            Code.POPULATION_MONTHS,
            CONTRACT,
            "The population lacks a municipality, month, sex or age group between its first "
            "month and the reference month.",
            "Export the population for every month the indicators cover.",
            "The population in {resource} is incomplete: {note}",
        ),
        ProblemType(
            Code.UNSAFE_NAME,
            CONTRACT,
            "A region's or municipality's name, which the site publishes, is not a name: the "
            "contract allows letters, digits, spaces, hyphens, periods and apostrophes, "
            "starting with a letter or digit, and a limited length.",
            "Correct the name in the reference table.",
            "The name in row {row}, field {field} of {resource} is not a name: {note}",
        ),
        ProblemType(
            Code.SAME_ADDRESS,
            CONTRACT,
            "Two municipalities' names give the same page address (slug).",
            "Correct the names so that each jobcentre has its own page.",
            "The name in row {row}, field {field} of {resource} gives another jobcentre's "
            "address: {note}",
        ),
    ]
}
assert set(PROBLEM_TYPES) == set(Code), "every code needs its words"


def documentation() -> str:
    """docs/dev/problems.md: the registry as a page."""
    lines = [
        "# What `jobtal validate` reports",
        "",
        "Written from `jobtal/extracts/problems.py` by "
        "`python -m jobtal.extracts.problems > docs/dev/problems.md`; do not edit by hand.",
        "Codes marked frictionless mean what they mean in frictionless-py's error catalogue;",
        "the others are SPEC's contract. docs/dev/validation.md says how validation works.",
        "",
        "Each problem is reported with its detail (`message`, frictionless-py's `note`) and as one",
        "sentence from its code's template (`sentence` in `--json`), which names the file, row,",
        "field and value.",
        "",
        "| code | from | meaning | fix | sentence |",
        "|---|---|---|---|---|",
    ]
    for problem in PROBLEM_TYPES.values():
        origin = "frictionless" if problem.frictionless else "contract"
        lines.append(
            f"| `{problem.code}` | {origin} | {problem.meaning} | {problem.fix} "
            f"| {problem.template} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(documentation(), end="")
