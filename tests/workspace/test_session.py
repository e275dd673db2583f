"""Getting a team started: finding the lab, picking and remembering the school, the notebooks in place."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from labkit.cli import main
from labkit.problems import LabkitError
from labkit.room.launch import LAB_NOTEBOOK_FOLDER, bundled_notebooks, jupyterlab_command, prepare_notebooks
from labkit.workspace.session import find_lab_folder, open_session


def test_lab_folder_is_found_from_the_notebook_folder(lab: Path) -> None:
    notebooks = lab / LAB_NOTEBOOK_FOLDER
    notebooks.mkdir()
    assert find_lab_folder(notebooks) == lab.resolve()
    with pytest.raises(LabkitError, match="Kan ikke finde et laboratorium"):
        find_lab_folder(lab.parent)


def test_school_choice_is_remembered_in_interactive_sessions(lab: Path) -> None:
    first = open_session(str(lab), "", interaktiv=True)
    assert first.school_id is None
    first.choose("061004")
    again = open_session(str(lab), "", interaktiv=True)
    assert again.school_id == "061004" and again.school_name == "Kirkebakkeskolen"
    # A rendering run never guesses the school from someone's last choice.
    assert open_session(str(lab), "", interaktiv=False).school_id is None


def test_papermill_integer_school_gets_its_leading_zero_back(lab: Path) -> None:
    session = open_session(str(lab), "61003", interaktiv=False)  # papermill -p skole 061003 gives 61003
    assert session.school_id == "061003"


def test_unknown_school_is_a_danish_error(lab: Path) -> None:
    with pytest.raises(LabkitError, match="Skolen »999999« er ikke med i laboratoriet"):
        open_session(str(lab), "999999", interaktiv=False)


def test_choosing_a_school_redraws_every_section(lab: Path) -> None:
    session = open_session(str(lab), "", interaktiv=False)
    drawn: list[str | None] = []
    session.on_school(lambda: drawn.append(session.school_id))
    assert drawn == []  # nothing to draw before a school is chosen
    session.choose("061001")
    session.choose("061002")
    assert drawn == ["061001", "061002"]
    assert session.workspace is not None


def test_notebooks_are_copied_once_and_never_overwritten(lab: Path) -> None:
    copied = prepare_notebooks(lab)
    assert [p.name for p in copied] == [p.name for p in bundled_notebooks()]
    assert [p.name[0] for p in copied] == ["1", "2", "3", "4", "5"]  # the team notebooks, not the handout
    adapted = copied[0]
    adapted.write_text("tilpasset af facilitatoren", encoding="utf-8")
    prepare_notebooks(lab)
    assert adapted.read_text(encoding="utf-8") == "tilpasset af facilitatoren"
    prepare_notebooks(lab, update=True)
    assert adapted.read_bytes() == bundled_notebooks()[0].read_bytes()


def test_jupyterlab_opens_the_first_notebook_in_the_lab(lab: Path) -> None:
    command = jupyterlab_command(lab, port=9999, open_browser=False)
    assert f"--ServerApp.root_dir={lab}" in command
    assert "--LabApp.default_url=/lab/tree/notesbøger/1_data_og_analyse.ipynb" in command
    assert "--ServerApp.port=9999" in command and "--ServerApp.open_browser=False" in command


def test_lab_command_refuses_a_folder_without_lab_yaml(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["lab", str(tmp_path)])
    assert result.exit_code == 2
    assert "Der er ingen lab.yaml" in result.output
    assert "Traceback" not in result.output
