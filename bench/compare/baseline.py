"""The floor's cells and the ideal call count, and Omnigate's calls per request with cold caches: both for the
same draws, one request at a time, counted by the simulators."""

import dataclasses

import aiohttp

from . import upstream
from .cells import Cell
from .config import CONCURRENCIES, Config
from .draws import Draw
from .floor import Floor
from .index_wait import until_index_built
from .inprocess import drive
from .targets import Target


async def floor_cells(the_floor: Floor, draws: dict[str, list[Draw]], config: Config, sim_url: str
                      ) -> tuple[dict[str, dict[int, Cell]], dict[str, float]]:
    """(scenario -> concurrency -> cell, scenario -> ideal calls per request)."""
    cells: dict[str, dict[int, Cell]] = {}
    ideal: dict[str, float] = {}
    async with aiohttp.ClientSession() as http:
        for name, scenario_draws in draws.items():
            call = the_floor.scenarios[name]
            cold = scenario_draws[:config.cold_requests]
            await upstream.reset(http, sim_url)
            for d in cold:
                await call(d)
            ideal[name] = sum((await upstream.calls(http, sim_url)).values()) / len(cold)
            cells[name] = {}
            for concurrency in CONCURRENCIES:
                await upstream.quiet(http, sim_url)
                await upstream.reset(http, sim_url)
                measured = await drive(call, scenario_draws, config.connections(concurrency), config.duration(),
                                       config.amount(concurrency))
                calls = sum((await upstream.calls(http, sim_url)).values())
                cells[name][concurrency] = dataclasses.replace(measured, upstream_calls=calls)
            print(f"  floor {name}: ideal {ideal[name]:.1f} calls, " + ", ".join(
                f"c={c} {x.rate:.0f}/s p50 {x.p50_ms:.0f} ms" for c, x in cells[name].items()), flush=True)
    return cells, ideal


async def cold_calls(target: Target, draws: dict[str, list[Draw]], config: Config, sim_url: str
                     ) -> dict[str, float]:
    """Upstream calls per request of each scenario on a gateway whose shared caches are off."""
    found: dict[str, float] = {}
    await until_index_built(target, config.index_wait_s)  # its build's POS calls are no request's
    async with aiohttp.ClientSession() as http:
        for name, scenario_draws in draws.items():
            cold = scenario_draws[:config.cold_requests]
            await upstream.reset(http, sim_url)
            for d in cold:
                request = target.request(name, d)
                async with http.post(target.url, json=request["body"], headers=request["headers"]) as r:
                    answer = await r.json()
                    if r.status != 200 or "errors" in answer:
                        raise RuntimeError(f"{name} failed cold on {target.label}: {str(answer)[:500]}")
            found[name] = sum((await upstream.calls(http, sim_url)).values()) / len(cold)
    return found
