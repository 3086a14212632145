"""Validates JSON Lines against a JSON Schema, with only the standard library.

Usage: python3 schema_check.py SCHEMA FILE

Implements the subset of JSON Schema (draft 2020-12) that docs/*.schema.json
use, and refuses any other keyword, so a schema cannot silently rely on one
this checker ignores. Exits 1 naming the first line and place that fails.
"""
import json
import re
import sys

ANNOTATIONS = {"$schema", "$id", "title", "description", "$defs"}
TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def check(value, schema, root, where):
    """Returns None when value matches schema, else a message."""
    unknown = set(schema) - ANNOTATIONS - {
        "type", "const", "enum", "pattern", "minimum", "maximum", "required",
        "properties", "additionalProperties", "items", "$ref", "oneOf"}
    if unknown:
        raise SystemExit(f"schema keyword(s) not supported by this checker: {sorted(unknown)}")
    if "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/"), ref
        target = root
        for part in ref[2:].split("/"):
            target = target[part]
        problem = check(value, target, root, where)
        if problem:
            return problem
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(TYPES[t](value) for t in types):
            return f"{where}: {value!r} is not of type {types}"
    if "const" in schema and value != schema["const"]:
        return f"{where}: {value!r} is not {schema['const']!r}"
    if "enum" in schema and value not in schema["enum"]:
        return f"{where}: {value!r} is not one of {schema['enum']}"
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        return f"{where}: {value!r} does not match {schema['pattern']}"
    if TYPES["number"](value):
        if "minimum" in schema and value < schema["minimum"]:
            return f"{where}: {value} < {schema['minimum']}"
        if "maximum" in schema and value > schema["maximum"]:
            return f"{where}: {value} > {schema['maximum']}"
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                return f"{where}: missing {name!r}"
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            if name in properties:
                problem = check(item, properties[name], root, f"{where}.{name}")
            elif extra is False:
                problem = f"{where}: unexpected property {name!r}"
            elif isinstance(extra, dict):
                problem = check(item, extra, root, f"{where}.{name}")
            else:
                problem = None
            if problem:
                return problem
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            problem = check(item, schema["items"], root, f"{where}[{index}]")
            if problem:
                return problem
    if "oneOf" in schema:
        matches = [s for s in schema["oneOf"] if check(value, s, root, where) is None]
        if len(matches) != 1:
            return f"{where}: {value!r} matches {len(matches)} of oneOf, not exactly 1"
    return None


def main():
    schema = json.load(open(sys.argv[1]))
    lines = open(sys.argv[2], encoding="utf-8").read().splitlines()
    if not lines:
        raise SystemExit("no JSON lines to check")
    for number, line in enumerate(lines, 1):
        problem = check(json.loads(line), schema, schema, "$")
        if problem:
            raise SystemExit(f"line {number}: {problem}")
    print(f"{len(lines)} line(s) match {sys.argv[1]}")


if __name__ == "__main__":
    main()
