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

import hashlib
import math
import secrets
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from labkit.data.catalogue import PUPIL_MEAN, PUPIL_SHARE, Catalogue, Indicator
from labkit.data.config import FIRST_SCHOOL_YEAR, INSTITUTION_NUMBER, is_school_year, with_leading_zeros
from labkit.data.csv_text import read_csv_text
from labkit.data.kvalitet_layouts import LAYOUTS, as_text, detect_layout, texts_of
from labkit.data.kvalitet_schema import (
    HEADER_MARKERS,
    ID_COLUMN,
    KVALITET_COLUMNS,
    LEVEL_KOMMUNE,
    LEVEL_LAND,
    LEVEL_SCHOOL,
    NUMBER_EXAMPLE,
    STATUS_NOT_PUBLISHED,
    STATUS_PUBLISHED,
    STATUS_TOO_FEW,
    YEAR_COLUMN,
)
from labkit.data.tables import TextTable, duplicate_headers, normalise_key, read_xlsx_text
from labkit.numbers import (
    DecimalMark,
    detect_decimal_mark,
    is_suppression_marker,
    looks_like_comma_decimal,
    looks_like_point_decimal,
    parse_number,
)
from labkit.problems import Problem, Severity

# Two copies of a figure are compared by a salted digest of the value as read and its count, so a hidden
# figure's value can be compared without being kept: it never leaves this process, not even as a hash.
DIGEST_COLUMN = "figure_digest"
HIDDEN_DIGEST = "skjult"
_SALT = secrets.token_bytes(16)


def figure_digest(value: float, count: float) -> str:
    """Equal for two copies of the same figure (value and count as read, before hiding), else different."""
    key = repr((None if math.isnan(value) else round(value, 9), None if math.isnan(count) else count))
    return hashlib.blake2b(key.encode(), key=_SALT, digest_size=8).hexdigest()


@dataclass(frozen=True)
class FileRead:
    """What one file gave: its layout, its rows in the tidy table, and its problems."""

    layout: str
    table: pd.DataFrame
    problems: list[Problem]


def _parse_unique(cells: pd.Series, decimal_mark: DecimalMark) -> tuple[np.ndarray, np.ndarray, list]:
    """Parse a column of cells; each distinct cell is parsed once (national files repeat a lot)."""
    codes, uniques = pd.factorize(cells.to_numpy(dtype=object), use_na_sentinel=True)
    parsed = [parse_number(u, decimal_mark) for u in uniques] + [parse_number(None)]
    values = np.array([p.value if p.value is not None else np.nan for p in parsed], dtype=float)[codes]
    suppressed = np.array([p.suppressed for p in parsed], dtype=bool)[codes]
    errors = np.array([p.error for p in parsed], dtype=object)[codes]
    return values, suppressed, list(errors)




def _year_issue(year: str, latest_year: str | None) -> tuple[str, str] | None:
    """(what is wrong, what was expected) for a school year that is malformed or outside the years a figure
    can be from: not before FIRST_SCHOOL_YEAR, not after the lab's own `skoleår`."""
    latest = latest_year or "det aktuelle skoleår"
    expected = f"et skoleår skrevet som 2024/2025, fra {FIRST_SCHOOL_YEAR} til {latest}"
    if not is_school_year(year):
        return "Ugyldigt skoleår.", expected
    if year < FIRST_SCHOOL_YEAR:
        return (f"Skoleåret ligger før {FIRST_SCHOOL_YEAR}. Så gamle tal er ikke offentliggjort som "
                "kvalitetsrapport, så det er nok en tastefejl."), expected
    if latest_year is not None and year > latest_year:
        return (f"Skoleåret ligger efter laboratoriets skoleår ({latest_year} i lab.yaml), så tallet kan ikke "
                "være offentliggjort endnu."), expected
    return None


