"""Framework templates a consultant edits: focus areas, PLF questions and PLF maturity levels,
Læringscirklen's phases and the analysis frame for inclusive learning environments.

Rules:
- every file may say where it comes from (`kilde`) and whether its content is labkit's starter content
  (`eksempel: ja`), which every output marks with `EXAMPLE_MARK`; a focus area says
  it per area, since a consultant may replace some goals and keep others;
- a goal labkit made up is a »mål«, never a »pejlemærke« (the municipality's official goals);
- Læringscirklen's centre, the pupil's challenge, is defined before phase 1 and is not a phase;
- the inclusion frame starts from Molbæk's question: is the problem the pupil's or the learning
  environment's?
- an unknown or misspelt key is refused (a typo would silently drop content), and a file written for
  an older labkit is refused with a message saying what to change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labkit.data.catalogue import Catalogue
from labkit.data.instrument import Instrument
from labkit.data.templates import at_line, read_yaml, refuse_unknown_keys, require, require_list, see_line
from labkit.problems import LabkitError, display_name

FOCUS_AREAS_FILE = "fokusomraader.yaml"
PLF_QUESTIONS_FILE = "plf_spoergsmaal.yaml"
LEARNING_CIRCLE_FILE = "laeringscirklen.yaml"
PLF_MATURITY_FILE = "plf_modenhed.yaml"
INCLUSION_FRAME_FILE = "inklusion_analyse.yaml"
# Said to a school team, not to the consultant who edits the template: a fact, not a to-do.
EXAMPLE_MARK = "Eksempel fra labkit – kommunen kan erstatte det med sit eget"
EXAMPLE_TAG = "eksempel"  # beside each item of a list whose note says the rest

FOCUS_AREA_KEYS = ("id", "navn", "maal", "eksempel", "beskrivelse", "indikatorer", "dimensioner")
PHASE_KEYS = ("id", "navn", "beskrivelse", "spoergsmaal")
LEVEL_KEYS = ("id", "navn", "beskrivelse", "kendetegn")
PERSPECTIVE_KEYS = ("id", "navn", "beskrivelse", "spoergsmaal", "indikatorer", "dimensioner")
KEY_QUESTION_KEYS = ("tekst", "individperspektiv", "kontekstperspektiv")
ORIGIN_KEYS = ("kilde", "eksempel")


@dataclass(frozen=True)
class FocusArea:
    """One entry of the focus-area catalogue; `example`: the goal is labkit's, not the municipality's."""

    id: str
    name: str
    goal: str
    example: bool
    description: str
    indicators: tuple[str, ...]
    dimensions: tuple[str, ...]


@dataclass(frozen=True)
class Origin:
    """Where a framework comes from, and whether it is labkit's starter content (to be replaced)."""

    source: str = ""
    example: bool = False


@dataclass(frozen=True)
class PlfQuestion:
    id: str
    text: str


@dataclass(frozen=True)
class PlfQuestions:
    questions: tuple[PlfQuestion, ...]
    origin: Origin


@dataclass(frozen=True)
class CirclePhase:
    """One phase of Læringscirklen, in the template's order."""

    id: str
    name: str
    description: str
    questions: tuple[str, ...]


@dataclass(frozen=True)
class LearningCircle:
    """The pupil's challenge at the centre (defined before phase 1), then the phases in order."""

    challenge: CirclePhase
    phases: tuple[CirclePhase, ...]
    origin: Origin


@dataclass(frozen=True)
class MaturityLevel:
    """One level of the PLF taxonomy; levels run from least to most mature."""

    id: str
    name: str
    description: str
    traits: tuple[str, ...]


@dataclass(frozen=True)
class PlfMaturity:
    """The PLF levels, least mature first. A level describes a team: a school is placed team by team."""

    levels: tuple[MaturityLevel, ...]
    origin: Origin


@dataclass(frozen=True)
class KeyQuestion:
    """Molbæk's question: is the problem seen as the pupil's or as the learning environment's?"""

    text: str
    individual: str
    context: str


