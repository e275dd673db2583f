"""The team's workspace file: saved at once, restored on reopen, recovered when damaged, no text lost."""

from __future__ import annotations

import json
import multiprocessing
import os
import statistics
import time
import types
from pathlib import Path
from typing import Any

import pytest

import labkit.files
from labkit.data.indsatsteori import Indsatsteori, Tegn, indicator_source
from labkit.problems import LabkitError
from labkit.workspace.store import KEEP_VERSIONS, Workspace, read_workspace
from tests.conftest import file_tree, os_reporting_windows

SCHOOL = "061001"
PROBLEM = "Eleverne i udskolingen oplever mindre ro – færre siger, at de kan koncentrere sig i timerne. Æøå!"
PROBLEM_PATH = "indsatsteorier/klasseledelse/problem"


def main_file(lab: Path) -> Path:
    return lab / "arbejde" / f"{SCHOOL}.json"


def on_disk(lab: Path) -> dict[str, Any]:
    return json.loads(main_file(lab).read_text(encoding="utf-8"))


def realistic_theory(number: int) -> dict[str, Any]:
    """A fully written indsatsteori, as a team ends the day with it (first written in labkit's first
    model, then migrated: the shape every theory saved today has)."""
    return Indsatsteori.from_dict({
        "focus_area": {"id": f"omraade-{number}", "title": "Ro, struktur og klasseledelse"},
        "problem": "Ro og orden på mellemtrinnet er faldet tre år i træk og ligger under kommunens niveau. " * 2,
        "data_grundlag": ["ro_orden", "klasseledelse"],
        "maalgruppe": "Elever og lærere i 4.–6. klasse",
        "langsigtet_maal": "Alle elever på mellemtrinnet oplever ro til at lære.",
        "aktiviteter": ["Fælles struktur for start og slut på timerne", "Kollegial sparring i årgangsteams",
                        "Læringsvejlederen observerer og giver feedback"],
        "ressourcer": ["2 timer om måneden i teammøder", "Læsevejleder og AKT-vejleder"],
        "kortsigtede_resultater": ["Lærerne bruger den fælles struktur", "Færre afbrydelser i overgange"],
        "mellemlange_resultater": ["Eleverne kender og følger rutinerne"],
        "langsigtede_resultater": ["Bedre faglig og social trivsel"],
        "antagelser": {"aktiviteter_til_kortsigtede": "Når lærerne planlægger sammen, bliver strukturen en vane.",
                       "kortsigtede_til_mellemlange": "Genkendelige rutiner giver tryghed og mindsker uro.",
                       "mellemlange_til_langsigtede": "Ro i timerne giver plads til læring og styrker trivslen."},
        "kontekst": "Ny skoleleder fra august; to nye lærere på mellemtrinnet.",
        "indikatorer": [Tegn("Ro og orden, mellemtrin", indicator_source("ro_orden", "Mellemtrin"), "3,5",
                             "2024/2025", "4,0", "2026/2027", "langsigtede").to_dict(),
                        Tegn("Timer med fælles start", "egen observation", "", "", "80 %", "marts",
                             "kortsigtede").to_dict()],
    }).to_dict()


def realistic_data() -> dict[str, Any]:
    """A whole day's work: ratings of 20 candidates, 3 theories, 25 answered statements, notes."""
    return {
        "indsatsomraader": {
            "vurderinger": {f"kandidat-{i}": {"vigtighed": 1 + i % 5, "data": 2, "indflydelse": 4} for i in range(20)},
            "valgte": ["omraade-1", "omraade-2", "omraade-3"],
            "begrundelser": {f"omraade-{i}": "Det viser både trivselsmålingen og interviewene. " * 3
                             for i in range(1, 4)},
        },
        "indsatsteorier": {f"omraade-{i}": realistic_theory(i) for i in range(1, 4)},
        "datasummary": {f"udsagn-{i}": {"enig": "enig", "kommentar": "Det kan vi genkende fra gangene."}
                        for i in range(25)},
        "noter": {"dagens aftaler": "Vi mødes igen i januar og ser på fraværstallene. " * 5},
    }


