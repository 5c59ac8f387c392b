"""The shop's resources changed since they were last published: WordPress's `woocommerce_new_order`,
`woocommerce_update_order`, `woocommerce_update_product`, ... hooks, collected for the webhooks.

Books note a change where they make it; the simulator publishes what a request changed once its handler is
done (`drain`), so one order created and then paid in the same request is one `order.created`.
"""

Change = tuple[str, int, str]  # (resource, id, event): ("order", 9002, "updated")


class Changes:
    def __init__(self) -> None:
        self._pending: dict[tuple[str, int], str] = {}

    def note(self, resource: str, resource_id: int, event: str) -> None:
        """`created` and `deleted` stand for any update of the same request."""
        key = (resource, resource_id)
        if event == "updated" and self._pending.get(key) in ("created", "deleted"):
            return
        self._pending[key] = event

    def drain(self) -> list[Change]:
        found = [(resource, resource_id, event) for (resource, resource_id), event in self._pending.items()]
        self._pending.clear()
        return found
