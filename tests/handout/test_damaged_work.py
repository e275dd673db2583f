"""A team's workspace file that cannot be read: never an output that says the team wrote nothing.

Found by an adversarial review: a truncated file (a save cut off by a full disk, a hand edit) gave an
»efter« handout saying »Teamet har ikke valgt indsatsområder endnu« with exit code 0, and a file nested
100,000 levels deep gave »RecursionError« in the render summary.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from labkit.cli import main
from labkit.problems import LabkitError
from labkit.workspace.store import MISSING_WORK, OLDER_WORK, Workspace, read_workspace

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
TEAM = "061006"  # the sample lab's school with a whole day's work


@pytest.fixture
def lab(tmp_path: Path) -> Path:
    folder = tmp_path / "lab"
    shutil.copytree(SAMPLE, folder)
    return folder


def cut_off(lab: Path) -> bytes:
    """The team's file as a save cut off halfway leaves it; returns the whole file as it was."""
    path = lab / "arbejde" / f"{TEAM}.json"
    whole = path.read_bytes()
    path.write_bytes(whole[:500])
    return whole


def keep_as_version(lab: Path, whole: bytes, revision: int = 3) -> None:
    folder = lab / "arbejde" / ".versioner" / TEAM
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{revision:06d}.json").write_bytes(whole)


def test_damaged_work_without_an_older_version_is_refused_not_shown_as_nothing(lab: Path) -> None:
    cut_off(lab)
    workspace = Workspace.open_read_only(lab, TEAM)
    assert workspace.damaged == MISSING_WORK and workspace.data == {}
    with pytest.raises(LabkitError) as refused:
        read_workspace(lab, TEAM)
    message = str(refused.value)
    assert str(lab / "arbejde" / f"{TEAM}.json") in message and "beskadiget" in message
    assert "ikke ændret" in message  # and it was not: reading never moves or repairs the file
    assert (lab / "arbejde" / f"{TEAM}.json").stat().st_size == 500


def test_damaged_work_with_an_older_version_shows_that_version_and_says_so(lab: Path) -> None:
    keep_as_version(lab, cut_off(lab))
    workspace = Workspace.open_read_only(lab, TEAM)
    assert workspace.damaged == OLDER_WORK
    assert workspace.data["indsatsomraader"]["valgte"]  # the team's choices, from the version
    assert any("seneste gode version" in message for message in workspace.messages)
    assert Workspace.open_read_only(lab, "061001").damaged == ""  # a school without a file: nothing wrong


def test_a_file_nested_far_deeper_than_labkits_own_is_damaged_not_a_recursion_error(lab: Path) -> None:
    path = lab / "arbejde" / f"{TEAM}.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    deep = "[" * 100_000 + "]" * 100_000
    text = json.dumps(document, ensure_ascii=False).replace('"data": {', f'"dybt": {deep}, "data": {{', 1)
    path.write_text(text, encoding="utf-8")
    assert Workspace.open_read_only(lab, TEAM).damaged == MISSING_WORK
    shallow = {**document, "data": {**document["data"], "noter": {"a": [[[[["fem niveauer"]]]]]}}}
    path.write_text(json.dumps(shallow, ensure_ascii=False), encoding="utf-8")
    assert Workspace.open_read_only(lab, TEAM).damaged == ""  # deep enough for any team's work
    path.write_text(text, encoding="utf-8")
    opened = Workspace.open(lab, TEAM)  # a notebook: the file is put aside, never lost, and a message says so
    assert opened.damaged == "" and any("beskadiget" in message for message in opened.messages)
    assert len(list((lab / "arbejde").glob(f"{TEAM}.beskadiget-*.json"))) == 1


