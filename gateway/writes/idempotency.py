"""Every mutation runs through `once`: a retried request gets the first result, and nothing is done twice."""

import hashlib
import json
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta

from connectors.domain import ClaimState
from connectors.ports import IdempotencyResults

from ..errors import UserErrorCode
from .outcome import Outcome

MAX_KEY_LENGTH = 128  # as Square's own idempotency keys


def fingerprint(operation: str, inputs: Mapping[str, object]) -> str:
    """The same operation with the same input, whatever the order of its fields."""
    return hashlib.sha256(json.dumps([operation, inputs], sort_keys=True, default=str).encode()).hexdigest()


async def once(results: IdempotencyResults, scope: str, key: str, operation: str, inputs: Mapping[str, object],
               at: datetime, keep: timedelta, run: Callable[[], Awaitable[Outcome]]) -> Outcome:
    """Keys are the caller's own (`scope`: the principal), so two callers' keys never meet. A key still running
    is CONFLICT rather than a wait: the client retries, and the first request is never repeated."""
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        return Outcome.refused(UserErrorCode.INVALID, f"idempotencyKey must be 1 to {MAX_KEY_LENGTH} characters",
                               "input", "idempotencyKey")
    claim = await results.claim(scope, key, fingerprint(operation, inputs), at, keep)
    if claim.state is ClaimState.DONE and claim.result is not None:
        return Outcome.from_json(claim.result)
    if claim.state is ClaimState.CONFLICT:
        return Outcome.refused(UserErrorCode.CONFLICT, "this idempotencyKey was used for another request",
                               "input", "idempotencyKey")
    if claim.state is ClaimState.RUNNING:
        return Outcome.refused(UserErrorCode.CONFLICT, "a request with this idempotencyKey is still running; "
                               "retry it", "input", "idempotencyKey")
    try:
        outcome = await run()
    except BaseException:
        await results.abandon(scope, key)
        raise
    if outcome.retryable:
        await results.abandon(scope, key)
    else:
        await results.finish(scope, key, outcome.to_json())
    return outcome
