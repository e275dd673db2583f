"""Honest readings of kvalitetsrapport figures: over the years, against kommune and land, with noise.

The rules, in one place so texts, figures and the summary agree:
- interval (95 %) only where n is known: Wilson for shares of pupils (unit "%"), a normal interval
  with a typical pupil-level spread (`PUPIL_SD`) for mean scores; NaN otherwise;
- normal variation = the robust spread (1.4826 × MAD) of one-year changes across all schools in the
  data, widened for a small school by max(1, √(n̄/n)) (Elevtal stands in where n is not published);
- a development (forbedring/forværring) needs a least-squares trend over ≥ 3 published years (of the
  last five) whose slope is beyond 2 standard errors *and* whose fitted change exceeds the normal
  variation; the standard error is never smaller than normal variation implies. One jump is never enough;
- against kommune/land, a difference is beyond normal when it exceeds 2 × the robust spread between
  the schools that year (widened for small schools by the same √ rule).
"""

from __future__ import annotations

import functools
import hashlib
import math
import string
import weakref
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from labkit.catalogue import Catalogue, Indicator, load_catalogue
from labkit.config import LabConfig
from labkit.kvalitet import LEVEL_KOMMUNE, LEVEL_LAND, LEVEL_SCHOOL, STATUS_PUBLISHED, STATUS_TOO_FEW
from labkit.lab import Lab
from labkit.numbers import format_number
from labkit.templates import BUNDLED_TEMPLATES

# Spread of single pupils around their school's mean, for intervals of mean scores. Keys: an indicator
# id or a unit (the id wins). The catalogue has no `elevspredning` yet: pass `pupil_sd=` to override.
PUPIL_SD: dict[str, float] = {
    "point (1-5)": 0.6,  # a trivsel indicator averages several 1–5 answers per pupil: ~0.6 between pupils
    "karakterpoint": 2.3,  # a pupil's mean of the 9th-grade bundne prøver spreads ~2.3 grade points
}
Z95, Z998 = 1.96, 3.09
MIN_TREND_YEARS = 3
TREND_WINDOW = 5  # school years a trend looks back, like a kvalitetsrapport; older years are history
MIN_CHANGES = 5  # fewer one-year changes in the whole table: normal variation cannot be estimated
BEYOND_SE = 2.0  # a trend is clear when its slope is more than this many standard errors from 0
NOTABLE_JUMP = 2.0  # a one-year change beyond this many normal spreads is "a big jump" (still no finding)
BEYOND_SCHOOLS = 2.0  # a school differs clearly from kommune/land beyond this many between-school spreads
MAD_TO_SD = 1.4826
SIZE_INDICATOR = "elevtal"

IMPROVEMENT, DECLINE, CHANGE = "forbedring", "forvaerring", "aendring"
NORMAL_VARIATION, TOO_LITTLE_DATA, NOT_PUBLISHED = "normal_variation", "for_faa_data", "ikke_offentliggjort"
BETTER, WORSE, HIGHER, LOWER = "bedre", "daarligere", "hoejere", "lavere"  # comparison verdicts
REFERENCE_NAMES = {LEVEL_KOMMUNE: "kommunen", LEVEL_LAND: "landet"}


@functools.cache
def _bundled_catalogue() -> Catalogue:
    return load_catalogue(BUNDLED_TEMPLATES / "indikatorer.yaml")


def _unit_of(indicator: str | Indicator, unit: str) -> tuple[str, str]:
    """(indicator id, unit): an explicit unit wins, else the Indicator's, else the bundled catalogue's."""
    if isinstance(indicator, Indicator):
        return indicator.id, unit or indicator.unit
    found = None if unit else _bundled_catalogue().get(indicator)
    return indicator, unit or (found.unit if found else "")


def _pupil_sd(indicator_id: str, unit: str, pupil_sd: Mapping[str, float] | None) -> float | None:
    table = {**PUPIL_SD, **(pupil_sd or {})}
    return table.get(indicator_id, table.get(unit))


