"""Bad and awkward kvalitetsrapport files, and bad `lab.yaml` files, as facilitators produce them.

Each case is a realistic variation of the published files (`examples/kobenhavn/data`): it is either
read correctly (exact values asserted) or refused with a Danish message naming the file, the row
and the column. `labkit check` must exit 0 when the data are usable, non-zero when not, and never
show a traceback.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import zipfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import pandas as pd
import pytest

from labkit.data.kvalitet_schema import STATUS_NOT_PUBLISHED, STATUS_PUBLISHED, STATUS_TOO_FEW
from labkit.data.lab import Lab, load_lab
from tests.conftest import plant_sub_threshold_figure

# The published skoleoverblik header, exactly as in examples/kobenhavn/data/skoleoverblik_kbh.csv.
OVERBLIK_HEADER = [
    "Institutionsnummer",
    "Institution",
    "Skoleår",
    "Elevtal",
    "Klassekvotient",
    "Klassekvotient Kommune",
    "Klassekvotient Land",
    "Samlet elevfravær",
    "Samlet elevfravær Kommune",
    "Samlet elevfravær Land",
    "Karaktergennemsnit",
    "Karaktergennemsnit Kommune",
    "Karaktergennemsnit Land",
    "Kompetencedækning",
    "Kompetencedækning Kommune",
    "Kompetencedækning Land",
    "Andel med højest trivsel",
    "Andel med højest trivsel Kommune",
    "Andel med højest trivsel Land",
    "Overgang til UU fra 9. og 10. kl. sept året efter",
    "Overgang til UU fra 9. og 10. kl. sept året efter Kommune",
    "Overgang til UU fra 9. og 10. kl. sept året efter Land",
    "SocRef Karaktergennemsnit",
    "SocRef Socioøkonomisk reference",
    "SocRef Forskel",
    "SocRef Signifikant forskel",
]
# Real 2024/2025 rows (Nyboder Skole, Den Classenske Legatskole, Sølvgades Skole); the Elevtal of
# the first is a large school's, to exercise the thousands separator. Højvangskolen (061001) is the
# lab's school with a leading zero; its figures are Sølvgades Skole's.
_OVERBLIK_ROWS = {
    "101003": "101003;Nyboder Skole;2024/2025;2.351;19,5;22,7;20,8;6,7;8,1;7,5;7,3;7,7;7,4;66,4;83,1;"
    "85,5;94,9;88,8;87,1;;;;7,3;7,8;-0,5;På niveau",
    "101001": "101001;Den Classenske Legatskole;2024/2025;501;24,4;22,7;20,8;7,8;8,1;7,5;9;7,7;7,4;"
    "83,4;83,1;85,5;91;88,8;87,1;;;;9;8,3;0,7;Over niveau",
    "061001": "061001;Højvangskolen;2024/2025;446;22,1;22,7;20,8;6,7;8,1;7,5;8,1;7,7;7,4;95,2;83,1;"
    "85,5;90,9;88,8;87,1;;;;8,1;8,1;0;På niveau",
    "101005": "101005;Sølvgades Skole;2024/2025;446;22,1;22,7;20,8;6,7;8,1;7,5;8,1;7,7;7,4;95,2;83,1;"
    "85,5;90,9;88,8;87,1;;;;8,1;8,1;0;På niveau",
}
TRIVSEL_HEADER = [
    "Institutionsnummer",
    "Institution",
    "Skoleår",
    "Klassetringruppe",
    "Trivselsindikator",
    "Indikatorsvar",
]
LANG_HEADER = [
    "Institutionsnummer",
    "Institution",
    "Skoleår",
    "Indikator",
    "Gruppe",
    "Niveau",
    "Værdi",
    "Antal",
]

Row = dict[str, str]


def overblik_row(school_id: str = "101003", **changes: str) -> Row:
    """One published skoleoverblik row as {header: cell}; keyword names use `_` for spaces."""
    row = dict(zip(OVERBLIK_HEADER, _OVERBLIK_ROWS[school_id].split(";"), strict=True))
    for key, value in changes.items():
        column = key.replace("_", " ")
        assert column in row, column
        row[column] = value
    return row


def trivsel_rows(
    school_id: str = "101001", name: str = "Den Classenske Legatskole", year: str = "2024/2025"
) -> list[list[str]]:
    """The ten published trivsel rows of one school and year (real figures for 101001)."""
    answers = {
        "Social trivsel": ("4", "4,1"),
        "Faglig trivsel": ("3,7", "3,7"),
        "Støtte og inspiration": ("3", "3,2"),
        "Ro og orden": ("3,8", "3,7"),
        "Generel trivsel": ("3,7", "3,7"),
    }
    return [
        [school_id, name, year, group, indicator, pair[i]]
        for indicator, pair in answers.items()
        for i, group in enumerate(("Udskoling", "Mellemtrin"))
    ]


def csv_bytes(
    header: list[str],
    rows: Iterable[Mapping[str, str] | list[str]],
    *,
    sep: str = ";",
    encoding: str = "utf-8-sig",
    newline: str = "\r\n",
    quote: bool = False,
) -> bytes:
    """A CSV file as a facilitator's tool writes it. `quote=True` quotes cells holding `sep`."""
    lines = [list(header)] + [list(r.values()) if isinstance(r, Mapping) else list(r) for r in rows]
    if quote:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=sep, lineterminator=newline).writerows(lines)
        text = buffer.getvalue()
    else:
        text = "".join(sep.join(line) + newline for line in lines)
    return text.encode(encoding)


