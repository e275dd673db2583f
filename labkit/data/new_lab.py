"""`labkit new`: a ready lab folder for a new municipality, built from the bundled templates."""

from __future__ import annotations

import contextlib
import datetime
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import yaml

from labkit.data.config import CONFIG_NAME
from labkit.data.templates import BUNDLED_TEMPLATES
from labkit.files import write_atomically
from labkit.problems import LabkitError, os_reason
from labkit.resources import bundled_folder

NEW_LAB_TEMPLATE = "ny_lab"  # the folder in templates/ with lab.yaml and VEJLEDNING.md
DATA_FOLDER, TEMPLATES_FOLDER = "data", "skabeloner"
BLANK_WORKBOOK = "kapacitetsinterview_indtastning.xlsx"
WORKBOOK_NAME = "kapacitetsinterview.xlsx"
TOP_LEVEL_FILES = ("VEJLEDNING.md",)
_IGNORED_NAMES = (".*", "__pycache__", "~$*")
_IGNORED = shutil.ignore_patterns(*_IGNORED_NAMES)
SAMPLE_WORKSPACE = "061006.json"  # written by scripts/generate_sample_data.py (labkit.workspace.sample_work)


def current_school_year(today: datetime.date | None = None) -> str:
    """The school year `today` falls in; a new year starts in August (`2025/2026`)."""
    today = today or datetime.date.today()
    first = today.year if today.month >= 8 else today.year - 1
    return f"{first}/{first + 1}"


def _yaml_scalar(text: str) -> str:
    """`text` as a YAML value: plain when YAML reads it back unchanged, otherwise double-quoted."""
    try:
        if yaml.safe_load(text) == text and "#" not in text:
            return text
    except yaml.YAMLError:
        pass
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _set_value(config_text: str, key: str, value: str) -> str:
    """Replace one top-level key's value in the YAML text, keeping the comment on its line."""
    line = re.compile(rf"^({re.escape(key)}:[ \t]*)(\S.*?)([ \t]+#.*)?$", re.MULTILINE)
    return line.sub(lambda m: m.group(1) + value + (m.group(3) or ""), config_text, count=1)


def lab_yaml_text(kommune: str | None = None, school_year: str | None = None,
                  template: Path = BUNDLED_TEMPLATES / NEW_LAB_TEMPLATE / CONFIG_NAME) -> str:
    """The commented `lab.yaml` for a new lab, with the municipality and school year filled in."""
    text = template.read_text(encoding="utf-8")
    if kommune and kommune.strip():
        text = _set_value(text, "kommune", _yaml_scalar(kommune.strip()))
    return _set_value(text, "skoleår", f'"{school_year or current_school_year()}"')


def _refuse_used_folder(folder: Path) -> Path:
    folder = Path(folder).expanduser().resolve()
    if folder.exists() and not folder.is_dir():
        raise LabkitError(f"{folder} er en fil, ikke en mappe. Vælg et andet navn til laboratoriet.")
    existing = next((parent for parent in folder.parents if parent.exists()), None)
    if existing is not None and not existing.is_dir():
        raise LabkitError(f"{folder} ligger under {existing}, som er en fil, ikke en mappe. Vælg en anden placering "
                          "til laboratoriet.")
    if folder.is_dir() and any(folder.iterdir()):
        raise LabkitError(
            f"Mappen {folder} findes allerede og er ikke tom. Vælg en ny mappe, så intet overskrives."
        )
    return folder


def create_sample_lab(folder: Path) -> Path:
    """Copy the bundled sample municipality (Bøgekilde Kommune) into a new folder: an installed user
    can try every command without the repository."""
    folder = _refuse_used_folder(folder)
    sample = bundled_folder("eksempel")
    with _created(folder):
        shutil.copytree(sample, folder, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(*_IGNORED_NAMES, "arbejde", "uddelingsark", "notesbøger"))
        # The sample team's finished Læringslab 1, and nothing a demo in a checkout may have written.
        (folder / "arbejde").mkdir(exist_ok=True)
        shutil.copy2(sample / "arbejde" / SAMPLE_WORKSPACE, folder / "arbejde" / SAMPLE_WORKSPACE)
    return folder


@contextlib.contextmanager
def _created(folder: Path) -> Iterator[None]:
    """Writing a new lab: on a refusal from the disk, a Danish message and nothing half-made left behind
    (a half-made folder would then be refused as »not empty«)."""
    existed = folder.exists()
    try:
        yield
    except OSError as error:
        if not existed:
            shutil.rmtree(folder, ignore_errors=True)
        raise LabkitError(f"Laboratoriet kan ikke oprettes i {folder} ({os_reason(error)}). Vælg en mappe, du kan "
                          "skrive i.") from error


def create_lab(folder: Path, kommune: str | None = None, templates: Path = BUNDLED_TEMPLATES) -> Path:
    """Create a new lab folder from `templates`; returns its absolute path.

    Writes lab.yaml, VEJLEDNING.md, data/ with an empty kapacitetsinterview workbook and
    skabeloner/ with copies of every template (the agenda dagsorden.yaml among them).
    Raises a Danish `LabkitError` when `folder` exists and is not empty, or is a file.
    """
    folder = _refuse_used_folder(folder)
    new_lab = templates / NEW_LAB_TEMPLATE
    if not new_lab.is_dir():
        raise LabkitError(f"Skabelonen til et nyt laboratorium mangler: {new_lab}.")
    config = lab_yaml_text(kommune, template=new_lab / CONFIG_NAME)
    with _created(folder):
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(folder / CONFIG_NAME, config)
        for name in TOP_LEVEL_FILES:
            shutil.copy2(new_lab / name, folder / name)
        (folder / DATA_FOLDER).mkdir()
        shutil.copy2(templates / BLANK_WORKBOOK, folder / DATA_FOLDER / WORKBOOK_NAME)
        # Everything in templates/ except ny_lab itself, so template files added later come along.
        shutil.copytree(templates, folder / TEMPLATES_FOLDER,
                        ignore=lambda where, names: [*_IGNORED(where, names),
                                                     *([NEW_LAB_TEMPLATE] if Path(where) == templates else [])])
    return folder
