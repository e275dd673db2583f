"""Bad-input suite, data files (issue 12): kvalitetsrapport CSV and .xlsx files and the kapacitetsinterview
workbook, as facilitators and consultants really spoil them, through `labkit check`.

Each case is one row of a table (`tests.data.bad_input_harness` runs it): refused with a Danish line
naming file, row and column and what was expected, or accepted with the values it was meant to have.
`test_bad_input_settings.py` holds lab.yaml, the templates and the output paths.
"""

from __future__ import annotations

import functools
import math
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd
import pytest

from labkit.data.instrument import DEFAULT_INSTRUMENT, load_instrument
from labkit.data.kapacitet_workbook import write_entry_workbook
from labkit.data.kvalitet_schema import STATUS_NOT_PUBLISHED, STATUS_TOO_FEW
from tests.data.bad_input_harness import Case, Ran, both, put, run, workbook
from tests.data.test_bad_input import (
    LANG_HEADER,
    OVERBLIK_HEADER,
    TRIVSEL_HEADER,
    csv_bytes,
    excel_number,
    overblik_csv,
    overblik_row,
    trivsel_rows,
)

F = "data/skoleoverblik.csv"


def grade(school: str, expected: float) -> Callable[[Ran], None]:
    def read(ran: Ran) -> None:
        assert ran.value(school, "karaktergennemsnit") == pytest.approx(expected)

    return read


def reads(*checks: Callable[[Ran], object]) -> Callable[[Ran], None]:
    def read(ran: Ran) -> None:
        for check in checks:
            check(ran)

    return read


def value_is(school: str, indicator: str, expected: float, **where: str) -> Callable[[Ran], None]:
    return lambda ran: _equal(ran.value(school, indicator, **where), expected)


def _equal(found: float, expected: float) -> None:
    assert found == pytest.approx(expected), found


def not_published(school: str, indicator: str) -> Callable[[Ran], None]:
    def read(ran: Ran) -> None:
        figure = ran.figure(school, indicator)
        assert math.isnan(figure["value"]) and figure["status"] == STATUS_NOT_PUBLISHED

    return read


def overblik(*changes: tuple[str, dict[str, str]], **options: object) -> bytes:
    """The published skoleoverblik with some cells changed: (school, {column: cell})."""
    changed = dict(changes)
    rows = [overblik_row(s, **{k.replace(" ", "_"): v for k, v in changed.get(s, {}).items()})
            for s in ("101003", "101001", "061001")]
    return overblik_csv(*rows, **options)


