"""The indicator catalogue (`templates/indikatorer.yaml`): which kvalitetsrapport figures labkit knows."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labkit.data.config import is_school_year
from labkit.data.tables import normalise_key
from labkit.data.templates import read_yaml, refuse_unknown_keys, require, require_list
from labkit.problems import LabkitError, display_name

BETTER_VALUES = ("højere", "lavere", "kontekst")
INDICATOR_KEYS = ("id", "navn", "område", "enhed", "skala", "bedre", "decimaler", "kolonner", "kategorier", "mål",
                  "usikkerhed", "elevspredning", "vurdering", "se_ogsaa", "beskrivelse")
TOP_KEYS = ("områder", "indikatorer", "brud")
BREAK_KEYS = ("indikatorer", "fra", "til", "beskrivelse")
# What kind of figure an indicator is decides its uncertainty (docs/statistik.md):
PUPIL_MEAN = "elevgennemsnit"  # a mean of pupils' scores; n = pupils (trivsel 1–5, karakterer)
PUPIL_SHARE = "elevandel"  # a share of pupils; n = pupils (andel med højest trivsel, overgang)
SCHOOL_RATE = "skoletal"  # a rate that is not a share of pupils (fravær of days, kompetencedækning of lessons)
CONTEXT = "kontekst"  # elevtal, klassekvotient: described, never judged
PUBLISHED_VERDICT = "ministeriets_vurdering"  # a verdict the ministry publishes (Over/På/Under niveau)
UNCERTAINTY_KINDS = (PUPIL_MEAN, PUPIL_SHARE, SCHOOL_RATE, CONTEXT, PUBLISHED_VERDICT)


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
    uncertainty: str = SCHOOL_RATE
    pupil_sd: float | None = None  # spread of single pupils' scores, for a pupil mean with n
    published_verdict: str | None = None  # id of the indicator holding the ministry's verdict on this one
    see_also: str | None = None  # an indicator whose published verdict belongs beside this one's statements

    def label(self, group: str = "") -> str:
        """The name with its Klassetrin group, as every table, figure, form and sentence writes it."""
        return f"{self.name} ({group.lower()})" if group else self.name

    @property
    def is_categorical(self) -> bool:
        return bool(self.categories)

    @property
    def is_judged(self) -> bool:
        """Does this indicator get a level and development verdict of its own?"""
        return self.uncertainty not in (CONTEXT, PUBLISHED_VERDICT) and self.better != "kontekst"


@dataclass(frozen=True)
class Break:
    """Years a series cannot be compared across: `first`…`last` are not comparable with any other
    year (`last` == "" for a plain break: the series starts anew in `first`)."""

    indicators: tuple[str, ...]
    first: str
    last: str
    description: str

    @property
    def restart(self) -> int:
        """The first calendar year of the comparable series after the break."""
        return int((self.last or self.first)[:4]) + (1 if self.last else 0)

    def covers(self, start_year: int) -> bool:
        """Is the school year starting in `start_year` one of the break's own, incomparable years?"""
        return bool(self.last) and int(self.first[:4]) <= start_year <= int(self.last[:4])


@dataclass(frozen=True)
class Catalogue:
    """All indicators and the areas they belong to, in the catalogue's order."""

    indicators: tuple[Indicator, ...]
    areas: dict[str, str]
    breaks: tuple[Break, ...] = ()
    notes: tuple[str, ...] = ()  # things `labkit check` should say about the catalogue (an older copy, say)

    def breaks_of(self, indicator_id: str) -> tuple[Break, ...]:
        return tuple(b for b in self.breaks if indicator_id in b.indicators)

    def __post_init__(self) -> None:
        lookup: dict[str, Indicator] = {}
        for indicator in self.indicators:
            for key in (indicator.id, indicator.name, *indicator.columns):
                lookup[normalise_key(key)] = indicator
        object.__setattr__(self, "_lookup", lookup)

    def get(self, id_or_name: str) -> Indicator | None:
        """The indicator with this id, Danish name or published column name (case-insensitive)."""
        lookup: dict[str, Indicator] = getattr(self, "_lookup")  # noqa: B009 - set in __post_init__
        return lookup.get(normalise_key(id_or_name))

    def __getitem__(self, indicator_id: str) -> Indicator:
        found = self.get(indicator_id)
        if found is None:
            raise KeyError(indicator_id)
        return found

    @property
    def ids(self) -> list[str]:
        return [i.id for i in self.indicators]


