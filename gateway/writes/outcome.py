"""A mutation's result as the idempotency store keeps it: the record it made and the problems it reported."""

import json
from dataclasses import dataclass

from ..errors import UserErrorCode


@dataclass(frozen=True)
class Problem:
    """One `userErrors` entry: `field` is the path to the input at fault (None: the request as a whole)."""

    code: UserErrorCode
    message: str
    field: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Outcome:
    record_id: str | None = None
    problems: tuple[Problem, ...] = ()

    @classmethod
    def refused(cls, code: UserErrorCode, message: str, *field: str, record_id: str | None = None) -> "Outcome":
        """One problem; `record_id` when the record exists but could not be changed as asked."""
        return cls(record_id, (Problem(code, message, field or None),))

    def to_json(self) -> str:
        return json.dumps({"record": self.record_id,
                           "problems": [[p.code.value, p.message, p.field] for p in self.problems]})

    @classmethod
    def from_json(cls, text: str) -> "Outcome":
        raw = json.loads(text)
        return cls(raw["record"], tuple(Problem(UserErrorCode(code), message, tuple(field) if field else None)
                                        for code, message, field in raw["problems"]))

    @property
    def retryable(self) -> bool:
        """Not kept: a back office being down says nothing about what the same request will get later."""
        return any(p.code is UserErrorCode.UPSTREAM_UNAVAILABLE for p in self.problems)
