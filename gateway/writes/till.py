"""Sales the gateway records at a store's till system (today: a reserved article collected and paid)."""

from opentelemetry import trace

from connectors.domain import Sale, System
from connectors.ports import StoreSales

TRACER = trace.get_tracer("omnigate.writes")


class Till:
    def __init__(self, sales: StoreSales) -> None:
        self._sales = sales

    async def record_sale(self, sale: Sale) -> bool:
        """False when the till system knows no such article; raises ConnectorError when it refuses or is down."""
        with TRACER.start_as_current_span(f"{System.POS.value} record_sales", attributes={
                "omnigate.system": System.POS.value, "omnigate.write": "record_sales", "omnigate.batch.size": 1}):
            [recorded] = await self._sales.record_sales([sale])
            return recorded
