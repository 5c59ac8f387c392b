"""The web shop's copy of a product, reached through the crosswalk."""

import asyncio

from strawberry.types import Info

from connectors.domain import OnlineProduct, System
from connectors.errors import UpstreamUnavailable

from ...context import Context
from ...crosswalk import Crosswalk
from ..partial import ready


async def online_product(info: Info[Context, None], sku: str) -> OnlineProduct | None:
    """None when the web shop does not sell the product; raises when its listing is unknown."""
    return await online_product_soon(info, await info.context.reference.crosswalk.get(), sku)


def online_product_soon(info: Info[Context, None], crosswalk: Crosswalk,
                        sku: str) -> "asyncio.Future[OnlineProduct | None]":
    """As `online_product`, its load queued as this is called (`gather_started`)."""
    if not crosswalk.webshop_known:
        return ready(UpstreamUnavailable(System.WEBSHOP.value, "product listing unavailable"))
    product_id = crosswalk.webshop_id_of.get(sku)
    return info.context.loaders.online_product_by_id.load_soon(product_id) if product_id else ready(None)