def overblik_csv(*rows: Row, **options: object) -> bytes:
    return csv_bytes(
        OVERBLIK_HEADER,
        rows or [overblik_row("101003"), overblik_row("101001"), overblik_row("061001")],
        **options,
    )  # type: ignore[arg-type]


def excel_number(text: str) -> object:
    """A published cell as Danish Excel stores it after opening the CSV: a number, or text."""
    try:
        return float(text.replace(".", "").replace(",", ".")) if text else None
    except ValueError:
        return text


# --- running the check ------------------------------------------------------------------------


class Checked:
    """`labkit check` run on a lab folder, plus the loaded lab for asserting parsed values."""

    def __init__(self, code: int, output: str, lab: Lab) -> None:
        self.code, self.output, self.lab = code, output, lab

    @property
    def table(self) -> pd.DataFrame:
        return self.lab.kvalitet

    def section(self, title: str) -> list[str]:
        """The bullet lines under the report's FEJL or ADVARSLER heading."""
        lines = self.output.splitlines()
        start = next((i for i, line in enumerate(lines) if line.startswith(title)), None)
        if start is None:
            return []
        found = []
        for line in lines[start + 1 :]:
            if not line.startswith("  • "):
                break
            found.append(line)
        return found

    @property
    def errors(self) -> list[str]:
        return self.section("FEJL (")

    @property
    def warnings(self) -> list[str]:
        return self.section("ADVARSLER (")

    def error(self, *parts: str) -> str:
        return _line_with(self.errors, parts, self.output)

    def warning(self, *parts: str) -> str:
        return _line_with(self.warnings, parts, self.output)

    def figure(
        self,
        school_id: str,
        indicator: str,
        *,
        level: str = "skole",
        year: str = "2024/2025",
        group: str = "",
    ) -> pd.Series:
        t = self.table
        rows = t.loc[
            (t["school_id"] == school_id)
            & (t["indicator"] == indicator)
            & (t["level"] == level)
            & (t["school_year"] == year)
            & (t["group"] == group)
        ]
        assert len(rows) == 1, f"{len(rows)} rækker for {school_id} {indicator}:\n{t}"
        return rows.iloc[0]

    def value(self, school_id: str, indicator: str, **where: str) -> float:
        return float(self.figure(school_id, indicator, **where)["value"])


def _line_with(lines: list[str], parts: Iterable[str], output: str) -> str:
    parts = list(parts)
    matching = [line for line in lines if all(p in line for p in parts)]
    assert matching, f"ingen linje med {parts} i:\n{output}"
    return matching[0]


def at(file: str, row: int, column: str | None = None) -> str:
    """The place a problem line starts with: file, row and column as the user sees them."""
    text = f"data/{file}, række {row}"
    return text + (f", kolonne »{column}«" if column else "")


@pytest.fixture
def check(
    make_lab: Callable[..., Path], run_check: Callable[[Path], tuple[int, str]]
) -> Callable[..., Checked]:
    """Write the files into a lab, run `labkit check` on it, and load it for the values."""

    def run(files: Mapping[str, object], **options: object) -> Checked:
        folder = make_lab(files, **options)
        code, output = run_check(folder)
        assert "Traceback" not in output
        assert "Datatjek for" in output
        return Checked(code, output, load_lab(folder))

    return run


def assert_usable(result: Checked) -> None:
    assert result.code == 0, result.output
    assert not result.errors, result.output
    assert "Resultat: data kan bruges." in result.output


def assert_refused(result: Checked) -> None:
    assert result.code != 0, result.output
    assert result.errors, result.output
    assert "Resultat: data kan IKKE bruges endnu." in result.output


# --- files that must be read correctly --------------------------------------------------------


def test_published_layout_is_read_exactly(check: Callable[..., Checked]) -> None:
    result = check({"skoleoverblik.csv": overblik_csv()})
    assert_usable(result)
    assert not result.warnings, result.output
    assert result.value("101003", "karaktergennemsnit") == 7.3
    assert result.value("101003", "elevtal") == 2351
    assert result.value("101003", "socref_forskel") == -0.5
    assert result.value("101003", "socref_signifikans") == 0  # "På niveau"
    assert result.value("061001", "kompetencedaekning") == 95.2  # leading zero kept
    assert result.value("", "karaktergennemsnit", level="kommune") == 7.7
    assert result.value("", "karaktergennemsnit", level="land") == 7.4
    overgang = result.figure("101001", "overgang_uu")  # empty in the published file
    assert math.isnan(overgang["value"]) and overgang["status"] == STATUS_NOT_PUBLISHED


def test_windows_1252_keeps_danish_letters(check: Callable[..., Checked]) -> None:
    rows = trivsel_rows() + trivsel_rows("101005", "Sølvgades Skole")
    result = check(
        {
            "trivsel.csv": csv_bytes(TRIVSEL_HEADER, rows, encoding="cp1252"),
            "skoleoverblik.csv": overblik_csv(encoding="cp1252"),
        }
    )
    assert_usable(result)
    assert "kunne ikke læses" not in result.output
    assert result.value("101001", "stoette_inspiration", group="Mellemtrin") == 3.2
    assert result.value("101003", "fravaer") == 6.7  # column »Samlet elevfravær«
    assert result.value("101003", "andel_hoejest_trivsel") == 94.9  # »Andel med højest trivsel«
    other = result.figure("101005", "social_trivsel", group="Udskoling")
    assert other["school_name"] == "Sølvgades Skole"


