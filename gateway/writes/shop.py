"""Orders and refunds the gateway writes to the web shop, each call one span."""

from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import trace

from connectors.domain import NewRefund, NewWebOrder, Purchase, System
from connectors.ports import WebOrderChanges

TRACER = trace.get_tracer("omnigate.writes")


class ShopWrites:
    def __init__(self, orders: WebOrderChanges) -> None:
        self._orders = orders

    async def place_order(self, order: NewWebOrder) -> Purchase:
        with _span("place_order", len(order.lines)):
            return await self._orders.place_order(order)

    async def complete_order(self, order_id: str) -> None:
        with _span("complete_order", 1):
            await self._orders.complete_order(order_id)

    async def refund(self, refund: NewRefund) -> str:
        with _span("refund", len(refund.lines)):
            return await self._orders.refund(refund)

    async def refunded(self, order_id: str) -> list[tuple[str, int]]:
        with _span("refunded", 1):
            return await self._orders.refunded(order_id)


@contextmanager
def _span(write: str, size: int) -> Iterator[None]:
    with TRACER.start_as_current_span(f"{System.WEBSHOP.value} {write}", attributes={
            "omnigate.system": System.WEBSHOP.value, "omnigate.write": write, "omnigate.batch.size": size}):
        yield
