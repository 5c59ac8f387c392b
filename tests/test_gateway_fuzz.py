"""Fuzzing `/graphql`: documents generated from the schema (valid and deliberately invalid), every argument
of every root field given through variables of any shape, and random bodies, sent as the public and as
staff. Bounded in examples and time; the gateway must never answer 5xx nor `INTERNAL_SERVER_ERROR`, and in
production no request error may name a schema name the request did not send.

Hypothesis drives a blocking client from the test thread while the stack runs on its own event loop
in a background thread, since Hypothesis does not run coroutine tests.
"""

import asyncio
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, timedelta
from typing import Any, cast

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    NameNode,
    ObjectFieldNode,
    get_named_type,
    is_leaf_type,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema, nodes

from gateway.schema import schema
from simulators.world import World
from tests.harness import PRODUCTION, STAFF, running_stack
from tests.test_gateway_redaction import leaked

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


@contextmanager
def stack_in_thread(world: World, environ: dict[str, str] | None = None) -> Iterator[str]:
    """The whole stack on a private event loop in a daemon thread; yields the gateway's URL."""
    loop = asyncio.new_event_loop()
    started: asyncio.Future[str] = loop.create_future()
    stop = asyncio.Event()

    async def run() -> None:
        async with running_stack(world, environ) as stack:
            started.set_result(stack.gateway_url)
            await stop.wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(run(),), daemon=True)
    thread.start()
    url = asyncio.run_coroutine_threadsafe(asyncio.wait_for(asyncio.shield(started), 30), loop).result(60)
    yield url
    loop.call_soon_threadsafe(stop.set)
    thread.join(30)
    loop.close()


@pytest.fixture(scope="module")
def gateway_url(live_world: World) -> Iterator[str]:
    with stack_in_thread(live_world) as url:
        yield url


@pytest.fixture(scope="module")
def production_url(live_world: World) -> Iterator[str]:
    with stack_in_thread(live_world, PRODUCTION) as url:
        yield url


