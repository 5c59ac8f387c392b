"""The one error tree every adapter raises, each error naming its system.

    ConnectorError
    ├── UpstreamMalformed        the system answered with what we cannot read (a value outside our vocabulary)
    ├── UpstreamUnavailable      the system did not answer usefully: network, timeout, 5xx, breaker open
    │   ├── UpstreamTimeout
    │   └── RateLimited          the system asked us to slow down: 429, or a vendor's own signal; not retried
    └── UpstreamRejected         the system answered no to what we sent (4xx): an answer, so no breaker failure
        ├── UpstreamAuthFailed   our credential was refused
        └── UpstreamNotFound     the record does not exist there

The gateway maps UpstreamUnavailable to `UPSTREAM_UNAVAILABLE` with
`extensions.source = system`; nothing above the adapters sees aiohttp or vendor errors.
"""


class ConnectorError(Exception):
    def __init__(self, system: str, message: str, status: int | None = None) -> None:
        super().__init__(f"{system}: {message}")
        self.system = system
        self.status = status


class UpstreamMalformed(ConnectorError):
    """An answer, so not a breaker failure; the message names the field and the value the adapter did not know."""


class UpstreamUnavailable(ConnectorError):
    pass


class UpstreamTimeout(UpstreamUnavailable):
    pass


class RateLimited(UpstreamUnavailable):
    """Retrying would only spend more of the limit, so the client opens the breaker instead."""


class UpstreamRejected(ConnectorError):
    pass


class UpstreamAuthFailed(UpstreamRejected):
    pass


class UpstreamNotFound(UpstreamRejected):
    pass
