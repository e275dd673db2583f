"""The one verdict engine: for every school × indicator × group, a level and a development verdict.

Every consumer (summary, indicator table, figure bands and captions, focus-area candidates,
baselines, follow-up, handout, Word file, facilitator overview, the consultants' spreadsheet)
reads `Finding` objects from `lab_verdicts`; nothing computes a verdict a second way.

The rules (docs/statistik.md explains them for consultants):
- a school's figures are set against the kommune's the same year (else the country's, else the
  median school's), so a movement of the whole kommune is never one school's finding;
- noise is the indicator's variogram over all schools in the data (`labkit.analysis.statistics`), scaled
  up for a small school; one-decimal rounding is its floor;
- development: a least-squares trend over the comparable years (3–8, none across a break in the
  catalogue's `brud`) whose p-value survives Holm's correction over all the school's statements,
  and that still points the same way and stays beyond noise (p < 5 %) when any one year is left out;
- level: the latest figure against the kommune, beyond the school's own year-to-year noise, after
  the same Holm correction; where the ministry publishes its own verdict, that verdict is shown;
- context figures (elevtal, klassekvotient) are described, never judged.
"""

from __future__ import annotations

import math
import warnings
import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd

from labkit.analysis import verdict_texts as texts
from labkit.analysis.findings import (
    FAMILY_ALPHA,
    ROBUST_P,
    Noise,
    Verdicts,
    size_factor,
)
from labkit.analysis.statistics import (
    holm,
    latest_surprise,
    quantile,
    trends,
    two_sided_p_array,
    variogram,
)
from labkit.data.catalogue import (
    PUPIL_MEAN,
    PUPIL_SHARE,
    Catalogue,
    Indicator,
)
from labkit.data.kvalitet_schema import (
    LEVEL_KOMMUNE,
    LEVEL_LAND,
    LEVEL_SCHOOL,
    STATUS_PUBLISHED,
    STATUS_TOO_FEW,
)

MIN_YEARS, MAX_YEARS = 3, 8
MEDIAN_REFERENCE_SCHOOLS = 5  # without kommune/land figures, the median of at least this many schools
SIZE_INDICATOR = "elevtal"


# --- one indicator × group, all schools at once --------------------------------------------------


@dataclass
class _Raw:
    """A finding before Holm's correction decides the codes."""

    school_id: str
    indicator: Indicator
    group: str
    facts: dict
    level_p: float = math.nan
    development_p: float = math.nan


def start_year(year: str) -> int:
    return int(year[:4])


def _school_year(start: int) -> str:
    return f"{start}/{start + 1}"


