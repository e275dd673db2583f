"""Kapacitetsinterviews: the instrument template, the entry workbook and reading it back."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from labkit.data.instrument import DEFAULT_INSTRUMENT, Instrument, load_instrument
from labkit.data.kapacitet import KapacitetsData, read_kapacitet_workbook
from labkit.data.kapacitet_workbook import BLANK_TEMPLATE, write_blank_template, write_entry_workbook
from labkit.problems import LabkitError, Problem, Severity, display_name

SCHOOLS = [("101001", "Den Classenske Legatskole"), ("061001", "Højvangskolen")]
KNOWN = dict(SCHOOLS)
MIN_GROUP = 5

# The six teachers at Den Classenske Legatskole, on the »Brug af data« statements (None: no answer).
TEACHER_DATA = {
    "D1": [4, 3, 4, 2, 5, 3],
    "D2": [3, 3, 4, 2, 4, None],
    "D3": [2, 3, 3, 1, 4, 2],
}
# (school, group, respondents): the leaders at 101001 are too few to be shown.
GROUPS = [
    ("101001", "ledelse", 3),
    ("101001", "laerere", 6),
    ("061001", "laerere", 5),
    ("061001", "paedagoger", 5),
]


@pytest.fixture(scope="module")
def instrument() -> Instrument:
    return load_instrument(DEFAULT_INSTRUMENT)


def realistic_ratings(instrument: Instrument) -> pd.DataFrame:
    """Ratings for four groups at two schools, with the teachers' »data« answers fixed above."""
    rows = []
    for school, group, size in GROUPS:
        for respondent in range(1, size + 1):
            for number, statement in enumerate(instrument.statements):
                rating: int | None = 2 + (respondent + number) % 4
                if (school, group) == ("101001", "laerere") and statement.id in TEACHER_DATA:
                    rating = TEACHER_DATA[statement.id][respondent - 1]
                if (school, group, respondent, statement.id) == ("061001", "laerere", 2, "K1"):
                    rating = None  # skipped: K1 then has 4 answers in a group of 5
                if rating is not None:
                    rows.append((school, group, respondent, statement.id, rating))
    return pd.DataFrame(rows, columns=["school_id", "group", "respondent", "statement", "rating"])


NOTES = pd.DataFrame(
    [
        (
            "101001",
            "laerere",
            "data",
            "Citat",
            "Vi taler meget om data, men det bliver sjældent til ændret praksis.",
        ),
        (
            "101001",
            "ledelse",
            "ledelse",
            "Citat",
            "Vi vil gerne være mere i klasserne, men driften æder tiden.",
        ),
        ("061001", "", "plf", "Note", "Indskolingen har faste PLF-møder, udskolingen har ikke."),
    ],
    columns=["school_id", "group", "dimension", "kind", "text"],
)


@pytest.fixture()
def workbook_path(tmp_path: Path, instrument: Instrument) -> Path:
    path = tmp_path / "data" / "kapacitetsinterview.xlsx"
    write_entry_workbook(path, instrument, SCHOOLS, realistic_ratings(instrument), NOTES)
    return path


def read(path: Path, instrument: Instrument) -> tuple[KapacitetsData | None, list[Problem]]:
    return read_kapacitet_workbook(path, instrument, KNOWN, MIN_GROUP)


def edit(path: Path, change: Callable[[Worksheet], object], sheet: str = "Vurderinger") -> None:
    workbook = load_workbook(path)
    change(workbook[sheet])
    workbook.save(path)


def column_of(sheet: Worksheet, header: str) -> int:
    return next(cell.column for cell in sheet[1] if cell.value == header)


def set_cell(row: int, header: str, value: object) -> Callable[[Worksheet], None]:
    def change(sheet: Worksheet) -> None:
        sheet.cell(row=row, column=column_of(sheet, header)).value = value

    return change


def only_error(problems: list[Problem]) -> Problem:
    errors = [p for p in problems if p.severity is Severity.FEJL]
    assert len(errors) == 1, [p.describe() for p in problems]
    return errors[0]


def assert_names_place(problem: Problem, path: Path, row: int | None, column: str | None) -> None:
    """The Danish message says which file, row and column, as a facilitator would look for them."""
    text = problem.describe()
    assert problem.file == display_name(path) and text.startswith(display_name(path))
    assert problem.row == row
    assert problem.column == column
    if row is not None:
        assert f"række {row}" in text
    if column is not None:
        assert f"kolonne »{column}«" in text


def profile_row(data: KapacitetsData, school: str, group: str, dimension: str, statement: str) -> pd.Series:
    p = data.profile
    rows = p.loc[
        (p["school_id"] == school)
        & (p["group"] == group)
        & (p["dimension"] == dimension)
        & (p["statement"] == statement)
    ]
    assert len(rows) == 1
    return rows.iloc[0]


