"""The CRM simulator's SOQL parser: the sheet's subset, Salesforce's limits and error wording."""

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulators.crm.soql import Condition, Literal, Name, Order, SoqlError, parse

NOTES_QUERY = ("SELECT Id, WhoId, Description, Topics__c, Store_Code__c, Channel__c, CreatedDate FROM Task "
               "WHERE WhoId IN ('003OG0000000001AAA', '003OG0000000002AAA') ORDER BY CreatedDate DESC")
EVERY_CLAUSE = ("select Id from Contact where Email_Consent__c = TRUE and Favorite_Store__c = null "
                "and Birthdate = 1990-01-31 and Consent_Updated_At__c = 2024-03-01T09:30:00Z "
                "and Id in ('x', 'y') ORDER BY LastName asc LIMIT 10 OFFSET 2000")
FORM_TYPO = "SELECT Id FORM Contact"


def error_of(text: str) -> SoqlError:
    with pytest.raises(SoqlError) as caught:
        parse(text)
    return caught.value


def test_the_notes_query_of_the_sheet_parses() -> None:
    query = parse(NOTES_QUERY)

    assert [f.text for f in query.fields] == ["Id", "WhoId", "Description", "Topics__c", "Store_Code__c",
                                              "Channel__c", "CreatedDate"]
    assert query.sobject.text == "Task"
    [condition] = query.where
    assert condition.field.text == "WhoId"
    assert [v.value for v in condition.values] == ["003OG0000000001AAA", "003OG0000000002AAA"]
    assert query.order == Order(Name("CreatedDate", NOTES_QUERY.index("CreatedDate DESC")), descending=True)
    assert (query.limit, query.offset) == (None, 0)


def test_keywords_ignore_case_and_every_literal_kind_parses() -> None:
    query = parse(EVERY_CLAUSE)

    assert [[(v.kind, v.value) for v in c.values] for c in query.where] == [
        [("boolean", True)], [("null", None)], [("date", date(1990, 1, 31))],
        [("datetime", datetime(2024, 3, 1, 9, 30, tzinfo=UTC))], [("string", "x"), ("string", "y")]]
    assert query.order is not None and not query.order.descending
    assert (query.limit, query.offset) == (10, 2000)


def test_a_typo_is_an_unexpected_token_with_its_row_and_column() -> None:
    error = error_of(FORM_TYPO)

    assert error.code == "MALFORMED_QUERY"
    assert error.message(FORM_TYPO) == "\nSELECT Id FORM Contact\n          ^\nERROR at Row:1:Column:11\n" \
                                       "unexpected token: FORM"


@pytest.mark.parametrize(("text", "token"), [
    ("SELECT FROM Contact", "FROM"),
    ("SELECT Id FROM Contact WHERE Email LIKE 'a%'", "LIKE"),
    ("SELECT Id FROM Contact WHERE Email = 'a' OR Email = 'b'", "OR"),
    ("SELECT Id FROM Contact WHERE Email != 'a'", "!="),
    ("SELECT Id FROM Contact WHERE Id IN ()", ")"),
    ("SELECT Id FROM Contact LIMIT -1", "-1"),
    ("SELECT Id FROM Contact ORDER BY Id, Email", ","),
    ("SELECT COUNT() FROM Contact", "("),
    ("SELECT Id FROM", "<EOF>"),
    ("SELECT Id FROM Contact WHERE Birthdate = 1990-02-31", "1990-02-31"),
])
def test_outside_the_subset_is_malformed(text: str, token: str) -> None:
    error = error_of(text)

    assert (error.code, error.detail) == ("MALFORMED_QUERY", f"unexpected token: {token}")


def test_string_escapes_are_read_and_bad_ones_refused() -> None:
    [condition] = parse(r"SELECT Id FROM Contact WHERE LastName = 'O\'Brien \\ \n'").where

    assert condition == Condition(Name("LastName", 29), (Literal("string", "O'Brien \\ \n", 40),))
    assert "Illegal character sequence '\\q'" in error_of(r"SELECT Id FROM Contact WHERE LastName = 'a\q'").detail
    assert error_of("SELECT Id FROM Contact WHERE LastName = 'open").detail == \
        "mismatched character '<EOF>' expecting '''"


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40))
def test_any_string_escaped_with_backslashes_reads_back(value: str) -> None:
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")

    [condition] = parse(f"SELECT Id FROM Contact WHERE LastName = '{escaped}'").where

    assert condition.values[0].value == value


def test_offset_over_2000_is_out_of_range() -> None:
    error = error_of("SELECT Id FROM Contact OFFSET 2001")

    assert (error.code, error.detail) == ("NUMBER_OUTSIDE_VALID_RANGE", "Maximum SOQL offset allowed is 2000")


def test_a_string_literal_over_4000_characters_is_refused() -> None:
    parse(f"SELECT Id FROM Contact WHERE LastName = '{'x' * 4000}'")

    error = error_of(f"SELECT Id FROM Contact WHERE LastName = '{'x' * 4001}'")

    assert error.code == "MALFORMED_QUERY" and "4001" in error.detail


def test_a_statement_over_100000_characters_is_refused() -> None:
    values = ", ".join(f"'{n:017d}'" for n in range(5000))
    statement = f"SELECT Id FROM Contact WHERE Email IN ({values})"
    assert len(statement) > 100_000

    error = error_of(statement)

    assert error.code == "MALFORMED_QUERY" and "100000" in error.detail
    assert parse(statement[:99_990].rsplit(",", 1)[0] + ")").sobject.text == "Contact"
