"""Validating ZWO against the Zwift workout schema published by kaiord (shipped, no network)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any


@cache
def schema() -> Any:
    """The ZWO schema, parsed once (an lxml XMLSchema)."""
    from lxml import etree

    xsd = resources.files("workoutexport").joinpath("data/zwift-workout.xsd")
    with resources.as_file(xsd) as path:
        return etree.XMLSchema(etree.parse(str(path)))


def problems(data: bytes) -> list[str]:
    """What the schema finds wrong with `data`: the format table's verifier."""
    from lxml import etree

    try:
        doc = etree.fromstring(
            data, parser=etree.XMLParser(resolve_entities=False, no_network=True)
        )
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed XML: {exc}"]
    checker = schema()
    if checker.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in checker.error_log]
