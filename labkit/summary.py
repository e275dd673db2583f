"""A short data summary in plain Danish: strengths, concerns and what is uncertain.

Generated from the numbers with the same rules as `analysis`: a strength or concern needs a
multi-year development beyond normal variation, or a school that stays clearly above or below the
kommune for several years. Each statement carries an id, so the team can agree or disagree with it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from labkit.analysis import (
    DECLINE, IMPROVEMENT, NORMAL_VARIATION, TOO_LITTLE_DATA, assess_change, between_school_spread,
    comparison_value, describe_change, describe_value,
)
from labkit.catalogue import Indicator
from labkit.kapacitet_analysis import largest_gaps
from labkit.kvalitet import LEVEL_SCHOOL, STATUS_PUBLISHED, STATUS_TOO_FEW
from labkit.lab import Lab

KVALITET, KAPACITET = "kvalitetsrapport", "kapacitet"
STEADY_YEARS = 3
NOTABLE_GAP = 0.5  # scale points between two groups worth talking about
# A one-year jump worth a warning: twice the normal year-to-year spread (about 1 in 20 years by chance).
NOTABLE_JUMP = 2.0


@dataclass(frozen=True)
class Statement:
    id: str
    source: str  # "kvalitetsrapport" or "kapacitet"
    subject_id: str  # indicator id or dimension id
    subject_name: str
    text: str


@dataclass
class Summary:
    strengths: list[Statement] = field(default_factory=list)
    concerns: list[Statement] = field(default_factory=list)
    uncertain: list[Statement] = field(default_factory=list)

    @property
    def all(self) -> list[Statement]:
        return [*self.strengths, *self.concerns, *self.uncertain]


def _steady_difference(lab: Lab, school_id: str, indicator: Indicator, group: str) -> tuple[int, str] | None:
    """+1/-1 when the school was clearly better/worse than the kommune in each of the last years."""
    table = lab.kvalitet
    rows = table.loc[(table["level"] == LEVEL_SCHOOL) & (table["school_id"] == school_id)
                     & (table["indicator"] == indicator.id) & (table["group"] == group)
                     & (table["status"] == STATUS_PUBLISHED)].sort_values("school_year").tail(STEADY_YEARS)
    if len(rows) < STEADY_YEARS:
        return None
    signs, against = set(), ""
    for year, value in zip(rows["school_year"], rows["value"]):
        reference, against = comparison_value(table, indicator.id, year, group)
        spread = between_school_spread(table, indicator.id, year, group)
        if math.isnan(reference) or math.isnan(spread) or abs(value - reference) <= spread:
            return None
        better = (value > reference) == (indicator.better == "højere")
        signs.add(1 if better else -1)
    return (signs.pop(), against) if len(signs) == 1 else None


def _indicator_statements(lab: Lab, school_id: str, summary: Summary) -> None:
    table = lab.kvalitet
    present = table.loc[(table["level"] == LEVEL_SCHOOL) & (table["school_id"] == school_id)]
    pairs = sorted(set(zip(present["indicator"], present["group"])),
                   key=lambda p: (lab.catalogue.ids.index(p[0]), p[1]))
    for indicator_id, group in pairs:
        indicator = lab.catalogue[indicator_id]
        if indicator.better == "kontekst" or indicator.is_categorical:
            continue
        name = f"{indicator.name} ({group.lower()})" if group else indicator.name
        key = f"{indicator_id}-{group or 'alle'}"
        assessment = assess_change(table, school_id, indicator, group)

        def add(target: list[Statement], kind: str, text: str) -> None:
            target.append(Statement(f"{kind}-{key}", KVALITET, indicator_id, name, text))

        if assessment.verdict == IMPROVEMENT:
            add(summary.strengths, "udvikling", assessment.text)
        elif assessment.verdict == DECLINE:
            add(summary.concerns, "udvikling", assessment.text)
        steady = _steady_difference(lab, school_id, indicator, group)
        if steady:
            sign, against = steady
            where = "over" if sign > 0 else "under"
            text = (f"{name} har ligget tydeligt {'bedre' if sign > 0 else 'dårligere'} end {against} de seneste "
                    f"{STEADY_YEARS} år (senest {describe_value(assessment.latest, indicator)}); det er mere end "
                    "den normale forskel mellem skoler.")
            add(summary.strengths if sign > 0 else summary.concerns, f"niveau-{where}", text)
        latest = present.loc[(present["indicator"] == indicator_id) & (present["group"] == group)]
        latest = latest.sort_values("school_year").tail(1)
        if not latest.empty and latest["status"].iloc[0] == STATUS_TOO_FEW:
            add(summary.uncertain, "skjult", f"{name} for {latest['school_year'].iloc[0]} er skjult, fordi for få "
                "elever har svaret. Tal med skolens egne data, før I konkluderer noget.")
        elif assessment.verdict == NORMAL_VARIATION and assessment.spread and not math.isnan(assessment.previous):
            jump = assessment.latest - assessment.previous
            if abs(jump) > NOTABLE_JUMP * assessment.spread:
                add(summary.uncertain, "udsving", f"{name} ændrede sig {describe_change(abs(jump), indicator)} "
                    "fra sidste år, men over flere år er der ingen tydelig udvikling. Et enkelt års udsving er "
                    "ikke et fund.")
        elif assessment.verdict == TOO_LITTLE_DATA and assessment.years:
            add(summary.uncertain, "faa-aar", assessment.text)


def _kapacitet_statements(lab: Lab, school_id: str, summary: Summary) -> None:
    if lab.kapacitet is None:
        summary.uncertain.append(Statement("kapacitet-mangler", KAPACITET, "", "Kapacitetsinterviews",
                                           "Der er ingen data fra kapacitetsinterviews endnu, så billedet bygger "
                                           "kun på kvalitetsrapportens tal."))
        return
    for gap in largest_gaps(lab.kapacitet.profile, school_id, lab.instrument).itertuples():
        if gap.gap >= NOTABLE_GAP:
            summary.concerns.append(Statement(f"kapacitet-forskel-{gap.dimension}", KAPACITET, gap.dimension,
                                              gap.dimension_name, gap.text + " Den forskel er værd at tale om."))
    profile = lab.kapacitet.profile
    hidden = profile.loc[(profile["school_id"] == school_id) & (profile["statement"] == "") & profile["suppressed"]]
    if not hidden.empty:
        summary.uncertain.append(Statement(
            "kapacitet-skjulte-grupper", KAPACITET, "", "Kapacitetsinterviews",
            f"{hidden['group'].nunique()} respondentgruppe(r) havde færre end {lab.config.min_group_size} "
            "deltagere og vises derfor ikke for sig."))


def data_summary(lab: Lab, school_id: str) -> Summary:
    """Strengths, concerns and uncertainties for one school, each a plain Danish sentence."""
    summary = Summary()
    _indicator_statements(lab, school_id, summary)
    _kapacitet_statements(lab, school_id, summary)
    return summary
