"""Customer.reservations and Store.reservations: who sees which holds, newest first, paged, one ledger query."""

from typing import Any

from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from gateway.auth.principals import Role
from gateway.schema.relay import global_id
from simulators.world.records import DemoProduct
from tests.harness import STAFF, Stack, api_key, bearer
from tests.test_gateway_reservations import NO_SERVICE, NODE, OTHER, OWNER, STORE, customer, reserve

PAGE = "edges { cursor node { id status store { code } } } pageInfo { hasNextPage hasPreviousPage endCursor }"
MINE = f"""
query Mine($first: Int, $after: String, $status: ReservationStatus) {{
  me {{ reservations(first: $first, after: $after, status: $status) {{ {PAGE} }} }}
}}"""
THEIRS = f"query Theirs($id: ID!) {{ customer(id: $id) {{ reservations {{ {PAGE} }} }} }}"
BY_CARD = f"query ByCard($card: String!) {{ customerByLoyaltyCard(cardNumber: $card) {{ reservations {{ {PAGE} }} }} }}"
AT_STORE = f"""
query AtStore($code: String!, $first: Int, $after: String, $status: ReservationStatus) {{
  storeByCode(code: $code) {{ reservations(first: $first, after: $after, status: $status) {{ {PAGE} }} }}
}}"""
TWO_CUSTOMERS = """
query Two($a: ID!, $b: ID!) {
  a: customer(id: $a) { reservations { edges { node { id } } } }
  b: customer(id: $b) { reservations { edges { node { id } } } }
}"""
STORES = "{ stores(first: 100) { edges { node { code reservations { edges { node { id } } } } } } }"
CANCEL = "mutation C($id: ID!) { cancelReservation(id: $id) { userErrors { code } } }"
TRACE_ID = "5bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


def ids(connection: dict[str, Any]) -> list[str]:
    return [e["node"]["id"] for e in connection["edges"]]


def card_of(stack: Stack, crm_id: str) -> str:
    card = next(c.card for c in stack.world.customers if c.crm_id == crm_id)
    assert card is not None
    return card


def plenty(stack: Stack) -> DemoProduct:
    """An article MAR01 has at least five units of."""
    store = stack.world.store_by_code[STORE]
    for product in stack.world.products:
        figure = stack.world.store_stock(store, product)
        if figure is not None and figure.sellable >= 5:
            return product
    raise AssertionError("no article with five units in stock")


async def three_holds_and_a_walk_in(stack: Stack) -> tuple[list[str], str, str]:
    """OWNER's three holds at MAR01 (oldest first), the middle one cancelled; OTHER's one; a kiosk's walk-in."""
    product = plenty(stack)
    mine = [(await reserve(stack, customer(), sku=product.sku, key=f"m{i}"))["reservation"]["id"] for i in range(3)]
    await stack.data(CANCEL, {"id": mine[1]}, customer())
    theirs = (await reserve(stack, customer(OTHER), sku=product.sku, key="t"))["reservation"]["id"]
    walk_in = (await reserve(stack, api_key(stack.keys.other_kiosk), sku=product.sku, key="w"))["reservation"]["id"]
    return mine, theirs, walk_in