def test_utf8_without_bom_and_unix_newlines(check: Callable[..., Checked]) -> None:
    result = check({"skoleoverblik.csv": overblik_csv(encoding="utf-8", newline="\n")})
    assert_usable(result)
    assert result.value("101003", "karaktergennemsnit") == 7.3
    assert result.value("101003", "elevtal") == 2351
    assert result.value("061001", "socref_signifikans") == 0


def test_comma_separated_with_quoted_decimal_commas(check: Callable[..., Checked]) -> None:
    data = overblik_csv(sep=",", quote=True)
    assert b'"7,3"' in data
    result = check({"skoleoverblik.csv": data})
    assert_usable(result)
    assert result.value("101003", "karaktergennemsnit") == 7.3
    assert result.value("101003", "klassekvotient") == 19.5
    assert result.value("101003", "elevtal") == 2351
    assert result.value("101003", "socref_forskel") == -0.5


def test_tab_separated(check: Callable[..., Checked]) -> None:
    result = check({"skoleoverblik.txt": overblik_csv(sep="\t", encoding="utf-8")})
    assert_usable(result)
    assert result.value("101003", "karaktergennemsnit") == 7.3
    assert result.value("101001", "elevtal") == 501


def test_decimal_points_throughout(check: Callable[..., Checked]) -> None:
    # English Excel or a program's export: 7.3 is 7.3, and 1,234 groups thousands.
    rows = [{k: v.replace(",", ".") for k, v in overblik_row(s).items()} for s in ("101003", "101001")]
    rows[0]["Elevtal"] = "1,234"
    result = check({"skoleoverblik.csv": overblik_csv(*rows)})
    assert_usable(result)
    assert result.value("101003", "karaktergennemsnit") == 7.3
    assert result.value("101003", "elevtal") == 1234
    assert result.value("101003", "socref_forskel") == -0.5
    assert result.value("101001", "klassekvotient") == 24.4


@pytest.mark.parametrize(
    ("column", "cell", "indicator", "expected"),
    [
        ("Elevtal", "2.351", "elevtal", 2351.0),
        ("Elevtal", "2 351", "elevtal", 2351.0),
        ("Kompetencedækning", "100,0 %", "kompetencedaekning", 100.0),
        ("Kompetencedækning", "66,4%", "kompetencedaekning", 66.4),
        ("SocRef Forskel", "\u22120,5", "socref_forskel", -0.5),  # typographic minus from Word
        ("Karaktergennemsnit", " 7,3 ", "karaktergennemsnit", 7.3),
    ],
)
def test_danish_number_formats(
    check: Callable[..., Checked], column: str, cell: str, indicator: str, expected: float
) -> None:
    row = overblik_row("101003", **{column.replace(" ", "_"): cell})
    result = check({"skoleoverblik.csv": overblik_csv(row, overblik_row("101001"))})
    assert_usable(result)
    assert result.value("101003", indicator) == expected


@pytest.mark.parametrize("marker", ["-", "..", "*", ""])
def test_suppression_marker_is_not_published_never_zero(check: Callable[..., Checked], marker: str) -> None:
    row = overblik_row("101003", Karaktergennemsnit=marker, Samlet_elevfravær=marker)
    result = check({"skoleoverblik.csv": overblik_csv(row, overblik_row("101001"))})
    assert_usable(result)
    for indicator in ("karaktergennemsnit", "fravaer"):
        figure = result.figure("101003", indicator)
        assert figure["status"] == STATUS_NOT_PUBLISHED
        assert math.isnan(figure["value"])
    assert result.value("101003", "elevtal") == 2351
    assert result.figure("101003", "elevtal")["status"] == STATUS_PUBLISHED


def test_renamed_column_is_a_warning(check: Callable[..., Checked]) -> None:
    header = ["Karakter gns." if h == "Karaktergennemsnit" else h for h in OVERBLIK_HEADER]
    rows = [overblik_row("101003"), overblik_row("101001"), overblik_row("061001")]
    result = check({"skoleoverblik.csv": csv_bytes(header, rows)})
    assert_usable(result)
    line = result.warning(at("skoleoverblik.csv", 1, "Karakter gns."))
    assert "kendes ikke" in line
    assert "karaktergennemsnit" not in set(result.table.loc[result.table["level"] == "skole", "indicator"])
    assert result.value("101003", "elevtal") == 2351


def test_same_row_twice_is_read_once_with_a_warning(check: Callable[..., Checked]) -> None:
    rows = trivsel_rows()
    rows.insert(4, rows[2])  # Udskoling, Faglig trivsel, 3,7 pasted twice: rows 4 and 6
    result = check({"trivsel.csv": csv_bytes(TRIVSEL_HEADER, rows)})
    assert_usable(result)
    line = result.warning("data/trivsel.csv række 4", "data/trivsel.csv række 6")
    assert "ens" in line
    assert result.value("101001", "faglig_trivsel", group="Udskoling") == 3.7


def test_same_figure_with_different_values_is_refused(check: Callable[..., Checked]) -> None:
    rows = trivsel_rows()
    rows.append(["101001", "Den Classenske Legatskole", "2024/2025", "Udskoling", "Faglig trivsel", "3,9"])
    result = check({"trivsel.csv": csv_bytes(TRIVSEL_HEADER, rows)})
    assert_refused(result)
    line = result.error("data/trivsel.csv række 4", "data/trivsel.csv række 12")
    assert "forskellige" in line
    assert result.table.loc[result.table["indicator"] == "faglig_trivsel", "group"].tolist() == ["Mellemtrin"]


