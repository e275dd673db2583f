"""A short data summary in plain Danish: strengths, concerns and what is uncertain.

Generated from the numbers with the rules of `analysis`: a strength or concern needs a development
over several years beyond normal variation, or a school that was clearly better or worse than the
kommune (else the country) in each of its last three published years. One-year jumps, hidden or
missing figures and too few years go to "uncertain". Each statement has a stable id, so the team can
agree or disagree with it (the workspace saves answers by id).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from labkit.analysis import (
    BETTER,
    DECLINE,
    IMPROVEMENT,
    NORMAL_VARIATION,
    NOT_PUBLISHED,
    NOTABLE_JUMP,
    TOO_LITTLE_DATA,
    TREND_WINDOW,
    WORSE,
    ChangeAssessment,
    Comparison,
    assess_change,
    compare_to,
    describe_change,
    describe_value,
    label,
)
from labkit.catalogue import Indicator
from labkit.kapacitet_analysis import largest_gaps
from labkit.kvalitet import LEVEL_KOMMUNE, LEVEL_LAND, LEVEL_SCHOOL, STATUS_PUBLISHED, STATUS_TOO_FEW
from labkit.lab import Lab

KVALITET, KAPACITET = "kvalitetsrapport", "kapacitet"
STEADY_YEARS = 3
# Each of the last three years beyond one between-school spread, on the same side: by chance alone a
# school lands there about one year in six, three years in a row rarely.
STEADY_BEYOND = 1.0
NOTABLE_GAP = 0.5  # scale points between two groups worth talking about


@dataclass(frozen=True)
class Statement:
    """One short Danish statement about the school's data, with what it is about."""

    id: str  # stable: the workspace stores the team's agreement under it
    source: str  # "kvalitetsrapport" or "kapacitet"
    subject_id: str  # indicator id or dimension id ("" for the data as a whole)
    subject_name: str
    text: str
    group: str = ""  # Klassetrin group of an indicator ("" for all)


@dataclass
class Summary:
    strengths: list[Statement] = field(default_factory=list)
    concerns: list[Statement] = field(default_factory=list)
    uncertain: list[Statement] = field(default_factory=list)

    @property
    def all(self) -> list[Statement]:
        return [*self.strengths, *self.concerns, *self.uncertain]


def _steady_comparison(lab: Lab, school_id: str, indicator: Indicator, group: str,
                       years: list[str]) -> list[Comparison] | None:
    """The last published years against the kommune (else land), if all are clearly on one side."""
    if len(years) < STEADY_YEARS:
        return None
    for level in (LEVEL_KOMMUNE, LEVEL_LAND):
        found = [compare_to(lab.kvalitet, school_id, indicator, group, level, year, STEADY_BEYOND)
                 for year in years[-STEADY_YEARS:]]
        if all(c.verdict != NOT_PUBLISHED and c.verdict != TOO_LITTLE_DATA for c in found):
            verdicts = {c.verdict for c in found}
            return found if len(verdicts) == 1 and verdicts <= {BETTER, WORSE} else None
    return None


def _steady_text(name: str, indicator: Indicator, found: list[Comparison]) -> str:
    where = "kommunen" if found[-1].level == LEVEL_KOMMUNE else "landet"
    word = "bedre" if found[-1].verdict == BETTER else "dårligere"
    return (f"{name} har ligget tydeligt {word} end {where} i hvert af de seneste {len(found)} år med tal "
            f"({found[0].school_year}–{found[-1].school_year}); senest {describe_value(found[-1].value, indicator)} "
            f"mod {describe_value(found[-1].reference, indicator)}. Forskellen er hvert år større end den normale "
            "forskel mellem skoler.")


def _gaps_text(name: str, rows: pd.DataFrame, all_years: list[str], kommune_years: set[str],
               min_group_size: int) -> tuple[str, str] | None:
    """("skjult"/"mangler", sentence) for hidden or missing years in the trend window, if any."""
    recent = all_years[-TREND_WINDOW:]
    first = rows.loc[rows["status"] == STATUS_PUBLISHED, "school_year"].min()
    status = dict(zip(rows["school_year"], rows["status"]))
    hidden = [y for y in recent if y in status and status[y] != STATUS_PUBLISHED]
    missing = [y for y in recent if y not in status and isinstance(first, str) and y > first]
    if hidden:
        too_few = all(status[y] == STATUS_TOO_FEW for y in hidden)
        why = f", fordi færre end {min_group_size} elever har svaret" if too_few else ""
        everywhere = "" if kommune_years & set(hidden) else " (heller ikke for kommunen)"
        those = "det år" if len(hidden) == 1 else "de år"
        return "skjult", (f"{name} er ikke offentliggjort for {_years(hidden)}{why}{everywhere}. Se på skolens egne "
                          f"tal, før I konkluderer noget om {those}.")
    if missing:
        return "mangler", f"{name}: der er ingen tal for {_years(missing)}, så udviklingen bygger på færre år."
    return None


def _years(years: list[str]) -> str:
    return years[0] if len(years) == 1 else ", ".join(years[:-1]) + " og " + years[-1]


