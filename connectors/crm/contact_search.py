"""SOQL for finding Contacts by what a caller gave: an email, a phone number or a name.

Only the sheet's SOQL subset is used (`=` and `IN`, joined by `AND`), every value a quoted literal
built by `soql_builder.literal`: a quote or backslash typed by anyone is escaped, and `%` or `_` mean
themselves since no `LIKE` is ever sent. SOQL has no `OR` in that subset, so the alternatives (Phone
or MobilePhone; which words are the first name) are separate queries sent together in one composite
call: one API call per search, whatever was typed.
"""

from connectors.customer_search import FRANCE, CustomerSearch, SearchBy

from . import mapping
from .rest import COMPOSITE_QUERY_LIMIT
from .soql_builder import in_condition, literal

PHONE_FIELDS = ("Phone", "MobilePhone")


def search_queries(search: CustomerSearch, limit: int) -> dict[str, str]:
    """The composite's queries by reference; each returns at most `limit` Contacts, lowest Id first."""
    select = f"SELECT {', '.join(mapping.CONTACT_FIELDS)} FROM Contact"
    tail = f"ORDER BY Id LIMIT {limit}"
    if search.by is SearchBy.EMAIL:
        conditions = {"email": f"Email = {literal(search.value)}"}
    elif search.by is SearchBy.PHONE:
        forms = stored_phone_forms(search.value)
        conditions = {field: in_condition(field, forms) for field in PHONE_FIELDS}
    else:
        conditions = {f"name{n}": _name_condition(first, last)
                      for n, (first, last) in enumerate(name_splits(search.words))}
    return {ref: f"{select} WHERE {condition} {tail}" for ref, condition in conditions.items()}


def stored_phone_forms(number: str) -> list[str]:
    """The ways a French number is commonly typed into the CRM (its phone fields are free text), so that an
    exact match finds it however it was entered; any other number as given."""
    if not number.startswith("+" + FRANCE) or len(number) != 12:
        return [number]
    national = "0" + number[3:]
    pairs = [national[i:i + 2] for i in range(0, 10, 2)]
    return [number, f"+{FRANCE} {national[1]} {' '.join(pairs[1:])}", national, " ".join(pairs), ".".join(pairs)]


def name_splits(words: list[str]) -> list[tuple[str | None, str]]:
    """(first name or None, last name) readings of the words, at most one composite's worth: the whole as a
    last name ("Le Gall"), each split into first and last names, and for two words the last name first."""
    splits: list[tuple[str | None, str]] = [(None, " ".join(words))]
    splits += [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    if len(words) == 2:
        splits.append((words[1], words[0]))
    return splits[:COMPOSITE_QUERY_LIMIT]


def _name_condition(first: str | None, last: str) -> str:
    last_name = f"LastName = {literal(last)}"
    return last_name if first is None else f"FirstName = {literal(first)} AND {last_name}"
