"""Waits, bounded, until a gateway's availability index is built, before it is warmed up or measured.

Until its first build completes, Omnigate answers a stock-filtered read (the kiosk search) with `WARMING_UP`
(docs/availability.md), and the build's POS calls would count in a cell's upstream calls. `/status` says when
it is built; with several workers each process builds its own and `/status` answers from whichever accepted
the connection, so the wait asks on fresh connections until enough answers in a row say built.
"""

import asyncio
import time

import aiohttp

from .targets import Target

POLL_S = 0.5
IN_A_ROW_PER_WORKER = 4  # fresh connections answered "built" in a row, per worker, before every worker counts


class IndexNotBuilt(RuntimeError):
    """The gateway's availability index was not built within the bound."""


async def until_index_built(target: Target, timeout_s: float) -> None:
    """Returns once `target`'s `/status` says `built` (at once for a target without one, such as the peer)."""
    if target.status is None:
        return
    url, headers = target.status
    needed = IN_A_ROW_PER_WORKER * target.workers if target.workers > 1 else 1
    started = time.monotonic()
    in_a_row, last = 0, "no answer yet"
    announced = False
    while True:
        report = await _availability(url, headers)
        last = str(report)
        in_a_row = in_a_row + 1 if report.get("state") == "built" else 0
        if in_a_row >= needed:
            if announced:
                print(f"  {target.label}: availability index built after {time.monotonic() - started:.0f} s",
                      flush=True)
            return
        if time.monotonic() - started > timeout_s:
            raise IndexNotBuilt(f"{target.label}: its availability index was not built within {timeout_s:.0f} s "
                                f"(last /status: {last[:300]}); stock-filtered scenarios such as the kiosk search "
                                "would answer WARMING_UP (--index-wait-s sets the bound)")
        if not announced and in_a_row == 0:
            print(f"  {target.label}: waiting for its availability index (stock-filtered reads answer WARMING_UP "
                  f"until it is built; at most {timeout_s:.0f} s)", flush=True)
            announced = True
        await asyncio.sleep(POLL_S if in_a_row == 0 else 0)


async def _availability(url: str, headers: dict[str, str]) -> dict[str, object]:
    """`/status`'s `availability`, over a connection of its own (another worker may accept it)."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as http:
        try:
            async with http.get(url, headers=headers) as r:
                body = await r.json(content_type=None)
        except (aiohttp.ClientError, ValueError) as error:
            return {"error": repr(error)}
    report = body.get("availability") if isinstance(body, dict) else None
    return report if isinstance(report, dict) else {"status": body}
