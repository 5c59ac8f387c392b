"""`setting(...)`: one declaration per setting, written as a field of the `Settings` dataclass.

The field's annotation is its type (mypy checks the parser returns it), and the `Setting` record in the
field's metadata holds the rest; the loader, the TOML file, the error messages and the README's table all
read these records, so nothing about a setting is written twice.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar, cast

PREFIX = "OMNIGATE_"
METADATA_KEY = "omnigate.setting"
T = TypeVar("T")


@dataclass(frozen=True)
class Published:
    """A value published in this project (README, demo, source): anyone could use it, so production refuses it."""

    what: str
    value: str


@dataclass(frozen=True)
class Setting:
    """`default` is the text parsed when unset (None: the value stays None); `required` settings have none.

    `production_required` settings have no default in production, where one setting of each `one_of` group
    (or the setting itself, without a group) must be set; `secret` ones never show their default.
    """

    parse: Callable[[str], object]
    default: str | None
    doc: str
    required: bool = False
    production_required: bool = False
    one_of: str | None = None
    published: Published | None = None
    secret: bool = False
    attribute: str = ""  # the field's name, filled in by the registry

    @property
    def name(self) -> str:
        """The name in the TOML file (any case) and, after the prefix, in the environment."""
        return self.attribute.upper()

    @property
    def variable(self) -> str:
        return PREFIX + self.name

    @property
    def group(self) -> str:
        """Production requires one setting of each group to be set."""
        return self.one_of or self.attribute


def setting(parse: Callable[[str], T], default: str | None, doc: str, *, required: bool = False,
            production_required: bool = False, one_of: str | None = None, published: Published | None = None,
            secret: bool = False) -> T:
    """A `Settings` field without a Python default (the loader fills every field) that carries its `Setting`.

    Typed as the parser's result so that mypy checks each field's annotation against its parser.
    """
    record = Setting(parse, default, doc, required, production_required, one_of, published, secret)
    return cast(T, field(metadata={METADATA_KEY: record}))
