"""The project's set-up files agree with each other and hold what a fresh clone needs."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# PyPI and conda-forge spell a few packages differently.
CONDA_NAMES = {"types-pyyaml": "types-pyyaml", "playwright": "playwright-python", "jupyter-client": "jupyter_client",
               "jupyter-core": "jupyter_core", "jupyter-server": "jupyter_server"}


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


def test_the_command_has_a_version_and_runs_as_a_module() -> None:
    import subprocess
    import sys

    from labkit import __version__

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] != "labkit"  # taken on PyPI by another project
    assert "version" in project["dynamic"] and "version" not in project  # one place: labkit/__init__.py
    from importlib.metadata import version

    assert version("laeringslab-kit") == __version__
    for command in ([str(ROOT / ".venv" / "bin" / "labkit"), "--version"], [sys.executable, "-m", "labkit", "--version"]):
        done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT.parent)
        assert done.returncode == 0 and done.stdout.strip() == f"labkit {__version__}", done


def test_every_imported_library_is_declared() -> None:
    imported = set()
    for path in ROOT.glob("labkit/**/*.py"):
        for found in re.findall(r"^\s*(?:from (\w+)[\w.]* import |import (\w+))", path.read_text(encoding="utf-8"),
                                flags=re.MULTILINE):
            imported.add(found[0] or found[1])
    distributions = {"docx": "python-docx", "yaml": "pyyaml", "IPython": "ipython", "python_calamine": "python-calamine",
                     "jupyter_client": "jupyter-client", "jupyter_core": "jupyter-core",
                     "jupyter_server": "jupyter-server"}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_name(r) for r in project["dependencies"]}
    third_party = {name for name in imported if name not in sys.stdlib_module_names and name not in ("labkit",)}
    missing = {distributions.get(name, name).lower() for name in third_party} - declared
    assert not missing, missing


def test_every_shipped_folder_is_in_the_wheel_mapping() -> None:
    """setuptools packs only listed folders: a new template subfolder must be listed in pyproject.toml."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    mapping = {source: package for package, source in setuptools["package-dir"].items() if package != "labkit"}
    tracked = subprocess.run(["git", "ls-files", *mapping], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    folders = {str(Path(path).parent) for path in tracked}
    wanted = set()
    for folder in folders:
        top, _, rest = folder.partition("/")
        wanted.add(mapping[top] + ("." + rest.replace("/", ".") if rest else ""))
    assert wanted <= set(setuptools["packages"]), wanted - set(setuptools["packages"])
    assert set(setuptools["package-data"]) == wanted


def test_the_render_engine_is_registered_through_papermills_entry_point() -> None:
    """`labkit render` names its engine; papermill finds it through the installed entry point, so the
    engine is a plain module-level class and nothing registers it by hand."""
    import papermill.engines

    from labkit.handout.engine import KeptClientEngine
    from labkit.handout.render import ENGINE_NAME

    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert setuptools["project"]["entry-points"]["papermill.engine"] == {
        ENGINE_NAME: "labkit.handout.engine:KeptClientEngine"}
    assert papermill.engines.papermill_engines.get_engine(ENGINE_NAME) is KeptClientEngine
