"""The customer 360 through the gateway: profile, loyalty, one merged history, wishlist, notes."""

from typing import Any

from gateway.schema.relay import global_id
from simulators.world import DemoCustomer, World
from tests.harness import Stack

BY_CARD = """
query ByCard($card: String!, $first: Int, $after: String, $channel: Channel) {
  customerByLoyaltyCard(cardNumber: $card) {
    id firstName lastName email phone
    loyalty { cardNumber tier points }
    preferences { preferredChannel emailOptIn smsOptIn interests }
    favoriteStore { code }
    purchaseHistory(first: $first, after: $after, channel: $channel) {
      totalCount unavailableSources pageInfo { hasNextPage endCursor }
      edges { cursor node { id channel occurredAt total { amount }
                            lines { sku quantity product { sku } }
                            ... on Order { orderNumber status fulfillment { method store { code } } }
                            ... on StoreReceipt { receiptNumber store { code } } } }
    }
  }
}"""
PROFILE = """
query Profile($id: ID!) {
  customer(id: $id) {
    firstName
    wishlist { items { product { sku } addedAt channel } }
    notes(first: 10) { text topics channel createdAt store { code } }
    recommendedAccessories(first: 10) { sku }
    orders(first: 100) { totalCount edges { node { orderNumber customer { id } } } }
  }
}"""
TIERS = {"Bronze": "BASIC", "Silver": "SILVER", "Gold": "GOLD", "Platinum": "PLATINUM"}


def busy_customer(world: World) -> DemoCustomer:
    """A customer who buys on both channels, with enough history to need several pages."""
    return max((c for c in world.customers if c.card and c.webshop_id),
               key=lambda c: min(len(world.history.web_orders(c)), len(world.history.receipts(c))))


async def walk_history(stack: Stack, card: str, first: int, channel: str | None = None) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        variables = {"card": card, "first": first, "after": after, "channel": channel}
        page = (await stack.data(BY_CARD, variables))["customerByLoyaltyCard"]["purchaseHistory"]
        nodes += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


async def test_a_scanned_card_finds_the_customer_with_loyalty_and_preferences(stack: Stack) -> None:
    c = busy_customer(stack.world)
    data = (await stack.data(BY_CARD, {"card": c.card, "first": 1}))["customerByLoyaltyCard"]
    assert data["id"] == global_id("Customer", c.crm_id)
    assert (data["firstName"], data["lastName"], data["email"]) == (c.first_name, c.last_name, c.email)
    assert data["loyalty"] == {"cardNumber": c.card, "tier": TIERS[c.tier or ""], "points": c.points}
    assert sorted(data["preferences"]["interests"]) == sorted(c.interests)
    assert data["favoriteStore"] == ({"code": c.favourite_store} if c.favourite_store else None)


async def test_history_merges_both_channels_newest_first_across_pages(stack: Stack) -> None:
    c = busy_customer(stack.world)
    orders, receipts = stack.world.history.web_orders(c), stack.world.history.receipts(c)
    nodes = await walk_history(stack, c.card or "", first=4)
    assert len(nodes) == len(orders) + len(receipts)
    assert [n["occurredAt"] for n in nodes] == sorted((n["occurredAt"] for n in nodes), reverse=True)
    assert {n["orderNumber"] for n in nodes if n["channel"] == "WEB"} == {str(o.id) for o in orders}
    assert len({n["id"] for n in nodes}) == len(nodes)
    first_page = (await stack.data(BY_CARD, {"card": c.card, "first": 4}))["customerByLoyaltyCard"]
    assert first_page["purchaseHistory"]["totalCount"] == len(nodes)


async def test_the_channel_filter_keeps_one_channel(stack: Stack) -> None:
    c = busy_customer(stack.world)
    stores_only = await walk_history(stack, c.card or "", first=50, channel="STORE")
    assert len(stores_only) == len(stack.world.history.receipts(c))
    assert {n["channel"] for n in stores_only} == {"STORE"}


async def test_a_delisted_article_has_no_product_and_a_respelled_sku_still_finds_one(stack: Stack) -> None:
    world = stack.world
    delisted = {p.index for p in world.products if p.delisted}
    respelled = {p.index for p in world.products if p.webshop_sku != p.sku}
    c = next(c for c in world.customers if c.card and any(
        line.product_index in delisted for r in world.history.receipts(c) for line in r.lines))
    lines = [line for n in await walk_history(stack, c.card or "", first=100) for line in n["lines"]]
    gone = {world.products[i].sku for i in delisted}
    assert any(line["sku"] in gone and line["product"] is None for line in lines)
    assert all(line["product"] == {"sku": line["sku"]} for line in lines if line["sku"] not in gone)
    buyer = next((c for c in world.customers if c.card and c.webshop_id and any(
        line.product_index in respelled for o in world.history.web_orders(c) for line in o.lines)), None)
    if buyer is not None:
        web_lines = [line for n in await walk_history(stack, buyer.card or "", first=100, channel="WEB")
                     for line in n["lines"]]
        assert all(line["product"] is not None for line in web_lines)


async def test_an_unknown_card_is_null(stack: Stack) -> None:
    assert (await stack.data(BY_CARD, {"card": "LC-NOPE", "first": 1})) == {"customerByLoyaltyCard": None}


async def test_wishlist_notes_orders_and_recommendations(stack: Stack) -> None:
    world = stack.world
    c = next(c for c in world.customers if world.history.wishlist(c) and world.history.notes(c)
             and world.history.web_orders(c))
    data = (await stack.data(PROFILE, {"id": global_id("Customer", c.crm_id)}))["customer"]
    wished = [world.products[w.product_index].sku for w in world.history.wishlist(c)]
    assert [i["product"]["sku"] for i in data["wishlist"]["items"]] == wished
    assert [n["text"] for n in data["notes"]] == [n.text for n in world.history.notes(c)][:10]
    assert data["orders"]["totalCount"] == len(world.history.web_orders(c))
    assert {e["node"]["customer"]["id"] for e in data["orders"]["edges"]} == {global_id("Customer", c.crm_id)}
    bought = {world.products[line.product_index].sku for o in world.history.web_orders(c) for line in o.lines}
    bought |= {world.products[line.product_index].sku for r in world.history.receipts(c) for line in r.lines}
    assert not {p["sku"] for p in data["recommendedAccessories"]} & bought
