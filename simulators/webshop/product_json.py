"""A catalog product as `GET /products/{id}` shows it (the WooCommerce v3 product schema)."""

from datetime import datetime

from aiohttp import web

from .catalog import Product
from .wp import Json, date_fields, links, money, site_url


def product_json(product: Product, now: datetime, request: web.Request, prefix: str) -> Json:
    """`now` is the clock sales are judged by (the world's)."""
    price = product.price(now)
    row: Json = {
        "id": product.id, "name": product.name, "slug": product.slug,
        "permalink": f"{site_url(request, prefix)}/product/{product.slug}/",
        **date_fields("date_created", product.created), **date_fields("date_modified", product.modified),
        "type": "simple", "status": product.status, "featured": False, "catalog_visibility": "visible",
        "description": product.description, "short_description": "", "sku": product.sku,
        "price": money(price), "regular_price": money(product.regular_price), "sale_price": money(product.sale_price),
        **date_fields("date_on_sale_from", product.sale_from), **date_fields("date_on_sale_to", product.sale_to),
        "on_sale": product.on_sale(now), "purchasable": price is not None and product.status == "publish",
        "total_sales": 0, "virtual": False, "downloadable": False, "tax_status": "taxable", "tax_class": "",
        "manage_stock": product.manage_stock,
        "stock_quantity": product.stock_quantity if product.manage_stock else None,
        "backorders": "no", "backorders_allowed": False, "backordered": False, "low_stock_amount": None,
        "sold_individually": False, "weight": _kilograms(product.weight_grams),
        "dimensions": {"length": "", "width": "", "height": ""}, "shipping_required": True,
        "reviews_allowed": True, "average_rating": "0.00", "rating_count": 0,
        "categories": [{"id": c.id, "name": c.name, "slug": c.slug} for c in product.categories],
        "tags": [], "images": [_image(product, n) for n in range(len(product.images))],
        "attributes": [{"id": 0, "name": name, "slug": name.lower(), "position": n, "visible": True,
                        "variation": False, "options": [value]}
                       for n, (name, value) in enumerate(product.attributes)],
        "default_attributes": [], "variations": [], "grouped_products": [], "menu_order": 0,
        "meta_data": [], "stock_status": product.stock_status, "has_options": False,
        "_links": links(request, prefix, f"/products/{product.id}", "/products"),
    }
    return row


def _image(product: Product, n: int) -> Json:
    image = product.images[n]
    return {"id": image.id, **date_fields("date_created", product.created),
            **date_fields("date_modified", product.created), "src": image.src, "name": image.name, "alt": image.alt}


def _kilograms(grams: int | None) -> str:
    if grams is None:
        return ""
    return f"{grams / 1000:.3f}".rstrip("0").rstrip(".")
