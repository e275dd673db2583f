"""The team's workspace: everything a school team chooses or writes, in one JSON file per school.

`<lab>/arbejde/<school_id>.json` is the only store (widget state in a notebook is not). Every change
is written at once, atomically, under a file lock; earlier versions are kept in `.versioner/`; a
damaged file is recovered from the newest good version; and when two tabs or two team members
change the same field at the same time, both texts are kept. The format is documented in
docs/arbejdsfil.md and read by the handout renderer.
"""

from __future__ import annotations

import copy
import fcntl
import json
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

WORKSPACE_FOLDER = "arbejde"
VERSIONS_FOLDER = ".versioner"
FORMAT = "labkit-arbejdsfil"
FORMAT_VERSION = 1
KEEP_VERSIONS = 50
# A version is kept at most this often while a team types (every keystroke is saved to the file).
VERSION_INTERVAL_SECONDS = 60.0

Path_ = str | tuple[str, ...]
_MISSING = object()


@dataclass(frozen=True)
class SaveResult:
    revision: int
    conflict: bool = False
    message: str | None = None


def _keys(path: Path_) -> tuple[str, ...]:
    keys = tuple(path.split("/")) if isinstance(path, str) else tuple(path)
    if not keys or any(not k for k in keys):
        raise ValueError(f"ugyldig sti i arbejdsfilen: {path!r}")
    return keys


def get_path(data: dict[str, Any], keys: tuple[str, ...], default: Any = _MISSING) -> Any:
    node: Any = data
    for key in keys:
        if not isinstance(node, dict) or key not in node:
            return default
        node = node[key]
    return node


def set_path(data: dict[str, Any], keys: tuple[str, ...], value: Any) -> None:
    node = data
    for key in keys[:-1]:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[keys[-1]] = value


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def empty_document(school_id: str, lab_name: str) -> dict[str, Any]:
    return {"format": FORMAT, "formatversion": FORMAT_VERSION, "school_id": school_id, "lab": lab_name,
            "revision": 0, "saved_at": None, "data": {}, "conflicts": []}


def is_valid_document(document: Any) -> bool:
    return (isinstance(document, dict) and document.get("format") == FORMAT
            and isinstance(document.get("revision"), int) and isinstance(document.get("data"), dict))


