"""Opaque, signed cursors: a cursor resumes exactly the query that issued it, a forged one is refused."""

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from collections.abc import Sequence
from typing import TypeVar

from .errors import bad_request

T = TypeVar("T")
_MAC_BYTES = 12


class Cursors:
    """Cursors bound to (scope, query) by an HMAC: they cannot be guessed or replayed on another query."""

    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    def page(self, scope: str, query: object, cursor: str | None, items: Sequence[T],
             limit: int) -> tuple[list[T], str | None]:
        """The page `cursor` points at (the first when None) and the cursor of the next one, if any."""
        start = self._offset(scope, query, cursor) if cursor else 0
        end = start + limit
        following = self._issue(scope, query, end) if end < len(items) else None
        return list(items[start:end]), following

    def _issue(self, scope: str, query: object, offset: int) -> str:
        raw = offset.to_bytes(8, "big")
        return base64.urlsafe_b64encode(raw + self._mac(scope, query, raw)).decode().rstrip("=")

    def _offset(self, scope: str, query: object, cursor: str) -> int:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        except (binascii.Error, ValueError):
            raise _invalid_cursor() from None
        offset, mac = raw[:8], raw[8:]
        if len(raw) != 8 + _MAC_BYTES or not hmac.compare_digest(mac, self._mac(scope, query, offset)):
            raise _invalid_cursor()
        return int.from_bytes(offset, "big")

    def _mac(self, scope: str, query: object, offset: bytes) -> bytes:
        fingerprint = json.dumps(query, sort_keys=True, default=str).encode()
        return hmac.new(self._secret, scope.encode() + b"\0" + fingerprint + b"\0" + offset,
                        hashlib.sha256).digest()[:_MAC_BYTES]


def _invalid_cursor() -> Exception:
    return bad_request("INVALID_CURSOR", "The pagination cursor is invalid for this query.", "cursor")
