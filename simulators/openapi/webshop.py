"""The web shop's OpenAPI document: WooCommerce REST API v3 (`/wp-json/wc/v3`) and the TI Wishlist plugin routes.

Query enums come from the simulator's own tables, so the document and the checks it makes agree. Money is a
string with two decimals; lists page with `page`/`per_page` (1 to 100) and answer `X-WP-Total`.
"""

from simulators.webshop import customers, orders, products
from simulators.webshop.batch import BATCH_LIMIT
from simulators.webshop.order_model import ORDER_STATUSES
from simulators.webshop.params import MAX_PER_PAGE
from simulators.webshop.webhook_book import STATUSES as WEBHOOK_STATUSES
from simulators.webshop.webhooks_api import ORDER_BY as WEBHOOK_ORDER_BY
from simulators.webshop.webhooks_api import STATUS_FILTER as WEBHOOK_FILTER
from simulators.webshop.wishlist import DEFAULT_COUNT
from simulators.webshop.wp import API_ROOT

from .builder import (
    BOOLEAN,
    INTEGER,
    NUMBER,
    STRING,
    ApiDescription,
    Json,
    array,
    json_body,
    json_response,
    nullable,
    obj,
    operation,
    query,
    ref,
)

MONEY: Json = {"type": "string", "description": "two decimals, e.g. `\"19.90\"`; `\"\"` when unset"}
LOCAL_TIME: Json = {"type": "string", "description": "shop time, e.g. `2024-05-02T14:03:11`"}
SECURITY: tuple[Json, ...] = ({"basicAuth": []}, {"consumerKey": [], "consumerSecret": []})
ERRORS = {"default": json_response(ref("Error"), "WordPress REST error")}
TOTALS = {"X-WP-Total": {"schema": INTEGER}, "X-WP-TotalPages": {"schema": INTEGER}, "Link": {"schema": STRING}}
ID_LIST = {"type": "string", "description": "comma-separated ids (or `name[]=` repeated)"}
PAGING = [query("page", {"type": "integer", "minimum": 1}), query("offset", INTEGER),
          query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 10})]


def _enum(values: tuple[str, ...], default: str | None = None) -> Json:
    return {"type": "string", "enum": list(values), **({"default": default} if default is not None else {})}


ADDRESS = {k: STRING for k in ("first_name", "last_name", "company", "address_1", "address_2", "city", "state",
                               "postcode", "country")}
META = array(obj({"id": INTEGER, "key": STRING, "value": {"description": "any JSON value"}}))
SCHEMAS: dict[str, Json] = {
    "Error": obj({"code": STRING, "message": STRING, "data": {"description": "`{status, …}` (or a bare number)"}},
                 ["code", "message"]),
    "Product": obj({
        "id": INTEGER, "name": STRING, "slug": STRING, "type": STRING, "status": STRING, "sku": STRING,
        "price": MONEY, "regular_price": MONEY, "sale_price": MONEY, "on_sale": BOOLEAN, "manage_stock": BOOLEAN,
        "stock_quantity": nullable(INTEGER), "stock_status": _enum(products.STOCK_FILTER),
        "categories": array(obj({"id": INTEGER, "name": STRING, "slug": STRING})),
        "images": array(obj({"id": INTEGER, "src": STRING, "name": STRING, "alt": STRING})),
        "date_modified": LOCAL_TIME, "date_modified_gmt": LOCAL_TIME, "meta_data": META,
    }, ["id", "name", "sku", "price", "stock_status"]),
    "Customer": obj({"id": INTEGER, "email": STRING, "first_name": STRING, "last_name": STRING, "username": STRING,
                     "role": STRING, "billing": obj({**ADDRESS, "email": STRING, "phone": STRING}),
                     "shipping": obj(ADDRESS), "meta_data": META}, ["id", "email"]),
    "LineItem": obj({"id": INTEGER, "product_id": INTEGER, "variation_id": INTEGER, "sku": nullable(STRING),
                     "name": STRING, "quantity": INTEGER, "price": NUMBER, "total": MONEY, "meta_data": META}),
    "ShippingLine": obj({"id": INTEGER, "method_id": STRING, "method_title": STRING, "total": MONEY,
                         "meta_data": META}),
    "Order": obj({
        "id": INTEGER, "number": STRING, "status": _enum(ORDER_STATUSES), "currency": STRING,
        "date_created": LOCAL_TIME, "date_created_gmt": LOCAL_TIME, "total": MONEY, "customer_id": INTEGER,
        "billing": obj({**ADDRESS, "email": STRING, "phone": STRING}), "shipping": obj(ADDRESS),
        "line_items": array(ref("LineItem")), "shipping_lines": array(ref("ShippingLine")),
        "refunds": array(obj({"id": INTEGER, "reason": STRING, "total": MONEY})), "meta_data": META,
    }, ["id", "status", "total"]),
    "OrderInput": obj({
        "customer_id": INTEGER, "status": _enum(ORDER_STATUSES), "set_paid": BOOLEAN,
        "payment_method": STRING, "billing": {"type": "object"}, "shipping": {"type": "object"},
        "line_items": array(obj({"product_id": INTEGER, "sku": STRING, "quantity": INTEGER})),
        "shipping_lines": array(ref("ShippingLine")), "meta_data": META}),
    "Refund": obj({"id": INTEGER, "date_created": LOCAL_TIME, "amount": MONEY, "reason": STRING,
                   "refunded_by": INTEGER, "refunded_payment": BOOLEAN, "meta_data": META,
                   "line_items": array({"type": "object"})}, ["id", "amount"]),
    "RefundInput": obj({"amount": MONEY, "reason": STRING, "api_refund": BOOLEAN, "api_restock": BOOLEAN,
                        "meta_data": META, "line_items": array(obj({
                            "id": INTEGER, "quantity": INTEGER, "refund_total": {"oneOf": [NUMBER, STRING]},
                            "refund_tax": array({"type": "object"})}))}),
    "Wishlist": obj({"id": INTEGER, "user_id": INTEGER, "date_added": STRING, "title": STRING, "share_key": STRING},
                    ["id", "share_key"]),
    "WishlistItem": obj({"item_id": INTEGER, "product_id": INTEGER, "variation_id": INTEGER, "meta": {},
                         "date_added": STRING, "price": STRING, "in_stock": BOOLEAN}, ["item_id", "product_id"]),
}


