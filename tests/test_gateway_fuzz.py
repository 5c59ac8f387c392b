"""Fuzzing `/graphql`: documents generated from the schema (valid and deliberately invalid) and random
bodies, sent as the public and as staff. Bounded in examples and time; the gateway must never answer 5xx.

Hypothesis drives a blocking client from the test thread while the stack runs on its own event loop
in a background thread, since Hypothesis does not run coroutine tests.
"""

import asyncio
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, timedelta

import pytest
from graphql import NameNode, ObjectFieldNode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema, nodes

from connectors.demo_data import World
from gateway.schema import schema
from tests.harness import STAFF, running_stack

GRAPHQL_SCHEMA = schema._schema
SCALARS = {
    "_Any": st.builds(lambda typename, key: nodes.Object([
        ObjectFieldNode(name=NameNode(value="__typename"), value=nodes.String(typename)),
        ObjectFieldNode(name=NameNode(value="sku"), value=nodes.String(key))]),
        st.sampled_from(["Product", "Store", "Customer", "Order", "Nope"]), st.text(max_size=12)),
    "DateTime": st.datetimes(timezones=st.just(UTC)).map(lambda d: nodes.String(d.isoformat())),
    "Decimal": st.decimals(allow_nan=False, allow_infinity=False, places=2).map(nodes.String),
}
FUZZ = settings(max_examples=60, deadline=timedelta(seconds=20), suppress_health_check=list(HealthCheck),
                derandomize=True)


@pytest.fixture(scope="module")
def gateway_url(live_world: World) -> Iterator[str]:
    """The whole stack on a private event loop in a daemon thread, for the module's tests."""
    loop = asyncio.new_event_loop()
    started: asyncio.Future[str] = loop.create_future()
    stop = asyncio.Event()

    async def run() -> None:
        async with running_stack(live_world) as stack:
            started.set_result(stack.gateway_url)
            await stop.wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(run(),), daemon=True)
    thread.start()
    url = asyncio.run_coroutine_threadsafe(asyncio.wait_for(asyncio.shield(started), 30), loop).result(60)
    yield url
    loop.call_soon_threadsafe(stop.set)
    thread.join(30)
    loop.close()


def send(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(f"{url}/graphql", data=body, method="POST",
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return int(r.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@FUZZ
@given(query=from_schema(GRAPHQL_SCHEMA, mode=Mode.POSITIVE, custom_scalars=SCALARS), staff=st.booleans())
def test_generated_valid_documents_never_get_a_5xx(gateway_url: str, query: str, staff: bool) -> None:
    status = send(gateway_url, json.dumps({"query": query}).encode(), STAFF if staff else {})
    assert status < 500, query


@FUZZ
@given(query=from_schema(GRAPHQL_SCHEMA, mode=Mode.NEGATIVE, custom_scalars=SCALARS))
def test_generated_invalid_documents_never_get_a_5xx(gateway_url: str, query: str) -> None:
    assert send(gateway_url, json.dumps({"query": query}).encode(), {}) < 500, query


@FUZZ
@given(body=st.one_of(st.binary(max_size=300),
                      st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=30),
                                   lambda inner: st.lists(inner, max_size=4)
                                   | st.dictionaries(st.sampled_from(["query", "variables", "operationName",
                                                                      "extensions", "x"]), inner, max_size=4),
                                   max_leaves=12).map(lambda v: json.dumps(v).encode())))
def test_random_bodies_never_get_a_5xx(gateway_url: str, body: bytes) -> None:
    assert send(gateway_url, body, {}) < 500
