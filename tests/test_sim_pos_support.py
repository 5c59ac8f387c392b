"""Shared helpers for the POS simulator tests: a running simulator, an authorised session, cursor walking."""

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp

from simulators.pos.simulator import PosSimulator
from simulators.world import DemoProduct, World

Json = dict[str, Any]
TOKEN = "demo-pos-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CATALOG_SEARCH = "/v2/catalog/search"
SET_QUERY_MAX = 250


@dataclass
class Pos:
    sim: PosSimulator
    url: str
    session: aiohttp.ClientSession

    async def call(self, method: str, path: str, body: object = None,
                   params: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None,
                   ) -> tuple[int, Json]:
        async with self.session.request(method, self.url + path, json=body, params=params,
                                        headers=AUTH if headers is None else headers) as response:
            return response.status, await response.json()

    async def post(self, path: str, body: Json) -> tuple[int, Json]:
        return await self.call("POST", path, body)

    async def get(self, path: str, params: Mapping[str, str] | None = None) -> tuple[int, Json]:
        return await self.call("GET", path, params=params)

    async def walk(self, path: str, body: Json, key: str) -> list[Json]:
        """Every page of a POST search, following `cursor` until it is gone."""
        found: list[Json] = []
        page: Json = {}
        while True:
            status, page = await self.post(path, {**body, **_resume(page)})
            assert status == 200, page
            found += page.get(key, [])
            if "cursor" not in page:
                return found

    async def walk_get(self, path: str, params: Mapping[str, str], key: str) -> list[Json]:
        found: list[Json] = []
        page: Json = {}
        while True:
            status, page = await self.get(path, {**params, **_resume(page)})
            assert status == 200, page
            found += page.get(key, [])
            if "cursor" not in page:
                return found


def _resume(page: Json) -> dict[str, str]:
    return {"cursor": page["cursor"]} if "cursor" in page else {}


@asynccontextmanager
async def running_pos(world: World) -> AsyncIterator[Pos]:
    sim = PosSimulator(world)
    url = await sim.start()
    try:
        async with aiohttp.ClientSession() as session:
            yield Pos(sim, url, session)
    finally:
        await sim.stop()


def error_of(body: Json) -> Json:
    """The first (and only) error of a Square error body, checked for shape."""
    assert set(body) == {"errors"} and len(body["errors"]) == 1, body
    error: Json = body["errors"][0]
    assert {"category", "code", "detail"} <= set(error), error
    return error


async def variation_ids(pos: Pos, products: Sequence[DemoProduct]) -> dict[str, str]:
    """sku -> variation id, found the way a client finds them: by GTIN (`upc`), deleted ones included."""
    found: dict[str, str] = {}
    gtins = [p.gtin for p in products]
    for start in range(0, len(gtins), SET_QUERY_MAX):
        chunk = gtins[start:start + SET_QUERY_MAX]
        body = {"object_types": ["ITEM_VARIATION"], "include_deleted_objects": True, "limit": 1000,
                "query": {"set_query": {"attribute_name": "upc", "attribute_values": chunk}}}
        for obj in await pos.walk(CATALOG_SEARCH, body, "objects"):
            found[obj["item_variation_data"]["sku"]] = obj["id"]
    return found


def stocked(world: World, store_code: str, minimum: int = 3) -> DemoProduct:
    """A product the store carries with at least `minimum` sellable and nothing reserved."""
    store = world.store_by_code[store_code]
    return next(p for p in world.products if (f := world.store_stock(store, p)) is not None
                and f.sellable >= minimum and f.reserved == 0)
