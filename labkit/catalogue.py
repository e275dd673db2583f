"""The indicator catalogue (`templates/indikatorer.yaml`): which kvalitetsrapport figures labkit knows."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labkit.problems import LabkitError, display_name
from labkit.templates import read_yaml, require, require_list

BETTER_VALUES = ("højere", "lavere", "kontekst")


@dataclass(frozen=True)
class Indicator:
    """One kvalitetsrapport indicator as the catalogue describes it."""

    id: str
    name: str
    area: str
    unit: str
    scale: tuple[float, float]
    better: str
    decimals: int
    columns: tuple[str, ...]
    description: str = ""
    categories: dict[str, float] = field(default_factory=dict)
    target: float | None = None

    @property
    def is_categorical(self) -> bool:
        return bool(self.categories)

    def in_scale(self, value: float) -> bool:
        return self.scale[0] <= value <= self.scale[1]


@dataclass(frozen=True)
class Catalogue:
    """All indicators and the areas they belong to, in the catalogue's order."""

    indicators: tuple[Indicator, ...]
    areas: dict[str, str]

    def __post_init__(self) -> None:
        lookup: dict[str, Indicator] = {}
        for indicator in self.indicators:
            for key in (indicator.id, indicator.name, *indicator.columns):
                lookup[_key(key)] = indicator
        object.__setattr__(self, "_lookup", lookup)

    def get(self, id_or_name: str) -> Indicator | None:
        """The indicator with this id, Danish name or published column name (case-insensitive)."""
        lookup: dict[str, Indicator] = getattr(self, "_lookup")  # noqa: B009 - set in __post_init__
        return lookup.get(_key(id_or_name))

    def __getitem__(self, indicator_id: str) -> Indicator:
        found = self.get(indicator_id)
        if found is None:
            raise KeyError(indicator_id)
        return found

    @property
    def ids(self) -> list[str]:
        return [i.id for i in self.indicators]


def _key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _indicator(entry: dict[str, Any], where: str, areas: dict[str, str]) -> Indicator:
    id_ = str(require(entry, "id", where))
    where = f"{where.split(',')[0]}, indikator »{id_}«"
    area = str(require(entry, "område", where))
    if areas and area not in areas:
        raise LabkitError(f"{where}: området »{area}« findes ikke under »områder«.")
    scale = require(entry, "skala", where)
    if (
        not isinstance(scale, list)
        or len(scale) != 2
        or not all(isinstance(v, (int, float)) for v in scale)
        or scale[0] >= scale[1]
    ):
        raise LabkitError(f"{where}: »skala« skal være [mindste, største], fx [0, 100].")
    better = str(require(entry, "bedre", where))
    if better not in BETTER_VALUES:
        raise LabkitError(f"{where}: »bedre« skal være et af {', '.join(BETTER_VALUES)}.")
    columns = require_list(require(entry, "kolonner", where), f"{where}, »kolonner«")
    categories = entry.get("kategorier") or {}
    if not isinstance(categories, dict):
        raise LabkitError(f"{where}: »kategorier« skal være tekst: tal-par.")
    target = entry.get("mål")
    return Indicator(
        id=id_,
        name=str(require(entry, "navn", where)),
        area=area,
        unit=str(require(entry, "enhed", where)),
        scale=(float(scale[0]), float(scale[1])),
        better=better,
        decimals=int(entry.get("decimaler", 1)),
        columns=tuple(str(c) for c in columns),
        description=str(entry.get("beskrivelse", "")),
        categories={str(k): float(v) for k, v in categories.items()},
        target=float(target) if target is not None else None,
    )


def parse_catalogue(data: Any, source: str) -> Catalogue:
    """Build a catalogue from the YAML structure; raises a Danish `LabkitError` naming the entry."""
    if not isinstance(data, dict):
        raise LabkitError(f"{source}: forventede nøglerne »områder« og »indikatorer«.")
    areas = {
        str(require(a, "id", f"{source}, område")): str(require(a, "navn", f"{source}, område"))
        for a in data.get("områder") or []
    }
    entries = require_list(data.get("indikatorer"), f"{source}, »indikatorer«")
    indicators = [
        _indicator(entry, f"{source}, indikator nr. {number}", areas)
        for number, entry in enumerate(entries, start=1)
    ]
    seen: set[str] = set()
    for indicator in indicators:
        if indicator.id in seen:
            raise LabkitError(f"{source}, indikator »{indicator.id}«: id'et findes to gange.")
        seen.add(indicator.id)
    return Catalogue(indicators=tuple(indicators), areas=areas)


def load_catalogue(path: Path) -> Catalogue:
    """Read the indicator catalogue from a YAML template."""
    return parse_catalogue(read_yaml(path), display_name(path))
