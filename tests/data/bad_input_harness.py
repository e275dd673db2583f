"""The harness of the bad-input suite (issue 12): a valid lab to spoil, one CLI run per case, and the
checks every case gets, whatever it spoils.

A case is a realistic mistake (or a good but unusual file) and what a facilitator must see: the exit
code; for a refusal, one Danish line naming the file and the place (row and column, or line and key)
and what was expected; for an accepted file, the values as they were meant. No case may show a
traceback or English exception text anywhere in the output.
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from labkit.data.lab import Lab, load_lab
from labkit.data.templates import BUNDLED_TEMPLATES
from tests.conftest import lab_yaml
from tests.data.test_bad_input import overblik_csv

# Words that only appear when a Python exception (or its repr) reached the user.
ENGLISH = re.compile(
    r"Traceback|\bError\b|Exception|\[Errno|No such file|Permission denied|Is a directory|Not a directory|"
    r"NoneType|object has no attribute|invalid literal|could not convert|codec can't|PosixPath\(|"
    r"\bline \d+, in\b|while parsing|while scanning|mapping values|expected '<|found character|"
    r"BadZipFile|KeyError|ValueError|TypeError|OSError|LabkitError|Errno"
)


@dataclass
class Ran:
    """One command run on a lab: its exit code and output; the lab loaded on demand for values."""

    folder: Path
    code: int
    output: str

    @cached_property
    def lab(self) -> Lab:
        return load_lab(self.folder)

    def figure(self, school_id: str, indicator: str, *, level: str = "skole", year: str = "2024/2025",
               group: str = "") -> pd.Series:
        t = self.lab.kvalitet
        rows = t.loc[(t["school_id"] == school_id) & (t["indicator"] == indicator) & (t["level"] == level)
                     & (t["school_year"] == year) & (t["group"] == group)]
        assert len(rows) == 1, f"{len(rows)} rækker for {school_id} {indicator}:\n{self.output}"
        return rows.iloc[0]

    def value(self, school_id: str, indicator: str, **where: str) -> float:
        return float(self.figure(school_id, indicator, **where)["value"])


@dataclass(frozen=True)
class Case:
    """One bad (or good but unusual) input.

    `spoil` changes a valid lab folder in place (it gets the folder; what it returns is ignored).
    `refused`: the command must exit non-zero and say why; otherwise it must exit 0.
    `says`: groups of texts that must each stand together on one line of the output (so the file, the
    place and what was expected belong to the same message).
    `read`: for an accepted input, asserts the values read (a good but unusual file read wrongly is a
    silent coercion, not a success).
    `command`: the CLI words after `labkit`, `{lab}` standing for the lab folder.
    """

    id: str
    spoil: Callable[[Path], object]
    refused: bool
    says: Sequence[Sequence[str]] = ()
    read: Callable[[Ran], object] | None = None
    command: Sequence[str] = ("check", "{lab}")
    never: Sequence[str] = ()  # texts that must not appear (a hidden value, a Python list …)
    patch: Callable[[pytest.MonkeyPatch], object] | None = None  # e.g. a file locked, a folder read-only
    marks: Sequence[pytest.MarkDecorator] = field(default_factory=tuple)

    def param(self) -> object:
        return pytest.param(self, id=self.id, marks=list(self.marks))


def valid_lab(folder: Path) -> Path:
    """A lab that `labkit check` accepts: three schools and the published skoleoverblik."""
    (folder / "data").mkdir(parents=True)
    (folder / "lab.yaml").write_text(lab_yaml(), encoding="utf-8")
    (folder / "data" / "skoleoverblik.csv").write_bytes(overblik_csv())
    return folder


def run(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch | None = None) -> Ran:
    """Build the valid lab, spoil it, run the command in `tmp_path` and apply the checks every case gets."""
    folder = valid_lab(tmp_path / "lab")
    case.spoil(folder)
    if monkeypatch is not None:
        monkeypatch.chdir(tmp_path)
        if case.patch is not None:
            case.patch(monkeypatch)
    from labkit.cli import main

    words = [w.replace("{lab}", str(folder)).replace("{tmp}", str(tmp_path)) for w in case.command]
    # catch_exceptions=False: an exception that escapes the command is a traceback for a user.
    result = CliRunner().invoke(main, words, catch_exceptions=False, prog_name="labkit")
    ran = Ran(folder, result.exit_code, result.output)
    assert not ENGLISH.search(ran.output), ran.output
    for text in case.never:
        assert text not in ran.output, ran.output
    if case.refused:
        assert ran.code != 0, ran.output
        assert "FEJL" in ran.output or "DET MANGLER ENDNU" in ran.output, ran.output
    else:
        assert ran.code == 0, ran.output
        if case.command[0] == "check":
            assert "Resultat: data kan bruges." in ran.output, ran.output
    lines = ran.output.splitlines()
    for parts in case.says:
        assert any(all(p in line for p in parts) for line in lines), f"ingen linje med {list(parts)}:\n{ran.output}"
    if case.read is not None:
        case.read(ran)
    return ran


# --- building the spoilt files ------------------------------------------------------------------------


def put(name: str, content: bytes | str | Callable[[], bytes], *, keep: bool = False) -> Callable[[Path], None]:
    """Write `data/<name>`; unless `keep`, in place of the valid skoleoverblik."""

    def spoil(folder: Path) -> None:
        if not keep:
            (folder / "data" / "skoleoverblik.csv").unlink()
        data = content() if callable(content) else content
        (folder / "data" / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    return spoil


def both(*spoils: Callable[[Path], object]) -> Callable[[Path], None]:
    def spoil(folder: Path) -> None:
        for one in spoils:
            one(folder)

    return spoil


def workbook(*sheets: tuple[str, Iterable[Iterable[object]]], hidden: Sequence[str] = (),
             percent: Sequence[str] = (), merged: Sequence[tuple[str, str]] = ()) -> bytes:
    """An .xlsx with the given sheets in order; `hidden` sheet names, `percent` cells (e.g. "D2") shown as
    percentages, `merged` (sheet, range) cells."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
        if title in hidden:
            sheet.sheet_state = "hidden"
        for cell in percent:
            sheet[cell].number_format = "0.0%"
        for where, cells in merged:
            if where == title:
                sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def edit_yaml(old: str, new: str, *, count: int = 1) -> Callable[[Path], None]:
    """Replace text in lab.yaml (the text must be there, so a case cannot silently test nothing)."""

    def spoil(folder: Path) -> None:
        path = folder / "lab.yaml"
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    return spoil


