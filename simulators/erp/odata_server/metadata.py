"""`$metadata`: the CSDL document of a service root, generated from the model the queries run on.

Generated rather than written by hand, so it cannot drift from what the service
answers. v2 (EDMX 1.0) ties navigations through associations and association
sets; v4 (CSDL 4.0) types them directly and binds them to target entity sets.
"""

from xml.etree.ElementTree import Element, SubElement, tostring

from .errors import Version
from .model import EntityType, Navigation, Prop, Service

V2_EDMX = "http://schemas.microsoft.com/ado/2007/06/edmx"
V2_EDM = "http://schemas.microsoft.com/ado/2008/09/edm"
V2_METADATA = "http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"
SAP_ANNOTATIONS = "http://www.sap.com/Protocols/SAPData"
V4_EDMX = "http://docs.oasis-open.org/odata/ns/edmx"
V4_EDM = "http://docs.oasis-open.org/odata/ns/edm"
READ_ONLY = {"sap:creatable": "false", "sap:updatable": "false", "sap:deletable": "false"}


def csdl(service: Service) -> bytes:
    """The service's `$metadata` body (XML, UTF-8)."""
    root = _v4(service) if service.version is Version.V4 else _v2(service)
    body: bytes = tostring(root, encoding="utf-8", xml_declaration=True)
    return body


def _v4(service: Service) -> Element:
    edmx = Element("edmx:Edmx", {"Version": "4.0", "xmlns:edmx": V4_EDMX})
    schema = SubElement(SubElement(edmx, "edmx:DataServices"), "Schema",
                        {"Namespace": service.namespace, "Alias": "SAP__self", "xmlns": V4_EDM})
    for etype in _types(service):
        element = _entity_type(schema, etype)
        for name, nav in etype.navigations.items():
            target = f"{service.namespace}.{nav.target.name}"
            SubElement(element, "NavigationProperty", {"Name": name,
                                                       "Type": f"Collection({target})" if nav.many else target})
    container = SubElement(schema, "EntityContainer", {"Name": "Container"})
    set_of_type = _set_of_type(service)
    for name, entity_set in service.sets.items():
        element = SubElement(container, "EntitySet",
                             {"Name": name, "EntityType": f"{service.namespace}.{entity_set.type.name}"})
        for path, nav in entity_set.type.navigations.items():
            SubElement(element, "NavigationPropertyBinding", {"Path": path, "Target": set_of_type[nav.target.name]})
    return edmx


def _v2(service: Service) -> Element:
    edmx = Element("edmx:Edmx", {"Version": "1.0", "xmlns:edmx": V2_EDMX, "xmlns:m": V2_METADATA,
                                 "xmlns:sap": SAP_ANNOTATIONS})
    services = SubElement(edmx, "edmx:DataServices", {"m:DataServiceVersion": "2.0"})
    namespace = service.namespace
    schema = SubElement(services, "Schema", {"Namespace": namespace, "xml:lang": "en", "xmlns": V2_EDM})
    associations: list[tuple[str, EntityType, Navigation]] = []
    for etype in _types(service):
        element = _entity_type(schema, etype)
        for name, nav in etype.navigations.items():
            association = f"assoc_{etype.name}_{name}"
            associations.append((association, etype, nav))
            SubElement(element, "NavigationProperty", {
                "Name": name, "Relationship": f"{namespace}.{association}",
                "FromRole": f"FromRole_{association}", "ToRole": f"ToRole_{association}"})
    for association, source, nav in associations:
        element = SubElement(schema, "Association", {"Name": association})
        SubElement(element, "End", {"Type": f"{namespace}.{source.name}", "Multiplicity": "1",
                                    "Role": f"FromRole_{association}"})
        SubElement(element, "End", {"Type": f"{namespace}.{nav.target.name}", "Multiplicity": "*" if nav.many
                                    else "0..1", "Role": f"ToRole_{association}"})
    container = SubElement(schema, "EntityContainer", {"Name": f"{namespace}_Entities",
                                                       "m:IsDefaultEntityContainer": "true"})
    for name, entity_set in service.sets.items():
        SubElement(container, "EntitySet", {"Name": name, "EntityType": f"{namespace}.{entity_set.type.name}",
                                            **READ_ONLY})
    set_of_type = _set_of_type(service)
    for association, source, nav in associations:
        element = SubElement(container, "AssociationSet", {"Name": f"{association}_set",
                                                           "Association": f"{namespace}.{association}", **READ_ONLY})
        SubElement(element, "End", {"EntitySet": set_of_type[source.name], "Role": f"FromRole_{association}"})
        SubElement(element, "End", {"EntitySet": set_of_type[nav.target.name], "Role": f"ToRole_{association}"})
    return edmx


def _entity_type(schema: Element, etype: EntityType) -> Element:
    element = SubElement(schema, "EntityType", {"Name": etype.name})
    key = SubElement(element, "Key")
    for name in etype.keys:
        SubElement(key, "PropertyRef", {"Name": name})
    for name, prop in etype.properties.items():
        SubElement(element, "Property", {"Name": name, **_facets(prop, nullable=name not in etype.keys)})
    return element


def _facets(prop: Prop, *, nullable: bool) -> dict[str, str]:
    facets = {"Type": prop.edm.value}
    if not nullable:
        facets["Nullable"] = "false"
    for attribute, value in (("MaxLength", prop.max_length), ("Precision", prop.precision),
                             ("Scale", prop.scale)):
        if value is not None:
            facets[attribute] = str(value)
    return facets


def _types(service: Service) -> list[EntityType]:
    """Each entity type of the service once, in the order its sets are declared."""
    return list({s.type.name: s.type for s in service.sets.values()}.values())


def _set_of_type(service: Service) -> dict[str, str]:
    return {s.type.name: name for name, s in service.sets.items()}
