"""`priceDiscrepancies` from the gateway's price-audit index: exactly the world's discrepancies, exact totals,
stable pages, a price changed in a back office shown after a refresh, no upstream call per page, an honest
answer while the index is warming or its systems are down (issue 13, item 4)."""

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from gateway.appkeys import REFERENCE_KEY
from simulators.world import DemoProduct, World
from tests.direct import WEBSHOP_AUTH
from tests.harness import Stack, running_stack
from tests.test_gateway_products import current_price, euros

AUDIT = """
query Audit($first: Int, $after: String) {
  priceDiscrepancies(first: $first, after: $after) {
    totalCount indexedAt
    pageInfo { hasNextPage hasPreviousPage endCursor }
    nodes { product { sku name } expected { amount } channelPrices { source amount { amount } } }
  }
}"""


def disagreeing(world: World) -> dict[str, DemoProduct]:
    """What the world's systems hold, computed apart from the gateway: listed products whose POS or web shop
    price is not the ERP's current one."""
    today = datetime.now(UTC)
    return {p.sku: p for p in world.products if not p.delisted and (
        p.pos_price != current_price(p, today)
        or (p.webshop_id is not None and p.webshop_price != current_price(p, today)))}


async def every_page(stack: Stack, first: int) -> tuple[list[dict[str, Any]], list[int]]:
    """Every node, paging `first` at a time, and the totalCount each page said."""
    nodes: list[dict[str, Any]] = []
    totals: list[int] = []
    after = None
    while True:
        page = (await stack.data(AUDIT, {"first": first, "after": after}))["priceDiscrepancies"]
        nodes += page["nodes"]
        totals.append(page["totalCount"])
        if not page["pageInfo"]["hasNextPage"]:
            return nodes, totals
        after = page["pageInfo"]["endCursor"]


async def set_webshop_price(stack: Stack, product_id: int, cents: int) -> None:
    """Through the web shop's own API, as a shop manager would."""
    async with stack.http.post(f"{stack.sim_url}/webshop/wp-json/wc/v3/products/batch", params=WEBSHOP_AUTH,
                               json={"update": [{"id": product_id, "regular_price": euros(cents),
                                                 "sale_price": ""}]}) as r:
        assert r.status == 200, await r.text()


async def skus_listed(stack: Stack) -> set[str]:
    nodes, _ = await every_page(stack, 100)
    return {n["product"]["sku"] for n in nodes}


@pytest.fixture
async def built(stack: Stack) -> Stack:
    await stack.audit_built()
    await stack.reset_calls()
    return stack


async def test_the_index_holds_exactly_the_discrepancies_of_the_world_with_their_prices(built: Stack) -> None:
    # given the world's own discrepancies
    expected = disagreeing(built.world)
    today = datetime.now(UTC)

    # when the audit is paged 3 at a time
    nodes, totals = await every_page(built, 3)

    # then each disagreeing product comes once, in sku order, with every page's totalCount exact
    assert [n["product"]["sku"] for n in nodes] == sorted(expected)
    assert set(totals) == {len(expected)}
    for node in nodes:
        p = expected[node["product"]["sku"]]
        prices = {c["source"]: Decimal(c["amount"]["amount"]) for c in node["channelPrices"]}
        assert Decimal(node["expected"]["amount"]) == Decimal(current_price(p, today)).scaleb(-2) == prices["erp"]
        assert prices["pos"] == Decimal(p.pos_price).scaleb(-2)


async def test_a_built_index_answers_every_page_without_an_upstream_call(built: Stack) -> None:
    # when the whole audit is read, with the products' names
    started = time.perf_counter()
    nodes, _ = await every_page(built, 2)
    elapsed = time.perf_counter() - started

    # then no back office was asked, and each page came from memory
    assert nodes and all(n["product"]["name"] for n in nodes)
    assert await built.calls() == {}
    assert elapsed / (len(nodes) / 2) < 0.5  # per page, on a loaded CI machine; milliseconds when idle