def _batch(item: str) -> tuple[Json, Json]:
    body = obj({"create": array(ref(f"{item}Input" if item == "Order" else "ProductWrite")),
                "update": array({"allOf": [ref(f"{item}Input" if item == "Order" else "ProductWrite"),
                                           obj({"id": INTEGER}, ["id"])]}),
                "delete": array(INTEGER)}, description=f"at most {BATCH_LIMIT} items in all (else 413)")
    answer = obj({k: array({"description": f"a {item.lower()}, or `{{id, error}}` for a failed one"})
                  for k in ("create", "update", "delete")})
    return body, answer


SCHEMAS["ProductWrite"] = obj({"name": STRING, "sku": STRING, "regular_price": MONEY, "sale_price": MONEY,
                               "manage_stock": BOOLEAN, "stock_quantity": nullable(INTEGER),
                               "stock_status": _enum(products.STOCK_FILTER)})


def _op(summary: str, status: str, answer: Json, tag: str, operation_id: str, *, listing: bool = False,
        parameters: list[Json] | None = None, body: Json | None = None, public: bool = False) -> Json:
    response = json_response(answer, summary)
    if listing:
        response["headers"] = TOTALS
    extra: dict[str, object] = {"security": [{}, *SECURITY]} if public else {}  # credentials optional
    return operation(summary, {status: response, **ERRORS}, parameters=parameters or [],
                     body=None if body is None else json_body(body), tags=[tag], operationId=operation_id, **extra)


PRODUCT_BATCH, PRODUCT_BATCH_ANSWER = _batch("Product")
ORDER_BATCH, ORDER_BATCH_ANSWER = _batch("Order")
SHARE_KEY = "/wishlist/{share_key}"
MODIFIED = [query("modified_after", STRING, "ISO 8601 modification date"),
            query("modified_before", STRING, "ISO 8601 modification date")]
SCHEMAS["Webhook"] = obj({
    "id": INTEGER, "name": STRING, "status": _enum(WEBHOOK_STATUSES), "topic": STRING, "resource": STRING,
    "event": STRING, "hooks": array(STRING), "delivery_url": STRING, "secret": STRING,
    "date_created": LOCAL_TIME, "date_created_gmt": STRING, "date_modified": LOCAL_TIME,
    "date_modified_gmt": STRING, "_links": {"type": "object"}}, ["id", "status", "topic", "delivery_url"])
SCHEMAS["WebhookInput"] = obj({"name": STRING, "status": _enum(WEBHOOK_STATUSES),
                               "topic": {**STRING, "description": "e.g. order.updated, product.created"},
                               "delivery_url": STRING, "secret": STRING})
