"""What load is sent to: a running gateway (Omnigate or the peer) with its GraphQL URL, its processes, and how it
words each scenario's request."""

import importlib
import importlib.util
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .draws import Draw
from .principals import Principals
from .processes import gateway
from .scenarios import SCENARIOS

Request = dict[str, Any]  # {"body": {"query", "variables"}, "headers": {...}}


@dataclass(frozen=True)
class Target:
    name: str  # "omnigate", "mesh"
    workers: int
    url: str  # the GraphQL endpoint
    pids: Callable[[], list[int]]
    request: Callable[[str, Draw], Request]  # (scenario, draw) -> what is sent
    status: tuple[str, dict[str, str]] | None = None  # Omnigate's `/status` and who may read it

    @property
    def label(self) -> str:
        return f"{self.name} ×{self.workers}"


def omnigate_request(principals: Principals) -> Callable[[str, Draw], Request]:
    def request(scenario: str, draw: Draw) -> Request:
        s = SCENARIOS[scenario]
        return {"body": s.body(draw), "headers": s.headers(principals, draw)}

    return request


@asynccontextmanager
async def omnigate(sim_url: str, keys_file: Path, principals: Principals, workers: int,
                   extra: dict[str, str] | None = None, traced: bool = False) -> AsyncIterator[Target]:
    async with gateway(sim_url, keys_file, workers, extra or {}, traced) as running:
        yield Target("omnigate", workers, f"{running.url}/graphql", lambda: running.pids,
                     omnigate_request(principals), (f"{running.url}/status", principals.staff()))


def peer_missing() -> str | None:
    """Why the peer cannot run, or None: bench/mesh.py (another branch) may not be merged yet."""
    if importlib.util.find_spec("bench.mesh") is None:
        return "bench/mesh.py is absent (the GraphQL Mesh peer is not merged into this tree)"
    return None


def install_peer() -> None:
    importlib.import_module("bench.mesh").install()


@asynccontextmanager
async def mesh(sim_url: str, workers: int) -> AsyncIterator[Target]:
    peer_module = importlib.import_module("bench.mesh")
    async with peer_module.serve(sim_url, workers=workers) as peer:
        def request(scenario: str, draw: Draw) -> Request:
            return {"body": peer_module.mesh_request(scenario, draw), "headers": {}}

        yield Target("mesh", workers, str(peer.url), lambda: list(peer.pids), request)
