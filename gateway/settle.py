"""Concurrent reads from several back offices where one failing must not sink the others."""

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from connectors.errors import ConnectorError

T = TypeVar("T")


async def settle(*reads: Awaitable[T]) -> list[T | ConnectorError]:
    """Runs the reads concurrently; a back office's failure comes back in its place, a bug is raised."""
    results = await asyncio.gather(*reads, return_exceptions=True)
    settled: list[T | ConnectorError] = []
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, ConnectorError):
            raise result
        settled.append(result)
    return settled


def answered(results: list[T | ConnectorError]) -> list[T]:
    return [r for r in results if not isinstance(r, ConnectorError)]
