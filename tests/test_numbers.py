"""Reading and writing numbers the Danish way: `parse_number`, `detect_decimal_mark`, `format_number`."""

from __future__ import annotations

import math
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from labkit.numbers import (
    SUPPRESSION_MARKERS,
    DecimalMark,
    detect_decimal_mark,
    format_date,
    format_number,
    is_suppression_marker,
    parse_number,
)

COMMA, POINT = DecimalMark.COMMA, DecimalMark.POINT


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7,3", 7.3),
        ("7", 7.0),
        ("12", 12.0),
        ("-3", -3.0),
        ("-0,5", -0.5),
        ("\u22120,5", -0.5),  # typographic minus
        ("+0,7", 0.7),
        (",5", 0.5),
        ("0,25", 0.25),
        ("2.351", 2351.0),
        ("1.234.567", 1234567.0),
        ("2.351,5", 2351.5),
        ("100,0 %", 100.0),
        ("66,4%", 66.4),
        ("2 351", 2351.0),
        ("\u00a02\u00a0351\u00a0", 2351.0),  # no-break spaces from Excel
        ("2\u202f351", 2351.0),  # narrow no-break space
        (" 7,3 ", 7.3),
        ("007", 7.0),
    ],
)
def test_parse_danish(text: str, expected: float) -> None:
    parsed = parse_number(text, COMMA)
    assert parsed.ok and not parsed.suppressed
    assert parsed.value == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7.3", 7.3),
        ("7", 7.0),
        ("-0.5", -0.5),
        ("1,234", 1234.0),
        ("1,234,567.5", 1234567.5),
        ("2.351", 2.351),  # in a point file this is two and a bit, not 2351
        ("100.0 %", 100.0),
    ],
)
def test_parse_with_decimal_point(text: str, expected: float) -> None:
    parsed = parse_number(text, POINT)
    assert parsed.ok and parsed.value == expected


@pytest.mark.parametrize("marker", sorted(SUPPRESSION_MARKERS) + ["  ", " - ", "\t"])
@pytest.mark.parametrize("mark", [COMMA, POINT])
def test_suppression_markers_are_not_published_never_zero(marker: str, mark: DecimalMark) -> None:
    assert is_suppression_marker(marker)
    parsed = parse_number(marker, mark)
    assert parsed.suppressed and parsed.ok
    assert parsed.value is None


@pytest.mark.parametrize("cell", [None, float("nan")])
def test_empty_excel_cells_are_suppressed(cell: object) -> None:
    parsed = parse_number(cell)
    assert parsed.suppressed and parsed.value is None and parsed.ok


@pytest.mark.parametrize(
    ("cell", "expected"), [(7.3, 7.3), (2351, 2351.0), (0, 0.0), (-0.5, -0.5), (0.0, 0.0)]
)
def test_excel_number_cells_are_taken_as_they_are(cell: object, expected: float) -> None:
    for mark in (COMMA, POINT):
        parsed = parse_number(cell, mark)
        assert parsed.ok and not parsed.suppressed and parsed.value == expected


@pytest.mark.parametrize(
    "text",
    ["ca. 7", "7,3,1", "7 point", "1e3", "nan", "inf", "--1", "Over niveau", "7/3", "≈7", "7,3 %%", "o"],
)
@pytest.mark.parametrize("mark", [COMMA, POINT])
def test_text_is_an_error_not_nan_or_zero(text: str, mark: DecimalMark) -> None:
    parsed = parse_number(text, mark)
    assert not parsed.ok and not parsed.suppressed
    assert parsed.value is None
    assert parsed.error  # a Danish phrase the loader puts into its message
    assert "tal" in parsed.error


def test_boolean_cell_is_an_error() -> None:
    parsed = parse_number(True)
    assert not parsed.ok and parsed.value is None


