"""The whole comparison in one order: floor, cold calls, Omnigate and the peer side by side (1 then 2 workers,
adjacent runs), the ablations, the soak; all against one simulator process."""

import tempfile
import traceback
from pathlib import Path

from simulators.world import Scale, World, build_world

from .baseline import cold_calls, floor_cells
from .config import Config
from .draws import Draw, Draws, Population
from .floor import floor
from .measure import at_fifty, measure
from .principals import Principals
from .processes import BATCHING_OFF, OPERATION_CACHE_OFF, RESPONSE_CACHE_OFF, SHARED_CACHES_OFF, simulators
from .results import Results
from .scenarios import SCENARIOS
from .soak import soak
from .targets import install_peer, mesh, omnigate, peer_missing

ABLATIONS: dict[str, dict[str, str]] = {"operation cache off": OPERATION_CACHE_OFF,
                                        "response cache off": RESPONSE_CACHE_OFF,
                                        "shared caches off": {**SHARED_CACHES_OFF, **RESPONSE_CACHE_OFF},
                                        "batching off": BATCHING_OFF,
                                        "tracing to memory": {}}


def peer_reason(config: Config) -> str | None:
    """Why the peer is left out of this run, or None once it is installed."""
    if config.skip_peer:
        return "--skip-peer"
    missing = peer_missing()
    if missing is None:
        try:
            install_peer()
        except Exception as exc:
            return f"its install failed: {exc!r}"
    return missing


async def run(config: Config) -> Results:
    world = build_world(seed=config.seed, scale=Scale[config.scale.upper()])
    population = Population.of(world)
    stream = Draws(population, config.seed)
    draws = {name: stream.many(config.draws, SCENARIOS[name].skus) for name in config.scenarios}
    results = Results()
    without_peer = peer_reason(config)
    if without_peer is not None:
        results.not_available["GraphQL Mesh peer"] = without_peer
        print(f"the peer is skipped: {without_peer}", flush=True)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        keys = folder / "keys.json"
        principals = Principals.write([s.code for s in population.stores], keys)
        async with simulators(config.scale, config.seed, config.latency_ms) as sim:
            await _floor_and_cold(results, world, draws, config, sim.url, folder, keys, principals)
            for workers in config.worker_levels:
                async with omnigate(sim.url, keys, principals, workers) as target:
                    results.targets.append(await measure(target, sim.url, draws, config))
                if without_peer is None:
                    await _peer(results, sim.url, workers, draws, config)
            for mode, extra in ABLATIONS.items():
                async with omnigate(sim.url, keys, principals, 1, extra, traced=mode == "tracing to memory") as t:
                    results.ablations[mode] = await at_fifty(t, sim.url, draws, config.ablation_scenarios, config)
                print(f"  ablation {mode}: " + ", ".join(f"{s} {c.rate:.0f}/s"
                                                         for s, c in results.ablations[mode].items()), flush=True)
            if not config.skip_soak:
                async with omnigate(sim.url, keys, principals, 1) as target:
                    results.soak = await soak(target, sim.url, draws, config)
    return results


async def _floor_and_cold(results: Results, world: World, draws: dict[str, list[Draw]], config: Config,
                          sim_url: str, folder: Path, keys: Path, principals: Principals) -> None:
    async with floor(sim_url, world, folder) as the_floor:
        await the_floor.learn_variation_ids([p.sku for p in world.products])
        results.floor, results.ideal_calls = await floor_cells(the_floor, draws, config, sim_url)
    async with omnigate(sim_url, keys, principals, 1, SHARED_CACHES_OFF) as target:
        results.cold_calls = await cold_calls(target, draws, config, sim_url)
    print("  cold calls per request: " + ", ".join(f"{s} {n:.1f} (ideal {results.ideal_calls[s]:.1f})"
                                                   for s, n in results.cold_calls.items()), flush=True)


async def _peer(results: Results, sim_url: str, workers: int, draws: dict[str, list[Draw]], config: Config) -> None:
    """The peer at `workers`; a failure of it is reported, not fatal (it is another project's gateway)."""
    try:
        async with mesh(sim_url, workers) as target:
            results.targets.append(await measure(target, sim_url, draws, config))
    except Exception as exc:
        traceback.print_exc()
        results.not_available[f"GraphQL Mesh peer ×{workers}"] = f"it failed: {exc!r}"
