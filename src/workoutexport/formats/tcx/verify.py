"""Validating TCX against Garmin's Training Center Database v2 schema (shipped, no network)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any


@cache
def schema() -> Any:
    """Garmin's TCX v2 schema, parsed once (an lxml XMLSchema)."""
    from lxml import etree

    xsd = resources.files("workoutexport").joinpath("data/TrainingCenterDatabasev2.xsd")
    with resources.as_file(xsd) as path:
        return etree.XMLSchema(etree.parse(str(path)))


def validate(data: bytes) -> list[str]:
    """Problems found by validating `data` against Garmin's TCX schema (empty when valid)."""
    from lxml import etree

    try:
        doc = etree.fromstring(
            data,
            parser=etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False),
        )
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed XML: {exc}"]
    info: Any = doc.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        # The schema validator fails inside libxml2 on an unresolved entity; refused first.
        return ["a DOCTYPE (DTD or entities) is not allowed in a TCX file"]
    checker = schema()
    if checker.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in checker.error_log]


def problems(data: bytes) -> list[str]:
    """What the schema finds wrong with `data`: the format table's verifier."""
    return validate(data)
