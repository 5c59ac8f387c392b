"""What the ERP simulator test modules share: a running simulator and an authenticated client."""

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from yarl import URL

from simulators.erp.services import GROUP_ROOT, PRICING_ROOT, PRODREL_ROOT, PRODUCT_ROOT, STOCK_ROOT
from simulators.erp.simulator import ErpSimulator
from simulators.world import World

AUTH = {"Authorization": aiohttp.encode_basic_auth("omnigate", "demo-erp")}
JSON = {"$format": "json"}

__all__ = ["AUTH", "GROUP_ROOT", "JSON", "PRICING_ROOT", "PRODREL_ROOT", "PRODUCT_ROOT", "STOCK_ROOT", "Erp",
           "running_erp"]


@dataclass
class Erp:
    sim: ErpSimulator
    url: str  # base URL with the /erp prefix
    session: aiohttp.ClientSession

    async def get(self, path: str, params: Mapping[str, str] | None = None,
                  headers: Mapping[str, str] | None = None) -> tuple[int, Any]:
        """GET `url + path`; the JSON body when there is one, else the text."""
        async with self.session.get(self.url + path, params=params, headers=headers) as response:
            if response.content_type == "application/json":
                return response.status, await response.json()
            return response.status, await response.text()

    async def follow(self, link: str) -> tuple[int, Any]:
        """GET a link exactly as the service sent it (root-relative or absolute)."""
        target = link if link.startswith("http") else self.url.removesuffix("/erp") + link
        async with self.session.get(URL(target, encoded=True)) as response:
            return response.status, await response.json()


@asynccontextmanager
async def running_erp(world: World, sim: ErpSimulator | None = None) -> AsyncIterator[Erp]:
    """Serves `sim` (built from `world` when not given) for the duration of the block."""
    sim = sim or ErpSimulator(world)
    url = await sim.start()
    try:
        async with aiohttp.ClientSession(headers=AUTH) as session:
            yield Erp(sim, url, session)
    finally:
        await sim.stop()


def keys_filter(prop: str, values: list[str]) -> str:
    return " or ".join(f"{prop} eq '{v}'" for v in values)
