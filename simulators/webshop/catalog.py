"""The shop's own product table, built from the world's web shop copy and changed by batch writes.

Each product keeps what WooCommerce stores (regular and sale price, sale dates, stock), and the
price shown is derived from them as WooCommerce derives it. Sales are judged on the world's
clock, so a promotion running on the world's as-of date is on sale whatever today is.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from simulators.world import CATEGORIES, DemoProduct, World
from simulators.world.rand import mix

from .changes import Changes
from .wp import SHOP_TZ

CATEGORY_BASE_ID = 16  # term ids after WooCommerce's "Uncategorized" (15)
IMAGE_IDS_PER_PRODUCT = 10
_PURPOSE_DATES = 0x57E8


@dataclass(frozen=True, slots=True)
class Category:
    id: int
    name: str
    slug: str


@dataclass(frozen=True, slots=True)
class Image:
    id: int
    src: str
    name: str
    alt: str


@dataclass
class Product:
    """One row of the shop's catalog; money in cents, `None` = unset."""

    id: int
    name: str
    slug: str
    sku: str
    regular_price: int | None
    sale_price: int | None
    sale_from: datetime | None
    sale_to: datetime | None
    stock_quantity: int | None
    created: datetime
    modified: datetime
    categories: tuple[Category, ...] = ()
    images: tuple[Image, ...] = ()
    description: str = ""
    weight_grams: int | None = None
    attributes: tuple[tuple[str, str], ...] = ()
    status: str = "publish"
    manage_stock: bool = True
    unmanaged_status: str = "instock"

    def on_sale(self, now: datetime) -> bool:
        """`is_on_sale`: a sale price below the regular one, inside its dates if it has any."""
        if self.sale_price is None or self.regular_price is None or self.sale_price >= self.regular_price:
            return False
        return (self.sale_from is None or self.sale_from <= now) and (self.sale_to is None or now <= self.sale_to)

    def price(self, now: datetime) -> int | None:
        return self.sale_price if self.on_sale(now) else self.regular_price

    @property
    def stock_status(self) -> str:
        if not self.manage_stock:
            return self.unmanaged_status
        return "instock" if (self.stock_quantity or 0) > 0 else "outofstock"


def slugify(text: str) -> str:
    """`sanitize_title`: accents folded, lower case, words joined by hyphens."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


class Catalog:
    """Products by shop id, with the SKU lookup the database's case-insensitive collation gives."""

    def __init__(self, world: World) -> None:
        self.clock = world.now
        self.categories = {c.code: Category(CATEGORY_BASE_ID + n, c.name, slugify(c.name))
                           for n, c in enumerate(CATEGORIES)}
        self._products: dict[int, Product] = {}
        self._skus: dict[str, int] = {}
        self._slugs: set[str] = set()
        online = sorted((p for p in world.products if p.webshop_id is not None), key=lambda p: p.webshop_id or 0)
        self.changes = Changes()
        for demo in online:
            self._insert(self._from_world(world, demo))  # seeding is no change

    def get(self, product_id: int) -> Product | None:
        return self._products.get(product_id)

    def all(self) -> list[Product]:
        return list(self._products.values())

    def by_sku(self, sku: str) -> Product | None:
        """Exact match but for case; spaces count (" CAM-1 " is not "CAM-1")."""
        product_id = self._skus.get(sku.casefold())
        return None if product_id is None else self._products.get(product_id)

    def sku_taken(self, sku: str, other_than: int) -> Product | None:
        found = self.by_sku(sku)
        return found if found is not None and found.id != other_than else None

    def next_id(self) -> int:
        return max(self._products, default=0) + 1

    def unique_slug(self, name: str) -> str:
        """`wp_unique_post_slug`: a taken slug gets -2, -3, ..."""
        base = slugify(name) or "product"
        slug, n = base, 2
        while slug in self._slugs:
            slug, n = f"{base}-{n}", n + 1
        return slug

    def add(self, product: Product) -> None:
        self._insert(product)
        self.changes.note("product", product.id, "created")

    def _insert(self, product: Product) -> None:
        self._products[product.id] = product
        self._slugs.add(product.slug)
        if product.sku:
            self._skus[product.sku.casefold()] = product.id

    def set_sku(self, product: Product, sku: str) -> None:
        self._skus.pop(product.sku.casefold(), None)
        product.sku = sku
        if sku:
            self._skus[sku.casefold()] = product.id

    def remove(self, product_id: int) -> Product | None:
        product = self._products.pop(product_id, None)
        if product is not None:
            self._skus.pop(product.sku.casefold(), None)
            self.changes.note("product", product_id, "deleted")
        return product

    def adjust_stock(self, product_id: int, delta: int, at: datetime) -> None:
        """`wc_update_product_stock`: orders take stock when paid and give it back when cancelled."""
        product = self._products.get(product_id)
        if product is not None and product.manage_stock:
            product.stock_quantity = (product.stock_quantity or 0) + delta
            product.modified = at
            self.changes.note("product", product_id, "updated")

    def _from_world(self, world: World, demo: DemoProduct) -> Product:
        shop_id = demo.webshop_id or 0
        promotion = next((p for p in demo.promotions if p.starts <= world.as_of <= p.ends
                          and demo.webshop_price < demo.list_price), None)  # a sale must be below the list price
        created = world.now - timedelta(days=4 * 365) + timedelta(hours=shop_id - 2000)
        modified = created + timedelta(hours=mix(world.seed, _PURPOSE_DATES, shop_id) % (300 * 24))
        return Product(
            id=shop_id, name=demo.name, slug=self.unique_slug(demo.name), sku=demo.webshop_sku,
            regular_price=demo.list_price if promotion else demo.webshop_price,
            sale_price=demo.webshop_price if promotion else None,
            sale_from=datetime.combine(promotion.starts, time(), SHOP_TZ) if promotion else None,
            sale_to=datetime.combine(promotion.ends, time(23, 59, 59), SHOP_TZ) if promotion else None,
            stock_quantity=demo.online_stock, created=created, modified=modified,
            categories=(self.categories[demo.category],),
            images=tuple(Image(shop_id * IMAGE_IDS_PER_PRODUCT + n, url, url.rsplit("/", 2)[-2] + f"-{n}", alt)
                         for n, (url, alt) in enumerate(demo.images, start=1)),
            description=demo.description, weight_grams=demo.weight_grams, attributes=demo.attributes)
