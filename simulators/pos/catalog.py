"""The POS catalog: one ITEM with one ITEM_VARIATION per product, plus the appointment services.

Ids are opaque (hashes of seed and index), never the sku. Delisted products stay
as deleted objects, so old receipts still point at a variation that exists.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from simulators.world import APPOINTMENT_SERVICES, DemoProduct, World

from .wire import money, opaque_id, rfc3339

Json = dict[str, Any]
VARIATION_NAME = "Regular"  # Square's name for an item's only variation
SERVICE_VARIATION_NAME = "Standard"
CATALOG_AGE = timedelta(days=30)  # the catalog was last synced this long before the world's clock


@dataclass(frozen=True)
class Catalog:
    version: int
    updated_at: str
    ordered: tuple[Json, ...]  # every object, items before their variations
    by_id: dict[str, Json]
    product_by_variation: dict[str, DemoProduct]
    variation_by_product: dict[int, str]
    service_variations: tuple[str, ...]  # by index into APPOINTMENT_SERVICES

    def parent_of(self, obj: Json) -> Json | None:
        data = obj.get("item_variation_data")
        return self.by_id.get(data["item_id"]) if data else None


def build_catalog(world: World) -> Catalog:
    synced = world.now - CATALOG_AGE
    version, updated_at = int(synced.timestamp() * 1000), rfc3339(synced)
    header = {"updated_at": updated_at, "version": version, "present_at_all_locations": True}
    ordered: list[Json] = []
    variation_by_product: dict[int, str] = {}
    for product in world.products:
        item, variation = _product_objects(world.seed, product, header)
        ordered += [item, variation]
        variation_by_product[product.index] = variation["id"]
    services = []
    for k, (name, minutes) in enumerate(APPOINTMENT_SERVICES):
        item, variation = _service_objects(world.seed, k, name, minutes, header)
        ordered += [item, variation]
        services.append(variation["id"])
    by_id = {obj["id"]: obj for obj in ordered}
    return Catalog(version, updated_at, tuple(ordered), by_id,
                   {v: world.products[p] for p, v in variation_by_product.items()}, variation_by_product,
                   tuple(services))


def _pair(header: Json, item_id: str, variation_id: str, deleted: bool, item_data: Json,
          variation_data: Json) -> tuple[Json, Json]:
    variation = {"type": "ITEM_VARIATION", "id": variation_id, **header, "is_deleted": deleted,
                 "item_variation_data": {"item_id": item_id, **variation_data}}
    item = {"type": "ITEM", "id": item_id, **header, "is_deleted": deleted,
            "item_data": {**item_data, "variations": [variation]}}
    return item, variation


def _product_objects(seed: int, product: DemoProduct, header: Json) -> tuple[Json, Json]:
    return _pair(
        header, opaque_id("item", seed, product.index), opaque_id("variation", seed, product.index),
        product.delisted,
        {"name": product.name, "description": product.description, "product_type": "REGULAR"},
        {"name": VARIATION_NAME, "sku": product.sku, "upc": product.gtin, "ordinal": 0,
         "pricing_type": "FIXED_PRICING", "price_money": money(product.pos_price), "track_inventory": True,
         "sellable": True, "stockable": True})


def _service_objects(seed: int, k: int, name: str, minutes: int, header: Json) -> tuple[Json, Json]:
    return _pair(
        header, opaque_id("service-item", seed, k), opaque_id("service-variation", seed, k), False,
        {"name": name, "description": f"{name} in store, {minutes} minutes.",
         "product_type": "APPOINTMENTS_SERVICE"},
        {"name": SERVICE_VARIATION_NAME, "ordinal": 0, "pricing_type": "VARIABLE_PRICING",
         "service_duration": minutes * 60_000, "available_for_booking": True})
