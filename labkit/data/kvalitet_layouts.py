"""The three published file layouts (skoleoverblik, trivsel, lang), each turned into the same long
frame of raw cells that `labkit.data.kvalitet` parses and checks once for all of them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from labkit.data.catalogue import Catalogue
from labkit.data.kvalitet_schema import (
    ID_COLUMN,
    LEVEL_SCHOOL,
    LEVEL_SUFFIXES,
    LEVEL_WORDS,
    NAME_COLUMN,
    YEAR_COLUMN,
)
from labkit.data.tables import TextTable, normalise_key
from labkit.numbers import ascii_digits
from labkit.problems import Problem, Severity


def cells(table: TextTable, index: int | None) -> np.ndarray:
    if index is None:
        return np.full(table.row_count, None, dtype=object)
    return table.cells[:, index]


def key_cells(table: TextTable, name: str) -> np.ndarray:
    """The cells of an id or school-year column, digits written 0–9 (`ascii_digits`), as values are read."""
    column = cells(table, table.column(name))
    return np.array([ascii_digits(c) if isinstance(c, str) else c for c in column], dtype=object)


def as_text(cell: object) -> str:
    """A cell as text; Excel's whole-number floats lose their `.0`."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def texts_of(values: pd.Series | np.ndarray) -> np.ndarray:
    """`as_text` of every cell, computed once per distinct cell (national files repeat a lot)."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    texts = np.array([as_text(u) for u in uniques] + [""], dtype=object)
    return texts[codes]  # code -1 (missing) picks the trailing ""


def raw_frame(table: TextTable, **columns: object) -> pd.DataFrame:
    frame = pd.DataFrame({k: v for k, v in columns.items()}, dtype=object)
    frame["row"] = table.row_numbers
    return frame


def wide_raw(table: TextTable, catalogue: Catalogue) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    ids, names, years = key_cells(table, ID_COLUMN), cells(table, table.column(NAME_COLUMN)), key_cells(table, YEAR_COLUMN)
    parts = []
    for index, header in enumerate(table.header):
        key = normalise_key(header)
        if key in {normalise_key(c) for c in (ID_COLUMN, NAME_COLUMN, YEAR_COLUMN)} or not key:
            continue
        level, base = LEVEL_SCHOOL, header
        indicator = catalogue.get(header)
        for suffix, suffix_level in LEVEL_SUFFIXES.items():
            if indicator is None and key.endswith(suffix):
                level, base = suffix_level, header[: -len(suffix)]
                indicator = catalogue.get(base)
        if indicator is None:
            problems.append(
                Problem(
                    table.file,
                    "Kolonnen kendes ikke af indikatorkataloget og springes over.",
                    row=table.header_row,
                    column=header,
                    expected="et kolonnenavn fra templates/indikatorer.yaml",
                    severity=Severity.ADVARSEL,
                )
            )
            continue
        parts.append(
            raw_frame(
                table,
                school_id=ids if level == LEVEL_SCHOOL else [""] * len(ids),
                school_name=names,
                level=level,
                school_year=years,
                indicator=indicator.id,
                group="",
                raw=cells(table, index),
                raw_n=None,
                column=header,
                n_column=None,
                id_cell=ids,
            )
        )
    if not parts:
        return pd.DataFrame(), problems
    return pd.concat(parts, ignore_index=True), problems


def indicator_ids(names: list[str], catalogue: Catalogue) -> list[str | None]:
    """The catalogue id of each published name (None when unknown), looked up once per name."""
    ids = {name: (i.id if (i := catalogue.get(name)) else None) for name in set(names)}
    return [ids[name] for name in names]


def unknown_columns(table: TextTable, known: tuple[str, ...], count_column: str) -> list[Problem]:
    """Columns a row-per-figure layout does not use. One that looks like a count where the layout's count
    column is missing (»Antal svar« for »Antal besvarelser«) is an error: read silently, the privacy rule
    would see no count and show figures from 3 pupils."""
    wanted = {normalise_key(k) for k in known}
    has_count = table.column(count_column) is not None
    problems = []
    for header in table.header:
        key = normalise_key(header)
        if not key or key in wanted:
            continue
        if not has_count and ("antal" in key or "besvarelser" in key):
            problems.append(Problem(table.file, "Kolonnen ligner et antal, men labkit kender ikke overskriften, så "
                                                "mindstegrænsen (mindste_gruppe) kan ikke bruges på tallene.",
                                    row=table.header_row, column=header, expected=f"overskriften »{count_column}«"))
        else:
            problems.append(Problem(table.file, "Kolonnen bruges ikke og springes over.", row=table.header_row,
                                    column=header, expected="kolonnerne " + ", ".join(known),
                                    severity=Severity.ADVARSEL))
    return problems


TRIVSEL_COLUMNS = (ID_COLUMN, NAME_COLUMN, YEAR_COLUMN, "Klassetringruppe", "Trivselsindikator", "Indikatorsvar",
                   "Antal besvarelser")
LONG_COLUMNS = (ID_COLUMN, NAME_COLUMN, YEAR_COLUMN, "Indikator", "Gruppe", "Niveau", "Værdi", "Antal")


def trivsel_raw(table: TextTable, catalogue: Catalogue) -> tuple[pd.DataFrame, list[Problem]]:
    ids = key_cells(table, ID_COLUMN)
    names = list(texts_of(cells(table, table.column("Trivselsindikator"))))
    n_index = table.column("Antal besvarelser")
    frame = raw_frame(
        table,
        school_id=ids,
        school_name=cells(table, table.column(NAME_COLUMN)),
        level=LEVEL_SCHOOL,
        school_year=key_cells(table, YEAR_COLUMN),
        indicator=indicator_ids(names, catalogue),
        indicator_text=names,
        group=list(texts_of(cells(table, table.column("Klassetringruppe")))),
        raw=cells(table, table.column("Indikatorsvar")),
        raw_n=cells(table, n_index),
        column="Indikatorsvar",
        n_column="Antal besvarelser" if n_index is not None else None,  # None: the file has no count column
        id_cell=ids,
        indicator_column="Trivselsindikator",
    )
    return frame, unknown_columns(table, TRIVSEL_COLUMNS, "Antal besvarelser")


def long_raw(table: TextTable, catalogue: Catalogue) -> tuple[pd.DataFrame, list[Problem]]:
    ids = key_cells(table, ID_COLUMN)
    names = list(texts_of(cells(table, table.column("Indikator"))))
    levels = list(texts_of(cells(table, table.column("Niveau"))))
    n_index = table.column("Antal")
    frame = raw_frame(
        table,
        school_id=ids,
        school_name=cells(table, table.column(NAME_COLUMN)),
        level=[LEVEL_WORDS.get(v.casefold(), v or LEVEL_SCHOOL) for v in levels],
        school_year=key_cells(table, YEAR_COLUMN),
        indicator=indicator_ids(names, catalogue),
        indicator_text=names,
        group=list(texts_of(cells(table, table.column("Gruppe")))),
        raw=cells(table, table.column("Værdi")),
        raw_n=cells(table, n_index),
        column="Værdi",
        n_column="Antal" if n_index is not None else None,  # None: the file has no count column
        id_cell=ids,
        indicator_column="Indikator",
    )
    return frame, unknown_columns(table, LONG_COLUMNS, "Antal")


def detect_layout(table: TextTable) -> tuple[str | None, list[str]]:
    """The layout whose required columns are most nearly present, and which of them are missing."""
    best: tuple[str | None, list[str]] = (None, [])
    best_key: tuple[int, int] | None = None
    for name, (required, _) in LAYOUTS.items():
        missing = [c for c in required if table.column(c) is None]
        if not missing:
            return name, []
        # Fewest missing columns first, so the message names only what this file lacks.
        key = (len(missing), -(len(required) - len(missing)))
        if best_key is None or key < best_key:
            best, best_key = (name, missing), key
    return best


# Recognised by their headers, in this order: the trivsel file also has the skoleoverblik's columns.
LAYOUTS = {
    "trivsel": (("Trivselsindikator", "Indikatorsvar", ID_COLUMN, YEAR_COLUMN), trivsel_raw),
    "lang": (("Indikator", "Værdi", YEAR_COLUMN), long_raw),
    "skoleoverblik": ((ID_COLUMN, YEAR_COLUMN), wide_raw),
}
