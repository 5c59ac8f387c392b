"""`UserError`: what every mutation payload reports beside its object, a code from `UserErrorCode` and a path."""

import strawberry

from ..errors import UserErrorCode
from ..writes.outcome import Outcome

strawberry.enum(UserErrorCode)


@strawberry.type
class UserError:
    field: list[str] | None = strawberry.field(
        description="Path to the input field at fault, e.g. [\"input\", \"lines\", \"0\", \"quantity\"].")
    code: UserErrorCode
    message: str


def user_errors(outcome: Outcome) -> list[UserError]:
    return [UserError(field=list(p.field) if p.field else None, code=p.code, message=p.message)
            for p in outcome.problems]