def _jump_text(name: str, indicator: Indicator, assessment: ChangeAssessment) -> str | None:
    if assessment.verdict != NORMAL_VARIATION or not abs(assessment.change) > NOTABLE_JUMP * assessment.spread:
        return None
    word = "steg" if assessment.change > 0 else "faldt"
    return (f"{name} {word} {describe_change(abs(assessment.change), indicator)} til {assessment.latest_year}, men "
            "over flere år er der ingen udvikling ud over den normale variation. Et enkelt års udsving er ikke et "
            "fund: se, om det holder næste år.")


def _indicator_statements(lab: Lab, school_id: str, summary: Summary) -> None:
    table = lab.kvalitet
    school = table.loc[(table["level"] == LEVEL_SCHOOL) & (table["school_id"] == school_id)]
    shown = table.loc[table["value"].notna(), ["indicator", "group", "level", "school_year"]]
    years = {key: set(part["school_year"]) for key, part in shown.groupby(["indicator", "group"])}
    kommune = shown.loc[shown["level"] == LEVEL_KOMMUNE]
    kommune_years = {key: set(part["school_year"]) for key, part in kommune.groupby(["indicator", "group"])}
    order = {id_: i for i, id_ in enumerate(lab.catalogue.ids)}
    by_pair = {key: part.sort_values("school_year") for key, part in school.groupby(["indicator", "group"])}
    for indicator_id, group in sorted(by_pair, key=lambda p: (order.get(str(p[0]), len(order)), str(p[1]))):
        indicator = lab.catalogue.get(str(indicator_id))
        if indicator is None or indicator.better == "kontekst" or indicator.is_categorical:
            continue
        group, rows = str(group), by_pair[(indicator_id, group)]
        name, key = label(indicator, group), f"{indicator.id}-{group or 'alle'}"

        def add(target: list[Statement], kind: str, text: str, indicator: Indicator = indicator,
                key: str = key, name: str = name, group: str = group) -> None:
            target.append(Statement(f"{kind}-{key}", KVALITET, indicator.id, name, text, group))

        assessment = assess_change(table, school_id, indicator, group)
        if assessment.verdict in (IMPROVEMENT, DECLINE):
            add(summary.strengths if assessment.verdict == IMPROVEMENT else summary.concerns, "udvikling",
                assessment.text)
        published = rows.loc[(rows["status"] == STATUS_PUBLISHED) & rows["value"].notna(), "school_year"].tolist()
        steady = _steady_comparison(lab, school_id, indicator, group, published)
        if steady:
            better = steady[-1].verdict == BETTER
            add(summary.strengths if better else summary.concerns, f"niveau-{'over' if better else 'under'}",
                _steady_text(name, indicator, steady))
        if assessment.verdict in (NOT_PUBLISHED, TOO_LITTLE_DATA):  # the text names the hidden years
            add(summary.uncertain, "skjult" if assessment.verdict == NOT_PUBLISHED else "faa-aar", assessment.text)
            continue
        all_years = sorted(years.get((indicator.id, group), set()) | set(rows["school_year"]))
        gaps = _gaps_text(name, rows, all_years, kommune_years.get((indicator.id, group), set()),
                          lab.config.min_group_size)
        if gaps:
            add(summary.uncertain, *gaps)
        jump = _jump_text(name, indicator, assessment)
        if jump:
            add(summary.uncertain, "udsving", jump)


def _kapacitet_statements(lab: Lab, school_id: str, summary: Summary) -> None:
    def missing(text: str) -> None:
        summary.uncertain.append(Statement("kapacitet-mangler", KAPACITET, "", "Kapacitetsinterviews", text))

    if lab.kapacitet is None:
        missing("Der er ingen data fra kapacitetsinterviews i dette laboratorium, så billedet bygger kun på "
                "kvalitetsrapportens tal.")
        return
    profile = lab.kapacitet.profile
    rows = profile.loc[(profile["school_id"] == school_id) & (profile["statement"] == "")]
    if rows.empty:
        missing("Der er ingen kapacitetsinterviews for skolen i data, så billedet bygger kun på "
                "kvalitetsrapportens tal.")
        return
    gaps = largest_gaps(profile, school_id, lab.instrument)
    for dimension, name, size, clear, text in zip(gaps["dimension"], gaps["dimension_name"], gaps["gap"],
                                                  gaps["clear"], gaps["text"]):
        if float(size) < NOTABLE_GAP:
            continue
        suffix = " Den forskel er værd at tale om." if clear else ""
        (summary.concerns if clear else summary.uncertain).append(Statement(
            f"kapacitet-forskel-{dimension}", KAPACITET, str(dimension), str(name), f"{text}{suffix}"))
    hidden = [g.name for g in lab.instrument.groups
              if rows.loc[rows["group"] == g.id, "suppressed"].astype(bool).any()]
    if hidden:
        who = hidden[0] if len(hidden) == 1 else ", ".join(hidden[:-1]) + " og " + hidden[-1]
        summary.uncertain.append(Statement(
            "kapacitet-skjulte-grupper", KAPACITET, "", "Kapacitetsinterviews",
            f"{who} havde færre end {lab.config.min_group_size} deltagere og vises derfor ikke for sig; deres "
            "svar tæller ikke med i forskellene mellem grupperne."))


def data_summary(lab: Lab, school_id: str) -> Summary:
    """Strengths, concerns and uncertainties for one school, each a short Danish statement with an id."""
    summary = Summary()
    _indicator_statements(lab, school_id, summary)
    _kapacitet_statements(lab, school_id, summary)
    return summary
