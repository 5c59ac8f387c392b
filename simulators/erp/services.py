"""The five service roots of the sheet, their entity types and the rows behind each entity set."""

from .odata_server.errors import Version
from .odata_server.model import Edm, EntitySet, EntityType, Navigation, Prop, Service
from .world import ErpView

PRICING_ID, STOCK_ID, GROUP_ID = "API_SLSPRICINGCONDITIONRECORD_SRV", "API_MATERIAL_STOCK_SRV", "API_PRODUCTGROUP_SRV"
PRODUCT_ROOT = "/sap/opu/odata4/sap/api_product/srvd_a2x/sap/product/0002"
PRICING_ROOT = f"/sap/opu/odata/sap/{PRICING_ID}"
STOCK_ROOT = f"/sap/opu/odata/sap/{STOCK_ID}"
GROUP_ROOT = f"/sap/opu/odata/sap/{GROUP_ID}"
PRODREL_ROOT = "/sap/opu/odata4/sap/zapi_prodrel/srvd_a2x/sap/zprodrel/0001"
# a v4 (RAP) schema is named for its service binding and version
PRODUCT_NAMESPACE = "com.sap.gateway.srvd_a2x.api_product.v0002"
PRODREL_NAMESPACE = "com.sap.gateway.srvd_a2x.zapi_prodrel.v0001"


def text(length: int) -> Prop:
    return Prop(Edm.STRING, max_length=length)


def decimal(precision: int, scale: int) -> Prop:
    return Prop(Edm.DECIMAL, precision=precision, scale=scale)


B, N, DAY = Prop(Edm.BOOLEAN), Prop(Edm.INT32), Prop(Edm.DATE)
INSTANT = Prop(Edm.DATETIMEOFFSET, precision=7)
T = Prop(Edm.DATETIME, precision=0)  # v2 validity dates: midnight UTC
SKU, LANGUAGE, UNIT = text(40), text(2), text(3)

DESCRIPTION = EntityType("ProductDescription_Type",
                         {"Product": SKU, "Language": LANGUAGE, "ProductDescription": text(40)},
                         ("Product", "Language"))
PRODUCT = EntityType(
    "Product_Type",
    {"Product": SKU, "ProductType": text(4), "CreationDate": DAY, "LastChangeDateTime": INSTANT,
     "IsMarkedForDeletion": B, "CrossPlantStatus": text(2), "CrossPlantStatusValidityDate": DAY,
     "ProductGroup": text(9), "BaseUnit": UNIT, "ItemCategoryGroup": text(4), "GrossWeight": decimal(13, 3),
     "NetWeight": decimal(13, 3), "WeightUnit": UNIT, "ProductStandardID": text(18),
     "InternationalArticleNumberCat": text(2), "YY1_Brand_PRD": text(40)},
    ("Product",), {"_ProductDescription": Navigation(DESCRIPTION, many=True)}, etag="LastChangeDateTime")
RELATIONSHIP = EntityType(
    "ProductRelationship_Type",
    {"Product": SKU, "RelatedProduct": SKU, "RelationshipType": text(3), "SortOrder": N,
     "ValidityStartDate": DAY, "ValidityEndDate": DAY},
    ("Product", "RelatedProduct", "RelationshipType"))

_VALIDITY_PROPERTIES = {
    "ConditionRecord": text(10), "ConditionValidityEndDate": T, "ConditionValidityStartDate": T,
    "ConditionApplication": text(2), "ConditionType": text(4), "SalesOrganization": text(4),
    "DistributionChannel": text(2), "Customer": text(10), "Material": SKU, "Plant": text(4)}
_RECORD_PROPERTIES = {
    "ConditionRecord": text(10), "ConditionSequentialNumber": text(2), "ConditionTable": text(3),
    "ConditionApplication": text(2), "ConditionType": text(4), "ConditionValidityEndDate": T,
    "ConditionValidityStartDate": T, "CreationDate": T, "ConditionRateValue": decimal(12, 3),
    "ConditionRateValueUnit": text(5), "ConditionQuantity": decimal(5, 0), "ConditionQuantityUnit": UNIT,
    "ConditionIsDeleted": B, "ConditionReleaseStatus": text(1)}
