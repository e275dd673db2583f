"""The team's workspace: everything a school team chooses or writes, in one JSON file per school.

`<lab>/arbejde/<school_id>.json` is the only store (widget state in a notebook is not). Every change
is written at once, atomically, under an OS file lock; the previous file is kept in `.versioner/`;
a damaged file is recovered from the newest good version; and when two tabs or two team members
change the same field at the same time, both texts are kept. The format is documented in
docs/arbejdsfil.md and read by the handout renderer. The lock is `filelock`'s: the same on Windows,
macOS and Linux.
"""

from __future__ import annotations

import copy
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from filelock import FileLock

from labkit.files import TEMPORARY_SUFFIX, replace_file, write_atomically
from labkit.problems import LabkitError
from labkit.workspace.conflicts import (
    add_conflict,
    author_of,
    changed_leaves,
    conflict_keys,
    note_saves,
    settle_conflict,
)
from labkit.workspace.document import (
    FORMAT_VERSION,
    MISSING,
    KeyPath,
    clock_text,
    document_text,
    empty_document,
    field_label,
    get_path,
    json_value,
    merge_three_way,
    now_iso,
    parse_document,
    set_path,
    shape_problems,
    split_path,
)

PRIVATE = 0o600  # a team's texts: readable by the account that runs the lab, not by other users
WORKSPACE_FOLDER = "arbejde"
VERSIONS_FOLDER = ".versioner"
KEEP_VERSIONS = 50  # every save among the newest: the last minutes of typing, keystroke by keystroke
# Older versions are thinned to one a minute for a day, then one an hour: the whole lab day stays in
# the history at a bounded size, instead of only the last 50 keystrokes (about 90 seconds of typing).
MINUTE, HOUR, DAY = 60, 3600, 86400
# Looking at every older version on each save cost 10 ms late in a lab day (410 files): the newest two
# suffice for a save, and all are looked at every so many saves.
THIN_ALL_EVERY = 50
LOCK_POLL_SECONDS = 0.002
MISSING_WORK, OLDER_WORK = "mangler", "tidligere"  # Workspace.damaged
NOT_SAVED_READ_ONLY = ("Arbejdsfilen er kun åben til læsning her, så det blev ikke gemt. "
                       "Sig det til facilitatoren.")


@dataclass(frozen=True)
class SaveResult:
    """What one save did: the file's revision now, and a Danish message when texts collided."""

    revision: int
    conflict: bool = False
    message: str | None = None


# --- the workspace -----------------------------------------------------------------------------


