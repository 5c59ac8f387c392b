"""The web shop's copy of a product, reached through the crosswalk."""

from strawberry.types import Info

from connectors.domain import OnlineProduct, System
from connectors.errors import UpstreamUnavailable

from ...context import Context


async def online_product(info: Info[Context, None], sku: str) -> OnlineProduct | None:
    """None when the web shop does not sell the product; raises when its listing is unknown."""
    crosswalk = await info.context.reference.crosswalk.get()
    if not crosswalk.webshop_known:
        raise UpstreamUnavailable(System.WEBSHOP.value, "product listing unavailable")
    product_id = crosswalk.webshop_id_of.get(sku)
    return await info.context.loaders.online_product_by_id.load(product_id) if product_id else None