def _robust_sd(values: np.ndarray) -> float:
    """1.4826 × MAD, never below the last published digit (0,1 for figures like 7,3)."""
    mad = float(np.median(np.abs(values - np.median(values))))
    digit = next((10.0**-d for d in range(4) if np.allclose(values * 10**d, np.round(values * 10**d))), 0.0)
    return max(MAD_TO_SD * mad if mad > 0 else float(np.std(values)), digit)


def size_factor(size: float, typical: float) -> float:
    """How much wider normal variation is for a school of `size` than a typical one: max(1, √(typical/size))."""
    return max(1.0, math.sqrt(typical / size)) if size > 0 and typical > 0 else 1.0


def _column(kvalitet: pd.DataFrame, name: str, mask: np.ndarray, numeric: bool = False) -> np.ndarray:
    if numeric:
        return kvalitet[name].to_numpy(dtype=float, na_value=np.nan)[mask]
    return kvalitet[name].to_numpy(dtype=object)[mask]


_FIGURES_CACHE: dict[int, tuple[weakref.ref, dict[tuple[str, str], _Figures]]] = {}


@dataclass(frozen=True)
class _Figures:
    """One indicator's rows (all levels) and the schools' Elevtal, as arrays: selections cost microseconds."""

    school: np.ndarray
    level: np.ndarray
    year: np.ndarray
    start: np.ndarray  # first calendar year of the school year
    value: np.ndarray
    n: np.ndarray
    status: np.ndarray
    size_school: np.ndarray
    size_year: np.ndarray
    size_value: np.ndarray

    @classmethod
    def of(cls, kvalitet: pd.DataFrame, indicator_id: str, group: str = "") -> _Figures:
        """The figures of one indicator, remembered for as long as the table lives.

        A handout asks for the same indicator a dozen times (trend, comparisons, summary); the
        lab's table is never changed after loading, so selecting once per table is enough.
        """
        key = id(kvalitet)
        entry = _FIGURES_CACHE.get(key)
        if entry is None or entry[0]() is not kvalitet:
            entry = (weakref.ref(kvalitet, lambda _: _FIGURES_CACHE.pop(key, None)), {})
            _FIGURES_CACHE[key] = entry
        found = entry[1].get((indicator_id, group))
        if found is None:
            found = entry[1][(indicator_id, group)] = cls._select(kvalitet, indicator_id, group)
        return found

    @classmethod
    def _select(cls, kvalitet: pd.DataFrame, indicator_id: str, group: str) -> _Figures:
        indicator = kvalitet["indicator"].to_numpy(dtype=object)
        level = kvalitet["level"].to_numpy(dtype=object)
        own = (indicator == indicator_id) & (kvalitet["group"].to_numpy(dtype=object) == group)
        size = (indicator == SIZE_INDICATOR) & (level == LEVEL_SCHOOL)
        year = _column(kvalitet, "school_year", own)
        return cls(_column(kvalitet, "school_id", own), level[own], year,
                   np.array([int(y[:4]) for y in year], dtype=int), _column(kvalitet, "value", own, True),
                   _column(kvalitet, "n", own, True), _column(kvalitet, "status", own),
                   _column(kvalitet, "school_id", size), _column(kvalitet, "school_year", size),
                   _column(kvalitet, "value", size, True))

    def schools(self, year: str | None = None) -> np.ndarray:
        mask = self.level == LEVEL_SCHOOL
        return mask & (self.year == year) if year is not None else mask

    def pooled_spread(self) -> float:
        """Robust spread of all schools' changes between consecutive published years."""
        shown = self.schools() & np.isfinite(self.value)
        school, start, value = self.school[shown], self.start[shown], self.value[shown]
        order = np.lexsort((start, school))
        school, start, value = school[order], start[order], value[order]
        consecutive = (school[1:] == school[:-1]) & (np.diff(start) == 1)  # a gap is no one-year change
        changes = np.diff(value)[consecutive]
        return _robust_sd(changes) if len(changes) >= MIN_CHANGES else math.nan

    def size(self, school_id: str, year: str | None = None) -> tuple[float, float]:
        """(the school's size, the schools' mean size): n where published, else Elevtal; NaN if unknown."""
        rows = self.schools(year) & np.isfinite(self.value) & np.isfinite(self.n)
        if (own := rows & (self.school == school_id)).any():
            return float(np.median(self.n[own])), float(self.n[rows].mean())
        rows = np.isfinite(self.size_value) & ((self.size_year == year) if year is not None else True)
        if (own := rows & (self.size_school == school_id)).any():
            return float(np.median(self.size_value[own])), float(self.size_value[rows].mean())
        return math.nan, math.nan

    def between(self, year: str) -> float:
        values = self.value[self.schools(year) & np.isfinite(self.value)]
        return _robust_sd(values) if len(values) >= 3 else math.nan

    def reference(self, year: str, levels: tuple[str, ...] = (LEVEL_KOMMUNE, LEVEL_LAND)) -> tuple[float, str]:
        for level in levels:
            found = self.value[(self.level == level) & (self.year == year) & np.isfinite(self.value)]
            if len(found):
                return float(found[0]), REFERENCE_NAMES[level]
        return math.nan, ""