@dataclass(frozen=True)
class InclusionPerspective:
    """One perspective of the analysis frame for inclusive learning environments."""

    id: str
    name: str
    description: str
    questions: tuple[str, ...]
    indicators: tuple[str, ...]
    dimensions: tuple[str, ...]


@dataclass(frozen=True)
class InclusionFrame:
    key_question: KeyQuestion
    perspectives: tuple[InclusionPerspective, ...]
    origin: Origin


def found(value: object) -> str:
    """What a consultant wrote, in Danish words rather than as a Python value (»None«, »['a']«)."""
    if value is None or value == "":
        return "en tom værdi"
    if isinstance(value, bool):
        return f"{str(value).lower()} (ja/nej)"
    if isinstance(value, list):
        return "en liste"
    if isinstance(value, dict):
        return "en blok med nøgler"
    return f"»{value}«"


def _ids(entry: dict, key: str, known: set[str], where: str, what: str) -> tuple[str, ...]:
    values = entry.get(key) or []
    if not isinstance(values, list):
        raise LabkitError(f"{where}: »{key}« skal være en liste, fx [social_trivsel, ro_orden].{see_line(entry, key)}")
    for index, value in enumerate(values):
        if isinstance(value, (list, dict, bool)) or value in (None, ""):
            raise LabkitError(
                f"{where}{at_line(values, index)}: hvert punkt i »{key}« skal være ét id (en tekst som "
                f"»{min(known, default='ro_orden')}«), fandt {found(value)}.")
        if str(value) not in known:
            raise LabkitError(f"{where}: {what} »{value}« findes ikke. Kendte id'er: {', '.join(sorted(known))}."
                              f"{see_line(values, index)}")
    return tuple(str(v) for v in values)


def read_entries(path: Path, key: str, top_keys: tuple[str, ...] | None = None) -> tuple[str, list[Any], dict[str, Any]]:
    """The file's display name, the non-empty list under `key` and the whole file; an unknown top-level
    key (beside `key` and `top_keys`, when given) or anything else wrong is a Danish error."""
    source = display_name(path)
    data = read_yaml(path)
    value = require_list(data.get(key) if isinstance(data, dict) else None, f"{source}, »{key}«")
    if top_keys is not None:
        refuse_unknown_keys(data, (key, *top_keys), source)
    return source, value, data


def read_flag(entry: dict[str, Any], key: str, where: str) -> bool:
    """A yes/no value: ja/nej (or true/false); missing means no."""
    value = entry.get(key)
    if value in (None, ""):
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("ja", "nej", "true", "false", "yes", "no"):
        return text in ("ja", "true", "yes")
    raise LabkitError(f"{where}: »{key}« skal være ja eller nej, fandt {found(value)}.{see_line(entry, key)}")


def _origin(data: dict[str, Any], source: str) -> Origin:
    return Origin(source=read_text(data, "kilde", source, required=False), example=read_flag(data, "eksempel", source))


def read_text(entry: dict[str, Any], key: str, where: str, required: bool = True) -> str:
    """A text value; numbers are accepted as text, lists and blocks are a Danish error."""
    if not required and entry.get(key) in (None, ""):
        return ""
    value = require(entry, key, where)
    if isinstance(value, (list, dict, bool)):
        raise LabkitError(f"{where}: »{key}« skal være en tekst, fandt {found(value)}.{see_line(entry, key)}")
    return str(value).strip()


