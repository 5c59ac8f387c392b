"""The CRM's own view of the demo world: read-only record sources, computed field by field on demand.

Every record made from the world carries its customer index in its id, so a lookup by Id, ContactId,
LoyaltyMemberId or WhoId goes straight to the customer; only the text keys (email, card, web shop id)
need hash indexes. Notes come from the world's history, one customer at a time, cached.
"""

from collections.abc import Callable, Collection, Iterator
from typing import Protocol

from simulators.world import DemoCustomer, Note, World

from .ids import NOTES_PER_CUSTOMER, PROGRAM_ID, TIER_IDS, make_id, number_of
from .schema import CONTACT, MEMBER, MEMBER_CURRENCY, MEMBER_TIER, TASK, SObject
from .values import Field, Key, Value, key_of

Getter = Callable[[DemoCustomer], Value]
NoteGetter = Callable[[DemoCustomer, Note], Value]


class Source(Protocol):
    """Base records of one sObject; `lookup` answers None for a field it has no index on."""

    def ids(self) -> Iterator[str]: ...

    def has(self, record_id: str) -> bool: ...

    def value(self, record_id: str, field: str) -> Value: ...

    def lookup(self, field: str, keys: Collection[Key]) -> set[str] | None: ...


CONTACT_FIELDS: dict[str, Getter] = {
    "Id": lambda c: c.crm_id, "FirstName": lambda c: c.first_name, "LastName": lambda c: c.last_name,
    "Email": lambda c: c.email, "Phone": lambda c: c.phone, "MobilePhone": lambda c: c.mobile,
    "Birthdate": lambda c: c.birthdate, "MailingStreet": lambda c: c.street, "MailingCity": lambda c: c.city,
    "MailingPostalCode": lambda c: c.postal_code, "MailingCountry": lambda c: c.country,
    "HasOptedOutOfEmail": lambda c: not c.email_consent, "DoNotCall": lambda c: c.preferred_channel == "None",
    "LastModifiedDate": lambda c: c.last_modified, "Loyalty_Card_Number__c": lambda c: c.card,
    "Webshop_Customer_Id__c": lambda c: None if c.webshop_id is None else str(c.webshop_id),
    "Favorite_Store__c": lambda c: c.favourite_store, "Email_Consent__c": lambda c: c.email_consent,
    "SMS_Consent__c": lambda c: c.sms_consent, "Consent_Updated_At__c": lambda c: c.consent_updated,
    "Preferred_Channel__c": lambda c: c.preferred_channel, "Interests__c": lambda c: ";".join(c.interests) or None,
}
MEMBER_FIELDS: dict[str, Getter] = {
    "Id": lambda c: make_id(MEMBER.prefix, c.index), "MembershipNumber": lambda c: c.card,
    "ContactId": lambda c: c.crm_id, "ProgramId": lambda c: PROGRAM_ID, "MemberStatus": lambda c: "Active",
    "EnrollmentDate": lambda c: c.member_since,
}
TIER_FIELDS: dict[str, Getter] = {
    "Id": lambda c: make_id(MEMBER_TIER.prefix, c.index), "LoyaltyMemberId": lambda c: make_id(MEMBER.prefix, c.index),
    "Name": lambda c: c.tier, "LoyaltyTierId": lambda c: TIER_IDS[c.tier] if c.tier else None,
    "EffectiveDate": lambda c: c.member_since,
}
CURRENCY_FIELDS: dict[str, Getter] = {
    "Id": lambda c: make_id(MEMBER_CURRENCY.prefix, c.index),
    "LoyaltyMemberId": lambda c: make_id(MEMBER.prefix, c.index), "Name": lambda c: "Points",
    "PointsBalance": lambda c: float(c.points),
}
TASK_FIELDS: dict[str, NoteGetter] = {
    "Id": lambda c, n: n.id, "WhoId": lambda c, n: c.crm_id,
    "Subject": lambda c, n: "Call" if n.channel == "Call_Center" else "Note", "Description": lambda c, n: n.text,
    "Status": lambda c, n: "Completed", "ActivityDate": lambda c, n: n.created.date(),
    "CreatedDate": lambda c, n: n.created, "LastModifiedDate": lambda c, n: n.created,
    "TaskSubtype": lambda c, n: "Call" if n.channel == "Call_Center" else "Task",
    "Store_Code__c": lambda c, n: n.store_code, "Channel__c": lambda c, n: n.channel,
    "Topics__c": lambda c, n: ";".join(n.topics) or None, "Omnigate_Key__c": lambda c, n: None,
}


class Roster:
    """The world's customers, found by the number inside one of our ids."""

    def __init__(self, customers: tuple[DemoCustomer, ...]) -> None:
        self.customers = customers

    def by_id(self, prefix: str, key: Key) -> DemoCustomer | None:
        number = number_of(prefix, key) if isinstance(key, str) else None
        return self.customers[number] if number is not None and number < len(self.customers) else None