VALIDITY = EntityType("A_SlsPrcgCndnRecdValidityType", _VALIDITY_PROPERTIES,
                      ("ConditionRecord", "ConditionValidityEndDate"))
RECORD = EntityType("A_SlsPrcgConditionRecordType", _RECORD_PROPERTIES,
                    ("ConditionRecord", "ConditionSequentialNumber"))
# the two pricing types point at each other, so their navigations are tied after both exist
VALIDITY.navigations["to_SlsPrcgConditionRecord"] = Navigation(RECORD, many=False)
RECORD.navigations["to_SlsPrcgCndnRecdValidity"] = Navigation(VALIDITY, many=True)

_STOCK_KEY_LENGTHS = {"Material": 40, "Plant": 4, "StorageLocation": 4, "Batch": 10, "Supplier": 10,
                      "Customer": 10, "WBSElementInternalID": 24, "SDDocument": 10, "SDDocumentItem": 6,
                      "InventorySpecialStockType": 1, "InventoryStockType": 2}
STOCK_KEYS = tuple(_STOCK_KEY_LENGTHS)
STOCK = EntityType("A_MatlStkInAcctModType",
                   {**{k: text(n) for k, n in _STOCK_KEY_LENGTHS.items()}, "MaterialBaseUnit": UNIT,
                    "MatlWrhsStkQtyInMatlBaseUnit": decimal(31, 14)},
                   STOCK_KEYS)
MATERIAL = EntityType("A_MaterialStockType", {"Material": SKU, "MaterialBaseUnit": UNIT}, ("Material",),
                      {"to_MatlStkInAcctMod": Navigation(STOCK, many=True)})

GROUP = EntityType("A_ProductGroupType", {"MaterialGroup": text(9), "AuthorizationGroup": text(4)},
                   ("MaterialGroup",))
GROUP_TEXT = EntityType("A_ProductGroupTextType",
                        {"MaterialGroup": text(9), "Language": LANGUAGE, "MaterialGroupName": text(20),
                         "MaterialGroupText": text(60)},
                        ("MaterialGroup", "Language"), {"to_MaterialGroup": Navigation(GROUP, many=False)})
GROUP.navigations["to_Text"] = Navigation(GROUP_TEXT, many=True)


def build_services(view: ErpView) -> tuple[Service, ...]:
    """The five roots over one view of the world; key-list filters hit an index on the article or group."""
    return (
        Service("API_PRODUCT", PRODUCT_ROOT, Version.V4, PRODUCT_NAMESPACE, _sets(
            EntitySet("Product", PRODUCT, view.products, indexed="Product"),
            EntitySet("ProductDescription", DESCRIPTION, view.descriptions, indexed="Product"))),
        Service(PRICING_ID, PRICING_ROOT, Version.V2, PRICING_ID, _sets(
            EntitySet("A_SlsPrcgCndnRecdValidity", VALIDITY, view.validities, indexed="Material"),
            EntitySet("A_SlsPrcgConditionRecord", RECORD, view.records))),
        Service(STOCK_ID, STOCK_ROOT, Version.V2, STOCK_ID, _sets(
            EntitySet("A_MatlStkInAcctMod", STOCK, view.stock, indexed="Material"),
            EntitySet("A_MaterialStock", MATERIAL, view.materials, indexed="Material"))),
        Service(GROUP_ID, GROUP_ROOT, Version.V2, GROUP_ID, _sets(
            EntitySet("A_ProductGroup", GROUP, view.groups, indexed="MaterialGroup"),
            EntitySet("A_ProductGroupText", GROUP_TEXT, view.group_texts, indexed="MaterialGroup"))),
        Service("ZAPI_PRODREL", PRODREL_ROOT, Version.V4, PRODREL_NAMESPACE, _sets(
            EntitySet("ProductRelationship", RELATIONSHIP, view.relationships, indexed="Product"))),
    )


def _sets(*sets: EntitySet) -> dict[str, EntitySet]:
    return {s.name: s for s in sets}