def interval(value: float, n: float, unit: str, sd: float | None = None) -> tuple[float, float]:
    """A 95 % interval for a school figure from n pupils; (NaN, NaN) when it cannot be computed.

    `sd` is the pupil-level spread for mean scores (default from `PUPIL_SD` by unit).
    """
    if not (n and n > 0) or math.isnan(value):
        return math.nan, math.nan
    if unit == "%":
        p = min(max(value / 100, 0.0), 1.0)
        denominator = 1 + Z95**2 / n
        centre = (p + Z95**2 / (2 * n)) / denominator
        half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / denominator
        return 100 * (centre - half), 100 * (centre + half)
    sd = sd if sd is not None else PUPIL_SD.get(unit)
    if sd is None:
        return math.nan, math.nan
    half = Z95 * sd / math.sqrt(n)
    return value - half, value + half


def indicator_series(kvalitet: pd.DataFrame, school_id: str, indicator: str | Indicator, group: str = "",
                     unit: str = "", pupil_sd: Mapping[str, float] | None = None) -> pd.DataFrame:
    """The school's figures and the kommune/land comparisons, one row per year and level.

    Columns: school_year, level, value, n, status, low, high (95 % interval of school rows with n).
    """
    indicator_id, unit = _unit_of(indicator, unit)
    sd = _pupil_sd(indicator_id, unit, pupil_sd)
    rows = kvalitet.loc[(kvalitet["indicator"] == indicator_id) & (kvalitet["group"] == group)
                        & (((kvalitet["level"] == LEVEL_SCHOOL) & (kvalitet["school_id"] == school_id))
                           | kvalitet["level"].isin([LEVEL_KOMMUNE, LEVEL_LAND]))]
    series = rows[["school_year", "level", "value", "n", "status"]].copy()
    bounds = [interval(float(v), float(n) if pd.notna(n) else math.nan, unit, sd) if level == LEVEL_SCHOOL
              else (math.nan, math.nan) for v, n, level in zip(series["value"], series["n"], series["level"])]
    series["low"] = [b[0] for b in bounds]
    series["high"] = [b[1] for b in bounds]
    return series.sort_values(["school_year", "level"]).reset_index(drop=True)


