"""The ERP's OpenAPI document, derived from the same service models that serve the data and `$metadata`.

Each entity set gets its collection, `$count` and key access; each root its service document and
`$metadata` (XML, as SAP serves it). The entity schemas follow each protocol's JSON format: v4 numbers and
ISO dates, v2 decimal strings, `/Date(ms)/` and `__metadata`.
"""

from collections.abc import Iterable

from simulators.erp.odata_server.errors import Version
from simulators.erp.odata_server.model import Edm, EntityType, Prop, Service
from simulators.erp.odata_server.query import COMMON_OPTIONS, COUNT_OPTION

from .builder import (
    BOOLEAN,
    INTEGER,
    NUMBER,
    STRING,
    ApiDescription,
    Json,
    array,
    json_response,
    nullable,
    obj,
    operation,
    query,
    ref,
)

QUERY_OPTIONS: dict[str, tuple[Json, str]] = {
    "$filter": (STRING, "filter expression, e.g. `Product eq 'AB-100'` (at most 100 comparisons)"),
    "$select": (STRING, "comma-separated properties"),
    "$expand": (STRING, "navigation properties to inline"),
    "$orderby": (STRING, "e.g. `Product asc`"),
    "$top": (INTEGER, "page size"),
    "$skip": (INTEGER, "rows to skip"),
    "$skiptoken": (INTEGER, "as given in the next link"),
    "$format": (STRING, "`json`"),
}
COUNT_SCHEMA = {Version.V4: BOOLEAN, Version.V2: {"type": "string", "enum": ["allpages", "none"]}}
V2_DATE = {"type": "string", "pattern": r"^/Date\(-?[0-9]+\)/$"}
METADATA = {"description": "the service's CSDL document", "content": {"application/xml": {"schema": STRING}}}
COUNT = {"description": "the number of matching entities", "content": {"text/plain": {"schema": STRING}}}
ODATA_ERROR = {"V4": obj({"error": obj({"code": STRING, "message": STRING,
                                        "@SAP__common.ExceptionCategory": STRING}, ["code", "message"])}, ["error"]),
               "V2": obj({"error": obj({"code": STRING, "message": obj({"lang": STRING, "value": STRING}),
                                        "innererror": {"type": "object"}}, ["code", "message"])}, ["error"])}


def describe(services: Iterable[Service]) -> ApiDescription:
    services = tuple(services)
    assert COMMON_OPTIONS - {"$search"} <= set(QUERY_OPTIONS), "an OData option without its description"
    operations: dict[str, Json] = {}
    schemas: dict[str, Json] = {f"ODataError{v}": s for v, s in ODATA_ERROR.items()}
    for service in services:
        operations.update(_service_operations(service))
        for entity_set in service.sets.values():
            schemas[_schema_name(service, entity_set.type)] = _entity_schema(service, entity_set.type)
    return ApiDescription(
        title="SAP S/4HANA OData services (Omnigate ERP simulator)", version="2026.12",
        summary=("Product (v4, API_PRODUCT 0002), sales pricing conditions, material stock and product groups (v2) "
                 "and the ZAPI_PRODREL customer extension (v4), read only. Each service root also serves "
                 "`$metadata` (CSDL XML)."),
        operations=operations, schemas=schemas,
        security_schemes={"basicAuth": {"type": "http", "scheme": "basic",
                                        "description": "communication user (demo `omnigate` / `demo-erp`)"}},
        security=({"basicAuth": []},),
        parameter_schemas={"key": {"type": "string", "description": "key predicate, e.g. `'AB-100'` or "
                                                                    "`Material='A',Plant='1010'`"}})


