"""Reading a spreadsheet into rows of text: the table below its header, and the .xlsx reader
(`labkit.data.csv_text` reads CSV into the same `TextTable`).

Everything is kept as text here, with the row number the user sees, so the layer above can
parse numbers the Danish way and report a problem at the exact cell instead of coercing.
"""

from __future__ import annotations

import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from labkit.problems import Problem, Severity, display_name

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
    """The one key for comparing ids, names, headers and sheet names: case, extra spaces, a byte-order
    mark and how a letter like »å« is encoded do not matter."""
    text = unicodedata.normalize("NFC", str(value if value is not None else ""))  # "å" as one letter or a + ring
    return " ".join(text.replace("\ufeff", "").split()).casefold()


def header_row_index(rows: Sequence[Sequence[object]], header_markers: tuple[str, ...]) -> int | None:
    """Index of the header row: the first of the first rows holding a marker (e.g. »Institutionsnummer«);
    a title row or two above it is common. None when there is none."""
    markers = {normalise_key(m) for m in header_markers}
    return next((index for index, row in enumerate(rows[:HEADER_SEARCH_ROWS])
                 if markers & {normalise_key(cell) for cell in row}), None)


def is_blank_row(row: Sequence[object]) -> bool:
    """A row with nothing but empty cells (None, "" or spaces): every reader skips it the same way."""
    return all(cell is None or str(cell).strip() == "" for cell in row)


def _footnotes(file: str, body: Sequence[Sequence[object]], keep: list[bool], numbers: list[int]) -> list[Problem]:
    """Lines of text below the table ("Kilde: uddannelsesstatistik.dk"): only the first cell filled, with
    words in it. They are notes, not rows with lost cells, so they are skipped (in `keep`) with a warning."""
    problems = []
    for index in range(len(body) - 1, -1, -1):
        row = body[index]
        if not keep[index]:
            continue
        text = str(row[0]).strip() if row and row[0] is not None else ""
        if not any(ch.isalpha() for ch in text) or not is_blank_row(row[1:]):
            break
        keep[index] = False
        problems.append(Problem(file, "Rækken står under tabellen og ligner en fodnote (kun første celle er "
                                      "udfyldt), så den springes over.", row=numbers[index], value=text[:80],
                                expected="tal i rækkerne under overskriften; noter under tabellen er i orden",
                                severity=Severity.ADVARSEL))
    return problems[::-1]


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


def table_from_rows(
    file: str, raw_rows: Sequence[Sequence[object]], header_markers: tuple[str, ...], check_short_rows: bool = False
) -> tuple[TextTable | None, list[Problem]]:
    """Find the header among the first rows (a title row above it is common in Excel exports)."""
    header_index = header_row_index(raw_rows, header_markers)
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
                expected=f"en række med fx »{header_markers[0]}« blandt de første {HEADER_SEARCH_ROWS} rækker",
            )
        ]
    header = [str(c).strip() if c is not None else "" for c in raw_rows[header_index]]
    while header and header[-1] == "":
        header.pop()
    width = len(header)
    body = raw_rows[header_index + 1 :]
    all_numbers = list(range(header_index + 2, header_index + 2 + len(body)))
    keep = [not is_blank_row(row) for row in body]
    problems = _footnotes(file, body, keep, all_numbers)
    problems += _too_wide(file, body, keep, width, all_numbers)
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
        notes: list[Problem] = []
        if sheet is not None:
            chosen = [ws for ws in visible if normalise_key(ws.title) == normalise_key(sheet)]
            if not chosen:
                return None, [Problem(file, f"Arket »{sheet}« mangler.", value=names,
                                      expected=f"et synligt ark ved navn »{sheet}«")]
            worksheet = chosen[0]
        elif visible:
            worksheet, notes = _sheet_with_figures(file, workbook, visible, header_markers)
            if worksheet is None:
                return None, notes
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
    table, problems = table_from_rows(file, raw_rows, header_markers)
    return table, notes + problems


def _sheet_with_figures(file: str, workbook: Any, visible: list[Any],
                        header_markers: tuple[str, ...]) -> tuple[Any, list[Problem]]:
    """The first visible sheet with a header row (a guide or an empty »Ark1« often comes first), and a
    warning naming any other sheet with figures: it is not read, and the user should know."""
    with_header = [ws for ws in visible if header_row_index(
        [[c.value for c in row] for row in ws.iter_rows(max_row=HEADER_SEARCH_ROWS)], header_markers) is not None]
    if not with_header:
        hidden = [ws.title for ws in workbook.worksheets if ws not in visible]
        if hidden:  # the figures may be on a sheet the user cannot see: say so rather than "empty"
            return None, [Problem(file, "Ingen synlige ark har en overskriftsrække med fx "
                                        f"»{header_markers[0]}«, og skjulte ark læses ikke.",
                                  value="synlige: " + ", ".join(f"»{ws.title}«" for ws in visible)
                                        + "; skjulte: " + ", ".join(f"»{t}«" for t in hidden),
                                  expected="tallene på et synligt ark (højreklik på et faneblad i Excel, og vælg Vis)")]
        return visible[0], []  # its own message: empty, or no header row
    others = [ws.title for ws in with_header[1:]]
    notes = [Problem(file, f"Projektmappen har flere ark med tal. Kun arket »{with_header[0].title}« læses; "
                           + ", ".join(f"»{t}«" for t in others) + " læses ikke.",
                     expected="ét ark med tal pr. fil: gem de andre ark som deres egne filer",
                     severity=Severity.ADVARSEL)] if others else []
    return with_header[0], notes


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