def test_a_change_is_on_disk_at_once_and_comes_back_on_reopen(tmp_path: Path) -> None:
    workspace = Workspace.open(tmp_path, SCHOOL, "Læringslab 1")
    assert workspace.revision == 0 and workspace.data == {} and workspace.messages == []
    workspace.set("indsatsomraader/valgte", ["klasseledelse", "fremmoede"])
    result = workspace.set(PROBLEM_PATH, PROBLEM)
    assert result.revision == 2 and not result.conflict
    raw = main_file(tmp_path).read_text(encoding="utf-8")
    assert "Æøå" in raw and "\\u00e6" not in raw  # UTF-8 text, not escapes
    document = json.loads(raw)
    assert list(document) == ["format", "formatversion", "school_id", "lab", "revision", "saved_at", "data",
                              "conflicts", "recent_saves"]
    assert document["recent_saves"][-1] == {"keys": PROBLEM_PATH.split("/"), "session": workspace.session, "revision": 2}
    assert (document["format"], document["formatversion"], document["school_id"], document["lab"],
            document["revision"], document["conflicts"]) == ("labkit-arbejdsfil", 1, SCHOOL, "Læringslab 1", 2, [])
    assert document["saved_at"].endswith("+00:00")  # ISO 8601 in UTC
    reopened = Workspace.open(tmp_path, SCHOOL)
    assert reopened.get(PROBLEM_PATH) == PROBLEM
    assert reopened.get(("indsatsomraader", "valgte")) == ["klasseledelse", "fremmoede"]
    assert reopened.get("indsatsteorier/klasseledelse/kontekst", "") == ""
    assert read_workspace(tmp_path, SCHOOL)["indsatsteorier"]["klasseledelse"]["problem"] == PROBLEM
    assert read_workspace(tmp_path, "999999") == {}


def test_values_handed_out_are_copies(tmp_path: Path) -> None:
    workspace = Workspace.open(tmp_path, SCHOOL)
    chosen = ["klasseledelse"]
    workspace.set("indsatsomraader/valgte", chosen)
    chosen.append("ændret bagefter")
    workspace.get("indsatsomraader/valgte").append("ændret i en kopi")
    workspace.data["indsatsomraader"]["valgte"].append("også en kopi")
    assert workspace.get("indsatsomraader/valgte") == ["klasseledelse"]


def test_saving_the_same_value_again_writes_nothing(tmp_path: Path) -> None:
    workspace = Workspace.open(tmp_path, SCHOOL)
    first = workspace.set("noter/aftaler", "Vi mødes i januar")
    again = workspace.set("noter/aftaler", "Vi mødes i januar")
    assert first.revision == again.revision == 1


def test_a_theory_round_trips_through_the_file(tmp_path: Path) -> None:
    theory = realistic_theory(1)
    Workspace.open(tmp_path, SCHOOL).set("indsatsteorier/omraade-1", theory)
    stored = Workspace.open(tmp_path, SCHOOL).get("indsatsteorier/omraade-1")
    assert Indsatsteori.from_dict(stored) == Indsatsteori.from_dict(theory)


def test_bad_paths_and_values_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    workspace = Workspace.open(tmp_path, SCHOOL)
    workspace.set("noter/aftaler", "tekst")
    for path in ("", "noter//x"):
        with pytest.raises(ValueError):
            workspace.set(path, "x")
    refused = workspace.set("noter/aftaler/under", "x")  # the team's text is not replaced by a section
    assert refused.message and "ikke gemt" in refused.message
    with pytest.raises(ValueError):
        workspace.set("noter/tal", float("nan"))
    assert on_disk(tmp_path)["revision"] == 1 and workspace.get("noter") == {"aftaler": "tekst"}
    workspace.set(("datasummary", "udvikling/ro_orden"), {"enig": "enig", "kommentar": ""})  # a key with "/"
    assert Workspace.open(tmp_path, SCHOOL).get(("datasummary", "udvikling/ro_orden"))["enig"] == "enig"


def test_a_missing_file_starts_empty(tmp_path: Path) -> None:
    Workspace.open(tmp_path, SCHOOL).set("noter/a", "første")
    main_file(tmp_path).unlink()
    workspace = Workspace.open(tmp_path, SCHOOL)
    assert workspace.data == {} and workspace.messages == []
    workspace.set("noter/a", "igen")
    assert on_disk(tmp_path)["data"] == {"noter": {"a": "igen"}}


