"""The client's address behind trusted proxies (a federation router, an ingress, a load balancer).

Behind a router every request comes from the router's address, so per-address rate limits would put all
anonymous shoppers in one bucket. Only when the peer is a configured trusted proxy is its `Forwarded`
(RFC 7239) or, failing that, `X-Forwarded-For` header read: walking the hops from the right, the first one
that is not itself a trusted proxy is the client. Hops further left were written by the client and could be
anything. From any other peer those headers are ignored. aiohttp-remotes does the like but refuses requests
from untrusted peers (its strict mode) or trusts any peer (relaxed); we serve both, trusting only the listed.
"""

import ipaddress
from collections.abc import Sequence

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_networks(value: str) -> tuple[Network, ...]:
    """A comma-separated list of CIDR blocks or single addresses; raises ValueError naming the bad one."""
    networks = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"expected CIDR blocks such as 10.0.0.0/8 separated by commas, got {item!r}") from None
    return tuple(networks)


def client_addresses(trusted: Sequence[Network]) -> Middleware:
    """Sets `request.remote` to the client's address for everything downstream (rate limits, logs)."""
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        client = client_address(request, trusted) if trusted else None
        return await handler(request if client is None else request.clone(remote=client))

    return middleware


def client_address(request: web.Request, trusted: Sequence[Network]) -> str | None:
    """The right-most untrusted hop, when the peer is trusted and its header says; None to keep the peer."""
    peer = _address(request.remote)
    if peer is None or not _is_trusted(peer, trusted):
        return None
    hops = _hops(request)
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return None  # a trusted proxy wrote something we cannot read: the peer is all we know
        if not _is_trusted(address, trusted):
            return str(address)
    return str(_address(hops[0])) if hops else None  # every hop is a proxy: the first one sent it


def _hops(request: web.Request) -> list[str]:
    if hdrs_forwarded := request.forwarded:
        return [element.get("for", "") for element in hdrs_forwarded]
    header = request.headers.getall("X-Forwarded-For", [])
    return [hop.strip() for line in header for hop in line.split(",")]


def _address(value: str | None) -> Address | None:
    """An address from a hop: `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]:4711` or `2001:db8::1`."""
    if not value:
        return None
    text = value.strip().strip('"')
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _is_trusted(address: Address, trusted: Sequence[Network]) -> bool:
    return any(address in network for network in trusted)
