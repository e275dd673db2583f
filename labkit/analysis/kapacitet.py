"""Kapacitet profile of one school: dimension × group, the largest gaps between groups, the notes.

Works only on the suppressed profile from the data layer: a hidden group has no mean or spread here
either, and is never compared with another group. A consensus rating (one per group interview) has no
spread, so its gaps are shown but never called sure. Comparing interview rounds is
`labkit.analysis.kapacitet_rounds`.
"""

from __future__ import annotations

import itertools
import math

import pandas as pd

from labkit.analysis.findings import FAMILY_ALPHA
from labkit.analysis.statistics import holm, welch_p
from labkit.data.instrument import Instrument
from labkit.numbers import format_number

# Leadership vs staff is the gap the domain guides call most useful to discuss: preferred on ties.
LEADERSHIP_WORDS = ("ledelse", "ledelsen", "ledere", "skoleledelse")
GAP_COLUMNS = ["dimension", "dimension_name", "group_high", "group_low", "gap", "se", "clear", "text"]
# Danish definite plural/singular forms of group names the bundled instrument and common variants use.
DEFINITE = {"ledelse": "ledelsen", "lærere": "lærerne", "pædagoger": "pædagogerne",
            "ressourcepersoner": "ressourcepersonerne", "forældre": "forældrene", "elever": "eleverne",
            "medarbejdere": "medarbejderne", "vejledere": "vejlederne", "skoleledelse": "skoleledelsen"}


def _dimension_rows(profile: pd.DataFrame, school_id: str) -> pd.DataFrame:
    return profile.loc[(profile["school_id"] == school_id) & (profile["statement"] == "")]


def profile_table(profile: pd.DataFrame, school_id: str, instrument: Instrument | None = None,
                  column: str = "mean") -> pd.DataFrame:
    """One column of the school's dimension rows ("mean", "sd" or "n") as dimension × group.

    Order and Danish names follow the instrument (ids and data order without one). Mean and sd of a
    suppressed group are NaN; its n is kept, so a reader can see why it is hidden.
    """
    rows = _dimension_rows(profile, school_id)
    values = rows[column].where(~rows["suppressed"]) if column in ("mean", "sd") else rows[column]
    table = rows.assign(value=values).pivot_table(index="dimension", columns="group", values="value",
                                                   aggfunc="first", dropna=False, sort=False)
    present = set(rows["group"])
    if instrument is None:
        return table.reindex(columns=list(dict.fromkeys(rows["group"])))
    table = table.reindex(index=[d.id for d in instrument.dimensions],
                          columns=[g.id for g in instrument.groups if g.id in present])
    table.index = [d.name for d in instrument.dimensions]
    names = {g.id: g.name for g in instrument.groups}
    table.columns = [names[g] for g in table.columns]
    return table


