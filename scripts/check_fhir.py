#!/usr/bin/env python3
"""Validates an `alongside export fhir` bundle with a real FHIR validator.

Loads the file with fhir.resources' R4B models (the Bundle and every resource in it, with
their datatypes, cardinalities and value sets as the models check them), then checks what
the models leave to the author: every reference resolves to an entry of the bundle, and every
fullUrl is unique. Exit status 0 when valid; 1 with the problems on standard error; 3 when
fhir.resources is not installed (`pip install fhir.resources==8.1.0`).

Usage: scripts/check_fhir.py BUNDLE.json
"""
import json
import sys

try:
    from fhir.resources.R4B.bundle import Bundle
except ImportError:
    print("fhir.resources is not installed: pip install fhir.resources==8.1.0", file=sys.stderr)
    sys.exit(3)


# Required bindings that fhir.resources does not enforce (codes are plain strings there):
# the R4 value sets request-status, request-intent, task-status and task-intent.
REQUIRED_CODES = {
    ("ServiceRequest", "status"): {"draft", "active", "on-hold", "revoked", "completed",
                                   "entered-in-error", "unknown"},
    ("ServiceRequest", "intent"): {"proposal", "plan", "directive", "order", "original-order",
                                   "reflex-order", "filler-order", "instance-order", "option"},
    ("Task", "status"): {"draft", "requested", "received", "accepted", "rejected", "ready",
                         "cancelled", "in-progress", "on-hold", "failed", "completed",
                         "entered-in-error"},
    ("Task", "intent"): {"unknown", "proposal", "plan", "order", "original-order",
                         "reflex-order", "filler-order", "instance-order", "option"},
}


def references(value):
    """Every `reference` string anywhere inside a resource."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "reference" and isinstance(inner, str):
                yield inner
            else:
                yield from references(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from references(inner)


def main(path):
    with open(path, encoding="utf-8") as f:
        raw = json.load(f)
    try:
        bundle = Bundle.model_validate(raw)
    except Exception as error:  # pydantic.ValidationError and the models' own errors
        print(f"{path}: not a valid FHIR R4B Bundle:\n{error}", file=sys.stderr)
        return 1
    problems = []
    if bundle.type != "collection":
        problems.append(f"Bundle.type is {bundle.type!r}, not 'collection'")
    urls = [e.fullUrl for e in bundle.entry or []]
    if len(urls) != len(set(urls)):
        problems.append("two entries share a fullUrl")
    for entry in raw.get("entry", []):
        resource = entry.get("resource", {})
        for (kind, field), codes in REQUIRED_CODES.items():
            if resource.get("resourceType") == kind and resource.get(field) not in codes:
                problems.append(
                    f"{resource.get('id')}: {kind}.{field} {resource.get(field)!r} is not in "
                    "its required value set")
        for ref in references(entry.get("resource", {})):
            if ref not in urls:
                problems.append(f"{entry['resource'].get('id')}: reference {ref} is not in the bundle")
    if problems:
        print("\n".join(f"{path}: {p}" for p in problems), file=sys.stderr)
        return 1
    kinds = {}
    for e in bundle.entry or []:
        kinds[e.resource.__resource_type__] = kinds.get(e.resource.__resource_type__, 0) + 1
    print(json.dumps({"valid": True, "entries": len(urls), "resources": kinds}, sort_keys=True))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
