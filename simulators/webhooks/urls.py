"""Which notification URLs a simulator delivers to: HTTPS anywhere, plain HTTP only to this machine."""

import ipaddress
from urllib.parse import urlsplit

LOOPBACK_NAMES = frozenset({"localhost"})


def url_problem(url: str, allow_http: bool = False) -> str | None:
    """Why `url` cannot take deliveries, or None. The real systems insist on HTTPS; the simulators also accept
    http:// to a loopback address (the sheets' simulator note), or to any host when `allow_http` is set."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return "The URL is malformed."
    if parts.scheme not in ("https", "http") or not host:
        return "The URL must be an absolute https:// URL."
    if parts.scheme == "http" and not (allow_http or _loopback(host)):
        return "The URL must use HTTPS."
    return None


def _loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
