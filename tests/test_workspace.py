"""The team's workspace file: saved at once, restored on reopen, recovered when damaged, no text lost."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

from labkit import workspace as workspace_module
from labkit.workspace import KEEP_VERSIONS, Workspace, read_workspace

TEXT = "Eleverne i udskolingen oplever mindre ro – vi vil arbejde med fælles strukturer. Æøå!"


def test_a_change_is_on_disk_at_once_and_comes_back_on_reopen(tmp_path: Path) -> None:
    workspace = Workspace.open(tmp_path, "061001", "Læringslab 1")
    workspace.set("indsatsomraader/valgte", ["fremmoede", "klasseledelse"])
    workspace.set("indsatsteorier/fremmoede/problem", TEXT)
    raw = (tmp_path / "arbejde" / "061001.json").read_text(encoding="utf-8")
    assert "Æøå" in raw  # written as UTF-8 text, not \u escapes
    document = json.loads(raw)
    assert document["format"] == "labkit-arbejdsfil" and document["revision"] == 2
    reopened = Workspace.open(tmp_path, "061001")
    assert reopened.get("indsatsteorier/fremmoede/problem") == TEXT
    assert reopened.get("indsatsomraader/valgte") == ["fremmoede", "klasseledelse"]
    assert reopened.get("ikke/gemt", "standard") == "standard"
    assert read_workspace(tmp_path, "061001")["indsatsteorier"]["fremmoede"]["problem"] == TEXT


def test_saving_the_same_value_again_writes_nothing(tmp_path: Path) -> None:
    workspace = Workspace.open(tmp_path, "061001")
    first = workspace.set("noter/a", "x")
    again = workspace.set("noter/a", "x")
    assert first.revision == again.revision == 1


def test_damaged_file_is_recovered_from_the_last_version_and_kept(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workspace_module, "VERSION_INTERVAL_SECONDS", 0.0)
    workspace = Workspace.open(tmp_path, "061001")
    workspace.set("indsatsteorier/fremmoede/problem", TEXT)
    workspace.set("indsatsteorier/fremmoede/maalgruppe", "4.–6. klasse")  # keeps a version of the first
    path = tmp_path / "arbejde" / "061001.json"
    damaged = path.read_text(encoding="utf-8")[:57]  # a save cut off half-way
    path.write_text(damaged, encoding="utf-8")
    recovered = Workspace.open(tmp_path, "061001")
    assert recovered.get("indsatsteorier/fremmoede/problem") == TEXT
    assert recovered.messages and "beskadiget" in recovered.messages[0]
    aside = list((tmp_path / "arbejde").glob("061001.beskadiget-*.json"))
    assert len(aside) == 1 and aside[0].read_text(encoding="utf-8") == damaged
    assert aside[0].name in recovered.messages[0]


def test_only_the_newest_versions_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workspace_module, "VERSION_INTERVAL_SECONDS", 0.0)
    workspace = Workspace.open(tmp_path, "061001")
    for number in range(KEEP_VERSIONS + 10):
        workspace.set("noter/tæller", number)
    versions = sorted((tmp_path / "arbejde" / ".versioner" / "061001").glob("*.json"))
    assert len(versions) == KEEP_VERSIONS
    assert json.loads(versions[-1].read_text(encoding="utf-8"))["data"]["noter"]["tæller"] == KEEP_VERSIONS + 8


def test_two_tabs_editing_different_fields_keep_both(tmp_path: Path) -> None:
    tab_a = Workspace.open(tmp_path, "061001")
    tab_b = Workspace.open(tmp_path, "061001")
    tab_a.set("indsatsteorier/fremmoede/problem", TEXT)
    result = tab_b.set("indsatsteorier/fremmoede/maalgruppe", "Udskolingen")
    assert not result.conflict
    final = Workspace.open(tmp_path, "061001")
    assert final.get("indsatsteorier/fremmoede/problem") == TEXT
    assert final.get("indsatsteorier/fremmoede/maalgruppe") == "Udskolingen"


def test_two_tabs_editing_the_same_field_lose_neither_text(tmp_path: Path) -> None:
    tab_a = Workspace.open(tmp_path, "061001", session="fane-a")
    tab_b = Workspace.open(tmp_path, "061001", session="fane-b")
    tab_a.set("indsatsteorier/fremmoede/problem", "Tekst fra fane A")
    result = tab_b.set("indsatsteorier/fremmoede/problem", "Tekst fra fane B")
    assert result.conflict and result.message and "Begge tekster er gemt" in result.message
    document = json.loads((tmp_path / "arbejde" / "061001.json").read_text(encoding="utf-8"))
    assert document["data"]["indsatsteorier"]["fremmoede"]["problem"] == "Tekst fra fane B"
    assert document["conflicts"] == [{"path": "indsatsteorier/fremmoede/problem", "theirs": "Tekst fra fane A",
                                      "ours": "Tekst fra fane B", "saved_at": document["conflicts"][0]["saved_at"],
                                      "session": "fane-b"}]
    # After settling it, the chosen text stays and the conflict is gone.
    tab_b.resolve_conflict(0, keep="theirs")
    settled = Workspace.open(tmp_path, "061001")
    assert settled.get("indsatsteorier/fremmoede/problem") == "Tekst fra fane A" and settled.conflicts == []


def _hammer(args: tuple[str, str, int]) -> None:
    folder, field, count = args
    workspace = Workspace.open(Path(folder), "061001")
    for number in range(count):
        workspace.set(f"noter/{field}", f"{field}-{number}")


def test_two_processes_saving_at_once_keep_every_last_value(tmp_path: Path) -> None:
    jobs = [(str(tmp_path), "a", 50), (str(tmp_path), "b", 50)]
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        pool.map(_hammer, jobs)
    final = Workspace.open(tmp_path, "061001")
    assert final.get("noter") == {"a": "a-49", "b": "b-49"}
    assert final.revision == 100
    assert final.conflicts == []
