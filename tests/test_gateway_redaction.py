"""Production answers to schema probes: request errors name nothing the request did not send, and the strong
option runs safelisted documents only for every anonymous caller."""

import hashlib
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType

from gateway.schema import schema
from gateway.schema.redaction import BUILT_IN_SCALARS, sent_names
from simulators.world import World
from tests.harness import PRODUCTION, SAFELISTED, STAFF, Stack, running_stack

HEALTHY = "{ stores(first: 1) { totalCount } }"
# what clairvoyance and a curious partner send, and what each message used to give away
PROBES: list[tuple[str, dict[str, Any], str]] = [
    ("{ me }", {}, "Customer"),
    ('{ stores(near: {lat: 45.7}) { totalCount } }', {}, "latitude"),
    ('{ product(sku: "X") { emal } }', {}, "Product"),
    ("{ product { name } }", {}, "sku"),
    ('{ searchProducts(query: "x") { edges { node { price } } } }', {}, "Price"),
    ('{ me { purchaseHistory(channel: FOO) { totalCount } } }', {}, "Channel"),
    ("query Near($n: GeoPointInput!) { stores(near: $n) { totalCount } }", {"n": {"lat": 1}}, "latitude"),
    ('{ product(sku: "X") { name(x: 1) } }', {}, "Product"),
    ('{ stores(first: 1) { totalCount } ... on Product { name } }', {}, "Query"),
]


def schema_names() -> frozenset[str]:
    """Every name a probe would like to learn: types, fields, arguments, input fields, enum values."""
    names: set[str] = set()
    for type_name, graphql_type in schema._schema.type_map.items():
        if type_name.startswith("__"):
            continue
        names.add(type_name)
        if isinstance(graphql_type, GraphQLObjectType | GraphQLInputObjectType):
            for field_name, field in graphql_type.fields.items():
                names.add(field_name)
                names.update(getattr(field, "args", {}))
        if isinstance(graphql_type, GraphQLEnumType):
            names.update(graphql_type.values)
    return frozenset(names - BUILT_IN_SCALARS)


SCHEMA_NAMES = schema_names()


def leaked(message: str, document: str, variables: dict[str, Any]) -> set[str]:
    """Schema names in the message, quoted or CamelCase, that the request did not send."""
    sent = sent_names(document, variables)
    quoted = {n for q in re.findall(r"'([^']*)'", message) for n in re.findall(r"[_A-Za-z]\w*", q)}
    camel = {n for n in re.findall(r"\b[A-Z]\w*", message) if n in SCHEMA_NAMES}
    return {n for n in quoted | camel if n in SCHEMA_NAMES and n not in sent}


async def post(stack: Stack, body: dict[str, Any], headers: dict[str, str] | None = None) -> tuple[int, Any]:
    async with stack.http.post(f"{stack.gateway_url}/graphql", json=body, headers=headers or {}) as r:
        return r.status, await r.json()


@pytest.fixture
async def production(live_world: World) -> AsyncIterator[Stack]:
    async with running_stack(live_world, PRODUCTION) as stack:
        yield stack


async def test_probes_learn_no_name_they_did_not_send_in_production(production: Stack) -> None:
    for document, variables, secret in PROBES:
        status, body = await post(production, {"query": document, "variables": variables})
        messages = [e["message"] for e in body["errors"]]
        assert status == 200 and messages, document
        assert {e["extensions"]["code"] for e in body["errors"]} <= {"GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"}
        assert all(leaked(m, document, variables) == set() for m in messages), (document, messages)
        assert not any(secret in m for m in messages), (document, messages)


async def test_development_keeps_the_full_messages(stack: Stack) -> None:
    _, body = await post(stack, {"query": "{ me }"})
    assert body["errors"][0]["message"] == ("Field 'me' of type 'Customer' must have a selection of subfields. "
                                            "Did you mean 'me { ... }'?")


async def test_a_redacted_message_still_says_what_is_wrong_with_what_was_sent(production: Stack) -> None:
    _, body = await post(production, {"query": "{ me }"})
    assert body["errors"][0]["message"] == "Field 'me' of type '…' must have a selection of subfields."
    _, body = await post(production, {"query": '{ product(sku: "X") { emal } }'})
    assert body["errors"][0]["message"] == "Cannot query field 'emal' on type '…'."


async def test_anonymous_callers_run_only_safelisted_documents_with_the_strong_option(live_world: World) -> None:
    async with running_stack(live_world, {**PRODUCTION, "OMNIGATE_ANONYMOUS_SAFELIST_ONLY": "true"}) as stack:
        # an ad-hoc or probing document, as text or by hash, is refused before it is parsed
        _, body = await post(stack, {"query": HEALTHY})
        assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_ALLOWED" and "data" not in body
        _, body = await post(stack, {"query": "{ me }"})
        assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_ALLOWED"
        # the apps' safelisted documents run, as text or by hash
        _, body = await post(stack, {"query": SAFELISTED})
        assert body["data"]["stores"]["totalCount"] > 0
        digest = hashlib.sha256(SAFELISTED.encode()).hexdigest()
        _, body = await post(stack, {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}})
        assert body["data"]["stores"]["totalCount"] > 0
        # signed-in callers are not anonymous
        _, body = await post(stack, {"query": HEALTHY}, STAFF)
        assert body["data"]["stores"]["totalCount"] > 0
