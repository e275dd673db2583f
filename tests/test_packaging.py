"""The project's set-up files agree with each other and hold what a fresh clone needs."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# PyPI and conda-forge spell a few packages differently.
CONDA_NAMES = {"types-pyyaml": "types-pyyaml"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower()


def test_environment_yml_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        wanted |= {_name(r) for r in extra}
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = {_name(d) for d in environment["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    assert conda == {CONDA_NAMES.get(n, n) for n in wanted}
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section


def test_required_top_level_exists() -> None:
    for name in ("notebooks", "labkit", "sample_data", "templates", "tests"):
        assert (ROOT / name).is_dir(), name
    for name in ("environment.yml", "README.md", "pyproject.toml", ".ci/run"):
        assert (ROOT / name).is_file(), name


def test_readme_opens_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:bash|sh)?\n(.*?)```", readme, flags=re.DOTALL)
    first_commands = [line for line in blocks[0].splitlines() if line and not line.startswith("#")]
    assert first_commands == ["bash scripts/demo.sh", "bash scripts/test.sh"]
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text()


def test_nothing_reads_the_shared_folder() -> None:
    for path in [*ROOT.glob("labkit/**/*.py"), *ROOT.glob("tests/**/*.py"), *ROOT.glob("scripts/*")]:
        if path.name == "test_packaging.py":
            continue
        assert "shared/" not in path.read_text(encoding="utf-8"), path
