"""Finding and reading the YAML templates a consultant edits, with Danish messages when they are wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from labkit.problems import LabkitError, display_name
from labkit.resources import bundled_folder

# The templates shipped with labkit (inside the wheel; the repository's templates/ in a checkout).
BUNDLED_TEMPLATES = bundled_folder("skabeloner")


# libyaml's loader when PyYAML has it (it reads our templates some 10× faster); the same safe subset.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """Read a YAML file; a missing or malformed file raises a Danish `LabkitError`."""
    name = display_name(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise LabkitError(f"{name}: filen findes ikke ({path}).") from None
    except UnicodeDecodeError:
        raise LabkitError(f"{name}: filen er ikke gemt som UTF-8-tekst.") from None
    try:
        return yaml.load(text, Loader=_SAFE_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (linje {mark.line + 1}, kolonne {mark.column + 1})" if mark else ""
        raise LabkitError(
            f"{name}: filen kan ikke læses som YAML{where}. Tjek indrykning, kolon og anførselstegn."
        ) from None


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
