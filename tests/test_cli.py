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
