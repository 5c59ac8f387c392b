"""WooCommerce product and wishlist-item payloads into the domain's OnlineProduct and WishEntry.

The sku is kept exactly as the shop stores it (case, spaces): the gateway's
crosswalk, not this mapping, decides which canonical sku it stands for.
"""

from datetime import tzinfo

from connectors.domain import Image, OnlineProduct, ShownPrice, System, WishEntry

from .read_wire import Json, instant, money, plain_text, text


def online_product(payload: Json) -> OnlineProduct | None:
    """None for a product the shop cannot sell at any price (both `price` and `regular_price` unset)."""
    price = _shown_price(payload)
    if price is None:
        return None
    return OnlineProduct(
        product_id=str(payload["id"]),
        stored_sku=payload.get("sku") or "",
        price=price,
        stock=_stock(payload),
        images=tuple(_images(payload.get("images"))),
        attributes=tuple(_attributes(payload.get("attributes"))),
        description=plain_text(payload.get("short_description")) or plain_text(payload.get("description")),
    )


def product_key(payload: Json) -> tuple[str, str]:
    """(product id, sku as stored) from a `_fields=id,sku` row."""
    return str(payload["id"]), payload.get("sku") or ""


def wish_entries(items: list[Json], shop_zone: tzinfo) -> tuple[WishEntry, ...]:
    """`get_products` rows oldest first; `date_added` is in shop time, to the second, so ties go by item id."""
    dated = [(added, int(item.get("item_id") or 0), str(item["product_id"])) for item in items
             if item.get("product_id") and (added := instant(item.get("date_added"), shop_zone)) is not None]
    return tuple(WishEntry(product_id=product_id, added_at=added) for added, _, product_id in sorted(dated))


def _shown_price(payload: Json) -> ShownPrice | None:
    regular = money(payload.get("regular_price"))
    current = money(payload.get("price")) or regular
    if current is None:
        return None
    on_sale = bool(payload.get("on_sale")) and regular is not None and regular != current
    return ShownPrice(System.WEBSHOP, amount=current, compare_at=regular if on_sale else None)


def _stock(payload: Json) -> int | None:
    quantity = payload.get("stock_quantity")
    return quantity if payload.get("manage_stock") is True and isinstance(quantity, int) else None


def _images(images: object) -> list[Image]:
    rows = images if isinstance(images, list) else []
    return [Image(url=row["src"].strip(), alt_text=text(row.get("alt")))
            for row in rows if isinstance(row, dict) and text(row.get("src"))]


def _attributes(attributes: object) -> list[tuple[str, str]]:
    """WooCommerce `attributes [{name, options}]`, options joined as the shop lists them."""
    rows = attributes if isinstance(attributes, list) else []
    return [(row["name"], ", ".join(str(option) for option in row["options"]))
            for row in rows if isinstance(row, dict) and isinstance(row.get("name"), str)
            and isinstance(row.get("options"), list) and row["options"]]
