"""OData failures and the two error bodies SAP Gateway answers with (v4 and v2).

Message codes are SAP-style `<message class>/<number>`; the exact classes are
unverified, so they live in the two tables below.
"""

import uuid
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from aiohttp import web


class Version(Enum):
    V2 = "2.0"
    V4 = "4.0"


V4_CODES = {400: "/IWBEP/CM_V4_COS/014", 404: "/IWBEP/CM_V4_RUNTIME/006", 405: "/IWBEP/CM_V4_COS/020",
            406: "/IWBEP/CM_V4_COS/021", 414: "/IWBEP/CM_V4_COS/015", 429: "/IWBEP/CM_V4S_RUN/429"}
V2_CODES = {400: "/IWBEP/CM_MGW_RT/022", 404: "/IWBEP/CM_MGW_RT/020", 405: "/IWBEP/CM_MGW_RT/021",
            406: "/IWBEP/CM_MGW_RT/024", 414: "/IWBEP/CM_MGW_RT/025", 429: "/IWBEP/CM_MGW_RT/429"}
V4_SERVER_CODE = "/IWBEP/CM_V4S_RUN/000"
V2_SERVER_CODE = "/IWBEP/CM_MGW_RT/000"


class ODataError(Exception):
    """A request the service refuses; rendered in the version of the service that raised it."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(version: Version, service_id: str, status: int, message: str) -> web.Response:
    body = _v4_body(status, message) if version is Version.V4 else _v2_body(service_id, status, message)
    return web.json_response(body, status=status)


def _v4_body(status: int, message: str) -> dict[str, Any]:
    category = "Client_Error" if status < 500 else "Provider_Application_Error"
    return {"error": {
        "code": V4_CODES.get(status, V4_SERVER_CODE if status >= 500 else V4_CODES[400]),
        "message": message,
        "@SAP__common.ExceptionCategory": category,
        "innererror": {"ErrorDetails": {"@SAP__common.TransactionId": _transaction_id(),
                                        "@SAP__common.Timestamp": _timestamp()}},
    }}


def _v2_body(service_id: str, status: int, message: str) -> dict[str, Any]:
    code = V2_CODES.get(status, V2_SERVER_CODE if status >= 500 else V2_CODES[400])
    return {"error": {
        "code": code,
        "message": {"lang": "en", "value": message},
        "innererror": {
            "application": {"component_id": "", "service_namespace": "/SAP/", "service_id": service_id,
                            "service_version": "0001"},
            "transactionid": _transaction_id(),
            "timestamp": _timestamp(),
            "errordetails": [{"code": code, "message": message, "propertyref": "", "severity": "error",
                              "target": ""}],
        },
    }}


def _transaction_id() -> str:
    return uuid.uuid4().hex.upper()


def _timestamp() -> str:
    """SAP's packed UTC timestamp, e.g. 20261120120000.1234560."""
    now = datetime.now(UTC)
    return now.strftime("%Y%m%d%H%M%S") + f".{now.microsecond:06d}0"
