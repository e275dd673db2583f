"""The kapacitet profile: mean, spread and n per school × round × group × dimension and statement, with
groups under the privacy limit hidden (never shown, in any output).

A consensus rating (`vurdering: konsensus`) is one data point for its group: it has no spread, `n`
counts group interviews, and `people` the persons behind them. The privacy limit always applies to
people, so a consensus of four leaders is hidden under a minimum of five just as four answers are.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from labkit.data.instrument import Instrument

PROFILE_COLUMNS = ["school_id", "round", "group", "dimension", "statement", "mean", "sd", "n", "people",
                   "suppressed"]
_GROUP_KEYS = ["school_id", "round", "group"]


def group_sizes(answers: pd.DataFrame) -> dict[tuple[str, int, str], int]:
    """People behind the ratings with at least one answer, per (school_id, round, group)."""
    rows = answers.drop_duplicates([*_GROUP_KEYS, "respondent"])
    sizes = rows.groupby(_GROUP_KEYS)["people"].sum().reset_index()
    return {(str(s), int(r), str(g)): int(n) for s, r, g, n in sizes.itertuples(index=False)}


def build_profile(answers: pd.DataFrame, instrument: Instrument, min_group_size: int) -> pd.DataFrame:
    """The profile table from one row per answer (school_id, round, group, respondent, people, dimension,
    statement, rating).

    A dimension's mean is taken per respondent first, so a respondent who skipped a statement
    weighs the same as the others. Means of small groups are removed here, not at display time.
    """
    keys = [*_GROUP_KEYS, "dimension"]
    by_statement = answers.groupby([*keys, "statement"]).agg(
        mean=("rating", "mean"), sd=("rating", "std"), n=("rating", "count"), people=("people", "sum"))
    per_respondent = answers.groupby([*keys, "respondent"]).agg(rating=("rating", "mean"), people=("people", "first"))
    by_dimension = per_respondent.groupby(level=keys).agg(
        mean=("rating", "mean"), sd=("rating", "std"), n=("rating", "count"), people=("people", "sum"))
    stats = pd.concat([by_statement.reset_index(), by_dimension.reset_index().assign(statement="")])
    sizes = group_sizes(answers)
    grid = [
        (school, round_, group.id, dimension.id, statement)
        for school, round_ in sorted({(s, r) for s, r, _ in sizes})
        for group in instrument.groups
        if (school, round_, group.id) in sizes
        for dimension in instrument.dimensions
        for statement in ["", *(s.id for s in dimension.statements)]
    ]
    profile = pd.DataFrame(grid, columns=[*keys, "statement"]).merge(
        stats, on=[*keys, "statement"], how="left"
    )
    profile["n"] = profile["n"].fillna(0).astype(int)
    profile["people"] = profile["people"].fillna(0).astype(int)
    if instrument.consensus:  # one rating per group interview: a spread between them says nothing of people
        profile["sd"] = np.nan
    size = pd.Series([sizes[key] for key in zip(profile["school_id"], profile["round"], profile["group"])],
                     dtype=int)
    # Too few people in the group, or behind the answers to this one statement, could point out a person.
    profile["suppressed"] = (size < min_group_size) | (profile["people"] < min_group_size)
    profile.loc[profile["suppressed"], ["mean", "sd"]] = np.nan
    return profile.astype({"mean": float, "sd": float, "round": int})[PROFILE_COLUMNS]


def latest_rounds(rounds: pd.DataFrame) -> pd.DataFrame:
    """Each school's rows from its latest interview round."""
    if rounds.empty:
        return rounds
    latest = rounds.groupby("school_id")["round"].transform("max")
    return rounds.loc[rounds["round"] == latest].reset_index(drop=True)


def hide_small_groups(
    notes: pd.DataFrame, sizes: dict[tuple[str, int, str], int], min_group_size: int
) -> pd.DataFrame:
    # A note tagged with a small group would tell the reader which few people said it.
    small = [
        bool(g) and sizes.get((s, int(r), g), 0) < min_group_size
        for s, r, g in zip(notes["school_id"], notes["round"], notes["group"])
    ]
    notes.loc[small, "group"] = ""
    return notes
