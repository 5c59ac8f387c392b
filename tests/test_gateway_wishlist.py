"""addToWishlist / removeFromWishlist over HTTP: the customer's own list in the web shop, seen on the kiosk."""

from typing import Any

from gateway.auth.principals import Role
from simulators.world import World
from simulators.world.records import DemoCustomer
from tests.direct import WEBSHOP_AUTH
from tests.harness import Stack, api_key, bearer

ADD = """
mutation Add($sku: String!) {
  addToWishlist(sku: $sku) { wishlist { items { product { sku } channel } } userErrors { field code message } }
}"""
REMOVE = """
mutation Remove($sku: String!) {
  removeFromWishlist(sku: $sku) { wishlist { items { product { sku } } } userErrors { field code message } }
}"""
ON_KIOSK = """
query Kiosk($card: String!) { customerByLoyaltyCard(cardNumber: $card) { wishlist { items { product { sku } } } } }"""
WISHLIST_API = "/webshop/wp-json/wc/v3/wishlist"


def without_list(world: World) -> DemoCustomer:
    """A customer with a web shop account and a loyalty card, and no wishlist yet."""
    return next(c for c in world.customers if c.webshop_id and c.card and not world.history.wishlist(c))


def with_list(world: World) -> DemoCustomer:
    return next(c for c in world.customers if c.webshop_id and c.card and world.history.wishlist(c))


def online_skus(world: World) -> list[str]:
    return [p.sku for p in world.products if p.webshop_id is not None]


async def shop_product_ids(stack: Stack, webshop_id: int) -> list[int]:
    """Straight from the simulated plugin: the product ids on the customer's list, none without a list."""
    async with stack.http.get(f"{stack.sim_url}{WISHLIST_API}/get_by_user/{webshop_id}", params=WEBSHOP_AUTH) as r:
        lists = await r.json()
    if r.status == 400:
        return []
    key = lists[0]["share_key"]
    async with stack.http.get(f"{stack.sim_url}{WISHLIST_API}/{key}/get_products",
                              params={**WEBSHOP_AUTH, "count": "100"}) as r:
        return [int(item["product_id"]) for item in await r.json()]


async def mutate(stack: Stack, document: str, sku: str, headers: dict[str, str]) -> dict[str, Any]:
    [payload] = (await stack.data(document, {"sku": sku}, headers)).values()
    result: dict[str, Any] = payload
    return result


async def test_added_twice_is_listed_once_shown_on_the_kiosk_and_removed_once(stack: Stack) -> None:
    c = without_list(stack.world)
    me = bearer(Role.CUSTOMER, c.crm_id)
    sku = online_skus(stack.world)[0]
    product = next(p for p in stack.world.products if p.sku == sku)

    first = await mutate(stack, ADD, sku, me)
    again = await mutate(stack, ADD, sku, me)

    listed = {"wishlist": {"items": [{"product": {"sku": sku}, "channel": "WEB"}]}, "userErrors": []}
    assert first == again == listed
    assert await shop_product_ids(stack, int(c.webshop_id or 0)) == [product.webshop_id]
    kiosk = (await stack.data(ON_KIOSK, {"card": c.card}, api_key(stack.keys.kiosk)))["customerByLoyaltyCard"]
    assert kiosk == {"wishlist": {"items": [{"product": {"sku": sku}}]}}

    removed = await mutate(stack, REMOVE, sku, me)
    removed_again = await mutate(stack, REMOVE, sku, me)

    assert removed == removed_again == {"wishlist": {"items": []}, "userErrors": []}
    assert await shop_product_ids(stack, int(c.webshop_id or 0)) == []


async def test_an_article_is_added_after_those_already_listed(stack: Stack) -> None:
    c = with_list(stack.world)
    listed = [stack.world.products[w.product_index].sku for w in stack.world.history.wishlist(c)]
    sku = next(s for s in online_skus(stack.world) if s not in listed)

    payload = await mutate(stack, ADD, sku, bearer(Role.CUSTOMER, c.crm_id))

    assert payload["userErrors"] == []
    assert [i["product"]["sku"] for i in payload["wishlist"]["items"]] == [*listed, sku]


async def test_only_the_customer_may_and_nobody_else_reaches_a_back_office(stack: Stack) -> None:
    sku = online_skus(stack.world)[0]
    for headers in ({}, bearer(Role.STAFF, "staff-suite"), api_key(stack.keys.kiosk), api_key(stack.keys.partner)):
        for document in (ADD, REMOVE):
            body = await stack.graphql(document, {"sku": sku}, headers)
            assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN", headers

    assert await stack.calls() == {}


async def test_unknown_articles_and_customers_without_a_web_account_are_not_found(stack: Stack) -> None:
    me = bearer(Role.CUSTOMER, without_list(stack.world).crm_id)
    offline = next(p.sku for p in stack.world.products if p.webshop_id is None)
    no_account = next(c for c in stack.world.customers if c.webshop_id is None)

    for document in (ADD, REMOVE):
        for sku in ("NOPE-00000", offline):
            payload = await mutate(stack, document, sku, me)
            assert payload["wishlist"] is None
            assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["sku"], "NOT_FOUND")]
        payload = await mutate(stack, document, online_skus(stack.world)[0],
                               bearer(Role.CUSTOMER, no_account.crm_id))
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(None, "NOT_FOUND")]


async def test_with_the_web_shop_down_a_retry_is_asked_for(stack: Stack) -> None:
    c = without_list(stack.world)
    await stack.fault(system="webshop", down=True)

    payload = await mutate(stack, ADD, online_skus(stack.world)[0], bearer(Role.CUSTOMER, c.crm_id))

    assert payload["wishlist"] is None and [e["code"] for e in payload["userErrors"]] == ["UPSTREAM_UNAVAILABLE"]