def year_to_year_spread(kvalitet: pd.DataFrame, indicator_id: str, group: str = "",
                        school_id: str | None = None) -> float:
    """The normal size of one school's change from one year to the next (NaN when too few data).

    The robust spread (1.4826 × MAD, never below the last published digit) of all schools' changes
    between consecutive published years. For `school_id`, it is multiplied by max(1, √(n̄/n)): n is
    the school's number of answers/pupils (Elevtal as a proxy where n is not published), n̄ the
    schools' mean. Small schools get a wider band; large ones never a narrower one (conservative).
    """
    figures = _Figures.of(kvalitet, indicator_id, group)
    factor = size_factor(*figures.size(school_id)) if school_id else 1.0
    return figures.pooled_spread() * factor


def school_size(kvalitet: pd.DataFrame, school_id: str, indicator_id: str, group: str = "",
                school_year: str | None = None) -> tuple[float, float]:
    """(the school's size, the schools' mean size) for the small-school rule: n, else Elevtal."""
    return _Figures.of(kvalitet, indicator_id, group).size(school_id, school_year)


def between_school_spread(kvalitet: pd.DataFrame, indicator_id: str, school_year: str, group: str = "") -> float:
    """Robust spread of the schools' values in one year (how different schools normally are)."""
    return _Figures.of(kvalitet, indicator_id, group).between(school_year)


@dataclass(frozen=True)
class ChangeAssessment:
    """How one school's figure developed, with a verdict code and one plain Danish sentence.

    Verdicts: forbedring / forvaerring (aendring for context figures), normal_variation, for_faa_data
    (< 3 published years, or no way to know the normal variation), ikke_offentliggjort.
    """

    indicator_id: str
    group: str
    verdict: str
    text: str
    years: int = 0  # published years used
    latest: float = math.nan
    latest_year: str = ""
    previous: float = math.nan
    slope: float = math.nan  # per year
    slope_se: float = math.nan
    spread: float = math.nan  # normal year-to-year variation for this school
    total_change: float = math.nan  # the fitted trend's change over the period

    @property
    def change(self) -> float:
        """Latest minus previous published value (one jump: never a finding on its own)."""
        return self.latest - self.previous


def describe_value(value: float, indicator: Indicator) -> str:
    text = format_number(value, indicator.decimals)
    return f"{text} %" if indicator.unit == "%" else text


def describe_change(change: float, indicator: Indicator) -> str:
    """A difference in the indicator's unit: percentages change by procentpoint, not by per cent."""
    text = format_number(change, indicator.decimals)
    return f"{text} procentpoint" if indicator.unit == "%" else f"{text} point"


def label(indicator: Indicator, group: str) -> str:
    return f"{indicator.name} ({group.lower()})" if group else indicator.name


def _trend(starts: np.ndarray, values: np.ndarray, spread: float) -> tuple[float, float]:
    """Least-squares slope per year and its standard error, floored by normal variation (spread/√2 a year)."""
    x = starts - starts.mean()
    sxx = float((x * x).sum())
    slope = float((x * (values - values.mean())).sum() / sxx)
    residuals = values - values.mean() - slope * x
    own = math.sqrt(float((residuals**2).sum()) / (len(values) - 2) / sxx) if len(values) > 2 else math.inf
    return slope, max(own, spread / math.sqrt(2) / math.sqrt(sxx))


def _hidden_note(years: np.ndarray, status: np.ndarray, latest_year: str) -> str:
    """A sentence about later years that are not published, if any."""
    later = (years > latest_year) & (status != STATUS_PUBLISHED)
    if not later.any():
        return ""
    why = ", fordi for få elever har svaret" if (status[later] == STATUS_TOO_FEW).all() else ""
    if later.sum() > 1:
        return f" Tallene efter {latest_year} er ikke offentliggjort{why}."
    return f" Tallet for {years[later][0]} er ikke offentliggjort{why}."


