"""The subgraph SDL (`_service { sdl }`) in production: a router key reads it, anyone else is answered as if the
field did not exist; a router key reads nothing else. Development serves it to anyone."""

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from gateway.settings import SettingsError, load_settings
from simulators.world import World
from tests.harness import PRODUCTION, STAFF, Stack, api_key, running_stack

SDL = "{ _service { sdl } }"
# each probe of the hidden field, answered exactly as the same probe of a field that never existed
PROBES = [SDL, "{ _service }", "{ _service { nope } }", "{ _service(x: 1) { sdl } }",
          "query { ...Sdl } fragment Sdl on Query { _service { sdl } }"]
NEVER_EXISTED = "_servicf"  # as long as `_service`, so the error locations match too
STORES = "{ stores(first: 1) { totalCount } }"
ENTITIES = '{ _entities(representations: [{__typename: "Store", id: "X"}]) { __typename } }'
SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"


@pytest.fixture
async def production(live_world: World) -> AsyncIterator[Stack]:
    async with running_stack(live_world, PRODUCTION) as stack:
        yield stack


async def post(stack: Stack, query: str, headers: dict[str, str]) -> dict[str, Any]:
    async with stack.http.post(f"{stack.gateway_url}/graphql", json={"query": query}, headers=headers) as r:
        assert r.status == 200
        body: dict[str, Any] = await r.json()
        return body


async def test_production_answers_anyone_without_a_router_key_as_if_service_did_not_exist(production: Stack) -> None:
    for headers in ({}, STAFF, api_key(production.keys.kiosk), api_key(production.keys.partner)):
        for probe in PROBES:
            hidden = await post(production, probe, headers)
            absent = await post(production, probe.replace("_service", NEVER_EXISTED), headers)
            assert json.dumps(hidden) == json.dumps(absent).replace(NEVER_EXISTED, "_service"), probe
    assert await post(production, SDL, {}) == {"errors": [{
        "message": "Cannot query field '_service' on type '…'.", "locations": [{"line": 1, "column": 3}],
        "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}}]}


async def test_a_router_key_reads_the_sdl_that_schema_graphql_holds(production: Stack) -> None:
    body = await post(production, SDL, api_key(production.keys.router))
    assert body["data"]["_service"]["sdl"] + "\n" == SCHEMA_FILE.read_text()


@pytest.mark.parametrize("query", [STORES, ENTITIES, "{ _service { sdl } stores(first: 1) { totalCount } }"])
async def test_a_router_key_reads_nothing_but_the_sdl(production: Stack, query: str) -> None:
    body = await post(production, query, api_key(production.keys.router))
    assert "data" not in body
    assert [(e["message"], e["extensions"]["code"]) for e in body["errors"]] == [("Not allowed", "FORBIDDEN")]


async def test_a_router_key_reads_status(production: Stack) -> None:
    async with production.http.get(f"{production.gateway_url}/status", headers=api_key(production.keys.router)) as r:
        assert r.status == 200 and (await r.json())["status"] == "ready"


@pytest.mark.parametrize(("access", "anonymous_reads", "router_reads"), [("public", True, True), ("off", False, False)])
async def test_the_setting_opens_or_closes_the_sdl(live_world: World, access: str, anonymous_reads: bool,
                                                   router_reads: bool) -> None:
    async with running_stack(live_world, {**PRODUCTION, "OMNIGATE_FEDERATION_SDL": access}) as stack:
        anonymous = await post(stack, SDL, {})
        router = await post(stack, SDL, api_key(stack.keys.router))
    assert ("data" in anonymous, "data" in router) == (anonymous_reads, router_reads)


async def test_development_serves_the_sdl_to_anyone(stack: Stack) -> None:
    body = await post(stack, SDL, {})
    assert body["data"]["_service"]["sdl"] + "\n" == SCHEMA_FILE.read_text()


def test_a_bad_sdl_setting_is_named() -> None:
    urls = {f"OMNIGATE_{s}_URL": "http://127.0.0.1:1" for s in ("ERP", "POS", "CRM", "WEBSHOP")}
    with pytest.raises(SettingsError, match=r"^OMNIGATE_FEDERATION_SDL: expected router, public or off, got 'all'$"):
        load_settings({**urls, "OMNIGATE_FEDERATION_SDL": "all"})
