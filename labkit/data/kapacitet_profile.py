"""The kapacitet profile: mean, spread and n per school × group × dimension and statement, with
groups under the privacy limit hidden (never shown, in any output)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from labkit.data.instrument import Instrument

PROFILE_COLUMNS = ["school_id", "group", "dimension", "statement", "mean", "sd", "n", "suppressed"]


def group_sizes(answers: pd.DataFrame) -> dict[tuple[str, str], int]:
    """Number of respondents with at least one answer, per (school_id, group)."""
    sizes = answers.groupby(["school_id", "group"])["respondent"].nunique().reset_index()
    return {(str(s), str(g)): int(n) for s, g, n in sizes.itertuples(index=False)}


def build_profile(answers: pd.DataFrame, instrument: Instrument, min_group_size: int) -> pd.DataFrame:
    """The profile table from one row per answer (school_id, group, respondent, dimension, statement, rating).

    A dimension's mean is taken per respondent first, so a respondent who skipped a statement
    weighs the same as the others. Means of small groups are removed here, not at display time.
    """
    keys = ["school_id", "group", "dimension"]
    by_statement = answers.groupby([*keys, "statement"])["rating"].agg(mean="mean", sd="std", n="count")
    per_respondent = answers.groupby([*keys, "respondent"])["rating"].mean()
    by_dimension = per_respondent.groupby(level=keys).agg(mean="mean", sd="std", n="count")
    stats = pd.concat([by_statement.reset_index(), by_dimension.reset_index().assign(statement="")])
    sizes = group_sizes(answers)
    grid = [
        (school, group.id, dimension.id, statement)
        for school in sorted({s for s, _ in sizes})
        for group in instrument.groups
        if (school, group.id) in sizes
        for dimension in instrument.dimensions
        for statement in ["", *(s.id for s in dimension.statements)]
    ]
    profile = pd.DataFrame(grid, columns=[*keys, "statement"]).merge(
        stats, on=[*keys, "statement"], how="left"
    )
    profile["n"] = profile["n"].fillna(0).astype(int)
    size = pd.Series([sizes[(s, g)] for s, g in zip(profile["school_id"], profile["group"])], dtype=int)
    # Too few in the group, or too few answers to this one statement, could point out a person.
    profile["suppressed"] = (size < min_group_size) | (profile["n"] < min_group_size)
    profile.loc[profile["suppressed"], ["mean", "sd"]] = np.nan
    return profile.astype({"mean": float, "sd": float})[PROFILE_COLUMNS]


def hide_small_groups(
    notes: pd.DataFrame, sizes: dict[tuple[str, str], int], min_group_size: int
) -> pd.DataFrame:
    # A note tagged with a small group would tell the reader which few people said it.
    small = [
        bool(g) and sizes.get((s, g), 0) < min_group_size for s, g in zip(notes["school_id"], notes["group"])
    ]
    notes.loc[small, "group"] = ""
    return notes
