"""Reading a spreadsheet-like file (CSV in any of the usual dialects, or .xlsx) into rows of text.

Everything is kept as text here, with the row number the user sees, so the layer above can
parse numbers the Danish way and report a problem at the exact cell instead of coercing.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from labkit.problems import Problem, Severity, display_name

SEPARATORS = (";", ",", "\t")
HEADER_SEARCH_ROWS = 10  # a title row or two above the header is common
NOT_XLSX = "Filen kan ikke åbnes som Excel-projektmappe (.xlsx)."


@dataclass(frozen=True)
class TextTable:
    """A table of cells below its header; `row_numbers[i]` is the user-visible row of `cells[i]`.

    `cells` is a 2-D object array as wide as the header: text from CSV, text or numbers from Excel,
    None where a row is shorter.
    """

    file: str
    header: list[str]
    cells: np.ndarray
    row_numbers: list[int]
    header_row: int

    @property
    def row_count(self) -> int:
        return len(self.row_numbers)

    def column(self, name: str) -> int | None:
        """Index of a column, matched case- and whitespace-insensitively; None when absent."""
        wanted = normalise_key(name)
        for index, header in enumerate(self.header):
            if normalise_key(header) == wanted:
                return index
        return None


def normalise_key(value: object) -> str:
    """The one key for comparing ids, names, headers and sheet names: case, extra spaces and a
    byte-order mark do not matter."""
    return " ".join(str(value if value is not None else "").replace("\ufeff", "").split()).casefold()


def decode(raw: bytes) -> tuple[str, str]:
    """Decode file bytes: UTF-8 (with or without BOM), else Windows-1252. Returns (text, encoding)."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:  # Excel's "Unicode-tekst (*.txt)": UTF-16 with tabs
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "windows-1252"


def sniff_separator(lines: list[str]) -> str | None:
    """The separator that splits the header line into the most columns consistently."""
    best, best_count = None, 1
    for separator in SEPARATORS:
        counts = [
            len(row)
            for row in csv.reader(lines[:20], delimiter=separator)
            if any(cell.strip() for cell in row)
        ]
        # A title line above the header ("Kvalitetsrapport 2024/2025") has no separator: skip it.
        first = next((count for count in counts if count > 1), 0)
        if first > best_count:
            best, best_count = separator, first
    return best


def is_blank_row(row: Sequence[object]) -> bool:
    """A row with nothing but empty cells (None, "" or spaces): every reader skips it the same way."""
    return all(cell is None or str(cell).strip() == "" for cell in row)


def _too_wide(file: str, body: Sequence[Sequence[object]], keep: list[bool], width: int,
              numbers: list[int]) -> list[Problem]:
    wide = [i for i, row in enumerate(body) if keep[i] and len(row) > width and not is_blank_row(row[width:])]
    if not wide:
        return []
    first = body[wide[0]]
    extra = [c for c in first[width:] if not is_blank_row([c])]
    # One message explains the whole file.
    return [Problem(
        file,
        f"Rækken har {width + len(extra)} udfyldte celler, men der er kun {width} overskrifter. Måske er "
        "skilletegnet forkert, eller et tal med decimalkomma står uden anførselstegn i en "
        "kommasepareret fil." + (f" Det gælder {len(wide)} rækker." if len(wide) > 1 else ""),
        row=numbers[wide[0]], value=str(extra[0])[:60], expected=f"højst {width} celler pr. række")]


def _too_short(file: str, lengths: np.ndarray, width: int, numbers: np.ndarray) -> list[Problem]:
    """A CSV row with fewer separators than the header has lost cells; guessing which is coercion."""
    short = np.flatnonzero(lengths < width)
    if not len(short):
        return []
    first = short[0]
    return [Problem(
        file,
        f"Rækken har kun {lengths[first]} celler, men der er {width} overskrifter, så det er uklart, "
        "hvilke tal der mangler." + (f" Det gælder {len(short)} rækker." if len(short) > 1 else ""),
        row=int(numbers[first]), expected=f"{width} celler pr. række (tomme celler er tilladt)")]


