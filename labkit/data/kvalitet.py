"""Kvalitetsrapport figures: the three file layouts read into one tidy, validated table.

Layouts, recognised by their headers:
- *skoleoverblik*: one row per school and school year, one column per indicator, with
  `… Kommune` / `… Land` columns for the comparisons (as published);
- *trivsel*: one row per school, year, Klassetringruppe and Trivselsindikator (as published),
  optionally with `Antal besvarelser`;
- *lang* (tidy): Institutionsnummer, Skoleår, Indikator, Gruppe, Niveau, Værdi, Antal.

Every layout is first turned into the same long frame of raw cells; one function then parses,
validates and applies the privacy rule, so the rules cannot differ between layouts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from labkit.data.catalogue import Catalogue, Indicator
from labkit.data.config import INSTITUTION_NUMBER, is_school_year
from labkit.data.tables import TextTable, duplicate_headers, normalise_header, read_table
from labkit.numbers import (
    DecimalMark,
    detect_decimal_mark,
    looks_like_comma_decimal,
    looks_like_point_decimal,
    parse_number,
)
from labkit.problems import Problem, Severity

# Column names of the tidy table every later step uses.
KVALITET_COLUMNS = [
    "school_id",
    "school_name",
    "level",
    "school_year",
    "indicator",
    "group",
    "value",
    "n",
    "status",
    "source",
    "row",
    "column",
]
LEVEL_SCHOOL, LEVEL_KOMMUNE, LEVEL_LAND = "skole", "kommune", "land"
STATUS_PUBLISHED = "offentliggjort"
STATUS_NOT_PUBLISHED = "ikke offentliggjort"
STATUS_TOO_FEW = "for få besvarelser"

_ID, _NAME, _YEAR = "Institutionsnummer", "Institution", "Skoleår"
_LEVEL_SUFFIXES = {" kommune": LEVEL_KOMMUNE, " land": LEVEL_LAND}
_LEVEL_WORDS = {"skole": LEVEL_SCHOOL, "kommune": LEVEL_KOMMUNE, "land": LEVEL_LAND, "": LEVEL_SCHOOL}
HEADER_MARKERS = (_ID, "Skoleår", "Indikator", "Trivselsindikator")
NUMBER_EXAMPLE = "et tal som 7,3 eller 2.351, eller tomt/»-« hvis tallet ikke er offentliggjort"


@dataclass(frozen=True)
class FileRead:
    """What one file gave: its layout, its rows in the tidy table, and its problems."""

    layout: str
    table: pd.DataFrame
    problems: list[Problem]


def _cells(table: TextTable, index: int | None) -> np.ndarray:
    if index is None:
        return np.full(table.row_count, None, dtype=object)
    return table.cells[:, index]


def _as_text(cell: object) -> str:
    """A cell as text; Excel's whole-number floats lose their `.0`."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _raw_frame(table: TextTable, **columns: object) -> pd.DataFrame:
    frame = pd.DataFrame({k: v for k, v in columns.items()}, dtype=object)
    frame["row"] = table.row_numbers
    return frame


def _wide_raw(table: TextTable, catalogue: Catalogue) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    ids, names, years = (_cells(table, table.column(c)) for c in (_ID, _NAME, _YEAR))
    parts = []
    for index, header in enumerate(table.header):
        key = normalise_header(header)
        if key in {normalise_header(c) for c in (_ID, _NAME, _YEAR)} or not key:
            continue
        level, base = LEVEL_SCHOOL, header
        indicator = catalogue.get(header)
        for suffix, suffix_level in _LEVEL_SUFFIXES.items():
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
            _raw_frame(
                table,
                school_id=ids if level == LEVEL_SCHOOL else [""] * len(ids),
                school_name=names,
                level=level,
                school_year=years,
                indicator=indicator.id,
                group="",
                raw=_cells(table, index),
                raw_n=None,
                column=header,
                n_column=None,
                id_cell=ids,
            )
        )
    if not parts:
        return pd.DataFrame(), problems
    return pd.concat(parts, ignore_index=True), problems


