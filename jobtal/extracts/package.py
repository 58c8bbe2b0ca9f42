"""Reading a data package descriptor: where the extracts are, their schemas and the extract date."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import yaml

from jobtal import paths
from jobtal.months import reference_month
from jobtal.vocabulary import ALL_RESOURCES, INTERNAL_ACTIVITY_FIELD, INTERNAL_RESOURCES

DESCRIPTOR_NAMES = ("datapackage.yaml", "datapackage.yml", "datapackage.json")
# A resource with these fields is an aggregate series (as `jobtal import` writes them)
SERIES_FIELDS = {"area_type", "area_code", "period", "value"}


class UnusableInput(Exception):
    """The package cannot even be read (exit status 2): a missing file, an unreadable descriptor."""


@dataclass(frozen=True)
class Resource:
    name: str
    path: Path
    schema: dict


@dataclass(frozen=True)
class ExtractPackage:
    descriptor_path: Path
    descriptor: dict  # with every schema inlined
    resources: dict[str, Resource]
    created: datetime  # the extract date

    @property
    def folder(self) -> Path:
        return self.descriptor_path.parent

    @property
    def reference_month(self) -> str:
        return reference_month(self.created)

    @property
    def synthetic(self) -> bool:
        return bool(self.descriptor.get("synthetic", False))

    @property
    def has_microdata(self) -> bool:
        """Whether the package has the extracts of SPEC §3; else it holds only series."""
        return all(name in self.resources for name in ALL_RESOURCES)

    @property
    def series(self) -> list[str]:
        """The aggregate series among the resources."""
        return [name for name, r in self.resources.items() if is_series(r.schema)]

    def without_internal(self) -> ExtractPackage:
        """The package as the public build reads it. SPEC section 3's internal resources
        (caseworkers, caseload) are read only by `jobtal internal`: they are left out unread,
        and so is every foreign key to them (the activities' caseworker_id, whose column is
        still read and checked as text, a CPR number in it too, then dropped before any stage
        after validation: jobtal.stages.leave_out_internal). `jobtal validate` and `jobtal
        internal` check the whole package."""
        schemas = {}  # each public resource's schema, as its descriptor entry and Resource hold it
        entries = []
        for entry in self.descriptor["resources"]:
            name = entry.get("name")
            if name in INTERNAL_RESOURCES or name not in self.resources:
                continue
            schema = self.resources[name].schema
            keys = schema.get("foreignKeys") or []
            public_keys = [
                key
                for key, target in zip(keys, references_of(schema, name), strict=True)
                if target not in INTERNAL_RESOURCES
            ]
            if len(public_keys) < len(keys):
                schema = {**schema, "foreignKeys": public_keys}
            schemas[name] = schema
            entries.append({**entry, "schema": schema})
        return replace(
            self,
            descriptor={**self.descriptor, "resources": entries},
            resources={
                name: replace(r, schema=schemas[name])
                for name, r in self.resources.items()
                if name in schemas
            },
        )


def references_of(schema: dict, name: str) -> list[str]:
    """The resource each of the schema's foreign keys refers to (`name`, the resource's own,
    where the reference names none). load_package has checked their shape."""
    return [
        fk.get("reference", {}).get("resource") or name for fk in schema.get("foreignKeys") or []
    ]


FOREIGN_KEY_EXAMPLE = (
    '{"fields": ["municipality_code"], "reference": {"resource": "municipalities", '
    '"fields": ["municipality_code"]}}'
)


def foreign_keys_problem(keys: object) -> str | None:
    """Whether a schema's foreignKeys can be followed from one resource to another (the rest
    of their rules frictionless's reading of the descriptor checks)."""
    if keys is None:
        return None
    if isinstance(keys, list) and all(
        isinstance(key, dict)
        and isinstance(key.get("reference", {}), dict)
        and isinstance(key.get("reference", {}).get("resource", ""), str)
        for key in keys
    ):
        return None
    return (
        f"its foreignKeys must be a list of objects such as {FOREIGN_KEY_EXAMPLE}, not "
        f"{json.dumps(keys)[:80]}"
    )


def is_series(schema: dict) -> bool:
    return SERIES_FIELDS <= {f.get("name") for f in schema.get("fields", [])}


