"""`labkit arkiver`: the teams' texts and their history in one zip for the municipality's archive, then
removed from the lab folder.

Team texts can hold personal data (quotes, names of pupils or colleagues). They are needed for the
lab series and not after it: docs/konsulenter.md says how long to keep them. The zip is checked
(every file read back, byte for byte) before anything is removed; if the check fails, nothing is.
"""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from labkit.files import replace_with, saving
from labkit.problems import LabkitError, os_reason
from labkit.workspace.store import WORKSPACE_FOLDER

ARCHIVE_FOLDER = "arkiv"


@dataclass(frozen=True)
class Archived:
    """What `archive_workspaces` did: the zip, how many files it holds, and whether they were removed."""

    zip_path: Path
    files: int
    removed: bool


def _files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file() and path.suffix != ".lock")


def default_zip_path(lab_folder: Path, lab_name: str, today: date | None = None) -> Path:
    stamp = (today or date.today()).isoformat()
    safe = "".join(ch if ch.isalnum() else "_" for ch in lab_name).strip("_") or "laboratorium"
    return lab_folder / ARCHIVE_FOLDER / f"arbejde_{safe}_{stamp}.zip"


def archive_workspaces(lab_folder: Path, zip_path: Path, remove: bool = True) -> Archived:
    """Zip `<lab>/arbejde/` (the workspace files, their versions and conflicts) into `zip_path`, check the
    zip, then remove the folder's contents unless `remove` is False. Raises a Danish `LabkitError`."""
    folder = lab_folder / WORKSPACE_FOLDER
    files = _files(folder) if folder.is_dir() else []
    if not files:
        raise LabkitError(f"Der er ingen teamtekster at arkivere i {folder}.")
    if zip_path.exists():
        raise LabkitError(f"{zip_path} findes allerede. Vælg et andet navn med --ud, så intet overskrives.")

    def write(temporary: Path) -> None:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in files:
                archive.write(path, Path(WORKSPACE_FOLDER) / path.relative_to(folder))

    with saving("Arkivet", zip_path):
        zip_path.parent.mkdir(parents=True, exist_ok=True)
        replace_with(zip_path, write, mode=0o600)  # the teams' texts: owner only, like the workspace
    with zipfile.ZipFile(zip_path) as archive:
        for path in files:
            name = (Path(WORKSPACE_FOLDER) / path.relative_to(folder)).as_posix()
            if archive.read(name) != path.read_bytes():
                raise LabkitError(f"Arkivet {zip_path} svarer ikke til {path}. Intet er slettet; prøv igen.")
    if remove:
        try:
            for child in folder.iterdir():
                if child.is_dir():
                    shutil.rmtree(child)
                elif child.suffix != ".lock":
                    child.unlink()
        except OSError as error:
            raise LabkitError(f"Arkivet {zip_path} er gemt og tjekket, men teksterne i {folder} kunne ikke fjernes "
                              f"({os_reason(error)}). Slet dem selv, når I har sikret jer adgang til mappen, eller "
                              "kør »labkit arkiver« igen med --ud og et nyt filnavn.") from error
    return Archived(zip_path, len(files), remove)