def _jump_sentence(years: np.ndarray, values: np.ndarray, indicator: Indicator, spread: float) -> str:
    """The last change as a plain fact, with a warning not to read one year as a finding."""
    jump = values[-1] - values[-2]
    next_year = int(years[-1][:4]) - int(years[-2][:4]) == 1
    if round(jump, indicator.decimals) == 0:
        return f" Det er det samme som {'året før' if next_year else f'i {years[-2]}'}."
    change = f" Tallet {'steg' if jump > 0 else 'faldt'} {describe_change(abs(jump), indicator)} " \
             f"{'fra året før' if next_year else f'siden {years[-2]}'}"
    if abs(jump) > NOTABLE_JUMP * spread:
        return f"{change}. Det er et stort spring, men ét år alene er ikke et fund; se, om det holder næste år."
    return f"{change}; det er inden for den normale variation fra år til år, så vent med at tolke det."


def _kommune_note(figures: _Figures, indicator: Indicator, first_year: str, last_year: str, own: float) -> str:
    """The kommune over the same years: is the development shared by all schools?"""
    start, _ = figures.reference(first_year, (LEVEL_KOMMUNE,))
    end, _ = figures.reference(last_year, (LEVEL_KOMMUNE,))
    if math.isnan(start) or math.isnan(end):
        return ""
    if describe_value(start, indicator) == describe_value(end, indicator):
        return f" Kommunens tal var det samme ({describe_value(end, indicator)}) i begge år."
    note = f" Kommunen gik i samme periode fra {describe_value(start, indicator)} til {describe_value(end, indicator)}"
    shared = (end - start) * own > 0 and abs(end - start) >= abs(own) / 2
    return note + (", så en del af udviklingen er fælles for hele kommunen." if shared else ".")


def assess_change(kvalitet: pd.DataFrame, school_id: str, indicator: Indicator, group: str = "",
                  spread: float | None = None) -> ChangeAssessment:
    """Is the school's development beyond normal variation? A verdict code and a Danish sentence.

    `spread` overrides the pooled year-to-year spread (before the small-school widening).
    """
    return _assess(_Figures.of(kvalitet, indicator.id, group), school_id, indicator, group, spread)


def _assess(figures: _Figures, school_id: str, indicator: Indicator, group: str,
            spread: float | None = None) -> ChangeAssessment:
    name = label(indicator, group)
    mine = np.flatnonzero(figures.schools() & (figures.school == school_id))
    mine = mine[np.argsort(figures.start[mine], kind="stable")]
    if not len(mine):
        return ChangeAssessment(indicator.id, group, TOO_LITTLE_DATA, f"{name}: der er ingen tal for skolen i data.")
    status = figures.status[mine]
    shown = mine[(status == STATUS_PUBLISHED) & np.isfinite(figures.value[mine])]
    if not len(shown):
        why = ", fordi for få elever har svaret" if (status == STATUS_TOO_FEW).any() else ""
        return ChangeAssessment(indicator.id, group, NOT_PUBLISHED,
                                f"{name}: der er ingen offentliggjorte tal for skolen{why}.")
    shown = shown[figures.start[shown] > figures.start[shown].max() - TREND_WINDOW]
    starts, years, values = figures.start[shown].astype(float), figures.year[shown], figures.value[shown]
    latest, latest_year = float(values[-1]), str(years[-1])
    previous = float(values[-2]) if len(values) > 1 else math.nan
    hidden = _hidden_note(figures.year[mine], status, latest_year)
    now = f"{name} var {describe_value(latest, indicator)} i {latest_year}."
    pooled = figures.pooled_spread() if spread is None else spread
    school_spread = pooled * size_factor(*figures.size(school_id))
    if len(values) < MIN_TREND_YEARS or math.isnan(school_spread):
        reason = (f"der er kun tal for {len(values)} år" if len(values) < MIN_TREND_YEARS
                  else "der er for få tal i alt til at kende den normale variation")
        return ChangeAssessment(indicator.id, group, TOO_LITTLE_DATA,
                                f"{now}{hidden} Det er for lidt til at sige, om der er en udvikling: {reason}.",
                                len(values), latest, latest_year, previous, spread=school_spread)
    slope, se = _trend(starts, values, school_spread)
    total = slope * float(starts[-1] - starts[0])
    facts = (len(values), latest, latest_year, previous, slope, se, school_spread, total)
    if not (abs(slope) > BEYOND_SE * se and abs(total) > school_spread):
        text = (f"{now}{_jump_sentence(years, values, indicator, school_spread)} Over {len(values)} år er der "
                f"ingen udvikling ud over den normale variation.{hidden}")
        return ChangeAssessment(indicator.id, group, NORMAL_VARIATION, text, *facts)
    rising = slope > 0
    if indicator.better == "kontekst":
        verdict, meaning = CHANGE, "en reel ændring"
    elif rising == (indicator.better == "højere"):
        verdict, meaning = IMPROVEMENT, "en reel forbedring"
    else:
        verdict, meaning = DECLINE, "en reel forværring"
    if (latest - values[0]) * slope > 0:
        path = f"fra {describe_value(values[0], indicator)} i {years[0]} til {describe_value(latest, indicator)} " \
               f"i {latest_year}"
    else:  # a noisy end year points the other way: describe the fitted line instead
        path = f"med omkring {describe_change(abs(total), indicator)} fra {years[0]} til {latest_year}"
    text = (f"{name} er {'steget' if rising else 'faldet'} {path} ({len(values)} år med tal). "
            f"{'Stigningen' if rising else 'Faldet'} er større end den normale variation fra år til år, så det er "
            f"sandsynligvis {meaning}.{_kommune_note(figures, indicator, years[0], latest_year, total)}{hidden}")
    return ChangeAssessment(indicator.id, group, verdict, text, *facts)


