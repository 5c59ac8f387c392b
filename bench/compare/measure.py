"""Measures one target: warmed on the mixed scenarios, then every scenario at every concurrency, with the
upstream calls, the target's CPU (every process of it, from /proc) and its RSS around each scenario."""

import dataclasses
from itertools import chain, zip_longest

import aiohttp

from . import load, upstream
from .cells import Cell
from .config import CONCURRENCIES, Config
from .draws import Draw
from .index_wait import until_index_built
from .procfs import total_cpu, total_rss
from .results import ScenarioRun, TargetRun
from .targets import Request, Target


def mixed(target: Target, draws: dict[str, list[Draw]]) -> list[Request]:
    """The scenarios interleaved, one request of each in turn."""
    per_scenario = [[target.request(name, d) for d in ds] for name, ds in draws.items()]
    return [r for r in chain.from_iterable(zip_longest(*per_scenario)) if r is not None]


async def cell(target: Target, sim_url: str, requests: list[Request], concurrency: int, config: Config,
               http: aiohttp.ClientSession) -> tuple[Cell, dict[str, int]]:
    """One load run; its upstream calls (per route) and the target's CPU during it."""
    await upstream.quiet(http, sim_url)
    await upstream.reset(http, sim_url)
    before = total_cpu(target.pids())
    measured = await load.run(load.Plan(target.url, requests, config.connections(concurrency),
                                        config.duration(), config.amount(concurrency)))
    spent = total_cpu(target.pids()) - before
    routes = await upstream.calls(http, sim_url)
    return dataclasses.replace(measured, upstream_calls=sum(routes.values()), server_cpu_s=spent), routes


async def warm(target: Target, sim_url: str, draws: dict[str, list[Draw]], config: Config,
               http: aiohttp.ClientSession) -> None:
    """Once its availability index is built, the mixed scenarios for `warm_s` at concurrency 10: shared caches,
    the operation cache and the JIT of the peer's runtime warm alike."""
    await until_index_built(target, config.index_wait_s)
    await load.run(load.Plan(target.url, mixed(target, draws), config.connections(10), duration_s=config.warm_s))


async def measure(target: Target, sim_url: str, draws: dict[str, list[Draw]], config: Config) -> TargetRun:
    run = TargetRun(target.label, target.name, target.workers)
    async with aiohttp.ClientSession() as http:
        await warm(target, sim_url, draws, config, http)
        run.warm_mix, routes = await cell(target, sim_url, mixed(target, draws), 10, config, http)
        run.warm_mix_reference_calls = upstream.reference_calls(routes)
        for name, scenario_draws in draws.items():
            requests = [target.request(name, d) for d in scenario_draws]
            scenario = ScenarioRun(rss_before_mb=total_rss(target.pids()))
            for concurrency in CONCURRENCIES:
                scenario.cells[concurrency], _ = await cell(target, sim_url, requests, concurrency, config, http)
            scenario.rss_after_mb = total_rss(target.pids())
            run.scenarios[name] = scenario
            print(f"  {target.label} {name}: " + ", ".join(
                f"c={c} {x.rate:.0f}/s p99 {x.p99_ms:.0f} ms" for c, x in scenario.cells.items()), flush=True)
    return run


async def at_fifty(target: Target, sim_url: str, draws: dict[str, list[Draw]], scenarios: tuple[str, ...],
                   config: Config) -> dict[str, Cell]:
    """The ablations' measure: warmed, then each scenario at concurrency 50."""
    found: dict[str, Cell] = {}
    async with aiohttp.ClientSession() as http:
        await warm(target, sim_url, draws, config, http)
        for name in scenarios:
            requests = [target.request(name, d) for d in draws[name]]
            found[name], _ = await cell(target, sim_url, requests, 50, config, http)
    return found
