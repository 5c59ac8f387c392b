"""The README's configuration table, generated from the declarations in `Settings`.

`python -m gateway.settings.table` prints it; `--write README.md` replaces the block between the markers.
A test fails when the README's block differs from what this prints, so the table cannot drift.
"""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .declaration import Setting
from .model import SETTINGS

BEGIN, END = "<!-- settings:begin -->", "<!-- settings:end -->"


def settings_table() -> str:
    rows = [f"| `{s.variable}` | {default_cell(s)} | {s.doc} |" for s in SETTINGS.values()]
    return "\n".join(["| variable | default | meaning |", "| --- | --- | --- |", *rows]) + "\n"


def default_cell(s: Setting) -> str:
    if s.required:
        return "required"
    shown = "unset" if s.default is None else "none" if not s.default else (
        "demo value" if s.secret else f"`{s.default}`")
    if not s.production_required:
        return shown
    group = [other.variable for other in SETTINGS.values() if other.production_required and other.group == s.group]
    needed = "required" if len(group) == 1 else "one of " + ", ".join(f"`{name}`" for name in group) + " required"
    refused = " (the published value is refused there)" if s.published else ""
    return f"{shown} in development; {needed} in production{refused}"


def readme_block(readme: str) -> str:
    """What the README holds between the markers (ValueError without them)."""
    start, end = readme.index(BEGIN) + len(BEGIN), readme.index(END)
    return readme[start:end].strip("\n") + "\n"


def with_table(readme: str) -> str:
    start, end = readme.index(BEGIN) + len(BEGIN), readme.index(END)
    return f"{readme[:start]}\n{settings_table()}{readme[end:]}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway.settings.table", description=__doc__)
    parser.add_argument("--write", type=Path, metavar="README", help="replace the table between the markers")
    args = parser.parse_args(argv)
    if args.write is None:
        sys.stdout.write(settings_table())
    else:
        args.write.write_text(with_table(args.write.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