class Workspace:
    """One school's workspace file, as seen by one notebook (one kernel, one browser tab).

    `_document` is the file as last read or written. `_base` holds, per field, the value this
    notebook last showed or saved: a field that changed on disk since then was changed by someone
    else, even if this notebook has meanwhile pulled the new text in while saving another field.
    """

    def __init__(self, folder: Path, school_id: str, lab_name: str = "", session: str | None = None) -> None:
        self.folder = folder
        self.school_id = school_id
        self.lab_name = lab_name
        self.session = session or uuid.uuid4().hex[:8]
        self.messages: list[str] = []
        self._document: dict[str, Any] = empty_document(school_id, lab_name)
        self._base: dict[str, Any] = {}
        self.read_only = False
        # "" while the file reads well; else why what is shown is not the file: "tidligere" (a read-only
        # view shows an older good version) or "mangler" (damaged, and no version to show instead).
        self.damaged = ""

    @classmethod
    def open(cls, lab_folder: Path, school_id: str, lab_name: str = "", session: str | None = None) -> Workspace:
        """Open (or start) a school's workspace; a damaged file is recovered with a Danish message."""
        folder = Path(lab_folder) / WORKSPACE_FOLDER
        try:
            folder.mkdir(parents=True, exist_ok=True)
            workspace = cls(folder, school_id, lab_name, session)
            workspace.refresh()
        except OSError as error:  # a read-only folder or disk: the team can still see what was saved
            workspace = cls.open_read_only(lab_folder, school_id, lab_name)
            workspace.messages.append(
                f"Arbejdsfilen kan ikke gemmes i {folder} ({error.strerror or error}). I kan se det, der allerede "
                "er gemt, men nyt bliver ikke gemt. Sig det til facilitatoren.")
        return workspace

    @classmethod
    def open_read_only(cls, lab_folder: Path, school_id: str, lab_name: str = "") -> Workspace:
        """A school's saved workspace for reading only (handouts): nothing is created, locked or moved,
        so rendering works from a read-only folder and never touches the team's files. A damaged file
        is left where it is and the newest good version is read instead."""
        workspace = cls(Path(lab_folder) / WORKSPACE_FOLDER, school_id, lab_name)
        workspace.read_only = True
        workspace.refresh()
        workspace.messages += shape_problems(workspace._document["data"], workspace.path.name)
        return workspace

    @property
    def path(self) -> Path:
        return self.folder / f"{self.school_id}.json"

    @property
    def versions_folder(self) -> Path:
        return self.folder / VERSIONS_FOLDER / self.school_id

    @property
    def revision(self) -> int:
        return int(self._document["revision"])

    @property
    def saved_at(self) -> str:
        """When the newest revision was saved (ISO text), or "" before the first save."""
        return str(self._document.get("saved_at") or "") if self.revision else ""

    @property
    def data(self) -> dict[str, Any]:
        return copy.deepcopy(self._document["data"])

    @property
    def conflicts(self) -> list[dict[str, Any]]:
        return copy.deepcopy(self._document["conflicts"])

    def get(self, path: KeyPath, default: Any = None) -> Any:
        """The saved value at a key path (a copy), or `default`."""
        value = get_path(self._document["data"], split_path(path))
        return default if value is MISSING else copy.deepcopy(value)

    def refresh(self) -> bool:
        """Pull in what others have saved; True when something changed. Redraw widgets afterwards."""
        with self._locked():
            document, _ = self._read()
        changed = document["revision"] != self.revision or document["data"] != self._document["data"]
        self._document = document
        self._base = copy.deepcopy(document["data"])
        return changed

    def pull_conflicts(self) -> bool:
        """Read the open conflicts others have saved meanwhile; True when they changed. Unlike `refresh`,
        the texts this editor has seen stay the base of its next merge: a field someone else changed
        meanwhile must still come out as a conflict, never as this editor's text silently winning."""
        with self._locked():
            document, _ = self._read()
        if document["conflicts"] == self._document["conflicts"]:
            return False
        self._document = {**self._document, "conflicts": document["conflicts"]}
        return True

    def set(self, path: KeyPath, value: Any) -> SaveResult:
        """Save one value now. If someone else changed the same field meanwhile, both texts are kept."""
        if self.read_only:
            return SaveResult(self.revision, message=NOT_SAVED_READ_ONLY)
        try:
            return self._set(split_path(path), json_value(value))
        except TypeError as error:  # a section stored as a plain value: say which, keep the text on screen
            return SaveResult(self.revision, message=f"Det blev ikke gemt: {error}. Sig det til facilitatoren.")
        except OSError as error:
            return SaveResult(self.revision, message=(
                f"Det, I skrev, kunne ikke gemmes ({error.strerror or error}). Teksten står stadig på skærmen; "
                "kopiér den et andet sted hen, og sig det til facilitatoren."))

    def _set(self, keys: tuple[str, ...], ours: Any) -> SaveResult:
        with self._locked():
            disk, text = self._read()
            theirs = get_path(disk["data"], keys)
            merged, collisions = merge_three_way(get_path(self._base, keys), ours, theirs, keys)
            if merged != theirs or collisions:
                set_path(disk["data"], keys, merged)
                revision = disk["revision"] + 1
                for where, their_value, our_value in collisions:
                    add_conflict(disk, where, their_value, our_value, self.session, revision)
                note_saves(disk, changed_leaves(theirs, merged, keys), self.session, revision)
                self._save(disk, text)
        self._document = disk
        self._remember(keys, ours)
        if not collisions:
            return SaveResult(disk["revision"])
        names = " og ".join(dict.fromkeys(f"»{field_label(where)}«" for where, _, _ in collisions))
        message = (f"Et andet teammedlem har samtidig ændret {names}. Begge tekster er gemt; vælg den ene under »Konflikter«. "
                   "Jeres tekst er den, der vises nu.")
        self.messages.append(message)
        return SaveResult(disk["revision"], True, message)

    def resolve_conflict(self, index: int, keep: str) -> SaveResult:
        """Settle conflict number `index` (in `.conflicts`) by keeping "ours" or "theirs".

        A text saved in the field after the conflict is not thrown away: it becomes a new conflict.
        """
        if keep not in ("ours", "theirs"):
            raise ValueError("keep skal være 'ours' eller 'theirs'")
        if self.read_only:  # e.g. a read-only folder: the choice cannot be saved, so nothing changes
            return SaveResult(self.revision, message=NOT_SAVED_READ_ONLY)
        conflict = self.conflicts[index]
        keys = conflict_keys(conflict)
        with self._locked():
            disk, text = self._read()
            if conflict not in disk["conflicts"]:
                self._document, self._base = disk, copy.deepcopy(disk["data"])
                return SaveResult(disk["revision"], False, "Konflikten er allerede afgjort af en anden.")
            revision = disk["revision"] + 1
            chosen = settle_conflict(disk, conflict, keep, self.session, revision)
            before = get_path(disk["data"], keys)
            set_path(disk["data"], keys, chosen)
            # The field now holds the chosen text: its author is the field's author, and settling is
            # not typing (conflicts.py).
            author = author_of(conflict, keep)
            note_saves(disk, changed_leaves(before, chosen, keys), author if isinstance(author, str) else None,
                       revision, settled=True)
            self._save(disk, text)
        self._document = disk
        self._remember(keys, chosen)
        return SaveResult(disk["revision"])

    def _remember(self, keys: tuple[str, ...], value: Any) -> None:
        """Note a field's value as seen by this notebook (the base of the next three-way merge)."""
        node = self._base
        for key in keys[:-1]:
            if not isinstance(node.get(key), dict):
                node[key] = {}
            node = node[key]
        node[keys[-1]] = copy.deepcopy(value)

    # --- files ---------------------------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        # An OS lock: two kernels (two tabs, two team members) never interleave a read-modify-write.
        # A reader needs none: every write replaces the file in one step.
        if self.read_only:
            yield
            return
        # filelock polls a busy lock; a short interval keeps a second editor's save from waiting behind
        # a burst of the first one's (its default, 50 ms, is longer than a whole save).
        with FileLock(self.folder / f"{self.school_id}.lock").acquire(poll_interval=LOCK_POLL_SECONDS):
            yield

    def _save(self, document: dict[str, Any], previous_text: str | None) -> None:
        """Write the next revision; the file it replaces goes to .versioner/ first. Hold the lock."""
        if self.read_only:
            raise RuntimeError("arbejdsfilen er åbnet skrivebeskyttet (til uddelingsark)")
        self._remove_leftovers()
        if previous_text is not None:
            self._keep_version(document["revision"], previous_text)
        document.update(revision=document["revision"] + 1, saved_at=now_iso(), school_id=self.school_id,
                        lab=self.lab_name or document.get("lab") or "")
        write_atomically(self.path, document_text(document), PRIVATE)

    def _remove_leftovers(self) -> None:
        """Delete the temporary files of saves that were killed halfway (a kernel stopped mid-write).

        Every write of this school's file and versions happens under the lock, so while it is held no
        temporary file of theirs is being filled."""
        for folder, prefix in ((self.folder, f".{self.path.name}."), (self.versions_folder, ".")):
            try:
                names = os.listdir(folder)
            except FileNotFoundError:
                continue
            for name in names:
                if name.startswith(prefix) and name.endswith(TEMPORARY_SUFFIX):
                    (folder / name).unlink(missing_ok=True)

    def _versions(self) -> list[tuple[int, str]]:
        """(revision, file name) of the kept versions, oldest first."""
        try:
            names = os.listdir(self.versions_folder)
        except FileNotFoundError:
            return []
        return sorted((int(name[:-5]), name) for name in names if name.endswith(".json") and name[:-5].isdigit())

    def _keep_version(self, revision: int, text: str) -> None:
        folder = self.versions_folder
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(folder / f"{revision:06d}.json", text, mode=PRIVATE)  # the team's texts: owner only
        self._thin_versions(time.time(), everything=revision % THIN_ALL_EVERY == 0)

    def _thin_versions(self, now: float, everything: bool = True) -> None:
        """Keep the newest `KEEP_VERSIONS`; of the older ones the newest in each minute (in each hour
        after a day). When a version was saved is its file's modification time.

        Each save pushes one version out of the newest: only it and the next older one can share a
        minute, so a save looks at those two. Every `THIN_ALL_EVERY` saves all are looked at (versions
        that have turned a day old go from minutes to hours)."""
        folder, seen = self.versions_folder, set()
        older = self._versions()[:-KEEP_VERSIONS]
        for _, name in reversed(older if everything else older[-2:]):
            try:
                saved = os.stat(folder / name).st_mtime
            except FileNotFoundError:
                continue
            bucket = (MINUTE, int(saved // MINUTE)) if now - saved < DAY else (HOUR, int(saved // HOUR))
            if bucket in seen:
                (folder / name).unlink(missing_ok=True)
            seen.add(bucket)

    def _read(self) -> tuple[dict[str, Any], str | None]:
        """The document on disk and its text (None when there is no file). Hold the lock.

        A damaged file is moved aside (never deleted) and the newest good version put back.
        """
        try:
            text: str | None = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            text = None
        except UnicodeDecodeError:
            text = ""  # not UTF-8 text: damaged
        except OSError as error:
            raise LabkitError(f"Arbejdsfilen {self.path} kan ikke læses ({error.strerror}). "
                              "Facilitatoren kan tjekke mappens rettigheder.") from None
        if text is None:
            # Go on counting after any kept versions, so old versions never look newer than new ones.
            versions = self._versions()
            return empty_document(self.school_id, self.lab_name, versions[-1][0] + 1 if versions else 0), None
        document = parse_document(text)
        if document is not None:
            if document["formatversion"] > FORMAT_VERSION:
                raise LabkitError(f"Arbejdsfilen {self.path.name} er skrevet af en nyere udgave af labkit. "
                                  "Opdatér labkit, før I arbejder videre (filen er ikke ændret).")
            return document, text
        if self.read_only:
            good = self._newest_good_version()
            if good is None:
                self.damaged = MISSING_WORK
                self.messages.append(f"Teamets arbejdsfil {self.path.name} er beskadiget, og der er ingen tidligere "
                                     "version, så teamets valg og tekster mangler her. Filen er ikke ændret.")
                return empty_document(self.school_id, self.lab_name), None
            self.damaged = OLDER_WORK
            self.messages.append(f"Teamets arbejdsfil {self.path.name} er beskadiget, så her vises den seneste gode "
                                 f"version fra {clock_text(good[0].get('saved_at'))}. Filen er ikke ændret.")
            return good
        return self._recover()

    def _newest_good_version(self) -> tuple[dict[str, Any], str] | None:
        """The newest kept version that can be read, with its revision number as kept."""
        for revision, name in reversed(self._versions()):
            try:
                text = (self.versions_folder / name).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            document = parse_document(text)
            if document is not None:
                document["revision"] = max(document["revision"], revision)
                return document, document_text(document)
        return None

    def _recover(self) -> tuple[dict[str, Any], str | None]:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.school_id}.beskadiget-{stamp}.json")
        number = 1
        while aside.exists():
            number += 1
            aside = self.path.with_name(f"{self.school_id}.beskadiget-{stamp}-{number}.json")
        replace_file(self.path, aside)
        good = self._newest_good_version()
        if good is not None:
            document, text = good
            write_atomically(self.path, text, PRIVATE)
            self.messages.append(
                f"Arbejdsfilen var beskadiget. Vi har hentet den seneste gode version fra "
                f"{clock_text(document.get('saved_at'))}. Den beskadigede fil er gemt som {aside.name}.")
            return document, text
        self.messages.append(
            f"Arbejdsfilen var beskadiget, og der var ingen tidligere version at hente. Den beskadigede fil "
            f"er gemt som {aside.name}, så intet er slettet; facilitatoren kan hente teksten derfra.")
        return empty_document(self.school_id, self.lab_name), None


def read_workspace(lab_folder: Path, school_id: str) -> dict[str, Any]:
    """The saved data of a school's workspace, read only (for handouts). Empty if there is none.

    Raises `LabkitError` when the file is damaged and no older version can stand in: an output made
    from nothing would say that the team wrote nothing."""
    workspace = Workspace.open_read_only(Path(lab_folder), school_id)
    refuse_missing_work(workspace)
    return workspace.data


def refuse_missing_work(workspace: Workspace) -> None:
    """Raise `LabkitError` when the team's work cannot be read at all (see `read_workspace`)."""
    if workspace.damaged == MISSING_WORK:
        raise LabkitError(
            f"Teamets arbejdsfil {workspace.path} er beskadiget, og der er ingen tidligere version at vise i "
            "stedet. Uden den ville det se ud, som om teamet intet har skrevet, så det er ikke lavet. Filen er "
            "ikke ændret: åbn den i en teksteditor for at hente teamets tekst, eller flyt den væk for at lave "
            "det uden teamets arbejde.")
