"""The Pricing contract, run against the ERP, the POS and the web shop: each shows its own price per key."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import pytest

from connectors.domain import Money
from connectors.ports import Pricing
from simulators.world import DemoProduct, World

from .conftest import Upstream, implementation


@dataclass(frozen=True)
class PriceSheet:
    """How one system keys an article, and the price the world says it shows (None: it does not sell it)."""

    key: Callable[[DemoProduct], str | None]
    shown: Callable[[World, DemoProduct], int | None]
    unknown: str


def _erp_price(world: World, p: DemoProduct) -> int:
    running = [promo.price for promo in p.promotions if promo.starts <= world.as_of <= promo.ends]
    return running[0] if running else p.list_price


SHEETS = {
    "erp": PriceSheet(lambda p: p.sku, _erp_price, "NOPE-1"),
    "pos": PriceSheet(lambda p: p.gtin, lambda _, p: None if p.delisted else p.pos_price, "0000000000000"),
    "webshop": PriceSheet(lambda p: None if p.webshop_id is None else str(p.webshop_id),
                          lambda _, p: p.webshop_price, "999999"),
}


@pytest.fixture(params=sorted(SHEETS))
def pricing(request: pytest.FixtureRequest) -> tuple[Upstream[Pricing], PriceSheet]:
    return cast(Upstream[Pricing], implementation(request)), SHEETS[request.param]


async def test_prices_match_the_world_aligned_with_repeats_and_unknown_keys(
        pricing: tuple[Upstream[Pricing], PriceSheet], world: World) -> None:
    upstream, sheet = pricing
    products = [p for p in world.products if sheet.key(p) is not None][:60]
    keys = [str(sheet.key(p)) for p in products]

    found = await upstream.adapter.prices([*keys, sheet.unknown, keys[0]])

    expected = [sheet.shown(world, p) for p in products]
    amounts = [None if price is None else price.amount for price in found]
    assert amounts == [*(None if e is None else Money.from_cents(e) for e in expected), None, amounts[0]]
    assert {price.system for price in found if price} == {upstream.system} == {upstream.adapter.system}
    assert sum(price is not None for price in found) > 50


async def test_an_empty_batch_is_answered_without_a_call(pricing: tuple[Upstream[Pricing], PriceSheet]) -> None:
    upstream, _ = pricing

    assert await upstream.adapter.prices([]) == []
    assert upstream.calls() == 0