def _indicator_ids(names: list[str], catalogue: Catalogue) -> list[str | None]:
    """The catalogue id of each published name (None when unknown), looked up once per name."""
    ids = {name: (i.id if (i := catalogue.get(name)) else None) for name in set(names)}
    return [ids[name] for name in names]


def _trivsel_raw(table: TextTable, catalogue: Catalogue) -> tuple[pd.DataFrame, list[Problem]]:
    ids = _cells(table, table.column(_ID))
    names = list(_texts(_cells(table, table.column("Trivselsindikator"))))
    n_index = table.column("Antal besvarelser")
    frame = _raw_frame(
        table,
        school_id=ids,
        school_name=_cells(table, table.column(_NAME)),
        level=LEVEL_SCHOOL,
        school_year=_cells(table, table.column(_YEAR)),
        indicator=_indicator_ids(names, catalogue),
        indicator_text=names,
        group=list(_texts(_cells(table, table.column("Klassetringruppe")))),
        raw=_cells(table, table.column("Indikatorsvar")),
        raw_n=_cells(table, n_index),
        column="Indikatorsvar",
        n_column="Antal besvarelser",
        id_cell=ids,
        indicator_column="Trivselsindikator",
    )
    return frame, []


def _long_raw(table: TextTable, catalogue: Catalogue) -> tuple[pd.DataFrame, list[Problem]]:
    ids = _cells(table, table.column(_ID))
    names = list(_texts(_cells(table, table.column("Indikator"))))
    levels = list(_texts(_cells(table, table.column("Niveau"))))
    frame = _raw_frame(
        table,
        school_id=ids,
        school_name=_cells(table, table.column(_NAME)),
        level=[_LEVEL_WORDS.get(v.casefold(), v or LEVEL_SCHOOL) for v in levels],
        school_year=_cells(table, table.column(_YEAR)),
        indicator=_indicator_ids(names, catalogue),
        indicator_text=names,
        group=list(_texts(_cells(table, table.column("Gruppe")))),
        raw=_cells(table, table.column("Værdi")),
        raw_n=_cells(table, table.column("Antal")),
        column="Værdi",
        n_column="Antal",
        id_cell=ids,
        indicator_column="Indikator",
    )
    return frame, []


LAYOUTS = {
    "trivsel": (("Trivselsindikator", "Indikatorsvar", _ID, _YEAR), _trivsel_raw),
    "lang": (("Indikator", "Værdi", _YEAR), _long_raw),
    "skoleoverblik": ((_ID, _YEAR), _wide_raw),
}


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


def _parse_unique(cells: pd.Series, decimal_mark: DecimalMark) -> tuple[np.ndarray, np.ndarray, list]:
    """Parse a column of cells; each distinct cell is parsed once (national files repeat a lot)."""
    codes, uniques = pd.factorize(cells.to_numpy(dtype=object), use_na_sentinel=True)
    parsed = [parse_number(u, decimal_mark) for u in uniques] + [parse_number(None)]
    values = np.array([p.value if p.value is not None else np.nan for p in parsed], dtype=float)[codes]
    suppressed = np.array([p.suppressed for p in parsed], dtype=bool)[codes]
    errors = np.array([p.error for p in parsed], dtype=object)[codes]
    return values, suppressed, list(errors)


def _texts(cells: pd.Series | np.ndarray) -> np.ndarray:
    """`_as_text` of every cell, computed once per distinct cell (national files repeat a lot)."""
    codes, uniques = pd.factorize(np.asarray(cells, dtype=object), use_na_sentinel=True)
    texts = np.array([_as_text(u) for u in uniques] + [""], dtype=object)
    return texts[codes]  # code -1 (missing) picks the trailing ""


