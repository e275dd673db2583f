"""Candidate focus areas: the framework's pejlemærker, and what stands out in the school's own data."""

from __future__ import annotations

from dataclasses import dataclass

from labkit.data.frameworks import FocusArea

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
            description=area.pejlemaerke or area.description, reasons=reasons,
            indicators=area.indicators, dimensions=area.dimensions))
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
