"""Every SAP property the adapter names, per entity set, with the Edm type it expects there.

The adapter's `$select` is built from these lists, so reading one more property
means declaring it here; a test holds the lists against each service's `$metadata`.
"""

from dataclasses import dataclass, field

PRODUCT_ROOT = "/sap/opu/odata4/sap/api_product/srvd_a2x/sap/product/0002"
PRODREL_ROOT = "/sap/opu/odata4/sap/zapi_prodrel/srvd_a2x/sap/zprodrel/0001"
PRICING_ROOT = "/sap/opu/odata/sap/API_SLSPRICINGCONDITIONRECORD_SRV"
GROUP_ROOT = "/sap/opu/odata/sap/API_PRODUCTGROUP_SRV"
TEXT, FLAG, WHOLE, DAY, INSTANT, AMOUNT = (
    "Edm.String", "Edm.Boolean", "Edm.Int32", "Edm.Date", "Edm.DateTime", "Edm.Decimal")


@dataclass(frozen=True)
class Reads:
    """What the adapter reads of one entity set (`read`) and names only in filters and orderings (`named`)."""

    root: str
    entity_set: str
    read: dict[str, str]  # property -> Edm type
    named: dict[str, str] = field(default_factory=dict)
    expanded: dict[str, "Reads"] = field(default_factory=dict)  # navigation property -> what is read of it

    @property
    def path(self) -> str:
        return f"{self.root}/{self.entity_set}"

    def v4_options(self, *extra: str) -> dict[str, str]:
        """`$select` of the read properties (and `extra` ones), each expansion with its own nested `$select`."""
        options = {"$select": ",".join((*self.read, *extra))}
        if self.expanded:
            options["$expand"] = ",".join(f"{nav}($select={','.join(reads.read)})"
                                          for nav, reads in self.expanded.items())
        return options

    def v2_options(self) -> dict[str, str]:
        """v2 selects through navigations by path (`to_X/Prop`) and expands them by name."""
        paths = [*self.read, *(f"{nav}/{name}" for nav, reads in self.expanded.items() for name in reads.read)]
        options = {"$select": ",".join(paths)}
        if self.expanded:
            options["$expand"] = ",".join(self.expanded)
        return options

    def everything(self) -> dict[str, str]:
        """Every property named, read or not: what `$metadata` must declare with these types."""
        return {**self.named, **self.read}


DESCRIPTION = Reads(PRODUCT_ROOT, "ProductDescription", {"Language": TEXT, "ProductDescription": TEXT})
PRODUCT = Reads(
    PRODUCT_ROOT, "Product",
    {"Product": TEXT, "ProductGroup": TEXT, "ProductStandardID": TEXT, "IsMarkedForDeletion": FLAG,
     "CrossPlantStatus": TEXT},
    expanded={"_ProductDescription": DESCRIPTION})
RELATIONSHIP = Reads(
    PRODREL_ROOT, "ProductRelationship",
    {"Product": TEXT, "RelatedProduct": TEXT, "RelationshipType": TEXT, "SortOrder": WHOLE,
     "ValidityStartDate": DAY, "ValidityEndDate": DAY})
CONDITION_RECORD = Reads(
    PRICING_ROOT, "A_SlsPrcgConditionRecord",
    {"ConditionRateValue": AMOUNT, "ConditionRateValueUnit": TEXT, "ConditionQuantity": AMOUNT,
     "ConditionIsDeleted": FLAG})
CONDITION_VALIDITY = Reads(
    PRICING_ROOT, "A_SlsPrcgCndnRecdValidity",
    {"ConditionType": TEXT, "Material": TEXT, "Customer": TEXT, "Plant": TEXT, "ConditionValidityStartDate": INSTANT},
    named={"SalesOrganization": TEXT, "DistributionChannel": TEXT, "ConditionValidityEndDate": INSTANT},
    expanded={"to_SlsPrcgConditionRecord": CONDITION_RECORD})
GROUP_TEXT = Reads(
    GROUP_ROOT, "A_ProductGroupText",
    {"MaterialGroup": TEXT, "Language": TEXT, "MaterialGroupName": TEXT, "MaterialGroupText": TEXT})
BRAND_FIELD = "YY1_Brand_PRD"  # custom field on Product (SAP's YY1_ naming); the configuration may name another
EVERY_READ = (PRODUCT, DESCRIPTION, RELATIONSHIP, CONDITION_VALIDITY, CONDITION_RECORD, GROUP_TEXT)