@pytest.mark.parametrize(("text", "mark"), [("7.3", COMMA), ("0.25", COMMA), ("7,3", POINT), ("-0,5", POINT)])
def test_wrong_decimal_mark_for_the_file_is_named(text: str, mark: DecimalMark) -> None:
    parsed = parse_number(text, mark)
    assert parsed.value is None
    assert parsed.error is not None and "decimal" in parsed.error


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["7,3", "2.351", "24,4"], COMMA),
        (["2.351", "501", "-"], COMMA),  # ambiguous: Danish is the default
        (["501", "448"], COMMA),
        ([], COMMA),
        (["7.3", "24.4", "1,234"], POINT),
        (["7.3", "2.351"], POINT),  # 2.351 is ambiguous; 7.3 decides
        (["1,234", "7"], COMMA),  # 1,234 alone could be 1.234 or 1234: stay Danish
        (["7,3", "7.3"], None),
        (["100,0 %", "88.1 %"], None),
        (["0,5", "-", "", "12.5", "2.351"], None),
    ],
)
def test_detect_decimal_mark(texts: list[str], expected: DecimalMark | None) -> None:
    assert detect_decimal_mark(texts) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (7.3, 1, "7,3"),
        (7.0, 1, "7,0"),
        (2351, 0, "2.351"),
        (2351.5, 1, "2.351,5"),
        (1234567.891, 2, "1.234.567,89"),
        (-0.5, 1, "-0,5"),
        (-3, 0, "-3"),
        (100, 1, "100,0"),
        (0, 1, "0,0"),
        (0.04, 1, "0,0"),
        (-0.04, 1, "0,0"),  # never "-0,0"
        (-0.4, 0, "0"),
        (95.25, 2, "95,25"),
    ],
)
def test_format_number(value: float, decimals: int, expected: str) -> None:
    assert format_number(value, decimals) == expected


_ROUND_TRIP_VALUES = sorted(
    {round(-3 + 0.1 * i, 1) for i in range(151)}  # the grade scale −3 … 12
    | {round(0.1 * i, 1) for i in range(0, 1001, 7)}  # percentages
    | {1000.0, 2351.0, 9999.0, 12345.0, 999999.0, 1000000.0, 61204.0, -1234.5, 0.05, 1234.56}
)


@pytest.mark.parametrize("decimals", [0, 1, 2])
def test_format_then_parse_round_trips(decimals: int) -> None:
    for value in _ROUND_TRIP_VALUES:
        text = format_number(value, decimals)
        parsed = parse_number(text, detect_decimal_mark([text]) or COMMA)
        assert parsed.ok, (value, text)
        assert parsed.value is not None
        # Handouts round halves away from zero (7,25 → 7,3), as people do by hand.
        expected = float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
        assert math.isclose(parsed.value, expected, abs_tol=1e-9), (value, text)


@pytest.mark.parametrize("decimals", [1, 2])
def test_english_format_parses_in_a_point_file(decimals: int) -> None:
    values = [v for v in _ROUND_TRIP_VALUES if v != 0]
    texts = [f"{value:,.{decimals}f}" for value in values]
    assert detect_decimal_mark(texts) is POINT
    for value, text in zip(values, texts, strict=True):
        parsed = parse_number(text, POINT)
        assert parsed.value is not None, text
        assert math.isclose(parsed.value, round(value, decimals), abs_tol=1e-9), text


@pytest.mark.parametrize("value", [0.0, 7.3, 2351.0, -0.5, 95.2])
def test_percent_sign_and_spaces_do_not_change_the_value(value: float) -> None:
    text = format_number(value, 1)
    for variant in (f"{text} %", f"{text}%", f" {text} ", text.replace(".", "\u00a0")):
        assert parse_number(variant).value == pytest.approx(value), variant


@pytest.mark.parametrize(("day", "expected"), [(date(2026, 12, 2), "2. december 2026"),
                                               (date(2027, 1, 31), "31. januar 2027"),
                                               (date(2027, 5, 1), "1. maj 2027")])
def test_dates_the_danish_way(day: date, expected: str) -> None:
    assert format_date(day) == expected

