"""The command line speaks Danish, click's own words included (issue 13): usage lines, option lists and
the errors a facilitator meets when a command is mistyped."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from labkit.cli import main

ENGLISH = re.compile(r"\b(Usage|Options|Commands|Error|Missing|No such|Show this|Try '|is not one of|INTEGER|PATH|"
                     r"TEXT|LAB_FOLDER|FOLDER)\b")


@pytest.mark.parametrize("arguments", [
    ["--help"], ["check", "--help"], ["new", "--help"], ["lab", "--help"], ["render", "--help"],
    ["new"], ["tjek"], ["check", "--bogus"], ["render", "x", "--format", "pfd"], ["render", "x", "--processer", "0"],
    ["lab", "x", "--port", "ni"],
])
def test_help_and_usage_errors_are_danish(arguments: list[str]) -> None:
    result = CliRunner().invoke(main, arguments, prog_name="labkit")
    output = result.output
    assert output.strip()
    assert not ENGLISH.search(output), output
    if arguments[-1] != "--help":
        assert result.exit_code == 2 and "FEJL:" in output and "Brug: labkit" in output


def test_a_mistyped_command_is_named() -> None:
    output = CliRunner().invoke(main, ["rendr"], prog_name="labkit").output
    assert "Kommandoen 'rendr' findes ikke." in output and "Mente du 'render'?" in output


@pytest.mark.parametrize("command", ["lab", "serve"])
def test_a_lab_folder_labkit_cannot_write_in_is_a_danish_message(command: str, lab, monkeypatch) -> None:
    """`labkit lab` copies the notebooks and settings, `labkit serve` the pages, codes and access cards
    into the lab: a read-only or full folder is said in Danish, never a traceback (as root, chmod
    cannot refuse a write, so the file system's refusal is played)."""
    import errno

    import labkit.files

    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(lab / ".labkit"))

    monkeypatch.setattr(labkit.files.tempfile, "mkstemp", refused)
    monkeypatch.setattr(labkit.files.os, "replace", refused)
    result = CliRunner().invoke(main, [command, str(lab), *(["--ingen-browser"] if command == "lab" else
                                                            ["--port", "8899", "--ip", "127.0.0.1"])],
                                catch_exceptions=False)
    assert result.exit_code == 2, result.output
    assert result.output.startswith("FEJL: ") and str(lab) in result.output, result.output
    assert "ingen adgang" in result.output or "du må skrive i mappen" in result.output, result.output
    assert "Permission denied" not in result.output and "Traceback" not in result.output