@dataclass(frozen=True)
class Comparison:
    """The school's latest figure against kommune or land; `difference` = school − reference."""

    indicator_id: str
    group: str
    level: str
    verdict: str  # bedre/daarligere (hoejere/lavere for context figures), normal_variation, for_faa_data, …
    text: str
    school_year: str = ""
    value: float = math.nan
    reference: float = math.nan
    difference: float = math.nan
    spread: float = math.nan  # normal difference between schools that year, for this school's size


def compare_to(kvalitet: pd.DataFrame, school_id: str, indicator: Indicator, group: str = "",
               level: str = LEVEL_KOMMUNE, school_year: str | None = None,
               beyond: float = BEYOND_SCHOOLS) -> Comparison:
    """The school against kommune or land in `school_year` (default: its latest published year).

    Beyond normal when |difference| > `beyond` × the between-school spread that year, widened for a
    small school by max(1, √(typical size/size)).
    """
    return _compare(_Figures.of(kvalitet, indicator.id, group), school_id, indicator, group, level, school_year,
                    beyond)


def _compare(figures: _Figures, school_id: str, indicator: Indicator, group: str, level: str,
             school_year: str | None, beyond: float) -> Comparison:
    name, where = label(indicator, group), REFERENCE_NAMES[level]
    shown = figures.schools(school_year) & (figures.school == school_id) & np.isfinite(figures.value) \
        & (figures.status == STATUS_PUBLISHED)
    if not shown.any():
        return Comparison(indicator.id, group, level, NOT_PUBLISHED,
                          f"{name}: der er intet offentliggjort tal for skolen at sammenligne med {where}.")
    at = np.flatnonzero(shown)[np.argmax(figures.start[shown])]
    year, value = str(figures.year[at]), float(figures.value[at])
    reference, _ = figures.reference(year, (level,))
    spread = figures.between(year) * size_factor(*figures.size(school_id, year))
    fact = f"I {year} var {name} {describe_value(value, indicator)}"
    if math.isnan(reference) or math.isnan(spread):
        missing = f"der er intet tal for {where}" if math.isnan(reference) else "der er for få skoler i data"
        return Comparison(indicator.id, group, level, TOO_LITTLE_DATA, f"{fact}; {missing} det år at sammenligne med.",
                          year, value, reference, value - reference, spread)
    difference = value - reference
    fact += f" mod {where}s {describe_value(reference, indicator)}"
    size = f"Forskellen på {describe_change(abs(difference), indicator)}"
    if abs(difference) <= beyond * spread:
        verdict, text = NORMAL_VARIATION, f"{fact}. {size} ligger inden for den normale forskel mellem skoler."
    else:
        above = difference > 0
        if indicator.better == "kontekst":
            verdict, word = (HIGHER, "over") if above else (LOWER, "under")
        else:
            good = above == (indicator.better == "højere")
            verdict, word = (BETTER, "bedre end") if good else (WORSE, "dårligere end")
        text = f"{fact}. {size} er større end den normale forskel mellem skoler, så skolen ligger tydeligt {word} {where}."
    return Comparison(indicator.id, group, level, verdict, text, year, value, reference, difference, spread)