def contract_resources() -> list[dict]:
    """Descriptor entries for every resource of the contract, `<name>.csv` beside the
    descriptor, with the schemas of datasets/schemas inline so the package folder can move."""
    return [resource_entry(name) for name in ALL_RESOURCES]


def internal_resources() -> list[dict]:
    """Descriptor entries for the internal edition's resources (SPEC section 3), as above."""
    return [resource_entry(name) for name in INTERNAL_RESOURCES]


def resource_entry(name: str) -> dict:
    return {
        "name": name,
        "path": f"{name}.csv",
        "schema": yaml.safe_load((paths.SCHEMAS / f"{name}.yaml").read_text(encoding="utf-8")),
    }


def with_caseworker(activities: dict) -> dict:
    """The activities' entry with the internal edition's optional `caseworker_id`: who held the
    conversation or arranged the offer, a foreign key to caseworkers (SPEC section 3)."""
    schema = activities["schema"]
    return {
        **activities,
        "schema": {
            **schema,
            "fields": [*schema["fields"], {"name": INTERNAL_ACTIVITY_FIELD, "type": "string"}],
            "foreignKeys": [
                *schema.get("foreignKeys", []),
                {
                    "fields": [INTERNAL_ACTIVITY_FIELD],
                    "reference": {"resource": "caseworkers", "fields": ["caseworker_id"]},
                },
            ],
        },
    }


def find_descriptor(location: Path) -> Path:
    """PACKAGE may name the descriptor or the folder holding it."""
    if location.is_dir():
        for name in DESCRIPTOR_NAMES:
            if (location / name).is_file():
                return location / name
        raise UnusableInput(f"{location}: no datapackage.yaml or datapackage.json in this folder")
    if not location.exists():
        raise UnusableInput(f"{location}: no such file or folder")
    return location


# A descriptor or schema is a few kilobytes; these bound what a hostile one can cost before any
# parser sees it (the parsers recurse once per level of nesting)
DESCRIPTOR_BYTES = 10 << 20
DESCRIPTOR_DEPTH = 50


