"""Holds are atomic across processes: two gateways sharing one ledger file never sell the last unit twice."""

import asyncio
import multiprocessing
from datetime import UTC, datetime, timedelta
from multiprocessing.synchronize import Barrier
from pathlib import Path

from connectors.domain import Hold
from connectors.ledger.database import open_database
from connectors.ledger.holds import LedgerReservations

NOW = datetime(2026, 5, 2, 9, 30, tzinfo=UTC)
HOLDS_PER_PROCESS = 10


async def _race(path: Path, name: str) -> int:
    async with open_database(path) as database:
        ledger = LedgerReservations(database)
        holds = [Hold(f"{name}-{i}", "SKU-1", "L7", 1, "C1", None, NOW, NOW + timedelta(hours=48))
                 for i in range(HOLDS_PER_PROCESS)]
        return sum(await asyncio.gather(*(ledger.hold(h, available=1) for h in holds)))


def _contender(path: Path, name: str, start: Barrier, won: "multiprocessing.Queue[int]") -> None:
    start.wait()
    won.put(asyncio.run(_race(path, name)))


def test_two_processes_racing_for_the_last_unit_get_it_once(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    context = multiprocessing.get_context("spawn")
    start, won = context.Barrier(2), context.Queue()
    contenders = [context.Process(target=_contender, args=(path, name, start, won)) for name in ("a", "b")]
    for process in contenders:
        process.start()
    results = [won.get(timeout=60) for _ in contenders]
    for process in contenders:
        process.join(timeout=10)

    assert sorted(results) == [0, 1] and all(p.exitcode == 0 for p in contenders)

    async def stored() -> list[int]:
        async with open_database(path) as database:
            return await LedgerReservations(database).held([("SKU-1", "L7")], NOW)
    assert asyncio.run(stored()) == [1]