def _read_document(path: Path) -> dict[str, Any] | None:
    """The parsed file, or None when it is missing or damaged."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return document if is_valid_document(document) else None


def _write_atomically(path: Path, document: dict[str, Any]) -> None:
    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _format_time(iso: str | None) -> str:
    if not iso:
        return "et tidligere tidspunkt"
    try:
        moment = datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return iso
    return f"kl. {moment:%H.%M} den {moment:%d.%m.%Y}"


@dataclass
class Workspace:
    """One school's workspace file, as seen by one notebook (one kernel, one browser tab)."""

    folder: Path
    school_id: str
    lab_name: str = ""
    session: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    messages: list[str] = field(default_factory=list)
    _base: dict[str, Any] = field(default_factory=dict)  # the document as last read or written

    @property
    def path(self) -> Path:
        return self.folder / f"{self.school_id}.json"

    @property
    def versions_folder(self) -> Path:
        return self.folder / VERSIONS_FOLDER / self.school_id

    @classmethod
    def open(cls, lab_folder: Path, school_id: str, lab_name: str = "", session: str | None = None) -> Workspace:
        """Open (or start) a school's workspace; a damaged file is recovered with a Danish message."""
        folder = Path(lab_folder) / WORKSPACE_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        workspace = cls(folder, school_id, lab_name, **({"session": session} if session else {}))
        with workspace._locked():
            workspace._base = workspace._load_or_recover()
        return workspace

    @property
    def revision(self) -> int:
        return int(self._base.get("revision", 0))

    @property
    def data(self) -> dict[str, Any]:
        return copy.deepcopy(self._base.get("data", {}))

    @property
    def conflicts(self) -> list[dict[str, Any]]:
        return copy.deepcopy(self._base.get("conflicts", []))

    def get(self, path: Path_, default: Any = None) -> Any:
        value = get_path(self._base.get("data", {}), _keys(path))
        return default if value is _MISSING else copy.deepcopy(value)

    def refresh(self) -> None:
        """Pull in what others have saved since this notebook last read the file."""
        with self._locked():
            self._base = self._load_or_recover()

    def set(self, path: Path_, value: Any) -> SaveResult:
        """Save one value now. If someone else changed the same field meanwhile, both are kept."""
        keys = _keys(path)
        value = copy.deepcopy(value)
        with self._locked():
            disk = self._load_or_recover()
            conflict = None
            if disk.get("revision") != self._base.get("revision"):
                theirs = get_path(disk["data"], keys)
                base = get_path(self._base.get("data", {}), keys)
                if theirs != base and theirs != value:
                    conflict = {"path": "/".join(keys), "theirs": None if theirs is _MISSING else theirs,
                                "ours": value, "saved_at": _now(), "session": self.session}
            if get_path(disk["data"], keys) == value and conflict is None:
                self._base = disk  # nothing to write (e.g. a widget re-sent its value)
                return SaveResult(disk["revision"])
            document = copy.deepcopy(disk)
            set_path(document["data"], keys, value)
            if conflict:
                document.setdefault("conflicts", []).append(conflict)
            document.update(revision=disk["revision"] + 1, saved_at=_now(), school_id=self.school_id,
                            lab=self.lab_name or disk.get("lab", ""))
            self._keep_version()
            _write_atomically(self.path, document)
            self._base = document
        if conflict:
            return SaveResult(document["revision"], True,
                              f"Et andet teammedlem har samtidig ændret »{keys[-1]}«. Begge tekster er gemt "
                              "i arbejdsfilen; jeres er den, der vises nu. Tal sammen om, hvilken I vil beholde.")
        return SaveResult(document["revision"])

    def resolve_conflict(self, index: int, keep: str) -> SaveResult:
        """Settle a recorded conflict by keeping "ours" or "theirs"; the conflict is then removed."""
        if keep not in ("ours", "theirs"):
            raise ValueError("keep skal være 'ours' eller 'theirs'")
        conflict = self.conflicts[index]
        result = self.set(conflict["path"], conflict[keep])
        with self._locked():
            document = self._load_or_recover()
            remaining = [c for c in document.get("conflicts", []) if c != conflict]
            if remaining != document.get("conflicts", []):
                document.update(conflicts=remaining, revision=document["revision"] + 1, saved_at=_now())
                _write_atomically(self.path, document)
            self._base = document
        return SaveResult(self.revision, False, result.message)

    # --- files ---------------------------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        # An OS lock: two kernels (two tabs, two team members) never interleave a read-modify-write.
        with open(self.folder / f"{self.school_id}.lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _versions(self) -> list[Path]:
        return sorted(self.versions_folder.glob("*.json"))

    def _keep_version(self) -> None:
        """Copy the current file into .versioner/ (at most once a minute), keeping the newest 50."""
        if not self.path.exists():
            return
        versions = self._versions()
        if versions and time.time() - versions[-1].stat().st_mtime < VERSION_INTERVAL_SECONDS:
            return
        self.versions_folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        (self.versions_folder / f"{stamp}.json").write_bytes(self.path.read_bytes())
        for old in self._versions()[:-KEEP_VERSIONS]:
            old.unlink(missing_ok=True)

    def _load_or_recover(self) -> dict[str, Any]:
        if not self.path.exists():
            return empty_document(self.school_id, self.lab_name)
        document = _read_document(self.path)
        if document is not None:
            return document
        # Damaged: keep the damaged file (it may hold the team's newest words) and recover.
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.school_id}.beskadiget-{stamp}.json")
        os.replace(self.path, aside)
        for version in reversed(self._versions()):
            recovered = _read_document(version)
            if recovered is not None:
                _write_atomically(self.path, recovered)
                self.messages.append(
                    f"Arbejdsfilen var beskadiget. Vi har hentet den seneste gode version fra "
                    f"{_format_time(recovered.get('saved_at'))}. Den beskadigede fil er gemt som {aside.name}.")
                return recovered
        self.messages.append(
            f"Arbejdsfilen var beskadiget, og der var ingen tidligere version. Den beskadigede fil er gemt "
            f"som {aside.name}, så intet er slettet; facilitatoren kan hente teksten derfra.")
        return empty_document(self.school_id, self.lab_name)


def read_workspace(lab_folder: Path, school_id: str) -> dict[str, Any]:
    """The saved data of a school's workspace (read-only; for handouts). Empty when there is none."""
    document = _read_document(Path(lab_folder) / WORKSPACE_FOLDER / f"{school_id}.json")
    return document["data"] if document else {}
