"""The workspace document as data: its format, key paths, the three-way merge of two saves, and
the Danish names of its fields. Pure functions; `labkit.workspace.store` does the file work."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from labkit.data.indsatsteori import (
    ACTIVITIES_LABEL,
    ASSUMPTIONS_LABEL,
    DATA_BASIS,
    EVALUATION,
    EVALUATION_LABEL,
    FIELDS,
    RESULTS_LABEL,
    SIGNS_LABEL,
    evaluation_label,
)

FORMAT = "labkit-arbejdsfil"


FORMAT_VERSION = 1


# Danish names of the theory's fields, for messages that name the field two people changed.
FIELD_LABELS = {
    **{field.key: field.label for field in (*FIELDS, DATA_BASIS)},
    "aktiviteter": ACTIVITIES_LABEL, "resultater": RESULTS_LABEL, "indikatorer": SIGNS_LABEL,
    "tidligere_antagelser": ASSUMPTIONS_LABEL,
    "evaluering": EVALUATION_LABEL, **{key: evaluation_label(label) for key, label in EVALUATION},
    "valgte": "Valgte indsatsområder", "begrundelser": "Begrundelse", "vigtighed": "Vigtighed",
    "data": "Data", "indflydelse": "Indflydelse", "enig": "Enig/uenig", "kommentar": "Kommentar",
}


KeyPath = str | tuple[str, ...]


MISSING: Any = object()


def split_path(path: KeyPath) -> tuple[str, ...]:
    """`"indsatsteorier/trivsel/problem"` or a tuple → the keys; a tuple allows keys holding "/"."""
    keys = tuple(path.split("/")) if isinstance(path, str) else tuple(path)
    if not keys or any(not isinstance(k, str) or not k for k in keys):
        raise ValueError(f"ugyldig sti i arbejdsfilen: {path!r}")
    return keys


def get_path(data: Any, keys: tuple[str, ...], default: Any = MISSING) -> Any:
    node = data
    for key in keys:
        if not isinstance(node, dict) or key not in node:
            return default
        node = node[key]
    return node


def set_path(data: dict[str, Any], keys: tuple[str, ...], value: Any) -> None:
    """Set a value, creating sections on the way; a TypeError rather than overwrite a value with a section."""
    node = data
    for depth, key in enumerate(keys[:-1]):
        child = node.setdefault(key, {})
        if not isinstance(child, dict):
            raise TypeError(f"»{'/'.join(keys[:depth + 1])}« i arbejdsfilen er en værdi, ikke en sektion")
        node = child
    node[keys[-1]] = value


def field_label(keys: tuple[str, ...]) -> str:
    """The Danish name of a field for messages, e.g. »Problem« for indsatsteorier/trivsel/problem."""
    for key in reversed(keys[-2:]):
        if key in FIELD_LABELS:
            return FIELD_LABELS[key]
    return keys[-1]


Collision = tuple[tuple[str, ...], Any, Any]  # (keys, theirs, ours)


def _blank(value: Any) -> bool:
    return value is MISSING or value is None or value in ("", [], {})


def _same(a: Any, b: Any) -> bool:
    """Equal, counting an absent field as equal to an empty one (a widget shows both as empty)."""
    return a == b or (_blank(a) and _blank(b))


def merge_three_way(base: Any, ours: Any, theirs: Any, keys: tuple[str, ...]) -> tuple[Any, list[Collision]]:
    """Merge our new value at `keys` with what is on disk (theirs), leaf by leaf, against our base.

    Sections (dicts) are merged key by key: a leaf we did not change takes theirs. The value we
    are setting is ours, so on a leaf both changed, ours wins and the pair is reported as a
    collision for the caller to keep. Lists are leaves. `MISSING` stands for an absent key.
    """
    if isinstance(ours, dict) and isinstance(theirs, dict):
        base_dict = base if isinstance(base, dict) else {}
        merged: dict[str, Any] = {}
        collisions: list[Collision] = []
        for key in [*ours, *(k for k in theirs if k not in ours)]:
            b, o, t = base_dict.get(key, MISSING), ours.get(key, MISSING), theirs.get(key, MISSING)
            found: list[Collision] = []
            if _same(o, b):  # a leaf we did not change: theirs, unless they have nothing there
                value = o if t is MISSING else t
            else:
                value, found = merge_three_way(b, o, t, (*keys, key))
            if value is not MISSING:
                merged[key] = value
            collisions += found
        return merged, collisions
    if _same(theirs, base) or _same(theirs, ours):
        return ours, []
    return ours, [(keys, theirs, ours)]


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def empty_document(school_id: str, lab_name: str, revision: int = 0) -> dict[str, Any]:
    return {"format": FORMAT, "formatversion": FORMAT_VERSION, "school_id": school_id, "lab": lab_name,
            "revision": revision, "saved_at": None, "data": {}, "conflicts": []}


def is_valid_document(document: Any) -> bool:
    return (isinstance(document, dict) and document.get("format") == FORMAT
            and isinstance(document.get("formatversion"), int)
            and isinstance(document.get("revision"), int) and not isinstance(document.get("revision"), bool)
            and isinstance(document.get("data"), dict) and isinstance(document.get("conflicts", []), list))


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def document_text(document: dict[str, Any]) -> str:
    """The file's text: top-level keys in the documented order, `data` sorted, UTF-8 letters kept."""
    ordered = {key: document.get(key) for key in empty_document("", "")}
    ordered["data"] = _sorted(ordered["data"])
    ordered["conflicts"] = document.get("conflicts") or []
    ordered.update((key, value) for key, value in document.items() if key not in ordered)  # kept, not dropped
    return json.dumps(ordered, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


# labkit's own documents nest about eight levels deep; a file nested far deeper was not written by it,
# and copying or merging it would exhaust Python's recursion limit.
MAX_DEPTH = 64


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether `value` nests more than `limit` levels of lists and objects (without recursion)."""
    level: list[Any] = [value]
    for _ in range(limit):
        level = [child for node in level if isinstance(node, (dict, list))
                 for child in (node.values() if isinstance(node, dict) else node)]
        if not level:
            return False
    return any(isinstance(node, (dict, list)) for node in level)


def parse_document(text: str) -> dict[str, Any] | None:
    """The document in a workspace file's text, or None when it is damaged (or not labkit's)."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested thousands deep
        return None
    if not is_valid_document(document) or _deeper_than(document, MAX_DEPTH):
        return None
    document.setdefault("conflicts", [])
    return document


