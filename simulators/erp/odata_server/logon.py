"""The gateway's logon (HTTP Basic) and CSRF token handshake, answered as SAP NetWeaver does.

A refused logon is an HTML page, not an OData body; a write without a fetched
token is a plain-text 403 (exact realm and texts unverified).
"""

import base64
import binascii
import hmac
import secrets

from aiohttp import hdrs, web

REALM = 'Basic realm="SAP NetWeaver Application Server [ER1/100]"'
LOGON_ERROR_PAGE = ("<html><head><title>Logon Error Message</title></head><body><h1>401 Unauthorized</h1>"
                    "<p>Logon failed: user or password incorrect.</p></body></html>")
CSRF_HEADER = "x-csrf-token"
SESSION_COOKIE = "SAP_SESSIONID_ER1_100"


class Logon:
    def __init__(self, user: str, password: str) -> None:
        self.user = user
        self.password = password
        self.tokens: set[str] = set()

    def refuse(self, request: web.Request) -> web.Response | None:
        """401 with the logon page unless the Basic credential is the configured one."""
        given = _basic(request.headers.get(hdrs.AUTHORIZATION, ""))
        if given is not None and _same(given[0], self.user) and _same(given[1], self.password):
            return None
        return web.Response(status=401, text=LOGON_ERROR_PAGE, content_type="text/html",
                            headers={hdrs.WWW_AUTHENTICATE: REALM})

    def hand_out(self, request: web.Request, response: web.StreamResponse) -> None:
        """Answers `x-csrf-token: fetch` with a token and the session cookie that goes with it."""
        if request.headers.get(CSRF_HEADER, "").lower() != "fetch":
            return
        token = secrets.token_urlsafe(18)
        self.tokens.add(token)
        response.headers[CSRF_HEADER] = token
        response.set_cookie(SESSION_COOKIE, secrets.token_urlsafe(24), path="/", httponly=True)

    def refuse_write(self, request: web.Request) -> web.Response | None:
        """403 `x-csrf-token: Required` when a modifying request carries no token this server handed out."""
        if request.headers.get(CSRF_HEADER, "") in self.tokens:
            return None
        return web.Response(status=403, text="CSRF token validation failed", content_type="text/plain",
                            headers={CSRF_HEADER: "Required"})


def _basic(header: str) -> tuple[str, str] | None:
    """(user, password) of a `Basic` Authorization header; None when absent or malformed."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        user, colon, password = decoded.partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, password) if colon else None


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())
