"""The four service roots of the sheet, their entity types and the rows behind each entity set."""

from .odata_server.errors import Version
from .odata_server.model import Edm, EntitySet, EntityType, Navigation, Service
from .world import ErpView

PRODUCT_ROOT = "/sap/opu/odata4/sap/api_product/srvd_a2x/sap/product/0002"
PRICING_ROOT = "/sap/opu/odata/sap/API_SLSPRICINGCONDITIONRECORD_SRV"
STOCK_ROOT = "/sap/opu/odata/sap/API_MATERIAL_STOCK_SRV"
PRODREL_ROOT = "/sap/opu/odata4/sap/zapi_prodrel/srvd_a2x/sap/zprodrel/0001"

S, B, N, D, T = Edm.STRING, Edm.BOOLEAN, Edm.INT32, Edm.DECIMAL, Edm.DATETIME

DESCRIPTION = EntityType("ProductDescription", {"Product": S, "Language": S, "ProductDescription": S},
                         ("Product", "Language"))
PRODUCT = EntityType(
    "Product",
    {"Product": S, "ProductType": S, "CreationDate": Edm.DATE, "LastChangeDateTime": Edm.DATETIMEOFFSET,
     "IsMarkedForDeletion": B, "CrossPlantStatus": S, "CrossPlantStatusValidityDate": Edm.DATE,
     "ProductGroup": S, "BaseUnit": S, "ItemCategoryGroup": S, "GrossWeight": D, "NetWeight": D,
     "WeightUnit": S, "ProductStandardID": S, "InternationalArticleNumberCat": S, "YY1_Brand_PRD": S},
    ("Product",), {"_ProductDescription": Navigation(DESCRIPTION, many=True)}, etag="LastChangeDateTime")
RELATIONSHIP = EntityType(
    "ProductRelationship",
    {"Product": S, "RelatedProduct": S, "RelationshipType": S, "SortOrder": N,
     "ValidityStartDate": Edm.DATE, "ValidityEndDate": Edm.DATE},
    ("Product", "RelatedProduct", "RelationshipType"))

_VALIDITY_PROPERTIES = {
    "ConditionRecord": S, "ConditionValidityEndDate": T, "ConditionValidityStartDate": T,
    "ConditionApplication": S, "ConditionType": S, "SalesOrganization": S, "DistributionChannel": S,
    "Customer": S, "Material": S, "Plant": S}
_RECORD_PROPERTIES = {
    "ConditionRecord": S, "ConditionSequentialNumber": S, "ConditionTable": S, "ConditionApplication": S,
    "ConditionType": S, "ConditionValidityEndDate": T, "ConditionValidityStartDate": T, "CreationDate": T,
    "ConditionRateValue": D, "ConditionRateValueUnit": S, "ConditionQuantity": D,
    "ConditionQuantityUnit": S, "ConditionIsDeleted": B, "ConditionReleaseStatus": S}
VALIDITY = EntityType("A_SlsPrcgCndnRecdValidityType", _VALIDITY_PROPERTIES,
                      ("ConditionRecord", "ConditionValidityEndDate"))
RECORD = EntityType("A_SlsPrcgConditionRecordType", _RECORD_PROPERTIES,
                    ("ConditionRecord", "ConditionSequentialNumber"))
# the two pricing types point at each other, so their navigations are tied after both exist
VALIDITY.navigations["to_SlsPrcgConditionRecord"] = Navigation(RECORD, many=False)
RECORD.navigations["to_SlsPrcgCndnRecdValidity"] = Navigation(VALIDITY, many=True)

STOCK_KEYS = ("Material", "Plant", "StorageLocation", "Batch", "Supplier", "Customer", "WBSElementInternalID",
              "SDDocument", "SDDocumentItem", "InventorySpecialStockType", "InventoryStockType")
STOCK = EntityType("A_MatlStkInAcctModType",
                   {**dict.fromkeys(STOCK_KEYS, S), "MaterialBaseUnit": S, "MatlWrhsStkQtyInMatlBaseUnit": D},
                   STOCK_KEYS)
MATERIAL = EntityType("A_MaterialStockType", {"Material": S, "MaterialBaseUnit": S}, ("Material",),
                      {"to_MatlStkInAcctMod": Navigation(STOCK, many=True)})


def build_services(view: ErpView) -> tuple[Service, ...]:
    """The four roots over one view of the world; key-list filters hit an index on the article number."""
    return (
        Service("API_PRODUCT", PRODUCT_ROOT, Version.V4, _sets(
            EntitySet("Product", PRODUCT, view.products, indexed="Product"),
            EntitySet("ProductDescription", DESCRIPTION, view.descriptions, indexed="Product"))),
        Service("API_SLSPRICINGCONDITIONRECORD_SRV", PRICING_ROOT, Version.V2, _sets(
            EntitySet("A_SlsPrcgCndnRecdValidity", VALIDITY, view.validities, indexed="Material"),
            EntitySet("A_SlsPrcgConditionRecord", RECORD, view.records))),
        Service("API_MATERIAL_STOCK_SRV", STOCK_ROOT, Version.V2, _sets(
            EntitySet("A_MatlStkInAcctMod", STOCK, view.stock, indexed="Material"),
            EntitySet("A_MaterialStock", MATERIAL, view.materials, indexed="Material"))),
        Service("ZAPI_PRODREL", PRODREL_ROOT, Version.V4, _sets(
            EntitySet("ProductRelationship", RELATIONSHIP, view.relationships, indexed="Product"))),
    )


def _sets(*sets: EntitySet) -> dict[str, EntitySet]:
    return {s.name: s for s in sets}
