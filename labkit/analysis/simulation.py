"""The simulation study behind the verdict engine (docs/statistik.md), seeded and repeatable.

A simulated municipality has schools of realistic size whose figures are their own stable level
plus noise with the structure real figures have: pupil samples of realistic n, cohorts that overlap
from one year to the next (trivsel), slow school-level change (fravær, kompetencedækning), a year
effect shared by the whole kommune, and one-decimal rounding. Consecutive years correlate 0,5–0,8.
Nothing changes unless a change is planted. The engine then judges every school, and we count:
- false findings: schools with any "bedre"/"daarligere" development where nothing changed;
- power: how often a planted, sustained change is found, and never in the wrong direction.

Run the full study with `python benchmarks/bench_verdicts.py`; the tests run a small version.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from labkit.analysis.findings import BEDRE, DAARLIGERE
from labkit.analysis.verdicts import compute_verdicts
from labkit.data.catalogue import Catalogue
from labkit.data.kvalitet_schema import (
    KVALITET_COLUMNS,
    LEVEL_KOMMUNE,
    LEVEL_LAND,
    LEVEL_SCHOOL,
    STATUS_PUBLISHED,
)


@dataclass(frozen=True)
class SimulatedIndicator:
    """How one indicator behaves: its typical level, how schools differ, and its noise.

    `pupils`: pupils behind the figure as a share of Elevtal (0 for a school rate); `pupil_sd`: the
    spread of single pupils for a mean (0: a share, binomial); `school_sd`: school-level
    year-to-year noise beyond sampling; `cohorts`: pupil cohorts a figure spans (the overlap from
    year to year); `groups`: Klassetrin groups.
    """

    id: str
    level: float
    between_sd: float
    school_sd: float
    pupils: float = 0.0
    pupil_sd: float = 0.0
    cohorts: int = 1
    groups: tuple[str, ...] = ("",)


TRIVSEL_GROUPS = ("Mellemtrin", "Udskoling")
INDICATORS = (
    *(SimulatedIndicator(i, 3.9, 0.12, 0.03, 0.25, 0.6, 3, TRIVSEL_GROUPS)
      for i in ("social_trivsel", "faglig_trivsel", "stoette_inspiration", "ro_orden", "generel_trivsel")),
    SimulatedIndicator("andel_hoejest_trivsel", 89.0, 3.0, 0.8, 0.5, 0.0, 6),
    SimulatedIndicator("karaktergennemsnit", 7.3, 0.6, 0.2, 0.1, 2.3),
    SimulatedIndicator("fravaer", 7.0, 1.2, 0.6),
    SimulatedIndicator("kompetencedaekning", 88.0, 4.0, 2.5),
    SimulatedIndicator("overgang_uu", 88.0, 4.0, 1.5, 0.1),
    SimulatedIndicator("inklusionsgrad", 95.0, 2.0, 0.4, 1.0),
)
TYPICAL_ELEVTAL = 600


@dataclass(frozen=True)
class Planted:
    """A sustained change at school 0 (of typical size): `per_year` over the last `years` years."""

    indicator: str
    per_year: float
    years: int
    group: str = ""


def _correlation(years: int, lag1: float, cohorts: int) -> np.ndarray:
    """Year-to-year correlation with lag-1 value `lag1`: overlapping cohorts (Bartlett) mixed with a
    slowly changing school (AR(1)); for a school rate, AR(1) alone."""
    lag = np.abs(np.arange(years)[:, None] - np.arange(years)[None, :])
    if cohorts <= 1:
        return lag1**lag
    overlap = np.where(lag < cohorts, (cohorts - lag) / cohorts, 0.0)
    ar = min(0.95, max(0.0, 2 * lag1 - (cohorts - 1) / cohorts))
    return 0.5 * overlap + 0.5 * ar**lag


def _row(level: str, school: str, year: str, indicator: str, group: str, value: float, n: float) -> dict:
    return {"school_id": school, "school_name": school, "level": level, "school_year": year,
            "indicator": indicator, "group": group, "value": value, "n": n, "status": STATUS_PUBLISHED,
            "source": "simulation", "row": 0, "column": ""}


def municipality(rng: np.random.Generator, schools: int = 40, years: int = 7, lag1: float = 0.65,
                 planted: Planted | None = None, kommune_drift: float = 0.0, publish_n: bool = True) -> pd.DataFrame:
    """A simulated kvalitet table (the data layer's tidy columns) for one municipality.

    `kommune_drift`: a change per year shared by every school, in units of the indicator's school
    noise (the whole kommune moves; no school is different).
    """
    starts = list(range(2026 - years, 2026))
    labels = [f"{s}/{s + 1}" for s in starts]
    ids = [f"{900001 + i}" for i in range(schools)]
    elevtal = np.clip(rng.lognormal(math.log(TYPICAL_ELEVTAL), 0.35, schools), 150, 1200)
    if planted is not None:
        elevtal[0] = TYPICAL_ELEVTAL
    rows: list[dict] = []
    for i, school in enumerate(ids):
        for year in labels:
            rows.append(_row(LEVEL_SCHOOL, school, year, "elevtal", "", float(round(elevtal[i])), math.nan))
    for spec in INDICATORS:
        for group in spec.groups:
            chol = np.linalg.cholesky(_correlation(years, lag1, spec.cohorts) + 1e-9 * np.eye(years))
            share = spec.level / 100
            values = np.empty((schools, years))
            n = np.full(schools, math.nan)
            for i in range(schools):
                level = spec.level + rng.normal(0, spec.between_sd)
                if spec.pupils:
                    n[i] = max(10.0, round(elevtal[i] * spec.pupils))
                    sd_pupil = spec.pupil_sd or 100 * math.sqrt(share * (1 - share))
                    noise_sd = math.sqrt(spec.school_sd**2 + sd_pupil**2 / n[i])
                else:
                    noise_sd = spec.school_sd * math.sqrt(max(1.0, TYPICAL_ELEVTAL / elevtal[i]))
                values[i] = level + noise_sd * (chol @ rng.normal(size=years))
            values += rng.normal(0, 0.5 * spec.school_sd, years) + kommune_drift * spec.school_sd * np.arange(years)
            if planted is not None and planted.indicator == spec.id and planted.group == group:
                span = min(planted.years, years)
                values[0, years - span:] += planted.per_year * np.arange(1, span + 1)
            kommune = np.round(values.mean(axis=0), 1)
            for j, year in enumerate(labels):
                rows.append(_row(LEVEL_KOMMUNE, "", year, spec.id, group, float(kommune[j]), math.nan))
                rows.append(_row(LEVEL_LAND, "", year, spec.id, group, float(kommune[j]) + 0.1, math.nan))
                for i, school in enumerate(ids):
                    rows.append(_row(LEVEL_SCHOOL, school, year, spec.id, group, float(np.round(values[i, j], 1)),
                                     n[i] if publish_n else math.nan))
    return pd.DataFrame(rows, columns=KVALITET_COLUMNS)


@dataclass(frozen=True)
class StudyResult:
    schools: int
    false_schools: int  # schools with at least one false development finding
    false_by_indicator: dict[str, int]

    @property
    def false_rate(self) -> float:
        return self.false_schools / self.schools if self.schools else math.nan


def without_breaks(catalogue: Catalogue) -> Catalogue:
    """The catalogue without its known breaks: simulated series have none (real ones are cut at them)."""
    return replace(catalogue, breaks=())


def null_study(catalogue: Catalogue, seed: int, municipalities: int, lag1: tuple[float, float] = (0.5, 0.8),
               schools: int = 40, kommune_drift: float = 0.0) -> StudyResult:
    """Municipalities where nothing changed: how many schools get a false development verdict."""
    rng, catalogue = np.random.default_rng(seed), without_breaks(catalogue)
    false_schools, total = 0, 0
    by_indicator: dict[str, int] = {}
    for _ in range(municipalities):
        table = municipality(rng, schools, int(rng.integers(6, 9)), float(rng.uniform(*lag1)),
                             kommune_drift=kommune_drift)
        verdicts = compute_verdicts(table, catalogue)
        flagged: set[str] = set()
        for finding in verdicts:
            if finding.development.code in (BEDRE, DAARLIGERE):
                flagged.add(finding.school_id)
                by_indicator[finding.indicator.id] = by_indicator.get(finding.indicator.id, 0) + 1
        false_schools += len(flagged)
        total += schools
    return StudyResult(total, false_schools, by_indicator)


def power_study(catalogue: Catalogue, planted: Planted, seed: int, municipalities: int,
                lag1: tuple[float, float] = (0.5, 0.8), schools: int = 40) -> tuple[float, int]:
    """(share of planted changes found in the right direction, times found in the wrong direction)."""
    rng, catalogue = np.random.default_rng(seed), without_breaks(catalogue)
    found = wrong = 0
    good = BEDRE if (planted.per_year > 0) == (catalogue[planted.indicator].better == "højere") else DAARLIGERE
    for _ in range(municipalities):
        table = municipality(rng, schools, int(rng.integers(6, 9)), float(rng.uniform(*lag1)), planted)
        finding = compute_verdicts(table, catalogue, schools={"900001"}).get("900001", planted.indicator,
                                                                              planted.group)
        code = finding.development.code if finding else ""
        found += code == good
        wrong += code in (BEDRE, DAARLIGERE) and code != good
    return found / municipalities, wrong


PLANTED_CHANGES = (
    Planted("generel_trivsel", 0.1, 5, "Mellemtrin"),
    Planted("ro_orden", -0.1, 4, "Udskoling"),
    Planted("karaktergennemsnit", 0.3, 8),
    Planted("fravaer", -0.5, 8),
    Planted("kompetencedaekning", 2.5, 8),
)