@pytest.mark.parametrize("damage", ["truncated", "not json", "wrong format"])
def test_a_damaged_file_is_recovered_from_the_last_version_and_kept(tmp_path: Path, damage: str) -> None:
    workspace = Workspace.open(tmp_path, SCHOOL)
    workspace.set(PROBLEM_PATH, PROBLEM)
    workspace.set("indsatsteorier/klasseledelse/maalgruppe", "4.–6. klasse")  # keeps a version of the first
    text = main_file(tmp_path).read_text(encoding="utf-8")
    damaged = {"truncated": text[: len(text) // 2],  # a save cut off half-way
               "not json": "\x00\x00\x00",
               "wrong format": json.dumps({"format": "noget andet", "data": {}})}[damage]
    main_file(tmp_path).write_text(damaged, encoding="utf-8")

    recovered = Workspace.open(tmp_path, SCHOOL)
    assert recovered.get(PROBLEM_PATH) == PROBLEM
    aside = list((tmp_path / "arbejde").glob(f"{SCHOOL}.beskadiget-*.json"))
    assert len(aside) == 1 and aside[0].read_text(encoding="utf-8") == damaged  # nothing the team wrote is deleted
    [message] = recovered.messages
    assert message.startswith("Arbejdsfilen var beskadiget. Vi har hentet den seneste gode version fra kl. ")
    assert f"Den beskadigede fil er gemt som {aside[0].name}." in message
    assert on_disk(tmp_path)["data"]["indsatsteorier"]["klasseledelse"]["problem"] == PROBLEM  # repaired on disk
    recovered.set("indsatsteorier/klasseledelse/maalgruppe", "Mellemtrinnet")
    assert Workspace.open(tmp_path, SCHOOL).messages == []


def test_a_damaged_file_without_versions_is_kept_and_the_team_told(tmp_path: Path) -> None:
    main_file(tmp_path).parent.mkdir(parents=True)
    main_file(tmp_path).write_text('{"format": "labkit-arbejdsfil", "data": {"noter": {"a": "halv', encoding="utf-8")
    workspace = Workspace.open(tmp_path, SCHOOL)
    assert workspace.data == {}
    assert "ingen tidligere version" in workspace.messages[0] and "intet er slettet" in workspace.messages[0]
    assert len(list((tmp_path / "arbejde").glob(f"{SCHOOL}.beskadiget-*.json"))) == 1


def test_a_reader_creates_locks_and_moves_nothing(tmp_path: Path) -> None:
    """Handouts read the team's work: no folder, lock file or repair may appear from reading."""
    reader = Workspace.open_read_only(tmp_path, SCHOOL)
    assert reader.data == {} and not (tmp_path / "arbejde").exists()
    assert read_workspace(tmp_path, SCHOOL) == {} and not (tmp_path / "arbejde").exists()

    workspace = Workspace.open(tmp_path, SCHOOL)
    workspace.set(PROBLEM_PATH, PROBLEM)
    workspace.set("indsatsteorier/klasseledelse/maalgruppe", "4.–6. klasse")
    for lock in (tmp_path / "arbejde").glob("*.lock"):
        lock.unlink()
    main_file(tmp_path).write_text(main_file(tmp_path).read_text(encoding="utf-8")[:40], encoding="utf-8")
    before = file_tree(tmp_path)

    reader = Workspace.open_read_only(tmp_path, SCHOOL)
    assert reader.get(PROBLEM_PATH) == PROBLEM  # the newest good version, read from .versioner/
    [message] = reader.messages  # the handout shows it, so nobody takes an older version for the newest
    assert "er beskadiget, så her vises den seneste gode version fra kl. " in message
    assert message.endswith("Filen er ikke ændret.")
    assert read_workspace(tmp_path, SCHOOL)["indsatsteorier"]["klasseledelse"]["problem"] == PROBLEM
    assert file_tree(tmp_path) == before  # the damaged file is still there, untouched, and nothing was added
    refused = reader.set("noter/a", "må ikke gemmes")
    assert refused.message and "ikke gemt" in refused.message
    assert file_tree(tmp_path) == before
    assert file_tree(tmp_path) == before


def test_a_file_from_a_newer_labkit_is_left_alone(tmp_path: Path) -> None:
    main_file(tmp_path).parent.mkdir(parents=True)
    newer = json.dumps({"format": "labkit-arbejdsfil", "formatversion": 2, "revision": 3, "data": {}, "conflicts": []})
    main_file(tmp_path).write_text(newer, encoding="utf-8")
    with pytest.raises(LabkitError, match="nyere udgave af labkit"):
        Workspace.open(tmp_path, SCHOOL)
    assert main_file(tmp_path).read_text(encoding="utf-8") == newer


def test_keys_this_labkit_does_not_know_are_kept(tmp_path: Path) -> None:
    Workspace.open(tmp_path, SCHOOL).set("noter/a", "første")
    document = on_disk(tmp_path)
    document["tilføjet_senere"] = {"eksempel": "æøå"}
    main_file(tmp_path).write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    Workspace.open(tmp_path, SCHOOL).set("noter/a", "anden")
    assert on_disk(tmp_path)["tilføjet_senere"] == {"eksempel": "æøå"}


def test_each_save_keeps_the_previous_file_and_the_newest_50_all(tmp_path: Path) -> None:
    workspace = Workspace.open(tmp_path, SCHOOL)
    for number in range(1, KEEP_VERSIONS + 11):
        workspace.set("noter/tæller", number)
    versions = sorted((tmp_path / "arbejde" / ".versioner" / SCHOOL).glob("*.json"))
    # The newest 50 all; the ten older ones were saved within the same minute, so one of them stays.
    assert len(versions) == KEEP_VERSIONS + 1
    assert versions[0].name == "000009.json" and versions[1].name == "000010.json"
    assert versions[-1].name == "000059.json"
    newest = json.loads(versions[-1].read_text(encoding="utf-8"))
    assert newest["revision"] == 59 and newest["data"]["noter"]["tæller"] == 59
    assert on_disk(tmp_path)["data"]["noter"]["tæller"] == 60


def test_the_history_covers_the_whole_day_one_version_a_minute(tmp_path: Path) -> None:
    """An hour of typing last week and three hours today, a save every 20 seconds: the newest 50 saves
    stay, and of the older ones
    the last of every minute (of every hour for last week's lab): the history reaches back to the
    morning at a bounded size instead of only the last 90 seconds."""
    workspace = Workspace.open(tmp_path, SCHOOL)
    folder = tmp_path / "arbejde" / ".versioner" / SCHOOL
    start = time.time() - 3 * 3600
    last_week = start - 7 * 86400
    for number in range(180 + 540):
        workspace.set("noter/tekst", f"udkast {number} æøå")
        newest = max(folder.glob("*.json"), default=None)
        if newest is not None:  # the version just kept: as if saved at its place in the day
            when = last_week + number * 20 if number < 180 else start + (number - 180) * 20
            os.utime(newest, (when, when))
    versions = sorted(folder.glob("*.json"))
    times = [v.stat().st_mtime for v in versions]
    older = times[:-KEEP_VERSIONS]
    today = [t for t in older if t >= start]
    week = [t for t in older if t < start]
    assert len({int(t // 60) for t in today}) == len(today)  # at most one a minute today
    assert len({int(t // 3600) for t in week}) == len(week) <= 2  # an hour of typing last week: one an hour
    assert min(today) < start + 3600  # the history reaches back to the first hour of the day
    assert len(versions) < KEEP_VERSIONS + 3 * 60 + 3
    text = json.loads(versions[0].read_text(encoding="utf-8"))["data"]["noter"]["tekst"]
    assert text.startswith("udkast ") and text.endswith("æøå")


# Names only one platform has: used directly, they fail with AttributeError on the other (getattr/hasattr is fine).
PLATFORM_ONLY = {
    "os": {"geteuid", "getuid", "getgid", "getpgid", "killpg", "setsid", "setpgrp", "fork", "getppid", "chown",
           "mkfifo", "getloadavg", "startfile"},
    "signal": {"SIGHUP", "SIGKILL", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGCHLD", "SIGPIPE", "SIGBREAK",
               "CTRL_C_EVENT", "CTRL_BREAK_EVENT", "alarm", "pause", "setitimer", "siginterrupt"},
    "subprocess": {"CREATE_NEW_PROCESS_GROUP", "CREATE_NO_WINDOW", "STARTUPINFO"},
}


def test_no_module_uses_a_posix_only_lock_and_the_lock_is_filelocks() -> None:
    """labkit runs on Windows laptops too: no fcntl, the workspace lock is the portable one, and names
    only one platform has (os.geteuid, signal.SIGHUP, signal.CTRL_BREAK_EVENT …) are looked up guarded."""
    import ast

    import filelock

    from labkit.workspace import store

    assert store.FileLock is filelock.FileLock  # filelock's choice for the platform: WindowsFileLock on Windows
    package = Path(__file__).resolve().parents[2] / "labkit"
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        names |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        assert not names & {"fcntl", "msvcrt", "pwd", "grp", "termios"}, path
        direct = {f"{node.value.id}.{node.attr}" for node in ast.walk(tree) if isinstance(node, ast.Attribute)
                  and isinstance(node.value, ast.Name) and node.attr in PLATFORM_ONLY.get(node.value.id, ())}
        direct |= {f"{node.module}.{alias.name}" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                   for alias in node.names if alias.name in PLATFORM_ONLY.get(node.module or "", ())}
        assert not direct, (path, direct)


@pytest.mark.parametrize("platform", ["nt", "posix"])
def test_a_save_refused_while_a_reader_has_the_file_open_lands_on_windows(
        platform: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows refuses to replace a file another process has open (a handout being rendered reads without
    the lock); reported as Windows, the save is tried again and the text is there on reopen."""
    workspace = Workspace.open(tmp_path, SCHOOL)
    workspace.set(PROBLEM_PATH, "Første udkast")
    refused: list[str] = []

    def replace(source: str | Path, target: str | Path) -> None:
        if Path(target) == main_file(tmp_path) and len(refused) < 2:  # the reader closes the file after a moment
            refused.append(str(target))
            raise PermissionError(13, "Adgang nægtet", str(target))
        os.replace(source, target)

    reported = os_reporting_windows() if platform == "nt" else types.SimpleNamespace(**{**vars(os), "name": "posix"})
    reported.replace = replace
    monkeypatch.setattr(labkit.files, "os", reported)
    monkeypatch.setattr(labkit.files, "WINDOWS_REPLACE_PAUSE", 0.001)
    result = workspace.set(PROBLEM_PATH, PROBLEM)
    monkeypatch.undo()
    reopened = Workspace.open(tmp_path, SCHOOL)
    if platform == "nt":
        assert result.message is None and len(refused) == 2
        assert reopened.get(PROBLEM_PATH) == PROBLEM and reopened.revision == 2
    else:  # elsewhere a refusal is a real error: the team is told, the file keeps the last saved text
        assert result.message and result.message.startswith("Det, I skrev, kunne ikke gemmes")
        assert reopened.get(PROBLEM_PATH) == "Første udkast"
    assert not [p for p in main_file(tmp_path).parent.iterdir() if p.name.endswith(".tmp")]


def test_two_tabs_editing_different_fields_keep_both(tmp_path: Path) -> None:
    tab_a = Workspace.open(tmp_path, SCHOOL)
    tab_b = Workspace.open(tmp_path, SCHOOL)
    tab_a.set(PROBLEM_PATH, PROBLEM)
    result = tab_b.set("indsatsteorier/klasseledelse/maalgruppe", "Udskolingen")
    assert not result.conflict and result.revision == 2
    assert tab_b.get(PROBLEM_PATH) == PROBLEM  # the other tab's text came along
    final = Workspace.open(tmp_path, SCHOOL)
    assert final.get(PROBLEM_PATH) == PROBLEM and final.get("indsatsteorier/klasseledelse/maalgruppe") == "Udskolingen"
    assert final.conflicts == []


def test_two_tabs_editing_the_same_field_lose_neither_text(tmp_path: Path) -> None:
    tab_a = Workspace.open(tmp_path, SCHOOL, session="fane-a")
    tab_b = Workspace.open(tmp_path, SCHOOL, session="fane-b")
    tab_a.set(PROBLEM_PATH, "Uro i overgangene – skrevet i fane A")
    result = tab_b.set(PROBLEM_PATH, "Mange afbrydelser – skrevet i fane B")
    assert result.conflict and result.message
    assert result.message.startswith("Et andet teammedlem har samtidig ændret »Problem«. Begge tekster er gemt")
    assert tab_b.messages == [result.message]
    document = on_disk(tmp_path)
    assert document["data"]["indsatsteorier"]["klasseledelse"]["problem"] == "Mange afbrydelser – skrevet i fane B"
    assert document["conflicts"] == [{"path": PROBLEM_PATH, "keys": PROBLEM_PATH.split("/"), "theirs": "Uro i overgangene – skrevet i fane A",
                                      "ours": "Mange afbrydelser – skrevet i fane B",
                                      "saved_at": document["conflicts"][0]["saved_at"], "session": "fane-b",
                                      "revision": 2, "theirs_session": "fane-a"}]
    # After settling it, the chosen text stays and the conflict is gone.
    assert not tab_b.resolve_conflict(0, keep="theirs").conflict
    settled = Workspace.open(tmp_path, SCHOOL)
    assert settled.get(PROBLEM_PATH) == "Uro i overgangene – skrevet i fane A" and settled.conflicts == []


def test_a_field_changed_elsewhere_is_not_overwritten_by_a_stale_widget(tmp_path: Path) -> None:
    """Tab B pulls A's new problem text in while saving another field, but its problem box still shows
    the old text: when B's user then types in the problem box, A's text must not silently vanish."""
    Workspace.open(tmp_path, SCHOOL).set(PROBLEM_PATH, "Første udkast")
    tab_a = Workspace.open(tmp_path, SCHOOL)
    tab_b = Workspace.open(tmp_path, SCHOOL)
    tab_a.set(PROBLEM_PATH, "Andet udkast fra fane A")
    tab_b.set("indsatsteorier/klasseledelse/maalgruppe", "Udskolingen")
    result = tab_b.set(PROBLEM_PATH, "Første udkast, rettet i fane B")
    assert result.conflict
    [conflict] = Workspace.open(tmp_path, SCHOOL).conflicts
    assert (conflict["theirs"], conflict["ours"]) == ("Andet udkast fra fane A", "Første udkast, rettet i fane B")
    # Once B has seen the file again (refresh), its next change is an ordinary save.
    assert tab_b.refresh() is False
    assert not tab_b.set(PROBLEM_PATH, "Fælles tekst").conflict


def test_a_section_saved_whole_is_merged_field_by_field(tmp_path: Path) -> None:
    """The data summary saves {"enig", "kommentar"} together: what one tab did not touch is not a change."""
    tab_a = Workspace.open(tmp_path, SCHOOL)
    tab_b = Workspace.open(tmp_path, SCHOOL)
    tab_a.set("datasummary/udsagn-1", {"enig": "enig", "kommentar": ""})
    assert not tab_b.set("datasummary/udsagn-1", {"enig": "", "kommentar": "Det passer med vores oplevelse"}).conflict
    assert Workspace.open(tmp_path, SCHOOL).get("datasummary/udsagn-1") == {
        "enig": "enig", "kommentar": "Det passer med vores oplevelse"}
    tab_a.set("datasummary/udsagn-1", {"enig": "uenig", "kommentar": ""})  # A's comment box still shows ""
    assert Workspace.open(tmp_path, SCHOOL).get("datasummary/udsagn-1") == {
        "enig": "uenig", "kommentar": "Det passer med vores oplevelse"}
    result = tab_a.set("datasummary/udsagn-1", {"enig": "uenig", "kommentar": "Vi ser det anderledes"})
    assert result.conflict and result.message and "»Kommentar«" in result.message
    final = Workspace.open(tmp_path, SCHOOL)
    assert final.get("datasummary/udsagn-1") == {"enig": "uenig", "kommentar": "Vi ser det anderledes"}
    assert [(c["path"], c["theirs"]) for c in final.conflicts] == [
        ("datasummary/udsagn-1/kommentar", "Det passer med vores oplevelse")]


def test_refresh_pulls_in_what_others_saved(tmp_path: Path) -> None:
    mine = Workspace.open(tmp_path, SCHOOL)
    Workspace.open(tmp_path, SCHOOL).set("indsatsomraader/valgte", ["fremmoede"])
    assert mine.get("indsatsomraader/valgte") is None
    assert mine.refresh() is True and mine.get("indsatsomraader/valgte") == ["fremmoede"] and mine.revision == 1


def test_resolving_keeps_a_text_written_after_the_conflict(tmp_path: Path) -> None:
    tab_a = Workspace.open(tmp_path, SCHOOL, session="fane-a")
    tab_b = Workspace.open(tmp_path, SCHOOL, session="fane-b")
    tab_a.set(PROBLEM_PATH, "A")
    tab_b.set(PROBLEM_PATH, "B")
    Workspace.open(tmp_path, SCHOOL, session="fane-c").set(PROBLEM_PATH, "C, skrevet bagefter")
    tab_b.resolve_conflict(0, keep="ours")
    final = Workspace.open(tmp_path, SCHOOL)
    assert final.get(PROBLEM_PATH) == "B"
    assert [(c["theirs"], c["ours"]) for c in final.conflicts] == [("C, skrevet bagefter", "B")]
    with pytest.raises(ValueError):
        final.resolve_conflict(0, keep="begge")


def _hammer(folder: str, field: str, count: int, start: Any, revisions: Any) -> None:
    workspace = Workspace.open(Path(folder), SCHOOL, session=field)
    start.wait()  # both processes begin saving at the same moment
    saved = []
    for n in range(count):
        saved.append(workspace.set(f"noter/{field}", f"{field}-{n}").revision)
        time.sleep(0.003)  # a typist's pause: on a busy machine one process could otherwise finish first
    revisions.put((field, saved))


def test_two_processes_saving_at_once_keep_every_last_value(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")  # two real processes, like two kernels on one server
    start, revisions = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_hammer, args=(str(tmp_path), field, 50, start, revisions))
               for field in ("lærer", "leder")]
    for worker in workers:
        worker.start()
    seen = dict(revisions.get(timeout=60) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    final = Workspace.open(tmp_path, SCHOOL)
    assert final.get("noter") == {"lærer": "lærer-49", "leder": "leder-49"}
    assert final.revision == 100 and final.conflicts == []
    assert sorted(seen["lærer"] + seen["leder"]) == list(range(1, 101))  # every save got its own revision
    assert seen["lærer"] != list(range(seen["lærer"][0], seen["lærer"][0] + 50))  # they really interleaved


def test_a_save_on_a_realistic_file_is_cheap(tmp_path: Path) -> None:
    workspace = Workspace.open(tmp_path, SCHOOL, "Læringslab 1")
    for key, value in realistic_data().items():
        workspace.set(key, value)
    assert main_file(tmp_path).stat().st_size > 10_000  # about 13 KB
    timings = []
    for number in range(20):
        start = time.perf_counter()
        workspace.set("indsatsteorier/omraade-2/problem", f"Fraværet er steget {number} år i træk – æøå")
        timings.append(time.perf_counter() - start)
    assert statistics.median(timings) < 0.05


def test_a_teams_file_is_private_to_the_account_running_the_lab(tmp_path: Path) -> None:
    workspace = Workspace.open(tmp_path, "061004", "Læringslab 1")
    workspace.set("indsatsomraader/valgte", ["klasseledelse"])
    assert workspace.path.stat().st_mode & 0o777 == 0o600


def test_a_read_only_workspace_folder_still_shows_what_was_saved(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A read-only `arbejde/` (or disk): opening the team's work shows what is saved with a Danish
    message, and a save says it was not saved instead of raising in the widget's callback."""
    Workspace.open(tmp_path, SCHOOL).set("noter/a", "gemt før")

    class ReadOnlyLock:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def acquire(self, *args: object, **kwargs: object) -> object:
            raise PermissionError(13, "Ingen adgang")

    monkeypatch.setattr("labkit.workspace.store.FileLock", ReadOnlyLock)
    workspace = Workspace.open(tmp_path, SCHOOL)
    assert workspace.read_only and workspace.get("noter/a") == "gemt før"
    assert any("kan ikke gemmes" in m and "Ingen adgang" in m for m in workspace.messages)
    result = workspace.set("noter/a", "nyt")
    assert result.message and "ikke gemt" in result.message
    assert on_disk(tmp_path)["data"]["noter"]["a"] == "gemt før"


def test_a_save_into_a_section_stored_as_a_value_says_so(tmp_path: Path) -> None:
    workspace = Workspace.open(tmp_path, SCHOOL)
    workspace.set("noter", "en tekst, ikke en sektion")
    result = workspace.set("noter/a/b", "æøå")
    assert result.message and "ikke gemt" in result.message and "»noter" in result.message


def test_a_failing_disk_is_a_danish_message_not_a_lost_keystroke(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = Workspace.open(tmp_path, SCHOOL)

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "Der er ikke mere plads på enheden")

    monkeypatch.setattr("labkit.workspace.store.write_atomically", full_disk)
    result = workspace.set("noter/a", "vigtig tekst")
    assert result.message and "kunne ikke gemmes" in result.message and "ikke mere plads" in result.message


def test_a_damaged_file_whose_newest_version_has_a_numeric_time_is_recovered(tmp_path: Path) -> None:
    workspace = Workspace.open(tmp_path, SCHOOL)
    workspace.set("noter/a", "første")
    workspace.set("noter/a", "anden")
    version = max((tmp_path / "arbejde" / ".versioner" / SCHOOL).glob("*.json"))
    document = json.loads(version.read_text(encoding="utf-8"))
    document["saved_at"] = 1733212345
    version.write_text(json.dumps(document), encoding="utf-8")
    main_file(tmp_path).write_text("{ødelagt", encoding="utf-8")
    recovered = Workspace.open(tmp_path, SCHOOL)
    assert recovered.get("noter/a") == "første"
    assert any("et tidligere tidspunkt" in message for message in recovered.messages)


def test_resolving_a_conflict_in_a_key_with_a_slash_sets_that_key(tmp_path: Path) -> None:
    """A lab named "Læringslab 1/2" keeps its follow-up under a key with "/": resolving a conflict there
    sets that very field (it wrote to a stray path and kept the other text)."""
    path = ("opfoelgning", "Læringslab 1/2", "noter")
    tab_a = Workspace.open(tmp_path, SCHOOL, session="fane-a")
    tab_b = Workspace.open(tmp_path, SCHOOL, session="fane-b")
    tab_a.set(path, "A's noter")
    assert tab_b.set(path, "B's noter").conflict
    tab_b.resolve_conflict(0, keep="theirs")
    final = Workspace.open(tmp_path, SCHOOL)
    assert final.get(path) == "A's noter" and final.conflicts == []
    assert final.get(("opfoelgning", "Læringslab 1")) is None  # no stray section


def test_two_people_typing_in_one_field_keep_one_conflict_each_not_one_per_keystroke(tmp_path: Path) -> None:
    """Two editors type in the same field in turns, keystroke by keystroke: the workspace keeps one open
    conflict per editor with the latest texts (it kept one per keystroke: 599 for 600), and neither
    person's last text is lost."""
    tab_a = Workspace.open(tmp_path, SCHOOL, session="fane-a")
    tab_b = Workspace.open(tmp_path, SCHOOL, session="fane-b")
    text_a = text_b = ""
    for letter in "Uro i timerne efter frikvarteret":
        text_a += letter
        tab_a.set(PROBLEM_PATH, text_a)
        text_b += letter.upper()
        tab_b.set(PROBLEM_PATH, text_b)
    final = Workspace.open(tmp_path, SCHOOL)
    assert len(final.conflicts) <= 2
    kept = {final.get(PROBLEM_PATH), *(c["theirs"] for c in final.conflicts), *(c["ours"] for c in final.conflicts)}
    assert {text_a, text_b} <= kept
    size = sum(p.stat().st_size for p in (tmp_path / "arbejde").rglob("*.json"))
    assert size < 200_000, size


def test_settling_a_conflict_in_a_read_only_workspace_says_so(tmp_path: Path) -> None:
    tab_a = Workspace.open(tmp_path, SCHOOL, session="fane-a")
    tab_b = Workspace.open(tmp_path, SCHOOL, session="fane-b")
    tab_a.set(PROBLEM_PATH, "A")
    assert tab_b.set(PROBLEM_PATH, "B").conflict
    reader = Workspace.open_read_only(tmp_path, SCHOOL)
    result = reader.resolve_conflict(0, keep="ours")
    assert result.message and "ikke gemt" in result.message
    assert Workspace.open(tmp_path, SCHOOL).conflicts  # nothing settled


def test_pulling_conflicts_shows_others_conflicts_but_keeps_the_base_of_the_next_merge(tmp_path: Path) -> None:
    """The conflict list of an open page follows the file, without making a stale field win silently."""
    first = Workspace.open(tmp_path, SCHOOL, session="første")
    second = Workspace.open(tmp_path, SCHOOL, session="anden")
    third = Workspace.open(tmp_path, SCHOOL, session="tredje")
    first.set(PROBLEM_PATH, "Den første tekst")
    second.set(PROBLEM_PATH, "Den anden tekst")  # a conflict, saved by the second
    assert not third.conflicts
    assert third.pull_conflicts() and len(third.conflicts) == 1
    assert not third.pull_conflicts()  # nothing new the next time
    # The third has not seen either text in the field: its own text must become a conflict, not win.
    result = third.set(PROBLEM_PATH, "Den tredje tekst")
    assert result.conflict
    saved = Workspace.open(tmp_path, SCHOOL)
    texts = {saved.get(PROBLEM_PATH), *(c["theirs"] for c in saved.conflicts), *(c["ours"] for c in saved.conflicts)}
    assert {"Den første tekst", "Den anden tekst", "Den tredje tekst"} <= texts