# --- the instrument template -------------------------------------------------------------------


def test_shipped_template_loads(instrument: Instrument) -> None:
    assert (instrument.scale.min, instrument.scale.max) == (1, 5)
    assert instrument.scale.labels[1] == "Slet ikke" and instrument.scale.labels[5] == "I meget høj grad"
    assert [g.name for g in instrument.groups] == ["Ledelse", "Lærere", "Pædagoger", "Ressourcepersoner"]
    assert {"kompetencer", "motivation", "vaerdier", "plf", "data", "ledelse"} <= {
        d.id for d in instrument.dimensions
    }
    assert 6 <= len(instrument.dimensions) <= 8
    assert all(
        len(d.statements) == 3 and d.level in ("individ", "team", "organisation")
        for d in instrument.dimensions
    )
    assert instrument.statement("d2") == instrument.dimension("Brug af data").statements[1]  # type: ignore[union-attr]


def write_template(tmp_path: Path, change: Callable[[dict], object]) -> Path:
    data = yaml.safe_load(DEFAULT_INSTRUMENT.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "templates" / "kapacitetsinterview.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "templates" / "kapacitetsinterview.yaml"
    path.parent.mkdir()
    path.write_text("navn: Test\nskala: {min: 1, max: 5\ndimensioner:\n  - id: data\n", encoding="utf-8")
    with pytest.raises(LabkitError) as error:
        load_instrument(path)
    assert str(error.value).startswith("templates/kapacitetsinterview.yaml: ")
    assert "YAML" in str(error.value) and "linje" in str(error.value)


def test_missing_key_names_the_dimension(tmp_path: Path) -> None:
    path = write_template(tmp_path, lambda d: d["dimensioner"][4].pop("navn"))
    with pytest.raises(LabkitError) as error:
        load_instrument(path)
    assert str(error.value) == "templates/kapacitetsinterview.yaml, dimension »data«: mangler nøglen »navn«."


def test_duplicate_statement_id(tmp_path: Path) -> None:
    path = write_template(tmp_path, lambda d: d["dimensioner"][1]["udsagn"][0].update(id="K1"))
    with pytest.raises(LabkitError) as error:
        load_instrument(path)
    assert str(error.value) == "templates/kapacitetsinterview.yaml, udsagn »K1«: id'et findes to gange."


def test_duplicate_group_id(tmp_path: Path) -> None:
    path = write_template(
        tmp_path, lambda d: d["respondentgrupper"].append({"id": "laerere", "navn": "Lærerne"})
    )
    with pytest.raises(LabkitError, match="respondentgruppe »laerere«: id'et findes to gange"):
        load_instrument(path)


def test_statement_in_unknown_dimension(tmp_path: Path) -> None:
    extra = {"id": "X1", "dimension": "trivsel", "tekst": "Eleverne trives."}
    path = write_template(tmp_path, lambda d: d.update(udsagn=[extra]))
    with pytest.raises(LabkitError) as error:
        load_instrument(path)
    assert str(error.value).startswith(
        "templates/kapacitetsinterview.yaml, udsagn »X1«: dimensionen »trivsel«"
    )


def test_loose_statement_joins_its_dimension(tmp_path: Path) -> None:
    extra = {"id": "D4", "dimension": "data", "tekst": "Vi deler data på tværs af teams."}
    instrument = load_instrument(write_template(tmp_path, lambda d: d.update(udsagn=[extra])))
    assert [s.id for s in instrument.dimension("data").statements] == ["D1", "D2", "D3", "D4"]  # type: ignore[union-attr]


@pytest.mark.parametrize("scale", [{"min": 5, "max": 1}, {"min": 1, "max": "fem"}, {"min": 1.5, "max": 5}])
def test_bad_scale(tmp_path: Path, scale: dict) -> None:
    path = write_template(tmp_path, lambda d: d.update(skala=scale))
    with pytest.raises(LabkitError, match="^templates/kapacitetsinterview.yaml, »skala«: "):
        load_instrument(path)


def test_unknown_level(tmp_path: Path) -> None:
    path = write_template(tmp_path, lambda d: d["dimensioner"][0].update(niveau="skole"))
    with pytest.raises(
        LabkitError, match="dimension »kompetencer«: »niveau« skal være individ, team, organisation"
    ):
        load_instrument(path)


# --- the entry workbook ------------------------------------------------------------------------


def test_workbook_layout_and_validations(workbook_path: Path, instrument: Instrument) -> None:
    workbook = load_workbook(workbook_path)
    assert workbook.sheetnames == ["Vejledning", "Vurderinger", "Noter", "Udsagn", "Lister"]
    assert workbook["Lister"].sheet_state == "hidden"
    ratings = workbook["Vurderinger"]
    header = [c.value for c in ratings[1]]
    assert header == [
        "Institutionsnummer",
        "Skole",
        "Respondentgruppe",
        "Respondent",
        "Runde",
        *(s.id for s in instrument.statements),
    ]
    assert ratings["F1"].comment.text.startswith("K1: Vi har den faglige og didaktiske viden")
    assert ratings.freeze_panes == "F2"
    validations = {str(v.sqref): v for v in ratings.data_validations.dataValidation}
    assert validations["A2:A2000"].type == "list" and validations["A2:A2000"].formula1 == "=Lister!$A$2:$A$3"
    assert validations["C2:C2000"].formula1 == "=Lister!$C$2:$C$5"
    assert validations["E2:E2000"].type == "whole"  # the round
    whole = validations["F2:Z2000"]
    assert (whole.type, whole.operator, whole.formula1, whole.formula2) == ("whole", "between", "1", "5")
    assert whole.showErrorMessage and "helt tal fra 1 til 5" in whole.error
    lists = workbook["Lister"]
    assert [lists.cell(row=r, column=3).value for r in range(2, 6)] == [
        "Ledelse",
        "Lærere",
        "Pædagoger",
        "Ressourcepersoner",
    ]
    notes = workbook["Noter"]
    assert [c.value for c in notes[1]] == [
        "Institutionsnummer",
        "Skole",
        "Runde",
        "Respondentgruppe",
        "Dimension",
        "Type",
        "Tekst",
    ]
    note_lists = {str(v.sqref): v.formula1 for v in notes.data_validations.dataValidation}
    assert note_lists["E2:E2000"] == "=Lister!$D$2:$D$8" and note_lists["F2:F2000"] == "=Lister!$E$2:$E$3"
    assert [c.value for c in workbook["Udsagn"]["A"]][1:4] == ["K1", "K2", "K3"]
    guide = " ".join(str(c.value) for c in workbook["Vejledning"]["A"] if c.value)
    assert "mindst 5 respondenter" in guide and "labkit check" in guide and "1 = Slet ikke" in guide


def test_leading_zero_survives_round_trip(workbook_path: Path, instrument: Instrument) -> None:
    ratings = load_workbook(workbook_path)["Vurderinger"]
    first = next(row for row in ratings.iter_rows(min_row=2) if row[0].value == "061001")
    assert first[0].number_format == "@" and first[1].value == "Højvangskolen" and first[2].value == "Lærere"
    data, problems = read(workbook_path, instrument)
    assert problems == []
    assert data is not None and set(data.profile["school_id"]) == {"101001", "061001"}


def test_profile_means_sd_and_n(workbook_path: Path, instrument: Instrument) -> None:
    data, problems = read(workbook_path, instrument)
    assert problems == [] and data is not None
    assert list(data.profile.columns) == [
        "school_id",
        "round",
        "group",
        "dimension",
        "statement",
        "mean",
        "sd",
        "n",
        "people",
        "suppressed",
    ]
    d1 = profile_row(data, "101001", "laerere", "data", "D1")
    assert (d1["mean"], d1["n"], d1["suppressed"]) == (pytest.approx(3.5), 6, False)
    assert d1["sd"] == pytest.approx(math.sqrt(1.1))
    d2 = profile_row(data, "101001", "laerere", "data", "D2")
    assert (d2["mean"], d2["sd"], d2["n"]) == (pytest.approx(3.2), pytest.approx(math.sqrt(0.7)), 5)
    # The dimension mean: each teacher's own mean first (teacher 6 skipped D2), then across teachers.
    per_teacher = [3, 3, 11 / 3, 5 / 3, 13 / 3, 2.5]
    dimension = profile_row(data, "101001", "laerere", "data", "")
    assert dimension["mean"] == pytest.approx(statistics.mean(per_teacher))
    assert dimension["sd"] == pytest.approx(statistics.stdev(per_teacher))
    assert dimension["n"] == 6 and not dimension["suppressed"]


def test_profile_has_a_row_per_statement_and_dimension(workbook_path: Path, instrument: Instrument) -> None:
    data, _ = read(workbook_path, instrument)
    assert data is not None
    per_group = len(instrument.statements) + len(instrument.dimensions)
    assert len(data.profile) == len(GROUPS) * per_group
    assert data.profile["n"].dtype.kind == "i" and data.profile["suppressed"].dtype == bool


def test_small_group_is_suppressed(workbook_path: Path, instrument: Instrument) -> None:
    data, _ = read(workbook_path, instrument)
    assert data is not None
    leaders = data.profile.loc[(data.profile["school_id"] == "101001") & (data.profile["group"] == "ledelse")]
    assert len(leaders) > 0 and leaders["suppressed"].all()
    assert leaders["mean"].isna().all() and leaders["sd"].isna().all()
    teachers = data.profile.loc[
        (data.profile["school_id"] == "101001") & (data.profile["group"] == "laerere")
    ]
    assert not teachers["suppressed"].any() and teachers["mean"].notna().all()
    # no raw ratings to leak (`profile` is the cached latest round of `rounds`)
    assert set(vars(data)) - {"profile"} == {"rounds", "notes", "min_group_size"}


def test_statement_with_too_few_answers_is_suppressed(workbook_path: Path, instrument: Instrument) -> None:
    data, _ = read(workbook_path, instrument)
    assert data is not None
    k1 = profile_row(data, "061001", "laerere", "kompetencer", "K1")
    assert (k1["n"], k1["suppressed"]) == (4, True) and math.isnan(k1["mean"])
    assert not profile_row(data, "061001", "laerere", "kompetencer", "K2")["suppressed"]


def test_notes_hide_small_groups(workbook_path: Path, instrument: Instrument) -> None:
    data, _ = read(workbook_path, instrument)
    assert data is not None
    assert list(data.notes.columns) == ["school_id", "round", "group", "dimension", "kind", "text", "row"]
    by_text = {
        text[:12]: (group, kind, row)
        for group, kind, text, row in data.notes[["group", "kind", "text", "row"]].itertuples(index=False)
    }
    assert by_text["Vi taler meg"] == ("laerere", "Citat", 2)
    assert by_text["Vi vil gerne"] == ("", "Citat", 3)  # the three leaders are too few to be named
    assert by_text["Indskolingen"] == ("", "Note", 4)


def test_blank_template(tmp_path: Path, instrument: Instrument) -> None:
    path = tmp_path / "blank.xlsx"
    write_blank_template(path)
    ratings = load_workbook(path)["Vurderinger"]
    kinds = {str(v.sqref): v.type for v in ratings.data_validations.dataValidation}
    assert kinds == {"A2:A2000": "textLength", "C2:C2000": "list", "E2:E2000": "whole", "F2:Z2000": "whole"}
    assert ratings.max_row == 1
    data, problems = read(path, instrument)
    assert data is not None and data.profile.empty
    assert [p.severity for p in problems] == [Severity.ADVARSEL]


def test_shipped_blank_template_matches_the_instrument(instrument: Instrument) -> None:
    header = [c.value for c in load_workbook(BLANK_TEMPLATE)["Vurderinger"][1]]
    assert header[5:] == [s.id for s in instrument.statements]


# --- reading what facilitators actually type ---------------------------------------------------


def test_title_row_above_header_and_loose_headers(workbook_path: Path, instrument: Instrument) -> None:
    expected, _ = read(workbook_path, instrument)

    def add_title(sheet: Worksheet) -> None:
        sheet.insert_rows(1)
        sheet["A1"] = "Kapacitetsinterviews, efteråret 2025"
        sheet["C2"] = "  respondentGRUPPE "
        sheet.insert_rows(8)  # a completely empty row in the middle is skipped
        sheet["G3"] = 7  # now row 3 (the first respondent), column K2

    edit(workbook_path, add_title)
    data, problems = read(workbook_path, instrument)
    problem = only_error(problems)
    assert_names_place(problem, workbook_path, 3, "K2")
    assert data is not None and expected is not None
    d1 = profile_row(data, "101001", "laerere", "data", "D1")
    assert d1["mean"] == pytest.approx(3.5) and d1["n"] == 6


def test_excel_number_and_ids_are_accepted(workbook_path: Path, instrument: Instrument) -> None:
    edit(workbook_path, set_cell(5, "Institutionsnummer", 101001))
    edit(workbook_path, set_cell(6, "Respondentgruppe", "laerere"))
    edit(workbook_path, set_cell(7, "Respondentgruppe", "LÆRERE"))
    edit(workbook_path, set_cell(3, "Dimension", "ledelse"), sheet="Noter")
    data, problems = read(workbook_path, instrument)
    assert problems == []
    assert data is not None and profile_row(data, "101001", "laerere", "data", "D1")["n"] == 6


def test_rating_outside_scale(workbook_path: Path, instrument: Instrument) -> None:
    edit(workbook_path, set_cell(5, "K2", 7))
    data, problems = read(workbook_path, instrument)
    problem = only_error(problems)
    assert_names_place(problem, workbook_path, 5, "K2")
    assert "uden for skalaen" in problem.message and problem.value == "7"
    assert problem.expected is not None and "fra 1 til 5" in problem.expected
    assert data is not None  # the other answers are still read
    assert profile_row(data, "101001", "laerere", "kompetencer", "K2")["n"] == 5


def test_rating_written_as_word(workbook_path: Path, instrument: Instrument) -> None:
    edit(workbook_path, set_cell(6, "M1", "fire"))
    problem = only_error(read(workbook_path, instrument)[1])
    assert_names_place(problem, workbook_path, 6, "M1")
    assert "ikke et tal" in problem.message and problem.value == "fire"


@pytest.mark.parametrize("value", [3.5, "3,5", "3.5"])
def test_rating_not_whole(workbook_path: Path, instrument: Instrument, value: object) -> None:
    edit(workbook_path, set_cell(7, "D3", value))
    problem = only_error(read(workbook_path, instrument)[1])
    assert_names_place(problem, workbook_path, 7, "D3")
    assert "ikke et helt tal" in problem.message


def test_rating_as_text_digit_is_read(workbook_path: Path, instrument: Instrument) -> None:
    edit(workbook_path, set_cell(5, "D1", "4"))
    data, problems = read(workbook_path, instrument)
    assert problems == [] and data is not None
    assert profile_row(data, "101001", "laerere", "data", "D1")["mean"] == pytest.approx(3.5)


def test_unknown_school(workbook_path: Path, instrument: Instrument) -> None:
    edit(workbook_path, set_cell(8, "Institutionsnummer", "101099"))
    data, problems = read(workbook_path, instrument)
    problem = only_error(problems)
    assert_names_place(problem, workbook_path, 8, "Institutionsnummer")
    assert "ikke med i laboratoriet" in problem.message and problem.value == "101099"
    assert problem.expected is not None and "061001 (Højvangskolen)" in problem.expected
    assert data is not None and profile_row(data, "101001", "laerere", "data", "")["n"] == 5


def test_lost_leading_zero(workbook_path: Path, instrument: Instrument) -> None:
    edit(workbook_path, set_cell(11, "Institutionsnummer", 61001))
    problem = only_error(read(workbook_path, instrument)[1])
    assert_names_place(problem, workbook_path, 11, "Institutionsnummer")
    assert problem.value == "61001" and "foranstillet 0" in problem.message
    assert "Mente du »061001«?" in problem.message


def test_unknown_group(workbook_path: Path, instrument: Instrument) -> None:
    edit(workbook_path, set_cell(9, "Respondentgruppe", "Elever"))
    problem = only_error(read(workbook_path, instrument)[1])
    assert_names_place(problem, workbook_path, 9, "Respondentgruppe")
    assert problem.value == "Elever" and problem.expected is not None and "Lærere" in problem.expected


def test_duplicate_respondent(workbook_path: Path, instrument: Instrument) -> None:
    edit(workbook_path, set_cell(6, "Respondent", "1"))
    data, problems = read(workbook_path, instrument)
    problem = only_error(problems)
    assert_names_place(problem, workbook_path, 6, "Respondent")
    assert "også i række 5" in problem.message
    assert data is not None and profile_row(data, "101001", "laerere", "data", "")["n"] == 5


def test_missing_column(workbook_path: Path, instrument: Instrument) -> None:
    edit(workbook_path, lambda sheet: sheet.delete_cols(3))
    data, problems = read(workbook_path, instrument)
    assert data is None
    problem = only_error(problems)
    assert_names_place(problem, workbook_path, 1, "Respondentgruppe")
    assert "mangler" in problem.message


def test_duplicate_column(workbook_path: Path, instrument: Instrument) -> None:
    edit(workbook_path, set_cell(1, "K2", "k1 "))
    data, problems = read(workbook_path, instrument)
    errors = [p for p in problems if p.severity is Severity.FEJL]
    assert len(errors) == 1
    assert_names_place(errors[0], workbook_path, 1, "k1")
    assert "to gange" in errors[0].message
    warnings = [p for p in problems if p.severity is Severity.ADVARSEL]
    assert [p.column for p in warnings] == ["K2"]  # K2 has no column now: counted as not answered
    assert data is not None and profile_row(data, "101001", "laerere", "kompetencer", "K2")["n"] == 0


def test_unknown_statement_column_is_a_warning(workbook_path: Path, instrument: Instrument) -> None:
    edit(workbook_path, set_cell(1, "I3", "I4"))
    data, problems = read(workbook_path, instrument)
    assert {(p.severity, p.column) for p in problems} == {
        (Severity.ADVARSEL, "I4"),
        (Severity.ADVARSEL, "I3"),
    }
    assert data is not None and profile_row(data, "101001", "laerere", "inklusion", "I3")["n"] == 0


def test_missing_sheet(workbook_path: Path, instrument: Instrument) -> None:
    edit(workbook_path, lambda sheet: setattr(sheet, "title", "Ark1"))
    data, problems = read(workbook_path, instrument)
    problem = only_error(problems)
    assert data is None
    assert_names_place(problem, workbook_path, None, None)
    assert "»Vurderinger« mangler" in problem.message and "Ark1" in (problem.value or "")


def test_not_an_xlsx(tmp_path: Path, instrument: Instrument) -> None:
    path = tmp_path / "data" / "kapacitet.xlsx"
    path.parent.mkdir()
    path.write_text("Institutionsnummer;Respondentgruppe\n101001;Lærere\n", encoding="utf-8")
    data, problems = read(path, instrument)
    assert data is None
    problem = only_error(problems)
    assert_names_place(problem, path, None, None)
    assert ".xlsx" in problem.message


def test_empty_workbook(tmp_path: Path, instrument: Instrument) -> None:
    path = tmp_path / "data" / "tom.xlsx"
    path.parent.mkdir()
    Workbook().save(path)
    data, problems = read(path, instrument)
    assert data is None and "»Vurderinger« mangler" in only_error(problems).message


def test_empty_ratings_sheet(tmp_path: Path, instrument: Instrument) -> None:
    path = tmp_path / "data" / "tom.xlsx"
    path.parent.mkdir()
    workbook = Workbook()
    workbook.create_sheet("Vurderinger")
    workbook.save(path)
    data, problems = read(path, instrument)
    assert data is None and "Arket »Vurderinger«: Arket er tomt." in only_error(problems).describe()


def test_header_not_found(workbook_path: Path, instrument: Instrument) -> None:
    edit(workbook_path, set_cell(1, "Institutionsnummer", "Skolenummer"))
    data, problems = read(workbook_path, instrument)
    problem = only_error(problems)
    assert data is None and problem.row == 1 and "overskriftsrækken" in problem.message


def test_every_problem_at_once(workbook_path: Path, instrument: Instrument) -> None:
    for change in (
        set_cell(5, "K1", 0),
        set_cell(6, "Respondentgruppe", "Elever"),
        set_cell(12, "L2", "x-x"),
    ):
        edit(workbook_path, change)
    edit(workbook_path, set_cell(2, "Tekst", None), sheet="Noter")
    edit(workbook_path, set_cell(4, "Dimension", "Trivsel"), sheet="Noter")
    _, problems = read(workbook_path, instrument)
    places = {(p.severity, p.row, p.column) for p in problems}
    assert places == {
        (Severity.FEJL, 5, "K1"),
        (Severity.FEJL, 6, "Respondentgruppe"),
        (Severity.FEJL, 12, "L2"),
        (Severity.ADVARSEL, 2, "Tekst"),
        (Severity.ADVARSEL, 4, "Dimension"),
    }
    assert all(p.message.startswith("Arket »Noter«") for p in problems if p.severity is Severity.ADVARSEL)


def test_merged_with_keeps_other_schools(tmp_path: Path, workbook_path: Path, instrument: Instrument) -> None:
    other_path = tmp_path / "anden.xlsx"
    others = realistic_ratings(instrument).assign(school_id="101003")
    write_entry_workbook(other_path, instrument, [("101003", "Nyboder Skole")], others)
    first, _ = read(workbook_path, instrument)
    second, problems = read_kapacitet_workbook(
        other_path, instrument, {**KNOWN, "101003": "Nyboder Skole"}, 5
    )
    assert first is not None and second is not None and problems == []
    assert first.overlapping_groups(second) == []
    merged = first.merged_with(second)
    assert set(merged.profile["school_id"]) == {"101001", "061001", "101003"}
    assert first.overlapping_groups(first) == [
        ("061001", "laerere"),
        ("061001", "paedagoger"),
        ("101001", "laerere"),
        ("101001", "ledelse"),
    ]


def test_a_second_workbook_with_the_same_school_and_group_is_reported(lab: Path) -> None:
    """A copy of the interview workbook beside the first: the same schools and groups twice. Only one
    set of answers can count, and the check says so (it silently dropped the second)."""
    import shutil

    from labkit.data.lab import load_lab
    from labkit.problems import Severity

    first = lab / "data" / "kapacitetsinterview.xlsx"
    shutil.copyfile(first, lab / "data" / "kapacitetsinterview_kopi.xlsx")
    loaded = load_lab(lab)
    overlap = [p for p in loaded.problems if "står også i" in p.message]
    assert overlap and all(p.severity is Severity.FEJL for p in overlap)
    assert "kapacitetsinterview_kopi.xlsx" in overlap[0].describe()
    assert "kapacitetsinterview.xlsx" in overlap[0].message and "Kun svarene derfra tæller" in overlap[0].message


# --- formulas, interview rounds and consensus ratings (issue 12, issue 13) --------------------


def test_a_formula_without_a_saved_result_is_refused_naming_the_cell(workbook_path: Path, instrument: Instrument) -> None:
    """A workbook written by a script (openpyxl saves formulas without their results): read as empty,
    the rating would silently count as unanswered."""
    edit(workbook_path, set_cell(3, "K2", "=2+2"))
    data, problems = read(workbook_path, instrument)
    assert data is None
    problem = only_error(problems)
    assert "Arket »Vurderinger«: cellen G3 har en formel uden et gemt resultat" in problem.message
    assert "ubesvarede" in problem.message and "gemt igen" in (problem.expected or "")


def test_a_workbook_without_the_round_column_is_round_one(workbook_path: Path, instrument: Instrument) -> None:
    """Workbooks written before rounds existed have no »Runde«: they keep working, as round 1."""
    expected, _ = read(workbook_path, instrument)
    edit(workbook_path, lambda sheet: sheet.delete_cols(column_of(sheet, "Runde")))
    edit(workbook_path, lambda sheet: sheet.delete_cols(column_of(sheet, "Runde")), sheet="Noter")
    data, problems = read(workbook_path, instrument)
    assert problems == [] and data is not None and expected is not None
    assert set(data.rounds["round"]) == {1} and set(data.notes["round"]) == {1}
    pd.testing.assert_frame_equal(data.profile, expected.profile)


def test_a_round_that_is_not_a_whole_number_names_the_cell(workbook_path: Path, instrument: Instrument) -> None:
    edit(workbook_path, set_cell(4, "Runde", "forår"))
    data, problems = read(workbook_path, instrument)
    assert data is not None
    problem = only_error(problems)
    assert_names_place(problem, workbook_path, 4, "Runde")
    assert "Runden er ikke et helt tal" in problem.message


def two_rounds(instrument: Instrument, change: float) -> pd.DataFrame:
    """The realistic ratings as round 1, and a round 2 where every »data« rating is `change` higher."""
    first = realistic_ratings(instrument).assign(round=1)
    data_statements = {s.id for s in instrument.statements if s.dimension == "data"}
    raised = first["rating"] + first["statement"].isin(data_statements) * change
    second = first.assign(round=2, rating=raised.clip(1, 5).astype(int))
    return pd.concat([first, second], ignore_index=True)


def test_rounds_are_kept_apart_and_the_profile_is_the_latest(tmp_path: Path, instrument: Instrument) -> None:
    path = tmp_path / "runder.xlsx"
    write_entry_workbook(path, instrument, SCHOOLS, two_rounds(instrument, 2))
    data, problems = read(path, instrument)
    assert problems == [] and data is not None  # the same respondent in two rounds is no duplicate
    assert set(data.rounds["round"]) == {1, 2} and set(data.profile["round"]) == {2}
    d1 = data.rounds.loc[(data.rounds["school_id"] == "101001") & (data.rounds["group"] == "laerere")
                         & (data.rounds["statement"] == "D1")].set_index("round")["mean"]
    assert d1[1] == pytest.approx(3.5) and d1[2] > d1[1]


def test_the_same_respondent_twice_in_one_round_is_still_an_error(tmp_path: Path, instrument: Instrument) -> None:
    path = tmp_path / "runder.xlsx"
    write_entry_workbook(path, instrument, SCHOOLS, two_rounds(instrument, 0))
    edit(path, set_cell(30, "Runde", 1))  # a round-2 row typed as round 1: a respondent twice
    _, problems = read(path, instrument)
    assert "Respondenten står to gange for samme skole, runde og gruppe" in only_error(problems).message


CONSENSUS_GROUPS = [("101001", "ledelse", 4, 4), ("101001", "laerere", 9, 2), ("101001", "paedagoger", 6, 3)]


@pytest.fixture(scope="module")
def consensus_instrument(tmp_path_factory: pytest.TempPathFactory) -> Instrument:
    text = DEFAULT_INSTRUMENT.read_text(encoding="utf-8").replace("vurdering: individuel", "vurdering: konsensus")
    path = tmp_path_factory.mktemp("konsensus") / "kapacitetsinterview.yaml"
    path.write_text(text, encoding="utf-8")
    return load_instrument(path)


def consensus_ratings(instrument: Instrument, rounds: tuple[int, ...] = (1,)) -> pd.DataFrame:
    """One consensus row per group interview: (school, group, people, rating on every statement)."""
    rows = [(school, round_, group, "Gruppeinterview", people, s.id, rating + (round_ - 1))
            for round_ in rounds for school, group, people, rating in CONSENSUS_GROUPS for s in instrument.statements]
    return pd.DataFrame(rows, columns=["school_id", "round", "group", "respondent", "people", "statement", "rating"])


def test_a_consensus_rating_is_one_data_point_and_privacy_counts_people(
    tmp_path: Path, consensus_instrument: Instrument
) -> None:
    assert consensus_instrument.consensus and not load_instrument(DEFAULT_INSTRUMENT).consensus
    path = tmp_path / "konsensus.xlsx"
    write_entry_workbook(path, consensus_instrument, SCHOOLS, consensus_ratings(consensus_instrument))
    header = [c.value for c in load_workbook(path)["Vurderinger"][1]]
    assert header[:6] == ["Institutionsnummer", "Skole", "Respondentgruppe", "Respondent", "Runde", "Deltagere"]
    data, problems = read_kapacitet_workbook(path, consensus_instrument, KNOWN, MIN_GROUP)
    assert problems == [] and data is not None
    teachers = profile_row(data, "101001", "laerere", "data", "")
    # Nine people, one rating: no spread and n = 1, never a mean over "respondents" that are not independent.
    assert teachers["mean"] == 2 and math.isnan(teachers["sd"]) and teachers["n"] == 1 and teachers["people"] == 9
    # Four leaders agreed on one rating: under the minimum of five people, so hidden like four answers.
    assert profile_row(data, "101001", "ledelse", "data", "")["suppressed"]


def test_consensus_gaps_are_shown_but_never_called_sure(tmp_path: Path, consensus_instrument: Instrument) -> None:
    from labkit.analysis.kapacitet import CONSENSUS_CAVEAT, largest_gaps

    path = tmp_path / "konsensus.xlsx"
    write_entry_workbook(path, consensus_instrument, SCHOOLS, consensus_ratings(consensus_instrument))
    data, _ = read_kapacitet_workbook(path, consensus_instrument, KNOWN, MIN_GROUP)
    assert data is not None
    gaps = largest_gaps(data.profile, "101001", consensus_instrument)
    assert len(gaps) and not gaps["clear"].any()
    assert gaps["text"].iloc[0].startswith("Pædagogerne vurderer") and CONSENSUS_CAVEAT in gaps["text"].iloc[0]


@pytest.mark.parametrize(("people", "said"), [(None, "Antallet af deltagere mangler"), (0, "skal være mindst 1"),
                                             (-1, "skal være mindst 1"), ("0", "skal være mindst 1")])
def test_a_consensus_row_without_a_usable_number_of_people_names_the_cell(
    tmp_path: Path, consensus_instrument: Instrument, people: object, said: str
) -> None:
    path = tmp_path / "konsensus.xlsx"
    write_entry_workbook(path, consensus_instrument, SCHOOLS, consensus_ratings(consensus_instrument))
    edit(path, set_cell(3, "Deltagere", people))
    data, problems = read_kapacitet_workbook(path, consensus_instrument, KNOWN, MIN_GROUP)
    problem = only_error(problems)
    assert_names_place(problem, path, 3, "Deltagere")
    assert said in problem.message and "ikke et helt tal" not in problem.message
    assert data is not None and "laerere" not in set(data.profile["group"])  # the row is left out


def test_a_consensus_count_as_a_formula_without_a_result_is_one_message_at_its_row(
    tmp_path: Path, consensus_instrument: Instrument
) -> None:
    path = tmp_path / "konsensus.xlsx"
    write_entry_workbook(path, consensus_instrument, SCHOOLS, consensus_ratings(consensus_instrument))
    edit(path, set_cell(2, "Deltagere", "=2+3"))
    data, problems = read_kapacitet_workbook(path, consensus_instrument, KNOWN, MIN_GROUP)
    problem = only_error(problems)
    assert data is None and len(problems) == 1 and problem.row == 2
    assert "formel uden et gemt resultat" in problem.message and "F2" in problem.message


def test_an_instrument_must_say_individuel_or_konsensus(tmp_path: Path) -> None:
    for text, message in (("vurdering: gruppe", "»vurdering«: skal være »individuel«"),
                          ("vurderng: konsensus", "nøglen »vurderng« kendes ikke. Mente du »vurdering«?")):
        path = tmp_path / "kapacitetsinterview.yaml"
        path.write_text(DEFAULT_INSTRUMENT.read_text(encoding="utf-8").replace("vurdering: individuel", text),
                        encoding="utf-8")
        with pytest.raises(LabkitError, match=message):
            load_instrument(path)


def test_two_consensus_interviews_of_one_group_give_no_spread(tmp_path: Path, consensus_instrument: Instrument) -> None:
    """Two teacher groups interviewed apart: two data points, not 16 people's answers; their difference
    is not a spread of individual views, so none is shown."""
    ratings = consensus_ratings(consensus_instrument)
    second = ratings.loc[ratings["group"] == "laerere"].assign(respondent="Gruppe 2", people=7, rating=4)
    path = tmp_path / "konsensus.xlsx"
    write_entry_workbook(path, consensus_instrument, SCHOOLS, pd.concat([ratings, second], ignore_index=True))
    data, problems = read_kapacitet_workbook(path, consensus_instrument, KNOWN, MIN_GROUP)
    assert problems == [] and data is not None
    teachers = profile_row(data, "101001", "laerere", "data", "")
    assert teachers["mean"] == 3 and teachers["n"] == 2 and teachers["people"] == 16 and math.isnan(teachers["sd"])
