"""Automatic persisted queries every replica finds: a hash registered on one is known to all.

Documents are kept a day after they were last registered (a client sends the text again after a miss, as
Apollo's protocol has it), and only those that parsed and validated reach here (see gateway/persisted.py).
"""

from .link import RedisLink, Unavailable

KEPT_S = 24 * 3600


class SharedDocuments:
    def __init__(self, link: RedisLink) -> None:
        self._link = link
        self._prefix = f"{link.prefix}apq:"

    async def get(self, sha: str) -> str | None:
        """The document registered under `sha`; None when unknown or Redis is unavailable."""
        try:
            found = await self._link.call(lambda redis: redis.get(self._prefix + sha))
        except Unavailable:
            return None
        return found.decode() if isinstance(found, bytes) else found

    def put(self, sha: str, document: str) -> None:
        self._link.spawn(lambda redis: redis.set(self._prefix + sha, document.encode(), ex=KEPT_S))
