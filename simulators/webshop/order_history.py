"""A world web order as the shop stored it: items, addresses, payment and, for refunded ones, the refund.

Ids of the pieces derive from the order id, so the same order always has the same line ids:
items `order_id * 8 + n`, item meta `item_id * 4 + n`, and the refund of a refunded order
`order_id + span` (the next block of post ids after all history orders).
"""

from datetime import datetime, timedelta

from simulators.world import DemoCustomer, DemoStore, WebOrder, World
from simulators.world.rand import mix

from .customers import billing, shipping
from .order_model import LineItem, Meta, Order, Refund, RefundLine, ShippingItem

ITEMS_PER_ORDER = 8  # item ids leave room for this many items per history order
METAS_PER_ITEM = 4
PAYMENT = ("stripe", "Carte bancaire (Stripe)")
FLAT_RATE = ("flat_rate", "Flat rate")
PICKUP = ("pickup_location", "Local pickup")
STORE_CODE_KEY = "omnigate_store_code"
_PURPOSE_KEYS = 0x0DE5


def order_key(seed: int, order_id: int) -> str:
    return "wc_order_" + f"{mix(seed, _PURPOSE_KEYS, order_id):016x}"[:13]


def pickup_meta(store: DemoStore, first_id: int) -> list[Meta]:
    """The blocks Local Pickup meta, plus our store code."""
    values = (("pickup_location", store.name), ("pickup_address", f"{store.street}, {store.postal_code} {store.city}"),
              ("pickup_details", ""), (STORE_CODE_KEY, store.code))
    return [Meta(first_id + n, key, value) for n, (key, value) in enumerate(values)]


class HistoryOrders:
    """Builds the stored form of one customer's world web orders."""

    def __init__(self, world: World, refund_offset: int) -> None:
        self.world = world
        self.refund_offset = refund_offset

    def build(self, web: WebOrder, customer: DemoCustomer) -> Order:
        paid = web.created + timedelta(minutes=1) if web.status != "cancelled" else None
        done = self._later(web.created, 2) if web.status in ("completed", "refunded") else None
        order = Order(
            id=web.id, customer_id=customer.webshop_id or 0, status=web.status, created=web.created,
            modified=max(d for d in (web.created, paid, done) if d is not None),
            order_key=order_key(self.world.seed, web.id), created_via="checkout",
            billing=billing(customer), shipping=self._ship_to(web, customer),
            lines=self._lines(web), shipping_lines=[self._shipping(web)],
            payment_method=PAYMENT[0], payment_method_title=PAYMENT[1],
            transaction_id=f"ch_{mix(self.world.seed, _PURPOSE_KEYS, web.id, 1):016x}" if paid else "",
            paid=paid, completed=done if web.status == "completed" else None,
            stock_reduced=web.status != "cancelled")
        if web.status == "refunded":
            order.refunds.append(self._refund(order, done or web.created))
        return order

    def _lines(self, web: WebOrder) -> list[LineItem]:
        products = self.world.products
        return [LineItem(web.id * ITEMS_PER_ORDER + n, products[line.product_index].webshop_id or 0,
                         products[line.product_index].name, line.quantity, line.quantity * line.unit_price)
                for n, line in enumerate(web.lines)]

    def _shipping(self, web: WebOrder) -> ShippingItem:
        item_id = web.id * ITEMS_PER_ORDER + len(web.lines)
        if web.pickup_store is None:
            return ShippingItem(item_id, *FLAT_RATE, web.shipping)
        store = self.world.store_by_code[web.pickup_store]
        return ShippingItem(item_id, *PICKUP, web.shipping, pickup_meta(store, item_id * METAS_PER_ITEM))

    def _ship_to(self, web: WebOrder, customer: DemoCustomer) -> dict[str, str]:
        """Blocks Local Pickup replaces the shipping address with the pickup location's."""
        if web.pickup_store is None:
            return shipping(customer)
        store = self.world.store_by_code[web.pickup_store]
        return {**shipping(customer), "address_1": store.street, "city": store.city, "postcode": store.postal_code,
                "country": "FR"}

    def _refund(self, order: Order, at: datetime) -> Refund:
        refund_id = order.id + self.refund_offset
        lines = [RefundLine(refund_id * ITEMS_PER_ORDER + n, line, line.quantity, line.total)
                 for n, line in enumerate(order.lines)]
        return Refund(refund_id, order.id, at, order.total, "", True, lines)

    def _later(self, start: datetime, days: int) -> datetime:
        return min(start + timedelta(days=days), self.world.now)