def test_xlsx_with_title_row_reports_excel_row_numbers(check: Callable[..., Checked]) -> None:
    rows: list[list[object]] = [
        ["Kvalitetsrapport 2024/2025 – Københavns Kommune"],
        [],
        list(OVERBLIK_HEADER),
    ]
    for school_id in ("101003", "101001", "061001"):
        row = overblik_row(school_id)
        rows.append(
            [
                row["Institutionsnummer"],
                row["Institution"],
                row["Skoleår"],
                *(excel_number(v) for v in list(row.values())[3:]),
            ]
        )
    rows[-1][OVERBLIK_HEADER.index("Elevtal")] = 2351  # Danish Excel shows 2.351
    result = check({"kvalitetsrapport.xlsx": rows})
    assert_usable(result)
    assert result.value("101003", "karaktergennemsnit") == 7.3
    assert result.value("061001", "elevtal") == 2351
    assert result.figure("101003", "karaktergennemsnit")["row"] == 4  # Excel's row, below title
    assert result.figure("061001", "elevtal")["row"] == 6
    assert result.value("101001", "socref_signifikans") == 1  # "Over niveau"


def test_xlsx_text_cell_is_reported_at_excel_row(check: Callable[..., Checked]) -> None:
    header = ["Institutionsnummer", "Institution", "Skoleår", "Elevtal", "Karaktergennemsnit"]
    rows = [
        ["Skoleoverblik"],
        header,
        ["101003", "Nyboder Skole", "2024/2025", 448, 7.3],
        ["101001", "Den Classenske Legatskole", "2024/2025", 501, "ca. 9"],
    ]
    result = check({"overblik.xlsx": rows})
    assert_refused(result)
    line = result.error(at("overblik.xlsx", 4, "Karaktergennemsnit"))
    assert "»ca. 9«" in line


def test_xlsx_percent_formatted_cells_are_percent(check: Callable[..., Checked]) -> None:
    # Danish Excel turns the published "95,2 %" into 0.952 shown as a percentage.
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(
        [
            "Institutionsnummer",
            "Institution",
            "Skoleår",
            "Kompetencedækning",
            "Samlet elevfravær",
            "Karaktergennemsnit",
        ]
    )
    sheet.append(["061001", "Højvangskolen", "2024/2025", 0.952, 0.067, 8.1])
    sheet.append(["101003", "Nyboder Skole", "2024/2025", 1, 0.067, 7.3])
    for row in sheet.iter_rows(min_row=2, min_col=4, max_col=5):
        for cell in row:
            cell.number_format = "0.0%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = check({"overblik.xlsx": buffer.getvalue()})
    assert_usable(result)
    assert result.value("061001", "kompetencedaekning") == pytest.approx(95.2)
    assert result.value("101003", "kompetencedaekning") == pytest.approx(100.0)
    assert result.value("101003", "fravaer") == pytest.approx(6.7)
    assert result.value("101003", "karaktergennemsnit") == 7.3


def test_unicode_text_from_excel(check: Callable[..., Checked]) -> None:
    # Excel's "Unicode-tekst (*.txt)": UTF-16 with a BOM, tab-separated.
    result = check({"skoleoverblik.txt": overblik_csv(sep="\t", encoding="utf-16")})
    assert_usable(result)
    assert result.value("101003", "karaktergennemsnit") == 7.3
    assert result.value("101003", "elevtal") == 2351
    assert result.value("061001", "socref_signifikans") == 0  # "På niveau"


def test_mac_csv_with_carriage_return_lines(check: Callable[..., Checked]) -> None:
    # Excel for Mac's "CSV (Macintosh)" ends each line with a lone \r.
    result = check({"skoleoverblik.csv": overblik_csv(newline="\r", encoding="utf-8")})
    assert_usable(result)
    assert result.value("101003", "karaktergennemsnit") == 7.3
    assert result.figure("061001", "elevtal")["row"] == 4


def test_csv_with_title_line_above_header(check: Callable[..., Checked]) -> None:
    data = "Kvalitetsrapport 2024/2025, Københavns Kommune\r\n\r\n".encode("utf-8-sig")
    data += overblik_csv(encoding="utf-8")
    result = check({"skoleoverblik.csv": data})
    assert_usable(result)
    assert result.value("101003", "karaktergennemsnit") == 7.3
    assert result.figure("101003", "karaktergennemsnit")["row"] == 4


def test_school_outside_the_lab_is_used_for_comparison(check: Callable[..., Checked]) -> None:
    rows = [overblik_row(s) for s in ("101003", "101001", "061001", "101005")]
    result = check({"skoleoverblik.csv": overblik_csv(*rows)})
    assert_usable(result)
    assert "Desuden 1 andre skoler i data (bruges kun til sammenligning)." in result.output
    assert result.value("101005", "karaktergennemsnit") == 8.1


def test_lab_school_without_data_is_a_warning(check: Callable[..., Checked]) -> None:
    rows = [overblik_row("101003"), overblik_row("101001")]
    result = check({"skoleoverblik.csv": overblik_csv(*rows)})
    assert_usable(result)
    line = result.warning("lab.yaml", "Højvangskolen (061001)")
    assert "ingen kvalitetsrapport-tal" in line
    assert "Se advarslerne ovenfor." in result.output


