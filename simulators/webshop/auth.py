"""Who is calling: WooCommerce's consumer key check, and what a visitor is told on each route.

WooCommerce authenticates before routing: a known key with a wrong secret, or a bad OAuth 1.0a
signature, is refused on any path. A missing or unknown key is no error by itself; the request runs
as a visitor and each route's permission callback refuses it in its own words.
"""

import binascii
import hmac
from base64 import b64decode
from collections.abc import Callable
from enum import Enum

from aiohttp import web

from connectors.credentials import Credentials

from .oauth import Nonces, signed_by
from .wp import WpError

API_USER_ID = 1  # the shop administrator the demo key belongs to
REALM = ('Basic realm="WooCommerce API. Use a consumer key in the username field and a consumer secret in '
         'the password field."')

Guard = Callable[[web.Request], web.Response | None]


class Caller(Enum):
    VISITOR = "visitor"
    API_USER = "api_user"
    BAD_SECRET = "bad_secret"


def identify(request: web.Request, credentials: Credentials, nonces: Nonces) -> Caller:
    """Query `consumer_key`/`consumer_secret` first (both needed), then HTTP Basic, then an OAuth signature.

    Raises WpError when an OAuth signature is refused.
    """
    pair = _query_pair(request) or _basic_pair(request)
    if pair is not None and _same(pair[0], credentials.webshop_key):
        return Caller.API_USER if _same(pair[1], credentials.webshop_secret) else Caller.BAD_SECRET
    signed = signed_by(request, credentials.webshop_key, credentials.webshop_secret, nonces)
    return Caller.API_USER if signed else Caller.VISITOR


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def bad_secret() -> web.Response:
    error = WpError("woocommerce_rest_authentication_error", "Consumer secret is invalid.", 401)
    return error.response({"WWW-Authenticate": REALM})


def refused(code: str, message: str) -> Guard:
    """A permission callback that refuses every visitor with a 401."""
    def guard(_: web.Request) -> web.Response:
        return WpError(code, message, 401).response()
    return guard


def public(_: web.Request) -> None:
    """A route whose permission callback lets visitors through."""
    return None


CANNOT_LIST = refused("woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
CANNOT_VIEW = refused("woocommerce_rest_cannot_view", "Sorry, you cannot view this resource.")
CANNOT_CREATE = refused("woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources.")
CANNOT_EDIT = refused("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource.")
CANNOT_BATCH = refused("woocommerce_rest_cannot_batch", "Sorry, you are not allowed to batch manipulate this resource.")


def _query_pair(request: web.Request) -> tuple[str, str] | None:
    key, secret = request.query.get("consumer_key"), request.query.get("consumer_secret")
    return (key, secret) if key and secret else None


def _basic_pair(request: web.Request) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, sep, password = b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, password) if sep and user and password else None