def clock_text(iso: str | None) -> str:
    """`kl. 10.42` (today) or `kl. 10.42 den 21.11.2026`, in local time."""
    try:
        moment = datetime.fromisoformat(iso or "").astimezone()
    except (TypeError, ValueError):  # a damaged file may hold anything, a number among them
        return "et tidligere tidspunkt"
    today = datetime.now().astimezone().date()
    return f"kl. {moment:%H.%M}" + ("" if moment.date() == today else f" den {moment:%d.%m.%Y}")


def or_none(value: Any) -> Any:
    return None if value is MISSING else value


def json_value(value: Any) -> Any:
    """A copy of the value as the file will hold it (tuples become lists); refuses NaN and objects."""
    try:
        return json.loads(json.dumps(value, ensure_ascii=False, allow_nan=False))
    except (TypeError, ValueError) as error:
        raise ValueError(f"kan ikke gemme {value!r} i arbejdsfilen: {error}") from None


# The shapes docs/arbejdsfil.md gives the sections readers rely on: path -> (type, Danish name). "*" is
# every key at that level. A value of another type is not used by readers (they tolerate anything);
# `shape_problems` says so, so that a hand-edited file never silently looks like work not done.
SHAPES: dict[tuple[str, ...], tuple[type, str]] = {
    ("indsatsomraader",): (dict, "et objekt"),
    ("indsatsomraader", "valgte"): (list, "en liste af id'er"),
    ("indsatsomraader", "valgte", "*"): (str, "et id (en tekst)"),
    ("indsatsomraader", "begrundelser"): (dict, "et objekt"),
    ("indsatsomraader", "begrundelser", "*"): (str, "en tekst"),
    ("indsatsomraader", "vurderinger"): (dict, "et objekt"),
    ("indsatsomraader", "vurderinger", "*"): (dict, "et objekt"),
    ("plf_modenhed",): (dict, "et objekt"),
    ("plf_modenhed", "teams"): (list, "en liste"),
    ("indsatsteorier",): (dict, "et objekt"),
    ("indsatsteorier", "*"): (dict, "et objekt"),
    ("datasummary",): (dict, "et objekt"),
    ("noter",): (dict, "et objekt"),
    ("opfoelgning",): (dict, "et objekt"),
    ("historik",): (dict, "et objekt"),
}
TYPE_NAMES = {str: "en tekst", list: "en liste", dict: "et objekt", bool: "sand/falsk", int: "et tal",
              float: "et tal", type(None): "tom (null)"}


def shape_problems(data: dict[str, Any], file_name: str) -> list[str]:
    """Danish messages for the values in `data` whose type is not the documented one (`SHAPES`)."""
    problems = []
    for path, (expected, name) in SHAPES.items():
        for keys, value in _at(data, path):
            if value is not MISSING and not isinstance(value, expected) and (value is not None or path[-1] == "*"):
                problems.append(f"I teamets arbejdsfil {file_name} er »{'/'.join(keys)}« {TYPE_NAMES.get(type(value), 'noget andet')}, "
                                f"men skal være {name}, så det er ikke brugt her. Filen er ikke ændret.")
    return problems


def _at(node: Any, path: tuple[str, ...], walked: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """(keys, value) for every place `path` names in `node` ("*": each key), MISSING where absent."""
    if not path:
        return [(walked, node)]
    head, rest = path[0], path[1:]
    if isinstance(node, list) and head == "*":  # each item, named by its number from 1
        return [found for number, item in enumerate(node, 1) for found in _at(item, rest, (*walked, str(number)))]
    if not isinstance(node, dict):
        return []  # the parent's own type is reported at its own path
    keys = list(node) if head == "*" else [head]
    return [found for key in keys for found in _at(node.get(key, MISSING), rest, (*walked, key))]
