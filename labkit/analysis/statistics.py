"""The numbers behind every verdict: pure functions on arrays, no pandas, no Danish.

The model (explained for consultants in docs/statistik.md):
- a school's yearly figure, minus the kommune's, is its own stable level plus noise that is
  correlated from one year to the next (overlapping pupil cohorts, slow school-level change);
- that noise is described by its *variogram* V(k) = E[(r(t+k) − r(t))²], estimated once per
  indicator from all schools in the data (mean of squared differences). A contrast
  Σ wₜ rₜ with Σ wₜ = 0 (a trend, a change since a baseline) then has variance −½ Σₛ Σₜ wₛ wₜ V(|s−t|)
  whatever the correlation is, so no correlation has to be assumed;
- a small school's variogram is the typical one times max(1, typical size / its size);
- many statements about one school are held together with Holm's method.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import stdtr, stdtrit  # Student t: as scipy.stats, at a third of the import time

MIN_PAIRS = 6  # fewer pairs at a lag than this: the variogram there comes from the fitted curve
MIN_DF = 3.0
MIN_SCHOOLS = 5  # fewer schools in the data: nobody can tell what "normal" is, so no verdict


@dataclass(frozen=True)
class Variogram:
    """V(k) for k = 0 … len−1 years apart, for a school of typical size, and how sure we are of it.

    `df`: degrees of freedom for t quantiles (grows with the number of schools behind it);
    `schools`: schools with at least two comparable years.
    """

    values: np.ndarray
    pairs: np.ndarray
    df: float
    schools: int = 0

    @property
    def usable(self) -> bool:
        return (len(self.values) > 1 and bool(np.isfinite(self.values[1]))
                and self.schools >= MIN_SCHOOLS)

    @property
    def sill(self) -> float:
        """How much one year's figure varies around the school's own level: V at the largest lag in the
        data, halved. Not the fitted curve's limit: a slow drift over more years than the data hold is
        the school's real level changing, not this year's chance."""
        finite = self.values[np.isfinite(self.values)]
        return float(finite.max()) / 2 if len(finite) else math.nan

    def at(self, lags: np.ndarray) -> np.ndarray:
        """V at whole-year lags; beyond the table, its last value."""
        return self.values[np.minimum(np.asarray(lags, dtype=int), len(self.values) - 1)]


def variogram(rows: np.ndarray, years: np.ndarray, floor: float = 0.0,
              weights: np.ndarray | None = None) -> Variogram:
    """The variogram of many schools' series (rows × years; NaN where missing).

    `years`: the calendar start year of each column. `weights`: per school, the factor its
    variance is larger than a typical school's; its differences are scaled down by √weight so
    small schools do not inflate the typical variogram. `floor`: the least V can be (rounding).
    The estimates at lags with at least `MIN_PAIRS` pairs are smoothed by `_smoothed`.
    """
    rows = np.asarray(rows, dtype=float)
    scale = 1 / np.sqrt(weights) if weights is not None else np.ones(len(rows))
    span = int(years.max() - years.min()) if len(years) else 0
    values = np.full(span + 1, np.nan)
    pairs = np.zeros(span + 1, dtype=int)
    values[0] = 0.0
    position = {int(y): i for i, y in enumerate(years)}
    for lag in range(1, span + 1):
        columns = [(position[y], position[y + lag]) for y in position if y + lag in position]
        if not columns:
            continue
        first, second = (np.array(c) for c in zip(*columns))
        differences = ((rows[:, second] - rows[:, first]) * scale[:, None]).ravel()
        differences = differences[np.isfinite(differences)]
        pairs[lag] = len(differences)
        if len(differences) >= MIN_PAIRS:
            # Matheron's mean of squares. Cressie–Hawkins' robust estimator was tried and fails here:
            # figures rounded to one decimal give many zero differences and it underestimates V.
            values[lag] = max(float(np.mean(differences * differences)), floor)
    values = _smoothed(values, pairs)
    schools = int((np.isfinite(rows).sum(axis=1) >= 2).sum()) if rows.size else 0
    # Pairs from one school are correlated: the degrees of freedom grow with schools, not with pairs.
    df = max(MIN_DF, min(pairs[1] / 2, 2.0 * (schools - 1))) if span else MIN_DF
    return Variogram(values, pairs, df, schools)


_RHO_GRID = np.linspace(0.0, 0.9, 19)


def _smoothed(empirical: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """The variogram of white noise plus AR(1) noise, V(k) = a + b(1 − ρᵏ), fitted to the lags with
    enough pairs (weighted by pairs; ρ ≤ 0,9), and never below a well-estimated empirical value.

    A fitted curve levels off as real school series do; carrying the last estimate forward in
    proportion (a random walk) made every long trend look like chance in a small lab.
    """
    lags = np.flatnonzero((pairs >= MIN_PAIRS) & np.isfinite(empirical))
    lags = lags[lags > 0]
    values = np.full(len(empirical), math.nan)
    values[0] = 0.0
    if len(lags) == 0:
        return values
    k = np.arange(1, len(empirical))
    if len(lags) == 1:  # one lag only: grow in proportion (conservative, no shape to fit)
        values[1:] = empirical[lags[0]] * k / lags[0]
        return values
    target, weight = empirical[lags], pairs[lags].astype(float)
    best: tuple[float, float, float, float] | None = None
    for rho in _RHO_GRID:
        design = np.column_stack([np.ones(len(lags)), 1 - rho ** lags])
        coef, *_ = np.linalg.lstsq(design * np.sqrt(weight)[:, None], target * np.sqrt(weight), rcond=None)
        coef = np.maximum(coef, 0.0)
        error = float((weight * (design @ coef - target) ** 2).sum())
        if best is None or error < best[0]:
            best = (error, float(coef[0]), float(coef[1]), float(rho))
    assert best is not None
    _, white, persistent, rho = best
    values[1:] = white + persistent * (1 - rho**k)
    values[lags] = np.maximum(values[lags], empirical[lags])
    return np.maximum.accumulate(values)


def contrast_variance(years: np.ndarray, weights: np.ndarray, vario: Variogram, factor: float = 1.0) -> float:
    """Variance of Σ wₜ rₜ (Σ wₜ = 0) from the variogram, for a school whose variance is `factor`× typical."""
    lags = np.abs(years[:, None] - years[None, :])
    return float(-0.5 * weights @ (vario.at(lags) * factor) @ weights)


def slope_weights(years: np.ndarray) -> np.ndarray:
    """Least-squares slope per year as Σ wₜ yₜ."""
    centred = years - years.mean()
    return centred / float(centred @ centred)


def two_sided_p(estimate: float, variance: float, df: float) -> float:
    if not variance > 0 or math.isnan(estimate):
        return math.nan
    return float(2 * stdtr(df, -abs(estimate) / math.sqrt(variance)))


def two_sided_p_array(estimates: np.ndarray, variances: np.ndarray, df: float) -> np.ndarray:
    """`two_sided_p` for many estimates at once (one t distribution call)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.abs(estimates) / np.sqrt(variances)
    return np.where(variances > 0, 2 * stdtr(df, -t), np.nan)


