"""The ERP's own records of the demo world: material master, product groups, price conditions, DC stock, relationships.

Values are typed Python (Decimal, date, aware datetime) with SAP field names;
the wire module formats them per protocol version. Everything derived here is
a pure function of the world, so two simulators over one world agree.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from simulators.world import CATEGORIES, DemoProduct, World
from simulators.world.rand import mix

from .odata_server.model import Row
from .product_groups import product_groups

SALES_ORG = "1010"
CHANNEL = "10"
PLANT = "1010"
STORAGE_LOCATION = "0001"
CURRENCY = "EUR"
BASE_UNIT = "PC"
DELISTED_STATUS = "DL"
OPEN_END = date(9999, 12, 31)  # open-ended validity (unverified)
UNRESTRICTED, QUALITY_INSPECTION = "01", "02"
PRICED_PER = {"L018": 10}  # coffee is priced per 10 pieces: unit price = rate / quantity
SALT = 0xE59  # keeps this view's draws apart from the world's own purposes
MILLI = Decimal("0.001")

GROUP_OF = {c.code: c.erp_group for c in CATEGORIES}


@dataclass
class ErpView:
    products: list[Row] = field(default_factory=list)
    descriptions: list[Row] = field(default_factory=list)
    validities: list[Row] = field(default_factory=list)
    records: list[Row] = field(default_factory=list)
    stock: list[Row] = field(default_factory=list)
    materials: list[Row] = field(default_factory=list)
    relationships: list[Row] = field(default_factory=list)
    groups: list[Row] = field(default_factory=list)
    group_texts: list[Row] = field(default_factory=list)


def build_view(world: World) -> ErpView:
    """SortOrder of a relationship is its position in the world's list, which is the intended order."""
    view = ErpView()
    view.groups, view.group_texts = product_groups()
    delisted_seen = 0
    for product in world.products:
        changed = _last_change(world, product)
        created = changed.date() - timedelta(days=30 + mix(world.seed, SALT, product.index, 1) % 1500)
        flag_deletion = product.delisted and delisted_seen % 2 == 0
        delisted_seen += product.delisted
        descriptions = [_description(product, "EN"), _description(product, "FR")]
        view.descriptions += descriptions
        view.products.append(_product(product, created, changed, flag_deletion, descriptions))
        _add_prices(view, world, product, created)
        _add_stock(view, world, product)
        view.relationships += [
            {"Product": product.sku, "RelatedProduct": r.sku, "RelationshipType": r.kind,
             "SortOrder": position, "ValidityStartDate": created, "ValidityEndDate": OPEN_END}
            for position, r in enumerate(product.relations, start=1)]
    return view


def _last_change(world: World, product: DemoProduct) -> datetime:
    return world.now - timedelta(seconds=mix(world.seed, SALT, product.index, 2) % (200 * 86400))


def _description(product: DemoProduct, language: str) -> Row:
    return {"Product": product.sku, "Language": language, "ProductDescription": product.name}


def _product(product: DemoProduct, created: date, changed: datetime, flag_deletion: bool,
             descriptions: list[Row]) -> Row:
    """Delisted articles alternate between the deletion flag and the 'DL' cross-plant status."""
    status = DELISTED_STATUS if product.delisted and not flag_deletion else ""
    gross = Decimal(product.weight_grams) / 1000
    return {
        "Product": product.sku, "ProductType": "HAWA", "CreationDate": created, "LastChangeDateTime": changed,
        "IsMarkedForDeletion": flag_deletion, "CrossPlantStatus": status,
        "CrossPlantStatusValidityDate": changed.date() if status else None,
        "ProductGroup": GROUP_OF[product.category], "BaseUnit": BASE_UNIT, "ItemCategoryGroup": "NORM",
        "GrossWeight": gross.quantize(MILLI), "NetWeight": (gross * Decimal("0.92")).quantize(MILLI),
        "WeightUnit": "KG", "ProductStandardID": product.gtin, "InternationalArticleNumberCat": "HE",
        "YY1_Brand_PRD": product.brand, "_ProductDescription": descriptions,
    }