def _all_quoted() -> bytes:
    """Every cell in quotes, as some exports write them."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(OVERBLIK_HEADER)
    writer.writerows(overblik_row(s).values() for s in ("101003", "101001", "061001"))
    return buffer.getvalue().encode("utf-8-sig")


def overblik_text(**options: object) -> str:
    return overblik_csv(encoding="utf-8", **options).decode("utf-8")  # type: ignore[arg-type]


def xlsx_rows(**changes: object) -> list[list[object]]:
    """The skoleoverblik as Danish Excel stores it after opening the CSV (numbers as numbers)."""
    rows: list[list[object]] = [list(OVERBLIK_HEADER)]
    for school in ("101003", "101001", "061001"):
        row = overblik_row(school)
        rows.append([row["Institutionsnummer"], row["Institution"], row["Skoleår"],
                     *(excel_number(v) for v in list(row.values())[3:])])
    for key, value in changes.items():  # "r2_Karaktergennemsnit": row 2 (Excel's), that column
        number, column = key[1:].split("_", 1)
        rows[int(number) - 1][OVERBLIK_HEADER.index(column.replace("_", " "))] = value
    return rows


def col(name: str) -> str:
    """The Excel column letter of a skoleoverblik header."""
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[OVERBLIK_HEADER.index(name)]


def lang(*rows: list[str], **options: object) -> bytes:
    return csv_bytes(LANG_HEADER, rows, **options)  # type: ignore[arg-type]


def lang_row(indicator: str, value: str, antal: str = "", *, school: str = "101003", level: str = "Skole",
             group: str = "", year: str = "2024/2025") -> list[str]:
    return [school if level == "Skole" else "", "Nyboder Skole" if level == "Skole" else "", year, indicator,
            group, level, value, antal]


def trivsel_with_n(n: dict[int, str], **options: object) -> bytes:
    rows = [r + ["48"] for r in trivsel_rows()]
    for index, count in n.items():
        rows[index][-1] = count
    return csv_bytes([*TRIVSEL_HEADER, "Antal besvarelser"], rows, **options)  # type: ignore[arg-type]


def trivsel_pasted_again(value: str) -> bytes:
    """The trivsel file with counts, the second row from 3 pupils (hidden), pasted again below with `value`."""
    rows = [r + ["48"] for r in trivsel_rows()]
    rows[1][-1] = "3"
    rows.append([*rows[1][:-2], value, "3"])
    return csv_bytes([*TRIVSEL_HEADER, "Antal besvarelser"], rows)


def hidden_without_count(school: str, indicator: str, group: str = "") -> Callable[[Ran], None]:
    """A figure whose count is missing is hidden like one from too few: no value, and n stays unknown."""

    def read(ran: Ran) -> None:
        figure = ran.figure(school, indicator, group=group)
        assert math.isnan(figure["value"]) and figure["status"] == STATUS_TOO_FEW and pd.isna(figure["n"]), figure

    return read


def link(name: str, target: str, *, replace: bool = False) -> Callable[[Path], None]:
    """`data/<name>` as a symbolic link to `target` (which may not exist), in place of the file if `replace`."""

    def spoil(folder: Path) -> None:
        path = folder / "data" / name
        if replace:
            path.unlink()
        path.symlink_to(target)

    return spoil


# --- CSV: good but unusual, read exactly ----------------------------------------------------------------

CSV_ACCEPTED = [
    Case("csv-windows-1252", put("skoleoverblik.csv", overblik_csv(encoding="cp1252")), False,
         read=reads(value_is("101003", "fravaer", 6.7), value_is("101003", "andel_hoejest_trivsel", 94.9)),
         never=("kunne ikke læses",)),
    Case("csv-utf8-bom-crlf", lambda f: None, False, read=grade("101003", 7.3)),
    Case("csv-utf8-no-bom-lf", put("skoleoverblik.csv", overblik_csv(encoding="utf-8", newline="\n")), False,
         read=reads(grade("101003", 7.3), value_is("101003", "elevtal", 2351))),
    Case("csv-utf16-tab-unicode-text", put("skoleoverblik.txt", overblik_csv(sep="\t", encoding="utf-16")), False,
         read=reads(grade("101003", 7.3), value_is("101003", "elevtal", 2351))),
    Case("csv-tab-separated-tsv", put("skoleoverblik.tsv", overblik_csv(sep="\t", encoding="utf-8")), False,
         read=value_is("101001", "elevtal", 501)),
    Case("csv-comma-quoted-decimal-commas", put("skoleoverblik.csv", overblik_csv(sep=",", quote=True)), False,
         read=reads(grade("101003", 7.3), value_is("101003", "socref_forskel", -0.5))),
    Case("csv-semicolon-every-cell-quoted",
         put("skoleoverblik.csv", lambda: _all_quoted()), False,
         read=reads(grade("101003", 7.3), value_is("061001", "kompetencedaekning", 95.2))),
    Case("csv-decimal-points-english-excel",
         put("skoleoverblik.csv", lambda: overblik_csv(*[
             {k: v.replace(",", ".") if k != "Elevtal" else "2,351" for k, v in overblik_row(s).items()}
             for s in ("101003", "101001")])), False,
         read=reads(grade("101003", 7.3), value_is("101001", "klassekvotient", 24.4),
                    value_is("101003", "elevtal", 2351))),
    Case("csv-thousands-dot-is-not-a-decimal", lambda f: None, False, read=value_is("101003", "elevtal", 2351)),
    Case("csv-thousands-no-break-space",
         put("skoleoverblik.csv", overblik(("101003", {"Elevtal": "2\u00a0351"}))), False,
         read=value_is("101003", "elevtal", 2351)),
    Case("csv-percent-sign-with-space",
         put("skoleoverblik.csv", overblik(("101003", {"Kompetencedækning": "66,4 %"}))), False,
         read=value_is("101003", "kompetencedaekning", 66.4)),
    Case("csv-typographic-minus",
         put("skoleoverblik.csv", overblik(("101003", {"SocRef Forskel": "\u22120,5"}))), False,
         read=value_is("101003", "socref_forskel", -0.5)),
    Case("csv-trailing-spaces-in-cells",
         put("skoleoverblik.csv", overblik(("101003", {"Institutionsnummer": "101003 ", "Karaktergennemsnit": " 7,3 ",
                                                      "Skoleår": "2024/2025 "}))), False,
         read=grade("101003", 7.3)),
    Case("csv-trailing-spaces-in-headers",
         put("skoleoverblik.csv", lambda: overblik_text().replace("Karaktergennemsnit;", "Karaktergennemsnit  ;", 1)
             .replace("Institutionsnummer;", "Institutionsnummer ;", 1).encode("utf-8")), False,
         read=grade("101003", 7.3), never=("kendes ikke",)),
    Case("csv-headers-in-lower-case",
         put("skoleoverblik.csv", lambda: overblik_text().replace("Karaktergennemsnit;", "karaktergennemsnit;", 1)
             .replace("Institutionsnummer", "institutionsnummer", 1).encode("utf-8")), False,
         read=grade("101003", 7.3), never=("kendes ikke",)),
    Case("csv-headers-in-decomposed-unicode",
         put("skoleoverblik.csv", lambda: overblik_text().replace("Skoleår", "Skolea\u030ar", 1).encode()), False,
         read=reads(grade("101003", 7.3), value_is("061001", "kompetencedaekning", 95.2))),
    Case("csv-trivsel-windows-1252-indicator-names",
         put("trivsel.csv", lambda: csv_bytes(TRIVSEL_HEADER, trivsel_rows(), encoding="cp1252"), keep=True), False,
         read=value_is("101001", "stoette_inspiration", 3.2, group="Mellemtrin")),
    Case("csv-trivsel-second-count-column-is-a-warning",
         put("trivsel.csv", lambda: csv_bytes([*TRIVSEL_HEADER, "Antal besvarelser", "Antal elever"],
                                              [[*r, "48", "52"] for r in trivsel_rows()]), keep=True), False,
         says=[("data/trivsel.csv", "række 1", "kolonne »Antal elever«", "springes over")],
         read=lambda ran: _equal(ran.figure("101001", "social_trivsel", group="Udskoling")["n"], 48)),
    Case("csv-trivsel-extra-column-is-a-warning",
         put("trivsel.csv", lambda: csv_bytes([*TRIVSEL_HEADER, "Kommune"], [[*r, "København"] for r in trivsel_rows()]),
             keep=True), False,
         says=[("data/trivsel.csv", "række 1", "kolonne »Kommune«", "springes over")],
         read=value_is("101001", "social_trivsel", 4.0, group="Udskoling")),
    Case("csv-title-lines-above-header",
         put("skoleoverblik.csv", lambda: ("Kvalitetsrapport 2024/2025\r\nKøbenhavns Kommune\r\n\r\n"
                                           + overblik_text()).encode("utf-8-sig")), False,
         read=reads(grade("101003", 7.3), lambda ran: _equal(ran.figure("101003", "elevtal")["row"], 5))),
    Case("csv-merged-group-row-above-header",
         put("skoleoverblik.csv", lambda: (";;;Elever;;;;Fravær;;;Karakterer\r\n" + overblik_text()).encode()), False,
         read=reads(grade("101003", 7.3), lambda ran: _equal(ran.figure("061001", "elevtal")["row"], 5))),
    Case("csv-blank-lines-between-rows",
         put("skoleoverblik.csv", lambda: overblik_text().replace("\r\n1010", "\r\n;;;\r\n\r\n1010").encode()),
         False, read=reads(grade("101001", 9.0), lambda ran: _equal(ran.figure("101001", "elevtal")["row"], 7))),
    Case("csv-mac-carriage-returns", put("skoleoverblik.csv", overblik_csv(newline="\r", encoding="utf-8")), False,
         read=reads(grade("101003", 7.3), lambda ran: _equal(ran.figure("061001", "elevtal")["row"], 4))),
    Case("csv-trailing-separator-on-every-line",
         put("skoleoverblik.csv", lambda: overblik_text().replace("\r\n", ";\r\n").encode()), False,
         read=grade("101003", 7.3)),
    Case("csv-suppressed-dash-and-dots",
         put("skoleoverblik.csv", overblik(("101003", {"Karaktergennemsnit": "-", "Samlet elevfravær": ".."}))),
         False, read=reads(not_published("101003", "karaktergennemsnit"), not_published("101003", "fravaer"))),
    Case("csv-suppressed-star-and-empty",
         put("skoleoverblik.csv", overblik(("101003", {"Karaktergennemsnit": "*", "Kompetencedækning": ""}))),
         False, read=reads(not_published("101003", "karaktergennemsnit"),
                           not_published("101003", "kompetencedaekning"))),
    Case("csv-socref-verdict-suppressed-with-the-same-markers-as-numbers",
         put("skoleoverblik.csv", overblik(("101001", {"SocRef Signifikant forskel": "–"}),
                                           ("101003", {"SocRef Signifikant forskel": "x"}))), False,
         read=reads(not_published("101001", "socref_signifikans"), not_published("101003", "socref_signifikans"))),
    Case("csv-footnote-line-below-the-table",
         put("skoleoverblik.csv", lambda: (overblik_text() + "Kilde: uddannelsesstatistik.dk\r\n").encode()), False,
         says=[(F, "række 5", "fodnote")], read=grade("061001", 8.1)),
    Case("csv-excel-lock-file-beside-the-data", put("~$skoleoverblik.xlsx", b"\x00junk", keep=True), False,
         read=grade("101003", 7.3), never=("~$",)),
    Case("csv-long-layout-levels-in-lower-case",
         put("lang.csv", lang(lang_row("Karaktergennemsnit", "7,3", "48"),
                              lang_row("Karaktergennemsnit", "7,7", "3.912", level="kommune"),
                              lang_row("Karaktergennemsnit", "7,4", "61.204", level="LAND"))), False,
         read=reads(grade("101003", 7.3),
                    lambda ran: _equal(ran.figure("", "karaktergennemsnit", level="land")["n"], 61204))),
    Case("csv-trivsel-group-at-the-minimum-is-shown",
         put("trivsel.csv", trivsel_with_n({1: "5"}), keep=True), False,
         read=value_is("101001", "social_trivsel", 4.1, group="Mellemtrin")),
    Case("csv-trivsel-group-below-the-minimum-has-no-value",
         put("trivsel.csv", trivsel_with_n({1: "4"}), keep=True), False,
         read=lambda ran: _hidden(ran.figure("101001", "social_trivsel", group="Mellemtrin"))),
    Case("csv-trivsel-count-with-thousands-dot",
         put("trivsel.csv", trivsel_with_n({1: "1.204"}), keep=True), False,
         read=lambda ran: _equal(ran.figure("101001", "social_trivsel", group="Mellemtrin")["n"], 1204)),
    Case("csv-old-excel-file-is-named-not-ignored", put("kvalitetsrapport 2023.xls", b"\xd0\xcf\x11\xe0", keep=True),
         False, says=[("data/kvalitetsrapport 2023.xls", "springes over", ".xlsx")]),
    Case("csv-libreoffice-ods-is-named-not-ignored", put("trivsel.ods", b"PK\x03\x04", keep=True), False,
         says=[("data/trivsel.ods", "springes over")]),
    # A count column with an empty or »-« count: the privacy rule cannot be checked, so the figure is hidden.
    Case("csv-trivsel-empty-count-hides-the-figure",
         put("trivsel.csv", trivsel_with_n({1: ""}), keep=True), False,
         says=[("data/trivsel.csv", "række 3", "kolonne »Antal besvarelser«", "intet antal", "skjules")],
         read=hidden_without_count("101001", "social_trivsel", "Mellemtrin")),
    Case("csv-trivsel-dash-count-hides-the-figure",
         put("trivsel.csv", trivsel_with_n({1: "-", 3: ".."}), keep=True), False,
         says=[("data/trivsel.csv", "række 3", "kolonne »Antal besvarelser«", "intet antal", "række 5")],
         read=reads(hidden_without_count("101001", "social_trivsel", "Mellemtrin"),
                    hidden_without_count("101001", "faglig_trivsel", "Mellemtrin"))),
    Case("csv-long-layout-school-figure-without-count-is-hidden-land-is-shown",
         put("lang.csv", lang(lang_row("Inklusionsgrad", "61,73", ""),
                              lang_row("Inklusionsgrad", "95,1", "", level="Land"),
                              lang_row("Elevtal", "2.351", "", year="2023/2024")), keep=True), False,
         says=[("data/lang.csv", "række 2", "kolonne »Antal«", "intet antal")],
         read=reads(hidden_without_count("101003", "inklusionsgrad"),
                    value_is("", "inklusionsgrad", 95.1, level="land"),
                    value_is("101003", "elevtal", 2351, year="2023/2024")),
         never=("61,7", "række 4")),
    Case("csv-trivsel-without-a-count-column-is-published-as-is",
         put("trivsel.csv", lambda: csv_bytes(TRIVSEL_HEADER, trivsel_rows()), keep=True), False,
         read=value_is("101001", "social_trivsel", 4.1, group="Mellemtrin"), never=("intet antal",)),
    Case("csv-institution-number-in-full-width-digits",
         put("skoleoverblik.csv", overblik(("061001", {"Institutionsnummer": "０６１００１"}))), False,
         read=reads(grade("061001", 8.1), value_is("061001", "elevtal", 446))),
    Case("csv-institution-number-in-arabic-indic-digits",
         put("skoleoverblik.csv", overblik(("061001", {"Institutionsnummer": "٠٦١٠٠١"}))), False,
         read=grade("061001", 8.1)),
    Case("csv-school-year-in-full-width-digits",
         put("skoleoverblik.csv", overblik(("101001", {"Skoleår": "２０２４／２０２５"}))), False,
         read=grade("101001", 9.0)),
    Case("csv-same-row-pasted-twice-is-a-warning",
         put("skoleoverblik.csv", overblik_csv(overblik_row("101003"), overblik_row("101001"),
                                               overblik_row("101003"))), False,
         says=[(F, "række 2", "række 4", "ens")], read=grade("101003", 7.3)),
]


def _hidden(figure: pd.Series) -> None:
    assert math.isnan(figure["value"]) and figure["status"] == STATUS_TOO_FEW and figure["n"] == 4


def _locked(monkeypatch: pytest.MonkeyPatch) -> None:
    """On Windows, Excel locks an open CSV: reading it raises PermissionError."""
    read_bytes = Path.read_bytes

    def locked(path: Path) -> bytes:
        if path.name == "skoleoverblik.csv":
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", locked)


# --- CSV: refused, naming file, row, column and what was expected ----------------------------------------

CSV_REFUSED = [
    Case("csv-comma-separated-with-bare-decimal-commas", put("skoleoverblik.csv", overblik_csv(sep=",")), True,
         says=[(F, "række 2", "skilletegnet", "Forventet")]),
    Case("csv-mixed-decimal-marks",
         put("skoleoverblik.csv", overblik(("101001", {"Karaktergennemsnit": "9.0"}))), True,
         says=[(F, "blander decimalkomma"), (F, "række 3", "kolonne »Karaktergennemsnit«", "»9.0«")]),
    Case("csv-text-in-a-number-cell",
         put("skoleoverblik.csv", overblik(("101001", {"Karaktergennemsnit": "ca. 7"}))), True,
         says=[(F, "række 3", "kolonne »Karaktergennemsnit«", "»ca. 7«", "Forventet: et tal som 7,3")],
         read=lambda ran: _absent(ran, "101001", "karaktergennemsnit")),
    Case("csv-excel-turned-a-grade-into-a-date",
         put("skoleoverblik.csv", overblik(("061001", {"Karaktergennemsnit": "08-jan"}))), True,
         says=[(F, "række 4", "kolonne »Karaktergennemsnit«", "»08-jan«", "Forventet")]),
    Case("csv-not-published-written-as-words",
         put("skoleoverblik.csv", overblik(("101003", {"Samlet elevfravær": "ikke oplyst"}))), True,
         says=[(F, "række 2", "kolonne »Samlet elevfravær«", "»ikke oplyst«", "»-« hvis tallet ikke er offentliggjort")]),
    Case("csv-grade-above-the-scale",
         put("skoleoverblik.csv", overblik(("101001", {"Karaktergennemsnit": "15"}))), True,
         says=[(F, "række 3", "kolonne »Karaktergennemsnit«", "»15«", "mellem -3 og 12")]),
    Case("csv-negative-absence",
         put("skoleoverblik.csv", overblik(("101001", {"Samlet elevfravær": "-2,0"}))), True,
         says=[(F, "række 3", "kolonne »Samlet elevfravær«", "»-2,0«", "mellem 0 og 100")]),
    Case("csv-percentage-above-100",
         put("skoleoverblik.csv", overblik(("101001", {"Kompetencedækning": "120 %"}))), True,
         says=[(F, "række 3", "kolonne »Kompetencedækning«", "»120 %«", "mellem 0 og 100")]),
    Case("csv-pupil-count-with-decimals",
         put("skoleoverblik.csv", overblik(("101001", {"Elevtal": "501,5"}))), True,
         says=[(F, "række 3", "kolonne »Elevtal«", "»501,5«", "helt tal")]),
    Case("csv-school-year-with-hyphen",
         put("skoleoverblik.csv", overblik(("101001", {"Skoleår": "2024-2025"}))), True,
         says=[(F, "række 3", "kolonne »Skoleår«", "»2024-2025«", "2024/2025")]),
    Case("csv-school-year-short",
         put("skoleoverblik.csv", overblik(("101001", {"Skoleår": "24/25"}))), True,
         says=[(F, "række 3", "kolonne »Skoleår«", "»24/25«", "2024/2025")]),
    Case("csv-school-year-after-the-labs-own",
         put("skoleoverblik.csv", overblik(("101001", {"Skoleår": "2031/2032"}))), True,
         says=[(F, "række 3", "kolonne »Skoleår«", "»2031/2032«", "efter laboratoriets skoleår", "til 2025/2026")],
         never=("i 2031/2032",), read=lambda ran: _absent(ran, "101001", "karaktergennemsnit")),
    Case("csv-school-year-absurdly-early",
         put("skoleoverblik.csv", overblik(("101001", {"Skoleår": "1899/1900"}))), True,
         says=[(F, "række 3", "kolonne »Skoleår«", "»1899/1900«", "fra 2000/2001")]),
    # Hidden copies are not compared: an error or not would depend on the values the rule hides.
    Case("csv-trivsel-hidden-row-pasted-again-with-another-value",
         put("trivsel.csv", lambda: trivsel_pasted_again("1,234"), keep=True), False,
         says=[("data/trivsel.csv", "række 3", "række 12", "skjult", "sammenlignes ikke")],
         never=("ens;", "forskellige", "1,234", "1,2")),
    Case("data-file-is-a-link-to-nothing", link("skoleoverblik.csv", "/findes/ikke/skoleoverblik.csv", replace=True),
         True, says=[(F, "genvej", "ikke findes", "Forventet")]),
    Case("data-file-is-a-dangling-link-beside-the-data", link("x.csv", "ingen.csv"), True,
         says=[("data/x.csv", "genvej", "ikke findes")]),
    Case("data-file-is-a-link-loop", link("ring.csv", "ring.csv"), True, says=[("data/ring.csv", "genvej", "i ring")]),
    Case("data-folder-holds-a-folder-named-csv", lambda f: (f / "data" / "ekstra.csv").mkdir(), True,
         says=[("data/ekstra.csv", "mappe, ikke en fil")]),
    Case("csv-institution-number-lost-its-zero",
         put("skoleoverblik.csv", overblik(("061001", {"Institutionsnummer": "61001"}))), True,
         says=[(F, "række 4", "kolonne »Institutionsnummer«", "»61001«", "foranstillet nul", "6 cifre")]),
    Case("csv-institution-number-with-seven-digits",
         put("skoleoverblik.csv", overblik(("101001", {"Institutionsnummer": "1010011"}))), True,
         says=[(F, "række 3", "kolonne »Institutionsnummer«", "»1010011«", "6 cifre")]),
    Case("csv-institution-number-with-a-letter",
         put("skoleoverblik.csv", overblik(("101001", {"Institutionsnummer": "10100l"}))), True,
         says=[(F, "række 3", "kolonne »Institutionsnummer«", "»10100l«", "6 cifre")]),
    Case("csv-socref-verdict-misspelt",
         put("skoleoverblik.csv", overblik(("101001", {"SocRef Signifikant forskel": "Overniveau"}))), True,
         says=[(F, "række 3", "kolonne »SocRef Signifikant forskel«", "»Overniveau«", "Over niveau")]),
    Case("csv-school-year-column-missing",
         put("skoleoverblik.csv", lambda: overblik_text().replace("Skoleår", "År", 1).encode()), True,
         says=[(F, "række 1", "der mangler »Skoleår«")]),
    Case("csv-institution-number-column-missing",
         put("skoleoverblik.csv", lambda: overblik_text().replace("Institutionsnummer", "Skolenr", 1).encode()), True,
         says=[(F, "række 1", "der mangler »Institutionsnummer«")]),
    Case("csv-column-twice",
         put("skoleoverblik.csv", lambda: overblik_text().replace("Klassekvotient;", "Karaktergennemsnit;", 1)
             .encode()), True,
         says=[(F, "række 1", "kolonne »Karaktergennemsnit«", "to gange", "hver kolonne én gang")]),
    Case("csv-empty-file", put("skoleoverblik.csv", b""), True, says=[(F, "Filen er tom", "Forventet")]),
    Case("csv-only-blank-lines", put("skoleoverblik.csv", b"\r\n\r\n;;;\r\n"), True, says=[(F, "Filen er tom")]),
    Case("csv-header-without-data", put("skoleoverblik.csv", csv_bytes(OVERBLIK_HEADER, [])), True,
         says=[(F, "række 1", "ingen datarækker")]),
    Case("csv-a-list-with-no-separators",
         put("skoleoverblik.csv", "Nyboder Skole\r\nDen Classenske Legatskole\r\n"), True,
         says=[(F, "række 1", "adskiller kolonnerne", "semikolon")]),
    Case("csv-an-excel-workbook-named-csv", put("skoleoverblik.csv", lambda: workbook(("Ark1", xlsx_rows()))), True,
         says=[(F, "Excel-projektmappe", ".xlsx")]),
    Case("csv-a-picture-named-csv", put("skoleoverblik.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)),
         True, says=[(F, "ikke en tekstfil", "Forventet")]),
    Case("csv-an-old-xls-named-csv", put("skoleoverblik.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)),
         True, says=[(F, "Excel-projektmappe", ".xlsx")]),
    Case("csv-trivsel-count-column-under-another-name",
         put("trivsel.csv", lambda: csv_bytes([*TRIVSEL_HEADER, "Antal svar"], [[*r, "3"] for r in trivsel_rows()]),
             keep=True), True,
         says=[("data/trivsel.csv", "række 1", "kolonne »Antal svar«", "mindstegrænsen", "»Antal besvarelser«")],
         read=lambda ran: _absent(ran, "101001", "social_trivsel")),
    Case("csv-long-count-column-under-another-name",
         put("lang.csv", lambda: csv_bytes([*LANG_HEADER[:-1], "Antal elever"],
                                           [lang_row("Social trivsel", "4,1", "3", group="Udskoling")]), keep=True), True,
         says=[("data/lang.csv", "række 1", "kolonne »Antal elever«", "mindstegrænsen", "»Antal«")],
         read=lambda ran: _absent(ran, "101003", "social_trivsel")),
    Case("csv-totals-row-at-the-bottom",
         put("skoleoverblik.csv", lambda: (overblik_text() + "I alt;;2024/2025;3.298" + ";" * 22 + "\r\n").encode()),
         True, says=[(F, "række 5", "kolonne »Institutionsnummer«", "»I alt«", "6 cifre")]),
    Case("csv-a-row-cut-short",
         put("skoleoverblik.csv", lambda: (overblik_text() + "101005;Sølvgades Skole;2024/2025;446;22,1\r\n")
             .encode()), True,
         says=[(F, "række 5", "kun 5 celler", "26 celler pr. række")]),
    Case("csv-a-row-with-too-many-cells",
         put("skoleoverblik.csv", lambda: overblik_text().replace("På niveau\r\n", "På niveau;7,1;x\r\n", 1)
             .encode()), True,
         says=[(F, "række 2", "28 udfyldte celler", "26 overskrifter")]),
    Case("csv-header-below-row-ten",
         put("skoleoverblik.csv", lambda: ("Noter\r\n" * 11 + overblik_text()).encode()), True,
         says=[(F, "række 1", "overskriftsrækken", "Institutionsnummer", "de første 10 rækker")]),
    Case("csv-mixed-encodings-appended-rows",
         put("skoleoverblik.csv", lambda: overblik_csv(overblik_row("101003"), encoding="utf-8")
             + ";".join(overblik_row("101001").values()).encode("cp1252") + b"\r\n"
             + "101005;Sølvgades Skole;".encode("cp1252") + ";".join(list(overblik_row("101005").values())[2:])
             .encode("cp1252") + b"\r\n"), True,
         says=[(F, "tegnsæt", "Forventet")], never=("SÃ",)),
    Case("csv-same-figure-twice-with-different-values",
         both(put("lang.csv", lang(lang_row("Karaktergennemsnit", "7,1", "48")), keep=True)), True,
         says=[(F, "række 2", "data/lang.csv række 2", "forskellige")],
         read=lambda ran: _absent(ran, "101003", "karaktergennemsnit")),
    Case("csv-trivsel-indicator-misspelt",
         put("trivsel.csv", lambda: csv_bytes(TRIVSEL_HEADER, [r if i != 1 else [*r[:4], "Social trivsl", r[5]]
                                                               for i, r in enumerate(trivsel_rows())]), keep=True),
         True, says=[("data/trivsel.csv", "række 3", "kolonne »Trivselsindikator«", "»Social trivsl«")]),
    Case("csv-trivsel-count-as-words",
         put("trivsel.csv", trivsel_with_n({2: "ca. 50"}), keep=True), True,
         says=[("data/trivsel.csv", "række 4", "kolonne »Antal besvarelser«", "»ca. 50«", "helt tal")]),
    Case("csv-trivsel-hidden-and-malformed-value-is-not-quoted",
         put("trivsel.csv", lambda: csv_bytes([*TRIVSEL_HEADER, "Antal besvarelser"],
                                              [[*r[:5], "13.37", "3"] if i == 1 else [*r, "48"]
                                               for i, r in enumerate(trivsel_rows())]), keep=True), True,
         says=[("data/trivsel.csv", "række 3", "kolonne »Indikatorsvar«", "skjult")], never=("13.37", "13,37")),
    Case("csv-long-layout-unknown-level",
         put("lang.csv", lang(lang_row("Karaktergennemsnit", "7,5", level="Region"))), True,
         says=[("data/lang.csv", "række 2", "kolonne »Niveau«", "»Region«", "Skole, Kommune eller Land")]),
    Case("csv-long-layout-unknown-indicator",
         put("lang.csv", lang(lang_row("Karaktersnit", "7,5"))), True,
         says=[("data/lang.csv", "række 2", "kolonne »Indikator«", "»Karaktersnit«", "indikatorer.yaml")]),
    Case("csv-long-layout-count-with-decimals",
         put("lang.csv", lang(lang_row("Karaktergennemsnit", "7,3", "48,5"))), True,
         says=[("data/lang.csv", "række 2", "kolonne »Antal«", "»48,5«", "helt tal")]),
    Case("csv-long-layout-negative-count",
         put("lang.csv", lang(lang_row("Karaktergennemsnit", "7,3", "-3"))), True,
         says=[("data/lang.csv", "række 2", "kolonne »Antal«", "»-3«", "helt tal")]),
    Case("csv-decimal-point-file-with-a-thousands-dot",
         put("lang.csv", lang(lang_row("Elevtal", "2.351"), lang_row("Karaktergennemsnit", "7.3"))), True,
         says=[("data/lang.csv", "række 2", "kolonne »Værdi«", "»2.351«", "helt tal")]),
    Case("csv-some-other-export-in-the-data-folder",
         put("laererliste.csv", "Navn;Fag;Klasse\r\nAnna;Dansk;4.a\r\n", keep=True), True,
         says=[("data/laererliste.csv", "række 1", "overskriftsrækken", "»Navn; Fag; Klasse«", "Institutionsnummer")]),
    Case("csv-file-open-in-excel", lambda f: None, True, says=[(F, "åben i Excel")], patch=_locked),
]


def _absent(ran: Ran, school: str, indicator: str) -> None:
    t = ran.lab.kvalitet
    assert t.loc[(t["school_id"] == school) & (t["indicator"] == indicator) & (t["level"] == "skole")].empty


# --- .xlsx -------------------------------------------------------------------------------------------------

X = "data/kvalitetsrapport.xlsx"


def xlsx(*sheets: tuple[str, Sequence[Sequence[object]]], **options: object) -> Callable[[Path], None]:
    return put("kvalitetsrapport.xlsx", lambda: workbook(*sheets, **options))  # type: ignore[arg-type]


XLSX_CASES = [
    Case("xlsx-published-figures", xlsx(("Ark1", xlsx_rows())), False,
         read=reads(grade("101003", 7.3), value_is("101003", "elevtal", 2351), value_is("061001", "kompetencedaekning",
                                                                                       95.2))),
    Case("xlsx-hidden-first-sheet-with-last-years-figures",
         xlsx(("Sidste år", xlsx_rows(r2_Karaktergennemsnit=1.1)), ("Tal", xlsx_rows()), hidden=("Sidste år",)), False,
         read=grade("101003", 7.3), never=("1,1",)),
    Case("xlsx-empty-first-sheet-data-on-the-second",
         xlsx(("Ark1", []), ("Skoleoverblik", xlsx_rows())), False, read=grade("101003", 7.3)),
    Case("xlsx-guide-sheet-first-data-second",
         xlsx(("Læs mig", [["Tallene er hentet fra uddannelsesstatistik.dk"]]), ("Skoleoverblik", xlsx_rows())),
         False, read=grade("101003", 7.3)),
    Case("xlsx-two-sheets-with-figures-the-second-is-named",
         xlsx(("2024", xlsx_rows()), ("2023", xlsx_rows(r2_Skoleår="2023/2024", r3_Skoleår="2023/2024",
                                                           r4_Skoleår="2023/2024"))), False,
         says=[(X, "»2023«", "læses ikke")], read=grade("101003", 7.3)),
    Case("xlsx-title-rows-and-a-merged-title-cell",
         xlsx(("Ark1", [["Kvalitetsrapport 2024/2025"], [], *xlsx_rows()]), merged=(("Ark1", "A1:F1"),)), False,
         read=reads(grade("101003", 7.3), lambda ran: _equal(ran.figure("101003", "elevtal")["row"], 4))),
    Case("xlsx-table-starts-in-column-b",
         xlsx(("Ark1", [[None, *r] for r in xlsx_rows()])), False,
         read=grade("101003", 7.3)),
    Case("xlsx-percent-formatted-cells",
         xlsx(("Ark1", xlsx_rows(r2_Kompetencedækning=0.664, r2_Samlet_elevfravær=0.067)),
              percent=(f"{col('Kompetencedækning')}2", f"{col('Samlet elevfravær')}2")), False,
         read=reads(value_is("101003", "kompetencedaekning", 66.4), value_is("101003", "fravaer", 6.7))),
    Case("xlsx-numbers-stored-as-danish-text",
         xlsx(("Ark1", xlsx_rows(r2_Karaktergennemsnit="7,3", r2_Elevtal="2.351"))), False,
         read=reads(grade("101003", 7.3), value_is("101003", "elevtal", 2351))),
    Case("xlsx-institution-number-as-a-whole-float",
         xlsx(("Ark1", xlsx_rows(r2_Institutionsnummer=101003.0))), False, read=grade("101003", 7.3)),
    Case("xlsx-trailing-spaces-in-headers-and-ids",
         xlsx(("Ark1", [[h + " " for h in OVERBLIK_HEADER], *[[f"{r[0]} ", *r[1:]] for r in xlsx_rows()[1:]]])),
         False, read=grade("101003", 7.3), never=("kendes ikke",)),
    Case("xlsx-floating-point-noise", xlsx(("Ark1", xlsx_rows(r2_Karaktergennemsnit=7.300000000000001))), False,
         read=grade("101003", 7.3)),
    Case("xlsx-empty-and-dash-cells-are-not-published",
         xlsx(("Ark1", xlsx_rows(r2_Karaktergennemsnit=None, r2_Samlet_elevfravær="-"))), False,
         read=reads(not_published("101003", "karaktergennemsnit"), not_published("101003", "fravaer"))),
    Case("xlsx-macro-workbook-xlsm", put("kvalitetsrapport.xlsm", lambda: workbook(("Ark1", xlsx_rows()))), False,
         read=grade("101003", 7.3)),
    Case("xlsx-footnote-row-below-the-table",
         xlsx(("Ark1", [*xlsx_rows(), [], ["Kilde: uddannelsesstatistik.dk"]])), False,
         says=[(X, "række 6", "fodnote")], read=grade("061001", 8.1)),
    Case("xlsx-institution-number-lost-its-zero", xlsx(("Ark1", xlsx_rows(r4_Institutionsnummer=61001))), True,
         says=[(X, "række 4", "kolonne »Institutionsnummer«", "»61001«", "foranstillet nul")]),
    Case("xlsx-grade-turned-into-a-date",
         xlsx(("Ark1", xlsx_rows(r4_Karaktergennemsnit=__import__("datetime").datetime(2025, 1, 8)))), True,
         says=[(X, "række 4", "kolonne »Karaktergennemsnit«", "2025-01-08", "Forventet")]),
    Case("xlsx-true-in-a-number-cell", xlsx(("Ark1", xlsx_rows(r3_Karaktergennemsnit=True))), True,
         says=[(X, "række 3", "kolonne »Karaktergennemsnit«", "sandhedsværdi")]),
    Case("xlsx-text-in-a-number-cell", xlsx(("Ark1", xlsx_rows(r3_Karaktergennemsnit="ca. 9"))), True,
         says=[(X, "række 3", "kolonne »Karaktergennemsnit«", "»ca. 9«")]),
    Case("xlsx-formula-without-a-saved-result", xlsx(("Ark1", xlsx_rows(r2_Karaktergennemsnit="=7.3"))), True,
         says=[(X, "række 2", f"Cellen {col('Karaktergennemsnit')}2", "formel", "gemt igen")]),
    Case("xlsx-only-hidden-sheets",
         xlsx(("Ark1", xlsx_rows()), ("Ark2", []), hidden=("Ark1",)), True,
         says=[(X, "Ingen synlige ark", "skjulte: »Ark1«", "Vis")]),
    Case("xlsx-header-below-row-ten", xlsx(("Ark1", [*[["Note"] for _ in range(11)], *xlsx_rows()])), True,
         says=[(X, "overskriftsrækken", "Institutionsnummer")]),
    Case("xlsx-empty-file", put("kvalitetsrapport.xlsx", b""), True, says=[(X, "kan ikke åbnes som Excel")]),
    Case("xlsx-csv-renamed-to-xlsx", put("kvalitetsrapport.xlsx", overblik_csv()), True,
         says=[(X, "kan ikke åbnes som Excel")]),
    Case("xlsx-password-protected", put("kvalitetsrapport.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)),
         True, says=[(X, "kan ikke åbnes som Excel")]),
    Case("xlsx-unknown-column-is-a-warning",
         xlsx(("Ark1", [[*OVERBLIK_HEADER, "Bemærkning"], *[[*r, "ok"] for r in xlsx_rows()[1:]]])), False,
         says=[(X, "række 1", "kolonne »Bemærkning«", "springes over")], read=grade("101003", 7.3)),
]


# --- the kapacitetsinterview workbook ----------------------------------------------------------------------

INSTRUMENT = load_instrument(DEFAULT_INSTRUMENT)
K = "data/kapacitetsinterview.xlsx"
SCHOOLS = [("101001", "Den Classenske Legatskole"), ("061001", "Højvangskolen")]


def _ratings() -> pd.DataFrame:
    """Five teachers at 101001 answer 4 on everything, five at 061001 answer 2."""
    rows = [(school, "laerere", respondent, statement.id, rating)
            for school, rating in (("101001", 4), ("061001", 2)) for respondent in range(1, 6)
            for statement in INSTRUMENT.statements]
    return pd.DataFrame(rows, columns=["school_id", "group", "respondent", "statement", "rating"])


@functools.cache
def _written_workbook() -> bytes:
    """The entry workbook as labkit writes it with `_ratings`, written once for all cases."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "kapacitetsinterview.xlsx"
        write_entry_workbook(path, INSTRUMENT, SCHOOLS, _ratings())
        return path.read_bytes()


