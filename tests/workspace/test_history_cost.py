"""A save late in a lab day costs what one early in the day does: it looks at the two versions at the
edge of the newest 50, not at every version kept (410 after six hours: 10 ms a save)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from labkit.workspace import store
from labkit.workspace.store import KEEP_VERSIONS, THIN_ALL_EVERY, Workspace
from tests.workspace.stress import SCHOOL, a_day_of_history


def test_a_save_late_in_the_day_looks_at_two_old_versions_not_all(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    folder = a_day_of_history(tmp_path)
    workspace = Workspace.open(tmp_path, SCHOOL)
    assert workspace.revision % THIN_ALL_EVERY != 0
    looked_at: list[str] = []
    real_stat = os.stat

    def stat(path: object, *args: object, **kwargs: object) -> os.stat_result:
        if str(path).startswith(str(folder)) and str(path).endswith(".json"):
            looked_at.append(str(path))
        return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store.os, "stat", stat)
    workspace.set("noter/tekst", "en sen ændring")
    monkeypatch.undo()
    assert len(looked_at) <= 2, len(looked_at)
    for number in range(2 * THIN_ALL_EVERY):  # a full look now and then: still one a minute, bounded
        workspace.set("noter/tekst", f"ændring {number}")
    times = sorted(path.stat().st_mtime for path in folder.glob("*.json"))[:-KEEP_VERSIONS]
    assert len({int(t // 60) for t in times}) == len(times) <= 6 * 60 + 2
