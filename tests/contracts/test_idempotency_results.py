"""The IdempotencyResults contract (Omnigate's ledger, in SQLite and in PostgreSQL): a key's first result, once."""

from datetime import UTC, datetime, timedelta

import pytest

from connectors.domain import Claim, ClaimState
from connectors.ledger.idempotency import RUNNING_LEASE
from connectors.ledger.store import LedgerPorts
from connectors.ports import IdempotencyResults

NOW = datetime(2026, 5, 2, 9, 30, tzinfo=UTC)
DAY = timedelta(hours=24)


@pytest.fixture
def results(ledger: LedgerPorts) -> IdempotencyResults:
    return ledger.idempotency


async def test_a_finished_key_gives_its_first_result_for_the_same_input_only(results: IdempotencyResults) -> None:
    assert await results.claim("customer:C1", "k1", "f1", NOW, DAY) == Claim(ClaimState.NEW)
    assert await results.claim("customer:C1", "k1", "f1", NOW, DAY) == Claim(ClaimState.RUNNING)
    await results.finish("customer:C1", "k1", '{"id": "h1"}')

    assert await results.claim("customer:C1", "k1", "f1", NOW, DAY) == Claim(ClaimState.DONE, '{"id": "h1"}')
    assert await results.claim("customer:C1", "k1", "f2", NOW, DAY) == Claim(ClaimState.CONFLICT)
    assert await results.claim("customer:C2", "k1", "f2", NOW, DAY) == Claim(ClaimState.NEW)


async def test_keys_lapse_and_abandoned_or_stuck_claims_can_be_taken_again(results: IdempotencyResults) -> None:
    await results.claim("s", "done", "f", NOW, DAY)
    await results.finish("s", "done", "r")
    await results.claim("s", "failed", "f", NOW, DAY)
    await results.abandon("s", "failed")
    await results.claim("s", "stuck", "f", NOW, DAY)

    assert await results.claim("s", "done", "other", NOW + DAY, DAY) == Claim(ClaimState.NEW)
    assert await results.claim("s", "failed", "f", NOW, DAY) == Claim(ClaimState.NEW)
    assert await results.claim("s", "stuck", "f", NOW + RUNNING_LEASE, DAY) == Claim(ClaimState.NEW)
