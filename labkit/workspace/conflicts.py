"""The open conflicts of a workspace and who saved what lately: pure functions on the document.

Rules (docs/arbejdsfil.md, »Samtidige ændringer«):
- One open conflict per field and editor (session), kept up to date while two people type in the same
  field: an editor's newer conflict on a field replaces its older one.
- Replacing an entry never drops a text that is nowhere else. A text of the older entry may go only when
  it is still kept in the field or another entry, or when its author has typed in the field since (their
  newer text stands for it; the editor now saving counts). Otherwise the older entry stays.
- To know a text's author, the document keeps the newest saves (`recent_saves`: field, session and
  revision, at most `RECENT_SAVES`); a conflict names the authors of its texts (`theirs_session`, and
  `session` or, after a settlement, `ours_session`). An author no longer listed counts as unknown: the
  text is then kept.
- Settling a conflict writes somebody's text, not a new one: it is recorded with that text's author
  and marked `settled`, so it never counts as its author (or the person settling) typing again.
"""

from __future__ import annotations

from typing import Any

from labkit.workspace.document import MISSING, get_path, now_iso, or_none, split_path

# Collisions need two editors at work at the same moment: the last few dozen saves name every author
# that can matter, and the list stays small (about 3 KB).
RECENT_SAVES = 32

Keys = tuple[str, ...]


def conflict_keys(conflict: dict[str, Any]) -> Keys:
    """The exact keys of a conflict's field (older files without `keys`: read from `path`)."""
    exact = conflict.get("keys")
    if isinstance(exact, list) and exact and all(isinstance(k, str) and k for k in exact):
        return tuple(exact)
    return split_path(conflict["path"])


def changed_leaves(before: Any, after: Any, keys: Keys) -> list[Keys]:
    """The key paths under `keys` whose value differs between two versions (lists are leaves)."""
    if isinstance(before, dict) and isinstance(after, dict):
        found: list[Keys] = []
        for key in [*after, *(k for k in before if k not in after)]:
            found += changed_leaves(before.get(key, MISSING), after.get(key, MISSING), (*keys, key))
        return found
    return [] if before == after else [keys]


def note_saves(document: dict[str, Any], fields: list[Keys], session: str | None, revision: int,
               settled: bool = False) -> None:
    """Record that `session` wrote these fields in `revision` (typed, or `settled`: a settlement put its
    text back; `session` is then that text's author, None if unknown); the oldest go past `RECENT_SAVES`."""
    recent = [r for r in _recent(document)
              if tuple(r["keys"]) not in fields or r["session"] != session or bool(r.get("settled")) != settled]
    recent += [{"keys": list(keys), "session": session, "revision": revision, **({"settled": True} if settled else {})}
               for keys in fields[-RECENT_SAVES:]]
    document["recent_saves"] = recent[-RECENT_SAVES:]


def _recent(document: dict[str, Any]) -> list[dict[str, Any]]:
    records = document.get("recent_saves")
    return [r for r in records if isinstance(r, dict) and isinstance(r.get("keys"), list)
            and (isinstance(r.get("session"), str) or (r.get("settled") is True and r.get("session") is None))
            and isinstance(r.get("revision"), int)] \
        if isinstance(records, list) else []


def _author(document: dict[str, Any], keys: Keys) -> str | None:
    """The author of the field's text: the session that last wrote the field (or a section holding it
    whole), if among the recent saves; None when unknown."""
    for record in reversed(_recent(document)):
        saved = tuple(record["keys"])
        if saved == keys[:len(saved)]:
            return record["session"]  # type: ignore[no-any-return]
    return None


def _saved_since(document: dict[str, Any], keys: Keys, session: object, revision: object) -> bool:
    """Whether `session` has typed in the field after `revision` (False when unknown; settlements do not count)."""
    if not isinstance(session, str) or not isinstance(revision, int):
        return False
    return any(r["session"] == session and r["revision"] > revision and not r.get("settled")
               and tuple(r["keys"]) == keys[:len(r["keys"])] for r in _recent(document))


def author_of(conflict: dict[str, Any], side: str) -> object:
    """Who wrote a conflict's `theirs` or `ours` text (None or absent when unknown)."""
    if side == "theirs":
        return conflict.get("theirs_session")
    return conflict.get("ours_session", conflict.get("session"))


def add_conflict(document: dict[str, Any], keys: Keys, theirs: Any, ours: Any, session: str, revision: int) -> None:
    """Keep both texts of a collision on `keys`: `ours` is now in the field, `theirs` was there before.

    Call before `note_saves` for this save, so the author of `theirs` is still the field's last saver.
    """
    conflicts: list[dict[str, Any]] = document["conflicts"]
    # "keys" is exact (a key may hold "/", e.g. a lab named "Læringslab 1/2"); "path" is for reading.
    entry = {"path": "/".join(keys), "keys": list(keys), "theirs": or_none(theirs), "ours": or_none(ours),
             "saved_at": now_iso(), "session": session, "revision": revision,
             "theirs_session": _author(document, keys)}
    own = [c for c in conflicts if c.get("session") == session and conflict_keys(c) == keys]
    others = [c for c in conflicts if c not in own]
    elsewhere = [get_path(document["data"], keys), entry["theirs"], entry["ours"],
                 *(text for c in others if conflict_keys(c) == keys for text in (c.get("theirs"), c.get("ours")))]

    def safe_without(conflict: dict[str, Any]) -> bool:
        # Both texts are checked: after a settlement `ours` is the chosen text, not this editor's.
        return all(conflict.get(side) in elsewhere or author_of(conflict, side) == session
                   or _saved_since(document, keys, author_of(conflict, side), conflict.get("revision"))
                   for side in ("theirs", "ours"))

    # An editor's older entry goes only when the texts in it are safe without it.
    kept = [c for c in own if not safe_without(c)]
    updated: list[dict[str, Any]] = []
    for conflict in conflicts:  # the new entry takes the place of the one it replaces: the list stays in order
        if conflict in own and conflict not in kept:
            if entry not in updated:
                updated.append(entry)
        else:
            updated.append(conflict)
    if entry not in updated:
        updated.append(entry)
    document["conflicts"] = updated


def settle_conflict(document: dict[str, Any], conflict: dict[str, Any], keep: str, session: str, revision: int) -> Any:
    """Remove `conflict` and return the chosen text; a text saved in the field since becomes a new conflict."""
    keys = conflict_keys(conflict)
    chosen = conflict[keep]
    document["conflicts"].remove(conflict)
    current = get_path(document["data"], keys)
    if current is not MISSING and current not in (conflict["ours"], conflict["theirs"], chosen):
        document["conflicts"].append({
            "path": conflict["path"], "keys": list(keys), "theirs": current, "ours": chosen, "saved_at": now_iso(),
            "session": session, "revision": revision, "theirs_session": _author(document, keys),
            "ours_session": author_of(conflict, keep)})
    return chosen