def _check_ids_and_years(raw: pd.DataFrame, file: str,
                         latest_year: str | None = None) -> tuple[np.ndarray, list[Problem]]:
    """Rows whose institution number or school year is unusable are dropped with a FEJL."""
    ids, years = texts_of(raw["id_cell"]), texts_of(raw["school_year"])
    valid_id = {i: bool(INSTITUTION_NUMBER.match(i)) for i in set(ids)}
    year_issue = {y: _year_issue(y, latest_year) for y in set(years)}
    valid_year = {y: issue is None for y, issue in year_issue.items()}
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
                if with_leading_zeros(school_id) != school_id else "")
        problems.append(Problem(file, "Ugyldigt institutionsnummer." + hint, row=int(rows[position]),
                                column=ID_COLUMN, value=school_id, expected="6 cifre, fx 061001"))
    reported.clear()
    for position in np.flatnonzero(bad_year):
        if rows[position] in reported:
            continue
        reported.add(rows[position])
        what, expected = year_issue[years[position]] or ("", "")
        problems.append(Problem(file, what, row=int(rows[position]), column=YEAR_COLUMN,
                                value=years[position], expected=expected))
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
    lookup = {normalise_key(k): v for k, v in indicator.categories.items()}
    values: list[float] = []
    errors: list[str | None] = []
    for cell in raw:
        text = normalise_key(cell)
        if is_suppression_marker(as_text(cell)):  # the same markers as for a number cell
            values.append(np.nan)
            errors.append(None)
        elif text in lookup:
            values.append(lookup[text])
            errors.append(None)
        else:
            values.append(np.nan)
            errors.append("en tekst, der ikke er en af kategorierne")
    return np.array(values, dtype=float), errors


def _no_count_problems(raw: pd.DataFrame, file: str, uncheckable: np.ndarray, min_group_size: int) -> list[Problem]:
    """One warning per count column for the school figures hidden because their count is missing."""
    problems = []
    columns = raw["n_column"].astype(str).to_numpy()
    row_numbers = raw["row"].to_numpy(dtype=int)
    for column in dict.fromkeys(columns[uncheckable].tolist()):
        in_column = np.flatnonzero(uncheckable & (columns == column))
        rows = sorted(set(row_numbers[in_column].tolist()))
        others = rows[1:]
        also = ""
        if others:
            listed = ", ".join(str(r) for r in others[:5])
            also = f" Det gælder også række {listed}" + (f" (og {len(others) - 5} andre)" if len(others) > 5 else "") + "."
        first = raw.iloc[in_column[0]]
        problems.append(Problem(
            file, f"Tallet har intet antal (cellen er tom eller et mærke som »-«), så det kan ikke tjekkes mod "
                  f"mindstegrænsen (mindste_gruppe = {min_group_size}). Tallet skjules derfor, som hvis det byggede "
                  "på for få besvarelser." + also,
            # No »Fundet«: it would follow the other rows' numbers and seem to be theirs.
            row=rows[0], column=column,
            expected=f"antallet af elever eller besvarelser bag tallet (mindst {min_group_size} for at vise det)",
            severity=Severity.ADVARSEL, school_id=str(first["school_id"]) or None))
    return problems


