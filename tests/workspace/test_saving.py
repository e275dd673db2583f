"""The workspace folder's other writes under a refusing disk: `labkit arkiver` says in Danish what to do
and removes nothing, and a notebook's start does not stop because its school cannot be remembered."""

from __future__ import annotations

import errno
import types
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from labkit.cli import main
from labkit.workspace import session
from labkit.workspace.store import Workspace


def refuse(number: int) -> object:
    def refused(*args: object, **kwargs: object) -> None:
        raise OSError(number, "English text from the operating system")
    return refused


def test_an_archive_on_a_full_disk_is_a_danish_message_and_removes_nothing(lab: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    Workspace.open(lab, "061001").set("noter/a", "tekst")
    monkeypatch.setattr(zipfile.ZipFile, "write", refuse(errno.ENOSPC))
    zip_path = lab.parent / "arkiv" / "arkiv.zip"
    result = CliRunner().invoke(main, ["arkiver", str(lab), "--ud", str(zip_path)], prog_name="labkit")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"Arkivet kunne ikke gemmes som {zip_path}: disken er fuld. Gør plads" in result.output
    assert "English" not in result.output
    assert (lab / "arbejde" / "061001.json").is_file() and list(zip_path.parent.iterdir()) == []


def test_an_archive_whose_texts_cannot_be_removed_says_the_zip_is_safe(lab: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    Workspace.open(lab, "061001").set("noter/a", "tekst")
    monkeypatch.setattr(Path, "unlink", refuse(errno.EACCES))
    zip_path = lab.parent / "arkiv.zip"
    result = CliRunner().invoke(main, ["arkiver", str(lab), "--ud", str(zip_path)], prog_name="labkit")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "er gemt og tjekket" in result.output and "kunne ikke fjernes" in result.output
    assert zipfile.ZipFile(zip_path).testzip() is None


def test_a_school_that_cannot_be_remembered_is_still_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lab = types.SimpleNamespace(config=types.SimpleNamespace(folder=tmp_path))
    monkeypatch.setattr(session, "write_atomically", refuse(errno.EROFS))
    session.remember_school(lab, "061001")  # type: ignore[arg-type]  # no error: the next start asks again
    assert not (tmp_path / "arbejde" / session.LAST_CHOICE_FILE).exists()