def _service_operations(service: Service) -> dict[str, Json]:
    root, tag, version = service.root, service.service_id, service.version
    error = {"default": json_response(ref(f"ODataError{version.name}"), "OData error")}
    if version is Version.V2:  # SAP's v2 default is Atom XML, which the simulator does not speak
        error["406"] = json_response(ref("ODataErrorV2"), "JSON only: send `Accept: application/json` or "
                                                          "`$format=json`")
    document = (obj({"value": array(obj({"name": STRING, "url": STRING}))}) if version is Version.V4
                else obj({"d": obj({"EntitySets": array(STRING)})}))
    service_document = operation(f"{tag}: service document", {"200": json_response(document, "entity sets"), **error},
                                 tags=[tag])
    metadata = operation(f"{tag}: $metadata", {"200": METADATA, "default": error["default"]}, tags=[tag],
                         operationId=f"{tag}_metadata")
    operations = {f"GET {root}": service_document,
                  f"GET {root}/": {**service_document, "operationId": f"{tag}_serviceDocumentSlash"},
                  f"GET {root}/$metadata": metadata}
    options = [query(name, schema, text) for name, (schema, text) in QUERY_OPTIONS.items()]
    count_option = query(COUNT_OPTION[version], COUNT_SCHEMA[version], "include the total count")
    for name, entity_set in service.sets.items():
        entity = ref(_schema_name(service, entity_set.type))
        if version is Version.V4:
            listing = obj({"@odata.context": STRING, "@odata.count": INTEGER, "@odata.nextLink": STRING,
                           "value": array(entity)}, ["value"])
            single = entity
        else:
            listing = obj({"d": obj({"results": array(entity), "__count": STRING, "__next": STRING}, ["results"])},
                          ["d"])
            single = obj({"d": entity}, ["d"])
        operations[f"GET {root}/{name}"] = operation(
            f"{tag}: list {name}", {"200": json_response(listing, f"a page of {name}"), **error},
            parameters=[*options, count_option], tags=[tag], operationId=f"{tag}_{name}_list")
        operations[f"GET {root}/{name}/$count"] = operation(
            f"{tag}: count {name}", {"200": COUNT, **error},
            parameters=[query("$filter", STRING, "filter expression")], tags=[tag], operationId=f"{tag}_{name}_count")
        operations[f"GET {root}/{name}({{key}})"] = operation(
            f"{tag}: one {name} by key", {"200": json_response(single, f"one {name}"), **error},
            parameters=[query(o, STRING, "") for o in ("$select", "$expand", "$format")], tags=[tag],
            operationId=f"{tag}_{name}_byKey")
    return operations


def _schema_name(service: Service, etype: EntityType) -> str:
    return f"{service.service_id}.{etype.name}"


def _entity_schema(service: Service, etype: EntityType) -> Json:
    properties = {name: _property(prop, service.version) for name, prop in etype.properties.items()}
    for name, nav in etype.navigations.items():
        target = ref(_schema_name(service, nav.target))
        if not nav.many:  # v2: or `{"__deferred": {"uri"}}` when not expanded (the entity's properties are optional)
            properties[name] = {"allOf": [target], "nullable": True}
        elif service.version is Version.V4:
            properties[name] = array(target)
        else:  # v2: expanded, or deferred to a link
            properties[name] = obj({"results": array(target), "__deferred": obj({"uri": STRING})})
    if service.version is Version.V4:
        properties["@odata.etag"] = STRING
    else:
        properties["__metadata"] = obj({"id": STRING, "uri": STRING, "type": STRING})
    return obj(properties, description=f"{etype.name}; keys {', '.join(etype.keys)}")


def _property(prop: Prop, version: Version) -> Json:
    schema: Json
    if prop.edm is Edm.STRING:
        # the facet is told, not enforced: the demo world's descriptions run past SAP's 40 characters
        schema = {"type": "string", **({"description": f"MaxLength {prop.max_length} in $metadata"}
                                       if prop.max_length else {})}
    elif prop.edm is Edm.BOOLEAN:
        schema = BOOLEAN
    elif prop.edm is Edm.INT32:
        schema = {"type": "integer", "format": "int32"}
    elif prop.edm is Edm.DECIMAL:
        schema = NUMBER if version is Version.V4 else {"type": "string", "description": "Edm.Decimal, as a string"}
    elif prop.edm is Edm.DATE:
        schema = {"type": "string", "format": "date"} if version is Version.V4 else V2_DATE
    elif prop.edm is Edm.DATETIME:
        schema = V2_DATE
    else:
        schema = {"type": "string", "format": "date-time"}
    return nullable(schema)
