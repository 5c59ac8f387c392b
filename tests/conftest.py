"""Shared fixtures: one small demo world per test session (building it is pure and fast)."""

from collections.abc import AsyncIterator, Iterator
from datetime import date

import aiohttp
import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from gateway.telemetry import add_span_exporter
from simulators.world import Scale, World, build_world

from .harness import Stack, running_stack
from .postgres import PostgresServer, running_postgres

AS_OF = date(2026, 11, 20)


@pytest.fixture(scope="session")
def world() -> World:
    return build_world(seed=42, scale=Scale.SMALL, as_of=AS_OF)


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """A client for tests that talk to one simulator or adapter directly."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture(scope="session")
def live_world() -> World:
    """A small world dated today, so the gateway's clock and the world's agree on running promotions."""
    return build_world(seed=42, scale=Scale.SMALL)


@pytest.fixture
async def stack(live_world: World) -> AsyncIterator[Stack]:
    """Simulators and gateway on 127.0.0.1, reference data warm, call counts reset."""
    async with running_stack(live_world) as stack:
        await stack.warm()
        await stack.reset_calls()
        yield stack


@pytest.fixture(scope="module")
def exporter() -> Iterator[InMemorySpanExporter]:
    """Every span the gateway ends from here on, kept in memory for the module's tests to read."""
    spans = InMemorySpanExporter()
    add_span_exporter(spans)
    yield spans
    spans.shutdown()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL cluster for the session; each test takes a database of its own (`new_database`)."""
    with running_postgres() as server:
        yield server
