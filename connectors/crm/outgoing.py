"""Domain writes translated into Salesforce fields: a note as a Task, profile changes as Contact fields.

The reverse of `mapping`, and built from its tables, so what is written reads back as the same value.
"""

from datetime import date, datetime

from connectors.domain import Channel, NewNote, ProfileChange

from .mapping import NOTE_CHANNELS, PREFERRED_CHANNELS, Json

NOTE_SUBJECT = "Note"
NOTE_STATUS = "Completed"  # a note records what happened; it is not a to-do
CHANNEL_LABELS = {channel: label for label, channel in NOTE_CHANNELS.items()}
PREFERRED_LABELS = {channel: label for label, channel in PREFERRED_CHANNELS.items()}
SALESFORCE_DATETIME = "%Y-%m-%dT%H:%M:%S.000+0000"
# TaskSubtype is create-only: sent on the upsert it would make a replay (the update path) fail, so it is left
# to its default ("Task").


def task(note: NewNote, today: date) -> Json:
    return {
        "WhoId": note.customer_id,
        "Subject": NOTE_SUBJECT,
        "Description": note.text,
        "Status": NOTE_STATUS,
        "ActivityDate": today.isoformat(),
        "Store_Code__c": note.store_code,
        "Channel__c": channel_label(note.channel),
        "Topics__c": join_multi(note.topics),
    }


def contact(change: ProfileChange, now: datetime) -> Json:
    """Only the fields to change. Opting in to email also lifts the standard opt-out, which `mapping` reads as
    overriding the consent; a consent change is stamped, as the sheet's Consent_Updated_At__c expects."""
    fields: Json = {}
    if change.favourite_store is not None:
        fields["Favorite_Store__c"] = change.favourite_store
    if change.preferred_channel is not None:
        fields["Preferred_Channel__c"] = PREFERRED_LABELS[change.preferred_channel]
    if change.email_opt_in is not None:
        fields |= {"Email_Consent__c": change.email_opt_in, "HasOptedOutOfEmail": not change.email_opt_in}
    if change.sms_opt_in is not None:
        fields["SMS_Consent__c"] = change.sms_opt_in
    if change.email_opt_in is not None or change.sms_opt_in is not None:
        fields["Consent_Updated_At__c"] = now.strftime(SALESFORCE_DATETIME)
    if change.interests is not None:
        fields["Interests__c"] = join_multi(change.interests)
    return fields


def channel_label(channel: Channel) -> str:
    return CHANNEL_LABELS[channel]


def join_multi(values: tuple[str, ...]) -> str | None:
    """A multi-select picklist is sent joined by `;`; empty clears it."""
    return ";".join(values) or None
