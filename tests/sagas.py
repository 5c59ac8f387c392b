"""Steering one step of a saga to fail, and reading what the ledger and the systems hold afterwards."""

import asyncio
from typing import Any

from gateway.appkeys import BACKENDS_KEY

from .harness import Stack

ORDERS = "/webshop/wp-json/wc/v3/orders"
REFUNDS = "/webshop/wp-json/wc/v3/orders/{order_id}/refunds"
INVENTORY_CHANGES = "/pos/v2/inventory/changes/batch-create"
INVENTORY_COUNTS = "/pos/v2/inventory/counts/batch-retrieve"


async def fail_route(stack: Stack, system: str, route: str, **fault: Any) -> None:
    """`route` as `/_sim/stats` names it, e.g. "POST /webshop/wp-json/wc/v3/orders"."""
    await stack.fault(system=system, route=route, **fault)


async def clear_faults(stack: Stack) -> None:
    async with stack.http.delete(f"{stack.sim_url}/_sim/faults") as r:
        assert r.status == 200


async def journaled(stack: Stack) -> list[str]:
    """What the undo journal still has to do, as "KIND target"."""
    return [f"{e.undo.kind.value} {e.undo.target}" for e in await stack.app[BACKENDS_KEY].journal.pending()]


async def until_journal_empty(stack: Stack, timeout_s: float = 30.0) -> None:
    """The journal's worker retries with backoff (1 s, 2 s, …): wait for it, bounded."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while await journaled(stack):
        assert asyncio.get_running_loop().time() < deadline, await journaled(stack)
        await asyncio.sleep(0.2)
