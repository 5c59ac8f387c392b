"""`check-config`'s look at the back offices: a warning for each URL that answers 404 at its API root, or not at all.

Warnings, not errors: check-config may run where a back office cannot be reached (a laptop, a CI job).
Each system is asked what `/status` asks it, through the same adapters and credentials, one read at the
root of the API the adapter speaks (ERP `…/api_product/…/0002/Product`, POS `/v2/locations`, CRM
`/services/data/v60.0/query`, web shop `/wp-json/wc/v3/products`). None of them answers 404 when the
base URL is right, so a 404 means the base URL does not lead to the API.
"""

import asyncio

from connectors import ports
from connectors.errors import ConnectorError

from .backends import open_backends
from .settings import Settings

PROBE_BUDGET_S = 5.0  # per system, retries included, whatever the upstream timeout


async def back_office_warnings(settings: Settings) -> list[str]:
    """One line per system whose URL looks wrong or cannot be reached; empty when all four answer."""
    urls = {"erp": settings.erp_url, "pos": settings.pos_url, "crm": settings.crm_url,
            "webshop": settings.webshop_url}
    async with open_backends(settings) as backends:
        found = await asyncio.gather(*(_probe(health, urls[health.system.value]) for health in backends.health))
    return [warning for warning in found if warning]


async def _probe(health: ports.Health, url: str) -> str | None:
    system = health.system.value
    setting = f"OMNIGATE_{system.upper()}_URL={url}"
    try:
        async with asyncio.timeout(PROBE_BUDGET_S):
            await health.check()
    except TimeoutError:
        return f"{setting} cannot be reached: no answer within {PROBE_BUDGET_S:.0f} s"
    except ConnectorError as exc:
        if exc.status == 404:
            return (f"{setting} answers 404 at the root of its API: check the base URL "
                    f"(the simulators serve this system under /{system})")
        if exc.status is None:
            return f"{setting} cannot be reached ({exc})"
        return f"{setting} answers with an error ({exc})"
    return None