WEBHOOK_BATCH = obj({"create": array(ref("WebhookInput")),
                     "update": array({"allOf": [ref("WebhookInput"), obj({"id": INTEGER}, ["id"])]}),
                     "delete": array(INTEGER)}, description=f"at most {BATCH_LIMIT} items in all (else 413)")
WEBHOOK_BATCH_ANSWER = obj({k: array({"description": "a webhook, or `{id, error}` for a failed one"})
                            for k in ("create", "update", "delete")})
OPERATIONS: dict[str, Json] = {
    "GET /products": _op("List products", "200", array(ref("Product")), "Products", "listProducts", listing=True,
                         parameters=[
        query("include", ID_LIST), query("exclude", ID_LIST), query("sku", STRING, "comma-separated skus"),
        query("search", STRING), query("category", STRING, "category id(s)"),
        query("status", _enum(products.STATUS_FILTER, "any")), query("stock_status", _enum(products.STOCK_FILTER)),
        query("orderby", _enum(products.ORDER_BY, "date")), query("order", _enum(("asc", "desc"), "desc")),
        query("_fields", STRING, "trim the output"), query("dates_are_gmt", BOOLEAN), *MODIFIED, *PAGING]),
    "GET /products/{id}": _op("Retrieve a product", "200", ref("Product"), "Products", "getProduct"),
    "POST /products/batch": _op("Batch update products", "200", PRODUCT_BATCH_ANSWER, "Products",
                                "batchProducts", body=PRODUCT_BATCH),
    "GET /customers": _op("List customers", "200", array(ref("Customer")), "Customers", "listCustomers",
                          listing=True, parameters=[
        query("email", {"type": "string", "format": "email"}), query("search", STRING), query("include", ID_LIST),
        query("exclude", ID_LIST), query("role", _enum(customers.ROLES, "customer")),
        query("orderby", _enum(customers.ORDER_BY, "name")), query("order", _enum(("asc", "desc"), "asc")),
        query("dates_are_gmt", BOOLEAN), *MODIFIED, *PAGING]),
    "GET /customers/{id}": _op("Retrieve a customer", "200", ref("Customer"), "Customers", "getCustomer"),
    "GET /orders": _op("List orders", "200", array(ref("Order")), "Orders", "listOrders", listing=True, parameters=[
        query("customer", INTEGER, "one customer id (0 = guests)"),
        query("status", STRING, f"comma list of {', '.join(orders.STATUS_FILTER)}"),
        query("after", STRING, "ISO 8601 creation date"), query("before", STRING, "ISO 8601 creation date"),
        query("dates_are_gmt", BOOLEAN), *MODIFIED, query("include", ID_LIST), query("exclude", ID_LIST),
        query("orderby", _enum(orders.ORDER_BY, "date")), query("order", _enum(("asc", "desc"), "desc")), *PAGING]),
    "POST /orders": _op("Create an order", "201", ref("Order"), "Orders", "createOrder", body=ref("OrderInput")),
    "POST /orders/batch": _op("Batch create, update or delete orders", "200", ORDER_BATCH_ANSWER, "Orders",
                              "batchOrders", body=ORDER_BATCH),
    "GET /orders/{id}": _op("Retrieve an order", "200", ref("Order"), "Orders", "getOrder"),
    "PUT /orders/{id}": _op("Update an order", "200", ref("Order"), "Orders", "updateOrder", body=ref("OrderInput")),
    "GET /orders/{order_id}/refunds": _op("List an order's refunds", "200", array(ref("Refund")), "Refunds",
                                          "listRefunds", listing=True,
                                          parameters=[query("order", _enum(("asc", "desc"), "desc")), *PAGING]),
    "POST /orders/{order_id}/refunds": _op("Refund an order", "201", ref("Refund"), "Refunds", "createRefund",
                                           body=ref("RefundInput")),
    "GET /webhooks": _op("List webhooks", "200", array(ref("Webhook")), "Webhooks", "listWebhooks", listing=True,
                         parameters=[query("status", _enum(WEBHOOK_FILTER, "all")), query("search", STRING),
                                     query("include", ID_LIST), query("exclude", ID_LIST),
                                     query("orderby", _enum(WEBHOOK_ORDER_BY, "date")),
                                     query("order", _enum(("asc", "desc"), "desc")), *PAGING]),
    "POST /webhooks": _op("Create a webhook (pinged at its delivery URL when active)", "201", ref("Webhook"),
                          "Webhooks", "createWebhook", body=ref("WebhookInput")),
    "POST /webhooks/batch": _op("Batch create, update or delete webhooks", "200", WEBHOOK_BATCH_ANSWER,
                                "Webhooks", "batchWebhooks", body=WEBHOOK_BATCH),
    "GET /webhooks/{id}": _op("Retrieve a webhook", "200", ref("Webhook"), "Webhooks", "getWebhook"),
    "PUT /webhooks/{id}": _op("Update a webhook (set active again: pinged, failure count cleared)", "200",
                              ref("Webhook"), "Webhooks", "updateWebhook", body=ref("WebhookInput")),
    "DELETE /webhooks/{id}": _op("Delete a webhook (`force=true`; no trash: 501 without it)", "200",
                                 ref("Webhook"), "Webhooks", "deleteWebhook",
                                 parameters=[query("force", BOOLEAN, "must be true")]),
    "GET /wishlist/get_by_share_key/{share_key}": _op("Wishlist by share key", "200", ref("Wishlist"), "Wishlist",
                                                      "wishlistByShareKey", public=True),
    "GET /wishlist/get_by_user/{user_id}": _op("A customer's wishlists", "200", array(ref("Wishlist")), "Wishlist",
                                               "wishlistsByUser"),
    "POST /wishlist/update/{share_key}": _op("Rename or assign a wishlist", "200", ref("Wishlist"), "Wishlist",
                                             "updateWishlist", body=obj({"title": STRING, "user_id": INTEGER})),
    f"GET {SHARE_KEY}/get_products": _op(
        "A wishlist's products", "200", array(ref("WishlistItem")), "Wishlist", "wishlistProducts", public=True,
        parameters=[query("count", {"type": "integer", "default": DEFAULT_COUNT}), query("offset", INTEGER),
                    query("order", {"type": "string", "enum": ["ASC", "DESC"], "default": "DESC"})]),
    f"POST {SHARE_KEY}/add_product": _op(
        "Add a product to a wishlist", "200", array(ref("WishlistItem")), "Wishlist", "addWishlistProduct",
        body=obj({"product_id": INTEGER, "variation_id": INTEGER, "meta": {"type": "object"}}, ["product_id"])),
    f"DELETE {SHARE_KEY}/remove_product/{{item_id}}": _op(
        "Remove a product from a wishlist", "200", {"type": "string", "example": "Product removed from a wishlist."},
        "Wishlist", "removeWishlistProduct"),
}
# update = PUT, with POST and PATCH as WordPress's aliases
for _path, _name in (("/products/batch", "batchProducts"), ("/orders/batch", "batchOrders"),
                     ("/orders/{id}", "updateOrder"), ("/webhooks/batch", "batchWebhooks"),
                     ("/webhooks/{id}", "updateWebhook")):
    _base = OPERATIONS.get(f"PUT {_path}") or OPERATIONS[f"POST {_path}"]
    for _method in ("POST", "PUT", "PATCH"):
        OPERATIONS.setdefault(f"{_method} {_path}", {**_base, "operationId": f"{_name}{_method.title()}"})
