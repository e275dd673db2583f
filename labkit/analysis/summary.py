"""A short data summary in plain Danish: strengths, concerns and what is uncertain, strongest first.

Built only from the verdict engine's findings (`labkit.analysis.verdicts`) and the kapacitet gaps:
- one statement per indicator: its development and level verdicts together, so an indicator is
  never both a strength and a concern; when they point different ways it is one concern that says so;
- strengths and concerns ranked by the strength of the evidence (the ministry's own verdicts
  first, then the smallest p-value); at most `MAX_STATEMENTS` statements in all;
- a latest year out of the school's own pattern ("usædvanligt i år") and series cut by a break
  are uncertain; every figure that is not published is named in one line.
Each statement has a stable id, so the team can agree or disagree with it (saved by id).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from labkit.analysis.findings import BEDRE, BRUD, DAARLIGERE, IKKE_OFFENTLIGGJORT, OVER, UNDER, Finding
from labkit.analysis.kapacitet import largest_gaps
from labkit.analysis.verdicts import table_verdicts
from labkit.data.lab import Lab

KVALITET, KAPACITET = "kvalitetsrapport", "kapacitet"
MAX_STATEMENTS = 8
MAX_KAPACITET = 2  # places kept for the interviews, so the kvalitetsrapport cannot crowd them out
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
    evidence: float = 1.0  # smaller is stronger (a p-value; 0 for the ministry's own verdict)


@dataclass
class Summary:
    strengths: list[Statement] = field(default_factory=list)
    concerns: list[Statement] = field(default_factory=list)
    uncertain: list[Statement] = field(default_factory=list)

    @property
    def all(self) -> list[Statement]:
        return [*self.strengths, *self.concerns, *self.uncertain]


def _key(finding: Finding) -> str:
    return f"{finding.indicator.id}-{finding.group or 'alle'}"


def _evidence(finding: Finding, development: bool, level: bool) -> float:
    found = [finding.development.p if development else math.nan,
             0.0 if level and finding.level.by_ministry else finding.level.p if level else math.nan]
    finite = [p for p in found if math.isfinite(p)]
    return min(finite) if finite else 1.0


def _statement(finding: Finding, kind: str, text: str, evidence: float = 1.0) -> Statement:
    return Statement(f"{kind}-{_key(finding)}", KVALITET, finding.indicator.id, finding.label, text,
                     finding.group, evidence)


def _judged(finding: Finding) -> tuple[str, Statement] | None:
    """("styrke"/"bekymring", statement) for a finding with a development or level verdict."""
    development, level = finding.development, finding.level
    moved = development.code in (BEDRE, DAARLIGERE)
    # A level that rests on a year out of the school's own pattern is "usædvanligt i år", not a finding.
    placed = level.code in (OVER, UNDER) and level.favourable is not None and (
        level.by_ministry or not development.unusual_latest)
    if not moved and not placed:
        return None
    good_move = development.code == BEDRE if moved else None
    good_place = level.favourable if placed else None
    evidence = _evidence(finding, moved, placed)
    if moved and placed and good_move != good_place:  # one statement that says both, as a concern
        text = (f"Blandet billede: {development.text} {level.after_development} Tallet er både en styrke og en "
                "bekymring, så tal om, hvad der vejer tungest.")
        return "bekymring", _statement(finding, "blandet", text, evidence)
    good = good_move if moved else good_place
    text = finding.sentences if moved and placed else development.text if moved else level.text
    kind = "udvikling" if moved else f"niveau-{'over' if level.code == OVER else 'under'}"
    return ("styrke" if good else "bekymring"), _statement(finding, kind, text, evidence)


def _uncertain(finding: Finding) -> Statement | None:
    development = finding.development
    if development.unusual_latest:
        return _statement(finding, "udsving", development.text, development.p if math.isfinite(development.p) else 1)
    if development.code == BRUD:
        return _statement(finding, "brud", development.text)
    return None


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " og " + names[-1]


def _unpublished_line(findings: list[Finding], min_group_size: int) -> Statement | None:
    """Every figure of the school that is not published, in one line: hidden for this school first
    (look at the school's own figures), then figures not out yet for anyone (the kommune neither)."""
    judged = [f for f in findings if f.indicator.is_judged]
    own, nowhere = [], []
    for f in judged:
        years = [y for y in f.hidden_years if y not in f.nowhere_years]
        if years or (f.development.code == IKKE_OFFENTLIGGJORT and not f.hidden_years):
            own.append((f, years))
        if f.nowhere_years:
            nowhere.append(f"{f.label} ({', '.join(f.nowhere_years)})")
    parts = []
    if own:
        too_few = all(set(years) <= set(f.too_few_years) and years for f, years in own)
        why = f", fordi tallet bygger på færre end {min_group_size} elever" if too_few else ""
        names = [f"{f.label} ({', '.join(years)})" if years else f.label for f, years in own]
        parts.append(f"Ikke offentliggjort for skolen{why}: {_listed(names)}. Brug skolens egne opgørelser for de "
                     "år, hvis I har dem.")
    if nowhere:
        parts.append(f"Endnu ikke offentliggjort, heller ikke for kommunen: {_listed(nowhere)}.")
    if not parts:
        return None
    return Statement("ikke-offentliggjort", KVALITET, "", "Ikke offentliggjorte tal", " ".join(parts))


def _with_related(statement: Statement, finding: Finding, findings: dict[str, Finding]) -> Statement:
    """A statement about e.g. the grades, with the ministry's verdict on the same pupils beside it."""
    related = findings.get(finding.indicator.see_also or "")
    if related is None or not related.level.by_ministry:
        return statement
    verdict = related.level.text.replace("Ministeriet vurderer, at", "Til sammenligning vurderer ministeriet, at", 1)
    return replace(statement, text=f"{statement.text} {verdict}")


def _indicator_statements(lab: Lab, school_id: str, summary: Summary) -> None:
    findings = table_verdicts(lab.kvalitet, lab.catalogue).for_school(school_id)
    by_id = {f.indicator.id: f for f in findings if not f.group}
    # A published verdict another indicator shows (SocRef Forskel shows the ministry's) is said once.
    shown_elsewhere = {i.published_verdict for i in lab.catalogue.indicators if i.published_verdict}
    for finding in findings:
        if finding.indicator.id in shown_elsewhere:
            continue
        judged = _judged(finding)
        if judged:
            statement = _with_related(judged[1], finding, by_id)
            (summary.strengths if judged[0] == "styrke" else summary.concerns).append(statement)
            continue
        uncertain = _uncertain(finding)
        if uncertain:
            summary.uncertain.append(uncertain)
    summary.strengths.sort(key=lambda s: s.evidence)
    summary.concerns.sort(key=lambda s: s.evidence)
    summary.uncertain.sort(key=lambda s: s.evidence)
    line = _unpublished_line(findings, lab.config.min_group_size)
    if line:
        summary.uncertain.append(line)


def _kapacitet_statements(lab: Lab, school_id: str) -> tuple[list[Statement], list[Statement]]:
    """(concerns, uncertain) from the interviews: clear gaps between groups, hidden groups."""
    def missing(text: str) -> tuple[list[Statement], list[Statement]]:
        return [], [Statement("kapacitet-mangler", KAPACITET, "", "Kapacitetsinterviews", text)]

    if lab.kapacitet is None:
        return missing("Der er ingen data fra kapacitetsinterviews i dette laboratorium, så billedet bygger kun "
                       "på kvalitetsrapportens tal.")
    profile = lab.kapacitet.profile
    rows = profile.loc[(profile["school_id"] == school_id) & (profile["statement"] == "")]
    if rows.empty:
        return missing("Der er ingen kapacitetsinterviews for skolen i data, så billedet bygger kun på "
                       "kvalitetsrapportens tal.")
    concerns: list[Statement] = []
    uncertain: list[Statement] = []
    gaps = largest_gaps(profile, school_id, lab.instrument)
    for dimension, name, size, clear, text in zip(gaps["dimension"], gaps["dimension_name"], gaps["gap"],
                                                  gaps["clear"], gaps["text"]):
        if float(size) < NOTABLE_GAP:
            continue
        suffix = " Den forskel er værd at tale om." if clear else ""
        (concerns if clear else uncertain).append(Statement(
            f"kapacitet-forskel-{dimension}", KAPACITET, str(dimension), str(name), f"{text}{suffix}"))
    hidden = [g.name for g in lab.instrument.groups
              if rows.loc[rows["group"] == g.id, "suppressed"].astype(bool).any()]
    if hidden:
        names = [hidden[0], *(name.lower() for name in hidden[1:])]
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " og " + names[-1]
        uncertain.append(Statement(
            "kapacitet-skjulte-grupper", KAPACITET, "", "Kapacitetsinterviews",
            f"{who} havde færre end {lab.config.min_group_size} deltagere og vises derfor ikke for sig; deres "
            "svar tæller ikke med i forskellene mellem grupperne."))
    return concerns, uncertain


def _shortened(summary: Summary, kapacitet_concerns: list[Statement], kapacitet_uncertain: list[Statement]) -> Summary:
    """At most `MAX_STATEMENTS`: strengths and concerns first (strongest evidence), then uncertain."""
    room_for_kapacitet = min(MAX_KAPACITET, len(kapacitet_concerns))
    judged = sorted([*((s, True) for s in summary.strengths), *((s, False) for s in summary.concerns)],
                    key=lambda pair: pair[0].evidence)[:MAX_STATEMENTS - room_for_kapacitet]
    short = Summary([s for s, strong in judged if strong], [s for s, strong in judged if not strong])
    short.concerns += kapacitet_concerns[:room_for_kapacitet]
    room = MAX_STATEMENTS - len(short.strengths) - len(short.concerns)
    unpublished = [s for s in summary.uncertain if s.id == "ikke-offentliggjort"]
    rest = [s for s in summary.uncertain if s.id != "ikke-offentliggjort"] + kapacitet_uncertain
    short.uncertain = rest[:max(room - len(unpublished), 0)] + unpublished
    return short


def data_summary(lab: Lab, school_id: str) -> Summary:
    """Strengths, concerns and uncertainties for one school: at most eight short Danish statements."""
    summary = Summary()
    _indicator_statements(lab, school_id, summary)
    return _shortened(summary, *_kapacitet_statements(lab, school_id))