@dataclass(frozen=True)
class Trends:
    """Least-squares trends of several schools over the same years, tested against each school's noise.

    Arrays with one entry per school: `slope` per year, `se`, two-sided `p`, and `loo_p`: the
    largest p when any one year is left out (1.0 when leaving a year out turns the direction).
    `weakest`: the year whose removal weakens the trend most. `span`: years from first to last.
    """

    slope: np.ndarray
    se: np.ndarray
    p: np.ndarray
    loo_p: np.ndarray
    weakest: np.ndarray
    span: int

    @property
    def change(self) -> np.ndarray:
        return self.slope * self.span


def trends(years: np.ndarray, values: np.ndarray, vario: Variogram, factors: np.ndarray) -> Trends:
    """Trends for schools (rows of `values`) that have figures for the same `years`."""
    years = np.asarray(years, dtype=float)
    values = np.atleast_2d(np.asarray(values, dtype=float))
    weights = slope_weights(years)
    slope = values @ weights
    variance = contrast_variance(years, weights, vario) * factors
    p = two_sided_p_array(slope, variance, vario.df)
    worst, weakest = np.zeros(len(slope)), np.full(len(slope), -1)
    for left_out in range(len(years)):
        keep = np.arange(len(years)) != left_out
        sub_weights = slope_weights(years[keep])
        sub_slope = values[:, keep] @ sub_weights
        sub_variance = contrast_variance(years[keep], sub_weights, vario) * factors
        sub_p = np.where(sub_slope * slope <= 0, 1.0, two_sided_p_array(sub_slope, sub_variance, vario.df))
        weaker = ~(sub_p <= worst)
        worst = np.where(weaker, sub_p, worst)
        weakest = np.where(weaker, int(years[left_out]), weakest)
    with np.errstate(invalid="ignore"):
        se = np.sqrt(variance)
    return Trends(slope, se, p, worst, weakest, int(years[-1] - years[0]))


