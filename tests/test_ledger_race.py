"""Holds are atomic across processes: two gateways sharing one ledger, the SQLite file or a PostgreSQL database,
never sell the last unit twice."""

import asyncio
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from connectors.domain import Hold
from connectors.ledger.store import open_ledger
from tests.postgres import PostgresServer

NOW = datetime(2026, 5, 2, 9, 30, tzinfo=UTC)
HOLDS_PER_PROCESS = 10


async def _race(path: Path, url: str | None, name: str, go: Path) -> int:
    async with open_ledger(path, url) as ports:
        ledger = ports.reservations
        holds = [Hold(f"{name}-{i}", "SKU-1", "L7", 1, "C1", None, NOW, NOW + timedelta(hours=48))
                 for i in range(HOLDS_PER_PROCESS)]
        (path.parent / f"{name}.ready").touch()
        while not go.exists():  # both contenders have their connection open: start together
            await asyncio.sleep(0.001)
        return sum(await asyncio.gather(*(ledger.hold(h, available=1) for h in holds)))


def _contender(path: Path, url: str | None, name: str, go: Path) -> int:
    return asyncio.run(_race(path, url, name, go))


@pytest.mark.parametrize("store", ["sqlite", "postgres"])
def test_two_processes_racing_for_the_last_unit_get_it_once(store: str, tmp_path: Path,
                                                           request: pytest.FixtureRequest) -> None:
    path, go = tmp_path / "ledger.sqlite3", tmp_path / "go"
    postgres: PostgresServer | None = request.getfixturevalue("postgres") if store == "postgres" else None
    url = postgres.new_database() if postgres else None
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
        contenders = [pool.submit(_contender, path, url, name, go) for name in ("a", "b")]
        while not all((tmp_path / f"{name}.ready").exists() for name in ("a", "b")):
            time.sleep(0.005)
        go.touch()
        won = sorted(c.result(timeout=45) for c in contenders)

    assert won == [0, 1]

    async def stored() -> list[int]:
        async with open_ledger(path, url) as ports:
            return await ports.reservations.held([("SKU-1", "L7")], NOW)
    assert asyncio.run(stored()) == [1]
