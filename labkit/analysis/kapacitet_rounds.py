"""Interview rounds compared: a school's latest kapacitetsinterview round against the one before it.

Rules (explained for consultants in docs/statistik.md, »Kapacitetsinterviews: runder og fælles
vurderinger«):
- per dimension and respondent group: the dimension mean in the earlier round and in the latest;
- a group hidden in either round (too few people behind it) is not compared;
- individual ratings: Welch's t on the two means, held together with Holm over every group ×
  dimension of the school at `FAMILY_ALPHA`, as the gaps between groups are. Many of the same people
  answer in both rounds, so the rounds are positively correlated; treating them as independent
  overstates the variance of the change, which errs towards »ingen sikker forskel«, never a false
  change. Below `HINT_P` but not after Holm: »kan være reel, men den er ikke sikker«;
- consensus ratings: one data point per group and round, so there is nothing to test: the change is
  shown and never called sure;
- a change is stated as the difference of the shown (rounded) means; none is »uændret«.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from labkit.analysis.findings import FAMILY_ALPHA, HINT_P
from labkit.analysis.kapacitet import definite
from labkit.analysis.statistics import holm, welch_p
from labkit.data.instrument import Instrument
from labkit.numbers import format_number

CHANGE_COLUMNS = ["dimension", "dimension_name", "group", "group_name", "before", "after", "change",
                  "n_before", "n_after", "p", "clear", "hint", "text"]
SAME = "ingen sikker forskel"


@dataclass(frozen=True)
class RoundComparison:
    """The latest round (`last`) against the one before (`first`) for one school.

    `changes`: one row per dimension × shown group (CHANGE_COLUMNS, Danish names, a sentence each);
    `summary`: one Danish sentence about the comparison as a whole.
    """

    first: int
    last: int
    changes: pd.DataFrame
    summary: str
    consensus: bool


def school_rounds(rounds: pd.DataFrame, school_id: str) -> list[int]:
    """The interview rounds the school has ratings from, in order."""
    return sorted(int(r) for r in set(rounds.loc[rounds["school_id"] == school_id, "round"]))


def _dimension_means(rounds: pd.DataFrame, school_id: str, round_: int) -> dict[tuple[str, str], tuple[float, float, int]]:
    """(mean, sd, n) per shown (dimension, group) of the school's round."""
    rows = rounds.loc[(rounds["school_id"] == school_id) & (rounds["round"] == round_) & (rounds["statement"] == "")]
    rows = rows.loc[~rows["suppressed"].astype(bool) & rows["mean"].notna()]
    return {(str(d), str(g)): (float(m), float(sd), int(n)) for d, g, m, sd, n in zip(
        rows["dimension"], rows["group"], rows["mean"].to_numpy(dtype=float), rows["sd"].to_numpy(dtype=float),
        rows["n"].to_numpy(dtype=int))}


def _change_text(group: str, dimension: str, before: float, after: float, first: int, clear: bool, hint: bool,
                 consensus: bool) -> str:
    who = definite(group)
    who = who[0].upper() + who[1:]
    values = f"({format_number(before, 1)} → {format_number(after, 1)})"
    # The change of the values as shown, so »2,7 → 3,2« reads »0,5 point«, not the unrounded 0,43.
    change = round(round(after, 1) - round(before, 1), 1)
    if change == 0:
        return f"{who} vurderer »{dimension}« som i runde {first} {values}: uændret."
    direction = "højere" if change > 0 else "lavere"
    text = f"{who} vurderer »{dimension}« {format_number(abs(change), 1)} point {direction} end i runde {first} {values}."
    if consensus:
        return (f"{text} Det er gruppens fælles vurdering, én pr. runde, så labkit kan ikke sige, om ændringen er "
                "mere end tilfældig.")
    if clear:
        return f"{text} Ændringen holder, også når alle grupper og dimensioner ses på én gang."
    if hint:
        return (f"{text} Ændringen kan være reel, men den er ikke sikker, når alle grupper og dimensioner ses på "
                "én gang.")
    return f"{text} {SAME.capitalize()}: så meget kan svarene svinge, alene fordi det er få personer."