def profile_matrix(profile: pd.DataFrame, school_id: str,
                   instrument: Instrument | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(means, n) as dimension × group tables; the spread is `profile_table(..., column="sd")`."""
    return (profile_table(profile, school_id, instrument, "mean"),
            profile_table(profile, school_id, instrument, "n"))


def definite(name: str) -> str:
    """The Danish definite form used in the gap sentence: Lærere → lærerne, Ledelse → ledelsen."""
    lower = name.strip().lower()
    if lower in DEFINITE:
        return DEFINITE[lower]
    if lower.endswith("ere"):
        return lower[:-1] + "ne"
    if lower.endswith("er"):
        return lower + "ne"
    return f"gruppen »{name.strip()}«"  # no safe rule: name the group as written


def _is_leadership(group_id: str, name: str) -> bool:
    return group_id.lower() in LEADERSHIP_WORDS or name.lower() in LEADERSHIP_WORDS


def largest_gaps(profile: pd.DataFrame, school_id: str, instrument: Instrument, top: int = 3) -> pd.DataFrame:
    """The dimensions where two shown groups disagree most: one pair per dimension, largest first.

    Gaps are ranked as shown (one decimal); on a tie a leadership–staff pair comes first. `se` is the
    standard error of the gap (√(sd₁²/n₁ + sd₂²/n₂)); `clear` says the gap holds after Holm's correction
    over every pair of groups in every dimension (Welch's t for each). A gap
    that rounds to 0,0 is left out. Columns: dimension, dimension_name, group_high, group_low (Danish
    names), gap, se, clear, text.
    """
    rows = _dimension_rows(profile, school_id)
    rows = rows.loc[~rows["suppressed"].astype(bool) & rows["mean"].notna()]
    group_names = {g.id: g.name for g in instrument.groups}
    dimension_names = {d.id: d.name for d in instrument.dimensions}
    found = []
    for dimension, part in rows.groupby("dimension", sort=False):
        stats = {str(g): (float(m), float(sd), int(n)) for g, m, sd, n in
                 zip(part["group"], part["mean"].astype(float), part["sd"].astype(float), part["n"].astype(int))}
        for a, b in itertools.combinations(stats, 2):
            high, low = (a, b) if stats[a][0] >= stats[b][0] else (b, a)
            gap = stats[high][0] - stats[low][0]
            se = math.sqrt(sum(sd**2 / n for _, sd, n in (stats[high], stats[low]) if n > 0 and not math.isnan(sd)))
            names = (group_names.get(high, high), group_names.get(low, low))
            found.append({"dimension": str(dimension), "dimension_name": dimension_names.get(str(dimension), dimension),
                          "group_high": names[0], "group_low": names[1], "gap": gap, "se": se,
                          "p": welch_p(gap, [stats[high][1:], stats[low][1:]]), "shown": round(gap, 1),
                          "leadership": _is_leadership(high, names[0]) or _is_leadership(low, names[1])})
    gaps = pd.DataFrame(found, columns=[*GAP_COLUMNS[:-2], "p", "shown", "leadership"])
    # Every pair of groups in every dimension is a comparison: Holm over all of them, as for the
    # kvalitetsrapport statements, so picking the largest gaps cannot make chance look clear.
    gaps["clear"] = holm(gaps["p"].to_numpy(dtype=float), FAMILY_ALPHA)
    gaps = gaps.loc[gaps["shown"] > 0].sort_values(["shown", "leadership", "gap"], ascending=False, kind="stable")
    gaps = gaps.drop_duplicates("dimension").head(top).reset_index(drop=True)
    gaps["text"] = [_gap_text(str(high), str(low), str(name), float(gap), bool(clear), instrument.consensus)
                    for high, low, name, gap, clear in zip(gaps["group_high"], gaps["group_low"],
                                                           gaps["dimension_name"], gaps["gap"], gaps["clear"])]
    return gaps[GAP_COLUMNS]


CONSENSUS_CAVEAT = ("Det er gruppernes fælles vurderinger, ikke mange enkeltsvar, så labkit kan ikke sige, om "
                    "forskellen er sikker. Tal om, hvad der ligger bag.")


def _gap_text(high: str, low: str, dimension: str, gap: float, clear: bool, consensus: bool = False) -> str:
    first = definite(high)
    text = f"{first[0].upper()}{first[1:]} vurderer »{dimension}« {format_number(gap, 1)} point højere end {definite(low)}."
    if consensus:
        return f"{text} {CONSENSUS_CAVEAT}"
    return text if clear else text + (" Forskellen er ikke sikker: der er få svar, og mange grupper og "
                                      "dimensioner sammenlignes på én gang.")


def notes_by_dimension(notes: pd.DataFrame, school_id: str, instrument: Instrument,
                       round_: int | None = None) -> dict[str, list[str]]:
    """The interview notes and quotes of a school from one round (default: its latest), per dimension
    id in the instrument's order.

    Quotes are set in »«; the group is named only where the data layer kept it (never for a small group).
    """
    rows = notes.loc[notes["school_id"] == school_id]
    if "round" in rows and len(rows):
        rows = rows.loc[rows["round"] == (round_ if round_ is not None else rows["round"].max())]
    group_names = {g.id: g.name for g in instrument.groups}
    found: dict[str, list[str]] = {}
    for dimension in [d.id for d in instrument.dimensions]:
        texts = []
        for row in rows.loc[rows["dimension"] == dimension].itertuples():
            group = str(row.group)
            who = f" ({group_names.get(group, group)})" if group else ""
            texts.append(f"»{row.text}«{who}" if row.kind == "Citat" else f"{row.text}{who}")
        if texts:
            found[dimension] = texts
    return found
