"""Framework templates a consultant edits: focus areas, PLF questions and PLF maturity levels,
Læringscirklen's phases and the analysis frame for inclusive learning environments."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labkit.data.catalogue import Catalogue
from labkit.data.instrument import Instrument
from labkit.data.templates import read_yaml, require, require_list
from labkit.problems import LabkitError, display_name

FOCUS_AREAS_FILE = "fokusomraader.yaml"
PLF_QUESTIONS_FILE = "plf_spoergsmaal.yaml"
LEARNING_CIRCLE_FILE = "laeringscirklen.yaml"
PLF_MATURITY_FILE = "plf_modenhed.yaml"
INCLUSION_FRAME_FILE = "inklusion_analyse.yaml"


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


@dataclass(frozen=True)
class CirclePhase:
    """One phase of Læringscirklen, in the template's order."""

    id: str
    name: str
    description: str
    questions: tuple[str, ...]


@dataclass(frozen=True)
class MaturityLevel:
    """One level of the PLF taxonomy; levels run from least to most mature."""

    id: str
    name: str
    description: str
    traits: tuple[str, ...]


@dataclass(frozen=True)
class InclusionPerspective:
    """One perspective of the analysis frame for inclusive learning environments."""

    id: str
    name: str
    description: str
    questions: tuple[str, ...]
    indicators: tuple[str, ...]
    dimensions: tuple[str, ...]


def _ids(entry: dict, key: str, known: set[str], where: str, what: str) -> tuple[str, ...]:
    values = entry.get(key) or []
    if not isinstance(values, list):
        raise LabkitError(f"{where}: »{key}« skal være en liste, fx [social_trivsel, ro_orden].")
    unknown = [str(v) for v in values if str(v) not in known]
    if unknown:
        raise LabkitError(
            f"{where}: {what} »{unknown[0]}« findes ikke. Kendte id'er: {', '.join(sorted(known))}."
        )
    return tuple(str(v) for v in values)


def read_entries(path: Path, key: str) -> tuple[str, list[Any]]:
    """The file's display name and the non-empty list under `key`; anything else is a Danish error."""
    source = display_name(path)
    data = read_yaml(path)
    value = data.get(key) if isinstance(data, dict) else None
    return source, require_list(value, f"{source}, »{key}«")


def read_text(entry: dict[str, Any], key: str, where: str, required: bool = True) -> str:
    """A text value; numbers are accepted as text, lists and blocks are a Danish error."""
    if not required and entry.get(key) in (None, ""):
        return ""
    value = require(entry, key, where)
    if isinstance(value, (list, dict, bool)):
        raise LabkitError(f"{where}: »{key}« skal være en tekst, fandt »{value}«.")
    return str(value).strip()


def _texts(entry: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    values = require(entry, key, where)
    if not isinstance(values, list) or any(isinstance(v, (list, dict)) or v in (None, "") for v in values):
        raise LabkitError(
            f"{where}: »{key}« skal være en liste med tekster, én pr. linje der starter med »- «."
        )
    return tuple(str(v).strip() for v in values)


def _entry_id(entry: Any, number: int, noun: str, source: str, seen: dict[str, int]) -> tuple[str, str]:
    """The entry's id and how messages name it (`fil, fase nr. 2 »analyse«`); duplicates are an error."""
    id_ = read_text(entry, "id", f"{source}, {noun} nr. {number}")
    where = f"{source}, {noun} nr. {number} »{id_}«"
    if id_ in seen:
        raise LabkitError(
            f"{where}: id'et »{id_}« er allerede brugt af {noun} nr. {seen[id_]}. "
            "Hvert id skal være forskelligt."
        )
    seen[id_] = number
    return id_, where


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


def load_learning_circle(path: Path) -> tuple[CirclePhase, ...]:
    """Read Læringscirklen's phases in order; a malformed entry is a Danish error naming it."""
    source, entries = read_entries(path, "faser")
    seen: dict[str, int] = {}
    phases: list[CirclePhase] = []
    for number, entry in enumerate(entries, start=1):
        id_, where = _entry_id(entry, number, "fase", source, seen)
        phases.append(CirclePhase(
            id=id_,
            name=read_text(entry, "navn", where),
            description=read_text(entry, "beskrivelse", where, required=False),
            questions=_texts(entry, "spoergsmaal", where),
        ))
    return tuple(phases)


def load_plf_maturity(path: Path) -> tuple[MaturityLevel, ...]:
    """Read the PLF taxonomy's levels, least mature first; a malformed entry is a Danish error."""
    source, entries = read_entries(path, "niveauer")
    seen: dict[str, int] = {}
    levels: list[MaturityLevel] = []
    for number, entry in enumerate(entries, start=1):
        id_, where = _entry_id(entry, number, "niveau", source, seen)
        levels.append(MaturityLevel(
            id=id_,
            name=read_text(entry, "navn", where),
            description=read_text(entry, "beskrivelse", where, required=False),
            traits=_texts(entry, "kendetegn", where),
        ))
    return tuple(levels)


def load_inclusion_frame(
    path: Path, catalogue: Catalogue, instrument: Instrument
) -> tuple[InclusionPerspective, ...]:
    """Read the inclusion analysis frame; unknown indicator or dimension ids are a Danish error."""
    source, entries = read_entries(path, "perspektiver")
    indicator_ids = set(catalogue.ids)
    dimension_ids = {d.id for d in instrument.dimensions}
    seen: dict[str, int] = {}
    perspectives: list[InclusionPerspective] = []
    for number, entry in enumerate(entries, start=1):
        id_, where = _entry_id(entry, number, "perspektiv", source, seen)
        perspectives.append(InclusionPerspective(
            id=id_,
            name=read_text(entry, "navn", where),
            description=read_text(entry, "beskrivelse", where, required=False),
            questions=_texts(entry, "spoergsmaal", where),
            indicators=_ids(entry, "indikatorer", indicator_ids, where, "indikatoren"),
            dimensions=_ids(entry, "dimensioner", dimension_ids, where, "dimensionen"),
        ))
    return tuple(perspectives)