async def test_a_cursor_keeps_its_place_when_the_index_is_rebuilt_meanwhile(built: Stack) -> None:
    # given a first page, then a product sorting before its end made to disagree, and the index rebuilt
    first = (await built.data(AUDIT, {"first": 3}))["priceDiscrepancies"]
    seen = [n["product"]["sku"] for n in first["nodes"]]
    listed = disagreeing(built.world)
    newcomer = next(p for p in sorted(built.world.products, key=lambda p: p.sku) if p.sku < seen[-1]
                    and p.sku not in listed and p.webshop_id is not None and not p.delisted)
    await set_webshop_price(built, newcomer.webshop_id or 0, newcomer.webshop_price + 100)
    await built.app[REFERENCE_KEY].price_audit.refresh()

    # when the next page is asked with the first page's cursor
    second = (await built.data(AUDIT, {"first": 3, "after": first["pageInfo"]["endCursor"]}))["priceDiscrepancies"]

    # then it starts right after the last sku seen (no repeat, no skip), and the total counts the newcomer
    assert [n["product"]["sku"] for n in second["nodes"]] == sorted(s for s in listed if s > seen[-1])[:3]
    assert second["totalCount"] == first["totalCount"] + 1
    assert second["indexedAt"] > first["indexedAt"]


async def test_a_price_changed_in_the_web_shop_shows_after_the_next_background_refresh(live_world: World) -> None:
    async with running_stack(live_world, {"OMNIGATE_PRICE_AUDIT_AT_START": "true",
                                          "OMNIGATE_PRICE_AUDIT_REFRESH_S": "0.3"}) as stack:
        # given the index built at start-up, and a product all systems agree on
        await stack.audit_built()
        listed = disagreeing(live_world)
        today = datetime.now(UTC)
        agreed = next(p for p in live_world.products if p.sku not in listed and p.webshop_id is not None
                      and not p.delisted and not p.promotions)
        assert agreed.sku not in await skus_listed(stack)

        # when the web shop's price of it changes, then changes back
        await set_webshop_price(stack, agreed.webshop_id or 0, current_price(agreed, today) + 50)
        appeared = await until(stack, lambda skus: agreed.sku in skus)
        await set_webshop_price(stack, agreed.webshop_id or 0, current_price(agreed, today))
        gone = await until(stack, lambda skus: agreed.sku not in skus)

        # then the audit lists it, then no longer, each within a few refreshes (read incrementally: only the
        # products the shop changed since the last read)
        assert appeared and gone
        assert await stack.calls() and "GET /webshop/wp-json/wc/v3/products" in await stack.calls()


async def until(stack: Stack, holds: Any, within_s: float = 10.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if holds(await skus_listed(stack)):
            return True
        await asyncio.sleep(0.1)
    return False


@pytest.fixture
async def cold(live_world: World) -> AsyncIterator[Stack]:
    async with running_stack(live_world) as stack:  # the harness builds the index on first use
        await stack.warm()
        yield stack


async def test_while_warming_the_audit_says_so_and_scans_nothing_on_the_request_path(cold: Stack) -> None:
    # given a gateway whose index has never been built, its back offices slow
    await cold.fault(system="erp", latency_ms=1000)
    await cold.reset_calls()

    # when staff ask for the audit
    started = time.perf_counter()
    body = await cold.graphql(AUDIT, {"first": 5})
    elapsed = time.perf_counter() - started

    # then it answers at once: empty, with WARMING_UP and when to ask again; the build runs behind it
    assert body["data"]["priceDiscrepancies"] == {
        "totalCount": 0, "indexedAt": None, "nodes": [],
        "pageInfo": {"hasNextPage": False, "hasPreviousPage": False, "endCursor": None}}
    assert [(e["extensions"]["code"], e["path"]) for e in body["errors"]] == [("WARMING_UP", ["priceDiscrepancies"])]
    assert body["errors"][0]["extensions"]["retryAfterS"] > 0
    assert elapsed < 0.9  # one ERP call alone takes 1 s
    await cold.fault(system="erp", latency_ms=0)
    await cold.audit_built()
    assert (await cold.data(AUDIT, {"first": 5}))["priceDiscrepancies"]["totalCount"] == len(
        disagreeing(cold.world))


async def test_a_failed_rebuild_keeps_serving_the_last_index_as_of_when_it_was_read(built: Stack) -> None:
    # given a built index, then the POS down and a rebuild tried
    before = (await built.data(AUDIT, {"first": 5}))["priceDiscrepancies"]
    await built.fault(system="pos", down=True)
    with pytest.raises(Exception, match="pos"):
        await built.app[REFERENCE_KEY].price_audit.refresh()

    # when the audit is asked
    after = (await built.data(AUDIT, {"first": 5}))["priceDiscrepancies"]

    # then the last complete index answers, dated when it was read
    assert after == before
