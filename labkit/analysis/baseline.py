"""How a sign's figure moved from its baseline year, on the verdict engine's noise: the follow-up's
one test (`labkit.analysis.opfoelgning`)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from labkit.analysis.findings import (
    BRUD,
    FOR_FAA_AAR,
    ROBUST_P,
    BaselineChange,
    Noise,
)
from labkit.analysis.statistics import (
    change_since,
)
from labkit.analysis.verdicts import comparable_years, start_year, table_verdicts
from labkit.data.catalogue import (
    Catalogue,
    Indicator,
)
from labkit.data.kvalitet_schema import (
    LEVEL_SCHOOL,
    STATUS_PUBLISHED,
)


def baseline_change(kvalitet: pd.DataFrame, catalogue: Catalogue, school_id: str, indicator: Indicator,
                    group: str, baseline_year: str) -> BaselineChange:
    """How the school's figure moved from `baseline_year` to the published years after it, against the
    reference, with the indicator's noise (the follow-up's one test per sign; no trend from before)."""
    verdicts = table_verdicts(kvalitet, catalogue)
    noise, found = verdicts.noise.get((indicator.id, group)), verdicts.get(school_id, indicator.id, group)
    if noise is None or found is None or not noise.vario.usable:
        return BaselineChange(FOR_FAA_AAR)
    rows = kvalitet.loc[(kvalitet["indicator"] == indicator.id) & (kvalitet["group"] == group)]
    starts = np.array(sorted({start_year(y) for y in rows["school_year"]}), dtype=int)
    comparable, break_note, restart = comparable_years(starts, indicator, catalogue)
    base = start_year(baseline_year)
    if restart > base or not comparable[starts == base].all():
        return BaselineChange(BRUD, break_note=break_note)
    own = rows.loc[(rows["level"] == LEVEL_SCHOOL) & (rows["school_id"] == school_id)
                   & (rows["status"] == STATUS_PUBLISHED) & rows["value"].notna()]
    values = dict(zip(own["school_year"].map(start_year), own["value"].astype(float)))
    school = np.array([values.get(int(y), math.nan) for y in starts])
    # The same reference as every other verdict: the kommune's, else land's, else the median school's.
    reference = np.array([noise.reference.get(int(y), math.nan) for y in starts])
    used = comparable & (starts >= base) & np.isfinite(school)
    against_reference = bool(noise.reference_kind) and bool(np.isfinite(reference[used]).all())
    if not against_reference:  # no reference, or missing in a year: the school's own change, said so
        reference = np.zeros(len(starts))
    if not used[starts == base].any() or used.sum() < 2:
        return BaselineChange(FOR_FAA_AAR)
    years, relative_values = starts[used].astype(float), (school - reference)[used]
    relative, se, p = change_since(years, relative_values, base, noise.vario, found.noise_factor)
    own_change = change_since(years, school[used], base, noise.vario, found.noise_factor)[0]
    return BaselineChange("", tuple(f"{int(y)}/{int(y) + 1}" for y in years[1:]), own_change, relative,
                          own_change - relative if against_reference else math.nan, se, p, break_note,
                          against_reference, _robust_since(years, relative_values, base, noise, found.noise_factor,
                                                           relative),
                          noise.reference_kind if against_reference else "")


def _robust_since(years: np.ndarray, values: np.ndarray, base: int, noise: Noise, factor: float,
                  change: float) -> bool:
    """With two or more years after the baseline, leaving any one out keeps the direction and p ≤ 5 %."""
    after = np.flatnonzero(years > base)
    if len(after) < 2:
        return True
    for left_out in after:
        keep = np.arange(len(years)) != left_out
        sub_change, _, sub_p = change_since(years[keep], values[keep], base, noise.vario, factor)
        if sub_change * change <= 0 or not sub_p <= ROBUST_P:
            return False
    return True
