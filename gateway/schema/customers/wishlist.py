"""`Customer.wishlist`: the web shop's list, its product ids mapped back to the catalog."""

from datetime import datetime

import strawberry
from strawberry.types import Info

from connectors import domain

from ...context import Context
from ..common import Channel
from ..products.types import Product, load_products


@strawberry.type
class WishlistItem:
    product: Product
    added_at: datetime
    channel: Channel = strawberry.field(description="Where the customer added it.")


@strawberry.type
class Wishlist:
    items: list[WishlistItem]


async def wishlist_of(info: Info[Context, None], c: domain.CustomerRecord) -> Wishlist | None:
    if c.webshop_customer_id is None:
        return None
    entries = await info.context.loaders.wishlist_by_webshop_customer.load(c.webshop_customer_id)
    if entries is None:
        return Wishlist(items=[])
    crosswalk = await info.context.reference.crosswalk.get()
    skus = [crosswalk.sku_of_webshop_id.get(e.product_id) for e in entries]
    products = iter(await load_products(info, [s for s in skus if s]))
    items = []
    for entry, sku in zip(entries, skus, strict=True):
        product = next(products) if sku else None
        if product is not None:
            items.append(WishlistItem(product=product, added_at=entry.added_at, channel=Channel.WEB))
    return Wishlist(items=items)
