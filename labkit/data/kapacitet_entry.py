"""The kapacitetsinterview entry workbook's layout (sheet and column names) and reading its cells
back with calamine. `labkit.data.kapacitet` validates the cells; `labkit.data.kapacitet_workbook` writes the
workbook (openpyxl, imported only by what writes one).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import NamedTuple
from xml.etree import ElementTree

from python_calamine import CalamineWorkbook

from labkit.data.instrument import RESERVED_COLUMNS, Instrument
from labkit.data.tables import HEADER_SEARCH_ROWS, NOT_XLSX, is_blank_row, normalise_key
from labkit.problems import Problem, Severity

SHEET_GUIDE, SHEET_RATINGS, SHEET_NOTES = "Vejledning", "Vurderinger", "Noter"
SHEET_STATEMENTS, SHEET_LISTS = "Udsagn", "Lister"
COL_SCHOOL_ID, COL_SCHOOL, COL_GROUP, COL_RESPONDENT, COL_ROUND, COL_PEOPLE = RESERVED_COLUMNS
COL_DIMENSION, COL_KIND, COL_TEXT = "Dimension", "Type", "Tekst"
NOTE_HEADERS = (COL_SCHOOL_ID, COL_SCHOOL, COL_ROUND, COL_GROUP, COL_DIMENSION, COL_KIND, COL_TEXT)
FIRST_ROUND = 1  # a workbook without »Runde«, or an empty cell in it, is the first interview round


def fixed_columns(instrument: Instrument) -> list[str]:
    """The columns before the statements: »Deltagere« only when ratings are a group's consensus."""
    return [c for c in RESERVED_COLUMNS if instrument.consensus or c != COL_PEOPLE]
STATEMENT_HEADERS = ("Id", "Dimension", "Udsagn")
NOTE_KINDS = ("Note", "Citat")


class Issue(NamedTuple):
    message: str
    expected: str


@dataclass(frozen=True)
class EntrySheet:
    """One sheet's table: the header as written and the non-empty rows with their Excel numbers."""

    file: str
    name: str
    header_row: int
    header: list[str]
    rows: list[tuple[int, list[object]]] = field(default_factory=list)

    def problem(
        self,
        issue: Issue | str,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
        severity: Severity = Severity.FEJL,
    ) -> Problem:
        message, expected = (issue, None) if isinstance(issue, str) else issue
        shown = show_value(value) if value is not None else None
        return Problem(self.file, f"Arket »{self.name}«: {message}", row, column, shown, expected, severity)


def show_value(cell: object) -> str:
    """A cell as the user would read it: whole numbers without `.0`, decimals with a comma."""
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else str(cell).replace(".", ",")
    return str(cell).strip()


def cell_text(cell: object) -> str:
    if cell is None or isinstance(cell, bool):
        return "" if cell is None else str(cell)
    return show_value(cell)


def read_entry_sheets(
    path: Path, file: str
) -> tuple[dict[str, tuple[str, list[list[object]]]] | None, Problem | None]:
    """All cells of the sheets labkit reads, by normalised sheet name; a Problem if not an .xlsx."""
    wanted = {normalise_key(SHEET_RATINGS), normalise_key(SHEET_NOTES)}
    if not path.is_file():
        return None, Problem(file, "Filen findes ikke.", expected=f"en Excel-fil på {path}")
    try:
        # calamine (Rust) reads a large entry workbook some 40× faster than openpyxl.
        workbook = CalamineWorkbook.from_path(str(path))
        sheets = {}
        for title in workbook.sheet_names:
            if normalise_key(title) in wanted:
                raw = workbook.get_sheet_by_name(title).to_python(skip_empty_area=False)
                sheets[normalise_key(title)] = (title, [[_as_excel_value(c) for c in row] for row in raw])
    except Exception:  # noqa: BLE001 - calamine raises several types for a file that is not an .xlsx
        return None, Problem(
            file,
            NOT_XLSX,
            expected="indtastningsarket gemt fra Excel som .xlsx",
        )
    if normalise_key(SHEET_RATINGS) not in sheets:
        return None, Problem(
            file,
            f"Arket »{SHEET_RATINGS}« mangler.",
            value=", ".join(workbook.sheet_names),
            expected=f"et ark ved navn »{SHEET_RATINGS}« med én række pr. respondent",
        )
    return sheets, None


def _as_excel_value(cell: object) -> object:
    """calamine gives "" for an empty cell and 4.0 for the whole number 4; the checks downstream
    expect what Excel wrote: None for empty, an int for a whole number."""
    if cell == "":
        return None
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    return cell


def locate_table(file: str, name: str, raw: list[list[object]]) -> tuple[EntrySheet | None, Problem | None]:
    """Find the header row (a title row above it is common) and keep the non-empty rows below."""
    marker = normalise_key(COL_SCHOOL_ID)
    found = next(
        (i for i, row in enumerate(raw[:HEADER_SEARCH_ROWS]) if marker in {normalise_key(c) for c in row}),
        None,
    )
    if found is None:
        first = next((i for i, row in enumerate(raw) if not is_blank_row(row)), None)
        where = EntrySheet(file, name, 0, [])
        if first is None:
            return None, where.problem(Issue("Arket er tomt.", "en overskriftsrække og én række pr. svar"))
        return None, where.problem(
            Issue(
                "Kan ikke finde overskriftsrækken.",
                f"en række med overskriften »{COL_SCHOOL_ID}« blandt de første {HEADER_SEARCH_ROWS} rækker",
            ),
            row=first + 1,
            value="; ".join(cell_text(c) for c in raw[first] if cell_text(c))[:120],
        )
    header = [cell_text(c) for c in raw[found]]
    rows = [
        (number, list(row) + [None] * (len(header) - len(row)))
        for number, row in enumerate(raw[found + 1 :], start=found + 2)
        if not is_blank_row(row)
    ]
    return EntrySheet(file, name, found + 1, header, rows), None


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title → the sheet's XML part in the archive (from workbook.xml and its relationships)."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): str(r.get("Target")) for r in relations}
    parts = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(_RELATIONSHIP), "")
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        parts[str(sheet.get("name"))] = path
    return parts


def formulas_without_values(path: Path, titles: list[str]) -> list[tuple[str, str]]:
    """(sheet title, cell such as »E5«) of every formula whose result was never saved, in the named
    sheets. A workbook written by a program (openpyxl, say) and never opened in Excel has none: read
    as empty, such a rating would silently count as unanswered. Reads the XML, not the cells, so
    reading stays light; a damaged file gives [] (calamine has already said it cannot be read)."""
    found: list[tuple[str, str]] = []
    try:
        with zipfile.ZipFile(path) as archive:
            parts = _sheet_parts(archive)
            for title in titles:
                part = parts.get(title)
                if part is None or part not in archive.namelist():
                    continue
                data = archive.read(part)
                if not re.search(rb"<(?:\w+:)?f[ >/]", data):
                    continue  # no formula at all (data validations' <formula1> do not count)
                for cell in ElementTree.fromstring(data).iter(f"{_MAIN}c"):
                    if cell.find(f"{_MAIN}f") is None:
                        continue
                    value = cell.find(f"{_MAIN}v")
                    cached = value is not None and (bool(value.text) or cell.get("t") == "str")
                    if not cached:
                        found.append((title, str(cell.get("r"))))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError):
        return []
    return found