def _check_ids_and_years(raw: pd.DataFrame, file: str) -> tuple[np.ndarray, list[Problem]]:
    """Rows whose institution number or school year is unusable are dropped with a FEJL."""
    ids, years = _texts(raw["id_cell"]), _texts(raw["school_year"])
    valid_id = {i: bool(INSTITUTION_NUMBER.match(i)) for i in set(ids)}
    valid_year = {y: is_school_year(y) for y in set(years)}
    bad_id = (raw["level"] == LEVEL_SCHOOL).to_numpy() & ~np.array([valid_id[i] for i in ids], dtype=bool)
    bad_year = ~np.array([valid_year[y] for y in years], dtype=bool)
    problems: list[Problem] = []
    rows = raw["row"].to_numpy()
    reported: set[int] = set()  # one message per row, not one per cell of a wide row
    for position in np.flatnonzero(bad_id):
        if rows[position] in reported:
            continue
        reported.add(rows[position])
        school_id = ids[position]
        hint = (" Excel har måske fjernet et foranstillet nul; formatér kolonnen som tekst."
                if school_id.isdigit() and len(school_id) < 6 else "")
        problems.append(Problem(file, "Ugyldigt institutionsnummer." + hint, row=int(rows[position]),
                                column=_ID, value=school_id, expected="6 cifre, fx 061001"))
    reported.clear()
    for position in np.flatnonzero(bad_year):
        if rows[position] in reported:
            continue
        reported.add(rows[position])
        problems.append(Problem(file, "Ugyldigt skoleår.", row=int(rows[position]), column=_YEAR,
                                value=years[position], expected="et skoleår skrevet som 2024/2025"))
    return ~(bad_id | bad_year), problems


def _check_rows(raw: pd.DataFrame, file: str, catalogue: Catalogue) -> tuple[np.ndarray, list[Problem]]:
    """Unknown indicators and levels in the row-per-figure layouts."""
    problems: list[Problem] = []
    good = raw["indicator"].notna().to_numpy()
    if "indicator_text" in raw:
        for row, text, column in raw.loc[~good, ["row", "indicator_text", "indicator_column"]].itertuples(
            index=False
        ):
            problems.append(
                Problem(
                    file,
                    "Indikatoren kendes ikke.",
                    row=row,
                    column=column,
                    value=text,
                    expected="et navn fra templates/indikatorer.yaml",
                )
            )
    bad_level = ~raw["level"].isin([LEVEL_SCHOOL, LEVEL_KOMMUNE, LEVEL_LAND]).to_numpy()
    for row, level in raw.loc[bad_level, ["row", "level"]].itertuples(index=False):
        problems.append(
            Problem(
                file,
                "Ukendt niveau.",
                row=row,
                column="Niveau",
                value=str(level),
                expected="Skole, Kommune eller Land",
            )
        )
    return good & ~bad_level, problems


def _category_values(raw: pd.Series, indicator: Indicator) -> tuple[np.ndarray, list[str | None]]:
    lookup = {normalise_header(k): v for k, v in indicator.categories.items()}
    values: list[float] = []
    errors: list[str | None] = []
    for cell in raw:
        text = normalise_header(cell)
        if text in ("", "-", "..", "*"):
            values.append(np.nan)
            errors.append(None)
        elif text in lookup:
            values.append(lookup[text])
            errors.append(None)
        else:
            values.append(np.nan)
            errors.append("en tekst, der ikke er en af kategorierne")
    return np.array(values, dtype=float), errors


