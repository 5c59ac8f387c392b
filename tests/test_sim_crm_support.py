"""Shared helpers of the CRM simulator tests: a started simulator with a client that speaks its API."""

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp

from simulators.crm.simulator import CrmSimulator
from simulators.world import World

TOKEN = "demo-crm-token"
API = "/services/data/v60.0"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@dataclass
class CrmClient:
    """Calls the simulator as the adapter would: paths root-relative, joined onto the instance URL."""

    sim: CrmSimulator
    instance: str
    session: aiohttp.ClientSession

    async def call(self, method: str, path: str, *, params: Mapping[str, str] | None = None, body: Any = None,
                   headers: Mapping[str, str] | None = None, auth: bool = True) -> tuple[int, Any]:
        url = self.instance + (path if path.startswith("/services") else API + path)
        sent = {**(AUTH if auth else {}), **(headers or {})}
        async with self.session.request(method, url, params=params, json=body, headers=sent) as response:
            if response.content_type == "application/json":
                return response.status, await response.json()
            return response.status, await response.text()

    async def query(self, soql: str, batch: int | None = None) -> tuple[int, Any]:
        headers = {"Sforce-Query-Options": f"batchSize={batch}"} if batch else None
        return await self.call("GET", "/query", params={"q": soql}, headers=headers)

    async def records(self, soql: str) -> list[dict[str, Any]]:
        """Every record of a query that must succeed in one page."""
        status, body = await self.query(soql)
        assert status == 200, body
        assert body["done"] is True
        return list(body["records"])

    async def walk(self, soql: str, batch: int | None = None) -> list[dict[str, Any]]:
        """Every record of a query, following `nextRecordsUrl` to the end; checks each page's shape."""
        status, page = await self.query(soql, batch)
        records: list[dict[str, Any]] = []
        while True:
            assert status == 200, page
            records += page["records"]
            if page["done"]:
                assert "nextRecordsUrl" not in page
                assert len(records) == page["totalSize"]
                return records
            status, page = await self.call("GET", page["nextRecordsUrl"])


@asynccontextmanager
async def running(world: World) -> AsyncIterator[CrmClient]:
    sim = CrmSimulator(world)
    instance = await sim.start()
    try:
        async with aiohttp.ClientSession() as session:
            yield CrmClient(sim, instance, session)
    finally:
        await sim.stop()


def quoted(values: list[str]) -> str:
    """A SOQL IN list of string literals."""
    return ", ".join("'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'" for v in values)
