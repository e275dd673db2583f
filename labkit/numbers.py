"""Reading numbers written the way Danish published statistics and Danish Excel write them.

`7,3` is 7.3, `2.351` is 2351, `100,0 %` is 100.0. Suppression markers mean "not published",
which is not the same as 0 and not the same as a typing error: the parser tells the three apart.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal
from enum import Enum

# Markers statistical offices and municipalities use for a figure that is not published.
SUPPRESSION_MARKERS = frozenset({"", "-", "–", "—", "..", "...", "*", "x", "X"})

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
# 2.351 / 12.345.678 / 2.351,5 : dots group thousands in threes.
_DANISH_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_DANISH_PLAIN = re.compile(r"^[+-]?\d+(,\d+)?$")
_DANISH_LEADING_COMMA = re.compile(r"^[+-]?,\d+$")
# Written with a decimal point: 7.3, 0.25, 1,234.5 (English Excel, or a program's export).
_POINT_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_POINT_PLAIN = re.compile(r"^[+-]?\d+(\.\d+)?$")


class DecimalMark(str, Enum):
    """Which character a file uses as decimal mark."""

    COMMA = ","
    POINT = "."


@dataclass(frozen=True)
class ParsedNumber:
    """The outcome of reading one cell: a value, a suppressed figure, or an unreadable text."""

    value: float | None
    suppressed: bool = False
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def ascii_digits(text: str) -> str:
    """A text with every digit written 0–9: full-width (`０６１`), Arabic-Indic (`٠٦١`) and other decimal
    digits become their value, and full-width signs (`／`, `％`) their plain form (NFKC). Ids, school years
    and numbers are all read through it, so `０６１００１` is the same school as `061001`."""
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def _normalise(text: str) -> str:
    text = _SPACES.sub("", ascii_digits(text).strip())
    text = text.replace("\u2212", "-")  # typographic minus from Word/Excel
    text = text.removesuffix("%")
    return text


def is_suppression_marker(text: str) -> bool:
    """True for an empty cell or a marker meaning "ikke offentliggjort"."""
    return text.strip() in SUPPRESSION_MARKERS


def looks_like_point_decimal(text: str) -> bool:
    """True when a text can only be a number with a decimal point (e.g. `7.3`, not `2.351`)."""
    t = _normalise(text)
    return bool(_POINT_PLAIN.match(t)) and "." in t and not _DANISH_THOUSANDS.match(t)


def looks_like_comma_decimal(text: str) -> bool:
    """True when a text can only be a number with a decimal comma (e.g. `7,3`, not `1,234`)."""
    t = _normalise(text)
    return bool(_DANISH_PLAIN.match(t)) and "," in t and not _POINT_THOUSANDS.match(t)


def detect_decimal_mark(texts: list[str]) -> DecimalMark | None:
    """Guess a file's decimal mark from its number cells.

    Returns `POINT` only when some cells are unambiguous decimal points (`7.3`) and none are
    unambiguous decimal commas; `None` when the file mixes both (that is a problem to report);
    `COMMA` otherwise, because Danish is the default.
    """
    has_point = any(looks_like_point_decimal(t) for t in texts)
    has_comma = any(looks_like_comma_decimal(t) for t in texts)
    if has_point and has_comma:
        return None
    return DecimalMark.POINT if has_point else DecimalMark.COMMA


def parse_number(cell: object, decimal_mark: DecimalMark = DecimalMark.COMMA) -> ParsedNumber:
    """Read one cell as a number.

    Cells from Excel may already be numbers; text cells are read with the file's decimal mark.
    An unreadable text is returned with a Danish `error`, never as NaN or 0.
    """
    if cell is None:
        return ParsedNumber(None, suppressed=True)
    if isinstance(cell, bool):
        return ParsedNumber(None, error="en sandhedsværdi, ikke et tal")
    if isinstance(cell, (int, float)):
        if isinstance(cell, float) and math.isnan(cell):
            return ParsedNumber(None, suppressed=True)
        return ParsedNumber(float(cell))
    text = str(cell)
    if is_suppression_marker(text):
        return ParsedNumber(None, suppressed=True)
    t = _normalise(text)
    if decimal_mark is DecimalMark.COMMA:
        if _DANISH_THOUSANDS.match(t):
            return ParsedNumber(float(t.replace(".", "").replace(",", ".")))
        if _DANISH_PLAIN.match(t) or _DANISH_LEADING_COMMA.match(t):
            return ParsedNumber(float(t.replace(",", ".")))
        if _POINT_PLAIN.match(t):
            return ParsedNumber(
                None, error="et tal med decimalpunktum i en fil, der ellers bruger decimalkomma"
            )
    else:
        if _POINT_THOUSANDS.match(t):
            return ParsedNumber(float(t.replace(",", "")))
        if _POINT_PLAIN.match(t):
            return ParsedNumber(float(t))
        if _DANISH_PLAIN.match(t):
            return ParsedNumber(
                None, error="et tal med decimalkomma i en fil, der ellers bruger decimalpunktum"
            )
    return ParsedNumber(None, error="tekst, hvor der skulle stå et tal")


@functools.lru_cache(maxsize=65536)  # pure; a national table writes the same one-decimal figures again and again
def format_number(value: float, decimals: int = 1) -> str:
    """Write a number the Danish way: `7,3`, `2.351`, `-0,5`; halves round up (7,25 → 7,3).

    A missing value (NaN) is written as "–", never as "nan".
    """
    if value is None or not math.isfinite(value):
        return "–"
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP,
                                                   context=Context(prec=60))
    if rounded == 0:
        rounded = abs(rounded)  # -0.04 is shown as 0,0, not -0,0
    text = f"{rounded:,.{decimals}f}"
    return text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")


MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december")


def format_date(day: date) -> str:
    """`2. december 2026`: a date the Danish way."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


# A number inside a team's free text: "3,8", "85 %", "ca. 2.351", "mindst 95%".
_NUMBER_IN_TEXT = re.compile(r"[-+\u2212]?(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?)")


def first_number_in(text: str) -> float | None:
    """The first number in a text the team wrote, read by `parse_number` (a decimal point as in "3.8"
    is accepted too: a team's target is not a published table); None if there is none."""
    found = _NUMBER_IN_TEXT.search(str(text or ""))
    if not found:
        return None
    token = found.group()
    for mark in (DecimalMark.COMMA, DecimalMark.POINT):
        parsed = parse_number(token, mark)
        if parsed.value is not None:
            return parsed.value
    return None
