"""Shared fixtures: a minimal lab folder on disk, the bundled sample and Copenhagen labs, and a way to
run `labkit check` on a folder."""

from __future__ import annotations

import io
import os
import shutil
import types
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner

from labkit.data.lab import Lab, load_lab

ROOT = Path(__file__).resolve().parent.parent

# The schools of the minimal lab; one number has a leading zero, which must survive everywhere.
LAB_SCHOOLS = {
    "101001": "Den Classenske Legatskole",
    "101003": "Nyboder Skole",
    "061001": "Højvangskolen",
}

DataFile = str | bytes | Iterable[Iterable[object]]


def lab_yaml(
    schools: Mapping[str, str] = LAB_SCHOOLS,
    *,
    kommune: str = "Københavns Kommune",
    school_year: str = "2025/2026",
    min_group_size: int = 5,
) -> str:
    """The text of a valid `lab.yaml` with the given schools (numbers quoted, as they must be)."""
    lines = [
        f"kommune: {kommune}",
        "laboratorium: Testlaboratorium",
        f'skoleår: "{school_year}"',
        f"mindste_gruppe: {min_group_size}",
        "skoler:",
    ]
    for number, name in schools.items():
        lines += [f'  - institutionsnummer: "{number}"', f"    navn: {name}"]
    lines.append("datamappe: data")
    return "\n".join(lines) + "\n"


def xlsx_bytes(rows: Iterable[Iterable[object]], sheet: str = "Ark1") -> bytes:
    """An .xlsx workbook with one sheet holding `rows` (cells keep their Python types)."""
    from openpyxl import Workbook

    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    for row in rows:
        worksheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _file_bytes(name: str, content: DataFile) -> bytes:
    if isinstance(content, bytes):
        return content
    if isinstance(content, str):
        return content.encode("utf-8")
    if name.lower().endswith((".xlsx", ".xlsm")):
        return xlsx_bytes(content)
    raise TypeError(f"{name}: give bytes, str, or rows for an .xlsx file")


@pytest.fixture
def make_lab(tmp_path: Path) -> Callable[..., Path]:
    """Factory: `make_lab({"data.csv": b"..."}, config=None)` → a lab folder in `tmp_path`.

    Data files are bytes (written as is), str (written as UTF-8) or, for `.xlsx` names, rows.
    `config` replaces the whole `lab.yaml` text; `config=False` leaves `lab.yaml` out.
    """

    def make(
        files: Mapping[str, DataFile] | None = None,
        *,
        config: str | bool | None = None,
        schools: Mapping[str, str] = LAB_SCHOOLS,
    ) -> Path:
        folder = tmp_path / "lab"
        data = folder / "data"
        data.mkdir(parents=True, exist_ok=True)
        if config is None:
            (folder / "lab.yaml").write_text(lab_yaml(schools), encoding="utf-8")
        elif isinstance(config, str):
            (folder / "lab.yaml").write_text(config, encoding="utf-8")
        for name, content in (files or {}).items():
            (data / name).write_bytes(_file_bytes(name, content))
        return folder

    return make


def check_folder(folder: Path) -> tuple[int, str]:
    """Run `labkit check FOLDER` as a user would: (exit code, stdout and stderr together).

    `catch_exceptions=False`, so an uncaught exception (a traceback for a user) fails the test.
    """
    from labkit.cli import main

    result = CliRunner().invoke(main, ["check", str(folder)], catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def run_check() -> Callable[[Path], tuple[int, str]]:
    """`run_check(folder)` → (exit code, output) of `labkit check folder`."""
    return check_folder


# A value no real figure has: if it shows anywhere, a suppressed figure leaked.
SENTINEL = "4,87"


def plant_sub_threshold_figure(lab: Path, value: str = SENTINEL) -> None:
    """Give Lille Mølle's smallest trivsel group (fewer than 5 answers) a unique score (`value`)."""
    path = lab / "data" / "trivsel.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(";")
    n_column, score_column = header.index("Antal besvarelser"), header.index("Indikatorsvar")
    planted = 0
    for index, line in enumerate(lines[1:], start=1):
        cells = line.split(";")
        if cells[0] == "061003" and cells[n_column] and int(cells[n_column]) < 5:
            cells[score_column] = value
            lines[index] = ";".join(cells)
            planted += 1
    assert planted, "the sample lab must have a trivsel group below the minimum"
    path.write_text("\ufeff" + "\r\n".join(lines) + "\r\n", encoding="utf-8")


@pytest.fixture
def lab(tmp_path: Path) -> Path:
    """A writable copy of the bundled sample lab (Bøgekilde Kommune)."""
    folder = tmp_path / "lab"
    shutil.copytree(ROOT / "sample_data", folder)
    return folder


@pytest.fixture(scope="session")
def sample() -> Lab:
    """The bundled sample lab, loaded once; tests only read it."""
    return load_lab(ROOT / "sample_data")


@pytest.fixture(scope="session")
def kbh() -> Lab:
    """The real Copenhagen extract, loaded once; tests only read it."""
    return load_lab(ROOT / "examples" / "kobenhavn")


def file_tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (relative path → bytes): to show that something wrote nothing."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}



def os_reporting_windows() -> types.SimpleNamespace:
    """A stand-in for one module's `os`: `name` is "nt", everything else is the real `os`.

    For code that also builds paths: with the real `os.name` set to "nt", Python 3.11's pathlib refuses
    every new `Path` on Linux ("cannot instantiate 'WindowsPath' on your system").
    """
    return types.SimpleNamespace(**{**vars(os), "name": "nt"})


# Debian's chromium, driven by Python Playwright (scripts/install_chromium.sh; `.ci/run` installs it).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def require_browser() -> None:
    """Skip the calling test module when chromium or Playwright is missing; in CI that is a failure."""
    try:
        import playwright.sync_api  # noqa: F401
        available = Path(CHROMIUM).exists()
    except ImportError:
        available = False
    if not available:
        if os.environ.get("CI"):
            raise RuntimeError("CI skal have chromium og playwright installeret (se .ci/run).")
        pytest.skip("chromium eller playwright mangler på denne maskine", allow_module_level=True)