def _indicator(entry: dict[str, Any], where: str, areas: dict[str, str]) -> Indicator:
    id_ = str(require(entry, "id", where))
    where = f"{where.split(',')[0]}, indikator »{id_}«"
    refuse_unknown_keys(entry, INDICATOR_KEYS, where)
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
    default_kind = PUBLISHED_VERDICT if categories else CONTEXT if better == "kontekst" else SCHOOL_RATE
    kind = str(entry.get("usikkerhed") or default_kind)
    if kind not in UNCERTAINTY_KINDS:
        raise LabkitError(f"{where}: »usikkerhed« skal være et af {', '.join(UNCERTAINTY_KINDS)}, ikke »{kind}«.")
    pupil_sd = entry.get("elevspredning")
    if pupil_sd is not None and (isinstance(pupil_sd, bool) or not isinstance(pupil_sd, (int, float))
                                 or pupil_sd <= 0):
        raise LabkitError(f"{where}: »elevspredning« skal være et positivt tal, fx 0.6.")
    if kind == PUPIL_MEAN and pupil_sd is None:
        raise LabkitError(f"{where}: et elevgennemsnit skal have »elevspredning« (hvor meget de enkelte "
                          "elevers tal spreder sig, fx 0.6 for trivsel og 2.3 for karakterer).")
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
        uncertainty=kind,
        pupil_sd=float(pupil_sd) if pupil_sd is not None else None,
        published_verdict=str(entry["vurdering"]) if entry.get("vurdering") else None,
        see_also=str(entry["se_ogsaa"]) if entry.get("se_ogsaa") else None,
    )


def _break(entry: Any, where: str, known: set[str]) -> Break:
    refuse_unknown_keys(entry, BREAK_KEYS, where)
    indicators = [str(i) for i in require_list(require(entry, "indikatorer", where), f"{where}, »indikatorer«")]
    unknown = [i for i in indicators if i not in known]
    if unknown:
        raise LabkitError(f"{where}: indikatoren »{unknown[0]}« findes ikke i kataloget.")
    first, last = str(require(entry, "fra", where)), str(entry.get("til") or "")
    for year in (first, last) if last else (first,):
        if not is_school_year(year):
            raise LabkitError(f"{where}: »{year}« er ikke et skoleår som »2020/2021«.")
    if last and last < first:
        raise LabkitError(f"{where}: »til« ({last}) ligger før »fra« ({first}).")
    return Break(tuple(indicators), first, last, str(require(entry, "beskrivelse", where)))


def parse_catalogue(data: Any, source: str) -> Catalogue:
    """Build a catalogue from the YAML structure; raises a Danish `LabkitError` naming the entry."""
    if not isinstance(data, dict):
        raise LabkitError(f"{source}: forventede nøglerne »områder« og »indikatorer«.")
    refuse_unknown_keys(data, TOP_KEYS, source)
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
    for indicator in indicators:
        for key, target in (("vurdering", indicator.published_verdict), ("se_ogsaa", indicator.see_also)):
            if target and target not in seen:
                raise LabkitError(f"{source}, indikator »{indicator.id}«: »{key}« peger på »{target}«, som ikke "
                                  "findes i kataloget.")
    breaks = tuple(_break(entry, f"{source}, brud nr. {number}", seen)
                   for number, entry in enumerate(data.get("brud") or [], start=1))
    return Catalogue(indicators=tuple(indicators), areas=areas, breaks=breaks,
                     notes=_older_copy_notes(data, indicators))


def _older_copy_notes(data: dict[str, Any], indicators: list[Indicator]) -> tuple[str, ...]:
    """A catalogue copied before labkit knew kinds of uncertainty and breaks still works, but says so."""
    entries = {str(e.get("id")): e for e in data.get("indikatorer") or [] if isinstance(e, dict)}
    untyped = [i.id for i in indicators if i.better != "kontekst" and not i.categories
               and "usikkerhed" not in entries.get(i.id, {})]
    notes = []
    if untyped:
        notes.append(f"{len(untyped)} indikatorer har ingen »usikkerhed« ({', '.join(untyped[:4])}"
                     f"{' …' if len(untyped) > 4 else ''}), så labkit regner dem som skoletal. Kopiér felterne "
                     "»usikkerhed« og »elevspredning« fra labkits egen skabelon (se docs/statistik.md).")
    if "brud" not in data:
        notes.append("Kataloget har ingen »brud«, så labkit kender ikke årene, der ikke kan "
                     "sammenlignes (fx aflyste prøver under corona). Kopiér afsnittet »brud« fra labkits egen "
                     "skabelon.")
    return tuple(notes)


def load_catalogue(path: Path) -> Catalogue:
    """Read the indicator catalogue from a YAML template."""
    return parse_catalogue(read_yaml(path), display_name(path))