def _finish(
    raw: pd.DataFrame, file: str, catalogue: Catalogue, min_group_size: int, known_schools: dict[str, str]
) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse, validate and suppress the raw cells of one file into the tidy table."""
    good_ids, problems = _check_ids_and_years(raw, file)
    good_rows, row_problems = _check_rows(raw, file, catalogue)
    problems += row_problems
    # Rows with a bad number or year are still value-checked, so every problem is reported at once.
    usable_ids = good_ids[good_rows]
    raw = raw.loc[good_rows].reset_index(drop=True)
    if raw.empty:
        return pd.DataFrame(columns=KVALITET_COLUMNS), problems

    texts = [c for c in set(raw["raw"]) | set(raw["raw_n"]) if isinstance(c, str) and c.strip()]
    decimal_mark = detect_decimal_mark(texts)
    if decimal_mark is None:
        # Read with the more common mark, so each cell written the other way is reported by place.
        points = sum(looks_like_point_decimal(t) for t in texts)
        commas = sum(looks_like_comma_decimal(t) for t in texts)
        decimal_mark = DecimalMark.POINT if points > commas else DecimalMark.COMMA
        problems.append(
            Problem(
                file,
                "Filen blander decimalkomma (7,3) og decimalpunktum (7.3), "
                "så det er uklart, hvordan fx 2.351 skal læses. De celler, der "
                "afviger fra resten af filen, er nævnt enkeltvis.",
                expected="samme talformat i hele filen",
            )
        )

    value, suppressed, errors = _parse_unique(raw["raw"], decimal_mark)
    for indicator_id in raw["indicator"].unique():
        indicator = catalogue[indicator_id]
        if indicator.is_categorical:
            mask = (raw["indicator"] == indicator_id).to_numpy()
            cat_values, cat_errors = _category_values(raw.loc[mask, "raw"], indicator)
            value[mask] = cat_values
            suppressed[mask] = np.isnan(cat_values)
            for position, error in zip(np.flatnonzero(mask), cat_errors):
                errors[position] = error
    n, _, n_errors = _parse_unique(raw["raw_n"], decimal_mark)

    scale = raw["indicator"].map({i.id: i.scale for i in catalogue.indicators})
    low = np.array([s[0] for s in scale])
    high = np.array([s[1] for s in scale])
    out_of_scale = ~np.isnan(value) & ((value < low) | (value > high))
    bad_n = ~np.isnan(n) & ((n < 0) | (n != np.round(n)))
    is_count = raw["indicator"].map({i.id: i.unit == "antal" for i in catalogue.indicators}).to_numpy(dtype=bool)
    not_whole = is_count & ~np.isnan(value) & (value != np.round(value))
    bad = np.array([e is not None for e in errors]) | out_of_scale | not_whole
    bad_n_cell = np.array([e is not None for e in n_errors]) | bad_n

    for position in np.flatnonzero(bad | bad_n_cell):
        record = raw.iloc[position]
        indicator = catalogue[record["indicator"]]
        if bad[position]:
            if out_of_scale[position]:
                what, expected = (
                    "Tallet ligger uden for indikatorens skala.",
                    (f"et tal mellem {indicator.scale[0]:g} og {indicator.scale[1]:g} for {indicator.name}"),
                )
            elif not_whole[position]:
                what, expected = (("Et antal skal være et helt tal; måske er tusindtalspunktum læst som "
                                  "decimaltegn."), f"et helt tal for {indicator.name}, fx 2.351")
            elif indicator.is_categorical:
                what, expected = "Ukendt kategori.", "en af " + ", ".join(indicator.categories)
            else:
                what, expected = f"Der står {errors[position]}.", NUMBER_EXAMPLE
            problems.append(
                Problem(
                    file,
                    what,
                    row=int(record["row"]),
                    column=str(record["column"]),
                    value=_as_text(record["raw"]),
                    expected=expected,
                    school_id=str(record["school_id"]) or None,
                )
            )
        if bad_n_cell[position]:
            problems.append(
                Problem(
                    file,
                    "Antallet kan ikke læses som et helt tal.",
                    row=int(record["row"]),
                    column=str(record["n_column"]),
                    value=_as_text(record["raw_n"]),
                    expected="et helt tal (antal elever eller besvarelser)",
                    school_id=str(record["school_id"]) or None,
                )
            )
    keep = ~bad & usable_ids
    n[bad_n_cell] = np.nan
    # Without a readable n the privacy rule cannot be checked, so the figure is not shown.
    value[bad_n_cell] = np.nan

    # The privacy rule lives here, in the data layer: a figure from too few pupils has no value.
    too_few = ~np.isnan(n) & (n < min_group_size)
    status = np.where(
        too_few,
        STATUS_TOO_FEW,
        np.where(np.isnan(value) | suppressed, STATUS_NOT_PUBLISHED, STATUS_PUBLISHED),
    )
    value = np.where(too_few, np.nan, value)

    school_id = pd.Series(_texts(raw["id_cell"])).where(raw["level"] == LEVEL_SCHOOL, "")
    data_name = _texts(raw["school_name"])
    school_name = np.where(school_id.isin(list(known_schools)), school_id.map(known_schools), data_name)
    table = pd.DataFrame(
        {
            "school_id": school_id.astype(str),
            "school_name": school_name,
            "level": raw["level"],
            "school_year": _texts(raw["school_year"]),
            "indicator": raw["indicator"],
            "group": raw["group"].fillna(""),
            "value": value,
            "n": pd.array([None if np.isnan(count) else count for count in n], dtype="Int64"),
            "status": status,
            "source": file,
            "row": raw["row"].astype(int),
            "column": raw["column"],
        }
    )
    return table.loc[keep].reset_index(drop=True), problems


def _comparisons_from_lab_schools(raw: pd.DataFrame, known_schools: dict[str, str]) -> pd.DataFrame:
    """Keep the `… Kommune` figures of the lab's own schools' rows.

    A regional or national download repeats each school's *own* municipality's figure on its
    row; only the lab's schools' rows hold the lab's municipality.
    """
    if raw.empty or not known_schools:
        return raw
    is_comparison = (raw["level"] != LEVEL_SCHOOL).to_numpy()
    of_lab_school = np.isin(_texts(raw["id_cell"]), list(known_schools))
    if not (is_comparison & of_lab_school).any():
        return raw
    return raw.loc[~is_comparison | of_lab_school].reset_index(drop=True)


def read_kvalitet_file(
    path: Path, catalogue: Catalogue, min_group_size: int, known_schools: dict[str, str]
) -> FileRead:
    """Read one kvalitetsrapport file in any supported layout. Never raises for bad data."""
    table, problems = read_table(path, HEADER_MARKERS)
    if table is None:
        return FileRead("ukendt", pd.DataFrame(columns=KVALITET_COLUMNS), problems)
    problems += duplicate_headers(table)
    layout, missing = detect_layout(table)
    if layout is None or missing:
        expected = {name: ", ".join(cols) for name, (cols, _) in LAYOUTS.items()}
        problems.append(
            Problem(
                table.file,
                "Filens kolonner passer ikke til et kendt format"
                + (f"; der mangler {', '.join('»' + m + '«' for m in missing)}." if missing else "."),
                row=table.header_row,
                value="; ".join(table.header)[:160],
                expected="; eller ".join(f"{k}: {v}" for k, v in expected.items()),
            )
        )
        return FileRead(layout or "ukendt", pd.DataFrame(columns=KVALITET_COLUMNS), problems)
    if any(p.severity is Severity.FEJL for p in problems):
        return FileRead(layout, pd.DataFrame(columns=KVALITET_COLUMNS), problems)
    raw, layout_problems = LAYOUTS[layout][1](table, catalogue)
    if layout == "skoleoverblik":
        raw = _comparisons_from_lab_schools(raw, known_schools)
    problems += layout_problems
    if raw.empty:
        problems.append(
            Problem(
                table.file,
                "Filen har ingen kolonner med kendte indikatorer.",
                row=table.header_row,
                expected="mindst én kolonne fra indikatorkataloget",
            )
        )
        return FileRead(layout, pd.DataFrame(columns=KVALITET_COLUMNS), problems)
    tidy, value_problems = _finish(raw, table.file, catalogue, min_group_size, known_schools)
    return FileRead(layout, tidy, problems + value_problems)