OPERATIONS = {f"{method} {API_ROOT}{path}": op for (method, path), op in
              ((tuple(key.split(" ", 1)), op) for key, op in OPERATIONS.items())}

DESCRIPTION = ApiDescription(
    title="WooCommerce REST API v3 + TI WooCommerce Wishlist (Omnigate web shop simulator)", version="3",
    summary=("Products, customers, orders, refunds, wishlists and webhooks (deliveries signed in "
             "`X-WC-Webhook-Signature`, base64 HMAC-SHA256 of the body with the webhook's secret). Consumer key "
             "and secret over HTTP Basic or as the `consumer_key`/`consumer_secret` query parameters (OAuth 1.0a "
             "signatures are accepted too)."),
    operations=OPERATIONS, schemas=SCHEMAS,
    security_schemes={
        "basicAuth": {"type": "http", "scheme": "basic", "description": "consumer key / consumer secret"},
        "consumerKey": {"type": "apiKey", "in": "query", "name": "consumer_key"},
        "consumerSecret": {"type": "apiKey", "in": "query", "name": "consumer_secret"}},
    security=SECURITY,
    parameter_schemas={"id": INTEGER, "order_id": INTEGER, "user_id": INTEGER, "item_id": INTEGER,
                       "share_key": {"type": "string", "pattern": "^[A-Fa-f0-9]{6}$"}})
