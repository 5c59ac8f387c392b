"""Domain writes translated into Salesforce fields: a note as a Task, profile changes as Contact fields.

The reverse of `mapping`, and built from its tables, so what is written reads back as the same value.
"""

from datetime import date

from connectors.domain import Channel, NewNote

from .mapping import NOTE_CHANNELS, Json

NOTE_SUBJECT = "Note"
NOTE_STATUS = "Completed"  # a note records what happened; it is not a to-do
CHANNEL_LABELS = {channel: label for label, channel in NOTE_CHANNELS.items()}
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


def channel_label(channel: Channel) -> str:
    return CHANNEL_LABELS[channel]


def join_multi(values: tuple[str, ...]) -> str | None:
    """A multi-select picklist is sent joined by `;`; empty clears it."""
    return ";".join(values) or None