def read_structured(path: Path) -> object:
    """A JSON or YAML descriptor (or schema) file, parsed. Raises UnusableInput for one that is
    not a regular file, too large, nested too deep or not valid."""
    if not path.is_file():
        raise UnusableInput(f"{path}: not a regular file")
    if path.stat().st_size > DESCRIPTOR_BYTES:
        raise UnusableInput(
            f"{path}: {path.stat().st_size:,} bytes; a descriptor has at most {DESCRIPTOR_BYTES:,}"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UnusableInput(f"{path}: cannot be read ({error})") from error
    if "\x00" in text:
        raise UnusableInput(f"{path}: holds a NUL character; a descriptor is text")
    depth = nesting_depth(text)
    if depth > DESCRIPTOR_DEPTH:
        raise UnusableInput(
            f"{path}: nested {depth:,} levels deep; a descriptor has at most {DESCRIPTOR_DEPTH}"
        )
    try:
        return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        raise UnusableInput(
            f"{path}: not valid {path.suffix.lstrip('.').upper()}: {error}"
        ) from error
    except RecursionError as error:  # nesting the scan could not see (YAML's indentation)
        raise UnusableInput(f"{path}: nested too deep to read") from error


def nesting_depth(text: str) -> int:
    """How deep brackets and braces nest outside quoted strings: what JSON's and YAML's flow
    style nest with. By hand: neither parser takes a depth limit, and both recurse past
    Python's. (Block-style YAML nests by indentation, which costs a line of spaces per level:
    DESCRIPTOR_BYTES bounds it, and RecursionError is caught.)"""
    depth = deepest = 0
    quote = None
    escaped = False
    for character in text:
        if quote:
            if escaped:
                escaped = False
            elif character == "\\" and quote == '"':
                escaped = True
            elif character == quote:
                quote = None
        elif character in "\"'":
            quote = character
        elif character in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif character in "]}":
            depth -= 1
    return deepest


def load_package(location: Path) -> tuple[ExtractPackage | None, list[str]]:
    """Read the descriptor. Returns the package, or None and the reasons it cannot be used as
    extracts (these make the package invalid, exit 1). Raises UnusableInput when it cannot be
    read at all (exit 2)."""
    descriptor_path = find_descriptor(Path(location)).resolve()
    descriptor = read_structured(descriptor_path)
    name = descriptor_path.name
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise UnusableInput(
            f"{descriptor_path}: a data package descriptor needs a 'resources' list"
        )

    problems: list[str] = []
    folder = descriptor_path.parent
    resources: dict[str, Resource] = {}
    inlined = dict(descriptor)
    inlined["resources"] = []
    for index, entry in enumerate(descriptor["resources"]):
        where = f"{name}: resources[{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            problems.append(f"{where} has no name")
            continue
        where = f"{name}: resource '{entry['name']}'"
        dialect = entry.get("dialect")
        if dialect is not None and not isinstance(dialect, dict):
            raise UnusableInput(
                f"{where}: its dialect is {json.dumps(dialect)[:80]}; a dialect must be written "
                "out in the descriptor as an object (jobtal never fetches one from elsewhere)"
            )
        path_problem = unsafe_path(entry.get("path"), folder)
        if path_problem:
            problems.append(f"{where}: {path_problem}")
            continue
        schema = entry.get("schema")
        if isinstance(schema, str):
            schema_problem = unsafe_path(schema, folder)
            if schema_problem:
                problems.append(f"{where}: schema {schema_problem}")
                continue
            schema_path = folder / schema
            if not schema_path.is_file():
                raise UnusableInput(f"{where}: schema file {schema} does not exist")
            schema = read_structured(schema_path)
        if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
            problems.append(f"{where} has no Table Schema with fields")
            continue
        if not all(
            isinstance(f, dict) and isinstance(f.get("name"), str) for f in schema["fields"]
        ):
            raise UnusableInput(
                f"{where}: every field of its schema must be an object with a name, such as "
                '{"name": "spell_id", "type": "string"}'
            )
        keys_problem = foreign_keys_problem(schema.get("foreignKeys"))
        if keys_problem:
            problems.append(f"{where}: {keys_problem}")
            continue
        entry = {**entry, "schema": schema}
        inlined["resources"].append(entry)
        resources[entry["name"]] = Resource(entry["name"], folder / entry["path"], schema)

    missing = [resource for resource in ALL_RESOURCES if resource not in resources]
    # a package of aggregate series alone (jobtal import) needs none of the extracts
    series_only = len(missing) == len(ALL_RESOURCES) and any(
        is_series(r.schema) for r in resources.values()
    )
    if missing and not series_only and not problems:
        problems.append(f"{name}: the package lacks the resources {', '.join(missing)}")
    created = parse_created(descriptor.get("created"), name, problems)
    if problems:
        return None, problems
    for resource in resources.values():
        if not resource.path.exists():
            raise UnusableInput(
                f"{resource.path}: the file of resource '{resource.name}' is missing"
            )
        if not resource.path.is_file():  # a folder, a FIFO that would block, a device
            raise UnusableInput(
                f"{resource.path}: the resource '{resource.name}' is not a regular file"
            )
    return ExtractPackage(descriptor_path, inlined, resources, created), []


def unsafe_path(path: object, folder: Path) -> str | None:
    """Why a resource path may not be read, or None. Only plain relative paths inside the package
    folder are read: never a URL, an absolute path, or a path that climbs out with '..'."""
    if not isinstance(path, str) or not path:
        return "needs a 'path' to one file (inline data and multipart paths are not accepted)"
    if any(ord(character) < 32 or ord(character) == 127 for character in path):
        return f"path {path!r} holds a control character"
    if "://" in path or path.startswith(("http:", "https:", "ftp:", "file:")):
        return f"path {path!r} is a URL; extracts must be files inside the package folder"
    candidate = (folder / path).resolve()
    if Path(path).is_absolute() or not candidate.is_relative_to(folder.resolve()):
        return f"path {path!r} leaves the package folder"
    return None


def parse_created(value: object, name: str, problems: list[str]) -> datetime:
    if not isinstance(value, str):
        problems.append(f"{name}: 'created' (the extract date, ISO datetime) is missing")
        return datetime(1970, 1, 1)
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        problems.append(f"{name}: 'created' is {value!r}, expected an ISO datetime")
        return datetime(1970, 1, 1)
