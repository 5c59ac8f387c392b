"""One line instead of a traceback when a server cannot take its address (most often: the port is taken)."""

import errno
from collections.abc import Iterator
from contextlib import contextmanager

_REASONS = {errno.EADDRINUSE: "the port is taken by another program",
            errno.EADDRNOTAVAIL: "the address is not one of this machine's"}


class CannotListen(Exception):
    """Its message is the whole line for the user: which server, which address, why."""


@contextmanager
def listening(server: str, host: str, port: int) -> Iterator[None]:
    """Turns a failure to bind inside the block into CannotListen; any other error passes unchanged."""
    try:
        yield
    except OSError as exc:
        reason = _REASONS.get(exc.errno or 0)
        if reason is None:
            raise
        raise CannotListen(f"{server} cannot listen on {host}:{port}: {reason}") from None
