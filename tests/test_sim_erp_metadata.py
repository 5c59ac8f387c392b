"""ERP simulator, `$metadata` of every service root, parsed as CSDL: the adapter's reads are declared there.

pyodata reads the v2 documents too (tests/test_client_pyodata.py); it does not speak v4, so the v4
documents are checked here by parsing them as CSDL 4.0 with the standard library.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from xml.etree import ElementTree

import aiohttp
import pytest

from connectors.erp.reads import BRAND_FIELD, EVERY_READ, TEXT, Reads
from simulators.world import World

from .test_sim_erp_support import (
    GROUP_ROOT,
    JSON,
    PRICING_ROOT,
    PRODREL_ROOT,
    PRODUCT_ROOT,
    STOCK_ROOT,
    Erp,
    running_erp,
)

EDMX = {"4.0": "http://docs.oasis-open.org/odata/ns/edmx", "1.0": "http://schemas.microsoft.com/ado/2007/06/edmx"}
EDM = {"4.0": "http://docs.oasis-open.org/odata/ns/edm", "1.0": "http://schemas.microsoft.com/ado/2008/09/edm"}
ROOTS = {PRODUCT_ROOT: "4.0", PRODREL_ROOT: "4.0", PRICING_ROOT: "1.0", STOCK_ROOT: "1.0", GROUP_ROOT: "1.0"}


@dataclass(frozen=True)
class EntitySet:
    type_name: str
    keys: tuple[str, ...]
    properties: dict[str, str]  # name -> Edm type
    targets: dict[str, str]  # navigation property -> entity set it leads to


@pytest.fixture
async def erp(world: World) -> AsyncIterator[Erp]:
    async with running_erp(world) as running:
        yield running


async def entity_sets(erp: Erp, root: str) -> dict[str, EntitySet]:
    async with erp.session.get(f"{erp.url}{root}/$metadata") as response:
        assert response.status == 200 and response.content_type == "application/xml"
        document = ElementTree.fromstring(await response.read())
    version = document.attrib["Version"]
    assert document.tag == f"{{{EDMX[version]}}}Edmx" and version == ROOTS[root]
    return parse_csdl(document, EDM[version])


def parse_csdl(document: ElementTree.Element, edm: str) -> dict[str, EntitySet]:
    """Entity sets with their type's keys, typed properties and where each navigation leads (v4 or v2)."""
    ns = {"edm": edm}
    schema = document.find("*/edm:Schema", ns)
    assert schema is not None
    namespace = schema.attrib["Namespace"]
    types = {t.attrib["Name"]: t for t in schema.findall("edm:EntityType", ns)}
    ends = {(a.attrib["Association"], e.attrib["Role"]): e.attrib["EntitySet"]
            for a in schema.findall("edm:EntityContainer/edm:AssociationSet", ns) for e in a.findall("edm:End", ns)}
    found = {}
    for entity_set in schema.findall("edm:EntityContainer/edm:EntitySet", ns):
        name = entity_set.attrib["EntityType"].removeprefix(f"{namespace}.")
        etype = types[name]
        targets = {b.attrib["Path"]: b.attrib["Target"]
                   for b in entity_set.findall("edm:NavigationPropertyBinding", ns)}  # v4
        targets |= {n.attrib["Name"]: ends[(n.attrib["Relationship"], n.attrib["ToRole"])]
                    for n in etype.findall("edm:NavigationProperty", ns) if "Relationship" in n.attrib}  # v2
        found[entity_set.attrib["Name"]] = EntitySet(
            name, tuple(k.attrib["Name"] for k in etype.findall("edm:Key/edm:PropertyRef", ns)),
            {p.attrib["Name"]: p.attrib["Type"] for p in etype.findall("edm:Property", ns)}, targets)
    return found


async def test_every_property_the_adapter_names_is_declared_with_its_type(erp: Erp) -> None:
    # given the $metadata of every service root the adapter reads
    declared = {root: await entity_sets(erp, root) for root in ROOTS}

    # then each entity set, property and expansion the adapter names is there, with the type it expects
    def check(reads: Reads) -> None:
        entity_set = declared[reads.root][reads.entity_set]
        assert {name: entity_set.properties.get(name) for name in reads.everything()} == reads.everything()
        for navigation, target in reads.expanded.items():
            assert entity_set.targets[navigation] == target.entity_set

    for reads in EVERY_READ:
        check(reads)
    assert declared[PRODUCT_ROOT]["Product"].properties[BRAND_FIELD] == TEXT


async def test_the_real_entity_types_and_keys(erp: Erp) -> None:
    # when the documents are read
    product, pricing = await entity_sets(erp, PRODUCT_ROOT), await entity_sets(erp, PRICING_ROOT)
    stock = await entity_sets(erp, STOCK_ROOT)
    # then types and keys are SAP's
    assert (product["Product"].type_name, product["Product"].keys) == ("Product_Type", ("Product",))
    assert product["ProductDescription"].keys == ("Product", "Language")
    assert pricing["A_SlsPrcgConditionRecord"].type_name == "A_SlsPrcgConditionRecordType"
    assert pricing["A_SlsPrcgConditionRecord"].keys == ("ConditionRecord", "ConditionSequentialNumber")
    assert pricing["A_SlsPrcgCndnRecdValidity"].keys == ("ConditionRecord", "ConditionValidityEndDate")
    assert len(stock["A_MatlStkInAcctMod"].keys) == 11
    assert stock["A_MaterialStock"].targets == {"to_MatlStkInAcctMod": "A_MatlStkInAcctMod"}
    groups = await entity_sets(erp, GROUP_ROOT)
    assert groups["A_ProductGroupText"].type_name == "A_ProductGroupTextType"
    assert groups["A_ProductGroupText"].keys == ("MaterialGroup", "Language")


@pytest.mark.parametrize("root", ROOTS)
async def test_rows_carry_exactly_the_declared_properties(erp: Erp, root: str) -> None:
    # given the declared entity sets of a service
    declared = await entity_sets(erp, root)
    for name, entity_set in declared.items():
        # when a row of each is read without $select
        status, body = await erp.get(f"{root}/{name}", {"$top": "1", **JSON})
        assert status == 200
        rows = body["value"] if ROOTS[root] == "4.0" else body["d"]["results"]
        # then it holds every declared property and navigation, and nothing else
        extra = {"@odata.etag", "__metadata"}
        assert set(rows[0]) - extra == {*entity_set.properties, *entity_set.targets} - expandable(root, entity_set)


def expandable(root: str, entity_set: EntitySet) -> set[str]:
    """v4 sends navigations only when expanded; v2 sends every one, as a deferred link."""
    return set(entity_set.targets) if ROOTS[root] == "4.0" else set()


async def test_metadata_needs_the_logon_too(erp: Erp) -> None:
    # when $metadata is asked for without credentials, then it is SAP's logon page
    async with aiohttp.ClientSession() as anonymous, anonymous.get(f"{erp.url}{PRICING_ROOT}/$metadata") as response:
        assert response.status == 401 and response.content_type == "text/html"
