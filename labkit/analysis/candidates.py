"""Candidate focus areas: the framework's areas with their goals, and what stands out in the school's own data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from labkit.analysis.summary import KAPACITET, Summary
from labkit.data.catalogue import Catalogue
from labkit.data.frameworks import FOCUS_AREAS_FILE, FocusArea, load_focus_areas
from labkit.data.indsatsteori import FocusArea as TheoryFocusArea
from labkit.data.indsatsteori import Indsatsteori
from labkit.data.instrument import Instrument
from labkit.data.lab import Lab
from labkit.problems import LabkitError

SOURCE_DATA, SOURCE_CATALOGUE, SOURCE_BOTH = "data", "katalog", "data og katalog"
SOURCE_LABELS = {SOURCE_DATA: "Fra jeres data", SOURCE_CATALOGUE: "Fra kataloget",
                 SOURCE_BOTH: "Fra kataloget – og jeres data peger på det"}


@dataclass(frozen=True)
class DataFlag:
    """Something in the school's data worth discussing: an indicator or a kapacitet dimension."""

    kind: str  # "indikator" or "dimension"
    id: str
    label: str
    text: str  # a Danish sentence saying what stands out


@dataclass(frozen=True)
class Candidate:
    id: str
    label: str
    source: str
    description: str
    reasons: tuple[str, ...]
    indicators: tuple[str, ...]
    dimensions: tuple[str, ...]
    example: bool = False  # the description is labkit's example goal, to be replaced by the municipality's


def _touches(area: FocusArea, flag: DataFlag) -> bool:
    return flag.id in (area.indicators if flag.kind == "indikator" else area.dimensions)


def build_candidates(focus_areas: tuple[FocusArea, ...], flags: list[DataFlag]) -> list[Candidate]:
    """Every focus area as a candidate, with the data flags that touch it as reasons; a flag no area
    covers becomes a candidate of its own. Candidates the data points to come first."""
    candidates: list[Candidate] = []
    covered: set[tuple[str, str]] = set()
    for area in focus_areas:
        reasons = tuple(f.text for f in flags if _touches(area, f))
        covered |= {(f.kind, f.id) for f in flags if _touches(area, f)}
        candidates.append(Candidate(
            id=area.id, label=area.name, source=SOURCE_BOTH if reasons else SOURCE_CATALOGUE,
            description=area.goal or area.description, reasons=reasons,
            indicators=area.indicators, dimensions=area.dimensions, example=area.example))
    seen: set[tuple[str, str]] = set()
    for flag in flags:
        key = (flag.kind, flag.id)
        if key in covered or key in seen:
            continue
        seen.add(key)
        candidates.append(Candidate(
            id=f"data-{flag.kind}-{flag.id}", label=flag.label, source=SOURCE_DATA, description="",
            reasons=(flag.text,),
            indicators=(flag.id,) if flag.kind == "indikator" else (),
            dimensions=(flag.id,) if flag.kind == "dimension" else ()))
    # Stable sort: data-backed candidates first, catalogue order otherwise.
    return sorted(candidates, key=lambda c: c.source == SOURCE_CATALOGUE)


def data_flags(summary: Summary, catalogue: Catalogue) -> list[DataFlag]:
    """What the school's data summary is concerned about, as flags for the candidates. A flag is
    labelled with the indicator's or dimension's name alone: the candidate is the indicator, and the
    reason says which Klassetrin group (so its title is the same in every output, `candidate_titles`)."""
    flags = []
    for statement in summary.concerns:
        kind = "dimension" if statement.source == KAPACITET else "indikator"
        indicator = catalogue.get(statement.subject_id) if kind == "indikator" else None
        name = indicator.name if indicator is not None else statement.subject_name
        flags.append(DataFlag(kind, statement.subject_id, name, statement.text))
    return flags


def candidate_titles(focus_areas: tuple[FocusArea, ...], catalogue: Catalogue, instrument: Instrument) -> dict[str, str]:
    """Candidate id → title for every candidate there could be: the framework's areas and one per
    indicator and dimension. An area chosen at an earlier lab keeps its title when today's data no
    longer point to it."""
    titles = {f"data-indikator-{i.id}": i.name for i in catalogue.indicators}
    titles |= {f"data-dimension-{d.id}": d.name for d in instrument.dimensions}
    return titles | {area.id: area.name for area in focus_areas}


def lab_focus_areas(lab: Lab) -> tuple[FocusArea, ...]:
    """The framework's focus areas from the lab's own templates (raises `LabkitError` if the file is wrong)."""
    return load_focus_areas(lab.config.templates_folder / FOCUS_AREAS_FILE, lab.catalogue, lab.instrument)


def lab_candidate_titles(lab: Lab) -> dict[str, str]:
    """`candidate_titles` for a lab. A broken framework file costs the framework's titles only, never
    the team's document: their areas then show their saved title, else their id."""
    try:
        areas = lab_focus_areas(lab)
    except LabkitError:
        areas = ()
    return candidate_titles(areas, lab.catalogue, lab.instrument)


@dataclass(frozen=True)
class ChosenArea:
    """A focus area the team chose: its id, title, the team's reason and its indsatsteori."""

    id: str
    title: str
    reason: str = ""
    theory: Indsatsteori = field(default_factory=Indsatsteori)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def chosen_areas_in(workspace_data: dict[str, Any], titles: dict[str, str]) -> list[ChosenArea]:
    """The team's chosen focus areas from the workspace document, in their order. The one place the
    notebooks, the handout and the Word file read the choice from; odd files give what can be read."""
    section = _mapping(workspace_data.get("indsatsomraader"))
    chosen = section.get("valgte")
    chosen = chosen if isinstance(chosen, list) else []
    reasons, theories = _mapping(section.get("begrundelser")), _mapping(workspace_data.get("indsatsteorier"))
    areas = []
    # An id is a text; anything else in a hand-edited file is named by `shape_problems`, never shown.
    for area_id in dict.fromkeys(item for item in chosen if isinstance(item, str) and item):
        theory = Indsatsteori.from_dict(theories.get(area_id))
        if not theory.focus_area:  # nothing written yet: the theory is still the chosen area's
            theory.focus_area = TheoryFocusArea(area_id, titles.get(area_id, area_id))
        title = theory.focus_area.title or titles.get(area_id, area_id)
        reason = reasons.get(area_id)
        areas.append(ChosenArea(area_id, title, reason if isinstance(reason, str) else "", theory))
    return areas
