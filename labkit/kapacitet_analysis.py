"""Kapacitet profile of one school: dimension × group, the largest gaps between groups, the notes.

Works only on the suppressed profile from the data layer: a hidden group has no mean here either.
"""

from __future__ import annotations

import itertools

import pandas as pd

from labkit.instrument import Instrument
from labkit.numbers import format_number

# Leadership vs staff is the gap the domain guides call most useful to discuss: prefer it on ties.
LEADERSHIP = "ledelse"


def _dimension_rows(profile: pd.DataFrame, school_id: str) -> pd.DataFrame:
    return profile.loc[(profile["school_id"] == school_id) & (profile["statement"] == "")]


def profile_matrix(profile: pd.DataFrame, school_id: str, instrument: Instrument) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Means and n as dimension × group tables with Danish names; hidden groups are NaN."""
    rows = _dimension_rows(profile, school_id)
    dimensions = [d.id for d in instrument.dimensions]
    groups = [g.id for g in instrument.groups if g.id in set(rows["group"])]
    means = rows.pivot_table(index="dimension", columns="group", values="mean", aggfunc="first", dropna=False)
    counts = rows.pivot_table(index="dimension", columns="group", values="n", aggfunc="first", dropna=False)
    means = means.reindex(index=dimensions, columns=groups)
    counts = counts.reindex(index=dimensions, columns=groups)
    dimension_names = {d.id: d.name for d in instrument.dimensions}
    group_names = {g.id: g.name for g in instrument.groups}
    for table in (means, counts):
        table.index = [dimension_names[d] for d in table.index]
        table.columns = [group_names[g] for g in table.columns]
    return means, counts


def _definite(name: str) -> str:
    """Danish definite form for the gap sentence: Lærere → lærerne, Ledelse → ledelsen."""
    lower = name.lower()
    if lower.endswith("e") and not lower.endswith("ere"):
        return lower + "n"  # ledelse → ledelsen
    if lower.endswith("ere"):
        return lower[:-1] + "ne"  # lærere → lærerne
    if lower.endswith("er"):
        return lower + "ne"  # pædagoger → pædagogerne
    return lower + "en"


def largest_gaps(profile: pd.DataFrame, school_id: str, instrument: Instrument, top: int = 3) -> pd.DataFrame:
    """The dimensions where two shown groups disagree most, with a Danish sentence each."""
    rows = _dimension_rows(profile, school_id)
    rows = rows.loc[~rows["suppressed"] & rows["mean"].notna()]
    group_names = {g.id: g.name for g in instrument.groups}
    dimension_names = {d.id: d.name for d in instrument.dimensions}
    found = []
    for dimension, part in rows.groupby("dimension"):
        means = dict(zip(part["group"], part["mean"]))
        for a, b in itertools.combinations(sorted(means), 2):
            high, low = (a, b) if means[a] >= means[b] else (b, a)
            gap = float(means[high] - means[low])
            found.append({"dimension": dimension, "dimension_name": dimension_names.get(dimension, dimension),
                          "group_high": group_names.get(high, high), "group_low": group_names.get(low, low),
                          "gap": gap, "leadership": LEADERSHIP in (high, low)})
    columns = ["dimension", "dimension_name", "group_high", "group_low", "gap", "text"]
    if not found:
        return pd.DataFrame(columns=columns)
    gaps = pd.DataFrame(found).sort_values(["gap", "leadership"], ascending=[False, False])
    gaps = gaps.drop_duplicates("dimension").head(top).reset_index(drop=True)
    gaps["text"] = [
        f"{_definite(row.group_high).capitalize()} vurderer »{row.dimension_name}« {format_number(row.gap, 1)} point højere end "
        f"{_definite(row.group_low)}." for row in gaps.itertuples()]
    return gaps[columns]


def notes_by_dimension(notes: pd.DataFrame, school_id: str, instrument: Instrument) -> dict[str, list[str]]:
    """The interview notes and quotes of a school, per dimension in the instrument's order."""
    rows = notes.loc[notes["school_id"] == school_id]
    group_names = {g.id: g.name for g in instrument.groups}
    found: dict[str, list[str]] = {}
    for dimension in [d.id for d in instrument.dimensions]:
        texts = []
        for row in rows.loc[rows["dimension"] == dimension].itertuples():
            who = f" ({group_names.get(row.group, row.group)})" if row.group else ""
            texts.append(f"»{row.text}«{who}" if row.kind == "Citat" else f"{row.text}{who}")
        if texts:
            found[dimension] = texts
    return found
