"""Product create/update as `WC_REST_Products_Controller` applies a posted object.

Values are coerced the way WooCommerce's setters coerce them (`wc_stock_amount`, `wc_format_decimal`)
rather than validated; the one refusal is a SKU another product already holds, and it leaves the
product untouched.
"""

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from .catalog import Catalog, Product
from .php import php_int
from .wp import SHOP_TZ, WpError

PRODUCT_STATUSES = ("draft", "pending", "private", "publish", "future")
STOCK_STATUSES = ("instock", "outofstock", "onbackorder")
# Ours: WooCommerce keeps any digits and totals them as doubles, which lose the cents past 2^53; beyond that
# an amount is taken as junk rather than carried into totals no double can hold.
MAX_CENTS = 2**53


def create_product(catalog: Catalog, posted: Mapping[str, Any], now: datetime) -> Product:
    if posted.get("id"):
        raise WpError("woocommerce_rest_product_exists", "Cannot create existing product.", 400)
    name = str(posted.get("name") or "")
    product = Product(id=catalog.next_id(), name=name, slug=catalog.unique_slug(name), sku="",
                      regular_price=None, sale_price=None, sale_from=None, sale_to=None, stock_quantity=None,
                      created=now, modified=now, manage_stock=False)
    apply_fields(catalog, product, {k: v for k, v in posted.items() if k != "name"}, now)
    catalog.add(product)
    return product


def apply_fields(catalog: Catalog, product: Product, posted: Mapping[str, Any], now: datetime) -> None:
    """Sets what was posted; raises before changing anything when the SKU is taken."""
    if "sku" in posted:
        sku = str(posted["sku"] or "")
        taken = catalog.sku_taken(sku, product.id) if sku else None
        if taken is not None:
            raise WpError("product_invalid_sku", "Invalid or duplicated SKU.", 400,
                          {"status": 400, "resource_id": taken.id, "unique_sku": f"{sku}-1"})
        catalog.set_sku(product, sku)
    if "name" in posted:
        product.name = str(posted["name"] or "")
    if posted.get("status") in PRODUCT_STATUSES:
        product.status = str(posted["status"])
    if "description" in posted:
        product.description = str(posted["description"] or "")
    if "regular_price" in posted:
        product.regular_price = to_cents(posted["regular_price"])
    if "sale_price" in posted:
        product.sale_price = to_cents(posted["sale_price"])
    for key, attribute in (("date_on_sale_from", "sale_from"), ("date_on_sale_to", "sale_to")):
        for name, gmt in ((key, False), (f"{key}_gmt", True)):
            if name in posted:
                setattr(product, attribute, _date(posted[name], gmt))
    _apply_stock(product, posted)
    if isinstance(posted.get("categories"), list):
        known = {c.id: c for c in catalog.categories.values()}
        product.categories = tuple(known[c["id"]] for c in posted["categories"]
                                   if isinstance(c, dict) and c.get("id") in known)
    product.modified = now
    catalog.changes.note("product", product.id, "updated")


def _apply_stock(product: Product, posted: Mapping[str, Any]) -> None:
    if "manage_stock" in posted:
        product.manage_stock = posted["manage_stock"] in (True, "true", "1", 1, "yes")
    if "stock_quantity" in posted and product.manage_stock:
        product.stock_quantity = stock_amount(posted["stock_quantity"])
    if posted.get("stock_status") in STOCK_STATUSES:
        product.unmanaged_status = str(posted["stock_status"])


def stock_amount(value: object) -> int:
    """`wc_stock_amount`, which is `intval` unless a plugin filters it: junk counts as 0."""
    return php_int(value)


def to_cents(value: object) -> int | None:
    """`wc_format_decimal` of a posted price; "" (or junk) unsets it."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip().replace(",", ".")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    if not amount.is_finite() or abs(amount) * 100 > MAX_CENTS:
        return None
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _date(value: object, gmt: bool) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC if gmt else SHOP_TZ)
