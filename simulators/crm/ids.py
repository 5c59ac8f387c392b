"""Our 18-character ids: key prefix, pod letters `OG`, ten digits, suffix `AAA` (the world's Contact scheme).

Records made from the world number by customer index (a note by index * 100 + its rank), so an id
alone finds its customer; records created through the API number from `CREATED_BASE` up, out of
the world's range.
"""

from simulators.world.customers import crm_id

CREATED_BASE = 9_000_000_000
NOTES_PER_CUSTOMER = 100
PROGRAM_ID = crm_id("0lp", 1)
TIER_IDS = {name: crm_id("0lt", n) for n, name in enumerate(("Bronze", "Silver", "Gold", "Platinum"), start=1)}


def make_id(prefix: str, number: int) -> str:
    return crm_id(prefix, number)


def number_of(prefix: str, record_id: str) -> int | None:
    """The number inside one of our ids of this prefix (15 or 18 characters), None for anything else."""
    digits = record_id[5:15]
    if len(record_id) not in (15, 18) or not record_id.startswith(prefix + "OG") or not digits.isdigit() \
            or record_id[15:] not in ("", "AAA"):
        return None
    return int(digits)


def full_id(text: str) -> str | None:
    """An id as given (15 or 18 characters) in its 18-character form; None when it cannot be an id."""
    if len(text) == 15 and text.isalnum():
        return text + "AAA"
    return text if len(text) == 18 and text.isalnum() else None
