"""labkit as a user installs it: the wheel in a fresh environment, used from a folder far from the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tarfile
from pathlib import Path

import pytest

from labkit import __version__

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def run(command: list[str], cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **extra}
    environment.pop("PYTHONPATH", None)
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, env=environment,
                          timeout=600)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the built wheel; its other libraries come from the test
    environment (a .pth line, not an install), so the test needs no network beyond pip's build."""
    where = tmp_path_factory.mktemp("installed")
    built = run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--quiet", "-w", str(where / "dist")],
                where)
    assert built.returncode == 0, built.stderr[-3000:]
    wheel = next((where / "dist").glob("laeringslab_kit-*.whl"))
    environment = where / "env"
    assert run([sys.executable, "-m", "venv", str(environment)], where).returncode == 0
    python = environment / "bin" / "python"
    site = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                    where).stdout.strip())
    (site / "labkit_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    done = run([str(python), "-m", "pip", "install", "--no-deps", "--quiet", str(wheel)], where)
    assert done.returncode == 0, done.stderr[-3000:]
    return environment


def test_the_wheel_carries_templates_notebooks_and_the_sample(installed: Path, tmp_path: Path) -> None:
    python, labkit = installed / "bin" / "python", installed / "bin" / "labkit"
    origin = run([str(python), "-c", "import labkit; print(labkit.__file__)"], tmp_path).stdout.strip()
    assert origin.startswith(str(installed)), origin  # the wheel, not the checkout
    version = run([str(labkit), "--version"], tmp_path)
    assert version.stdout.strip() == f"labkit {__version__}"
    assert run([str(python), "-m", "labkit", "--version"], tmp_path).stdout.strip() == f"labkit {__version__}"

    new = run([str(labkit), "new", "demo", "--eksempel"], tmp_path)
    assert new.returncode == 0, new.stderr
    assert (tmp_path / "demo" / "lab.yaml").is_file() and (tmp_path / "demo" / "data" / "trivsel.csv").is_file()
    check = run([str(labkit), "check", "demo"], tmp_path)
    assert check.returncode == 0 and "Resultat: data kan bruges." in check.stdout, check.stdout[-2000:]
    # nbconvert's own templates live under the prefix of the environment that installed them.
    shared = str(Path(sys.prefix) / "share" / "jupyter")
    render = run([str(labkit), "render", "demo", "--skole", "061004", "--format", "html", "--format", "xlsx",
                  "--stille"], tmp_path, JUPYTER_PATH=shared)
    assert render.returncode == 0, render.stdout + render.stderr[-3000:]
    handout = next((tmp_path / "demo" / "uddelingsark").glob("061004_*.html")).read_text(encoding="utf-8")
    assert "Kirkebakkeskolen" in handout and "Ro og orden (udskoling) er faldet" in handout
    assert (tmp_path / "demo" / "uddelingsark" / "oversigt.xlsx").is_file()
    fresh = run([str(labkit), "new", "bakkeby", "--kommune", "Bakkeby Kommune"], tmp_path)
    assert fresh.returncode == 0 and (tmp_path / "bakkeby" / "skabeloner" / "indikatorer.yaml").is_file()


def test_the_sdist_holds_what_its_tests_need(tmp_path: Path) -> None:
    script = f"from setuptools import build_meta; print(build_meta.build_sdist({str(tmp_path)!r}))"
    built = run([sys.executable, "-c", script], ROOT)
    assert built.returncode == 0, built.stderr[-3000:]
    archive = tmp_path / built.stdout.strip().splitlines()[-1]
    with tarfile.open(archive) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {"tests/conftest.py", "tests/test_verdicts.py", "templates/indikatorer.yaml", "sample_data/lab.yaml",
            "notebooks/uddelingsark.ipynb", "examples/kobenhavn/lab.yaml", "docs/statistik.md",
            "labkit/analysis/verdicts.py", "pyproject.toml"} <= names
    assert not [name for name in names if "__pycache__" in name or name.startswith("sample_data/uddelingsark")]
