"""The CRM's OpenAPI document: the Salesforce REST API v60.0 resources the simulator serves, plus the token call.

Records are open objects (`attributes` plus the fields asked for); request-level errors are Salesforce's
array of `{message, errorCode}`.
"""

from typing import Any

from .builder import (
    BOOLEAN,
    INTEGER,
    STRING,
    ApiDescription,
    Json,
    array,
    header,
    json_body,
    json_response,
    nullable,
    obj,
    operation,
    query,
    ref,
)

API = "/services/data/v60.0"
ERRORS = {"default": json_response(ref("ErrorList"), "Salesforce's error array")}
FIELDS = query("fields", STRING, "comma-separated field names")
SAVE_RESULTS = array(ref("SaveResult"))
COLLECTION = obj({"allOrNone": BOOLEAN, "records": array(ref("SObject"), maxItems=200)}, ["records"])

SCHEMAS: dict[str, Json] = {
    "Error": obj({"message": STRING, "errorCode": STRING, "fields": array(STRING)}, ["message", "errorCode"]),
    "ErrorList": array(ref("Error")),
    "SObject": obj({"attributes": obj({"type": STRING, "url": STRING}), "Id": STRING},
                   description="a record: `attributes` and the fields selected (Contact, Task, LoyaltyProgramMember, "
                               "LoyaltyMemberTier, LoyaltyMemberCurrency)", additionalProperties=True),
    "QueryResult": obj({"totalSize": INTEGER, "done": BOOLEAN, "nextRecordsUrl": STRING,
                        "records": array(ref("SObject"))}, ["totalSize", "done", "records"]),
    "SaveResult": obj({"id": nullable(STRING), "success": BOOLEAN, "created": BOOLEAN, "errors": array(obj({
        "statusCode": STRING, "message": STRING, "fields": array(STRING)}))}, ["success", "errors"]),
}


def _op(summary: str, responses: dict[str, Json], operation_id: str, **extra: Any) -> Json:
    return operation(summary, {**responses, **ERRORS}, tags=["REST"], operationId=operation_id, **extra)


QUERY = _op("Query (SOQL)", {"200": json_response(ref("QueryResult"), "the first batch of records")}, "query",
            parameters=[query("q", STRING, "SOQL: SELECT … FROM … [WHERE …] [ORDER BY …] [LIMIT n] [OFFSET m]",
                              required=True),
                        header("Sforce-Query-Options", STRING, "batchSize=N (200–2000)")])

OPERATIONS: dict[str, Json] = {
    f"GET {API}/query": QUERY,
    f"GET {API}/query/": {**QUERY, "operationId": "querySlash", "summary": "Query (SOQL), as simple-salesforce "
                                                                         "sends it"},
    f"GET {API}/query/{{locator}}": _op("Query more", {"200": json_response(ref("QueryResult"), "the next batch")},
                                        "queryMore"),
    f"GET {API}/sobjects/{{sObject}}/{{id}}": _op(
        "Retrieve a record", {"200": json_response(ref("SObject"), "the record")}, "getRecord", parameters=[FIELDS]),
    f"PATCH {API}/sobjects/{{sObject}}/{{id}}": _op(
        "Update a record", {"204": {"description": "updated"}}, "updateRecord",
        requestBody=json_body({"type": "object", "description": "the fields to change"})),
    f"PATCH {API}/sobjects/{{sObject}}/{{fieldName}}/{{fieldValue}}": _op(
        "Upsert a record on an external id",
        {"200": json_response(ref("SaveResult"), "updated"), "201": json_response(ref("SaveResult"), "created"),
         "300": json_response(array(STRING), "several records match")}, "upsertRecord",
        requestBody=json_body({"type": "object", "description": "the fields to set"})),
    f"GET {API}/composite/sobjects/{{sObject}}": _op(
        "Retrieve records by id (sObject Collections)",
        {"200": json_response(array(nullable(ref("SObject"))), "in id order; null for an unknown id")},
        "retrieveCollectionGet",
        parameters=[query("ids", STRING, "comma-separated ids", required=True), {**FIELDS, "required": True}]),
    f"POST {API}/composite/sobjects/{{sObject}}": _op(
        "Retrieve records by id (sObject Collections, up to 2,000 ids)",
        {"200": json_response(array(nullable(ref("SObject"))), "in id order; null for an unknown id")},
        "retrieveCollectionPost",
        requestBody=json_body(obj({"ids": array(STRING, maxItems=2000), "fields": array(STRING)},
                                  ["ids", "fields"]))),
    f"PATCH {API}/composite/sobjects": _op(
        "Update records (sObject Collections)", {"200": json_response(SAVE_RESULTS, "in request order")},
        "updateCollection", requestBody=json_body(COLLECTION)),
    f"PATCH {API}/composite/sobjects/{{sObject}}/{{fieldName}}": _op(
        "Upsert records on an external id (sObject Collections)",
        {"200": json_response(SAVE_RESULTS, "in request order")}, "upsertCollection",
        requestBody=json_body(COLLECTION)),
    f"POST {API}/composite": _op(
        "Composite: up to 25 subrequests in one call",
        {"200": json_response(obj({"compositeResponse": array(obj({
            "body": {"description": "the subrequest's response body"}, "httpHeaders": {"type": "object"},
            "httpStatusCode": INTEGER, "referenceId": nullable(STRING)}))}), "one result per subrequest")},
        "composite",
        requestBody=json_body(obj({"allOrNone": BOOLEAN, "compositeRequest": array(obj({
            "method": STRING, "url": STRING, "referenceId": STRING, "body": {"type": "object"}},
            ["method", "url", "referenceId"]), maxItems=25)}, ["compositeRequest"]))),
    "POST /services/oauth2/token": operation(
        "OAuth 2.0 token (client credentials)",
        {"200": json_response(obj({"access_token": STRING, "instance_url": STRING, "id": STRING,
                                   "token_type": STRING, "issued_at": STRING, "signature": STRING}), "a token"),
         "400": json_response(obj({"error": STRING, "error_description": STRING}), "refused")},
        tags=["OAuth"], operationId="token", security=[],
        requestBody={"required": True, "content": {"application/x-www-form-urlencoded": {"schema": obj({
            "grant_type": {"type": "string", "enum": ["client_credentials"]}, "client_id": STRING,
            "client_secret": STRING}, ["grant_type", "client_id", "client_secret"])}}}),
}

DESCRIPTION = ApiDescription(
    title="Salesforce REST API v60.0 (Omnigate CRM simulator)", version="60.0",
    summary=("SOQL query, records, sObject Collections, upsert on external ids and Composite, over Contact, Task "
             "and the Loyalty Management objects; every REST response carries `Sforce-Limit-Info`."),
    operations=OPERATIONS, schemas=SCHEMAS,
    security_schemes={"bearerAuth": {"type": "http", "scheme": "bearer",
                                     "description": "OAuth access token or session id (demo `demo-crm-token`)"}},
    security=({"bearerAuth": []},))