class CustomerSource:
    """One record per customer (or per card holder): Contact and the three loyalty objects."""

    def __init__(self, roster: Roster, sobject: SObject, getters: dict[str, Getter], *, holders_only: bool,
                 links: dict[str, str], hashed: tuple[str, ...]) -> None:
        self.roster, self.sobject, self.getters = roster, sobject, getters
        self.holders_only = holders_only
        self.links = {"Id": sobject.prefix, **links}
        self.hashed: dict[str, dict[Key, str]] = {name: {} for name in hashed}
        for customer in self._members():
            for name, index in self.hashed.items():
                key = key_of(_field(sobject, name), getters[name](customer))
                if key is not None:
                    index[key] = self._id(customer)

    def _id(self, customer: DemoCustomer) -> str:
        return str(self.getters["Id"](customer))

    def _included(self, customer: DemoCustomer | None) -> bool:
        return customer is not None and (customer.card is not None or not self.holders_only)

    def _members(self) -> Iterator[DemoCustomer]:
        return (c for c in self.roster.customers if self._included(c))

    def _customer(self, record_id: str) -> DemoCustomer | None:
        customer = self.roster.by_id(self.sobject.prefix, record_id)
        return customer if self._included(customer) else None

    def ids(self) -> Iterator[str]:
        return (self._id(c) for c in self._members())

    def has(self, record_id: str) -> bool:
        return self._customer(record_id) is not None

    def value(self, record_id: str, field: str) -> Value:
        customer = self._customer(record_id)
        return None if customer is None else self.getters[field](customer)

    def lookup(self, field: str, keys: Collection[Key]) -> set[str] | None:
        if field in self.hashed:
            return {self.hashed[field][k] for k in keys if k in self.hashed[field]}
        if field not in self.links:
            return None
        found = (self.roster.by_id(self.links[field], key) for key in keys)
        return {self._id(c) for c in found if c is not None and self._included(c)}


class NoteSource:
    """Tasks made from the world's staff and customer-service notes, generated per customer when asked."""

    def __init__(self, roster: Roster, world: World) -> None:
        self.roster, self.world = roster, world
        self._notes: dict[int, tuple[Note, ...]] = {}

    def _notes_of(self, customer: DemoCustomer) -> tuple[Note, ...]:
        if customer.index not in self._notes:
            self._notes[customer.index] = self.world.history.notes(customer)
        return self._notes[customer.index]

    def _find(self, record_id: str) -> tuple[DemoCustomer, Note] | None:
        number = number_of(TASK.prefix, record_id)
        if number is None or number // NOTES_PER_CUSTOMER >= len(self.roster.customers):
            return None
        customer = self.roster.customers[number // NOTES_PER_CUSTOMER]
        note = next((n for n in self._notes_of(customer) if n.id[:15] == record_id[:15]), None)
        return (customer, note) if note else None

    def ids(self) -> Iterator[str]:
        return (n.id for c in self.roster.customers for n in self._notes_of(c))

    def has(self, record_id: str) -> bool:
        return self._find(record_id) is not None

    def value(self, record_id: str, field: str) -> Value:
        found = self._find(record_id)
        return None if found is None else TASK_FIELDS[field](*found)

    def lookup(self, field: str, keys: Collection[Key]) -> set[str] | None:
        if field == "Id":
            found_notes = (self._find(k) for k in keys if isinstance(k, str))
            return {found[1].id for found in found_notes if found}
        if field == "WhoId":
            found = (self.roster.by_id(CONTACT.prefix, key) for key in keys)
            return {n.id for c in found if c for n in self._notes_of(c)}
        return set() if field == "Omnigate_Key__c" else None


def _field(sobject: SObject, name: str) -> Field:
    found = sobject.field(name)
    assert found is not None, name
    return found


def sources(world: World) -> dict[str, Source]:
    """The base records of every sObject, by sObject name."""
    roster = Roster(world.customers)
    return {
        CONTACT.name: CustomerSource(roster, CONTACT, CONTACT_FIELDS, holders_only=False, links={},
                                     hashed=("Email", "Loyalty_Card_Number__c", "Webshop_Customer_Id__c")),
        MEMBER.name: CustomerSource(roster, MEMBER, MEMBER_FIELDS, holders_only=True,
                                    links={"ContactId": CONTACT.prefix}, hashed=("MembershipNumber",)),
        MEMBER_TIER.name: CustomerSource(roster, MEMBER_TIER, TIER_FIELDS, holders_only=True,
                                         links={"LoyaltyMemberId": MEMBER.prefix}, hashed=()),
        MEMBER_CURRENCY.name: CustomerSource(roster, MEMBER_CURRENCY, CURRENCY_FIELDS, holders_only=True,
                                             links={"LoyaltyMemberId": MEMBER.prefix}, hashed=()),
        TASK.name: NoteSource(roster, world),
    }