def _finish(
    raw: pd.DataFrame, file: str, catalogue: Catalogue, min_group_size: int, known_schools: dict[str, str],
    latest_year: str | None = None,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse, validate and suppress the raw cells of one file into the tidy table."""
    good_ids, problems = _check_ids_and_years(raw, file, latest_year)
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

    # A figure the privacy rule hides is never quoted, not even in a message about its cell; nor is one
    # whose count cannot be read, since then the rule cannot be checked (the figure is left out too).
    too_few = ~np.isnan(n) & (n < min_group_size)
    # In a file with a count column, a school's figure of pupils' answers or results without a count (empty
    # or a marker) cannot be checked against the rule either: it is hidden like a figure from too few. Kommune
    # and land figures (aggregates over many schools) and school figures that are not counts of pupils
    # (elevtal, fravær, the ministry's verdict) are published without one, as in the skoleoverblik.
    has_count_column = raw["n_column"].notna().to_numpy()
    of_pupils = raw["indicator"].map({i.id: i.uncertainty in (PUPIL_MEAN, PUPIL_SHARE)
                                      for i in catalogue.indicators}).to_numpy(dtype=bool)
    no_count = (has_count_column & of_pupils & (raw["level"] == LEVEL_SCHOOL).to_numpy() & np.isnan(n)
                & ~bad_n_cell)
    hidden = too_few | bad_n_cell | no_count
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
                    value=(f"(skjult: færre end {min_group_size} besvarelser)" if too_few[position]
                           else "(skjult: antallet mangler)" if no_count[position]
                           else "(skjult: antallet kan ikke læses)" if hidden[position] else as_text(record["raw"])),
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
                    value=as_text(record["raw_n"]),
                    expected="et helt tal (antal elever eller besvarelser)",
                    school_id=str(record["school_id"]) or None,
                )
            )
    uncheckable = no_count & ~bad & ~np.isnan(value)
    problems += _no_count_problems(raw, file, uncheckable, min_group_size)
    keep = ~bad & usable_ids
    n[bad_n_cell] = np.nan
    # Without a readable n the privacy rule cannot be checked, so the figure is not shown.
    value[bad_n_cell] = np.nan

    # The privacy rule lives here, in the data layer: a figure from too few pupils has no value.
    too_few = (~np.isnan(n) & (n < min_group_size)) | uncheckable
    status = np.where(
        too_few,
        STATUS_TOO_FEW,
        np.where(np.isnan(value) | suppressed, STATUS_NOT_PUBLISHED, STATUS_PUBLISHED),
    )
    # A hidden figure is never compared with its copy: whether two hidden copies agree would show through
    # (an error or not, an overview made or not) and tell something of the values the rule hides.
    digest = [HIDDEN_DIGEST if hide else figure_digest(v, c) for v, c, hide in zip(value.tolist(), n.tolist(), too_few)]
    value = np.where(too_few, np.nan, value)

    school_id = pd.Series(texts_of(raw["id_cell"])).where(raw["level"] == LEVEL_SCHOOL, "")
    data_name = texts_of(raw["school_name"])
    school_name = np.where(school_id.isin(list(known_schools)), school_id.map(known_schools), data_name)
    table = pd.DataFrame(
        {
            "school_id": school_id.astype(str),
            "school_name": school_name,
            "level": raw["level"],
            "school_year": texts_of(raw["school_year"]),
            "indicator": raw["indicator"],
            "group": raw["group"].fillna(""),
            "value": value,
            "n": pd.array([None if np.isnan(count) else count for count in n], dtype="Int64"),
            "status": status,
            "source": file,
            "row": raw["row"].astype(int),
            "column": raw["column"],
            DIGEST_COLUMN: digest,
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
    of_lab_school = np.isin(texts_of(raw["id_cell"]), list(known_schools))
    if not (is_comparison & of_lab_school).any():
        return raw
    return raw.loc[~is_comparison | of_lab_school].reset_index(drop=True)


def read_table(path: Path, header_markers: tuple[str, ...]) -> tuple[TextTable | None, list[Problem]]:
    """Read a CSV or .xlsx file as text rows, finding its header by one of `header_markers`."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx_text(path, header_markers)
    return read_csv_text(path, header_markers)


def read_kvalitet_file(
    path: Path, catalogue: Catalogue, min_group_size: int, known_schools: dict[str, str],
    latest_year: str | None = None,
) -> FileRead:
    """Read one kvalitetsrapport file in any supported layout. Never raises for bad data.

    `latest_year` is the lab's own `skoleår`: a figure from a later school year is refused."""
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
    problems += layout_problems
    if any(p.severity is Severity.FEJL for p in layout_problems):  # e.g. a count column under another name
        return FileRead(layout, pd.DataFrame(columns=KVALITET_COLUMNS), problems)
    if layout == "skoleoverblik":
        raw = _comparisons_from_lab_schools(raw, known_schools)
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
    tidy, value_problems = _finish(raw, table.file, catalogue, min_group_size, known_schools, latest_year)
    return FileRead(layout, tidy, problems + value_problems)
