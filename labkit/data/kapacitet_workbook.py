"""Writing the facilitator's Excel workbook for entering kapacitetsinterviews (openpyxl).

Its layout (sheet and column names) and reading it back are in `labkit.data.kapacitet_entry`, which does
not need openpyxl: loading a lab, which every handout does, stays light.

Regenerate the blank template shipped with labkit with `python -m labkit.data.kapacitet_workbook`.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from labkit.data.config import DEFAULT_MIN_GROUP_SIZE, SCHOOL_ID_DIGITS
from labkit.data.instrument import DEFAULT_INSTRUMENT, Instrument, load_instrument
from labkit.data.kapacitet_entry import (
    COL_DIMENSION,
    COL_GROUP,
    COL_KIND,
    COL_PEOPLE,
    COL_RESPONDENT,
    COL_ROUND,
    COL_SCHOOL,
    COL_SCHOOL_ID,
    FIRST_ROUND,
    NOTE_HEADERS,
    NOTE_KINDS,
    SHEET_GUIDE,
    SHEET_LISTS,
    SHEET_NOTES,
    SHEET_RATINGS,
    SHEET_STATEMENTS,
    STATEMENT_HEADERS,
    fixed_columns,
)
from labkit.data.templates import BUNDLED_TEMPLATES
from labkit.files import replace_with

BLANK_TEMPLATE = BUNDLED_TEMPLATES / "kapacitetsinterview_indtastning.xlsx"
LAST_ROW = 2000  # validations reach this far, well beyond a lab's respondents
TEXT_FORMAT = "@"

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_GUIDE_HEADINGS = ("Små grupper vises ikke", "Hvis noget er skrevet forkert")


def _guide_lines(instrument: Instrument, min_group_size: int | None, has_schools: bool) -> list[str]:
    scale = instrument.scale
    labels = [f"   {v} = {scale.labels[v]}" for v in range(scale.min, scale.max + 1) if v in scale.labels]
    groups = ", ".join(g.name for g in instrument.groups)
    first_ids = ", ".join(s.id for s in instrument.statements[:2])
    choose = "Vælg det på listen, eller skriv det" if has_schools else "Skriv det"
    minimum = (
        f"mindst {min_group_size} respondenter"
        if min_group_size
        else "mindst det antal respondenter, laboratoriet har valgt (normalt 5),"
    )
    if instrument.consensus:
        row_is = [
            f"1. Arket »{SHEET_RATINGS}«: skriv én række pr. gruppeinterview: gruppens fælles vurdering.",
            f"   {COL_PEOPLE}: hvor mange personer der var med til den fælles vurdering.",
        ]
        small = "personer"
    else:
        row_is = [f"1. Arket »{SHEET_RATINGS}«: skriv én række pr. respondent (én person, der har svaret)."]
        small = "respondenter"
    minimum = minimum.replace("respondenter", small)
    return [
        "Kapacitetsinterview – indtastning",
        f"Instrument: {instrument.name}",
        "",
        *row_is,
        (
            f"   {COL_SCHOOL_ID}: skolens 6-cifrede nummer. {choose}; "
            "cellen er formateret som tekst, så et 0 foran bevares."
        ),
        f"   {COL_SCHOOL}: skolens navn (kun som hjælp til dig; labkit bruger institutionsnummeret).",
        f"   {COL_GROUP}: vælg gruppen på listen: {groups}.",
        f"   {COL_RESPONDENT}: et nummer eller en kort betegnelse, fx 1, 2 eller L3. Skriv aldrig navne.",
        (
            f"   {COL_ROUND}: 1 ved første interview, 2, når interviewet gentages ved et senere laboratorium "
            "(tom betyder 1). labkit sammenligner den seneste runde med den forrige."
        ),
        (
            f"   {first_ids} …: svaret på hvert udsagn. Hold musen over overskriften for at se "
            f"udsagnet. Alle udsagn står i arket »{SHEET_STATEMENTS}«."
        ),
        "",
        f"2. Skalaen: skriv et helt tal fra {scale.min} til {scale.max}.",
        *labels,
        "   Lad cellen stå tom, hvis respondenten ikke har svaret på udsagnet.",
        "",
        (
            f"3. Arket »{SHEET_NOTES}«: interviewernes noter og citater, én pr. række. Vælg dimension "
            "og type (Note eller Citat), og skriv runden som i arket med vurderingerne. Respondentgruppen "
            "kan udelades."
        ),
        "   Skriv citater, så ingen kan genkendes: ingen navne, klasser eller episoder, der peger på nogen.",
        "",
        "Små grupper vises ikke",
        (
            f"En respondentgruppe vises kun for en skole, når {minimum} fra gruppen "
            f"{'stod bag gruppens vurdering' if instrument.consensus else 'har svaret'}. "
            "Mindre grupper skjules i alle tabeller og figurer, og deres noter vises uden gruppenavn."
        ),
        "",
        "Hvis noget er skrevet forkert",
        (
            "Intet går tabt. Kør »labkit check«: den viser hver fejl med ark, række og kolonne, så du kan "
            "rette cellen og køre igen."
        ),
        f"Ændr ikke overskrifterne i række 1 og ikke arkenes navne (»{SHEET_RATINGS}«, »{SHEET_NOTES}«).",
    ]


def _write_guide(sheet: Worksheet, lines: list[str]) -> None:
    for line in lines:
        sheet.append([line])
        cell = sheet.cell(row=sheet.max_row, column=1)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if line in _GUIDE_HEADINGS or line[:2] in ("1.", "2.", "3."):
            cell.font = _HEADER_FONT
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 120


def _write_header(sheet: Worksheet, headers: list[str], widths: list[float]) -> None:
    sheet.append(headers)
    for cell, width in zip(sheet[1], widths):
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.freeze_panes = "A2"


def _list_range(column: str, count: int) -> str:
    return f"{SHEET_LISTS}!${column}$2:${column}${max(count, 1) + 1}"


def _validation(
    kind: str, formula1: str, error: str, formula2: str | None = None, prompt: str = ""
) -> DataValidation:
    validation = DataValidation(
        type=kind,
        operator="between" if formula2 else ("equal" if kind == "textLength" else None),
        formula1=formula1,
        formula2=formula2,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle="Ugyldig værdi",
        error=error,
        showInputMessage=bool(prompt),
        prompt=prompt[:250] or None,
    )
    return validation


def _validate(
    sheet: Worksheet, validation: DataValidation, column: int, last_column: int | None = None
) -> None:
    sheet.add_data_validation(validation)
    first, last = get_column_letter(column), get_column_letter(last_column or column)
    validation.add(f"{first}2:{last}{LAST_ROW}")


def _school_validation(schools: list[tuple[str, str]]) -> DataValidation:
    if not schools:  # a blank template: no list yet, but a number must keep its 6 digits
        return _validation("textLength", str(SCHOOL_ID_DIGITS),
                           f"Institutionsnummeret skal have {SCHOOL_ID_DIGITS} cifre, fx 101001.")
    return _validation(
        "list", "=" + _list_range("A", len(schools)), "Vælg skolens institutionsnummer på listen."
    )


def _text_columns(sheet: Worksheet, columns: list[int]) -> None:
    """Text format for the whole column, so Excel keeps a leading 0 in what is typed later."""
    for column in columns:
        sheet.column_dimensions[get_column_letter(column)].number_format = TEXT_FORMAT


def _write_lists(sheet: Worksheet, instrument: Instrument, schools: list[tuple[str, str]]) -> None:
    columns = [
        [COL_SCHOOL_ID, *(number for number, _ in schools)],
        [COL_SCHOOL, *(name for _, name in schools)],
        [COL_GROUP, *(g.name for g in instrument.groups)],
        [COL_DIMENSION, *(d.name for d in instrument.dimensions)],
        [COL_KIND, *NOTE_KINDS],
    ]
    for index, values in enumerate(columns, start=1):
        for row, value in enumerate(values, start=1):
            sheet.cell(row=row, column=index, value=value).number_format = TEXT_FORMAT
    sheet.sheet_state = "hidden"


def _rating_value(value: object) -> object:
    if isinstance(value, float):
        return None if math.isnan(value) else int(value) if value.is_integer() else value
    return value


def _rating_rows(ratings: pd.DataFrame, instrument: Instrument, names: dict[str, str]) -> list[list[object]]:
    """One row per respondent from a long table (school_id, group, respondent, statement, rating, and
    optionally round and, for a consensus instrument, people)."""
    frame = ratings.astype({"school_id": str, "group": str, "respondent": str})
    if "round" not in frame:
        frame = frame.assign(round=FIRST_ROUND)
    if "people" not in frame:
        frame = frame.assign(people=None)
    rows: list[list[object]] = []
    for (school, round_, group_id, respondent), part in frame.groupby(
        ["school_id", "round", "group", "respondent"], sort=False
    ):
        by_statement = dict(zip(part["statement"], part["rating"]))
        group = instrument.group(group_id)
        values = [_rating_value(by_statement.get(s.id)) for s in instrument.statements]
        people = [_rating_value(part["people"].iloc[0])] if instrument.consensus else []
        rows.append([school, names.get(str(school), ""), group.name if group else group_id, respondent,
                     int(str(round_)), *people, *values])
    return rows


def _note_rows(notes: pd.DataFrame, instrument: Instrument, names: dict[str, str]) -> list[list[object]]:
    """One row per note from a table (school_id, group, dimension, kind, text); ids become names."""
    rows: list[list[object]] = []
    for note in notes.itertuples(index=False):
        group_id = note.group if isinstance(note.group, str) else ""
        group = instrument.group(group_id)
        dimension = instrument.dimension(note.dimension)
        school = str(note.school_id)
        group_name = group.name if group else group_id
        dimension_name = dimension.name if dimension else note.dimension
        round_ = int(getattr(note, "round", FIRST_ROUND))
        rows.append([school, names.get(school, ""), round_, group_name, dimension_name, note.kind, note.text])
    return rows


def _append_rows(sheet: Worksheet, rows: list[list[object]], text_columns: list[int]) -> None:
    for values in rows:
        sheet.append(values)
        for column in text_columns:
            sheet.cell(row=sheet.max_row, column=column).number_format = TEXT_FORMAT


def _write_ratings(
    sheet: Worksheet, instrument: Instrument, schools: list[tuple[str, str]], rows: list[list[object]]
) -> None:
    statements = instrument.statements
    fixed = fixed_columns(instrument)
    widths = {COL_SCHOOL_ID: 20, COL_SCHOOL: 28, COL_GROUP: 20, COL_RESPONDENT: 13, COL_ROUND: 8, COL_PEOPLE: 10}
    _write_header(sheet, [*fixed, *(s.id for s in statements)], [*(widths[c] for c in fixed), *[6] * len(statements)])
    for cell, statement in zip(sheet[1][len(fixed) :], statements):
        cell.comment = Comment(f"{statement.id}: {statement.text}", "labkit", width=320, height=110)
        cell.alignment = Alignment(horizontal="center")
    sheet.freeze_panes = f"{get_column_letter(len(fixed) + 1)}2"
    _text_columns(sheet, [1, 4])
    _validate(sheet, _school_validation(schools), 1)
    groups = ", ".join(g.name for g in instrument.groups)
    _validate(
        sheet,
        _validation("list", "=" + _list_range("C", len(instrument.groups)), f"Vælg en af: {groups}."),
        3,
    )
    scale = instrument.scale
    labels = "; ".join(f"{v} = {text}" for v, text in scale.labels.items())
    rating = _validation(
        "whole",
        str(scale.min),
        f"Skriv et helt tal fra {scale.min} til {scale.max}, eller lad cellen stå tom.",
        formula2=str(scale.max),
        prompt=labels,
    )
    _validate(sheet, rating, len(fixed) + 1, len(fixed) + len(statements))
    whole = _validation("whole", "1", "Skriv et helt tal: 1 ved første interview, 2 ved det næste osv.",
                        formula2="99")
    _validate(sheet, whole, fixed.index(COL_ROUND) + 1)
    if instrument.consensus:
        people = _validation("whole", "1", "Skriv antallet af personer bag gruppens vurdering som et helt tal.",
                             formula2="999")
        _validate(sheet, people, fixed.index(COL_PEOPLE) + 1)
    _append_rows(sheet, rows, [1, 4])


def _write_notes(
    sheet: Worksheet, instrument: Instrument, schools: list[tuple[str, str]], rows: list[list[object]]
) -> None:
    _write_header(sheet, list(NOTE_HEADERS), [20, 28, 8, 20, 34, 10, 90])
    _text_columns(sheet, [1])
    _validate(sheet, _school_validation(schools), 1)
    _validate(sheet, _validation("whole", "1", "Skriv et helt tal: runden, som i arket med vurderingerne.",
                                 formula2="99"), 3)
    group_list = _validation(
        "list",
        "=" + _list_range("C", len(instrument.groups)),
        "Vælg en gruppe på listen, eller lad feltet stå tomt.",
    )
    _validate(sheet, group_list, 4)
    dimensions = _validation(
        "list", "=" + _list_range("D", len(instrument.dimensions)), "Vælg en dimension på listen."
    )
    _validate(sheet, dimensions, 5)
    _validate(
        sheet, _validation("list", "=" + _list_range("E", len(NOTE_KINDS)), "Vælg Note eller Citat."), 6
    )
    _append_rows(sheet, rows, [1])
    for row in sheet.iter_rows(min_row=2, min_col=7, max_col=7):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")


def _write_statements(sheet: Worksheet, instrument: Instrument) -> None:
    _write_header(sheet, list(STATEMENT_HEADERS), [8, 40, 110])
    for dimension in instrument.dimensions:
        for statement in dimension.statements:
            sheet.append([statement.id, dimension.name, statement.text])
    sheet.protection.sheet = True  # a reference table: the ids must match the instrument


def write_entry_workbook(
    path: Path,
    instrument: Instrument,
    schools: list[tuple[str, str]],
    ratings: pd.DataFrame | None = None,
    notes: pd.DataFrame | None = None,
    *,
    min_group_size: int | None = DEFAULT_MIN_GROUP_SIZE,
) -> None:
    """Write the data-entry workbook for `instrument`; `schools` are (institutionsnummer, navn).

    `ratings` (school_id, group, respondent, statement, rating; optionally round, and people for a
    consensus instrument) and `notes` (school_id, group, dimension, kind, text; optionally round) are
    filled in when given. Ids are written as the Danish names.
    `min_group_size` is only quoted in the guide sheet (None: "the lab's minimum").
    """
    names = dict(schools)
    workbook = Workbook()
    guide = workbook.active
    assert guide is not None  # a new Workbook always has one sheet
    guide.title = SHEET_GUIDE
    _write_guide(guide, _guide_lines(instrument, min_group_size, bool(schools)))
    rating_rows = _rating_rows(ratings, instrument, names) if ratings is not None else []
    _write_ratings(workbook.create_sheet(SHEET_RATINGS), instrument, schools, rating_rows)
    note_rows = _note_rows(notes, instrument, names) if notes is not None else []
    _write_notes(workbook.create_sheet(SHEET_NOTES), instrument, schools, note_rows)
    _write_statements(workbook.create_sheet(SHEET_STATEMENTS), instrument)
    _write_lists(workbook.create_sheet(SHEET_LISTS), instrument, schools)
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_with(path, workbook.save)


def write_blank_template(path: Path = BLANK_TEMPLATE, instrument_path: Path = DEFAULT_INSTRUMENT) -> None:
    """Write the empty workbook shipped with labkit (no schools yet; all other lists in place)."""
    write_entry_workbook(path, load_instrument(instrument_path), [], min_group_size=None)
