"""labkit as a user installs it: the wheel in a fresh environment, used from a folder far from the checkout."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import sysconfig
import tarfile
import time
import urllib.error
import urllib.parse
import urllib.request
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
    assert {"tests/conftest.py", "tests/analysis/test_verdicts.py", "templates/indikatorer.yaml", "sample_data/lab.yaml",
            "notebooks/uddelingsark.ipynb", "examples/kobenhavn/lab.yaml", "docs/statistik.md",
            "labkit/analysis/verdicts.py", "pyproject.toml"} <= names
    assert not [name for name in names if "__pycache__" in name or name.startswith("sample_data/uddelingsark")]

    # The sdist's own tests run from the unpacked sdist (a few files that need no git checkout).
    with tarfile.open(archive) as sdist:
        sdist.extractall(tmp_path / "udpakket", filter="data")
    unpacked = next((tmp_path / "udpakket").iterdir())
    tests = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_numbers.py",
                 "tests/analysis/test_verdicts.py", "tests/test_layers.py", "tests/data/test_real_data.py"], unpacked)
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert " passed" in tests.stdout and "failed" not in tests.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_labkit_lab_serves_the_labs_notebooks_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    """`labkit lab` from the installed wheel: JupyterLab answers and the lab holds every bundled notebook
    (a wheel without its notebooks opened "0 notesbøger")."""
    labkit = installed / "bin" / "labkit"
    assert run([str(labkit), "new", "demo", "--eksempel"], tmp_path).returncode == 0
    port, token = free_port(), "labkit-test-token"
    shared = Path(sys.prefix) / "share" / "jupyter"
    environment = {**os.environ, "JUPYTER_TOKEN": token, "JUPYTER_PATH": str(shared),
                   "JUPYTERLAB_DIR": str(shared / "lab")}
    environment.pop("PYTHONPATH", None)
    server = subprocess.Popen([str(labkit), "lab", "demo", "--ingen-browser", "--port", str(port)], cwd=tmp_path,
                              env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    try:
        page = answer = ""
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={token}", timeout=5) as response:
                    assert response.status == 200
                    page = response.read().decode("utf-8")
                contents = f"http://127.0.0.1:{port}/api/contents/{urllib.parse.quote('notesbøger')}?token={token}"
                with urllib.request.urlopen(contents, timeout=5) as response:
                    answer = response.read().decode("utf-8")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        assert page, f"JupyterLab svarede ikke: {server.stdout.read() if server.poll() is not None else ''}"
        assert "JupyterLab" in page
        listed = {item["name"] for item in json.loads(answer)["content"]}
        bundled = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")} - {"uddelingsark.ipynb"}
        assert bundled <= listed, listed
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
        if server.stdout is not None:
            server.stdout.close()
