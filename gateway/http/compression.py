"""Response compression: brotli or gzip, whichever the client prefers, for bodies worth compressing.

A page of 100 products is 83 KB of JSON and about a tenth of that compressed, which matters on a
shopper's phone. Tiny answers are sent as they are: compressing them costs more than it saves.
aiohttp compresses with gzip and deflate only; brotli (Google's library) does br.
"""

import asyncio

import brotli
from aiohttp import web
from aiohttp.typedefs import Handler

MIN_BYTES = 1024  # below this, headers and CPU outweigh what compression would save
BROTLI_QUALITY = 5  # past 5, brotli costs several times the CPU for a few per cent on JSON
OFF_LOOP_BYTES = 64 * 1024  # larger bodies are compressed in a thread (1 MB takes ~70 ms) so the loop keeps serving
_COMPRESSIBLE = ("application/json", "application/graphql-response+json", "text/html", "text/css",
                 "application/javascript", "text/javascript")
_SUPPORTED = ("br", "gzip")


@web.middleware
async def compression(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    body = response.body if isinstance(response, web.Response) else None
    if not isinstance(response, web.Response) or not isinstance(body, bytes) or not _worth_compressing(response, body):
        return response
    response.headers.add("Vary", "Accept-Encoding")
    coding = preferred_coding(request.headers.get("Accept-Encoding", ""))
    if coding == "br":
        response.body = await _brotli(body)
        response.headers["Content-Encoding"] = "br"
    elif coding == "gzip":
        response.enable_compression(web.ContentCoding.gzip)
    return response


async def _brotli(body: bytes) -> bytes:
    if len(body) > OFF_LOOP_BYTES:
        return await asyncio.to_thread(brotli.compress, body, quality=BROTLI_QUALITY)
    return brotli.compress(body, quality=BROTLI_QUALITY)


def _worth_compressing(response: web.Response, body: bytes) -> bool:
    return (len(body) >= MIN_BYTES and "Content-Encoding" not in response.headers
            and response.content_type in _COMPRESSIBLE)


def preferred_coding(accept_encoding: str) -> str | None:
    """The supported coding with the highest q-value (br first on a tie); None for identity.

    `*` stands for any coding not named; `q=0` refuses one.
    """
    weights: dict[str, float] = {}
    for item in accept_encoding.split(","):
        name, _, params = item.strip().partition(";")
        weights[name.strip().lower()] = _quality(params)
    wildcard = weights.get("*", 0.0)
    scored = [(weights.get(coding, wildcard), -rank, coding) for rank, coding in enumerate(_SUPPORTED)]
    best, _, coding = max(scored)
    return coding if best > 0 else None


def _quality(params: str) -> float:
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.strip().lower() == "q":
            try:
                return min(max(float(value), 0.0), 1.0)
            except ValueError:
                return 0.0
    return 1.0
