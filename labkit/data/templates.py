"""Finding and reading the YAML templates a consultant edits, with Danish messages when they are wrong."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import yaml

from labkit.problems import LabkitError, display_name
from labkit.resources import bundled_folder

# The templates shipped with labkit (inside the wheel; the repository's templates/ in a checkout).
BUNDLED_TEMPLATES = bundled_folder("skabeloner")


# libyaml's loader when PyYAML has it (it reads our templates some 10× faster); the same safe subset.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


INT_TAG = "tag:yaml.org,2002:int"
# What YAML 1.1 also reads as a whole number: 010 (octal: 8), 0x0A, 0b1010, 1_0.
_OTHER_INT_TAG = "tag:labkit,2025:other-int"
_DECIMAL_INT = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
# YAML 1.1's whole numbers (PyYAML's int resolver); only those in plain decimal digits are let through.
_OTHER_INT = re.compile(r"^[-+]?(0b[0-1_]+|0[0-7_]+|(0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+)$")


class _DuplicateKey(Exception):
    def __init__(self, key: object, line: int, first_line: int) -> None:
        super().__init__(key)
        self.key, self.line, self.first_line = key, line, first_line


class _NotDecimal(Exception):
    """A number YAML 1.1 would read in another base or with separators; `key` when it is a mapping value."""

    def __init__(self, text: str, line: int, key: object = None) -> None:
        super().__init__(text)
        self.text, self.line, self.key = text, line, key


class YamlMap(dict):  # type: ignore[type-arg]
    """A YAML block as a dict, knowing the line (from 1) each key was written on (`lines`)."""

    lines: dict[Any, int]


class YamlList(list):  # type: ignore[type-arg]
    """A YAML list, knowing the line (from 1) each item was written on (`lines`)."""

    lines: list[int]


def line_of(container: object, key: object) -> int | None:
    """The line (from 1) `container[key]` was written on in its YAML file, when it came from one."""
    lines = getattr(container, "lines", None)
    if isinstance(lines, dict):
        return lines.get(key)
    if isinstance(lines, list) and isinstance(key, int) and 0 <= key < len(lines):
        return lines[key]
    return None


def at_line(container: object, key: object) -> str:
    """`, linje N` for a message, when the line of `container[key]` is known; otherwise nothing."""
    line = line_of(container, key)
    return f", linje {line}" if line is not None else ""


def see_line(container: object, key: object) -> str:
    """` Det står i linje N.` to end a message whose start others match, when the line is known."""
    line = line_of(container, key)
    return f" Det står i linje {line}." if line is not None else ""


class _StrictLoader(_SAFE_LOADER):  # type: ignore[misc, valid-type]
    """The safe loader, refusing a key written twice in one block (YAML lets the last one win, which
    silently undid settings such as `mindste_gruppe`, the privacy limit, or dropped `skoler`) and a whole
    number not written in plain decimal digits (YAML 1.1 reads `010` as 8). Blocks and lists remember
    the line of each entry, for messages."""

    yaml_implicit_resolvers: ClassVar[dict[Any, list[tuple[str, re.Pattern[str]]]]] = {
        first: [(tag, _DECIMAL_INT if tag == INT_TAG else regexp) for tag, regexp in resolvers]
        for first, resolvers in _SAFE_LOADER.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[object, int] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                key = self.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                if key in seen:
                    raise _DuplicateKey(key, line, seen[key])
                seen[key] = line
                if value_node.tag == _OTHER_INT_TAG:
                    raise _NotDecimal(value_node.value, value_node.start_mark.line + 1, key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]

    def construct_labkit_map(self, node: yaml.MappingNode) -> Iterator[YamlMap]:
        data = YamlMap()
        data.lines = {}
        yield data
        data.update(self.construct_mapping(node))
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                data.lines.setdefault(self.construct_object(key_node, deep=True), key_node.start_mark.line + 1)

    def construct_labkit_list(self, node: yaml.SequenceNode) -> Iterator[YamlList]:
        data = YamlList()
        data.lines = [item.start_mark.line + 1 for item in node.value]
        yield data
        data.extend(self.construct_sequence(node))

    def construct_other_int(self, node: yaml.ScalarNode) -> None:
        raise _NotDecimal(node.value, node.start_mark.line + 1)


# A time like 10:30 stays the text it is (YAML 1.1 reads it as the base-60 number 630).
_StrictLoader.add_implicit_resolver("tag:yaml.org,2002:str", re.compile(r"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+$"),
                                    list("-+0123456789"))
_StrictLoader.add_implicit_resolver(_OTHER_INT_TAG, _OTHER_INT, list("-+0123456789"))
_StrictLoader.add_constructor("tag:yaml.org,2002:map", _StrictLoader.construct_labkit_map)
_StrictLoader.add_constructor("tag:yaml.org,2002:seq", _StrictLoader.construct_labkit_list)
_StrictLoader.add_constructor(_OTHER_INT_TAG, _StrictLoader.construct_other_int)


def refuse_unknown_keys(entry: Any, known: tuple[str, ...], where: str) -> None:
    """A misspelt key would silently change a setting or a verdict: name it and the key that was
    probably meant."""
    if not isinstance(entry, dict):
        return
    for key in entry:
        if str(key) not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f" Mente du »{close[0]}«?" if close else f" Kendte nøgler: {', '.join(known)}."
            raise LabkitError(f"{where}: nøglen »{key}« kendes ikke.{hint}{see_line(entry, key)}")


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
    # One spelling of every letter: macOS may save »å« as »a« and a combining ring, a different key.
    text = unicodedata.normalize("NFC", text)
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except _NotDecimal as number:
        raise LabkitError(f"{name}, linje {number.line}: {_not_decimal(number)}") from None
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


# Keys whose values are numbers written as text (leading zeros and all), never quantities.
TEXT_NUMBER_KEYS = ("institutionsnummer",)


def _not_decimal(number: _NotDecimal) -> str:
    """Why a number like 010, 0x0A or 1_0 is refused, and what to write instead."""
    written = f"{number.key}: {number.text}" if number.key is not None else number.text
    digits = number.text.lstrip("+-")
    if number.key in TEXT_NUMBER_KEYS:  # its zeros belong to it: only quotes keep them
        return (f'»{written}«: et {number.key} skal stå i anførselstegn, så 0\'et foran bliver stående: '
                f'{number.key}: "{number.text}".')
    if digits[:1] == "0" and digits.isdigit():
        return (f"»{written}«: et tal med 0 foran læses ikke, som det står. Skriv et helt tal uden 0 foran, fx 10 "
                f'– eller er det et nummer, hvor 0\'et skal blive stående, så sæt det i anførselstegn: "{number.text}".')
    return f"»{written}« skal være et helt tal skrevet med almindelige cifre (0–9), fx 10."


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