def interviews(change: Callable[[object], object] | None = None, name: str = "kapacitetsinterview.xlsx",
               notes: pd.DataFrame | None = None) -> Callable[[Path], None]:
    """Write the entry workbook (beside the valid skoleoverblik), then let `change` edit it with openpyxl."""

    def spoil(folder: Path) -> None:
        from openpyxl import load_workbook

        path = folder / "data" / name
        if notes is None:
            path.write_bytes(_written_workbook())
        else:
            write_entry_workbook(path, INSTRUMENT, SCHOOLS, _ratings(), notes)
        if change is not None:
            book = load_workbook(path)
            change(book)
            book.save(path)

    return spoil


def cell(row: int, header: str, value: object) -> Callable[[object], None]:
    def change(book: object) -> None:
        sheet = book["Vurderinger"]  # type: ignore[index]
        column = next(c.column for c in sheet[1] if c.value == header)
        sheet.cell(row=row, column=column).value = value

    return change


def rename(old: str, new: str) -> Callable[[object], None]:
    def change(book: object) -> None:
        book[old].title = new  # type: ignore[index]

    return change


def mean(school: str, statement: str, expected: float) -> Callable[[Ran], None]:
    def read(ran: Ran) -> None:
        assert ran.lab.kapacitet is not None, ran.output
        p = ran.lab.kapacitet.profile
        row = p.loc[(p["school_id"] == school) & (p["group"] == "laerere") & (p["statement"] == statement)]
        assert float(row["mean"].iloc[0]) == pytest.approx(expected), row

    return read


