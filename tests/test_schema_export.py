"""`schema.graphql` is the exported SDL, and it keeps the public contract."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTRACT_CHECK = ROOT.parent / "shared" / "tools" / "check_schema_contract.py"


def test_schema_file_is_what_export_schema_prints() -> None:
    exported = subprocess.run([sys.executable, "-m", "gateway", "export-schema"], capture_output=True, text=True,
                              check=True, timeout=60).stdout
    assert exported == (ROOT / "schema.graphql").read_text(), "run: omnigate export-schema > schema.graphql"


@pytest.mark.skipif(not CONTRACT_CHECK.exists(), reason="the shared contract sits beside the clone in CI only")
def test_schema_keeps_the_read_contract() -> None:
    result = subprocess.run([sys.executable, str(CONTRACT_CHECK), "--reads-only", str(ROOT / "schema.graphql")],
                            capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().endswith("contract holds"), result.stdout
