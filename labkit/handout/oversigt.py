"""The consultants' overview: every lab school × indicator × group with its verdicts, as a spreadsheet.

`labkit render LAB --format xlsx` writes `oversigt.xlsx` and `oversigt.csv` beside the handouts'
index. One row per finding of the verdict engine; the columns and codes are documented in
docs/statistik.md. A figure that is not published (or hidden by the privacy rule) has no value and
no count here either.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from labkit.analysis.findings import DEVELOPMENT_CODES, LEVEL_CODES
from labkit.analysis.verdicts import table_verdicts
from labkit.data.lab import Lab
from labkit.files import replace_with, write_atomically
from labkit.numbers import format_number

if TYPE_CHECKING:
    from openpyxl import Workbook

OVERVIEW_NAME = "oversigt"
COLUMNS = ["Institutionsnummer", "Skole", "Indikator", "Gruppe", "Skoleår", "Værdi", "Antal", "Kommune", "Land",
           "Niveau", "Udvikling", "Begrundelse"]
NUMBER_COLUMNS = ("Værdi", "Kommune", "Land")
# The workbook's dates and its zip entries' times: fixed, so the same verdicts give the same bytes.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold


def overview_table(lab: Lab, left_out: frozenset[str] = frozenset()) -> pd.DataFrame:
    """The overview rows for the lab's schools (but `left_out`), in lab and catalogue order (numbers as floats)."""
    verdicts = table_verdicts(lab.kvalitet, lab.catalogue)
    rows = []
    for school in lab.config.schools:
        if school.id in left_out:
            continue
        for finding in verdicts.for_school(school.id):
            shown = not math.isnan(finding.value)
            assert finding.level.code in LEVEL_CODES and finding.development.code in DEVELOPMENT_CODES
            rows.append({"Institutionsnummer": school.id, "Skole": school.name, "Indikator": finding.indicator.id,
                         "Gruppe": finding.group, "Skoleår": finding.latest_year,
                         "Værdi": finding.value if shown else math.nan,
                         "Antal": finding.n if shown and math.isfinite(finding.n) else math.nan,
                         "Kommune": finding.kommune, "Land": finding.land, "Niveau": finding.level.code,
                         "Udvikling": finding.development.code, "Begrundelse": finding.sentences,
                         "_decimals": finding.indicator.decimals})
    return pd.DataFrame(rows, columns=[*COLUMNS, "_decimals"])


def _csv_text(table: pd.DataFrame) -> str:
    """Semicolons and decimal commas, as the kit reads its own data files back."""
    lines = [";".join(COLUMNS)]
    for row in table.itertuples(index=False):
        cells = []
        for column, value in zip(COLUMNS, row):
            if column in NUMBER_COLUMNS:
                text = format_number(float(value), int(row[-1])).replace(".", "") if math.isfinite(value) else ""
            elif column == "Antal":
                text = str(int(value)) if math.isfinite(value) else ""
            else:
                text = str(value)
            cells.append(f'"{text}"' if any(ch in text for ch in ';"\n') and column == "Begrundelse" else text)
        lines.append(";".join(cells))
    return "\ufeff" + "\r\n".join(lines) + "\r\n"


def _write_xlsx(table: pd.DataFrame, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Oversigt"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.itertuples(index=False):
        values = [None if isinstance(v, float) and math.isnan(v) else v for v in row[:-1]]
        sheet.append(values)
        decimals = int(row[-1])
        for column in (*NUMBER_COLUMNS,):
            cell = sheet.cell(sheet.max_row, COLUMNS.index(column) + 1)
            cell.number_format = "0" if decimals == 0 else "0." + "0" * decimals
    for letter, width in zip("ABCDEFGHIJKL", (16, 26, 26, 12, 11, 8, 8, 9, 9, 19, 19, 100)):
        sheet.column_dimensions[letter].width = width
    for cell in sheet["L"][1:]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    workbook.properties.creator = "labkit"
    workbook.properties.created = datetime(*FIXED_TIME)
    path.write_bytes(_stable_xlsx(workbook))


def _stable_xlsx(workbook: Workbook) -> bytes:
    """The saved workbook with fixed entry times and document dates (openpyxl stamps both with the clock)."""
    saved = io.BytesIO()
    workbook.save(saved)
    stamp = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format(*FIXED_TIME).encode()
    fixed = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            target.writestr(zipfile.ZipInfo(entry.filename, FIXED_TIME), data, compress_type=zipfile.ZIP_DEFLATED)
    return fixed.getvalue()


def write_overview(lab: Lab, folder: Path, left_out: frozenset[str] = frozenset()) -> list[Path]:
    """Write oversigt.xlsx and oversigt.csv into `folder`; returns their paths. Schools in `left_out`
    (their data have errors) have no rows: verdicts from what is left after a bad cell would look
    like any other."""
    table = overview_table(lab, left_out)
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = folder / f"{OVERVIEW_NAME}.csv", folder / f"{OVERVIEW_NAME}.xlsx"
    write_atomically(csv_path, _csv_text(table))
    replace_with(xlsx_path, lambda temporary: _write_xlsx(table, temporary))
    return [xlsx_path, csv_path]
