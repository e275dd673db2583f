"""The code stays typed and tidy: mypy and ruff pass on the project (settings in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the venv's bin folder


@pytest.mark.slow
def test_the_package_type_checks() -> None:
    result = subprocess.run([str(BIN / "mypy"), "labkit"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_the_code_passes_the_linter() -> None:
    result = subprocess.run([str(BIN / "ruff"), "check", "--no-cache", "labkit", "tests", "scripts", "benchmarks"],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
