"""Framework templates: the catalogue of focus areas and the PLF guiding questions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from labkit.catalogue import Catalogue
from labkit.instrument import Instrument
from labkit.problems import LabkitError, display_name
from labkit.templates import read_yaml, require, require_list

FOCUS_AREAS_FILE = "fokusomraader.yaml"
PLF_QUESTIONS_FILE = "plf_spoergsmaal.yaml"


@dataclass(frozen=True)
class FocusArea:
    """One entry of the focus-area catalogue (a pejlemærke)."""

    id: str
    name: str
    pejlemaerke: str
    description: str
    indicators: tuple[str, ...]
    dimensions: tuple[str, ...]


@dataclass(frozen=True)
class PlfQuestion:
    id: str
    text: str


def _ids(entry: dict, key: str, known: set[str], where: str, what: str) -> tuple[str, ...]:
    values = entry.get(key) or []
    if not isinstance(values, list):
        raise LabkitError(f"{where}: »{key}« skal være en liste, fx [social_trivsel, ro_orden].")
    unknown = [str(v) for v in values if str(v) not in known]
    if unknown:
        raise LabkitError(f"{where}: {what} »{unknown[0]}« findes ikke.")
    return tuple(str(v) for v in values)


def load_focus_areas(path: Path, catalogue: Catalogue, instrument: Instrument) -> tuple[FocusArea, ...]:
    """Read the focus-area catalogue; unknown indicator or dimension ids are a Danish error."""
    source = display_name(path)
    data = read_yaml(path)
    entries = require_list(data.get("fokusomraader") if isinstance(data, dict) else None,
                           f"{source}, »fokusomraader«")
    indicator_ids = set(catalogue.ids)
    dimension_ids = {d.id for d in instrument.dimensions}
    areas: list[FocusArea] = []
    for number, entry in enumerate(entries, start=1):
        id_ = str(require(entry, "id", f"{source}, område nr. {number}"))
        where = f"{source}, område »{id_}«"
        areas.append(FocusArea(
            id=id_,
            name=str(require(entry, "navn", where)),
            pejlemaerke=str(entry.get("pejlemaerke") or ""),
            description=str(entry.get("beskrivelse") or ""),
            indicators=_ids(entry, "indikatorer", indicator_ids, where, "indikatoren"),
            dimensions=_ids(entry, "dimensioner", dimension_ids, where, "dimensionen"),
        ))
    ids = [a.id for a in areas]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate:
        raise LabkitError(f"{source}, område »{duplicate}«: id'et findes to gange.")
    return tuple(areas)


def load_plf_questions(path: Path) -> tuple[PlfQuestion, ...]:
    """Read the PLF guiding questions."""
    source = display_name(path)
    data = read_yaml(path)
    entries = require_list(data.get("spoergsmaal") if isinstance(data, dict) else None,
                           f"{source}, »spoergsmaal«")
    return tuple(
        PlfQuestion(id=str(require(e, "id", f"{source}, spørgsmål nr. {n}")),
                    text=str(require(e, "tekst", f"{source}, spørgsmål nr. {n}")))
        for n, e in enumerate(entries, start=1)
    )
