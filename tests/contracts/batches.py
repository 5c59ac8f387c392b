"""What every batch method of every port promises (connectors/ports.py): an answer aligned with the keys."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from .conftest import Upstream

K = TypeVar("K")
V = TypeVar("V")


async def assert_batch_contract(upstream: Upstream[Any], read: Callable[[Sequence[K]], Awaitable[Sequence[V]]],
                                known: Sequence[K], unknown: K, missing: object) -> list[V]:
    """An empty batch costs no call; a repeated key gets its first answer, an unknown one `missing`.

    Returns the answers for `known`, so the caller can compare them with the world.
    """
    assert list(await read([])) == []
    assert upstream.calls() == 0
    found = list(await read([*known, unknown, known[0]]))
    assert len(found) == len(known) + 2
    assert found[-2] == missing and found[-1] == found[0]
    assert any(answer != missing for answer in found[:len(known)])
    return found[:len(known)]
