"""Honest comparisons of kvalitetsrapport figures: over the years, against kommune and land, with noise.

Year-to-year changes in one school's figures are mostly noise, small schools most. The rules here:
- an interval (95 %) is drawn only where n is known: Wilson for percentages, a normal interval with
  a typical pupil-level spread for mean scores;
- "normal variation" is the spread of year-to-year changes across all schools in the data (robust:
  1.4826 × median absolute deviation);
- a change is called an improvement or a decline only when the trend over at least three years is
  beyond two standard errors *and* the total change exceeds the normal year-to-year spread. A
  single year's jump is never a finding on its own.
"""

from __future__ import annotations

import hashlib
import math
import string
from dataclasses import dataclass

import numpy as np
import pandas as pd

from labkit.catalogue import Catalogue, Indicator
from labkit.config import LabConfig
from labkit.kvalitet import LEVEL_KOMMUNE, LEVEL_LAND, LEVEL_SCHOOL, STATUS_PUBLISHED, STATUS_TOO_FEW
from labkit.numbers import format_number

# Typical spread between pupils, by unit: the trivsel scale's answers vary by about 0.8 point and
# 9th-grade exam averages by about 2.3 grade points (published national distributions).
PUPIL_SD = {"point (1-5)": 0.8, "karakterpoint": 2.3}
Z95, Z998 = 1.96, 3.09
MIN_TREND_YEARS = 3

IMPROVEMENT, DECLINE, CHANGE = "forbedring", "forvaerring", "aendring"
NORMAL_VARIATION, TOO_LITTLE_DATA, NOT_PUBLISHED = "normal_variation", "for_faa_data", "ikke_offentliggjort"


def _school_rows(kvalitet: pd.DataFrame, school_id: str, indicator_id: str, group: str) -> pd.DataFrame:
    return kvalitet.loc[(kvalitet["level"] == LEVEL_SCHOOL) & (kvalitet["school_id"] == school_id)
                        & (kvalitet["indicator"] == indicator_id) & (kvalitet["group"] == group)]


def interval(value: float, n: float, unit: str) -> tuple[float, float]:
    """A 95 % interval for a school figure from n pupils; (NaN, NaN) when it cannot be computed."""
    if not (n and n > 0) or math.isnan(value):
        return math.nan, math.nan
    if unit == "%":
        p = min(max(value / 100, 0.0), 1.0)
        denominator = 1 + Z95**2 / n
        centre = (p + Z95**2 / (2 * n)) / denominator
        half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / denominator
        return 100 * (centre - half), 100 * (centre + half)
    if unit in PUPIL_SD:
        half = Z95 * PUPIL_SD[unit] / math.sqrt(n)
        return value - half, value + half
    return math.nan, math.nan


def indicator_series(kvalitet: pd.DataFrame, school_id: str, indicator_id: str, group: str = "",
                     unit: str = "") -> pd.DataFrame:
    """The school's figures and the kommune/land comparisons, one row per year and level."""
    rows = kvalitet.loc[(kvalitet["indicator"] == indicator_id) & (kvalitet["group"] == group)
                        & (((kvalitet["level"] == LEVEL_SCHOOL) & (kvalitet["school_id"] == school_id))
                           | kvalitet["level"].isin([LEVEL_KOMMUNE, LEVEL_LAND]))]
    series = rows[["school_year", "level", "value", "n", "status"]].copy()
    bounds = [interval(v, float(n) if pd.notna(n) else math.nan, unit) if level == LEVEL_SCHOOL
              else (math.nan, math.nan) for v, n, level in zip(series["value"], series["n"], series["level"])]
    series["low"] = [b[0] for b in bounds]
    series["high"] = [b[1] for b in bounds]
    return series.sort_values(["school_year", "level"]).reset_index(drop=True)


def _year_start(year: str) -> int:
    return int(year[:4])