def _reference(rows: pd.DataFrame, values: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, str, np.ndarray,
                                                                                    np.ndarray]:
    """(reference per year, its kind, kommune per year, land per year)."""
    by_level = {}
    for level in (LEVEL_KOMMUNE, LEVEL_LAND):
        part = rows.loc[(rows["level"] == level) & rows["value"].notna()]
        found = dict(zip(part["school_year"].map(start_year), part["value"].astype(float)))
        by_level[level] = np.array([found.get(int(s), math.nan) for s in starts])
    for level, kind in ((LEVEL_KOMMUNE, "kommune"), (LEVEL_LAND, "land")):
        if np.isfinite(by_level[level]).any():
            return by_level[level], kind, by_level[LEVEL_KOMMUNE], by_level[LEVEL_LAND]
    counts = np.isfinite(values).sum(axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN year has no median: NaN is right
        median = np.nanmedian(values, axis=0) if len(values) else np.full(len(starts), math.nan)
    if (counts >= MEDIAN_REFERENCE_SCHOOLS).any():
        return np.where(counts >= MEDIAN_REFERENCE_SCHOOLS, median, math.nan), "median", \
            by_level[LEVEL_KOMMUNE], by_level[LEVEL_LAND]
    return np.zeros(len(starts)), "", by_level[LEVEL_KOMMUNE], by_level[LEVEL_LAND]


def _sizes(indicator: Indicator, schools: list[str], n: np.ndarray,
           elevtal: dict[str, float]) -> tuple[np.ndarray, str]:
    """Each school's size for the small-school rule: its median n where published, else Elevtal."""
    if indicator.uncertainty in (PUPIL_MEAN, PUPIL_SHARE) and len(n) and np.isfinite(n).any(axis=1).all():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.nanmedian(n, axis=1), "n"
    sizes = np.array([elevtal.get(s, math.nan) for s in schools])
    return (sizes, "elevtal") if np.isfinite(sizes).any() else (np.full(len(schools), math.nan), "")


def _sampling_variance(indicator: Indicator, value: float, n: float) -> float:
    """The pure sampling variance of one figure from n pupils (0 when it cannot be known)."""
    if not (n > 0) or math.isnan(value):
        return 0.0
    if indicator.uncertainty == PUPIL_MEAN and indicator.pupil_sd:
        return indicator.pupil_sd**2 / n
    if indicator.uncertainty == PUPIL_SHARE:
        share = min(max(value / 100, 0.0), 1.0)
        return 1e4 * max(share * (1 - share), 0.25 / n) / n  # never 0 at 0 % or 100 %
    return 0.0


def _sampling_share(indicator: Indicator, values: np.ndarray, typical: float, sill: float) -> float:
    """The share of a typical school's year-to-year variance that is pure sampling of its pupils."""
    if not (sill > 0) or not (typical > 0) or not np.isfinite(values).any():
        return 1.0
    sampling = _sampling_variance(indicator, float(np.nanmedian(values)), typical)
    return min(1.0, sampling / sill) if sampling > 0 else 1.0


def comparable_years(starts: np.ndarray, indicator: Indicator, catalogue: Catalogue) -> tuple[np.ndarray, str, int]:
    """(mask of comparable years, the latest break's description, the year the series restarts)."""
    breaks = catalogue.breaks_of(indicator.id)
    latest = int(starts.max()) if len(starts) else 0
    restarts = [b for b in breaks if b.restart <= latest or b.covers(latest)]
    mask = np.ones(len(starts), dtype=bool)
    if not restarts:
        return mask, "", 0
    last = max(restarts, key=lambda b: b.restart)
    mask &= starts >= last.restart
    for b in breaks:
        mask &= ~np.array([b.covers(int(s)) for s in starts], dtype=bool)
    return mask, last.description, last.restart


@dataclass(frozen=True)
class _Indicator:
    """One indicator × group's figures for every school, as arrays (schools × years), and its noise."""

    indicator: Indicator
    starts: np.ndarray  # first calendar year of each school year
    values: np.ndarray  # published values (NaN otherwise)
    n: np.ndarray
    status: np.ndarray
    reference: np.ndarray  # per year: the kommune's (else land's, else median school's) figure
    reference_kind: str
    kommune: np.ndarray
    land: np.ndarray
    comparable: np.ndarray  # years inside the current series (no break between them)
    noise: Noise
    rounding: float  # variance of one-decimal rounding of school and reference
    band_quantile: float
    relative: np.ndarray  # values − reference: what every test is about


def _indicator_raws(rows: pd.DataFrame, indicator: Indicator, group: str, catalogue: Catalogue,
                    elevtal: dict[str, float], verdict_rows: pd.DataFrame | None) -> tuple[list[_Raw], Noise | None]:
    school_rows = rows.loc[rows["level"] == LEVEL_SCHOOL]
    if school_rows.empty:
        return [], None
    schools = sorted(set(school_rows["school_id"]))
    starts = np.array(sorted({start_year(y) for y in rows["school_year"]}), dtype=int)
    column = {int(s): i for i, s in enumerate(starts)}
    index = {s: i for i, s in enumerate(schools)}
    shape = (len(schools), len(starts))
    values, n = np.full(shape, math.nan), np.full(shape, math.nan)
    status = np.full(shape, "", dtype=object)
    r = np.fromiter((index[s] for s in school_rows["school_id"]), dtype=int, count=len(school_rows))
    c = np.fromiter((column[start_year(y)] for y in school_rows["school_year"]), dtype=int, count=len(school_rows))
    status[r, c] = school_rows["status"].to_numpy(dtype=object)
    published = (school_rows["status"] == STATUS_PUBLISHED).to_numpy() & school_rows["value"].notna().to_numpy()
    values[r[published], c[published]] = school_rows["value"].to_numpy(dtype=float, na_value=math.nan)[published]
    n[r, c] = school_rows["n"].to_numpy(dtype=float, na_value=math.nan)
    reference, reference_kind, kommune, land = _reference(rows, values, starts)
    if indicator.published_verdict:  # a difference to the ministry's own reference is relative already
        reference, reference_kind = np.zeros(len(starts)), ""
    sizes, size_kind = _sizes(indicator, schools, n, elevtal)
    finite_sizes = sizes[np.isfinite(sizes) & (sizes > 0)]
    typical = float(finite_sizes.mean()) if len(finite_sizes) else math.nan
    comparable, break_note, restart = comparable_years(starts, indicator, catalogue)
    step = 10.0 ** -indicator.decimals
    rounding = step * step / 12 * (2 if reference_kind in ("kommune", "land") else 1)  # school and reference
    relative = values - reference
    reference_by_year = {int(y): float(r) for y, r in zip(starts, reference) if np.isfinite(r)} if reference_kind \
        else {}
    factors = np.array([size_factor(s, typical) for s in sizes])
    first = variogram(relative[:, comparable], starts[comparable], floor=2 * rounding, weights=factors)
    # Size only scales the sampling part of the noise: a school's own year-to-year change is not smaller
    # for a large school nor larger for a small one. Where the sampling part is known (n published), the
    # factor is 1 + share × (max(1, typical/size) − 1); elsewhere the whole noise scales (the safe side).
    share = _sampling_share(indicator, values, typical, first.sill) if size_kind == "n" else 1.0
    noise = Noise(first, typical, size_kind, reference_kind, reference_by_year, share)
    if share < 1:
        factors = np.array([noise.factor(s) for s in sizes])
        noise = Noise(variogram(relative[:, comparable], starts[comparable], floor=2 * rounding, weights=factors),
                      typical, size_kind, reference_kind, reference_by_year, share)
    table = _Indicator(indicator, starts, values, n, status, reference, reference_kind, kommune, land, comparable,
                       noise, rounding, quantile(noise.vario.df), relative)
    ministry = _ministry_verdicts(verdict_rows, schools, column) if verdict_rows is not None else None
    raws: list[_Raw] = []
    for i, school in enumerate(schools):
        facts = _facts(table, i, factors[i], sizes[i])
        facts.update(break_note=break_note, restart=restart, ministry=ministry[i] if ministry is not None else None)
        raws.append(_Raw(school, indicator, group, facts))
    _test_developments(raws, table, factors)
    _test_levels(raws, noise, indicator)
    return raws, noise


def _ministry_verdicts(verdict_rows: pd.DataFrame, schools: list[str], column: dict[int, int]) -> np.ndarray:
    """The ministry's published verdict (−1/0/1) per school and year (NaN where none)."""
    found = np.full((len(schools), len(column)), math.nan)
    index = {s: i for i, s in enumerate(schools)}
    part = verdict_rows.loc[(verdict_rows["level"] == LEVEL_SCHOOL) & verdict_rows["value"].notna()
                            & (verdict_rows["status"] == STATUS_PUBLISHED)]
    for school, year, value in zip(part["school_id"], part["school_year"], part["value"].astype(float)):
        if school in index and start_year(year) in column:
            found[index[school], column[start_year(year)]] = value
    return found


def _facts(table: _Indicator, i: int, factor: float, size: float) -> dict:
    """What the texts need about school `i`: its figures, hidden years, level spread and usable years."""
    starts, values, status = table.starts, table.values, table.status
    shown = np.flatnonzero(np.isfinite(values[i]))
    present = np.flatnonzero(status[i] != "")
    latest = int(shown[-1]) if len(shown) else -1
    after = present[present > latest] if latest >= 0 else present
    hidden = tuple(_school_year(int(starts[j])) for j in after)
    too_few = tuple(_school_year(int(starts[j])) for j in after if status[i, j] == STATUS_TOO_FEW)
    compared = np.isfinite(table.kommune).any() or np.isfinite(table.land).any()
    nowhere = tuple(_school_year(int(starts[j])) for j in after
                    if compared and not np.isfinite(table.kommune[j]) and not np.isfinite(table.land[j]))
    facts: dict = {"starts": starts, "values": values[i], "hidden": hidden, "too_few": too_few, "nowhere": nowhere,
                   "latest": latest, "kommune": table.kommune, "land": table.land, "reference": table.reference,
                   "reference_kind": table.reference_kind, "factor": factor,
                   "year_sd": table.noise.year_sd(size), "band_quantile": table.band_quantile}
    if latest >= 0:
        sampling = _sampling_variance(table.indicator, float(values[i, latest]), float(table.n[i, latest]))
        own = table.noise.vario.sill * factor if table.noise.vario.usable else math.nan
        facts["level_sd"] = math.sqrt(max(own, sampling) + table.rounding) if not math.isnan(own) else math.nan
        facts["n"] = float(table.n[i, latest])
        year_values = values[:, latest]
        facts["rank_below"] = int((year_values[np.isfinite(year_values)] < values[i, latest]).sum())
        facts["schools"] = int(np.isfinite(year_values).sum())
    facts["trend_columns"] = np.flatnonzero(table.comparable & np.isfinite(table.relative[i]))[-MAX_YEARS:]
    facts["earlier_published"] = int((~table.comparable & np.isfinite(values[i])).sum())
    return facts


def _test_developments(raws: list[_Raw], table: _Indicator, factors: np.ndarray) -> None:
    """Trend, leave-one-out and latest-year tests, vectorised over schools with the same years.

    The school's own (absolute) trend is tested too, with the same noise, only to say in words that
    a school "followed the kommune"; it never makes a verdict.
    """
    noise, starts, relative, reference = table.noise, table.starts, table.relative, table.reference
    if not noise.vario.usable or not table.indicator.is_judged:
        return
    patterns: dict[tuple[int, ...], list[int]] = {}
    for i, raw in enumerate(raws):
        columns = tuple(int(j) for j in raw.facts["trend_columns"])
        if len(columns) >= MIN_YEARS:
            patterns.setdefault(columns, []).append(i)
    for columns, members in patterns.items():
        cols = np.array(columns)
        years = starts[cols].astype(float)
        rows = relative[np.ix_(np.array(members), cols)]
        found = trends(years, rows, noise.vario, factors[members])
        surprise, surprise_p = latest_surprise(years, rows, noise.vario, factors[members])
        absolute = trends(years, rows + reference[cols], noise.vario, factors[members])
        reference_trend = float(np.polyfit(years, reference[cols], 1)[0]) if table.reference_kind else 0.0
        for k, i in enumerate(members):
            raws[i].development_p = float(found.p[k]) if found.loo_p[k] <= ROBUST_P else 1.0
            raws[i].facts["trend"] = {
                "years": tuple(_school_year(int(y)) for y in years),
                "relative_change": float(found.change[k]), "se": float(found.se[k] * found.span),
                "p": float(found.p[k]), "loo_p": float(found.loo_p[k]), "weakest": int(found.weakest[k]),
                "change": float(absolute.change[k]), "absolute_p": float(absolute.p[k]),
                "absolute_loo_p": float(absolute.loo_p[k]),
                "reference_change": reference_trend * found.span,
                "surprise": float(surprise[k]), "surprise_p": float(surprise_p[k]),
            }


def _test_levels(raws: list[_Raw], noise: Noise, indicator: Indicator) -> None:
    if not indicator.is_judged:
        return
    rows = [raw for raw in raws if raw.facts["latest"] >= 0 and raw.facts.get("ministry") is None]
    differences = np.array([raw.facts["values"][raw.facts["latest"]] - raw.facts["reference"][raw.facts["latest"]]
                            for raw in rows])
    sds = np.array([raw.facts.get("level_sd", math.nan) for raw in rows])
    if not len(rows):
        return
    p = two_sided_p_array(differences, sds**2, noise.vario.df)
    for raw, value in zip(rows, p):
        if raw.facts["reference_kind"] and np.isfinite(raw.facts["reference"][raw.facts["latest"]]):
            raw.level_p = float(value)


# --- the whole table ------------------------------------------------------------------------


def compute_verdicts(kvalitet: pd.DataFrame, catalogue: Catalogue, alpha: float = FAMILY_ALPHA,
                     schools: set[str] | None = None) -> Verdicts:
    """All findings for every school in the table (or only for `schools`; the noise always comes from
    every school), with Holm's correction over each school's statements."""
    verdicts = Verdicts()
    sizes = kvalitet.loc[(kvalitet["indicator"] == SIZE_INDICATOR) & (kvalitet["level"] == LEVEL_SCHOOL)
                         & kvalitet["value"].notna()]
    elevtal = {str(k): float(v) for k, v in sizes.groupby("school_id")["value"].median().items()}
    by_pair = dict(tuple(kvalitet.groupby(["indicator", "group"], sort=False)))
    raws: list[_Raw] = []
    for indicator in catalogue.indicators:
        groups = sorted(str(g) for (i, g) in by_pair if i == indicator.id)
        verdict_source = indicator.published_verdict
        for group in groups:
            rows = by_pair[(indicator.id, group)]
            verdict_rows = by_pair.get((verdict_source, group)) if verdict_source else None
            found, noise = _indicator_raws(rows, indicator, group, catalogue, elevtal, verdict_rows)
            raws.extend(raw for raw in found if schools is None or raw.school_id in schools)
            if noise is not None:
                verdicts.noise[(indicator.id, group)] = noise
    by_school: dict[str, list[_Raw]] = {}
    for raw in raws:
        by_school.setdefault(raw.school_id, []).append(raw)
    for school_raws in by_school.values():
        p = [x for raw in school_raws for x in (raw.development_p, raw.level_p)]
        rejected = holm(p, alpha)
        # "Usædvanligt i år" is a statement too: held together in a family of its own, so it stays
        # rare by chance without costing the developments and levels their power.
        unusual = holm([raw.facts.get("trend", {}).get("surprise_p", math.nan) for raw in school_raws], alpha)
        for k, raw in enumerate(school_raws):
            raw.facts["unusual"] = bool(unusual[k])
            finding = texts.finding(raw.school_id, raw.indicator, raw.group, raw.facts,
                                    bool(rejected[2 * k]), bool(rejected[2 * k + 1]), raw.development_p,
                                    raw.level_p)
            verdicts.findings[(raw.school_id, raw.indicator.id, raw.group)] = finding
    return verdicts






_CACHE: dict[int, tuple[weakref.ref, int, Verdicts]] = {}


def table_verdicts(kvalitet: pd.DataFrame, catalogue: Catalogue) -> Verdicts:
    """`compute_verdicts`, remembered for as long as the (never changed) table lives."""
    key = id(kvalitet)
    entry = _CACHE.get(key)
    if entry is None or entry[0]() is not kvalitet or entry[1] != id(catalogue):
        entry = (weakref.ref(kvalitet, lambda _: _CACHE.pop(key, None)), id(catalogue),
                 compute_verdicts(kvalitet, catalogue))
        _CACHE[key] = entry
    return entry[2]
