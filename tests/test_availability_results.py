"""bench/RESULTS.md: bench.compare rewrites its own sections and keeps what other benchmarks wrote below its
marker (the availability index's figures, issue 17)."""

from pathlib import Path

from bench.compare.report import KEPT_MARKER, keep_sections

RESULTS = Path(__file__).resolve().parent.parent / "bench" / "RESULTS.md"


def test_a_rewrite_keeps_what_follows_the_marker_and_adds_the_marker_once() -> None:
    previous = f"# old report\n\n## Targets\nold\n\n{KEPT_MARKER}\n\n## Availability index (issue 17)\n\nfigures\n"
    rewritten = keep_sections("# new report\n\n## Targets\nnew\n", previous)
    assert rewritten.startswith("# new report\n\n## Targets\nnew\n") and "old" not in rewritten
    assert rewritten.endswith(f"{KEPT_MARKER}\n\n## Availability index (issue 17)\n\nfigures\n")
    assert keep_sections("# newer report\n", rewritten).count(KEPT_MARKER) == 1  # a second rewrite
    assert keep_sections("# first\n", None) == f"# first\n\n{KEPT_MARKER}\n"


def test_the_committed_results_hold_the_availability_section_below_the_marker() -> None:
    text = RESULTS.read_text()
    assert "## Availability index (issue 17)" in text.partition(KEPT_MARKER)[2]