def send(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    """The status and the parsed body (None when it is not JSON)."""
    request = urllib.request.Request(f"{url}/graphql", data=body, method="POST",
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return int(r.status), _json_or_none(r.read())
    except urllib.error.HTTPError as error:
        return int(error.code), _json_or_none(error.read())


def _json_or_none(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None


def internal_errors(body: Any) -> list[Any]:
    """Errors that say the gateway itself failed: each one is a bug."""
    bodies = body if isinstance(body, list) else [body]
    return [e for b in bodies if isinstance(b, dict) for e in b.get("errors") or []
            if e.get("extensions", {}).get("code") == "INTERNAL_SERVER_ERROR"]


def json_values() -> st.SearchStrategy[Any]:
    """Any JSON a client may send, non-finite numbers included (Python's parser accepts `Infinity`)."""
    leaves = (st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
              | st.floats() | st.text(max_size=20))
    return st.recursive(leaves, lambda inner: st.lists(inner, max_size=3)
                        | st.dictionaries(st.text(max_size=10), inner, max_size=3), max_leaves=8)


def value_for(graphql_type: GraphQLInputType) -> st.SearchStrategy[Any]:
    """Mostly the shape the type asks for, often not: wrong scalars, nulls, extra keys, any JSON at all."""
    return st.one_of(_shaped(graphql_type), json_values())


def _shaped(graphql_type: GraphQLInputType) -> st.SearchStrategy[Any]:
    if isinstance(graphql_type, GraphQLNonNull):
        return value_for(graphql_type.of_type)
    if isinstance(graphql_type, GraphQLList):
        return st.lists(_deferred(graphql_type.of_type), max_size=3)
    if isinstance(graphql_type, GraphQLEnumType):
        return st.sampled_from(sorted(graphql_type.values))
    if isinstance(graphql_type, GraphQLInputObjectType):
        return st.fixed_dictionaries({}, optional={name: _deferred(f.type) for name, f in graphql_type.fields.items()})
    scalar: GraphQLScalarType = graphql_type
    return {"Int": st.integers(min_value=-(2**40), max_value=2**40), "Boolean": st.booleans(),
            "Float": st.floats(allow_nan=False, width=32)}.get(scalar.name, st.text(max_size=30))


def _deferred(graphql_type: GraphQLInputType) -> st.SearchStrategy[Any]:
    """Input types may refer to themselves: build their strategy when drawn, not when declared."""
    return st.deferred(lambda: value_for(graphql_type))


def through_variables(name: str, field: GraphQLField) -> str:
    """A document passing every argument of a root field through a variable of the argument's type."""
    definitions = ", ".join(f"${a}: {arg.type}" for a, arg in field.args.items())
    arguments = ", ".join(f"{a}: ${a}" for a in field.args)
    selection = "" if is_leaf_type(get_named_type(field.type)) else " { __typename }"
    return f"query Fuzz({definitions}) {{ {name}({arguments}){selection} }}"


QUERY = cast(GraphQLObjectType, GRAPHQL_SCHEMA.query_type)
ROOT_FIELDS_WITH_ARGUMENTS = sorted((n, f) for n, f in QUERY.fields.items() if f.args)


@st.composite
def requests_with_variables(draw: st.DrawFn) -> dict[str, Any]:
    name, field = draw(st.sampled_from(ROOT_FIELDS_WITH_ARGUMENTS))
    variables = draw(st.fixed_dictionaries({}, optional={a: value_for(arg.type) for a, arg in field.args.items()}))
    return {"query": through_variables(name, field), "variables": variables}


@FUZZ
@given(query=from_schema(GRAPHQL_SCHEMA, mode=Mode.POSITIVE, custom_scalars=SCALARS), staff=st.booleans())
def test_generated_valid_documents_never_get_a_5xx(gateway_url: str, query: str, staff: bool) -> None:
    status, body = send(gateway_url, json.dumps({"query": query}).encode(), STAFF if staff else {})
    assert status < 500 and not internal_errors(body), query


@FUZZ
@given(query=from_schema(GRAPHQL_SCHEMA, mode=Mode.NEGATIVE, custom_scalars=SCALARS))
def test_generated_invalid_documents_never_get_a_5xx(gateway_url: str, query: str) -> None:
    status, body = send(gateway_url, json.dumps({"query": query}).encode(), {})
    assert status < 500 and not internal_errors(body), query


@FUZZ
@given(request=requests_with_variables(), staff=st.booleans())
def test_variables_of_any_shape_are_never_an_internal_error(gateway_url: str, request: dict[str, Any],
                                                            staff: bool) -> None:
    status, body = send(gateway_url, json.dumps(request).encode(), STAFF if staff else {})
    assert status < 500 and not internal_errors(body), request


@FUZZ
@given(query=from_schema(GRAPHQL_SCHEMA, mode=Mode.NEGATIVE, custom_scalars=SCALARS))
def test_production_request_errors_name_only_what_was_sent(production_url: str, query: str) -> None:
    status, body = send(production_url, json.dumps({"query": query}).encode(), {})
    assert status < 500 and not internal_errors(body), query
    for error in body.get("errors") or []:
        assert leaked(error["message"], query, {}) == set(), (query, error["message"])


@FUZZ
@given(body=st.one_of(st.binary(max_size=300),
                      st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=30),
                                   lambda inner: st.lists(inner, max_size=4)
                                   | st.dictionaries(st.sampled_from(["query", "variables", "operationName",
                                                                      "extensions", "x"]), inner, max_size=4),
                                   max_leaves=12).map(lambda v: json.dumps(v).encode())))
def test_random_bodies_never_get_a_5xx(gateway_url: str, body: bytes) -> None:
    status, answer = send(gateway_url, body, {})
    assert status < 500 and not internal_errors(answer)
