"""The one atomic write: on Windows a replace refused while another process has the file open is tried
again for a moment; elsewhere (and after the moment) the refusal is raised, and no temporary file stays."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from labkit import files
from labkit.files import replace_file, write_atomically


def refuse_first(times: int, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """os.replace refuses the first `times` calls, as Windows does while a reader has the target open."""
    real_replace, calls = os.replace, []

    def replace(source: str | Path, target: str | Path) -> None:
        calls.append(str(target))
        if len(calls) <= times:
            raise PermissionError(13, "Adgang nægtet", str(target))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(files, "WINDOWS_REPLACE_PAUSE", 0.001)
    return calls


def test_on_windows_a_briefly_refused_replace_is_tried_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ny").write_text("ny", encoding="utf-8")
    calls = refuse_first(2, monkeypatch)
    with monkeypatch.context() as windows:  # left before any failure: pytest's report builds paths
        windows.setattr(os, "name", "nt")
        replace_file(str(tmp_path / "ny"), tmp_path / "fil.json")
    assert len(calls) == 3 and (tmp_path / "fil.json").read_text(encoding="utf-8") == "ny"


def test_off_windows_a_refused_replace_is_an_error_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = refuse_first(1, monkeypatch)
    with monkeypatch.context() as posix, pytest.raises(PermissionError):
        posix.setattr(os, "name", "posix")
        write_atomically(tmp_path / "fil.json", "tekst")
    assert len(calls) == 1 and list(tmp_path.iterdir()) == []  # the temporary file is gone too


def test_on_windows_a_file_held_open_for_good_is_an_error_after_the_moment(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    calls = refuse_first(10**9, monkeypatch)
    monkeypatch.setattr(files, "WINDOWS_REPLACE_SECONDS", 0.2)
    started = time.monotonic()
    with monkeypatch.context() as windows, pytest.raises(PermissionError):
        windows.setattr(os, "name", "nt")
        replace_file(str(tmp_path / "ny"), tmp_path / "fil.json")
    assert 0.2 <= time.monotonic() - started < 5 and len(calls) > 2
