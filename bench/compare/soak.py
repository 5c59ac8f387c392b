"""The soak: many requests of the mixed scenarios at concurrency 20 on a warmed gateway, its RSS sampled as
they run, so a leak shows as a rising series."""

import time

import aiohttp

from . import load
from .config import Config
from .draws import Draw
from .measure import mixed, warm
from .procfs import total_rss
from .results import Soak
from .targets import Target


async def soak(target: Target, sim_url: str, draws: dict[str, list[Draw]], config: Config) -> Soak:
    async with aiohttp.ClientSession() as http:
        await warm(target, sim_url, draws, config, http)
    after_warm = total_rss(target.pids())
    series: list[tuple[float, float]] = []
    started = time.perf_counter()

    async def sample() -> None:
        series.append((time.perf_counter() - started, total_rss(target.pids())))

    plan = load.Plan(target.url, mixed(target, draws), config.soak_concurrency, amount=config.soak_requests)
    cell = await load.run(plan, config.rss_every_s, sample)
    await sample()
    return Soak(config.soak_requests, config.soak_concurrency, after_warm, series, series[-1][1], cell)
