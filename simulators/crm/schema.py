"""The org's objects as its describe would list them: Contact, Task and the loyalty objects.

Field names resolve case-insensitively, as they do in SOQL and in JSON bodies.
"""

from dataclasses import dataclass, field

from .values import Field, Kind

API = "/services/data/v60.0"
CHANNELS = ("Email", "SMS", "Phone", "Post", "None")
NOTE_CHANNELS = ("Store", "Kiosk", "Call_Center", "Web", "Mobile_App")
TASK_SUBTYPES = ("Task", "Email", "ListEmail", "Cadence", "Call", "LinkedIn")


@dataclass(frozen=True)
class SObject:
    """One sObject type: its key prefix, fields in describe order and the fields our indexes serve."""

    name: str
    prefix: str
    fields: tuple[Field, ...]
    indexed: tuple[str, ...]
    _by_lower: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_lower", {f.name.lower(): f for f in self.fields})

    def field(self, name: str) -> Field | None:
        return self._by_lower.get(name.lower())

    def url(self, record_id: str) -> str:
        return f"{API}/sobjects/{self.name}/{record_id}"


def _rw(name: str, kind: Kind, length: int = 0, *, required: bool = False, picklist: tuple[str, ...] = (),
        filterable: bool = True, sortable: bool = True) -> Field:
    return Field(name, kind, length, createable=True, updateable=True, required=required, picklist=picklist,
                 filterable=filterable, sortable=sortable)


def _ro(name: str, kind: Kind) -> Field:
    return Field(name, kind)


def _ext(name: str, length: int, case_sensitive: bool = False) -> Field:
    return Field(name, Kind.STRING, length, createable=True, updateable=True, external_id=True, unique=True,
                 case_sensitive=case_sensitive)


CONTACT = SObject("Contact", "003", (
    _ro("Id", Kind.ID), _rw("FirstName", Kind.STRING, 40), _rw("LastName", Kind.STRING, 80, required=True),
    _rw("Email", Kind.EMAIL, 80), _rw("Phone", Kind.PHONE, 40), _rw("MobilePhone", Kind.PHONE, 40),
    _rw("Birthdate", Kind.DATE), _rw("MailingStreet", Kind.TEXTAREA, 255), _rw("MailingCity", Kind.STRING, 40),
    _rw("MailingPostalCode", Kind.STRING, 20), _rw("MailingCountry", Kind.STRING, 80),
    _rw("HasOptedOutOfEmail", Kind.BOOLEAN), _rw("DoNotCall", Kind.BOOLEAN), _ro("LastModifiedDate", Kind.DATETIME),
    _ext("Loyalty_Card_Number__c", 20), _ext("Webshop_Customer_Id__c", 20), _rw("Favorite_Store__c", Kind.STRING, 20),
    _rw("Email_Consent__c", Kind.BOOLEAN), _rw("SMS_Consent__c", Kind.BOOLEAN),
    _rw("Consent_Updated_At__c", Kind.DATETIME), _rw("Preferred_Channel__c", Kind.PICKLIST, picklist=CHANNELS),
    _rw("Interests__c", Kind.MULTIPICKLIST, 4099, sortable=False),
), indexed=("Id", "Email", "Loyalty_Card_Number__c", "Webshop_Customer_Id__c"))

TASK = SObject("Task", "00T", (
    _ro("Id", Kind.ID), _rw("WhoId", Kind.REFERENCE), _rw("Subject", Kind.STRING, 255),
    _rw("Description", Kind.TEXTAREA, 32000, filterable=False, sortable=False), _rw("Status", Kind.PICKLIST, 40),
    _rw("ActivityDate", Kind.DATE), _ro("CreatedDate", Kind.DATETIME), _ro("LastModifiedDate", Kind.DATETIME),
    Field("TaskSubtype", Kind.PICKLIST, createable=True, picklist=TASK_SUBTYPES),
    _rw("Store_Code__c", Kind.STRING, 20), _rw("Channel__c", Kind.PICKLIST, picklist=NOTE_CHANNELS),
    _rw("Topics__c", Kind.STRING, 255), _ext("Omnigate_Key__c", 80, case_sensitive=True),
), indexed=("Id", "WhoId", "Omnigate_Key__c"))

MEMBER = SObject("LoyaltyProgramMember", "0lM", (
    _ro("Id", Kind.ID), _ro("MembershipNumber", Kind.STRING), _ro("ContactId", Kind.REFERENCE),
    _ro("ProgramId", Kind.REFERENCE), _ro("MemberStatus", Kind.PICKLIST), _ro("EnrollmentDate", Kind.DATE),
), indexed=("Id", "ContactId", "MembershipNumber"))

MEMBER_TIER = SObject("LoyaltyMemberTier", "0ly", (
    _ro("Id", Kind.ID), _ro("LoyaltyMemberId", Kind.REFERENCE), _ro("Name", Kind.STRING),
    _ro("LoyaltyTierId", Kind.REFERENCE), _ro("EffectiveDate", Kind.DATE),
), indexed=("Id", "LoyaltyMemberId"))

MEMBER_CURRENCY = SObject("LoyaltyMemberCurrency", "0lz", (
    _ro("Id", Kind.ID), _ro("LoyaltyMemberId", Kind.REFERENCE), _ro("Name", Kind.STRING),
    _ro("PointsBalance", Kind.DOUBLE),
), indexed=("Id", "LoyaltyMemberId"))

SOBJECTS = {s.name.lower(): s for s in (CONTACT, TASK, MEMBER, MEMBER_TIER, MEMBER_CURRENCY)}


def sobject(name: str) -> SObject | None:
    return SOBJECTS.get(name.lower())
