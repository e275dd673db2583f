"""Views of the kvalitetsrapport figures that read the verdict engine: a school's series with its
band, the funnel of all schools, and the facilitator's anonymised overview.

No verdict is computed here: bands, limits and arrows come from `labkit.analysis.verdicts`, so a figure can
never disagree with the sentence beside it.
"""

from __future__ import annotations

import hashlib
import math
import string

import numpy as np
import pandas as pd

from labkit.analysis.findings import Finding
from labkit.analysis.statistics import quantile
from labkit.analysis.verdicts import SIZE_INDICATOR, Verdicts, table_verdicts
from labkit.data.catalogue import Catalogue, Indicator
from labkit.data.config import LabConfig
from labkit.data.kvalitet_schema import LEVEL_KOMMUNE, LEVEL_LAND, LEVEL_SCHOOL
from labkit.data.lab import Lab

BAND_LEVEL, OUTER_LEVEL = 0.95, 0.998


def indicator_series(kvalitet: pd.DataFrame, school_id: str, finding: Finding) -> pd.DataFrame:
    """The school's figures and the kommune/land comparisons, one row per year and level.

    Columns: school_year, level, value, n, status, low, high. low/high: the school's normal
    year-to-year spread (95 %) around each shown figure, the same spread its level verdict uses.
    """
    indicator, group = finding.indicator, finding.group
    rows = kvalitet.loc[(kvalitet["indicator"] == indicator.id) & (kvalitet["group"] == group)
                        & (((kvalitet["level"] == LEVEL_SCHOOL) & (kvalitet["school_id"] == school_id))
                           | kvalitet["level"].isin([LEVEL_KOMMUNE, LEVEL_LAND]))]
    series = rows[["school_year", "level", "value", "n", "status"]].copy()
    half = finding.band_half_width
    own = (series["level"] == LEVEL_SCHOOL).to_numpy()
    values = series["value"].to_numpy(dtype=float, na_value=math.nan)
    series["low"] = np.where(own, values - half, math.nan)
    series["high"] = np.where(own, values + half, math.nan)
    return series.sort_values(["school_year", "level"]).reset_index(drop=True)


FUNNEL_COLUMNS = ["school_id", "value", "size", "size_kind", "center", "center_kind", "limit95_low",
                  "limit95_high", "limit998_low", "limit998_high"]


def funnel_data(kvalitet: pd.DataFrame, verdicts: Verdicts, indicator: Indicator, school_year: str,
                group: str = "") -> pd.DataFrame:
    """All schools' shown values one year, with limits by size from the engine's noise.

    The limits say how far from the reference (the kommune, else land or the median school) a
    school of that size lands by its own year-to-year noise: 95 % and 99,8 %. Size is n where the
    engine sized schools by n, else Elevtal. Hidden values and schools without a size are left out.
    """
    noise = verdicts.noise.get((indicator.id, group))
    rows = kvalitet.loc[(kvalitet["indicator"] == indicator.id) & (kvalitet["group"] == group)
                        & (kvalitet["school_year"] == school_year) & kvalitet["value"].notna()]
    schools = rows.loc[rows["level"] == LEVEL_SCHOOL]
    if noise is None or schools.empty or not noise.vario.usable:
        return pd.DataFrame(columns=FUNNEL_COLUMNS)
    data = pd.DataFrame({"school_id": schools["school_id"].astype(str).to_numpy(),
                         "value": schools["value"].astype(float).to_numpy()})
    if noise.size_kind == "n":
        data["size"], data["size_kind"] = schools["n"].astype(float).to_numpy(), "n"
    else:
        sizes = _rows_of(kvalitet, SIZE_INDICATOR, school_year)
        data["size"], data["size_kind"] = data["school_id"].map(sizes).astype(float), "elevtal"
    data = data.loc[data["size"].notna() & (data["size"] > 0)].reset_index(drop=True)
    center, kind = math.nan, noise.reference_kind
    for level, name in ((LEVEL_KOMMUNE, "kommune"), (LEVEL_LAND, "land")):
        found = rows.loc[rows["level"] == level, "value"]
        if name == kind and len(found):
            center = float(found.iloc[0])
    if math.isnan(center):
        center, kind = (float(data["value"].median()) if len(data) else math.nan), "median"
    sd = np.sqrt(noise.vario.sill * np.array([noise.factor(size) for size in data["size"]], dtype=float))
    data["center"], data["center_kind"] = center, kind
    inner, outer = quantile(noise.vario.df, BAND_LEVEL), quantile(noise.vario.df, OUTER_LEVEL)
    data["limit95_low"], data["limit95_high"] = center - inner * sd, center + inner * sd
    data["limit998_low"], data["limit998_high"] = center - outer * sd, center + outer * sd
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
                    "difference", "standardised", "verdict", "level"]


def facilitator_overview(source: pd.DataFrame | Lab, config: LabConfig | None = None,
                         catalogue: Catalogue | None = None, indicators: list[str] | None = None) -> pd.DataFrame:
    """The lab's schools × judged indicators in their latest year, for the facilitator.

    `source` is a `Lab`, or the kvalitet table with config and catalogue. Columns: label ("Skole A" …
    unless names may be shown), value, reference ("kommunen"/"landet"/…), difference to it (positive
    = better), standardised (difference / the school's own year-to-year spread), the development
    verdict code and the level code. Never an institution number; no school names when anonymous.
    """
    if isinstance(source, Lab):
        kvalitet, config, catalogue = source.kvalitet, config or source.config, catalogue or source.catalogue
    else:
        kvalitet = source
    if config is None or catalogue is None:
        raise TypeError("facilitator_overview: give a Lab, or the kvalitet table with config and catalogue")
    verdicts = table_verdicts(kvalitet, catalogue)
    labels = school_labels(config)
    chosen = [catalogue[i] for i in indicators] if indicators else [i for i in catalogue.indicators if i.is_judged]
    order = {indicator.id: k for k, indicator in enumerate(chosen)}
    rows = []
    for school in config.schools:
        for finding in verdicts.for_school(school.id):
            if finding.indicator.id not in order or math.isnan(finding.value):
                continue
            level = finding.level
            sign = -1.0 if finding.indicator.better == "lavere" else 1.0
            difference = sign * level.difference
            rows.append({"label": labels[school.id], "indicator": finding.indicator.id, "group": finding.group,
                         "indicator_name": finding.label, "value": finding.value,
                         "school_year": finding.latest_year, "reference": level.reference_name,
                         "difference": difference,
                         "standardised": difference / level.sd if level.sd > 0 else math.nan,
                         "verdict": finding.development.code, "level": level.code,
                         "order": order[finding.indicator.id]})
    if not rows:
        return pd.DataFrame(columns=OVERVIEW_COLUMNS)
    overview = pd.DataFrame(rows).sort_values(["order", "group", "label"], kind="stable")
    return overview[OVERVIEW_COLUMNS].reset_index(drop=True)
