"""An OpenAPI 3.0 document built from a simulator's own route table and a hand-written fragment per operation.

Each system's module (`erp`, `pos`, `crm`, `webshop`) holds an `ApiDescription`: the operations keyed as
`/_sim/stats` names routes ("METHOD /path pattern", without the `/<system>` prefix), its schemas and its
security schemes. `build` walks the routes the simulator actually registered, so a route without a fragment
(or a fragment without a route) fails the build: a new route cannot go undocumented.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

OPENAPI_VERSION = "3.0.3"
OPENAPI_PATH = "/openapi.json"
OPENAPI_ROUTE = "openapi-document"

Json = dict[str, Any]
_PARAMETER = re.compile(r"\{(\w+)\}")
# catch-alls answer unknown paths and refused methods in the API's own error shape: not operations
_CATCH_ALL = "{tail}"


class UndocumentedRoute(LookupError):
    """A served route without an operation in the description, or an operation the simulator does not serve."""


@dataclass(frozen=True)
class ApiDescription:
    title: str
    version: str
    summary: str
    operations: Mapping[str, Json]  # "METHOD /path" -> OpenAPI operation object (path parameters may be left out)
    schemas: Mapping[str, Json] = field(default_factory=dict)
    security_schemes: Mapping[str, Json] = field(default_factory=dict)
    security: tuple[Json, ...] = ()  # the default requirement; an operation may set its own
    parameter_schemas: Mapping[str, Json] = field(default_factory=dict)  # path parameter name -> schema


def served_routes(routes: Iterable[web.AbstractRoute], prefix: str) -> list[str]:
    """The operations a router serves, as "METHOD /path" without `prefix`: catch-alls, HEAD twins and this
    document's own route left out."""
    found: set[str] = set()
    for route in routes:
        resource = route.resource
        if resource is None or route.name == OPENAPI_ROUTE or route.method in ("HEAD", "*"):
            continue
        path = resource.canonical
        path = path[len(prefix):] if path.startswith(prefix + "/") else path
        if _CATCH_ALL not in path:
            found.add(f"{route.method} {path}")
    return sorted(found)


def build(description: ApiDescription, served: Iterable[str], prefix: str) -> Json:
    """The OpenAPI document of exactly `served` (as `served_routes` names them); raises UndocumentedRoute."""
    served = sorted(set(served))
    missing = [route for route in served if route not in description.operations]
    unserved = sorted(set(description.operations) - set(served))
    if missing or unserved:
        raise UndocumentedRoute(f"{description.title}: undocumented {missing}, documented but not served {unserved}")
    paths: dict[str, Json] = {}
    for route in served:
        method, path = route.split(" ", 1)
        operation = dict(description.operations[route])
        operation.setdefault("operationId", _operation_id(method, path))
        operation["parameters"] = _path_parameters(path, description) + list(operation.get("parameters", ()))
        if not operation["parameters"]:
            del operation["parameters"]
        paths.setdefault(path, {})[method.lower()] = operation
    document: Json = {
        "openapi": OPENAPI_VERSION,
        "info": {"title": description.title, "version": description.version, "description": description.summary},
        "servers": [{"url": prefix, "description": "the simulator host (relative to it)"}],
        "paths": paths,
        "components": {"schemas": dict(description.schemas), "securitySchemes": dict(description.security_schemes)},
    }
    if description.security:
        document["security"] = list(description.security)
    return document


def _path_parameters(path: str, description: ApiDescription) -> list[Json]:
    return [{"name": name, "in": "path", "required": True,
             "schema": description.parameter_schemas.get(name, {"type": "string"})}
            for name in _PARAMETER.findall(path)]


def _operation_id(method: str, path: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", path.replace("$", "dollar_"))
    return method.lower() + "".join(w[:1].upper() + w[1:] for w in words)


# --- fragments shared by the systems' modules ---

def ref(name: str) -> Json:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: Mapping[str, Json], required: Iterable[str] = (), **extra: Any) -> Json:
    schema: Json = {"type": "object", "properties": dict(properties)}
    if required := list(required):
        schema["required"] = required
    return {**schema, **extra}


def array(items: Json, **extra: Any) -> Json:
    return {"type": "array", "items": items, **extra}


STRING: Json = {"type": "string"}
INTEGER: Json = {"type": "integer"}
NUMBER: Json = {"type": "number"}
BOOLEAN: Json = {"type": "boolean"}
DATE_TIME: Json = {"type": "string", "format": "date-time"}


def nullable(schema: Json) -> Json:
    return {**schema, "nullable": True}


def query(name: str, schema: Json, description: str = "", required: bool = False) -> Json:
    parameter: Json = {"name": name, "in": "query", "schema": schema, "required": required}
    if description:
        parameter["description"] = description
    return parameter


def header(name: str, schema: Json, description: str = "") -> Json:
    return {"name": name, "in": "header", "schema": schema, "description": description}


def json_body(schema: Json, required: bool = True) -> Json:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def json_response(schema: Json, description: str) -> Json:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def operation(summary: str, responses: Mapping[str, Json], *, parameters: Iterable[Json] = (),
              body: Json | None = None, tags: Iterable[str] = (), **extra: Any) -> Json:
    op: Json = {"summary": summary, "responses": dict(responses)}
    if tags := list(tags):
        op["tags"] = tags
    if parameters := list(parameters):
        op["parameters"] = parameters
    if body is not None:
        op["requestBody"] = body
    return {**op, **extra}