def append_yaml(text: str) -> Callable[[Path], None]:
    def spoil(folder: Path) -> None:
        path = folder / "lab.yaml"
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")

    return spoil


def own_templates(folder: Path) -> Path:
    """Give the lab its own copy of every template (`skabeloner: skabeloner`), as `labkit new` does."""
    target = folder / "skabeloner"
    if not target.exists():
        shutil.copytree(BUNDLED_TEMPLATES, target, ignore=shutil.ignore_patterns("ny_lab"))
        path = folder / "lab.yaml"
        path.write_text(path.read_text(encoding="utf-8") + "skabeloner: skabeloner\n", encoding="utf-8")
    return target


def template_line(name: str, key: str, change: Callable[[str], str]) -> Callable[[Path], None]:
    """Change the first line that sets `key` in the lab's copy of template `name` (`change` gets the line
    and returns its replacement): robust against edits to the template's content."""

    def spoil(folder: Path) -> None:
        path = own_templates(folder) / name
        lines = path.read_text(encoding="utf-8").split("\n")
        index = next(i for i, line in enumerate(lines) if re.match(rf"^\s*(- )?{re.escape(key)}:", line))
        lines[index] = change(lines[index])
        path.write_text("\n".join(lines), encoding="utf-8")

    return spoil


def template_sub(name: str, pattern: str, replacement: str) -> Callable[[Path], None]:
    """Replace the first match of `pattern` (a regex, ^ and $ per line) in the lab's copy of template
    `name`: robust against edits to the template's content by others."""

    def spoil(folder: Path) -> None:
        path = own_templates(folder) / name
        text, count = re.subn(pattern, replacement, path.read_text(encoding="utf-8"), count=1, flags=re.MULTILINE)
        assert count == 1, (name, pattern)
        path.write_text(text, encoding="utf-8")

    return spoil


def edit_template(name: str, old: str | None, new: str, *, encoding: str = "utf-8") -> Callable[[Path], None]:
    """Change the lab's own copy of template `name` (a path under skabeloner/): replace `old` by `new`, or
    with `old=None` write `new` as the whole file."""

    def spoil(folder: Path) -> None:
        path = own_templates(folder) / name
        text = path.read_text(encoding="utf-8")
        if old is not None:
            assert old in text, (name, old)
            text = text.replace(old, new, 1)
        else:
            text = new
        path.write_bytes(text.encode(encoding))

    return spoil