def year_to_year_spread(kvalitet: pd.DataFrame, indicator_id: str, group: str = "") -> float:
    """The typical size of a school's change from one year to the next, across all schools."""
    rows = kvalitet.loc[(kvalitet["level"] == LEVEL_SCHOOL) & (kvalitet["indicator"] == indicator_id)
                        & (kvalitet["group"] == group) & kvalitet["value"].notna(),
                        ["school_id", "school_year", "value"]].sort_values(["school_id", "school_year"])
    start = rows["school_year"].str.slice(0, 4).astype(int)
    same_school = rows["school_id"].eq(rows["school_id"].shift())
    consecutive = same_school & start.diff().eq(1)  # a missing year is not a one-year change
    changes = rows["value"].diff()[consecutive].to_numpy(dtype=float)
    if len(changes) < 5:
        return math.nan
    mad = float(np.median(np.abs(changes - np.median(changes))))
    return 1.4826 * mad if mad > 0 else float(np.std(changes))


@dataclass(frozen=True)
class ChangeAssessment:
    indicator_id: str
    group: str
    verdict: str
    text: str
    years: int = 0
    latest: float = math.nan
    latest_year: str = ""
    previous: float = math.nan
    slope: float = math.nan
    slope_se: float = math.nan
    spread: float = math.nan


def describe_value(value: float, indicator: Indicator) -> str:
    text = format_number(value, indicator.decimals)
    return f"{text} %" if indicator.unit == "%" else text


def describe_change(change: float, indicator: Indicator) -> str:
    """A difference in the indicator's unit: percentages change by procentpoint, not by per cent."""
    text = format_number(change, indicator.decimals)
    return f"{text} procentpoint" if indicator.unit == "%" else f"{text} point"


def _trend(years: np.ndarray, values: np.ndarray) -> tuple[float, float]:
    """Least-squares slope per year and its standard error."""
    x = years - years.mean()
    slope = float((x * (values - values.mean())).sum() / (x * x).sum())
    residuals = values - values.mean() - slope * x
    dof = len(values) - 2
    se = math.sqrt(float((residuals**2).sum()) / dof / float((x * x).sum())) if dof > 0 else math.inf
    return slope, se


def _label(indicator: Indicator, group: str) -> str:
    return f"{indicator.name} ({group.lower()})" if group else indicator.name


def assess_change(kvalitet: pd.DataFrame, school_id: str, indicator: Indicator, group: str = "") -> ChangeAssessment:
    """Is the school's development beyond normal variation? Returns a verdict and a Danish sentence."""
    rows = _school_rows(kvalitet, school_id, indicator.id, group).sort_values("school_year")
    label = _label(indicator, group)
    shown = rows.loc[(rows["status"] == STATUS_PUBLISHED) & rows["value"].notna()]
    if shown.empty:
        if (rows["status"] == STATUS_TOO_FEW).any():
            return ChangeAssessment(indicator.id, group, TOO_LITTLE_DATA,
                                    f"{label}: tallene er skjult, fordi for få elever har svaret.")
        return ChangeAssessment(indicator.id, group, NOT_PUBLISHED, f"{label}: der er ingen offentliggjorte tal.")
    years = shown["school_year"].map(_year_start).to_numpy(dtype=float)
    values = shown["value"].to_numpy(dtype=float)
    latest, latest_year = float(values[-1]), str(shown["school_year"].iloc[-1])
    previous = float(values[-2]) if len(values) > 1 else math.nan
    now = f"{label} var {describe_value(latest, indicator)} i {latest_year}"
    if len(values) < MIN_TREND_YEARS:
        return ChangeAssessment(indicator.id, group, TOO_LITTLE_DATA,
                                f"{now}. Der er kun tal for {len(values)} år; det er for lidt til at sige, "
                                "om der er en udvikling.", len(values), latest, latest_year, previous)
    slope, se = _trend(years, values)
    spread = year_to_year_spread(kvalitet, indicator.id, group)
    span = years[-1] - years[0]
    total = slope * span
    beyond = abs(slope) > 2 * se and (math.isnan(spread) or abs(total) > spread)
    # Describe the fitted trend, not the two end points: one noisy end year can point the other way.
    fitted_start = float(values.mean() + slope * (years[0] - years.mean()))
    fitted_end = float(values.mean() + slope * (years[-1] - years.mean()))
    period = (f"over {len(values)} år ({shown['school_year'].iloc[0]}–{latest_year}), fra omkring "
              f"{describe_value(fitted_start, indicator)} til omkring {describe_value(fitted_end, indicator)}")
    if beyond:
        rising = slope > 0
        if indicator.better == "kontekst":
            verdict, meaning = CHANGE, "en reel ændring"
        elif rising == (indicator.better == "højere"):
            verdict, meaning = IMPROVEMENT, "en reel forbedring"
        else:
            verdict, meaning = DECLINE, "en reel forværring"
        text = (f"{label} er {'steget' if rising else 'faldet'} {period}; senest {describe_value(latest, indicator)}. "
                "Udviklingen er større end den normale variation fra år til år, så det er sandsynligvis "
                f"{meaning}.")
    else:
        verdict = NORMAL_VARIATION
        last_change = latest - previous if not math.isnan(previous) else math.nan
        jump = ""
        if not math.isnan(last_change) and abs(last_change) > 0:
            word = "steg" if last_change > 0 else "faldt"
            jump = f" Tallet {word} {describe_change(abs(last_change), indicator)} fra året før."
        text = (f"{now}.{jump} Over {len(values)} år er der ingen tydelig udvikling: ændringerne ligger inden "
                "for den normale variation fra år til år. Vent med at tolke et enkelt års udsving.")
    return ChangeAssessment(indicator.id, group, verdict, text, len(values), latest, latest_year, previous,
                            slope, se, spread)