def _add_prices(view: ErpView, world: World, product: DemoProduct, created: date) -> None:
    """PPR0 list price, one ZPRM per promotion and, for a few articles, a deleted ZPRM to be skipped."""
    per = PRICED_PER.get(GROUP_OF[product.category], 1)
    _add_condition(view, product, 10_000_000 + product.index, "PPR0", created, OPEN_END,
                   product.list_price * per, per, deleted=False)
    for k, promotion in enumerate(product.promotions):
        _add_condition(view, product, 20_000_000 + product.index * 10 + k, "ZPRM", promotion.starts,
                       promotion.ends, promotion.price * per, per, deleted=False)
    if not product.promotions and mix(world.seed, SALT, product.index, 3) % 40 == 0:
        _add_condition(view, product, 30_000_000 + product.index, "ZPRM", world.as_of - timedelta(days=5),
                       world.as_of + timedelta(days=5), product.list_price * per // 2, per, deleted=True)


def _add_condition(view: ErpView, product: DemoProduct, number: int, kind: str, starts: date, ends: date,
                   cents: int, per: int, *, deleted: bool) -> None:
    record_id = f"{number:010d}"
    start, end = _midnight(starts), _midnight(ends)
    validity: Row = {
        "ConditionRecord": record_id, "ConditionValidityEndDate": end, "ConditionValidityStartDate": start,
        "ConditionApplication": "V", "ConditionType": kind, "SalesOrganization": SALES_ORG,
        "DistributionChannel": CHANNEL, "Customer": "", "Material": product.sku, "Plant": "",
    }
    record: Row = {
        "ConditionRecord": record_id, "ConditionSequentialNumber": "01", "ConditionTable": "304",
        "ConditionApplication": "V", "ConditionType": kind, "ConditionValidityEndDate": end,
        "ConditionValidityStartDate": start, "CreationDate": start,
        "ConditionRateValue": (Decimal(cents) / 100).quantize(MILLI), "ConditionRateValueUnit": CURRENCY,
        "ConditionQuantity": Decimal(per), "ConditionQuantityUnit": BASE_UNIT, "ConditionIsDeleted": deleted,
        "ConditionReleaseStatus": "", "to_SlsPrcgCndnRecdValidity": [validity],
    }
    validity["to_SlsPrcgConditionRecord"] = record
    view.validities.append(validity)
    view.records.append(record)


def _add_stock(view: ErpView, world: World, product: DemoProduct) -> None:
    """DC stock follows the web shop's (the DC feeds it); some articles also sit in quality inspection."""
    rows: list[Row] = []
    if not product.delisted:
        draw = mix(world.seed, SALT, product.index, 4)
        rows.append(_stock_row(product, UNRESTRICTED, product.online_stock * 4 + draw % 9))
        if draw % 10 == 3:
            rows.append(_stock_row(product, QUALITY_INSPECTION, 1 + draw % 5))
    view.stock += rows
    view.materials.append({"Material": product.sku, "MaterialBaseUnit": BASE_UNIT,
                           "to_MatlStkInAcctMod": rows})


def _stock_row(product: DemoProduct, stock_type: str, quantity: int) -> Row:
    return {
        "Material": product.sku, "Plant": PLANT, "StorageLocation": STORAGE_LOCATION, "Batch": "",
        "Supplier": "", "Customer": "", "WBSElementInternalID": "00000000", "SDDocument": "",
        "SDDocumentItem": "000000", "InventorySpecialStockType": "", "InventoryStockType": stock_type,
        "MaterialBaseUnit": BASE_UNIT, "MatlWrhsStkQtyInMatlBaseUnit": Decimal(quantity).quantize(MILLI),
    }


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), UTC)