@pytest.mark.slow
def test_render_refuses_the_school_with_a_danish_message_and_notes_an_older_version(lab: Path) -> None:
    whole = cut_off(lab)
    refused = CliRunner().invoke(main, ["render", str(lab), "--skole", TEAM, "--udgave", "efter",
                                        "--format", "html", "--format", "docx", "--stille"])
    assert refused.exit_code == 1, refused.output
    assert f"{TEAM} Hedelundskolen: Teamets arbejdsfil {lab / 'arbejde' / f'{TEAM}.json'} er beskadiget" in refused.output
    assert "Traceback" not in refused.output and "Error" not in refused.output
    assert list((lab / "uddelingsark" / "efter").glob(f"{TEAM}_*")) == []  # no handout that says nothing was done

    keep_as_version(lab, whole)
    noted = CliRunner().invoke(main, ["render", str(lab), "--skole", TEAM, "--udgave", "efter",
                                      "--format", "html", "--stille"])
    assert noted.exit_code == 0, noted.output
    assert "Bemærk:" in noted.output and "seneste gode version" in noted.output
    handout = next((lab / "uddelingsark" / "efter").glob(f"{TEAM}_*.html")).read_text(encoding="utf-8")
    assert "seneste gode version" in handout and "Teamet har ikke valgt indsatsområder" not in handout


def test_a_value_of_the_wrong_type_is_named_not_silently_taken_for_work_not_done(lab: Path) -> None:
    """A hand-edited `"valgte": "faglig_progression"` gave a handout saying nothing was chosen."""
    for school in ("061001", "061002", "061003", "061004", "061005", TEAM):  # the sample's files are well-formed
        assert Workspace.open_read_only(lab, school).messages == [], school
    path = lab / "arbejde" / f"{TEAM}.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    data = document["data"]
    data["indsatsomraader"]["valgte"] = "faglig_progression"
    data["indsatsomraader"]["begrundelser"]["faglig_progression"] = ["en liste"]
    data["indsatsteorier"]["inkluderende_laeringsmiljoe"] = "tekst"
    data["noter"] = None  # null: as good as missing, not a problem
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    messages = Workspace.open_read_only(lab, TEAM).messages
    assert messages == [
        (f"I teamets arbejdsfil {TEAM}.json er »indsatsomraader/valgte« en tekst, men skal være en liste af id'er, "
         "så det er ikke brugt her. Filen er ikke ændret."),
        (f"I teamets arbejdsfil {TEAM}.json er »indsatsomraader/begrundelser/faglig_progression« en liste, men "
         "skal være en tekst, så det er ikke brugt her. Filen er ikke ændret."),
        (f"I teamets arbejdsfil {TEAM}.json er »indsatsteorier/inkluderende_laeringsmiljoe« en tekst, men skal "
         "være et objekt, så det er ikke brugt her. Filen er ikke ændret.")]


def test_items_of_the_choice_that_are_no_id_are_named_and_never_shown(lab: Path) -> None:
    """`"valgte": [42, {"a": 1}]` printed Python's `{'a': 1}` in the handout."""
    from labkit.analysis.candidates import chosen_areas_in

    path = lab / "arbejde" / f"{TEAM}.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    chosen = document["data"]["indsatsomraader"]["valgte"]
    document["data"]["indsatsomraader"]["valgte"] = [42, chosen[0], {"a": 1}, None]
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    workspace = Workspace.open_read_only(lab, TEAM)
    assert [area.id for area in chosen_areas_in(workspace.data, {})] == [chosen[0]]
    named = [m for m in workspace.messages if "indsatsomraader/valgte/" in m]
    assert [m.split("»")[1].split("«")[0] for m in named] == [
        "indsatsomraader/valgte/1", "indsatsomraader/valgte/3", "indsatsomraader/valgte/4"]
    assert all("skal være et id (en tekst)" in m for m in named)
    assert not any("{'a': 1}" in m or "None" in m for m in workspace.messages)


def test_check_names_a_damaged_team_file(lab: Path) -> None:
    """`check` said »data kan bruges« and nothing about a team file that render would refuse."""
    cut_off(lab)
    result = CliRunner().invoke(main, ["check", str(lab)])
    assert "Teamenes arbejdsfiler:" in result.output
    assert f"  • {TEAM} Hedelundskolen: Teamets arbejdsfil {TEAM}.json er beskadiget" in result.output
    assert (lab / "arbejde" / f"{TEAM}.json").stat().st_size == 500  # checking repairs nothing
    healthy = CliRunner().invoke(main, ["check", str(SAMPLE)])
    assert "Teamenes arbejdsfiler" not in healthy.output
