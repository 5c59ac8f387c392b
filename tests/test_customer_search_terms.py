"""What customer service types, read into one canonical email, phone number or name, and the CRM's forms."""

import pytest

from connectors.crm.contact_search import name_splits, search_queries, stored_phone_forms
from connectors.customer_search import CustomerSearch, SearchBy


@pytest.mark.parametrize("text", ["06 12 34 56 78", "0612345678", "06.12.34.56.78", "06-12-34-56-78",
                                  "+33 6 12 34 56 78", "+33 (0)6 12 34 56 78", "0033 6 12 34 56 78",
                                  "612345678", " +33612345678 "])
def test_french_phone_numbers_in_any_usual_form_are_one_number(text: str) -> None:
    assert CustomerSearch.read(text) == CustomerSearch(SearchBy.PHONE, "+33612345678")


def test_other_numbers_keep_their_country_and_unknown_ones_their_digits() -> None:
    assert CustomerSearch.read("+32 470 12 34 56") == CustomerSearch(SearchBy.PHONE, "+32470123456")
    assert CustomerSearch.read("0032 470 12 34 56") == CustomerSearch(SearchBy.PHONE, "+32470123456")
    assert CustomerSearch.read("12345678901") == CustomerSearch(SearchBy.PHONE, "12345678901")


def test_emails_lose_their_case_and_names_their_extra_spaces() -> None:
    assert CustomerSearch.read(" Lea.Martin@Example.FR ") == CustomerSearch(SearchBy.EMAIL, "lea.martin@example.fr")
    assert CustomerSearch.read("  Léa   Martin ") == CustomerSearch(SearchBy.NAME, "Léa Martin")
    assert CustomerSearch.read("R2D2 unit 12") == CustomerSearch(SearchBy.NAME, "R2D2 unit 12")


def test_a_french_number_is_looked_up_in_the_forms_people_type_it() -> None:
    assert stored_phone_forms("+33612345678") == ["+33612345678", "+33 6 12 34 56 78", "0612345678",
                                                  "06 12 34 56 78", "06.12.34.56.78"]
    assert stored_phone_forms("+32470123456") == ["+32470123456"]


def test_names_are_read_every_way_within_one_composite_call() -> None:
    assert name_splits(["Léa", "Martin"]) == [(None, "Léa Martin"), ("Léa", "Martin"), ("Martin", "Léa")]
    assert name_splits(["Le", "Gall"]) == [(None, "Le Gall"), ("Le", "Gall"), ("Gall", "Le")]
    assert len(name_splits(["a", "b", "c", "d", "e", "f", "g"])) == 5


def test_typed_quotes_and_backslashes_are_escaped_and_nothing_is_a_pattern() -> None:
    queries = search_queries(CustomerSearch.read("O'Brien\\_% x"), 10)
    assert queries["name1"].endswith("WHERE FirstName = 'O\\'Brien\\\\_%' AND LastName = 'x' ORDER BY Id LIMIT 10")
    assert all(" LIKE " not in q for q in queries.values())
