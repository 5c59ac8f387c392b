"""Benchmark: how long an appointment request takes to reach the store's staff subscribed over WebSocket.

The simulators run in this process (small world by default), the gateway in a process of its own (`omnigate
serve`). `--subscribers` staff of the store follow `appointmentRequests` over `graphql-transport-ws`; a customer
then requests `--requests` appointments there one after another (`requestAppointment` over HTTP, the app's
token). For each request and subscriber: the time from sending the mutation to the event's arrival (the POS
booking, the ledger, the publish, the re-read through the loaders for that subscriber, the push). Also the
gateway's own `omnigate_subscription_push_delay_seconds` (from the event's `occurredAt`, the request's start, to
its push). Reported: p50, p99 and the worst; one run on a shared machine: read the figures as an order of
magnitude.

    .venv/bin/python -m bench.push_latency [--requests 100] [--subscribers 10] [--scale small]
"""

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import aiohttp

from gateway.auth.principals import Role
from gateway.schema.relay import global_id
from simulators.host import SimulatorHost
from simulators.world import Scale, build_world
from tests.gateway_process import GatewayProcess, gateway_process
from tests.harness import bearer
from tests.test_gateway_appointments import REQUEST, STORE, opening
from tests.test_gateway_reservations import OWNER

FOLLOW = """subscription Requests($store: ID!) {
  appointmentRequests(storeId: $store) { kind occurredAt appointment { id status respondBy } } }"""


async def subscriber(http: aiohttp.ClientSession, gateway: GatewayProcess, n: int,
                     arrivals: dict[str, list[float]], ready: asyncio.Event, wanted: int) -> None:
    """One staff member's connection: the monotonic time each appointment's event arrived."""
    headers = bearer(Role.STAFF, f"staff-{n}", store=STORE)
    async with http.ws_connect(gateway.url.replace("http", "ws", 1) + "/graphql",
                               protocols=["graphql-transport-ws"]) as ws:
        await ws.send_json({"type": "connection_init", "payload": headers})
        assert (await ws.receive_json())["type"] == "connection_ack"
        await ws.send_json({"id": "1", "type": "subscribe",
                            "payload": {"query": FOLLOW, "variables": {"store": global_id("Store", STORE)}}})
        ready.set()
        for _ in range(wanted):
            message = await ws.receive_json()
            assert message["type"] == "next", message
            appointment = message["payload"]["data"]["appointmentRequests"]["appointment"]["id"]
            arrivals.setdefault(appointment, []).append(time.monotonic())


async def open_subscriptions(http: aiohttp.ClientSession, gateway: GatewayProcess) -> float:
    async with http.get(f"{gateway.url}/metrics") as r:
        text = await r.text()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("omnigate_subscriptions_open "))


async def gateway_delays(http: aiohttp.ClientSession, gateway: GatewayProcess) -> str:
    async with http.get(f"{gateway.url}/metrics") as r:
        text = await r.text()
    return "\n".join(line for line in text.splitlines()
                     if line.startswith("omnigate_subscription_push_delay_seconds_bucket"))


def percentiles(samples: list[float]) -> str:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return f"p50 {cuts[49] * 1000:.1f} ms, p99 {cuts[98] * 1000:.1f} ms, worst {max(samples) * 1000:.1f} ms"


async def run(args: argparse.Namespace) -> None:
    world = build_world(seed=42, scale=Scale[args.scale.upper()])
    host = SimulatorHost(world)
    sim_url = await host.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            async with gateway_process(sim_url, Path(folder) / "ledger.sqlite3",
                                       OMNIGATE_RATE_LIMITS="customer=0") as gateway, \
                    aiohttp.ClientSession() as http:
                await measure(args, world, http, gateway)
    finally:
        await host.stop()


async def measure(args: argparse.Namespace, world: Any, http: aiohttp.ClientSession,
                  gateway: GatewayProcess) -> None:
    arrivals: dict[str, list[float]] = {}
    readies = [asyncio.Event() for _ in range(args.subscribers)]
    following = [asyncio.create_task(subscriber(http, gateway, n, arrivals, readies[n], args.requests))
                 for n in range(args.subscribers)]
    await asyncio.gather(*(r.wait() for r in readies))
    while await open_subscriptions(http, gateway) < args.subscribers:
        await asyncio.sleep(0.05)
    sent: dict[str, float] = {}
    customer = bearer(Role.CUSTOMER, OWNER)
    when = opening(cast(Any, SimpleNamespace(world=world)))  # what `opening` reads of a stack: its world
    for n in range(args.requests):
        variables = {"input": {"idempotencyKey": f"bench-{n}", "storeId": global_id("Store", STORE),
                               "topic": "Test drive", "requestedFor": when}}
        started = time.monotonic()
        async with http.post(f"{gateway.url}/graphql", json={"query": REQUEST, "variables": variables},
                             headers=customer) as r:
            body = await r.json()
        made = body["data"]["requestAppointment"]["appointment"]
        assert made is not None, body
        sent[made["id"]] = started
    await asyncio.wait_for(asyncio.gather(*following), timeout=60)
    delays = [at - sent[appointment] for appointment, times in arrivals.items() for at in times]
    print(f"{args.requests} appointment requests x {args.subscribers} staff subscribers, {len(delays)} pushes")
    print(f"mutation sent -> event at the subscriber: {percentiles(delays)}")
    print("the gateway's occurredAt -> push histogram (cumulative counts):")
    print(await gateway_delays(http, gateway))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--subscribers", type=int, default=10)
    parser.add_argument("--scale", default="small", choices=[s.name.lower() for s in Scale])
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
