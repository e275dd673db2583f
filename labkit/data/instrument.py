"""The kapacitetsinterview instrument (`templates/kapacitetsinterview.yaml`).

The instrument says which dimensions, statements, rating scale and respondent groups a lab
uses, and whether a rating is one person's (`vurdering: individuel`, the default) or a group's
consensus (`vurdering: konsensus`: one rating per group interview, with the number of people behind
it). A consultant edits the YAML; a mistake in it raises a Danish `LabkitError` naming the file and
the entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labkit.data.tables import normalise_key
from labkit.data.templates import BUNDLED_TEMPLATES, read_yaml, refuse_unknown_keys, require, require_list
from labkit.problems import LabkitError, display_name

LEVELS = ("individ", "team", "organisation")
INDIVIDUAL, CONSENSUS = "individuel", "konsensus"
RATING_KINDS = (INDIVIDUAL, CONSENSUS)
TOP_KEYS = ("navn", "vurdering", "skala", "respondentgrupper", "dimensioner", "udsagn")
DEFAULT_INSTRUMENT = BUNDLED_TEMPLATES / "kapacitetsinterview.yaml"
# The entry workbook's fixed columns; a statement id is a column header, so it must differ.
# »Runde« (which interview round) and »Deltagere« (people behind a consensus rating) are optional.
RESERVED_COLUMNS = ("Institutionsnummer", "Skole", "Respondentgruppe", "Respondent", "Runde", "Deltagere")


@dataclass(frozen=True)
class Scale:
    """The rating scale: whole numbers from `min` to `max`, some with a Danish label."""

    min: int
    max: int
    labels: dict[int, str] = field(default_factory=dict)

    def contains(self, value: float) -> bool:
        return self.min <= value <= self.max

    def describe(self) -> str:
        """Danish, e.g. `et helt tal fra 1 til 5 (1 = Slet ikke, 5 = I meget høj grad)`."""
        text = f"et helt tal fra {self.min} til {self.max}"
        ends = [f"{v} = {self.labels[v]}" for v in (self.min, self.max) if v in self.labels]
        return f"{text} ({', '.join(ends)})" if ends else text


@dataclass(frozen=True)
class RespondentGroup:
    id: str
    name: str


@dataclass(frozen=True)
class Statement:
    id: str
    dimension: str
    text: str


@dataclass(frozen=True)
class Dimension:
    id: str
    name: str
    level: str
    description: str
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class Instrument:
    """A whole instrument, in the template's order."""

    name: str
    scale: Scale
    groups: tuple[RespondentGroup, ...]
    dimensions: tuple[Dimension, ...]
    rating: str = INDIVIDUAL

    @property
    def consensus(self) -> bool:
        """True when each rating is a group's consensus: one data point per group interview."""
        return self.rating == CONSENSUS

    @property
    def statements(self) -> tuple[Statement, ...]:
        return tuple(s for d in self.dimensions for s in d.statements)

    def group(self, id_or_name: object) -> RespondentGroup | None:
        """The group with this id or Danish name (case- and whitespace-insensitive)."""
        return _find(self.groups, id_or_name)

    def dimension(self, id_or_name: object) -> Dimension | None:
        """The dimension with this id or Danish name (case- and whitespace-insensitive)."""
        return _find(self.dimensions, id_or_name)

    def statement(self, statement_id: object) -> Statement | None:
        """The statement with this id (case- and whitespace-insensitive)."""
        wanted = normalise_key(statement_id)
        return next((s for s in self.statements if normalise_key(s.id) == wanted), None)


def _find(items: tuple[Any, ...], id_or_name: object) -> Any:
    wanted = normalise_key(id_or_name)
    if not wanted:
        return None
    return next((i for i in items if wanted in (normalise_key(i.id), normalise_key(i.name))), None)


def _text(entry: dict[str, Any], key: str, where: str) -> str:
    value = require(entry, key, where)
    if isinstance(value, (dict, list)):
        raise LabkitError(f"{where}: »{key}« skal være en tekst, fandt »{value}«.")
    return str(value).strip()


def _entry_where(source: str, kind: str, entry: Any, number: int) -> str:
    """`fil, dimension »data«` when the entry has an id, else `fil, dimension nr. 3`."""
    if isinstance(entry, dict) and entry.get("id") not in (None, ""):
        return f"{source}, {kind} »{entry['id']}«"
    return f"{source}, {kind} nr. {number}"


def _parse_scale(data: dict[str, Any], source: str) -> Scale:
    where = f"{source}, »skala«"
    raw = require(data, "skala", source)
    low, high = require(raw, "min", where), require(raw, "max", where)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high)) or low >= high:
        raise LabkitError(
            f"{where}: »min« og »max« skal være hele tal, og »min« skal være mindre end »max«"
            f" (fx min: 1 og max: 5). Fandt min: {low}, max: {high}."
        )
    labels_raw = raw.get("etiketter") or {}
    if not isinstance(labels_raw, dict):
        raise LabkitError(f'{where}: »etiketter« skal være tal: tekst-par, fx 1: "Slet ikke".')
    labels: dict[int, str] = {}
    for key, text in labels_raw.items():
        try:
            value = int(str(key))
        except ValueError:
            raise LabkitError(f"{where}: etiketten »{key}« er ikke et helt tal.") from None
        if not low <= value <= high:
            raise LabkitError(f"{where}: etiketten »{key}« ligger uden for skalaen {low}-{high}.")
        labels[value] = str(text)
    return Scale(min=low, max=high, labels=dict(sorted(labels.items())))