def _table_from_rows(
    file: str, raw_rows: Sequence[Sequence[object]], header_markers: tuple[str, ...], check_short_rows: bool = False
) -> tuple[TextTable | None, list[Problem]]:
    """Find the header among the first rows (a title row above it is common in Excel exports)."""
    markers = {normalise_key(m) for m in header_markers}
    header_index = None
    for index, row in enumerate(raw_rows[:HEADER_SEARCH_ROWS]):
        if markers & {normalise_key(cell) for cell in row}:
            header_index = index
            break
    if header_index is None:
        first = next((r for r in raw_rows if not is_blank_row(r)), None)
        if first is None:
            return None, [Problem(file, "Filen er tom.", expected="en overskriftsrække og data")]
        return None, [
            Problem(
                file,
                "Kan ikke finde overskriftsrækken.",
                row=1,
                value="; ".join(str(c) for c in first if c is not None)[:120],
                expected=f"en række med fx »{header_markers[0]}«",
            )
        ]
    header = [str(c).strip() if c is not None else "" for c in raw_rows[header_index]]
    while header and header[-1] == "":
        header.pop()
    width = len(header)
    body = raw_rows[header_index + 1 :]
    all_numbers = list(range(header_index + 2, header_index + 2 + len(body)))
    keep = [not is_blank_row(row) for row in body]
    problems = _too_wide(file, body, keep, width, all_numbers)
    body = [row for row, kept in zip(body, keep) if kept]
    numbers = [n for n, kept in zip(all_numbers, keep) if kept]
    lengths = np.fromiter((len(r) for r in body), dtype=int, count=len(body))
    if check_short_rows and not problems:
        problems += _too_short(file, lengths, width, np.array(numbers))
    if len(body) and (lengths != width).any():  # cut or pad to the header's width
        body = [r[:width] if len(r) >= width else [*r, *([None] * (width - len(r)))] for r in body]
    cells = np.empty((len(body), width), dtype=object)
    if body:
        cells[:] = body
    if not len(cells):
        problems.append(Problem(file, "Filen har overskrifter, men ingen datarækker.", row=header_index + 1))
    return TextTable(file, header, cells, numbers, header_index + 1), problems


def read_csv_text(path: Path, header_markers: tuple[str, ...]) -> tuple[TextTable | None, list[Problem]]:
    """Read a CSV/TXT file with `;`, `,` or tab, UTF-8 (BOM or not) or Windows-1252."""
    file = display_name(path)
    try:
        raw = path.read_bytes()
    except OSError:
        return None, [
            Problem(file, "Filen kan ikke åbnes. Er den åben i Excel eller et andet program?",
                    expected="filen lukket i andre programmer, så labkit kan læse den")
        ]
    text, _ = decode(raw)
    problems: list[Problem] = []
    if "\ufffd" in text:
        problems.append(
            Problem(
                file,
                "Nogle tegn kunne ikke læses; filen er hverken UTF-8 eller Windows-1252.",
                expected="filen gemt som »CSV UTF-8« fra Excel",
            )
        )
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        return None, [Problem(file, "Filen er tom.", expected="en overskriftsrække og data")]
    separator = sniff_separator(lines[:HEADER_SEARCH_ROWS])
    if separator is None:
        return None, [
            Problem(
                file,
                "Kan ikke se, hvad der adskiller kolonnerne.",
                row=1,
                value=lines[0][:120],
                expected="semikolon (;), komma (,) eller tabulator mellem kolonnerne",
            )
        ]
    # newline="": a line may end in \r\n, \n or a lone \r (Excel for Mac's "CSV (Macintosh)").
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        raw_rows: list[list[str]] = list(reader)
    except csv.Error:
        return None, problems + [
            Problem(file, "Filen kan ikke læses som CSV-tekst.", row=reader.line_num + 1,
                    expected="en fil gemt fra Excel som »CSV UTF-8 (kommasepareret)«")
        ]
    table, found = _table_from_rows(file, raw_rows, header_markers, check_short_rows=True)
    return table, problems + found


def _xlsx_value(cell: Any) -> object:
    """A cell's value as Excel shows it: a percentage-formatted 0.952 is 95.2 (published "95,2 %")."""
    value = cell.value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in str(cell.number_format):
        return round(value * 100, 10)
    return value


