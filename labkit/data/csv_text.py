"""Reading a CSV or text file as Excel and the published statistics write them: `;`, `,` or tab between
cells, UTF-8 (with or without a byte-order mark), UTF-16 or Windows-1252. Every cell stays text, so the
layer above parses numbers the Danish way and names the exact cell of a problem.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

from labkit.data.tables import HEADER_SEARCH_ROWS, TextTable, header_row_index, table_from_rows
from labkit.problems import Problem, display_name

SEPARATORS = (";", ",", "\t")


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


# An .xlsx (a zip) or an old .xls (OLE) saved or renamed with a text suffix.
_WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
# Danish letters as UTF-8 bytes: in a file that is not UTF-8 as a whole, they mean rows of both kinds.
_UTF8_DANISH = (b"\xc3\xa6", b"\xc3\xb8", b"\xc3\xa5", b"\xc3\x86", b"\xc3\x98", b"\xc3\x85")


def _first_non_utf8_row(raw: bytes) -> int | None:
    """The first line (1-based) that is not UTF-8, in a file that also has UTF-8 Danish letters; else None."""
    if not any(letters in raw for letters in _UTF8_DANISH):
        return None
    for number, line in enumerate(raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            return number
    return None


def sniff_separator(lines: list[str], header_markers: tuple[str, ...] = ()) -> str | None:
    """The separator that splits the header line into the most columns consistently.

    The header line is the one holding a marker (e.g. »Institutionsnummer«) once split; without one, the
    first line with several columns (a row of group names above the header can fool that guess).
    """
    by_header = {}
    for separator in SEPARATORS:
        rows = list(csv.reader(lines[:HEADER_SEARCH_ROWS], delimiter=separator))
        index = header_row_index(rows, header_markers)
        if index is not None:
            by_header[separator] = len(rows[index])
    if by_header:
        return max(by_header, key=lambda separator: by_header[separator])
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
    if raw.startswith(_WORKBOOK_SIGNATURES):
        return None, [Problem(file, f"Filen er en Excel-projektmappe, men hedder {path.suffix}, så den kan ikke "
                                    "læses som tekst.",
                              expected="filen omdøbt til .xlsx, eller gemt fra Excel som »CSV UTF-8«")]
    if b"\x00" in raw[:4096] and not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None, [Problem(file, "Filen er ikke en tekstfil (den indeholder binære data), så den kan ikke læses "
                                    f"som {path.suffix or 'CSV'}.",
                              expected="en CSV-fil gemt fra Excel som »CSV UTF-8«, eller en .xlsx-fil")]
    text, encoding = decode(raw)
    problems: list[Problem] = []
    mixed = _first_non_utf8_row(raw) if encoding == "windows-1252" else None
    if mixed is not None:
        return None, [Problem(file, "Filen blander to tegnsæt: nogle rækker er gemt som UTF-8, andre som "
                                    "Windows-1252 (fx når rækker fra to filer er kopieret sammen), så æ, ø og å "
                                    "kan ikke læses sikkert. Rækken her er den første i Windows-1252.", row=mixed,
                              expected="hele filen gemt på én måde, fx som »CSV UTF-8« fra Excel")]
    if "\ufffd" in text:
        problems.append(
            Problem(
                file,
                "Nogle tegn kunne ikke læses; filen er hverken UTF-8 eller Windows-1252.",
                expected="filen gemt som »CSV UTF-8« fra Excel",
            )
        )
    lines = text.splitlines()
    if not any(line.strip(" \t;,\"") for line in lines):  # nothing, or only separators (";;;")
        return None, [Problem(file, "Filen er tom.", expected="en overskriftsrække og data")]
    # Not only the rows the header may stand in: a file with too many lines above its header then gets
    # "no header row", not "no separator".
    separator = sniff_separator(lines, header_markers)
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
    table, found = table_from_rows(file, raw_rows, header_markers, check_short_rows=True)
    return table, problems + found
