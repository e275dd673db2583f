"""One cell of the kapacitetsinterview entry workbook, validated: school, group, rating, round and the
number of people behind a consensus rating. Each parser returns (value, None) or (None, an `Issue` saying
what was expected); `labkit.data.kapacitet` turns issues into problems with sheet, row and column."""

from __future__ import annotations

from labkit.data.config import with_leading_zeros
from labkit.data.instrument import Instrument, Scale
from labkit.data.kapacitet_entry import FIRST_ROUND, Issue, cell_text
from labkit.numbers import DecimalMark, ascii_digits, looks_like_point_decimal, parse_number


def school_list(known_schools: dict[str, str]) -> str:
    if len(known_schools) > 8:
        return "et institutionsnummer fra laboratoriets skoleliste (lab.yaml)"
    return "et af " + ", ".join(f"{k} ({v})" for k, v in known_schools.items())


def parse_school(cell: object, known_schools: dict[str, str]) -> tuple[str | None, Issue | None]:
    text = ascii_digits(cell_text(cell))  # »０６１００１« is 061001, as digits in ratings are read
    if not text:
        return None, Issue("Institutionsnummeret mangler.", "skolens 6-cifrede institutionsnummer")
    padded = with_leading_zeros(text)
    if padded != text:
        guess = f" Mente du »{padded}«?" if padded in known_schools else ""
        return None, Issue(
            f"Institutionsnummeret har kun {len(text)} cifre. Excel fjerner måske et foranstillet 0, "
            f"når cellen er formateret som tal.{guess}",
            "6 cifre: formatér cellen som Tekst og skriv nummeret igen med 0 foran",
        )
    if text not in known_schools:
        return None, Issue("Skolen er ikke med i laboratoriet.", school_list(known_schools))
    return text, None


def parse_group(cell: object, instrument: Instrument) -> tuple[str | None, Issue | None]:
    names = ", ".join(g.name for g in instrument.groups)
    if not cell_text(cell):
        return None, Issue("Respondentgruppen mangler.", f"en af {names}")
    group = instrument.group(cell)
    if group is None:
        return None, Issue("Respondentgruppen findes ikke i instrumentet.", f"en af {names}")
    return group.id, None


def parse_rating(cell: object, scale: Scale) -> tuple[int | None, Issue | None]:
    """A whole number on the scale; only an empty cell means the respondent did not answer, as the
    workbook's »Vejledning« says. A mark such as »x« or »-« may mean a tick as well as a blank: refused."""
    if not cell_text(cell).strip():
        return None, None
    parsed = parse_number(cell)
    if parsed.error and isinstance(cell, str) and looks_like_point_decimal(cell):
        parsed = parse_number(cell, DecimalMark.POINT)
    if parsed.value is None:
        return None, Issue("Vurderingen er ikke et tal. Kun en tom celle betyder, at respondenten ikke har svaret.",
                           f"{scale.describe()}, eller en tom celle")
    if not parsed.value.is_integer():
        return None, Issue("Vurderingen er ikke et helt tal.", scale.describe())
    if not scale.contains(parsed.value):
        return None, Issue("Vurderingen ligger uden for skalaen.", scale.describe())
    return int(parsed.value), None


def whole_number(cell: object) -> float | None:
    """A whole number of at least 1, else None."""
    parsed = parse_number(cell)
    if parsed.value is None or not parsed.value.is_integer() or parsed.value < 1:
        return None
    return parsed.value


def parse_round(cell: object) -> tuple[int | None, Issue | None]:
    """The interview round: 1, 2, …; an empty cell is the first round."""
    if not cell_text(cell):
        return FIRST_ROUND, None
    value = whole_number(cell)
    if value is None:
        return None, Issue("Runden er ikke et helt tal på mindst 1.", "1 ved første interview, 2 ved det næste osv.")
    return int(value), None


def parse_people(cell: object) -> tuple[int | None, Issue | None]:
    """How many people gave a consensus rating: needed to know whether the group may be shown."""
    expected = "antallet af personer, der var med til gruppens fælles vurdering: et helt tal på mindst 1, fx 6"
    if not cell_text(cell):
        return None, Issue("Antallet af deltagere mangler.", expected)
    value = whole_number(cell)
    if value is None:
        parsed = parse_number(cell)
        what = ("Antallet af deltagere skal være mindst 1." if parsed.value is not None and parsed.value < 1
                else "Antallet af deltagere er ikke et helt tal.")
        return None, Issue(what, expected)
    return int(value), None