def between_school_spread(kvalitet: pd.DataFrame, indicator_id: str, school_year: str, group: str = "") -> float:
    """Robust spread of the schools' values in one year (how different schools normally are)."""
    values = kvalitet.loc[(kvalitet["level"] == LEVEL_SCHOOL) & (kvalitet["indicator"] == indicator_id)
                          & (kvalitet["group"] == group) & (kvalitet["school_year"] == school_year),
                          "value"].dropna().to_numpy(dtype=float)
    if len(values) < 3:
        return math.nan
    mad = float(np.median(np.abs(values - np.median(values))))
    return 1.4826 * mad if mad > 0 else float(np.std(values))


def comparison_value(kvalitet: pd.DataFrame, indicator_id: str, school_year: str, group: str = "") -> tuple[float, str]:
    """The kommune's figure that year, else the country's; with the Danish name of what it is."""
    for level, name in ((LEVEL_KOMMUNE, "kommunen"), (LEVEL_LAND, "landet")):
        rows = kvalitet.loc[(kvalitet["level"] == level) & (kvalitet["indicator"] == indicator_id)
                            & (kvalitet["group"] == group) & (kvalitet["school_year"] == school_year)
                            & kvalitet["value"].notna()]
        if not rows.empty:
            return float(rows["value"].iloc[0]), name
    return math.nan, ""


