"""Kapacitetsinterviews: the facilitator's Excel workbook read back into a private, tidy profile.

Reading goes in small steps: workbook cells (`labkit.data.kapacitet_entry`; `kapacitet_workbook`
writes the workbook) → validated respondent rows → aggregated profile. Bad data never raises; every
problem is returned at once. The profile never carries a mean for a group with fewer people behind it
than the lab's minimum, so nothing later can show it.

Rules:
- a row is one respondent (`vurdering: individuel`) or one group interview's consensus
  (`vurdering: konsensus`, with the number of people in »Deltagere«, required);
- »Runde« says which interview round a row belongs to; a workbook without it, or an empty cell, is
  round 1. Rounds are kept apart: `rounds` has them all, `profile` each school's latest;
- a formula without a saved result refuses the whole workbook, naming the cell: read as empty it
  would count as an unanswered statement.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import pandas as pd

from labkit.data.instrument import Instrument
from labkit.data.kapacitet_entry import (
    COL_DIMENSION,
    COL_GROUP,
    COL_KIND,
    COL_PEOPLE,
    COL_RESPONDENT,
    COL_ROUND,
    COL_SCHOOL_ID,
    COL_TEXT,
    NOTE_HEADERS,
    NOTE_KINDS,
    SHEET_NOTES,
    SHEET_RATINGS,
    EntrySheet,
    Issue,
    cell_text,
    fixed_columns,
    formulas_without_values,
    locate_table,
    read_entry_sheets,
)
from labkit.data.kapacitet_profile import build_profile, group_sizes, hide_small_groups, latest_rounds
from labkit.data.kapacitet_values import parse_group, parse_people, parse_rating, parse_round, parse_school
from labkit.data.tables import is_blank_row, normalise_key
from labkit.problems import Problem, Severity, display_name

NOTES_COLUMNS = ["school_id", "round", "group", "dimension", "kind", "text", "row"]
_ROUND_KEYS = ["school_id", "round", "group"]


@dataclass(frozen=True)
class KapacitetsData:
    """A lab's kapacitetsinterviews, ready to show.

    `rounds`: one row per school × round × group × dimension × statement, plus one per school ×
    round × group × dimension with `statement == ""` (the dimension average). `mean`/`sd` are NaN
    where `suppressed`; `n` counts independent ratings (respondents, or group interviews for a
    consensus instrument), `people` the persons behind them. `profile` is each school's latest round,
    the picture the notebooks show; `notes` are the interviewers' notes and quotes of every round,
    with the group hidden for small groups.
    """

    rounds: pd.DataFrame
    notes: pd.DataFrame
    min_group_size: int

    @cached_property
    def profile(self) -> pd.DataFrame:
        return latest_rounds(self.rounds)

    def overlapping_groups(self, other: KapacitetsData) -> list[tuple[str, str]]:
        """(school_id, group) pairs in the same round in both: their answers should be in one workbook."""
        mine = set(zip(*(self.rounds[k] for k in _ROUND_KEYS)))
        both = mine & set(zip(*(other.rounds[k] for k in _ROUND_KEYS)))
        return sorted({(str(school), str(group)) for school, _, group in both})

    def merged_with(self, other: KapacitetsData) -> KapacitetsData:
        """Both workbooks' data. A (school, round, group) in both keeps this one's rows only.

        The raw answers are not kept, so two halves of a group cannot be combined: callers
        should report `overlapping_groups` as a problem. Another round of the same school (the next
        lab's workbook) is not an overlap: it is kept as a round of its own.
        """
        mine = set(zip(*(self.rounds[k] for k in _ROUND_KEYS)))
        keep = [key not in mine for key in zip(*(other.rounds[k] for k in _ROUND_KEYS))]
        rounds = pd.concat([self.rounds, other.rounds.loc[keep]], ignore_index=True)
        notes = pd.concat([self.notes, other.notes], ignore_index=True)
        return KapacitetsData(rounds, notes, min(self.min_group_size, other.min_group_size))


@dataclass(frozen=True)
class _Respondent:
    school_id: str
    round: int
    group: str
    label: str
    people: int  # 1 for a person; the number in the group interview for a consensus rating
    ratings: dict[str, int]


def _map_columns(
    sheet: EntrySheet, known: dict[str, str], severity: Severity
) -> tuple[dict[str, int], list[tuple[int, str]], list[Problem]]:
    """Columns matched to `known` (normalised header → canonical name), plus the unmatched ones."""
    columns: dict[str, int] = {}
    unknown: list[tuple[int, str]] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, header in enumerate(sheet.header):
        key = normalise_key(header)
        if not key:
            continue
        if key in seen:
            issue = Issue("Kolonnen står to gange.", "hver overskrift én gang: slet eller omdøb den ene")
            problems.append(sheet.problem(issue, sheet.header_row, header, severity=severity))
            continue
        seen.add(key)
        if key in known:
            columns[known[key]] = index
        else:
            unknown.append((index, header))
    return columns, unknown, problems


def _missing_columns(
    sheet: EntrySheet, columns: dict[str, int], required: tuple[str, ...], severity: Severity
) -> list[Problem]:
    expected = f"overskrifterne {', '.join(required)} i række {sheet.header_row}"
    return [
        sheet.problem(
            Issue(f"Kolonnen »{name}« mangler.", expected), sheet.header_row, name, severity=severity
        )
        for name in required
        if name not in columns
    ]


# --- Vurderinger ------------------------------------------------------------------------------


def _rating_columns(sheet: EntrySheet, instrument: Instrument) -> tuple[dict[str, int] | None, list[Problem]]:
    """Columns by canonical name; None when a required column or every statement column is missing."""
    known = {normalise_key(c): c for c in fixed_columns(instrument)}
    known.update({normalise_key(s.id): s.id for s in instrument.statements})
    columns, unknown, problems = _map_columns(sheet, known, Severity.FEJL)
    ids = ", ".join(s.id for s in instrument.statements[:4])
    for _, header in unknown:
        issue = Issue(
            "Kolonnen hører ikke til instrumentet og bliver ikke brugt.", f"et udsagns-id, fx {ids}"
        )
        problems.append(sheet.problem(issue, sheet.header_row, header, severity=Severity.ADVARSEL))
    required = (COL_SCHOOL_ID, COL_GROUP, COL_RESPONDENT, *((COL_PEOPLE,) if instrument.consensus else ()))
    missing = _missing_columns(sheet, columns, required, Severity.FEJL)
    absent = [s.id for s in instrument.statements if s.id not in columns]
    if len(absent) == len(instrument.statements):
        issue = Issue(
            "Der er ingen kolonner med udsagn.", f"én kolonne pr. udsagn med id'et som overskrift, fx {ids}"
        )
        missing.append(sheet.problem(issue, sheet.header_row))
    else:
        issue = Issue("Udsagnet har ingen kolonne og tælles som ubesvaret.", "én kolonne pr. udsagn")
        problems += [sheet.problem(issue, sheet.header_row, a, severity=Severity.ADVARSEL) for a in absent]
    return (None if missing else columns), problems + missing


def _people_per_group(sheet: EntrySheet, columns: dict[str, int], instrument: Instrument,
                      known_schools: dict[str, str]) -> dict[tuple[str, int, str], int]:
    """People behind each (school, round, group) as the sheet lists them, bad ratings or not: the
    privacy rule for a message about a cell is decided before the cell is judged."""
    people_in: dict[tuple[str, int, str], int] = {}
    for _, cells in sheet.rows:
        school, _ = parse_school(cells[columns[COL_SCHOOL_ID]], known_schools)
        group, _ = parse_group(cells[columns[COL_GROUP]], instrument)
        round_, _ = parse_round(cells[columns[COL_ROUND]] if COL_ROUND in columns else None)
        people, _ = parse_people(cells[columns[COL_PEOPLE]]) if instrument.consensus else (1, None)
        if school is not None and group is not None and round_ is not None:
            key = (school, round_, group)
            people_in[key] = people_in.get(key, 0) + (people or 0)
    return people_in


def _read_respondents(
    sheet: EntrySheet, columns: dict[str, int], instrument: Instrument, known_schools: dict[str, str],
    min_group_size: int = 0,
) -> tuple[list[_Respondent], list[Problem]]:
    """Validated respondents; rows with an unusable school or group, or repeated, are left out. A
    rating in a group under `min_group_size` people is never quoted in a message about its cell."""
    people_in = _people_per_group(sheet, columns, instrument, known_schools)
    hidden_text = f"(skjult: færre end {min_group_size} i gruppen)"
    header = {name: sheet.header[index] for name, index in columns.items()}
    statements = [(s.id, columns[s.id]) for s in instrument.statements if s.id in columns]
    respondents: list[_Respondent] = []
    problems: list[Problem] = []
    first_row: dict[tuple[str, int, str, str], int] = {}
    for number, cells in sheet.rows:
        school, school_issue = parse_school(cells[columns[COL_SCHOOL_ID]], known_schools)
        group, group_issue = parse_group(cells[columns[COL_GROUP]], instrument)
        round_, round_issue = parse_round(cells[columns[COL_ROUND]] if COL_ROUND in columns else None)
        people, people_issue = (parse_people(cells[columns[COL_PEOPLE]]) if instrument.consensus else (1, None))
        for issue, name in ((school_issue, COL_SCHOOL_ID), (group_issue, COL_GROUP), (round_issue, COL_ROUND),
                            (people_issue, COL_PEOPLE)):
            if issue:
                problems.append(sheet.problem(issue, number, header[name], cells[columns[name]]))
        ratings: dict[str, int] = {}
        small = (school is not None and group is not None and round_ is not None
                 and people_in.get((school, round_, group), 0) < min_group_size)
        for statement_id, index in statements:
            value, issue = parse_rating(cells[index], instrument.scale)
            if issue:
                problems.append(sheet.problem(issue, number, header[statement_id],
                                              hidden_text if small else cells[index]))
            elif value is not None:
                ratings[statement_id] = value
        label = cell_text(cells[columns[COL_RESPONDENT]])
        if not label:
            label = f"række {number}"
            issue = Issue(
                "Respondenten har ingen betegnelse; rækkenummeret bruges.", "et nummer eller fx »L3«"
            )
            problems.append(sheet.problem(issue, number, header[COL_RESPONDENT], severity=Severity.ADVARSEL))
        if school is None or group is None or round_ is None or people is None:
            continue
        key = (school, round_, group, normalise_key(label))
        if key in first_row:
            issue = Issue(
                f"Respondenten står to gange for samme skole, runde og gruppe (også i række {first_row[key]}).",
                "én række pr. respondent: giv respondenterne forskellige betegnelser",
            )
            problems.append(sheet.problem(issue, number, header[COL_RESPONDENT], label))
            continue
        first_row[key] = number
        if not ratings:
            issue = Issue("Rækken har ingen vurderinger og tælles ikke med.", "mindst én vurdering")
            problems.append(sheet.problem(issue, number, severity=Severity.ADVARSEL))
            continue
        respondents.append(_Respondent(school, round_, group, label, people, ratings))
    return respondents, problems


# --- Noter ------------------------------------------------------------------------------------


_NOTE_WITHOUT_TEXT = Issue("Noten har ingen tekst og springes over.", "noten eller citatet")
_NOTE_GROUP_UNKNOWN = Issue(
    "Respondentgruppen findes ikke; noten vises uden gruppe.", "en gruppe fra listen eller tom"
)
_NOTE_KIND_UNKNOWN = Issue("Typen findes ikke; noten vises som »Note«.", "Note eller Citat")


def _read_note(
    value: Callable[[str], object], instrument: Instrument, known_schools: dict[str, str]
) -> tuple[dict[str, object] | None, list[tuple[Issue, str]]]:
    """One note row as a record (None when it cannot be used) and its issues by column."""
    text, group_text, kind_text = (cell_text(value(c)) for c in (COL_TEXT, COL_GROUP, COL_KIND))
    school, school_issue = parse_school(value(COL_SCHOOL_ID), known_schools)
    round_, round_issue = parse_round(value(COL_ROUND))
    dimension = instrument.dimension(value(COL_DIMENSION))
    group = instrument.group(group_text)
    kind = next((k for k in NOTE_KINDS if normalise_key(k) == normalise_key(kind_text or "Note")), None)
    issues: list[tuple[Issue, str]] = []
    if not text:
        issues.append((_NOTE_WITHOUT_TEXT, COL_TEXT))
    if school_issue:
        issues.append((school_issue, COL_SCHOOL_ID))
    if round_issue:
        issues.append((round_issue._replace(message=round_issue.message + " Noten springes over."), COL_ROUND))
    if dimension is None:
        names = ", ".join(d.name for d in instrument.dimensions)
        issues.append(
            (Issue("Dimensionen findes ikke; noten springes over.", f"en af {names}"), COL_DIMENSION)
        )
    if group_text and group is None:
        issues.append((_NOTE_GROUP_UNKNOWN, COL_GROUP))
    if kind is None:
        issues.append((_NOTE_KIND_UNKNOWN, COL_KIND))
    if not text or school is None or dimension is None or round_ is None:
        return None, issues
    group_id = group.id if group else ""
    record = {"school_id": school, "round": round_, "group": group_id, "dimension": dimension.id,
              "kind": kind or "Note"}
    return {**record, "text": text}, issues


def _read_notes(
    sheet: EntrySheet, instrument: Instrument, known_schools: dict[str, str]
) -> tuple[list[dict[str, object]], list[Problem]]:
    """Notes and quotes; a note problem never spoils the ratings, so all are warnings."""
    warn = Severity.ADVARSEL
    columns, _, problems = _map_columns(sheet, {normalise_key(h): h for h in NOTE_HEADERS}, warn)
    missing = _missing_columns(sheet, columns, (COL_SCHOOL_ID, COL_DIMENSION, COL_TEXT), warn)
    if missing:
        return [], problems + missing
    notes: list[dict[str, object]] = []
    for number, cells in sheet.rows:

        def value(name: str, cells: list[object] = cells) -> object:
            return cells[columns[name]] if name in columns else None

        note, issues = _read_note(value, instrument, known_schools)
        for issue, name in issues:
            problems.append(sheet.problem(issue, number, sheet.header[columns[name]], value(name), warn))
        if note is not None:
            notes.append({**note, "row": number})
    return notes, problems


def _notes_sheet(
    file: str, title: str, raw: list[list[object]], instrument: Instrument, known_schools: dict[str, str]
) -> tuple[list[dict[str, object]], list[Problem]]:
    if all(is_blank_row(row) for row in raw):
        return [], []  # no notes taken: nothing to report
    sheet, problem = locate_table(file, title, raw)
    if sheet is None:
        assert problem is not None
        return [], [replace(problem, severity=Severity.ADVARSEL)]
    return _read_notes(sheet, instrument, known_schools)


# --- aggregation ------------------------------------------------------------------------------


def _answers_frame(respondents: list[_Respondent], instrument: Instrument) -> pd.DataFrame:
    dimension_of = {s.id: s.dimension for s in instrument.statements}
    records = [
        (r.school_id, r.round, r.group, r.label, r.people, dimension_of[statement], statement, float(rating))
        for r in respondents
        for statement, rating in r.ratings.items()
    ]
    return pd.DataFrame(
        records,
        columns=["school_id", "round", "group", "respondent", "people", "dimension", "statement", "rating"],
    ).astype({"round": int, "people": int})


def _uncomputed_formulas(path: Path, file: str, titles: list[str]) -> list[Problem]:
    """One FEJL naming the first formula cell without a saved result (and how many more there are)."""
    found = formulas_without_values(path, titles)
    if not found:
        return []
    from openpyxl.utils.cell import coordinate_from_string

    title, cell = found[0]
    more = f" (og {len(found) - 1} andre)" if len(found) > 1 else ""
    return [Problem(
        file,
        f"Arket »{title}«: cellen {cell}{more} har en formel uden et gemt resultat. Filen er lavet af et "
        "program og ikke gemt i Excel, så vurderingerne kan ikke læses – tomme celler ville tælle som "
        "ubesvarede.",
        expected="filen åbnet i Excel og gemt igen (så formlernes resultater gemmes), eller tallene skrevet ind "
        "i stedet for formlerne",
        row=coordinate_from_string(cell)[1],
    )]


def read_kapacitet_workbook(
    path: Path, instrument: Instrument, known_schools: dict[str, str], min_group_size: int
) -> tuple[KapacitetsData | None, list[Problem]]:
    """Read a filled-in entry workbook (sheets »Vurderinger« and, if present, »Noter«).

    Never raises for bad data: returns every problem at once. The data is None only when the
    ratings cannot be read at all (not an .xlsx, no »Vurderinger«, no header, a required column
    missing, a formula without a saved result); otherwise cells and rows with a FEJL are left out of
    the profile.
    """
    file = display_name(path)
    sheets, problem = read_entry_sheets(path, file)
    if sheets is None:
        return None, [problem] if problem else []
    uncomputed = _uncomputed_formulas(path, file, [title for title, _ in sheets.values()])
    if uncomputed:
        return None, uncomputed
    title, raw = sheets[normalise_key(SHEET_RATINGS)]
    sheet, problem = locate_table(file, title, raw)
    if sheet is None:
        return None, [problem] if problem else []
    columns, problems = _rating_columns(sheet, instrument)
    if columns is None:
        return None, problems
    if not sheet.rows:
        problems.append(
            sheet.problem(
                "Arket har overskrifter, men ingen respondenter.",
                sheet.header_row,
                severity=Severity.ADVARSEL,
            )
        )
    respondents, found = _read_respondents(sheet, columns, instrument, known_schools, min_group_size)
    answers = _answers_frame(respondents, instrument)
    notes: list[dict[str, object]] = []
    if normalise_key(SHEET_NOTES) in sheets:
        notes, note_problems = _notes_sheet(
            file, *sheets[normalise_key(SHEET_NOTES)], instrument, known_schools
        )
        found += note_problems
    notes_frame = hide_small_groups(
        pd.DataFrame(notes, columns=NOTES_COLUMNS), group_sizes(answers), min_group_size
    )
    rounds = build_profile(answers, instrument, min_group_size)
    return KapacitetsData(rounds, notes_frame, min_group_size), problems + found