def test_too_few_answers_hides_the_trivsel_figure(check: Callable[..., Checked]) -> None:
    header = TRIVSEL_HEADER + ["Antal besvarelser"]
    rows = [r + ["48"] for r in trivsel_rows()]
    rows[1][-1] = "4"  # Mellemtrin, Social trivsel: 4 answers < mindste_gruppe 5
    rows[3][-1] = "5"  # exactly the minimum is shown
    rows[5][-1] = "1.204"
    result = check({"trivsel.csv": csv_bytes(header, rows)})
    assert_usable(result)
    hidden = result.figure("101001", "social_trivsel", group="Mellemtrin")
    assert hidden["status"] == STATUS_TOO_FEW
    assert math.isnan(hidden["value"])
    assert hidden["n"] == 4
    assert result.value("101001", "faglig_trivsel", group="Mellemtrin") == 3.7
    assert result.figure("101001", "stoette_inspiration", group="Mellemtrin")["n"] == 1204
    assert "1 skjult (for få besvarelser)" in result.output


def test_long_layout_with_comparisons(check: Callable[..., Checked]) -> None:
    rows = [
        ["101003", "Nyboder Skole", "2024/2025", "Karaktergennemsnit", "", "Skole", "7,3", "48"],
        ["", "", "2024/2025", "Karaktergennemsnit", "", "Kommune", "7,7", "3.912"],
        ["", "", "2024/2025", "Karaktergennemsnit", "", "Land", "7,4", "61.204"],
        ["101003", "Nyboder Skole", "2024/2025", "Social trivsel", "Udskoling", "Skole", "3,8", "3"],
        ["101001", "Den Classenske Legatskole", "2024/2025", "Elevtal", "", "skole", "501", ""],
        ["061001", "Højvangskolen", "2024/2025", "Samlet elevfravær", "", "Skole", "-", ""],
    ]
    result = check({"lang.csv": csv_bytes(LANG_HEADER, rows)})
    assert_usable(result)
    assert result.value("101003", "karaktergennemsnit") == 7.3
    assert result.figure("", "karaktergennemsnit", level="land")["n"] == 61204
    assert result.figure("101003", "social_trivsel", group="Udskoling")["status"] == STATUS_TOO_FEW
    assert result.value("101001", "elevtal") == 501
    assert result.figure("061001", "fravaer")["status"] == STATUS_NOT_PUBLISHED


# --- files that must be refused, naming file, row and column -----------------------------------


def test_comma_separated_with_unquoted_decimal_commas(check: Callable[..., Checked]) -> None:
    result = check({"skoleoverblik.csv": overblik_csv(sep=",", quote=False)})
    assert_refused(result)
    line = result.error(at("skoleoverblik.csv", 2))
    assert "skilletegnet" in line and "anførselstegn" in line
    assert result.table.empty


def test_mixed_decimal_marks_are_refused(check: Callable[..., Checked]) -> None:
    rows = [
        overblik_row("101003"),
        overblik_row("101001", Karaktergennemsnit="9.0"),
        overblik_row("061001", Klassekvotient="22.1"),
    ]
    result = check({"skoleoverblik.csv": overblik_csv(*rows)})
    assert_refused(result)
    assert "blander decimalkomma" in result.output
    assert "»9.0«" in result.error(at("skoleoverblik.csv", 3, "Karaktergennemsnit"))
    assert "»22.1«" in result.error(at("skoleoverblik.csv", 4, "Klassekvotient"))


def test_text_in_number_cell(check: Callable[..., Checked]) -> None:
    row = overblik_row("101001", Karaktergennemsnit="ca. 7")
    result = check({"skoleoverblik.csv": overblik_csv(overblik_row("101003"), row)})
    assert_refused(result)
    line = result.error(at("skoleoverblik.csv", 3, "Karaktergennemsnit"))
    assert "»ca. 7«" in line and "Forventet: et tal som 7,3" in line
    # Never NaN or 0 in place of the unreadable figure.
    t = result.table
    assert t.loc[(t["school_id"] == "101001") & (t["indicator"] == "karaktergennemsnit")].empty


def test_missing_institution_number_column(check: Callable[..., Checked]) -> None:
    header = OVERBLIK_HEADER[1:]
    rows = [list(overblik_row(s).values())[1:] for s in ("101003", "101001")]
    result = check({"skoleoverblik.csv": csv_bytes(header, rows)})
    assert_refused(result)
    line = result.error(at("skoleoverblik.csv", 1))
    assert "der mangler »Institutionsnummer«." in line  # only what this file lacks


def test_duplicate_column_header(check: Callable[..., Checked]) -> None:
    header = OVERBLIK_HEADER + ["Karaktergennemsnit"]
    rows = [
        list(overblik_row(s).values()) + [overblik_row(s)["Karaktergennemsnit"]] for s in ("101003", "101001")
    ]
    result = check({"skoleoverblik.csv": csv_bytes(header, rows)})
    assert_refused(result)
    line = result.error(at("skoleoverblik.csv", 1, "Karaktergennemsnit"))
    assert "to gange" in line and "kolonne 11 og 27" in line


def test_empty_file(check: Callable[..., Checked]) -> None:
    result = check({"skoleoverblik.csv": b"", "trivsel.csv": csv_bytes(TRIVSEL_HEADER, trivsel_rows())})
    assert_refused(result)
    assert "Filen er tom" in result.error("data/skoleoverblik.csv")
    assert result.value("101001", "social_trivsel", group="Udskoling") == 4


