"""The container image's Dockerfile, checked without a Docker engine: hadolint (pinned in the test extra) finds
nothing, and the build context holds only what the image needs. tests/test_production_install.py runs the image's
install step and its HEALTHCHECK."""

import subprocess

from .processes import ROOT
from .tools import venv_tool


def test_hadolint_finds_nothing_in_the_dockerfile() -> None:
    result = subprocess.run([venv_tool("hadolint"), "--config", ROOT / ".hadolint.yaml", ROOT / "Dockerfile"],
                            capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_the_final_images_run_as_a_numeric_non_root_user_without_pip() -> None:
    stages = (ROOT / "Dockerfile").read_text().split("\nFROM ")
    finals = {stage.split()[2]: stage for stage in stages[1:] if stage.startswith("base AS ")}
    assert set(finals) == {"demo", "runtime"} and stages[-1].startswith("base AS runtime")  # the default target
    for stage in finals.values():
        assert "USER 10001:10001" in stage  # numeric, so Kubernetes' runAsNonRoot can check it
    [base] = [stage for stage in stages if stage.startswith("python:3.11-slim-bookworm AS base")]
    assert "pip uninstall --yes --no-cache-dir pip setuptools wheel" in base


def test_the_build_context_is_the_package_only() -> None:
    rules = [line for line in (ROOT / ".dockerignore").read_text().splitlines() if line and line[0] != "#"]
    assert rules[0] == "*"  # everything out (tests, bench, k8s, .git, .venv, ledgers), then the package back in
    assert {rule for rule in rules if rule.startswith("!")} == {
        "!pyproject.toml", "!README.md", "!gateway/", "!connectors/", "!simulators/"}