def comparison_to_kommune(kvalitet: pd.DataFrame, school_id: str, indicator: Indicator, group: str = "",
                          school_year: str | None = None) -> Comparison:
    return compare_to(kvalitet, school_id, indicator, group, LEVEL_KOMMUNE, school_year)


def comparison_to_land(kvalitet: pd.DataFrame, school_id: str, indicator: Indicator, group: str = "",
                       school_year: str | None = None) -> Comparison:
    return compare_to(kvalitet, school_id, indicator, group, LEVEL_LAND, school_year)


FUNNEL_COLUMNS = ["school_id", "value", "size", "size_kind", "center", "center_kind", "limit95_low",
                  "limit95_high", "limit998_low", "limit998_high"]


def funnel_data(kvalitet: pd.DataFrame, indicator: str | Indicator, school_year: str, group: str = "",
                unit: str = "", size_indicator: str = SIZE_INDICATOR,
                pupil_sd: Mapping[str, float] | None = None) -> pd.DataFrame:
    """All schools' shown values one year, with 95 % and 99,8 % funnel limits by size.

    Size is n when every school has it and the unit has an interval rule (size_kind "n"); else the
    school's Elevtal that year (size_kind "elevtal"), with limits = between-school spread ×
    √(median size / size). Center: the kommune's figure (center_kind "kommune"), else the schools'
    median. Hidden values and schools without a size are left out.
    """
    indicator_id, unit = _unit_of(indicator, unit)
    figures = _Figures.of(kvalitet, indicator_id, group)
    rows = figures.schools(school_year) & np.isfinite(figures.value)
    if not rows.any():
        return pd.DataFrame(columns=FUNNEL_COLUMNS)
    data = pd.DataFrame({"school_id": figures.school[rows].astype(str), "value": figures.value[rows]})
    n = figures.n[rows]
    sd_pupil = _pupil_sd(indicator_id, unit, pupil_sd)
    use_n = bool(np.isfinite(n).all()) and (unit == "%" or sd_pupil is not None)
    if use_n:
        data["size"], data["size_kind"] = n, "n"
    else:
        sizes = _rows_of(kvalitet, size_indicator, school_year)
        data["size"], data["size_kind"] = data["school_id"].map(sizes).astype(float), "elevtal"
    data = data.loc[data["size"].notna() & (data["size"] > 0)].reset_index(drop=True)
    center, _ = figures.reference(school_year, (LEVEL_KOMMUNE,))
    data["center_kind"] = "kommune" if not math.isnan(center) else "median"
    if math.isnan(center):
        center = float(data["value"].median()) if len(data) else math.nan
    if use_n and unit == "%":
        p = min(max(center / 100, 0.001), 0.999)
        sd = 100 * np.sqrt(p * (1 - p) / data["size"])
    elif use_n:
        sd = float(sd_pupil or 0) / np.sqrt(data["size"])
    else:  # no n: how different schools are, wider for smaller schools
        sd = figures.between(school_year) * np.sqrt(float(data["size"].median()) / data["size"])
    data["center"] = center
    data["limit95_low"], data["limit95_high"] = center - Z95 * sd, center + Z95 * sd
    data["limit998_low"], data["limit998_high"] = center - Z998 * sd, center + Z998 * sd
    return data[FUNNEL_COLUMNS]


