"""Every order the shop holds, history built per customer on first touch, new ones kept in memory.

History order ids encode their customer (`WEB_ORDER_BASE + customer.index * MAX_PER_CUSTOMER + k`),
so a lookup by id builds one customer's history, never the whole shop's. Post ids after the
history block go to the refunds of history orders, then to whatever the API creates.
"""

import itertools

from simulators.world import World
from simulators.world.history import MAX_PER_CUSTOMER, WEB_ORDER_BASE

from .changes import Changes
from .customers import Directory
from .order_history import ITEMS_PER_ORDER, METAS_PER_ITEM, HistoryOrders
from .order_model import Order

GUEST = 0


class OrderBook:
    def __init__(self, world: World, directory: Directory) -> None:
        self.world = world
        self.directory = directory
        span = len(world.customers) * MAX_PER_CUSTOMER
        self.history = HistoryOrders(world, refund_offset=span)
        self._history_end = WEB_ORDER_BASE + span
        first_new = WEB_ORDER_BASE + 2 * span
        self._post_ids = itertools.count(first_new)
        self._item_ids = itertools.count(first_new * ITEMS_PER_ORDER)
        self._meta_ids = itertools.count(first_new * ITEMS_PER_ORDER * METAS_PER_ITEM)
        self._by_id: dict[int, Order] = {}
        self._by_customer: dict[int, list[Order]] = {GUEST: []}
        self._everyone_loaded = False
        self.changes = Changes()

    def new_post_id(self) -> int:
        """Orders and refunds share WordPress's post ids."""
        return next(self._post_ids)

    def new_item_id(self) -> int:
        return next(self._item_ids)

    def new_meta_id(self) -> int:
        return next(self._meta_ids)

    def get(self, order_id: int) -> Order | None:
        if order_id not in self._by_id and WEB_ORDER_BASE <= order_id < self._history_end:
            customer = self.world.customers[(order_id - WEB_ORDER_BASE) // MAX_PER_CUSTOMER]
            if customer.webshop_id is not None:
                self._load(customer.webshop_id)
        return self._by_id.get(order_id)

    def of_customer(self, customer_id: int) -> list[Order]:
        """A customer's orders (0: guests'); unknown customers have none."""
        return list(self._load(customer_id))

    def everyone(self) -> list[Order]:
        if not self._everyone_loaded:
            for customer_id in self.directory.by_id:
                self._load(customer_id)
            self._everyone_loaded = True
        return [order for orders in self._by_customer.values() for order in orders]

    def add(self, order: Order) -> None:
        self._load(order.customer_id).append(order)
        self._by_id[order.id] = order
        self.changes.note("order", order.id, "created")

    def move(self, order: Order, customer_id: int) -> None:
        """Re-files an order whose customer changed."""
        self._load(order.customer_id).remove(order)
        order.customer_id = customer_id
        self._load(customer_id).append(order)

    def delete(self, order: Order) -> None:
        self._load(order.customer_id).remove(order)
        del self._by_id[order.id]
        self.changes.note("order", order.id, "deleted")

    def _load(self, customer_id: int) -> list[Order]:
        if customer_id in self._by_customer:
            return self._by_customer[customer_id]
        customer = self.directory.get(customer_id)
        built = [self.history.build(web, customer) for web in self.world.history.web_orders(customer)] \
            if customer is not None else []
        self._by_customer[customer_id] = built
        self._by_id.update((order.id, order) for order in built)
        return built
