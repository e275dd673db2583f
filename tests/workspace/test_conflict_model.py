"""Many random interleavings of editors in one process, judged by the stress test's own rule.

The process-level stress test (test_stress.py) reaches a few thousand saves with real kills; here the
same kinds of steps (typing, looking at and settling conflicts, a notebook killed mid-save or idle and
started again) are interleaved at random in one process, thousands of times over, so rare orders of
saves and settlements come up. The verdict is `stress.lost_saves`: an acknowledged text is either kept
(in the field or an open conflict on it) or superseded on purpose. One order it found is in
test_conflicts.py (settling another conflict in a field is not typing over one's own text).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from labkit.workspace.store import Workspace
from tests.workspace.stress import FIELDS, LAB_NAME, SCHOOL, StressRun, lost_saves


class Editor:
    """One notebook at a time for one person, logging as `stress.run_editor` does."""

    def __init__(self, lab: Path, name: str, log: list[dict[str, Any]]) -> None:
        self.lab, self.name, self.log, self.incarnation = lab, name, log, -1
        self.start()

    def start(self) -> None:
        """Open the workspace in a new notebook (the old one was killed): the bases are the file's."""
        self.incarnation += 1
        self.workspace = Workspace.open(self.lab, SCHOOL, LAB_NAME)
        self.bases = [self.workspace.get(keys) for keys in FIELDS]
        self.log.append({"kind": "open", "incarnation": self.incarnation, "bases": self.bases})

    def type(self, index: int, value: str, killed: bool, reaches_file: bool) -> None:
        self.log.append({"kind": "try", "field": index, "value": value, "base": self.bases[index]})
        if killed:  # killed before the acknowledgement: the save may or may not have reached the file
            if reaches_file:
                self.workspace.set(FIELDS[index], value)
            self.start()
            return
        result = self.workspace.set(FIELDS[index], value)
        assert result.message is None or result.conflict, result.message
        self.log.append({"kind": "ack", "field": index, "value": value, "base": self.bases[index],
                         "conflict": result.conflict, "revision": result.revision, "seconds": 0.0})
        self.bases[index] = value

    def settle(self, rng: random.Random, killed: bool, reaches_file: bool) -> None:
        self.workspace.pull_conflicts()
        conflicts = self.workspace.conflicts
        if not conflicts:
            return
        chosen = rng.randrange(len(conflicts))
        entry, keep = conflicts[chosen], rng.choice(("ours", "theirs"))
        self.log.append({"kind": "try_resolve", "entry": entry, "keep": keep})
        if killed:
            if reaches_file:
                self.workspace.resolve_conflict(chosen, keep)
            self.start()
            return
        settled = self.workspace.resolve_conflict(chosen, keep)
        if settled.message is None:
            self.log.append({"kind": "resolved", "entry": entry, "keep": keep})
            if tuple(entry["keys"]) in FIELDS:
                self.bases[FIELDS.index(tuple(entry["keys"]))] = entry[keep]
        else:  # settled by someone else: the notebook took in the file as it is
            self.bases = [self.workspace.get(keys) for keys in FIELDS]
            self.log.append({"kind": "rebased", "bases": self.bases})


def interleave(lab: Path, seed: int, steps: int, editors: int, fields: int) -> StressRun:
    rng = random.Random(seed)
    logs: dict[str, list[dict[str, Any]]] = {}
    people = []
    for number in range(editors):
        logs[name := "abcdef"[number]] = []
        people.append(Editor(lab, name, logs[name]))
    for step in range(steps):
        editor, roll = rng.choice(people), rng.random()
        killed, reaches_file = rng.random() < 0.06, rng.random() < 0.5
        if roll < 0.03:
            editor.start()  # killed while idle (or the tab was reloaded)
        elif roll < 0.2:
            editor.settle(rng, killed, reaches_file)
        else:
            editor.type(rng.randrange(fields), f"[{editor.name}{editor.incarnation}.{step}]", killed, reaches_file)
    return StressRun(lab, logs)


@pytest.fixture
def no_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    """Writing to disk for real is the process-level test's job; here only the order of saves matters."""
    monkeypatch.setattr("os.fsync", lambda descriptor: None)


def lost_in_interleavings(lab_root: Path, seeds: range, editors: int, fields: int) -> list[tuple[int, list[Any]]]:
    """(seed, lost texts) for each interleaving that lost an acknowledged text."""
    failures = []
    for seed in seeds:
        run = interleave(lab_root / f"{editors}-{fields}-{seed}", seed, steps=150, editors=editors, fields=fields)
        verdict = lost_saves(run)
        if verdict.lost:
            failures.append((seed, [(r["field"], r["value"]) for r in verdict.lost]))
        assert not verdict.not_saved
        # The list stays within the bound docs/arbejdsfil.md gives (two per field and notebook opened),
        # never one entry per keystroke.
        notebooks = sum(r["kind"] == "open" for log in run.logs.values() for r in log)
        assert len(run.document["conflicts"]) <= 2 * fields * notebooks, seed
    return failures


# Before the fix in conflicts.py (settlements counted as typing) 2 of these 15 seeds lost a text with
# three editors and 3 with four.
@pytest.mark.parametrize("editors,fields", [(3, 2), (4, 2)])
def test_no_acknowledged_text_is_lost_in_any_order(tmp_path: Path, no_fsync: None, editors: int, fields: int) -> None:
    assert lost_in_interleavings(tmp_path, range(15), editors, fields) == []


@pytest.mark.slow
@pytest.mark.parametrize("editors,fields", [(3, 1), (3, 2), (4, 2), (5, 3)])
def test_no_acknowledged_text_is_lost_in_many_more_orders(tmp_path: Path, no_fsync: None, editors: int,
                                                          fields: int) -> None:
    assert lost_in_interleavings(tmp_path, range(15, 45), editors, fields) == []