def _formulas_without_values(path: Path, title: str, empty: set[tuple[int, int]]) -> list[tuple[int, str]]:
    """(row, column letter) of formula cells whose result was never saved: read as empty, they would
    look like unpublished figures. Only files with formulas are read a second time."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    if not empty:
        return []
    with zipfile.ZipFile(path) as archive:
        if not any(b"<f" in archive.read(name) for name in archive.namelist()
                   if name.startswith("xl/worksheets/") and name.endswith(".xml")):
            return []
    workbook = load_workbook(path, read_only=True, data_only=False)
    try:
        cells = [cell for row in workbook[title].iter_rows() for cell in row]
        return sorted((cell.row, get_column_letter(cell.column)) for cell in cells
                      if isinstance(cell.value, str) and cell.value.startswith("=")
                      and (cell.row, cell.column) in empty)
    finally:
        workbook.close()


def read_xlsx_text(
    path: Path, header_markers: tuple[str, ...], sheet: str | None = None
) -> tuple[TextTable | None, list[Problem]]:
    """Read the first visible (or the named) sheet of an .xlsx file. Number cells stay numbers."""
    from openpyxl import load_workbook  # imported here: openpyxl is slow to import

    file = display_name(path)
    unreadable = [
        Problem(
            file,
            NOT_XLSX,
            expected="en .xlsx-fil gemt fra Excel",
        )
    ]
    # openpyxl raises many kinds of error for a damaged file (zip, XML, styles); a damaged sheet
    # only shows when its rows are read, since read-only mode parses lazily.
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, SyntaxError):
        return None, unreadable
    try:
        # Only sheets the user can see: a hidden sheet often holds last year's figures or a lookup table.
        visible = [ws for ws in workbook.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
        names = ", ".join(f"»{ws.title}«" for ws in visible) or "ingen synlige ark"
        if sheet is not None:
            chosen = [ws for ws in visible if normalise_key(ws.title) == normalise_key(sheet)]
            if not chosen:
                return None, [Problem(file, f"Arket »{sheet}« mangler.", value=names,
                                      expected=f"et synligt ark ved navn »{sheet}«")]
            worksheet = chosen[0]
        elif visible:
            worksheet = visible[0]
        else:
            return None, [Problem(file, "Projektmappen har ingen synlige ark.", expected="et synligt ark med tallene")]
        raw_rows, empty = [], set()
        for row in worksheet.iter_rows():  # one pass: read-only mode parses the sheet again on every pass
            raw_rows.append([_xlsx_value(cell) for cell in row])
            empty |= {(cell.row, cell.column) for cell in row
                      if cell.value is None and getattr(cell, "row", None) is not None}
        title = worksheet.title
    except (KeyError, ValueError, TypeError, SyntaxError, zipfile.BadZipFile):
        return None, unreadable
    finally:
        workbook.close()
    uncomputed = _formulas_without_values(path, title, empty)
    if uncomputed:
        row, column = uncomputed[0]
        return None, [Problem(file, f"Cellen {column}{row} (og {len(uncomputed) - 1} andre) har en formel uden et gemt "
                                    "resultat: filen er lavet af et program og ikke gemt i Excel, så tallene kan ikke "
                                    "læses." if len(uncomputed) > 1 else
                              f"Cellen {column}{row} har en formel uden et gemt resultat: filen er lavet af et "
                              "program og ikke gemt i Excel, så tallet kan ikke læses.", row=row,
                              expected="filen åbnet i Excel og gemt igen (så formlernes resultater gemmes)")]
    return _table_from_rows(file, raw_rows, header_markers)


def read_table(path: Path, header_markers: tuple[str, ...]) -> tuple[TextTable | None, list[Problem]]:
    """Read a CSV or .xlsx file as text rows, finding its header by one of `header_markers`."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx_text(path, header_markers)
    return read_csv_text(path, header_markers)


def duplicate_headers(table: TextTable) -> list[Problem]:
    """A column header that appears twice makes every value in it ambiguous."""
    seen: dict[str, int] = {}
    problems = []
    for index, name in enumerate(table.header):
        key = normalise_key(name)
        if not key:
            continue
        if key in seen:
            problems.append(
                Problem(
                    table.file,
                    f"Kolonnen står to gange (kolonne {seen[key] + 1} og {index + 1}).",
                    row=table.header_row,
                    column=name,
                    expected="hver kolonne én gang",
                    severity=Severity.FEJL,
                )
            )
        else:
            seen[key] = index
    return problems
