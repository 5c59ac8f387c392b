"""The Salesforce REST calls the adapter makes: query with paging, sObject Collections retrieve, composite.

Everything goes through one UpstreamClient; this layer adds what is Salesforce's
own: root-relative `nextRecordsUrl`s joined onto the instance URL, composite
subrequest statuses, and the rate limit that arrives as a 403 (told apart by `classify`).
"""

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

import aiohttp

from connectors.domain import System
from connectors.errors import ConnectorError, RateLimited, UpstreamUnavailable
from connectors.http import UpstreamClient, error_for_status
from connectors.resilience.policy import DEFAULT_RESILIENCE, Resilience
from connectors.resilience.snapshot import UpstreamHealth

from .error_reader import classify, read_error
from .soql_builder import URL_LIMIT

API = "/services/data/v60.0"
RETRIEVE_LIMIT = 2000  # ids per POST /composite/sobjects/{type}
COMPOSITE_QUERY_LIMIT = 5  # query subrequests per POST /composite
SYSTEM = System.CRM.value

Json = dict[str, Any]


class SalesforceRest:
    def __init__(self, client: UpstreamClient) -> None:
        self._client = client

    @classmethod
    def connect(cls, session: aiohttp.ClientSession, instance_url: str, token: str, *,
                timeout_s: float, resilience: Resilience = DEFAULT_RESILIENCE) -> "SalesforceRest":
        """A static token: on 401 there is nothing to refresh, so the call fails as UpstreamAuthFailed."""
        client = UpstreamClient(SYSTEM, instance_url, session, headers={"Authorization": f"Bearer {token}"},
                                timeout_s=timeout_s, read_error=read_error, classify=classify,
                                resilience=resilience)
        return cls(client)

    def health_snapshot(self) -> UpstreamHealth:
        return self._client.health_snapshot()

    @property
    def max_query_chars(self) -> int:
        """The encoded SOQL that still keeps `GET …/query?q=` under the URL limit."""
        return URL_LIMIT - len(f"{self._client.base_url}{API}/query?q=")

    async def query_page(self, soql: str) -> Json:
        return _page(await self._client.request("GET", f"{API}/query", params={"q": soql}))

    async def query(self, soql: str) -> list[Json]:
        """Every record the statement matches, following `nextRecordsUrl` to the last page."""
        return await self._rest_of(await self.query_page(soql))

    async def retrieve(self, sobject: str, ids: Sequence[str], fields: Sequence[str]) -> list[Json | None]:
        """Records in `ids` order, None where unknown; at most RETRIEVE_LIMIT ids."""
        body = await self._client.request("POST", f"{API}/composite/sobjects/{sobject}",
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
        body = await self._client.request("POST", f"{API}/composite",
                                          json={"allOrNone": False, "compositeRequest": subrequests},
                                          idempotent=True)
        pages = self._subresponses(body)
        missing = set(queries) - set(pages)
        if missing:
            raise UpstreamUnavailable(SYSTEM, f"composite answered without {sorted(missing)}")
        results = await asyncio.gather(*(self._rest_of(pages[ref]) for ref in queries))
        return dict(zip(queries, results, strict=True))

    async def upsert(self, sobject: str, external_field: str, value: str, fields: Json) -> str:
        """PATCH on an external id: creates the record or updates the one it names, so a retry is harmless."""
        body = await self._client.request("PATCH", f"{API}/sobjects/{sobject}/{external_field}/{quote(value, safe='')}",
                                          json=fields, idempotent=True)
        if not isinstance(body, dict) or not isinstance(body.get("id"), str):
            raise UpstreamUnavailable(SYSTEM, f"upsert of {sobject} answered without an id")
        return str(body["id"])

    async def update(self, sobject: str, record_id: str, fields: Json) -> None:
        """PATCH by id sets values (last write wins), so it is retried like a read; 204 and no body."""
        await self._client.request("PATCH", f"{API}/sobjects/{sobject}/{quote(record_id, safe='')}", json=fields,
                                   idempotent=True)

    async def _rest_of(self, page: Json) -> list[Json]:
        records = list(page["records"])
        while not page.get("done", True) and page.get("nextRecordsUrl"):
            page = _page(await self._client.request("GET", str(page["nextRecordsUrl"])))
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
                raise self._subrequest_error(status, answer.get("body"))
            pages[str(answer.get("referenceId"))] = _page(answer.get("body"))
        return pages

    def _subrequest_error(self, status: int, body: Any) -> ConnectorError:
        """Mapped as a whole response would be; a rate limit opens the breaker as it would there too."""
        error = error_for_status(SYSTEM, status, body, read_error, classify=classify)
        if isinstance(error, RateLimited):
            self._client.breaker.trip()
        return error


def _page(body: Any) -> Json:
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        raise UpstreamUnavailable(SYSTEM, "query answered without a records list")
    return body
