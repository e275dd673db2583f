"""`labkit arkiver`: the teams' texts to a checked zip, then out of the lab folder (issue 13)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from click.testing import CliRunner

from labkit.cli import main
from labkit.workspace.store import Workspace


def test_archive_zips_every_team_text_and_version_then_removes_them(lab: Path) -> None:
    for school, text in (("061001", "Problemet er uro i 7. klasse – æøå"), ("061004", "Trivsel")):
        workspace = Workspace.open(lab, school, "Læringslab 1")
        workspace.set("noter/a", text)
        workspace.set("noter/a", text + " (rettet)")
    before = {p.relative_to(lab).as_posix(): p.read_bytes() for p in (lab / "arbejde").rglob("*.json")}
    assert len(before) == 5  # two files and one kept version each, and the sample team's file
    zip_path = lab.parent / "arkiv.zip"
    result = CliRunner().invoke(main, ["arkiver", str(lab), "--ud", str(zip_path)], prog_name="labkit")
    assert result.exit_code == 0, result.output
    assert "Arkiverede 5 filer" in result.output and "fjernet" in result.output
    with zipfile.ZipFile(zip_path) as archive:
        assert {name: archive.read(name) for name in archive.namelist()} == before
    assert not list((lab / "arbejde").rglob("*.json"))
    assert zip_path.stat().st_mode & 0o077 == 0  # the teams' texts: owner only

    again = CliRunner().invoke(main, ["arkiver", str(lab), "--ud", str(zip_path)], prog_name="labkit")
    assert again.exit_code == 2 and "ingen teamtekster" in again.output


def test_archive_keeps_the_texts_when_asked_and_never_overwrites_a_zip(lab: Path) -> None:
    Workspace.open(lab, "061001").set("noter/a", "tekst")
    zip_path = lab.parent / "arkiv.zip"
    kept = CliRunner().invoke(main, ["arkiver", str(lab), "--ud", str(zip_path), "--behold"], prog_name="labkit")
    assert kept.exit_code == 0 and "ikke fjernet" in kept.output
    assert (lab / "arbejde" / "061001.json").is_file()
    twice = CliRunner().invoke(main, ["arkiver", str(lab), "--ud", str(zip_path)], prog_name="labkit")
    assert twice.exit_code == 2 and "findes allerede" in twice.output
    assert (lab / "arbejde" / "061001.json").is_file()
