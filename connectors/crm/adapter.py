"""The CRM connector: the Customers, CustomerProfiles, CustomerNotes and Health ports over the Salesforce REST
API (v60.0).

A customer is a Contact, its loyalty lives in the Loyalty Management objects,
and staff notes are Tasks. Each port method turns a batch into as few calls as
Salesforce allows (2,000 ids per retrieve, 200 values per `IN` list) and runs the
chunks concurrently.
"""

import asyncio
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime

import aiohttp

from connectors.customer_search import CustomerSearch
from connectors.domain import CustomerNote, CustomerRecord, Loyalty, NewNote, ProfileChange, System
from connectors.resilience.policy import DEFAULT_RESILIENCE, Resilience
from connectors.resilience.snapshot import UpstreamHealth

from . import mapping, outgoing
from .contact_search import search_queries
from .rest import RETRIEVE_LIMIT, Json, SalesforceRest
from .soql_builder import IN_LIST_LIMIT, InQuery, in_condition, literal

RECORD_ID = re.compile(r"[A-Za-z0-9]{18}")
EXTERNAL_ID_MAX = 20  # Loyalty_Card_Number__c and Webshop_Customer_Id__c are Text(20)
POINTS_CURRENCY = "Points"
NOTE_KEY_FIELD = "Omnigate_Key__c"  # Text(80), External ID, Unique
TIERS_REF, POINTS_REF = "tiers", "points"  # composite referenceId prefixes
CHUNKS_PER_COMPOSITE = 2  # a tier and a points query each: 4 of the 5 queries a composite call may hold