async def test_a_customer_pages_through_their_own_holds_newest_first(stack: Stack) -> None:
    mine, _, _ = await three_holds_and_a_walk_in(stack)

    first = (await stack.data(MINE, {"first": 2}, customer()))["me"]["reservations"]
    rest = (await stack.data(MINE, {"first": 2, "after": first["pageInfo"]["endCursor"]}, customer()))
    active = (await stack.data(MINE, {"status": "ACTIVE"}, customer()))["me"]["reservations"]
    cancelled = (await stack.data(MINE, {"status": "CANCELLED"}, customer()))["me"]["reservations"]

    assert ids(first) == [mine[2], mine[1]] and first["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["status"] for e in first["edges"]] == ["ACTIVE", "CANCELLED"]
    page = rest["me"]["reservations"]
    assert ids(page) == [mine[0]] and page["pageInfo"] == {"hasNextPage": False, "hasPreviousPage": True,
                                                           "endCursor": page["edges"][0]["cursor"]}
    assert (ids(active), ids(cancelled)) == ([mine[2], mine[0]], [mine[1]])
    bad = await stack.graphql(MINE, {"after": "bm90LWEtY3Vyc29y"}, customer())
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_staff_see_anyones_and_a_stores_staff_and_kiosk_only_their_stores(stack: Stack) -> None:
    mine, _, _ = await three_holds_and_a_walk_in(stack)
    newest_first = list(reversed(mine))
    owner = {"id": global_id("Customer", OWNER)}

    assert ids((await stack.data(THEIRS, owner, STAFF))["customer"]["reservations"]) == newest_first
    here = bearer(Role.STAFF, "staff-mar", store=STORE)
    assert ids((await stack.data(THEIRS, owner, here))["customer"]["reservations"]) == newest_first
    elsewhere = bearer(Role.STAFF, "staff-par", store=NO_SERVICE)
    assert ids((await stack.data(THEIRS, owner, elsewhere))["customer"]["reservations"]) == []
    card = {"card": card_of(stack, OWNER)}
    by_card = await stack.data(BY_CARD, card, api_key(stack.keys.other_kiosk))
    assert ids(by_card["customerByLoyaltyCard"]["reservations"]) == newest_first
    other_store = await stack.data(BY_CARD, card, api_key(stack.keys.kiosk))
    assert ids(other_store["customerByLoyaltyCard"]["reservations"]) == []
    refused = await stack.graphql(THEIRS, owner, customer(OTHER))
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_stores_list_is_for_its_kiosk_and_staff_and_includes_walk_ins(stack: Stack) -> None:
    mine, theirs, walk_in = await three_holds_and_a_walk_in(stack)
    everything = [walk_in, theirs, mine[2], mine[1], mine[0]]

    for headers in (api_key(stack.keys.other_kiosk), STAFF, bearer(Role.STAFF, "staff-mar", store=STORE)):
        listed = (await stack.data(AT_STORE, {"code": STORE}, headers))["storeByCode"]["reservations"]
        assert ids(listed) == everything
    active = (await stack.data(AT_STORE, {"code": STORE, "status": "ACTIVE", "first": 2}, STAFF))
    assert ids(active["storeByCode"]["reservations"]) == [walk_in, theirs]
    assert active["storeByCode"]["reservations"]["pageInfo"]["hasNextPage"] is True

    for headers in (api_key(stack.keys.kiosk), bearer(Role.STAFF, "staff-par", store=NO_SERVICE), customer(), {},
                    api_key(stack.keys.partner)):
        body = await stack.graphql(AT_STORE, {"code": STORE}, headers)
        assert body["data"]["storeByCode"]["reservations"] is None, headers
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_one_ledger_query_per_list_and_level(stack: Stack, exporter: InMemorySpanExporter) -> None:
    mine, theirs, walk_in = await three_holds_and_a_walk_in(stack)
    exporter.clear()

    two = await stack.data(TWO_CUSTOMERS, {"a": global_id("Customer", OWNER), "b": global_id("Customer", OTHER)},
                           {**STAFF, "traceparent": TRACEPARENT})
    stores = await stack.data(STORES, None, {**STAFF, "traceparent": TRACEPARENT})

    assert ids(two["a"]["reservations"]) == list(reversed(mine)) and ids(two["b"]["reservations"]) == [theirs]
    listed = {e["node"]["code"]: ids(e["node"]["reservations"]) for e in stores["stores"]["edges"]}
    assert len(listed) > 1 and listed[STORE] == [walk_in, theirs, *reversed(mine)]
    ledger = [s for s in exporter.get_finished_spans()
              if s.context and f"{s.context.trace_id:032x}" == TRACE_ID and s.name.startswith("ledger holds_")]
    assert sorted((s.name, (s.attributes or {})["omnigate.batch.size"]) for s in ledger) == [
        ("ledger holds_at", len(listed)), ("ledger holds_of", 2)]


async def test_a_customer_without_a_loyalty_card_lists_reaches_and_cancels_their_own(stack: Stack) -> None:
    cardless = next(c.crm_id for c in stack.world.customers if c.card is None)
    held = (await reserve(stack, customer(cardless), sku=plenty(stack).sku, key="n"))["reservation"]["id"]

    assert ids((await stack.data(MINE, {}, customer(cardless)))["me"]["reservations"]) == [held]
    assert (await stack.data(NODE, {"id": held}, customer(cardless)))["node"]["status"] == "ACTIVE"
    assert (await stack.data(CANCEL, {"id": held}, customer(cardless)))["cancelReservation"]["userErrors"] == []
    refused = await stack.graphql(NODE, {"id": held}, customer(OWNER))
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
