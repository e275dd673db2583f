"""Finding and reading the YAML templates a consultant edits, with Danish messages when they are wrong."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import yaml

from labkit.problems import LabkitError, display_name
from labkit.resources import bundled_folder

# The templates shipped with labkit (inside the wheel; the repository's templates/ in a checkout).
BUNDLED_TEMPLATES = bundled_folder("skabeloner")


# libyaml's loader when PyYAML has it (it reads our templates some 10× faster); the same safe subset.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DuplicateKey(Exception):
    def __init__(self, key: object, line: int, first_line: int) -> None:
        super().__init__(key)
        self.key, self.line, self.first_line = key, line, first_line


class _StrictLoader(_SAFE_LOADER):  # type: ignore[misc, valid-type]
    """The safe loader, refusing a key written twice in one block. YAML lets the last one win, which
    silently undid settings such as `mindste_gruppe` (the privacy limit) or dropped `skoler`."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                key = self.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                if key in seen:
                    raise _DuplicateKey(key, line, seen[key])
                seen[key] = line
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


def refuse_unknown_keys(entry: Any, known: tuple[str, ...], where: str) -> None:
    """A misspelt key would silently change a setting or a verdict: name it and the key that was
    probably meant."""
    if not isinstance(entry, dict):
        return
    for key in entry:
        if str(key) not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f" Mente du »{close[0]}«?" if close else f" Kendte nøgler: {', '.join(known)}."
            raise LabkitError(f"{where}: nøglen »{key}« kendes ikke.{hint}")


def read_yaml(path: Path) -> Any:
    """Read a YAML file; a missing or malformed file raises a Danish `LabkitError`."""
    name = display_name(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise LabkitError(f"{name}: filen findes ikke ({path}).") from None
    except UnicodeDecodeError:
        raise LabkitError(f"{name}: filen er ikke gemt som UTF-8-tekst.") from None
    except IsADirectoryError:
        raise LabkitError(f"{name}: er en mappe, ikke en fil ({path}).") from None
    except OSError:  # a folder on the way that is a file, no right to read, a disk gone
        raise LabkitError(f"{name}: filen kan ikke åbnes ({path}). Tjek, at mappen findes, og at du må læse "
                          "filen.") from None
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except _DuplicateKey as duplicate:
        raise LabkitError(
            f"{name}, linje {duplicate.line}: nøglen »{duplicate.key}« står også i linje {duplicate.first_line}. "
            "Slet den ene, så det er klart, hvilken værdi der gælder."
        ) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (linje {mark.line + 1}, kolonne {mark.column + 1})" if mark else ""
        tab = "\t" in str(getattr(error, "problem", "") or "") or (mark is not None and _tab_at(text, mark.line))
        hint = " Linjen er rykket ind med tabulator: brug mellemrum." if tab else ""
        if "single document" in str(getattr(error, "context", "") or ""):
            hint = " Filen har en ekstra »---«-linje, så den er delt i to; slet linjen."
        raise LabkitError(
            f"{name}: filen kan ikke læses som YAML{where}.{hint} Tjek indrykning, kolon og anførselstegn."
        ) from None


def _tab_at(text: str, line: int) -> bool:
    """True when the line YAML stopped at (0-based) is indented with a tab: YAML forbids it."""
    lines = text.splitlines()
    return 0 <= line < len(lines) and lines[line][: len(lines[line]) - len(lines[line].lstrip())].count("\t") > 0


def require(entry: dict[str, Any], key: str, where: str) -> Any:
    """The value of a required key; a missing key raises a Danish message naming the entry."""
    if not isinstance(entry, dict):
        raise LabkitError(f"{where}: forventede en blok med nøgler, fandt »{entry}«.")
    if key not in entry or entry[key] is None or entry[key] == "":
        raise LabkitError(f"{where}: mangler nøglen »{key}«.")
    return entry[key]


def require_list(value: Any, where: str) -> list[Any]:
    """`value` as a non-empty list, or a Danish message."""
    if not isinstance(value, list) or not value:
        raise LabkitError(f"{where}: forventede en liste med mindst ét element.")
    return value