def _parse_groups(data: dict[str, Any], source: str) -> tuple[RespondentGroup, ...]:
    entries = require_list(require(data, "respondentgrupper", source), f"{source}, »respondentgrupper«")
    groups = []
    for number, entry in enumerate(entries, start=1):
        where = _entry_where(source, "respondentgruppe", entry, number)
        groups.append(RespondentGroup(_text(entry, "id", where), _text(entry, "navn", where)))
    return tuple(groups)


def _parse_statement(entry: Any, where: str, dimension: str) -> Statement:
    return Statement(id=_text(entry, "id", where), dimension=dimension, text=_text(entry, "tekst", where))


def _parse_dimensions(data: dict[str, Any], source: str) -> tuple[Dimension, ...]:
    entries = require_list(require(data, "dimensioner", source), f"{source}, »dimensioner«")
    dimensions: list[Dimension] = []
    for number, entry in enumerate(entries, start=1):
        where = _entry_where(source, "dimension", entry, number)
        id_ = _text(entry, "id", where)
        level = _text(entry, "niveau", where)
        if level not in LEVELS:
            raise LabkitError(f"{where}: »niveau« skal være {', '.join(LEVELS)}. Fandt »{level}«.")
        nested = entry.get("udsagn") or []
        if not isinstance(nested, list):
            raise LabkitError(f"{where}: »udsagn« skal være en liste.")
        statements = tuple(
            _parse_statement(s, _entry_where(where, "udsagn", s, n), id_)
            for n, s in enumerate(nested, start=1)
        )
        description = " ".join(str(entry.get("beskrivelse") or "").split())
        name = _text(entry, "navn", where)
        dimensions.append(Dimension(id_, name, level, description, statements))
    return _add_loose_statements(dimensions, data.get("udsagn") or [], source)


def _add_loose_statements(dimensions: list[Dimension], entries: Any, source: str) -> tuple[Dimension, ...]:
    """Add statements listed on their own under a top-level »udsagn«, each naming its dimension."""
    if not isinstance(entries, list):
        raise LabkitError(f"{source}, »udsagn«: forventede en liste.")
    extra: dict[str, list[Statement]] = {d.id: [] for d in dimensions}
    for number, entry in enumerate(entries, start=1):
        where = _entry_where(source, "udsagn", entry, number)
        wanted = _text(entry, "dimension", where)
        dimension = _find(tuple(dimensions), wanted)
        if dimension is None or normalise_key(dimension.id) != normalise_key(wanted):
            raise LabkitError(f"{where}: dimensionen »{wanted}« findes ikke under »dimensioner«.")
        extra[dimension.id].append(_parse_statement(entry, where, dimension.id))
    complete = []
    for d in dimensions:
        statements = d.statements + tuple(extra[d.id])
        if not statements:
            raise LabkitError(f"{source}, dimension »{d.id}«: dimensionen har ingen udsagn.")
        complete.append(Dimension(d.id, d.name, d.level, d.description, statements))
    return tuple(complete)


def _check_unique(values: list[str], source: str, kind: str, what: str) -> None:
    seen: set[str] = set()
    for value in values:
        key = normalise_key(value)
        if key in seen:
            raise LabkitError(f"{source}, {kind} »{value}«: {what} findes to gange.")
        seen.add(key)


def parse_instrument(data: Any, source: str) -> Instrument:
    """Build an instrument from the YAML structure; raises a Danish `LabkitError` naming the entry."""
    if not isinstance(data, dict):
        raise LabkitError(
            f"{source}: forventede nøglerne »navn«, »skala«, »respondentgrupper« og »dimensioner«."
        )
    refuse_unknown_keys(data, TOP_KEYS, source)
    rating = str(data.get("vurdering") or INDIVIDUAL).strip().lower()
    if rating not in RATING_KINDS:
        raise LabkitError(
            f"{source}, »vurdering«: skal være »{INDIVIDUAL}« (hver respondent vurderer for sig) eller "
            f"»{CONSENSUS}« (gruppen giver én fælles vurdering). Fandt »{data.get('vurdering')}«."
        )
    scale = _parse_scale(data, source)
    groups = _parse_groups(data, source)
    dimensions = _parse_dimensions(data, source)
    _check_unique([g.id for g in groups], source, "respondentgruppe", "id'et")
    _check_unique([g.name for g in groups], source, "respondentgruppe", "navnet")
    _check_unique([d.id for d in dimensions], source, "dimension", "id'et")
    _check_unique([d.name for d in dimensions], source, "dimension", "navnet")
    statements = [s for d in dimensions for s in d.statements]
    _check_unique([s.id for s in statements], source, "udsagn", "id'et")
    for s in statements:
        if normalise_key(s.id) in {normalise_key(c) for c in RESERVED_COLUMNS}:
            raise LabkitError(f"{source}, udsagn »{s.id}«: id'et er reserveret til en fast kolonne.")
    return Instrument(name=_text(data, "navn", source), scale=scale, groups=groups, dimensions=dimensions,
                      rating=rating)


def load_instrument(path: Path = DEFAULT_INSTRUMENT) -> Instrument:
    """Read a kapacitetsinterview instrument from a YAML template.

    Raises `LabkitError` (Danish, naming the file and entry) for malformed YAML, missing keys,
    duplicate ids, a statement in an unknown dimension or a bad scale.
    """
    return parse_instrument(read_yaml(path), display_name(path))