def _rows_of(kvalitet: pd.DataFrame, indicator_id: str, school_year: str) -> dict[str, float]:
    rows = kvalitet.loc[(kvalitet["indicator"] == indicator_id) & (kvalitet["level"] == LEVEL_SCHOOL)
                        & (kvalitet["school_year"] == school_year) & kvalitet["value"].notna()]
    return dict(zip(rows["school_id"], rows["value"].astype(float)))


def school_labels(config: LabConfig) -> dict[str, str]:
    """What each lab school is called in shared views: its name, or "Skole A" … when anonymous.

    The letters follow a hash of lab name and institution number: stable for a lab, but they do not
    reveal the alphabetical or numerical order of the schools.
    """
    if config.show_school_names:
        return {s.id: s.name for s in config.schools}
    order = sorted(config.schools, key=lambda s: hashlib.sha256(f"{config.lab_name}:{s.id}".encode()).hexdigest())
    letters = string.ascii_uppercase
    return {school.id: f"Skole {letters[i // 26 - 1] if i >= 26 else ''}{letters[i % 26]}"
            for i, school in enumerate(order)}


OVERVIEW_COLUMNS = ["label", "indicator", "group", "indicator_name", "value", "school_year", "reference",
                    "difference", "standardised", "verdict"]


def facilitator_overview(source: pd.DataFrame | Lab, config: LabConfig | None = None,
                         catalogue: Catalogue | None = None, indicators: list[str] | None = None) -> pd.DataFrame:
    """The lab's schools × indicators in their latest year, for the facilitator.

    `source` is a `Lab`, or the kvalitet table with config and catalogue. Columns: label ("Skole A" …
    unless names may be shown), value, reference ("kommunen"/"landet"), difference to it (positive =
    better), standardised (difference / between-school spread) and the trend verdict. Never an
    institution number; no school names when anonymous.
    """
    if isinstance(source, Lab):
        kvalitet, config, catalogue = source.kvalitet, config or source.config, catalogue or source.catalogue
    else:
        kvalitet = source
    if config is None or catalogue is None:
        raise TypeError("facilitator_overview: give a Lab, or the kvalitet table with config and catalogue")
    labels = school_labels(config)
    chosen = [catalogue[i] for i in indicators] if indicators else [
        i for i in catalogue.indicators if i.better != "kontekst" and not i.is_categorical]
    schools = kvalitet.loc[kvalitet["level"] == LEVEL_SCHOOL, ["indicator", "group"]].drop_duplicates()
    rows = []
    for order, indicator in enumerate(chosen):
        for group in sorted(schools.loc[schools["indicator"] == indicator.id, "group"]):
            figures = _Figures.of(kvalitet, indicator.id, group)
            pooled = figures.pooled_spread()
            for school in config.schools:
                assessment = _assess(figures, school.id, indicator, group, pooled)
                if math.isnan(assessment.latest):
                    continue
                reference, where = figures.reference(assessment.latest_year)
                difference = assessment.latest - reference
                difference = -difference if indicator.better == "lavere" else difference
                spread = figures.between(assessment.latest_year)
                rows.append({"label": labels[school.id], "indicator": indicator.id, "group": group,
                             "indicator_name": label(indicator, group), "value": assessment.latest,
                             "school_year": assessment.latest_year, "reference": where, "difference": difference,
                             "standardised": difference / spread if spread > 0 else math.nan, "verdict": assessment.verdict, "order": order})
    if not rows:
        return pd.DataFrame(columns=OVERVIEW_COLUMNS)
    overview = pd.DataFrame(rows).sort_values(["order", "group", "label"], kind="stable")
    return overview[OVERVIEW_COLUMNS].reset_index(drop=True)