def _summary(changes: pd.DataFrame, first: int, last: int, consensus: bool) -> str:
    rounds = f"runde {first} til runde {last}"
    if changes.empty:
        return (f"Ingen gruppe kan sammenlignes fra {rounds}: en gruppe skal kunne vises i begge runder "
                "(nok personer bag vurderingerne).")
    if consensus:
        return (f"Fra {rounds} er der {len(changes)} sammenligninger af gruppernes fælles vurderinger. De viser, "
                "hvad grupperne siger nu og sagde da, men labkit kan ikke sige, om en ændring er sikker: "
                "tal om, hvad der ligger bag.")
    clear = int(changes["clear"].sum())
    if not clear:
        return (f"Ingen af de {len(changes)} sammenligninger fra {rounds} viser en sikker forskel, når alle grupper "
                "og dimensioner ses på én gang.")
    word = "ændring holder" if clear == 1 else "ændringer holder"
    return f"{clear} af de {len(changes)} {word} fra {rounds}, også når alle grupper og dimensioner ses på én gang."


def compare_rounds(rounds: pd.DataFrame, school_id: str, instrument: Instrument) -> RoundComparison | None:
    """The school's latest round against the one before; None when it has only one round."""
    numbers = school_rounds(rounds, school_id)
    if len(numbers) < 2:
        return None
    first, last = numbers[-2], numbers[-1]
    before, after = _dimension_means(rounds, school_id, first), _dimension_means(rounds, school_id, last)
    groups = {g.id: g.name for g in instrument.groups}
    found = []
    for dimension in instrument.dimensions:
        for group in instrument.groups:
            key = (dimension.id, group.id)
            if key not in before or key not in after:
                continue
            (mean_b, sd_b, n_b), (mean_a, sd_a, n_a) = before[key], after[key]
            change = mean_a - mean_b
            p = np.nan if instrument.consensus else welch_p(change, [(sd_b, n_b), (sd_a, n_a)])
            found.append({"dimension": dimension.id, "dimension_name": dimension.name, "group": group.id,
                          "group_name": groups[group.id], "before": mean_b, "after": mean_a,
                          "change": change, "n_before": n_b, "n_after": n_a, "p": p})
    changes = pd.DataFrame(found, columns=CHANGE_COLUMNS[:-3])
    # Every group × dimension is a comparison: Holm over all of them, so a school with many groups
    # cannot get a "change" by chance.
    changes["clear"] = holm(changes["p"].to_numpy(dtype=float), FAMILY_ALPHA) & (changes["change"].round(1) != 0)
    changes["hint"] = ~changes["clear"] & (changes["p"].to_numpy(dtype=float) < HINT_P)
    changes["text"] = [
        _change_text(str(group), str(dimension), b, a, first, bool(clear), bool(hint), instrument.consensus)
        for group, dimension, b, a, clear, hint in zip(
            changes["group_name"], changes["dimension_name"], changes["before"].to_numpy(dtype=float),
            changes["after"].to_numpy(dtype=float), changes["clear"], changes["hint"])]
    return RoundComparison(first, last, changes[CHANGE_COLUMNS], _summary(changes, first, last, instrument.consensus),
                           instrument.consensus)


def notable_changes(comparison: RoundComparison, top: int = 5) -> list[str]:
    """The sentences worth reading aloud: sure changes and hints first, then (for consensus ratings,
    which are never sure) the largest changes of at least half a point."""
    changes = comparison.changes
    if comparison.consensus:
        chosen = changes.loc[changes["change"].abs() >= 0.5]
    else:
        chosen = changes.loc[changes["clear"] | changes["hint"]]
    chosen = chosen.assign(size=chosen["change"].abs()).sort_values(["clear", "size"], ascending=False, kind="stable")
    return [str(t) for t in chosen["text"].head(top)]