def _texts(entry: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    values = require(entry, key, where)
    if not isinstance(values, list) or any(isinstance(v, (list, dict)) or v in (None, "") for v in values):
        raise LabkitError(
            f"{where}: »{key}« skal være en liste med tekster, én pr. linje der starter med »- «."
        )
    return tuple(str(v).strip() for v in values)


def _entry_id(entry: Any, number: int, noun: str, source: str, seen: dict[str, int],
              keys: tuple[str, ...] = ()) -> tuple[str, str]:
    """The entry's id and how messages name it (`fil, fase nr. 2 »analyse«`); duplicates and (when
    `keys` are given) unknown keys are an error."""
    id_ = read_text(entry, "id", f"{source}, {noun} nr. {number}")
    where = f"{source}, {noun} nr. {number} »{id_}«"
    if keys:
        refuse_unknown_keys(entry, keys, where)
    if id_ in seen:
        raise LabkitError(
            f"{where}: id'et »{id_}« er allerede brugt af {noun} nr. {seen[id_]}. "
            "Hvert id skal være forskelligt."
        )
    seen[id_] = number
    return id_, where


def load_focus_areas(path: Path, catalogue: Catalogue, instrument: Instrument) -> tuple[FocusArea, ...]:
    """Read the focus-area catalogue; unknown indicator or dimension ids are a Danish error."""
    source, entries, _ = read_entries(path, "fokusomraader", ())
    indicator_ids = set(catalogue.ids)
    dimension_ids = {d.id for d in instrument.dimensions}
    areas: list[FocusArea] = []
    for number, entry in enumerate(entries, start=1):
        id_ = str(require(entry, "id", f"{source}, område nr. {number}"))
        where = f"{source}, område »{id_}«"
        if "pejlemaerke" in entry:
            raise LabkitError(
                f"{where}: nøglen »pejlemaerke« hedder nu »maal«. Et pejlemærke er kommunens officielle mål, "
                "og labkits eksempler er ikke kommunens. Omdøb nøglen til »maal«, og skriv »eksempel: ja« under "
                "de mål, der stadig er labkits eksempler (se templates/fokusomraader.yaml).")
        refuse_unknown_keys(entry, FOCUS_AREA_KEYS, where)
        areas.append(FocusArea(
            id=id_,
            name=str(require(entry, "navn", where)),
            goal=read_text(entry, "maal", where, required=False),
            example=read_flag(entry, "eksempel", where),
            description=str(entry.get("beskrivelse") or ""),
            indicators=_ids(entry, "indikatorer", indicator_ids, where, "indikatoren"),
            dimensions=_ids(entry, "dimensioner", dimension_ids, where, "dimensionen"),
        ))
    ids = [a.id for a in areas]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate:
        raise LabkitError(f"{source}, område »{duplicate}«: id'et findes to gange.")
    return tuple(areas)


def load_plf_questions(path: Path) -> PlfQuestions:
    """Read the PLF guiding questions."""
    source, entries, data = read_entries(path, "spoergsmaal", ORIGIN_KEYS)
    questions = []
    for number, entry in enumerate(entries, start=1):
        where = f"{source}, spørgsmål nr. {number}"
        questions.append(PlfQuestion(id=str(require(entry, "id", where)), text=str(require(entry, "tekst", where))))
        refuse_unknown_keys(entry, ("id", "tekst"), where)
    return PlfQuestions(tuple(questions), _origin(data, source))


_OLD_CIRCLE = (
    "Læringscirklen har fem faser, og elevens læringsudfordring står i midten: den defineres, før fase 1 "
    "begynder, og er ikke selv en fase. Skriv den under nøglen »udfordring« øverst i filen"
)


def _phase(entry: Any, where: str) -> CirclePhase:
    return CirclePhase(
        id=read_text(entry, "id", where),
        name=read_text(entry, "navn", where),
        description=read_text(entry, "beskrivelse", where, required=False),
        questions=_texts(entry, "spoergsmaal", where),
    )


def load_learning_circle(path: Path) -> LearningCircle:
    """Read Læringscirklen: the pupil's challenge at the centre, then the phases in order; a malformed
    entry, or a file that numbers the challenge as a phase (an older labkit's), is a Danish error."""
    source, entries, data = read_entries(path, "faser", ("udfordring", *ORIGIN_KEYS))
    if not isinstance(data.get("udfordring"), dict):
        old = any(isinstance(e, dict) and e.get("id") == "laeringsudfordring" for e in entries)
        advice = (": flyt fasen »laeringsudfordring« derop, og del fasen »Mål og handling« i »Opstille mål« og "
                  "»Handling/tiltag« – eller kopiér den nye templates/laeringscirklen.yaml." if old else
                  " (id, navn, beskrivelse og spoergsmaal, som en fase).")
        raise LabkitError(f"{source}: mangler nøglen »udfordring«. {_OLD_CIRCLE}{advice}")
    challenge_where = f"{source}, »udfordring«"
    refuse_unknown_keys(data["udfordring"], PHASE_KEYS, challenge_where)
    challenge = _phase(data["udfordring"], challenge_where)
    seen: dict[str, int] = {challenge.id: 0}
    phases: list[CirclePhase] = []
    for number, entry in enumerate(entries, start=1):
        _, where = _entry_id(entry, number, "fase", source, seen, PHASE_KEYS)
        phases.append(_phase(entry, where))
    return LearningCircle(challenge, tuple(phases), _origin(data, source))


def load_plf_maturity(path: Path) -> PlfMaturity:
    """Read the PLF taxonomy's levels, least mature first; a malformed entry is a Danish error."""
    source, entries, data = read_entries(path, "niveauer", ORIGIN_KEYS)
    seen: dict[str, int] = {}
    levels: list[MaturityLevel] = []
    for number, entry in enumerate(entries, start=1):
        id_, where = _entry_id(entry, number, "niveau", source, seen, LEVEL_KEYS)
        levels.append(MaturityLevel(
            id=id_,
            name=read_text(entry, "navn", where),
            description=read_text(entry, "beskrivelse", where, required=False),
            traits=_texts(entry, "kendetegn", where),
        ))
    return PlfMaturity(tuple(levels), _origin(data, source))


def _key_question(data: dict[str, Any], source: str) -> KeyQuestion:
    where = f"{source}, »grundspoergsmaal«"
    entry = data.get("grundspoergsmaal")
    if not isinstance(entry, dict):
        raise LabkitError(
            f"{source}: mangler nøglen »grundspoergsmaal« – analyserammens centrale spørgsmål: ser vi problemet som "
            "elevens (individperspektiv) eller som læringsmiljøets (kontekstperspektiv)? Skriv det med »tekst«, "
            "»individperspektiv« og »kontekstperspektiv« øverst i filen, som i templates/inklusion_analyse.yaml.")
    refuse_unknown_keys(entry, KEY_QUESTION_KEYS, where)
    return KeyQuestion(text=read_text(entry, "tekst", where), individual=read_text(entry, "individperspektiv", where),
                       context=read_text(entry, "kontekstperspektiv", where))


def load_inclusion_frame(path: Path, catalogue: Catalogue, instrument: Instrument) -> InclusionFrame:
    """Read the inclusion analysis frame; unknown indicator or dimension ids are a Danish error."""
    source, entries, data = read_entries(path, "perspektiver", ("grundspoergsmaal", *ORIGIN_KEYS))
    key_question = _key_question(data, source)
    indicator_ids = set(catalogue.ids)
    dimension_ids = {d.id for d in instrument.dimensions}
    seen: dict[str, int] = {}
    perspectives: list[InclusionPerspective] = []
    for number, entry in enumerate(entries, start=1):
        id_, where = _entry_id(entry, number, "perspektiv", source, seen, PERSPECTIVE_KEYS)
        perspectives.append(InclusionPerspective(
            id=id_,
            name=read_text(entry, "navn", where),
            description=read_text(entry, "beskrivelse", where, required=False),
            questions=_texts(entry, "spoergsmaal", where),
            indicators=_ids(entry, "indikatorer", indicator_ids, where, "indikatoren"),
            dimensions=_ids(entry, "dimensioner", dimension_ids, where, "dimensionen"),
        ))
    return InclusionFrame(key_question, tuple(perspectives), _origin(data, source))
