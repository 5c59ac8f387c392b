"""DESIGN rule 1: resolvers reach the ports only through the per-request loaders and the unkeyed-reads facade."""

import dataclasses
from pathlib import Path

from gateway.context import Context

SCHEMA = Path(__file__).parent.parent / "gateway" / "schema"


def test_the_context_holds_no_port() -> None:
    assert {f.name for f in dataclasses.fields(Context)}.isdisjoint({"backends", "ports"})


def test_no_resolver_names_the_backends() -> None:
    offenders = [str(p.relative_to(SCHEMA)) for p in sorted(SCHEMA.rglob("*.py")) if "backends" in p.read_text()]
    assert offenders == []
