"""`POST /composite`: up to 25 subrequests in one call, run in order through the ordinary endpoints.

Later subrequests may use earlier results with `@{referenceId.path}`. With `allOrNone` the first
failure rolls back every write of the call and the other subrequests answer `PROCESSING_HALTED`.
"""

import re
from urllib.parse import parse_qsl, urlsplit

from multidict import CIMultiDict, MultiDict

from .calls import Call, Org, Reply, invoke, json_object
from .errors import HALTED_MESSAGE, Json, json_parser_error, not_found
from .routes import match
from .schema import API

MAX_SUBREQUESTS = 25
MAX_HEAVY = 5
TOO_MANY = "The request can’t contain more than 25 operations."
TOO_MANY_HEAVY = "The request can’t contain more than 5 query or sObject Collections operations."
_REFERENCE = re.compile(r"@\{([^}]+)\}")
_REFERENCE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_STEP = re.compile(r"([^.\[\]]+)|\[([0-9]{1,18})\]")  # no list is longer: a longer index resolves nothing


class _Unresolved(Exception):
    pass


def composite(org: Org, call: Call) -> Reply:
    body = json_object(call.body)
    subrequests = _subrequests(body.get("compositeRequest"))
    heavy = sum(1 for s in subrequests if _heavy(s))
    if len(subrequests) > MAX_SUBREQUESTS or heavy > MAX_HEAVY:
        return Reply(400, {"compositeResponse": [_entry(None, Reply(400, [
            {"errorCode": "LIMIT_EXCEEDED", "message": TOO_MANY if len(subrequests) > MAX_SUBREQUESTS
             else TOO_MANY_HEAVY}]))]})
    results: dict[str, Reply] = {}
    with org.store.journal.savepoint() as rollback:
        for sub in subrequests:
            reply = _run(org, sub, results)
            results[str(sub["referenceId"])] = reply
            if body.get("allOrNone") is True and reply.status >= 400:
                rollback()
                halted = Reply(400, [{"errorCode": "PROCESSING_HALTED", "message": HALTED_MESSAGE}])
                return Reply(200, {"compositeResponse": [
                    _entry(str(s["referenceId"]), reply if s is sub else halted) for s in subrequests]})
    return Reply(200, {"compositeResponse": [_entry(ref, reply) for ref, reply in results.items()]})


def _subrequests(raw: object) -> list[dict[str, object]]:
    if not isinstance(raw, list) or not raw or not all(isinstance(s, dict) for s in raw):
        raise json_parser_error("compositeRequest must be a non-empty array of subrequests")
    seen: set[str] = set()
    for sub in raw:
        ref = sub.get("referenceId")
        if not all(isinstance(sub.get(k), str) for k in ("method", "url", "referenceId")):
            raise json_parser_error("Each subrequest needs a method, a url and a referenceId")
        if not _REFERENCE_ID.match(str(ref)) or ref in seen:
            raise json_parser_error(f"Invalid or duplicate referenceId provided in the request: {ref}")
        seen.add(str(ref))
    return raw


def _heavy(sub: dict[str, object]) -> bool:
    found = match(str(sub["method"]), urlsplit(str(sub["url"])).path.removeprefix(API))
    return found is not None and found[0].heavy


def _run(org: Org, sub: dict[str, object], results: dict[str, Reply]) -> Reply:
    try:
        url = _resolve_text(str(sub["url"]), results)
        body = _resolve(sub.get("body"), results)
    except _Unresolved as error:
        return Reply(400, [{"errorCode": "PROCESSING_HALTED", "message": str(error)}])
    parts = urlsplit(url)
    found = match(str(sub["method"]), parts.path.removeprefix(API)) if parts.path.startswith(API + "/") else None
    if found is None:
        return Reply(404, not_found().body())
    route, params = found
    headers = sub.get("httpHeaders")
    call = Call(params, MultiDict(parse_qsl(parts.query, keep_blank_values=True)),
                CIMultiDict(headers if isinstance(headers, dict) else {}), body)
    return invoke(route.endpoint, org, call)


def _resolve(value: object, results: dict[str, Reply]) -> object:
    """Replaces `@{ref.path}` references in a body: a whole-string reference keeps the JSON type it points to."""
    if isinstance(value, dict):
        return {k: _resolve(v, results) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, results) for v in value]
    if isinstance(value, str):
        whole = _REFERENCE.fullmatch(value)
        return _lookup(whole.group(1), results) if whole else _resolve_text(value, results)
    return value


def _resolve_text(text: str, results: dict[str, Reply]) -> str:
    return _REFERENCE.sub(lambda m: str(_lookup(m.group(1), results)), text)


def _lookup(expression: str, results: dict[str, Reply]) -> object:
    ref, _, path = expression.partition(".")
    reply = results.get(ref)
    value: object = reply.body if reply and reply.status < 400 else None
    for name, index in _STEP.findall(path):
        if isinstance(value, dict) and name:
            value = value.get(name)
        elif isinstance(value, list) and index and int(index) < len(value):
            value = value[int(index)]
        else:
            value = None
    if value is None or reply is None:
        raise _Unresolved(f"Invalid reference specified. No value for {expression} found in {ref}. Provided "
                          f"referenceId ('{ref}') might be wrong, or the referenced request failed.")
    return value


def _entry(reference: str | None, reply: Reply) -> dict[str, Json]:
    return {"body": reply.body, "httpHeaders": dict(reply.headers), "httpStatusCode": reply.status,
            "referenceId": reference}
