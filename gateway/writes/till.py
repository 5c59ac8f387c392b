"""What the gateway records at a store's till system: a reserved article collected and paid, a web order's
units brought back."""

from collections.abc import Sequence

from opentelemetry import trace

from connectors.domain import Sale, System
from connectors.ports import StoreReturns, StoreSales

TRACER = trace.get_tracer("omnigate.writes")


class Till:
    def __init__(self, sales: StoreSales, returns: StoreReturns) -> None:
        self._sales = sales
        self._returns = returns

    async def record_sale(self, sale: Sale) -> bool:
        """False when the till system knows no such article; raises ConnectorError when it refuses or is down."""
        [recorded] = await self.record_sales([sale])
        return recorded

    async def record_sales(self, sales: Sequence[Sale]) -> list[bool]:
        with TRACER.start_as_current_span(f"{System.POS.value} record_sales", attributes={
                "omnigate.system": System.POS.value, "omnigate.write": "record_sales",
                "omnigate.batch.size": len(sales)}):
            return await self._sales.record_sales(sales)

    async def record_returns(self, returns: Sequence[Sale]) -> list[bool]:
        """Units back IN_STOCK at the store; False per article the till system does not know."""
        with TRACER.start_as_current_span(f"{System.POS.value} record_returns", attributes={
                "omnigate.system": System.POS.value, "omnigate.write": "record_returns",
                "omnigate.batch.size": len(returns)}):
            return await self._returns.record_returns(returns)
