"""The API's failures: request-level errors (`errorCode`) and record-level problems (`statusCode`).

Salesforce answers a refused request with a JSON array of `{message, errorCode}`, and reports each
failed record of a collection inside a 200 with `statusCode`; one `Problem` type serves both.
"""

from dataclasses import dataclass, field

NOT_FOUND_MESSAGE = "The requested resource does not exist"
ROLLED_BACK_MESSAGE = ("Record rolled back because not all records were valid and the request was using "
                       "AllOrNone header")
HALTED_MESSAGE = "The transaction was rolled back since another operation in the same transaction failed."

Json = object


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request or a record, in Salesforce's vocabulary."""

    code: str
    message: str
    fields: tuple[str, ...] = field(default=())

    def as_request_error(self) -> dict[str, Json]:
        body: dict[str, Json] = {"message": self.message, "errorCode": self.code}
        if self.fields:
            body["fields"] = list(self.fields)
        return body

    def as_record_error(self) -> dict[str, Json]:
        return {"statusCode": self.code, "message": self.message, "fields": list(self.fields)}


class ApiError(Exception):
    """Refuses the whole request: the handler turns it into `status` plus the error array."""

    def __init__(self, status: int, code: str, message: str, fields: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.problem = Problem(code, message, fields)

    @classmethod
    def of(cls, status: int, problem: Problem) -> "ApiError":
        return cls(status, problem.code, problem.message, problem.fields)

    def body(self) -> list[Json]:
        return [self.problem.as_request_error()]


def not_found() -> ApiError:
    return ApiError(404, "NOT_FOUND", NOT_FOUND_MESSAGE)


def no_such_column(name: str, sobject: str) -> Problem:
    return Problem("INVALID_FIELD", f"No such column '{name}' on sobject of type {sobject}")


def no_such_entity_column(name: str, entity: str) -> str:
    """Salesforce's wording for an unknown field named in a query or a `fields` list."""
    return (f"No such column '{name}' on entity '{entity}'. If you are attempting to use a custom field, be sure to "
            "append the '__c' after the custom field name. Please reference your WSDL or the describe call for the "
            "appropriate names.")


def json_parser_error(detail: str) -> ApiError:
    return ApiError(400, "JSON_PARSER_ERROR", detail)


def rolled_back() -> Problem:
    return Problem("ALL_OR_NONE_OPERATION_ROLLED_BACK", ROLLED_BACK_MESSAGE)
