"""The simulators' call counters (`/_sim/stats`), and which routes carry catalog, price and store data."""

import asyncio
import time

import aiohttp

# shared across requests and principals: the warm Zipf mix should barely reach these (target: <= 0.1 a request)
REFERENCE_ROUTES = (
    "/Product",  # ERP products (and the search)
    "/ProductRelationship",  # accessories
    "/A_ProductGroupText",  # category names
    "/A_SlsPrcgCndnRecdValidity",  # ERP prices
    "POST /pos/v2/catalog/search",  # POS prices, variation ids
    "/pos/v2/locations",  # the store directory
)


async def reset(http: aiohttp.ClientSession, sim_url: str) -> None:
    async with http.post(f"{sim_url}/_sim/stats/reset") as r:
        r.raise_for_status()


async def calls(http: aiohttp.ClientSession, sim_url: str) -> dict[str, int]:
    """Calls since the last reset, per "METHOD /route"."""
    async with http.get(f"{sim_url}/_sim/stats") as r:
        stats = await r.json()
    return {route: n for system in stats["systems"].values() for route, n in system["routes"].items()}


async def quiet(http: aiohttp.ClientSession, sim_url: str, still_s: float = 1.0, limit_s: float = 120.0) -> None:
    """Until no upstream call has been made for `still_s`: a gateway keeps working on the requests a finished
    load run left in flight, and that work must not count in (nor slow) the next cell."""
    give_up = time.monotonic() + limit_s
    before = sum((await calls(http, sim_url)).values())
    while time.monotonic() < give_up:
        await asyncio.sleep(still_s)
        now = sum((await calls(http, sim_url)).values())
        if now == before:
            return
        before = now


def reference_calls(routes: dict[str, int]) -> int:
    return sum(n for route, n in routes.items() if any(r in route for r in REFERENCE_ROUTES))