def answers(school: str, statement: str, n: int) -> Callable[[Ran], None]:
    """An empty cell is no answer (n goes down, the group is then hidden for that statement), never a 0."""

    def read(ran: Ran) -> None:
        assert ran.lab.kapacitet is not None, ran.output
        p = ran.lab.kapacitet.profile
        row = p.loc[(p["school_id"] == school) & (p["group"] == "laerere") & (p["statement"] == statement)]
        assert int(row["n"].iloc[0]) == n and bool(row["suppressed"].iloc[0]), row

    return read


# Row 2 of »Vurderinger« is the first teacher at 101001 (all 4s); row 7 the first at 061001.
KAPACITET_CASES = [
    Case("kapacitet-the-workbook-as-written", interviews(), False, read=mean("101001", "K1", 4.0)),
    Case("kapacitet-sheet-name-in-lower-case",
         interviews(lambda book: (rename("Vurderinger", "x")(book), rename("x", "vurderinger")(book))), False,
         read=mean("101001", "K1", 4.0)),
    Case("kapacitet-sheet-name-with-a-trailing-space", interviews(rename("Vurderinger", "Vurderinger ")), False,
         read=mean("101001", "K1", 4.0)),
    Case("kapacitet-rating-typed-as-text-with-comma", interviews(cell(2, "K1", "3,0")), False,
         read=mean("101001", "K1", 3.8)),
    Case("kapacitet-rating-typed-with-spaces", interviews(cell(2, "K1", " 3 ")), False,
         read=mean("101001", "K1", 3.8)),
    Case("kapacitet-group-in-lower-case-with-a-space", interviews(cell(2, "Respondentgruppe", "lærere ")), False,
         read=mean("101001", "K1", 4.0)),
    Case("kapacitet-unanswered-statement-left-empty-is-not-zero", interviews(cell(2, "K1", None)), False,
         read=answers("101001", "K1", 4)),
    Case("kapacitet-unknown-dimension-in-a-note-is-a-warning",
         interviews(notes=pd.DataFrame([("101001", "", "ukendt", "Note", "Teksten")],
                                       columns=["school_id", "group", "dimension", "kind", "text"])), False,
         says=[(K, "Noter", "række 2", "Dimensionen findes ikke")]),
    Case("kapacitet-school-number-with-a-trailing-space", interviews(cell(2, "Institutionsnummer", "101001 ")), False,
         read=mean("101001", "K1", 4.0)),
    Case("kapacitet-title-row-above-the-header",
         interviews(lambda book: (book["Vurderinger"].insert_rows(1),  # type: ignore[index]
                                  book["Vurderinger"].cell(row=1, column=1, value="Runde 1"))), False,  # type: ignore[index]
         read=mean("061001", "K1", 2.0)),
    Case("kapacitet-respondent-without-a-label-is-a-warning", interviews(cell(2, "Respondent", None)), False,
         says=[(K, "række 2", "kolonne »Respondent«", "rækkenummeret bruges")], read=mean("101001", "K1", 4.0)),
    Case("kapacitet-ratings-sheet-missing", interviews(rename("Vurderinger", "Ark1")), True,
         says=[(K, "»Vurderinger« mangler", "Ark1")]),
    Case("kapacitet-rating-above-the-scale", interviews(cell(2, "K1", 6)), True,
         says=[(K, "række 2", "kolonne »K1«", "»6«", "fra 1 til 5")]),
    Case("kapacitet-rating-as-a-word", interviews(cell(2, "K1", "fire")), True,
         says=[(K, "række 2", "kolonne »K1«", "»fire«", "fra 1 til 5")]),
    # The workbook's »Vejledning« says only an empty cell is unanswered: a mark is refused, never read as blank.
    Case("kapacitet-rating-x-is-not-unanswered", interviews(cell(2, "K1", "x")), True,
         says=[(K, "række 2", "kolonne »K1«", "»x«", "tom celle")]),
    Case("kapacitet-rating-capital-x-is-not-unanswered", interviews(cell(2, "K1", "X")), True,
         says=[(K, "række 2", "kolonne »K1«", "»X«", "fra 1 til 5")]),
    Case("kapacitet-rating-dash-is-not-unanswered", interviews(cell(2, "K1", "-")), True,
         says=[(K, "række 2", "kolonne »K1«", "»-«", "tom celle")]),
    Case("kapacitet-rating-spaces-only-is-unanswered", interviews(cell(2, "K1", "  ")), False,
         read=answers("101001", "K1", 4)),
    Case("kapacitet-school-number-in-full-width-digits", interviews(cell(2, "Institutionsnummer", "１０１００１")),
         False, read=mean("101001", "K1", 4.0), never=("ikke med i laboratoriet",)),
    Case("kapacitet-rating-with-a-half", interviews(cell(2, "K1", 3.5)), True,
         says=[(K, "række 2", "kolonne »K1«", "»3,5«", "helt tal")]),
    Case("kapacitet-school-number-lost-its-zero", interviews(cell(7, "Institutionsnummer", 61001)), True,
         says=[(K, "række 7", "kolonne »Institutionsnummer«", "»61001«", "Mente du »061001«?")]),
    Case("kapacitet-school-not-in-the-lab", interviews(cell(2, "Institutionsnummer", "101005")), True,
         says=[(K, "række 2", "kolonne »Institutionsnummer«", "»101005«", "ikke med i laboratoriet")]),
    Case("kapacitet-unknown-group", interviews(cell(2, "Respondentgruppe", "Forældre")), True,
         says=[(K, "række 2", "kolonne »Respondentgruppe«", "»Forældre«", "Lærere")]),
    Case("kapacitet-respondent-twice", interviews(cell(3, "Respondent", "1")), True,
         says=[(K, "række 3", "kolonne »Respondent«", "to gange", "række 2")]),
    Case("kapacitet-group-column-missing", interviews(cell(1, "Respondentgruppe", "Gruppe")), True,
         says=[(K, "række 1", "»Respondentgruppe« mangler")]),
    Case("kapacitet-column-twice", interviews(cell(1, "K2", "K1")), True,
         says=[(K, "række 1", "kolonne »K1«", "to gange")]),
    Case("kapacitet-formula-without-a-saved-result", interviews(cell(2, "K1", "=2+2")), True,
         says=[(K, "formel", "gemt resultat")], never=("har endnu ingen vurderinger",)),  # one message, not two
    Case("kapacitet-same-school-and-group-in-a-second-workbook",
         both(interviews(), interviews(name="kapacitetsinterview_runde2.xlsx")), True,
         says=[("data/kapacitetsinterview_runde2.xlsx", "Lærere", "står også i", K)]),
]


CASES = [*CSV_ACCEPTED, *CSV_REFUSED, *XLSX_CASES, *KAPACITET_CASES]


@pytest.mark.parametrize("case", [c.param() for c in CASES])
def test_bad_data_file(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(case, tmp_path, monkeypatch)


def test_case_ids_are_distinct() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)) and len(ids) >= 100