def latest_surprise(years: np.ndarray, values: np.ndarray, vario: Variogram,
                    factors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(latest minus what the earlier years predict, two-sided p) per school: is this year out of pattern?

    The prediction is the least-squares line through the earlier years (their mean when there are
    only two), so a school that keeps moving the same way is not "unusual" in its latest year.
    """
    years = np.asarray(years, dtype=float)
    earlier = years[:-1]
    if len(earlier) >= 3:
        centred = earlier - earlier.mean()
        predict = 1 / len(earlier) + centred * (years[-1] - earlier.mean()) / float(centred @ centred)
    else:
        predict = np.full(len(earlier), 1 / len(earlier))
    weights = np.append(-predict, 1.0)
    difference = np.atleast_2d(values) @ weights
    return difference, two_sided_p_array(difference, contrast_variance(years, weights, vario) * factors, vario.df)


def change_since(years: np.ndarray, values: np.ndarray, baseline_year: int, vario: Variogram,
                 factor: float = 1.0) -> tuple[float, float, float]:
    """(mean of the years after the baseline minus the baseline year, its SE, two-sided p)."""
    years = np.asarray(years, dtype=float)
    after = years > baseline_year
    weights = np.where(after, 1.0 / max(int(after.sum()), 1), 0.0)
    weights[years == baseline_year] = -1.0
    difference = float(weights @ values)
    variance = contrast_variance(years, weights, vario, factor)
    return difference, math.sqrt(variance) if variance > 0 else math.nan, two_sided_p(difference, variance,
                                                                                       vario.df)


def holm(p_values: Sequence[float] | np.ndarray, alpha: float) -> np.ndarray:
    """Which hypotheses Holm's step-down method rejects at family-wise level `alpha` (NaN never)."""
    p = np.asarray(p_values, dtype=float)
    finite = np.flatnonzero(np.isfinite(p))
    rejected = np.zeros(len(p), dtype=bool)
    order = finite[np.argsort(p[finite], kind="stable")]
    for rank, index in enumerate(order):
        if p[index] > alpha / (len(order) - rank):
            break
        rejected[index] = True
    return rejected


def welch_p(difference: float, groups: Sequence[tuple[float, int]]) -> float:
    """Two-sided p of a difference between two group means, from (sd, n) of each group (Welch's df)."""
    parts = [sd * sd / n for sd, n in groups if n > 1 and math.isfinite(sd)]
    if len(parts) < 2 or not sum(parts) > 0:
        return math.nan
    df = sum(parts) ** 2 / sum(part * part / (n - 1) for part, (_, n) in zip(parts, groups))
    return float(2 * stdtr(df, -abs(difference) / math.sqrt(sum(parts))))


def quantile(df: float, level: float = 0.95) -> float:
    """The two-sided t quantile for an interval of `level`."""
    return float(stdtrit(df, 0.5 + level / 2))
