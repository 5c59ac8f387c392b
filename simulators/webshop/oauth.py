"""OAuth 1.0a one-legged signatures, checked as WooCommerce's `WC_REST_Authentication` checks them.

Over plain HTTP real WooCommerce takes no other credential, and its official clients sign every call
so by default: the `oauth_*` parameters travel in the query string, signed with HMAC-SHA1 or -SHA256
over the method, the URL and every `$_GET` parameter, within a 15-minute window, each nonce once.
Parameters in a form body or an `Authorization: OAuth` header, which WooCommerce also reads, are not.
"""

import base64
import hashlib
import hmac
import time
from collections.abc import Callable
from decimal import Decimal
from urllib.parse import quote, unquote

from aiohttp import web

from .php import PhpArray, get_params, numeric
from .wp import WpError

REQUIRED = ("oauth_consumer_key", "oauth_timestamp", "oauth_nonce", "oauth_signature", "oauth_signature_method")
METHODS = {"HMAC-SHA1": hashlib.sha1, "HMAC-SHA256": hashlib.sha256}
WINDOW_SECONDS = 15 * 60
AUTH_ERROR = "woocommerce_rest_authentication_error"


class Nonces:
    """The nonces a key has used: WooCommerce keeps one per timestamp and forgets those past the window."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._by_timestamp: dict[str, str] = {}

    def admit(self, timestamp: str, nonce: str) -> bool:
        if nonce in self._by_timestamp.values():
            return False
        self._by_timestamp[timestamp] = nonce
        oldest = Decimal(int(self.clock()) - WINDOW_SECONDS)
        self._by_timestamp = {t: n for t, n in self._by_timestamp.items() if (numeric(t) or 0) >= oldest}
        return True


def signed_by(request: web.Request, key: str, secret: str, nonces: Nonces) -> bool:
    """True for a valid signature with `key`, False when the request carries no OAuth parameter at all.

    Raises WpError (401) for a partial, unknown, wrongly signed, stale or replayed signature.
    """
    params = get_params(request.rel_url.raw_query_string)
    missing = [name for name in REQUIRED if not _filled(params.get(name))]
    if len(missing) == len(REQUIRED):
        return False
    if missing:
        noun = "parameter" if len(missing) == 1 else "parameters"
        raise WpError("woocommerce_rest_authentication_missing_parameter",
                      f"Missing OAuth {noun} {', '.join(missing)}", 401)
    if not hmac.compare_digest(str(params["oauth_consumer_key"]).encode(), key.encode()):
        raise WpError(AUTH_ERROR, "Consumer key is invalid.", 401)
    _check_signature(request, params, secret)
    _check_timestamp_and_nonce(str(params["oauth_timestamp"]), str(params["oauth_nonce"]), nonces)
    return True


def _filled(value: object) -> bool:
    """PHP's `! empty()`: "" and "0" are empty; an array counts when it holds anything."""
    return bool(value) and value != "0"


def _check_signature(request: web.Request, params: PhpArray, secret: str) -> None:
    given = unquote(str(params.pop("oauth_signature")).replace(" ", "+"))
    base_uri = f"{request.scheme}://{request.host}{request.rel_url.raw_path}"
    pairs = _joined(_normalized(dict(sorted(params.items()))))
    string_to_sign = f"{request.method}&{_encode(base_uri)}&{'%26'.join(pairs)}"
    digest = METHODS.get(str(params["oauth_signature_method"]))
    if digest is None:
        raise WpError(AUTH_ERROR, "Invalid signature - signature method is invalid.", 401)
    expected = base64.b64encode(hmac.new(f"{secret}&".encode(), string_to_sign.encode(), digest).digest()).decode()
    if not hmac.compare_digest(expected.encode(), given.encode()):
        raise WpError(AUTH_ERROR, "Invalid signature - provided signature does not match.", 401)


def _check_timestamp_and_nonce(timestamp: str, nonce: str, nonces: Nonces) -> None:
    now = int(nonces.clock())
    number = numeric(timestamp)
    if number is None or not now - WINDOW_SECONDS <= number <= now + WINDOW_SECONDS:
        raise WpError(AUTH_ERROR, "Invalid timestamp.", 401)
    if not nonces.admit(timestamp, nonce):
        raise WpError(AUTH_ERROR, "Invalid nonce - nonce has already been used.", 401)


def _encode(text: str) -> str:
    """`wc_rest_urlencode_rfc3986`: PHP's `rawurlencode`, which leaves only `A-Za-z0-9-_.~` as they are."""
    return quote(text, safe="")


def _normalized(params: PhpArray) -> PhpArray:
    """Top-level keys encoded, values encoded at every depth (nested keys are not), as WooCommerce does."""
    def values(value: object) -> object:
        return {k: values(v) for k, v in value.items()} if isinstance(value, dict) else _encode(str(value))
    return {_encode(key): values(value) for key, value in params.items()}


def _joined(params: PhpArray, prefix: str = "") -> list[str]:
    """`key=value` pairs, each encoded once more; nested keys as `outer%5Binner%5D`."""
    pairs = []
    for key, value in params.items():
        name = f"{prefix}%5B{key}%5D" if prefix else key
        pairs += _joined(value, name) if isinstance(value, dict) else [_encode(f"{name}={value}")]
    return pairs
