"""The Salesforce REST calls the adapter makes: query with paging, sObject Collections retrieve, composite.

Everything goes through one UpstreamClient; this layer adds what is Salesforce's
own: root-relative `nextRecordsUrl`s joined onto the instance URL, composite
subrequest statuses, and the rate limit that arrives as a 403.
"""

import asyncio
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import aiohttp

from connectors.domain import System
from connectors.errors import UpstreamUnavailable
from connectors.http import CircuitBreaker, UpstreamClient

from .error_reader import RequestLimitExceeded, read_error, subrequest_error
from .soql_builder import URL_LIMIT

API = "/services/data/v60.0"
RETRIEVE_LIMIT = 2000  # ids per POST /composite/sobjects/{type}
COMPOSITE_QUERY_LIMIT = 5  # query subrequests per POST /composite
SYSTEM = System.CRM.value

Json = dict[str, Any]


class SalesforceRest:
    def __init__(self, client: UpstreamClient, breaker: CircuitBreaker) -> None:
        self._client = client
        self._breaker = breaker

    @classmethod
    def connect(cls, session: aiohttp.ClientSession, instance_url: str, token: str, *,
                timeout_s: float) -> "SalesforceRest":
        """A static token: on 401 there is nothing to refresh, so the call fails as UpstreamAuthFailed."""
        breaker = CircuitBreaker()
        client = UpstreamClient(SYSTEM, instance_url, session, headers={"Authorization": f"Bearer {token}"},
                                timeout_s=timeout_s, read_error=read_error, breaker=breaker)
        return cls(client, breaker)

    @property
    def max_query_chars(self) -> int:
        """The encoded SOQL that still keeps `GET …/query?q=` under the URL limit."""
        return URL_LIMIT - len(f"{self._client.base_url}{API}/query?q=")

    async def query_page(self, soql: str) -> Json:
        return _page(await self._send("GET", f"{API}/query", params={"q": soql}))

    async def query(self, soql: str) -> list[Json]:
        """Every record the statement matches, following `nextRecordsUrl` to the last page."""
        return await self._rest_of(await self.query_page(soql))

    async def retrieve(self, sobject: str, ids: Sequence[str], fields: Sequence[str]) -> list[Json | None]:
        """Records in `ids` order, None where unknown; at most RETRIEVE_LIMIT ids."""
        body = await self._send("POST", f"{API}/composite/sobjects/{sobject}",
                                json={"ids": list(ids), "fields": list(fields)}, idempotent=True)
        if not isinstance(body, list) or len(body) != len(ids):
            raise UpstreamUnavailable(SYSTEM, f"retrieve of {len(ids)} ids answered {type(body).__name__}")
        return [record if isinstance(record, dict) else None for record in body]

    async def composite_queries(self, queries: Mapping[str, str]) -> dict[str, list[Json]]:
        """Several queries in one API call (POST /composite), each followed to its last page, by reference."""
        if len(queries) > COMPOSITE_QUERY_LIMIT:
            raise ValueError(f"{len(queries)} queries exceed the composite limit of {COMPOSITE_QUERY_LIMIT}")
        subrequests = [{"method": "GET", "referenceId": ref, "url": f"{API}/query?q={quote(soql, safe='')}"}
                       for ref, soql in queries.items()]
        body = await self._send("POST", f"{API}/composite",
                                json={"allOrNone": False, "compositeRequest": subrequests}, idempotent=True)
        pages = self._subresponses(body)
        missing = set(queries) - set(pages)
        if missing:
            raise UpstreamUnavailable(SYSTEM, f"composite answered without {sorted(missing)}")
        results = await asyncio.gather(*(self._rest_of(pages[ref]) for ref in queries))
        return dict(zip(queries, results, strict=True))

    async def _rest_of(self, page: Json) -> list[Json]:
        records = list(page["records"])
        while not page.get("done", True) and page.get("nextRecordsUrl"):
            page = _page(await self._send("GET", str(page["nextRecordsUrl"])))
            records.extend(page["records"])
        return records

    def _subresponses(self, body: Any) -> dict[str, Json]:
        """Query pages by reference id; the first failed subrequest raises as a request would."""
        answers = body.get("compositeResponse") if isinstance(body, dict) else None
        if not isinstance(answers, list):
            raise UpstreamUnavailable(SYSTEM, "composite answered without compositeResponse")
        pages = {}
        for answer in answers:
            status = int(answer.get("httpStatusCode", 500))
            if status >= 400:
                with self._rate_limit_as_unavailable():
                    raise subrequest_error(SYSTEM, status, answer.get("body"))
            pages[str(answer.get("referenceId"))] = _page(answer.get("body"))
        return pages

    async def _send(self, method: str, path: str, *, params: Mapping[str, str] | None = None,
                    json: Any = None, idempotent: bool | None = None) -> Any:
        with self._rate_limit_as_unavailable():
            return await self._client.request(method, path, params=params, json=json, idempotent=idempotent)

    @contextmanager
    def _rate_limit_as_unavailable(self) -> Iterator[None]:
        """REQUEST_LIMIT_EXCEEDED: unavailable, not retried, and the breaker opens (the sheet's rule)."""
        try:
            yield
        except RequestLimitExceeded as exc:
            for _ in range(self._breaker.threshold):
                self._breaker.record(False)
            raise UpstreamUnavailable(SYSTEM, str(exc), 403) from exc


def _page(body: Any) -> Json:
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        raise UpstreamUnavailable(SYSTEM, "query answered without a records list")
    return body
