"""Salesforce records (Contact, Task, Loyalty Management) translated into domain objects.

The fields each lookup selects are listed here next to the code that reads them,
so a field cannot be read without being asked for.
"""

from datetime import datetime
from typing import Any

from connectors.domain import Address, Channel, CustomerNote, CustomerRecord, Loyalty, Preferences, System
from connectors.vocabulary import domain_value

Json = dict[str, Any]

CONTACT_FIELDS = (
    "Id", "FirstName", "LastName", "Email", "Phone", "MobilePhone",
    "MailingStreet", "MailingCity", "MailingPostalCode", "MailingCountry",
    "HasOptedOutOfEmail", "Email_Consent__c", "SMS_Consent__c", "Preferred_Channel__c", "Interests__c",
    "Loyalty_Card_Number__c", "Webshop_Customer_Id__c", "Favorite_Store__c",
)
CARD_FIELD = "Loyalty_Card_Number__c"
WEBSHOP_ID_FIELD = "Webshop_Customer_Id__c"
TASK_FIELDS = ("Id", "WhoId", "Description", "Topics__c", "Store_Code__c", "Channel__c", "CreatedDate")
MEMBER_FIELDS = ("Id", "MembershipNumber", "ContactId", "MemberStatus")
TIER_FIELDS = ("LoyaltyMemberId", "Name")
POINTS_FIELDS = ("LoyaltyMemberId", "PointsBalance")

# Preferred_Channel__c picklist -> our Channel; the picklist's own "None" (or no value) means no preference.
PREFERRED_CHANNELS = {"Email": Channel.WEB, "SMS": Channel.MOBILE_APP, "Phone": Channel.CALL_CENTER,
                      "Post": Channel.STORE}
NO_PREFERENCE = "None"
NOTE_CHANNELS = {"Store": Channel.STORE, "Kiosk": Channel.KIOSK, "Call_Center": Channel.CALL_CENTER,
                 "Web": Channel.WEB, "Mobile_App": Channel.MOBILE_APP}
# A Task logged in Salesforce itself (no Channel__c) was written by back-office staff.
UNLABELLED_NOTE_CHANNEL = Channel.CALL_CENTER
TIERS = {"Bronze": "BASIC", "Silver": "SILVER", "Gold": "GOLD", "Platinum": "PLATINUM"}
ENTRY_TIER = "BASIC"
# MailingCountry is free text unless the org enables country picklists.
COUNTRY_NAMES = {"france": "FR", "belgique": "BE", "belgium": "BE", "suisse": "CH", "switzerland": "CH",
                 "luxembourg": "LU", "monaco": "MC"}
SALESFORCE_DATETIME = "%Y-%m-%dT%H:%M:%S.%f%z"


def customer(contact: Json) -> CustomerRecord:
    return CustomerRecord(
        id=str(contact["Id"]),
        first_name=_text(contact, "FirstName") or "",
        last_name=_text(contact, "LastName"),
        email=_text(contact, "Email"),
        phone=_text(contact, "Phone") or _text(contact, "MobilePhone"),
        address=_address(contact),
        loyalty_card=_text(contact, CARD_FIELD),
        preferences=Preferences(
            preferred_channel=_preferred_channel(_text(contact, "Preferred_Channel__c")),
            email_opt_in=_flag(contact, "Email_Consent__c") and not _flag(contact, "HasOptedOutOfEmail"),
            sms_opt_in=_flag(contact, "SMS_Consent__c"),
            interests=split_multi(_text(contact, "Interests__c")),
        ),
        favourite_store=_text(contact, "Favorite_Store__c"),
        webshop_customer_id=_text(contact, WEBSHOP_ID_FIELD),
    )


def note(task: Json) -> CustomerNote:
    return CustomerNote(
        id=str(task["Id"]),
        customer_id=str(task["WhoId"]),
        text=_text(task, "Description") or "",
        topics=split_multi(_text(task, "Topics__c")),
        store_code=_text(task, "Store_Code__c"),
        channel=_note_channel(_text(task, "Channel__c")),
        created_at=datetime.strptime(str(task["CreatedDate"]), SALESFORCE_DATETIME),
    )


def _preferred_channel(label: str | None) -> Channel | None:
    if label is None or label == NO_PREFERENCE:
        return None
    return domain_value(System.CRM, "Preferred_Channel__c value", PREFERRED_CHANNELS, label)


def _note_channel(label: str | None) -> Channel:
    if label is None:
        return UNLABELLED_NOTE_CHANNEL
    return domain_value(System.CRM, "Channel__c value", NOTE_CHANNELS, label)


def loyalty(member: Json, tier: Json | None, points: Json | None) -> Loyalty:
    """A member without a tier record is at the entry tier; without a Points currency, at 0 points."""
    label = _text(tier, "Name") if tier else None
    balance = points.get("PointsBalance") if points else None
    return Loyalty(
        card_number=str(member["MembershipNumber"]),
        tier=TIERS.get(label or "", ENTRY_TIER),
        points=int(balance) if isinstance(balance, int | float) else 0,
    )


def split_multi(value: str | None) -> tuple[str, ...]:
    """A multi-select picklist comes joined by `;`."""
    return tuple(part.strip() for part in (value or "").split(";") if part.strip())


def _address(contact: Json) -> Address | None:
    street, city = _text(contact, "MailingStreet"), _text(contact, "MailingCity")
    postal_code, country = _text(contact, "MailingPostalCode"), _text(contact, "MailingCountry")
    if not (street or city or postal_code):
        return None
    line1, _, line2 = (street or "").partition("\n")
    return Address(line1=line1.strip(), postal_code=postal_code or "", city=city or "",
                   country_code=_country_code(country), line2=line2.strip() or None)


def _country_code(country: str | None) -> str:
    """ISO 3166 alpha-2: a two-letter value as is, a known name looked up, anything else kept verbatim."""
    text = (country or "").strip()
    if len(text) == 2 and text.isalpha():
        return text.upper()
    return COUNTRY_NAMES.get(text.lower(), text)


def _flag(record: Json, field: str) -> bool:
    return record.get(field) is True


def _text(record: Json, field: str) -> str | None:
    value = record.get(field)
    return value if isinstance(value, str) and value != "" else None
