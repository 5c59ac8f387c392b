"""The wishlist plugin's two tables (lists and items), filled per customer on first touch.

A customer who has a wishlist in the world owns one list, id `customer.index + 1`, whose share
key is an invertible scramble of the customer's index: a key names its customer without any
table scan. Lists and items the API creates take ids and keys after the world's.
"""

import itertools
from dataclasses import dataclass, field
from datetime import datetime

from simulators.world import DemoCustomer, World
from simulators.world.rand import mix

from .catalog import Catalog, Product
from .customers import Directory

KEY_BITS = 24  # six hex digits
_MASK = (1 << KEY_BITS) - 1
_SCRAMBLE = 0x5BD1E5  # odd, so multiplying by it is a bijection modulo 2**24
_UNSCRAMBLE = pow(_SCRAMBLE, -1, 1 << KEY_BITS)
_PURPOSE_KEYS = 0x715C
ITEMS_PER_LIST = 16  # item ids leave room for this many items per world wishlist
DEFAULT_TITLE = "Wishlist"


@dataclass
class WishItem:
    id: int
    product_id: int
    variation_id: int
    meta: dict[str, object]
    added: datetime
    price: int | None
    in_stock: bool


@dataclass
class Wishlist:
    id: int
    author: int
    created: datetime
    title: str
    share_key: str
    items: list[WishItem] = field(default_factory=list)


class Wishlists:
    def __init__(self, world: World, directory: Directory, catalog: Catalog) -> None:
        self.world = world
        self.directory = directory
        self.catalog = catalog
        self._salt = mix(world.seed, _PURPOSE_KEYS) & _MASK
        count = len(world.customers)
        self._list_ids = itertools.count(count + 1)
        self._item_ids = itertools.count(count * ITEMS_PER_LIST + 1)
        self._key_numbers = itertools.count(count)
        self._by_key: dict[str, Wishlist] = {}
        self._loaded: set[int] = set()

    def by_key(self, share_key: str) -> Wishlist | None:
        """Keys match whatever their case, like the plugin's SQL lookup."""
        key = share_key.lower()
        number = ((int(key, 16) - self._salt) * _UNSCRAMBLE) & _MASK
        if number < len(self.world.customers):
            self._load(self.world.customers[number])
        return self._by_key.get(key)

    def of_user(self, user_id: int) -> list[Wishlist]:
        customer = self.directory.get(user_id)
        if customer is not None:
            self._load(customer)
        return sorted((w for w in self._by_key.values() if w.author == user_id), key=lambda w: w.id)

    def default_of(self, user_id: int, now: datetime) -> Wishlist:
        """`add_sharekey_default`: the caller's first list, made on the spot when they have none."""
        found = self.of_user(user_id)
        if found:
            return found[0]
        wishlist = Wishlist(next(self._list_ids), user_id, now, DEFAULT_TITLE, self._key(next(self._key_numbers)))
        self._by_key[wishlist.share_key] = wishlist
        return wishlist

    def add(self, wishlist: Wishlist, product_id: int, variation_id: int, meta: dict[str, object],
            now: datetime) -> WishItem | None:
        """`add_product`: a product already listed (same variation and meta) is refreshed, not repeated."""
        product = self.catalog.get(variation_id or product_id)
        if product is None or product.status == "trash":
            return None
        same = next((i for i in wishlist.items if i.product_id == product.id and i.meta == meta), None)
        if same is not None:
            same.price, same.in_stock = self._price(product), product.stock_status != "outofstock"
            return same
        added = WishItem(next(self._item_ids), product.id, 0, meta, now, self._price(product),
                         product.stock_status != "outofstock")
        wishlist.items.append(added)
        return added

    def _load(self, customer: DemoCustomer) -> None:
        if customer.index in self._loaded:
            return
        self._loaded.add(customer.index)
        wished = self.world.history.wishlist(customer)
        if not wished or customer.webshop_id is None:
            return
        items = []
        for n, wish in enumerate(wished):
            product = self.catalog.get(self.world.products[wish.product_index].webshop_id or 0)
            if product is not None:
                items.append(WishItem(customer.index * ITEMS_PER_LIST + n + 1, product.id, 0, {}, wish.added,
                                      self._price(product), product.stock_status != "outofstock"))
        wishlist = Wishlist(customer.index + 1, customer.webshop_id, min(w.added for w in wished), DEFAULT_TITLE,
                            self._key(customer.index), items)
        self._by_key[wishlist.share_key] = wishlist

    def _key(self, number: int) -> str:
        return f"{(number * _SCRAMBLE + self._salt) & _MASK:06x}"

    def _price(self, product: Product) -> int | None:
        return product.price(self.catalog.clock)
