"""`python -m bench.compare [--smoke] [--duration-s 10] [--scenarios ...] [--skip-peer] [--skip-soak]
[--out bench/RESULTS.md]`: runs the comparison, writes the report and the plot beside it."""

import asyncio
import shlex
import sys
import time

from .config import parse
from .load import check_generator
from .plot import plot
from .report import keep_sections, write_report
from .run import run


def main(argv: list[str] | None = None) -> int:
    config, _ = parse(argv)
    check_generator()
    command = shlex.join(["python", "-m", "bench.compare", *(sys.argv[1:] if argv is None else argv)])
    started = time.perf_counter()
    results = asyncio.run(run(config))
    elapsed = time.perf_counter() - started
    config.out.parent.mkdir(parents=True, exist_ok=True)
    plot(results, config.plot)
    previous = config.out.read_text() if config.out.exists() else None
    config.out.write_text(keep_sections(write_report(results, config, command, elapsed), previous))
    print(f"wrote {config.out} and {config.plot} in {elapsed:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
