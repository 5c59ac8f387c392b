"""Shared helpers of the web shop simulator tests: a started shop and a client that speaks its API."""

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from multidict import CIMultiDictProxy

from simulators.webshop.simulator import WebshopSimulator
from simulators.world import DemoCustomer, DemoProduct, World

API = "/wp-json/wc/v3"
KEY, SECRET = "ck_demo", "cs_demo"
AUTH = {"Authorization": aiohttp.encode_basic_auth(KEY, SECRET)}


@dataclass(frozen=True)
class Reply:
    status: int
    headers: CIMultiDictProxy[str]
    body: Any

    def links(self) -> dict[str, str]:
        """rel -> URL of the `Link` headers."""
        found = {}
        for header in self.headers.getall("Link", []):
            url, _, rel = header.partition(">; rel=")
            found[rel.strip('"')] = url.lstrip("<")
        return found


@dataclass
class ShopClient:
    """Calls the simulator as a WooCommerce client would: paths under /wp-json/wc/v3, Basic credentials."""

    sim: WebshopSimulator
    base: str
    session: aiohttp.ClientSession

    async def call(self, method: str, path: str, *, params: Mapping[str, str] | None = None, body: Any = None,
                   headers: Mapping[str, str] | None = None, auth: bool = True) -> Reply:
        url = path if path.startswith("http") else self.base + API + path
        sent = {**(AUTH if auth else {}), **(headers or {})}
        async with self.session.request(method, url, params=params, json=body, headers=sent) as response:
            payload = await response.json() if response.content_type == "application/json" else await response.text()
            return Reply(response.status, response.headers, payload)

    async def get(self, path: str, **params: str) -> Reply:
        return await self.call("GET", path, params=params)

    async def ok(self, method: str, path: str, body: Any = None, **params: str) -> Any:
        """The body of a call that must succeed."""
        reply = await self.call(method, path, params=params, body=body)
        assert reply.status in (200, 201), reply.body
        return reply.body

    async def walk(self, path: str, **params: str) -> list[dict[str, Any]]:
        """Every row of a list, following `rel="next"` links; checks the paging headers on the way."""
        reply = await self.call("GET", path, params=params)
        rows: list[dict[str, Any]] = []
        pages = 0
        while True:
            assert reply.status == 200, reply.body
            rows += reply.body
            pages += 1
            total, total_pages = int(reply.headers["X-WP-Total"]), int(reply.headers["X-WP-TotalPages"])
            next_url = reply.links().get("next")
            if next_url is None:
                assert pages == total_pages or total_pages == 0
                assert len(rows) == total
                return rows
            reply = await self.call("GET", next_url)


@asynccontextmanager
async def running(world: World) -> AsyncIterator[ShopClient]:
    sim = WebshopSimulator(world)
    base = await sim.start()
    try:
        async with aiohttp.ClientSession() as session:
            yield ShopClient(sim, base, session)
    finally:
        await sim.stop()


def online(world: World) -> list[DemoProduct]:
    return [p for p in world.products if p.webshop_id is not None]


def shop_customers(world: World) -> list[DemoCustomer]:
    return [c for c in world.customers if c.webshop_id is not None]


def with_orders(world: World, least: int = 1) -> DemoCustomer:
    """The first web shop customer with at least `least` web orders."""
    return next(c for c in shop_customers(world) if len(world.history.web_orders(c)) >= least)


def cents(money: str) -> int:
    """A WooCommerce money string in cents ("19.90" -> 1990)."""
    whole, _, part = money.lstrip("-").partition(".")
    value = int(whole) * 100 + int((part + "00")[:2])
    return -value if money.startswith("-") else value