def funnel_data(kvalitet: pd.DataFrame, indicator_id: str, school_year: str, group: str = "",
                unit: str = "", size_indicator: str = "elevtal") -> pd.DataFrame:
    """All schools' values one year with funnel limits by size (n, or Elevtal as a proxy)."""
    rows = kvalitet.loc[(kvalitet["level"] == LEVEL_SCHOOL) & (kvalitet["indicator"] == indicator_id)
                        & (kvalitet["group"] == group) & (kvalitet["school_year"] == school_year)
                        & kvalitet["value"].notna()]
    columns = ["school_id", "value", "size", "size_kind", "center", "limit95_low", "limit95_high",
               "limit998_low", "limit998_high"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    sizes = kvalitet.loc[(kvalitet["level"] == LEVEL_SCHOOL) & (kvalitet["indicator"] == size_indicator)
                         & (kvalitet["school_year"] == school_year)].set_index("school_id")["value"]
    data = pd.DataFrame({"school_id": rows["school_id"].to_numpy(), "value": rows["value"].to_numpy(dtype=float)})
    n = rows["n"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    use_n = bool(np.isfinite(n).all()) and unit in ("%", *PUPIL_SD)
    data["size"] = n if use_n else data["school_id"].map(sizes).to_numpy(dtype=float)
    data["size_kind"] = "n" if use_n else "elevtal"
    data = data.loc[data["size"].notna() & (data["size"] > 0)].reset_index(drop=True)
    center, _ = comparison_value(kvalitet, indicator_id, school_year, group)
    if math.isnan(center):
        center = float(data["value"].median()) if len(data) else math.nan
    if use_n and unit == "%":
        p = min(max(center / 100, 0.001), 0.999)
        sd = 100 * np.sqrt(p * (1 - p) / data["size"])
    elif use_n:
        sd = PUPIL_SD[unit] / np.sqrt(data["size"])
    else:
        # Without n: between-school spread, scaled so that smaller schools get wider limits.
        spread = between_school_spread(kvalitet, indicator_id, school_year, group)
        sd = spread * np.sqrt(float(data["size"].median()) / data["size"])
    data["center"] = center
    data["limit95_low"], data["limit95_high"] = center - Z95 * sd, center + Z95 * sd
    data["limit998_low"], data["limit998_high"] = center - Z998 * sd, center + Z998 * sd
    return data[columns]


def school_labels(config: LabConfig) -> dict[str, str]:
    """What each lab school is called in shared views: its name, or "Skole A" … when anonymous.

    The letters follow a hash of lab and school, so they are stable for a lab but do not reveal
    the alphabetical or numerical order of the schools.
    """
    if config.show_school_names:
        return {s.id: s.name for s in config.schools}
    order = sorted(config.schools, key=lambda s: hashlib.sha256(f"{config.lab_name}:{s.id}".encode()).hexdigest())
    return {school.id: f"Skole {string.ascii_uppercase[i % 26]}" for i, school in enumerate(order)}


def facilitator_overview(kvalitet: pd.DataFrame, config: LabConfig, catalogue: Catalogue,
                         indicators: list[str] | None = None) -> pd.DataFrame:
    """The lab's schools × indicators, latest year: value, difference to kommune (positive = better),
    that difference in units of the normal spread between schools (`standardised`), and the verdict. Schools are labelled per `school_labels`; no ids or names unless names may be shown."""
    labels = school_labels(config)
    chosen = [catalogue[i] for i in indicators] if indicators else [
        i for i in catalogue.indicators if i.better != "kontekst" and not i.is_categorical]
    schools = kvalitet.loc[kvalitet["level"] == LEVEL_SCHOOL]
    rows = []
    for order, indicator in enumerate(chosen):
        groups = sorted(set(schools.loc[schools["indicator"] == indicator.id, "group"]))
        for group in groups:
            name = f"{indicator.name} ({group.lower()})" if group else indicator.name
            for school in config.schools:
                assessment = assess_change(kvalitet, school.id, indicator, group)
                if math.isnan(assessment.latest):
                    continue
                reference, _ = comparison_value(kvalitet, indicator.id, assessment.latest_year, group)
                difference = assessment.latest - reference
                if indicator.better == "lavere":
                    difference = -difference
                spread = between_school_spread(kvalitet, indicator.id, assessment.latest_year, group)
                rows.append({"label": labels[school.id], "indicator": indicator.id, "group": group,
                             "indicator_name": name, "value": assessment.latest,
                             "school_year": assessment.latest_year, "difference": difference,
                             "standardised": difference / spread if spread else math.nan,
                             "verdict": assessment.verdict, "order": order})
    columns = ["label", "indicator", "group", "indicator_name", "value", "school_year", "difference",
               "standardised", "verdict"]
    if not rows:
        return pd.DataFrame(columns=columns)
    overview = pd.DataFrame(rows).sort_values(["order", "group", "label"], kind="stable")
    return overview[columns].reset_index(drop=True)