def test_header_only(check: Callable[..., Checked]) -> None:
    result = check({"skoleoverblik.csv": csv_bytes(OVERBLIK_HEADER, [])})
    assert_refused(result)
    assert "ingen datarækker" in result.error(at("skoleoverblik.csv", 1))


def test_xlsx_number_lost_its_leading_zero(check: Callable[..., Checked]) -> None:
    header = ["Institutionsnummer", "Institution", "Skoleår", "Elevtal", "Karaktergennemsnit"]
    rows = [
        header,
        [101003, "Nyboder Skole", "2024/2025", 448, 7.3],
        [61001, "Højvangskolen", "2024/2025", 446, 8.1],
    ]
    result = check({"overblik.xlsx": rows})
    assert_refused(result)
    line = result.error(at("overblik.xlsx", 3, "Institutionsnummer"))
    assert "»61001«" in line and "foranstillet nul" in line
    assert result.value("101003", "karaktergennemsnit") == 7.3  # 101003 as a number is fine


def _zip_with(files: Mapping[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _damaged_sheet() -> bytes:
    """A real workbook whose sheet XML was cut off (a broken download or sync)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(OVERBLIK_HEADER[:4])
    sheet.append(["101003", "Nyboder Skole", "2024/2025", 448])
    buffer = io.BytesIO()
    workbook.save(buffer)
    good = zipfile.ZipFile(buffer)
    files = {name: good.read(name) for name in good.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    files[sheet] = files[sheet][: len(files[sheet]) // 2]
    return _zip_with(files)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(lambda: overblik_csv(), id="csv-renamed"),
        pytest.param(
            lambda: _zip_with({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}),
            id="docx-renamed",
        ),
        pytest.param(
            lambda: _zip_with({"[Content_Types].xml": "<<<", "xl/workbook.xml": "<<<"}), id="broken-xml"
        ),
        pytest.param(_damaged_sheet, id="damaged-sheet"),
    ],
)
def test_file_that_is_not_a_workbook(check: Callable[..., Checked], content: Callable[[], bytes]) -> None:
    result = check(
        {"skoleoverblik.xlsx": content(), "trivsel.csv": csv_bytes(TRIVSEL_HEADER, trivsel_rows())}
    )
    assert_refused(result)
    assert "kan ikke åbnes som Excel" in result.error("data/skoleoverblik.xlsx")
    assert result.value("101001", "generel_trivsel", group="Udskoling") == 3.7


def test_xlsx_number_that_excel_turned_into_a_date(check: Callable[..., Checked]) -> None:
    # Danish Excel reads a pasted "7.3" as 7 March; saved as .xlsx the cell is a date.
    header = ["Institutionsnummer", "Institution", "Skoleår", "Elevtal", "Karaktergennemsnit"]
    rows = [
        header,
        ["101003", "Nyboder Skole", "2024/2025", 448, 7.3],
        ["061001", "Højvangskolen", "2024/2025", 446, datetime.datetime(2025, 3, 7)],
    ]
    result = check({"overblik.xlsx": rows})
    assert_refused(result)
    line = result.error(at("overblik.xlsx", 3, "Karaktergennemsnit"))
    assert "2025-03-07" in line
    t = result.table
    assert t.loc[(t["school_id"] == "061001") & (t["indicator"] == "karaktergennemsnit")].empty


def test_file_open_in_excel(check: Callable[..., Checked], monkeypatch: pytest.MonkeyPatch) -> None:
    # On Windows, Excel locks an open CSV; reading it raises PermissionError.
    read_bytes = Path.read_bytes

    def locked(path: Path) -> bytes:
        if path.name == "skoleoverblik.csv":
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", locked)
    result = check(
        {"skoleoverblik.csv": overblik_csv(), "trivsel.csv": csv_bytes(TRIVSEL_HEADER, trivsel_rows())}
    )
    assert_refused(result)
    assert "åben i Excel" in result.error("data/skoleoverblik.csv")


def test_old_excel_file_is_not_silently_ignored(check: Callable[..., Checked]) -> None:
    result = check({"skoleoverblik.csv": overblik_csv(), "kvalitetsrapport 2023.xls": b"\xd0\xcf\x11\xe0"})
    assert_usable(result)
    assert ".xlsx" in result.warning("data/kvalitetsrapport 2023.xls", "springes over")


def test_values_outside_the_scale(check: Callable[..., Checked]) -> None:
    row = overblik_row("101001", Karaktergennemsnit="15", Samlet_elevfravær="120 %")
    result = check({"skoleoverblik.csv": overblik_csv(overblik_row("101003"), row)})
    assert_refused(result)
    grade = result.error(at("skoleoverblik.csv", 3, "Karaktergennemsnit"))
    assert "»15«" in grade and "mellem -3 og 12" in grade
    absence = result.error(at("skoleoverblik.csv", 3, "Samlet elevfravær"))
    assert "»120 %«" in absence and "mellem 0 og 100" in absence


@pytest.mark.parametrize("year", ["2024-25", "2024/25", "2024/2026", "24/25"])
def test_invalid_school_year(check: Callable[..., Checked], year: str) -> None:
    row = overblik_row("101001", Skoleår=year)
    result = check({"skoleoverblik.csv": overblik_csv(overblik_row("101003"), row)})
    assert_refused(result)
    line = result.error(at("skoleoverblik.csv", 3, "Skoleår"))
    assert f"»{year}«" in line and "2024/2025" in line


def test_unknown_trivsel_indicator(check: Callable[..., Checked]) -> None:
    rows = trivsel_rows()
    rows[1][4] = "Social trivsl"
    result = check({"trivsel.csv": csv_bytes(TRIVSEL_HEADER, rows)})
    assert_refused(result)
    line = result.error(at("trivsel.csv", 3, "Trivselsindikator"))
    assert "»Social trivsl«" in line


def test_unknown_level_in_long_layout(check: Callable[..., Checked]) -> None:
    rows = [
        ["101003", "Nyboder Skole", "2024/2025", "Karaktergennemsnit", "", "Skole", "7,3", "48"],
        ["", "", "2024/2025", "Karaktergennemsnit", "", "Region", "7,5", ""],
    ]
    result = check({"lang.csv": csv_bytes(LANG_HEADER, rows)})
    assert_refused(result)
    line = result.error(at("lang.csv", 3, "Niveau"))
    assert "»Region«" in line and "Skole, Kommune eller Land" in line


@pytest.mark.parametrize("antal", ["48,5", "ca. 50", "-3"])
def test_count_not_a_whole_number(check: Callable[..., Checked], antal: str) -> None:
    rows = [["101003", "Nyboder Skole", "2024/2025", "Karaktergennemsnit", "", "Skole", "7,3", antal]]
    result = check({"lang.csv": csv_bytes(LANG_HEADER, rows)})
    assert_refused(result)
    line = result.error(at("lang.csv", 2, "Antal"))
    assert f"»{antal}«" in line and "helt tal" in line


def test_unknown_socref_category(check: Callable[..., Checked]) -> None:
    row = overblik_row("101001", SocRef_Signifikant_forskel="Overniveau")
    result = check({"skoleoverblik.csv": overblik_csv(overblik_row("101003"), row)})
    assert_refused(result)
    line = result.error(at("skoleoverblik.csv", 3, "SocRef Signifikant forskel"))
    assert "»Overniveau«" in line and "Over niveau" in line


def test_every_problem_in_a_file_is_reported_at_once(check: Callable[..., Checked]) -> None:
    rows = [
        overblik_row("101003", Karaktergennemsnit="ca. 7"),
        overblik_row("101001", Skoleår="2024-25"),
        overblik_row("061001", Kompetencedækning="195,2"),
        overblik_row("101005", Institutionsnummer="10105", SocRef_Signifikant_forskel="?"),
    ]
    result = check({"skoleoverblik.csv": overblik_csv(*rows)})
    assert_refused(result)
    result.error(at("skoleoverblik.csv", 2, "Karaktergennemsnit"), "»ca. 7«")
    result.error(at("skoleoverblik.csv", 3, "Skoleår"), "»2024-25«")
    result.error(at("skoleoverblik.csv", 4, "Kompetencedækning"), "»195,2«")
    result.error(at("skoleoverblik.csv", 5, "Institutionsnummer"), "»10105«")
    # A row with a bad number or year is still checked cell by cell.
    result.error(at("skoleoverblik.csv", 5, "SocRef Signifikant forskel"), "»?«")
    assert set(result.table["school_id"]) == {"", "101003", "061001"}
    reported_rows = {line.split("række ")[1].split(",")[0] for line in result.errors if "række " in line}
    assert len(reported_rows) >= 3


# --- lab.yaml ---------------------------------------------------------------------------------


def _check_config(
    make_lab: Callable[..., Path], run_check: Callable[[Path], tuple[int, str]], config: str | bool
) -> str:
    folder = make_lab({"skoleoverblik.csv": overblik_csv()}, config=config)
    code, output = run_check(folder)
    assert code != 0
    assert "Traceback" not in output
    assert output.startswith("FEJL: ")
    return output


def test_unquoted_institution_number_in_lab_yaml(
    make_lab: Callable[..., Path], run_check: Callable[[Path], tuple[int, str]]
) -> None:
    config = (
        'kommune: Københavns Kommune\nskoleår: "2025/2026"\nmindste_gruppe: 5\nskoler:\n'
        '  - institutionsnummer: "101003"\n    navn: Nyboder Skole\n'
        "  - institutionsnummer: 061001\n    navn: Højvangskolen\ndatamappe: data\n"
    )
    output = _check_config(make_lab, run_check, config)
    assert "lab.yaml, linje 7" in output  # the second school's number: where to look
    assert "anførselstegn" in output and '"061001"' in output and "fx 10" not in output
    assert "25089" not in output  # YAML reads an unquoted 061001 as the octal number 25089


def test_malformed_lab_yaml(
    make_lab: Callable[..., Path], run_check: Callable[[Path], tuple[int, str]]
) -> None:
    config = (
        'kommune: Københavns Kommune\nskoleår: "2025/2026"\nskoler:\n'
        '  - institutionsnummer: "101003"\n   navn: Nyboder Skole\n'
    )
    output = _check_config(make_lab, run_check, config)
    assert "lab.yaml" in output and "kan ikke læses som YAML" in output and "linje 5" in output


def test_lab_yaml_saved_as_windows_1252(
    make_lab: Callable[..., Path], run_check: Callable[[Path], tuple[int, str]]
) -> None:
    folder = make_lab({"skoleoverblik.csv": overblik_csv()})
    config = folder / "lab.yaml"
    config.write_bytes(config.read_text(encoding="utf-8").encode("cp1252"))  # Notepad's "ANSI"
    code, output = run_check(folder)
    assert code != 0 and "Traceback" not in output
    assert "lab.yaml" in output and "UTF-8" in output


def test_missing_lab_yaml(
    make_lab: Callable[..., Path], run_check: Callable[[Path], tuple[int, str]]
) -> None:
    output = _check_config(make_lab, run_check, False)
    assert "Der er ingen lab.yaml" in output


# --- rules added after the first review -------------------------------------------------------


def test_skoleoverblik_row_pasted_twice_is_one_warning_in_danish(check: Callable[..., Checked]) -> None:
    rows = [overblik_row("101003"), overblik_row("101001"), overblik_row("101003")]
    result = check({"skoleoverblik.csv": overblik_csv(*rows)})
    assert_usable(result)
    duplicates = [w for w in result.warnings if "flere steder" in w]
    assert len(duplicates) == 1, result.output
    line = duplicates[0]
    assert "række 2" in line and "række 4" in line
    assert "Elevtal, Klassekvotient" in line and "klassekvotient" not in line  # Danish names, not ids
    assert "kolonne" not in line  # the whole row is repeated, not one column


def test_short_csv_row_is_refused_not_guessed(check: Callable[..., Checked]) -> None:
    short = ";".join(list(overblik_row("101001").values())[:10])  # cells lost at the end
    text = overblik_csv(overblik_row("101003")).decode("utf-8-sig") + short + "\r\n"
    result = check({"skoleoverblik.csv": text.encode("utf-8-sig")})
    assert_refused(result)
    line = result.error("data/skoleoverblik.csv, række 3")
    assert "kun 10 celler" in line and "26" in line


def test_count_with_decimal_point_thousands_is_not_a_fraction(check: Callable[..., Checked]) -> None:
    # In a decimal-point file "2.351" reads as 2.351; a pupil count can only be whole.
    rows = [["101003", "Nyboder Skole", "2024/2025", "Elevtal", "", "Skole", "2.351", ""],
            ["101003", "Nyboder Skole", "2024/2025", "Karaktergennemsnit", "", "Skole", "7.3", ""]]
    result = check({"lang.csv": csv_bytes(LANG_HEADER, rows)})
    assert_refused(result)
    line = result.error(at("lang.csv", 2, "Værdi"))
    assert "»2.351«" in line and "helt tal" in line


def test_unreadable_count_hides_the_figure(check: Callable[..., Checked]) -> None:
    rows = [["101003", "Nyboder Skole", "2024/2025", "Social trivsel", "Udskoling", "Skole", "4,1", "ca. 3"]]
    result = check({"lang.csv": csv_bytes(LANG_HEADER, rows)})
    assert_refused(result)
    figure = result.figure("101003", "social_trivsel", group="Udskoling")
    assert pd.isna(figure["value"])  # without n the privacy rule cannot be checked


def _workbook_with_hidden_first_sheet(visible_rows: list[list[object]], hidden_rows: list[list[object]],
                                      state: str = "hidden") -> bytes:
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    old = workbook.active
    assert old is not None
    old.title = "Sidste år"
    for row in hidden_rows:
        old.append(row)
    old.sheet_state = state
    current = workbook.create_sheet("Tal")
    for row in visible_rows:
        current.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _overblik_rows(grade: str) -> list[list[object]]:
    rows: list[list[object]] = [list(OVERBLIK_HEADER)]
    for school_id in ("101003", "101001", "061001"):
        row = overblik_row(school_id, Karaktergennemsnit=grade)
        rows.append([row["Institutionsnummer"], row["Institution"], row["Skoleår"],
                     *(excel_number(v) for v in list(row.values())[3:])])
    return rows


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_xlsx_reads_the_visible_sheet_not_a_hidden_first_one(check: Callable[..., Checked], state: str) -> None:
    """A hidden first sheet with last year's figures is not what the user sees in Excel: labkit reads the
    first visible sheet (it read Karaktergennemsnit 1,1 from the hidden one instead of 7,3)."""
    data = _workbook_with_hidden_first_sheet(_overblik_rows("7,3"), _overblik_rows("1,1"), state)
    result = check({"kvalitetsrapport.xlsx": data})
    assert_usable(result)
    assert result.value("101003", "karaktergennemsnit") == 7.3


def test_a_malformed_value_the_privacy_rule_hides_is_never_quoted(lab: Path,
                                                                   run_check: Callable[[Path], tuple[int, str]]) -> None:
    """Lille Mølle's smallest trivsel group (fewer than 5 answers) gets a malformed score: the check
    says which cell is wrong but never shows what stands there (it printed 13.37 verbatim)."""
    plant_sub_threshold_figure(lab, "13.37xyz")
    code, output = run_check(lab)
    assert "13.37" not in output and "13,37" not in output
    assert "skjult: færre end 5 besvarelser" in output and code != 0
    loaded = load_lab(lab)
    assert not any("13.37" in p.describe() for p in loaded.problems)


def test_xlsx_formulas_without_saved_results_are_refused_not_read_as_empty(check: Callable[..., Checked]) -> None:
    """A workbook written by a script holds formulas but no results: read as empty cells they would
    look like unpublished figures. The check names the cell and says to save the file in Excel."""
    rows = _overblik_rows("7,3")
    rows[1][OVERBLIK_HEADER.index("Karaktergennemsnit")] = "=7.3"  # openpyxl saves no result for it
    result = check({"kvalitetsrapport.xlsx": rows})
    assert_refused(result)
    assert "har en formel uden et gemt resultat" in result.output and "gemt igen" in result.output
    column = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[OVERBLIK_HEADER.index("Karaktergennemsnit")]
    assert f"Cellen {column}2" in result.output
