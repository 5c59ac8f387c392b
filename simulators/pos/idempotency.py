"""Square's idempotency rule: same key and body -> the first answer again; same key, other body -> refused."""

import json
from collections import OrderedDict
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from .errors import bad_request
from .wire import Clock, utcnow

KEY_LIFETIME = timedelta(hours=24)  # unverified for real Square; the sheet's choice


class IdempotencyKeys:
    """Remembers successful write answers per (endpoint, key) for KEY_LIFETIME."""

    def __init__(self, clock: Clock = utcnow) -> None:
        self._clock = clock
        self._seen: OrderedDict[tuple[str, str], tuple[datetime, str, str]] = OrderedDict()

    def replay(self, scope: str, key: str, body: Mapping[str, Any]) -> dict[str, Any] | None:
        """The first answer to this key, or None when it is new; raises when the body differs."""
        self._expire()
        seen = self._seen.get((scope, key))
        if seen is None:
            return None
        _, fingerprint, answer = seen
        if fingerprint != _fingerprint(body):
            raise bad_request("IDEMPOTENCY_KEY_REUSED", "The idempotency key was used for another request.",
                              "idempotency_key")
        loaded: dict[str, Any] = json.loads(answer)
        return loaded

    def remember(self, scope: str, key: str, body: Mapping[str, Any], answer: Mapping[str, Any]) -> None:
        self._seen[(scope, key)] = (self._clock(), _fingerprint(body), json.dumps(answer))

    def _expire(self) -> None:
        horizon = self._clock() - KEY_LIFETIME
        while self._seen:
            first = next(iter(self._seen))
            if self._seen[first][0] >= horizon:
                break
            del self._seen[first]


def _fingerprint(body: Mapping[str, Any]) -> str:
    return json.dumps(body, sort_keys=True)
