"""Parsers from the text of one setting to its typed value.

Each raises ValueError with a message for people ("expected a whole number, got 'abc'"), to which the
loader adds the variable's name; the return type is what the `Settings` field holds, checked by mypy.
"""

import math
from pathlib import Path
from typing import Literal, cast, get_args
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..auth.tokens import MIN_SECRET_BYTES

Environment = Literal["development", "production"]
SdlAccess = Literal["router", "public", "off"]
LogFormat = Literal["json", "text"]
MetricsAccess = Literal["public", "operators", "off"]
FailMode = Literal["open", "closed"]


def url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"expected an http(s) URL, got {value!r}")
    return value.rstrip("/")


def redis_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("redis", "rediss", "unix") or not (parts.hostname or parts.path):
        raise ValueError(f"expected a redis://, rediss:// or unix:// URL, got {value!r}")
    return value


def _choice(value: str, choices: object, expected: str) -> str:
    """`value` when it is one of a Literal's `choices`; the caller casts it to that Literal."""
    if value not in get_args(choices):
        raise ValueError(f"expected {expected}, got {value!r}")
    return value


def environment(value: str) -> Environment:
    return cast(Environment, _choice(value, Environment, "'development' or 'production'"))


def whole(value: str) -> int:
    """`int()` with a message for people: "expected a whole number, got 'abc'" rather than Python's own."""
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"expected a whole number, got {value!r}") from None


def decimal(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"expected a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"expected a finite number, got {value!r}")
    return number


def port(value: str) -> int:
    number = whole(value)
    if not 0 <= number <= 65535:
        raise ValueError(f"expected a port number from 0 to 65535, got {value!r}")
    return number


def _positive(number: float, value: str) -> None:
    if not 0 < number < math.inf:  # NaN fails too
        raise ValueError(f"expected a positive number, got {value!r}")


def positive_whole(value: str) -> int:
    number = whole(value)
    _positive(number, value)
    return number


def positive_decimal(value: str) -> float:
    number = decimal(value)
    _positive(number, value)
    return number


def seconds(value: str) -> float:
    number = decimal(value)
    if number < 0:
        raise ValueError(f"expected 0 or a positive number of seconds, got {value!r}")
    return number


def percent(value: str) -> int:
    number = whole(value)
    if not 1 <= number <= 100:
        raise ValueError(f"expected a percentage from 1 to 100, got {value!r}")
    return number


def retries(value: str) -> int:
    number = whole(value)
    if not 0 <= number <= 5:
        raise ValueError(f"expected 0 to 5 retries, got {value!r}")
    return number


def count(value: str) -> int:
    number = whole(value)
    if number < 0:
        raise ValueError(f"expected 0 (no limit) or a positive whole number, got {value!r}")
    return number


def timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ValueError, ZoneInfoNotFoundError):
        raise ValueError(f"expected an IANA time zone such as Europe/Paris, got {value!r}") from None
    return value


def text(value: str) -> str:
    if not value:
        raise ValueError("must not be empty")
    return value


def any_text(value: str) -> str:
    """Empty is a meaningful value here (an empty list)."""
    return value


def jwt_secret(value: str) -> str:
    if len(value.encode()) < MIN_SECRET_BYTES:
        raise ValueError(f"must be at least {MIN_SECRET_BYTES} bytes (RFC 7518 §3.2), got {len(value.encode())}")
    return value


def file(value: str) -> Path:
    path = Path(value)
    if not path.is_file():
        raise ValueError(f"no such file: {value}")
    return path


def new_file(value: str) -> Path:
    """A file the gateway creates when missing: only its folder must be a folder if it exists."""
    path = Path(text(value))
    if path.is_dir() or (path.parent.exists() and not path.parent.is_dir()):
        raise ValueError(f"not a file path: {value}")
    return path


def database_url(value: str) -> str:
    """A libpq connection URI; the password may be left to PGPASSWORD or a `.pgpass` file."""
    parts = urlsplit(value)
    if parts.scheme not in ("postgresql", "postgres") or not (parts.hostname or "host=" in parts.query):
        raise ValueError(f"expected a postgresql:// URL with a host, got {parts.scheme or 'no'} URL")
    return value


def flag(value: str) -> bool:
    if value.lower() not in ("true", "false", "1", "0", "yes", "no"):
        raise ValueError(f"expected true or false, got {value!r}")
    return value.lower() in ("true", "1", "yes")


def origins(value: str) -> tuple[str, ...]:
    found = tuple(o.strip().rstrip("/") for o in value.split(",") if o.strip())
    for origin in found:
        if origin != "*" and not urlsplit(origin).scheme.startswith("http"):
            raise ValueError(f"expected http(s) origins separated by commas, got {origin!r}")
    return found


def log_format(value: str) -> LogFormat:
    return cast(LogFormat, _choice(value, LogFormat, "json or text"))


def metrics_access(value: str) -> MetricsAccess:
    return cast(MetricsAccess, _choice(value, MetricsAccess, "public, operators or off"))


def fail_mode(value: str) -> FailMode:
    return cast(FailMode, _choice(value, FailMode, "open or closed"))


def sdl_access(value: str) -> SdlAccess:
    return cast(SdlAccess, _choice(value, SdlAccess, "router, public or off"))


def rate_limits(value: str) -> str:
    """Checked here so a bad limit stops start-up; the rate limiter parses the text again when it is built."""
    from ..ratelimit import parse_rate_limits

    parse_rate_limits(value)
    return value
