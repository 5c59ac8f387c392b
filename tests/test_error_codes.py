"""Every `extensions.code` comes from `ErrorCode`, written by `gateway/errors.py` alone, and the README lists
exactly those codes.

`coded` and `GatewayError` take an `ErrorCode` (mypy holds callers to it), so once no other module writes a
`code` key or spells a code as a string, no code can reach a client without being a member.
"""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from gateway.errors import ErrorCode

ROOT = Path(__file__).resolve().parent.parent
GATEWAY = ROOT / "gateway"
WRITER = GATEWAY / "errors.py"


def modules() -> Iterator[tuple[str, ast.Module]]:
    """Every gateway module but the one that declares and writes the codes."""
    for path in sorted(GATEWAY.rglob("*.py")):
        if path != WRITER:
            yield str(path.relative_to(ROOT)), ast.parse(path.read_text(encoding="utf-8"))


def writes_code(node: ast.AST) -> bool:
    """`{"code": ...}`, `dict(code=...)` or `x["code"] = ...` (each an expression, so it has a line number)."""
    if isinstance(node, ast.Dict):
        return any(isinstance(key, ast.Constant) and key.value == "code" for key in node.keys)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
        return any(keyword.arg == "code" for keyword in node.keywords)
    return (isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store)
            and isinstance(node.slice, ast.Constant) and node.slice.value == "code")


def test_only_gateway_errors_writes_a_code_key() -> None:
    # given every gateway module but gateway/errors.py
    # then none builds an error's extensions by hand
    found = [f"{name}:{node.lineno}" for name, tree in modules() for node in ast.walk(tree)
             if isinstance(node, ast.expr) and writes_code(node)]
    assert found == []


def test_no_module_spells_a_code_as_a_string() -> None:
    # given every string literal of the gateway outside gateway/errors.py
    codes = {code.value for code in ErrorCode}
    found = [f"{name}:{node.lineno} {node.value}" for name, tree in modules() for node in ast.walk(tree)
             if isinstance(node, ast.Constant) and node.value in codes]
    # then none is a code: each names its enum member, so a rename or a typo cannot slip past
    assert found == []


def test_the_readme_table_of_error_codes_is_the_enum() -> None:
    # given the first column of each row of the README's table of error codes
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Error codes", 1)[1].split("\n## ", 1)[0]
    listed = [match for line in section.splitlines() if (match := re.match(r"\| `([A-Z_]+)` \|", line))]
    # then it is every code, each once
    names = [match.group(1) for match in listed]
    assert sorted(names) == sorted(code.value for code in ErrorCode)