class CrmAdapter:
    system = System.CRM

    def __init__(self, rest: SalesforceRest) -> None:
        self._rest = rest

    @classmethod
    def connect(cls, session: aiohttp.ClientSession, base_url: str, token: str, *,
                timeout_s: float = 2.0, resilience: Resilience = DEFAULT_RESILIENCE) -> "CrmAdapter":
        """`base_url` is the instance URL; `token` a static Bearer token, so a 401 fails the call."""
        return cls(SalesforceRest.connect(session, base_url, token, timeout_s=timeout_s, resilience=resilience))

    async def check(self) -> None:
        await self._rest.query_page("SELECT Id FROM Contact LIMIT 1")

    def health_snapshot(self) -> UpstreamHealth:
        return self._rest.health_snapshot()

    async def customers(self, ids: Sequence[str]) -> list[CustomerRecord | None]:
        """By CRM id: POST /composite/sobjects/Contact, one call per 2,000 ids."""
        wanted = _unique(i for i in ids if _is_record_id(i))
        chunks = [wanted[i:i + RETRIEVE_LIMIT] for i in range(0, len(wanted), RETRIEVE_LIMIT)]
        answers = await asyncio.gather(*(self._rest.retrieve("Contact", chunk, mapping.CONTACT_FIELDS)
                                         for chunk in chunks))
        found = {key: mapping.customer(record)
                 for chunk, records in zip(chunks, answers, strict=True)
                 for key, record in zip(chunk, records, strict=True) if record is not None}
        return [found.get(i) for i in ids]

    async def customers_by_card(self, cards: Sequence[str]) -> list[CustomerRecord | None]:
        return await self._customers_where(mapping.CARD_FIELD, cards)

    async def customers_by_webshop_id(self, webshop_ids: Sequence[str]) -> list[CustomerRecord | None]:
        return await self._customers_where(mapping.WEBSHOP_ID_FIELD, webshop_ids)

    async def search(self, search: CustomerSearch, limit: int) -> list[CustomerRecord]:
        """One composite call of exact-match queries (see contact_search); a Contact several of them found
        counts once, lowest Id first."""
        answers = await self._rest.composite_queries(search_queries(search, limit))
        found = {str(c["Id"]): c for contacts in answers.values() for c in contacts}
        return [mapping.customer(found[i]) for i in sorted(found)[:limit]]

    async def loyalty(self, ids: Sequence[str]) -> list[Loyalty | None]:
        """The sheet's recipe: members per 200 customers, then their tiers and points in composite calls."""
        wanted = _unique(i for i in ids if _is_record_id(i))
        members = await self._query_in(_select(mapping.MEMBER_FIELDS, "LoyaltyProgramMember"), "ContactId",
                                       wanted, "ORDER BY Id")
        member_of: dict[str, Json] = {}
        for member in members:
            member_of.setdefault(str(member["ContactId"]), member)  # one program: one member per contact
        found = await self._loyalty_of(list(member_of.values()))
        return [found.get(str(member_of[i]["Id"])) if i in member_of else None for i in ids]

    async def notes(self, ids: Sequence[str]) -> list[tuple[CustomerNote, ...]]:
        """Tasks per customer, newest first: one query per 200 customers."""
        wanted = _unique(i for i in ids if _is_record_id(i))
        tasks = await self._query_in(_select(mapping.TASK_FIELDS, "Task"), "WhoId", wanted,
                                     "ORDER BY CreatedDate DESC")
        by_customer: dict[str, list[CustomerNote]] = {}
        for task in tasks:
            note = mapping.note(task)
            by_customer.setdefault(note.customer_id, []).append(note)
        return [tuple(by_customer.get(i, ())) for i in ids]

    async def change_profile(self, customer_id: str, change: ProfileChange) -> None:
        """The sheet's recipe for one customer: PATCH the Contact by id (nothing to send: no call)."""
        fields = outgoing.contact(change, datetime.now(UTC))
        if fields:
            await self._rest.update("Contact", customer_id, fields)

    async def add_note(self, note: NewNote) -> str:
        """The sheet's recipe: a Task upserted on Omnigate_Key__c, so a replay updates the same Task."""
        return await self._rest.upsert("Task", NOTE_KEY_FIELD, note.key,
                                       outgoing.task(note, datetime.now(UTC).date()))

    async def _customers_where(self, field: str, keys: Sequence[str]) -> list[CustomerRecord | None]:
        """Lookup on a Text(20) external id; matching ignores case, as Salesforce's `IN` does."""
        wanted = _unique((k for k in keys if 0 < len(k) <= EXTERNAL_ID_MAX), key=str.lower)
        select = _select(mapping.CONTACT_FIELDS, "Contact")
        contacts = await self._query_in(select, field, wanted, "ORDER BY Id")
        found: dict[str, CustomerRecord] = {}
        for contact in contacts:
            value = contact.get(field)
            if isinstance(value, str):
                found.setdefault(value.lower(), mapping.customer(contact))
        return [found.get(k.lower()) for k in keys]

    async def _loyalty_of(self, members: list[Json]) -> dict[str, Loyalty]:
        """Loyalty by member id: a tier and a points query per 200 members, two such pairs per composite."""
        ids = [str(m["Id"]) for m in members]
        chunks = [ids[i:i + IN_LIST_LIMIT] for i in range(0, len(ids), IN_LIST_LIMIT)]
        pairs = [chunks[i:i + CHUNKS_PER_COMPOSITE] for i in range(0, len(chunks), CHUNKS_PER_COMPOSITE)]
        answers = await asyncio.gather(*(self._rest.composite_queries(_tier_and_points_queries(pair))
                                         for pair in pairs))
        rows = [(ref, row) for answer in answers for ref, records in answer.items() for row in records]
        tiers = _by_member(row for ref, row in rows if ref.startswith(TIERS_REF))
        points = _by_member(row for ref, row in rows if ref.startswith(POINTS_REF))
        return {member_id: mapping.loyalty(member, tiers.get(member_id), points.get(member_id))
                for member_id, member in zip(ids, members, strict=True)}

    async def _query_in(self, select: str, field: str, values: Sequence[str], tail: str) -> list[Json]:
        """Every record whose `field` is in `values`: statements run concurrently, each to its last page."""
        statements = InQuery(select, field, tail).statements(values, self._rest.max_query_chars)
        pages = await asyncio.gather(*(self._rest.query(s) for s in statements))
        return [record for page in pages for record in page]


def _select(fields: Sequence[str], sobject: str) -> str:
    return f"SELECT {', '.join(fields)} FROM {sobject}"


def _tier_and_points_queries(chunks: list[list[str]]) -> dict[str, str]:
    queries = {}
    for n, member_ids in enumerate(chunks):
        member_in = in_condition("LoyaltyMemberId", member_ids)
        queries[f"{TIERS_REF}{n}"] = f"{_select(mapping.TIER_FIELDS, 'LoyaltyMemberTier')} WHERE {member_in}"
        queries[f"{POINTS_REF}{n}"] = (f"{_select(mapping.POINTS_FIELDS, 'LoyaltyMemberCurrency')} "
                                       f"WHERE Name = {literal(POINTS_CURRENCY)} AND {member_in}")
    return queries


def _by_member(records: Iterable[Json]) -> dict[str, Json]:
    found: dict[str, Json] = {}
    for record in records:
        found.setdefault(str(record.get("LoyaltyMemberId")), record)
    return found


def _is_record_id(value: str) -> bool:
    """Canonical CRM ids are Salesforce's 18-character ids; anything else cannot match and is not sent."""
    return RECORD_ID.fullmatch(value) is not None


def _unique(values: Iterable[str], key: Callable[[str], str] = str) -> list[str]:
    """First occurrence of each value (by `key`), in input order."""
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(key(value), value)
    return list(seen.values())
