"""The indsatsteori (theory of change) as data: what the team writes, and helpers around it.

Stored in the workspace under `indsatsteorier/<focus area id>` as the dict `to_dict` gives; older
files with missing or odd keys load fine (`from_dict` fills in what is missing).
"""

from __future__ import annotations

import math
import uuid
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import pandas as pd

from labkit.data.catalogue import Catalogue
from labkit.data.instrument import Instrument
from labkit.data.kvalitet_schema import LEVEL_SCHOOL, STATUS_PUBLISHED
from labkit.numbers import format_number

INDICATOR_SOURCE = "kvalitetsrapport:"
DIMENSION_SOURCE = "kapacitet:"
OWN_OBSERVATION = "egen observation"
RESULT_LEVELS = ("kortsigtede", "mellemlange", "langsigtede")
# --- the theory's fields: the one definition every form, text, Word file and message uses ---------

@dataclass(frozen=True)
class Field:
    """One field of the indsatsteori: its key in the workspace, its Danish label and the hint in the form.
    `lines`: one item per line (a list), else one text."""

    key: str
    label: str
    placeholder: str
    lines: bool = False


FIELDS = (
    Field("problem", "Problem", "Hvad er udfordringen, og hvad i jeres data viser den?"),
    Field("maalgruppe", "Målgruppe", "Hvilke elever, klasser eller medarbejdere handler det om?"),
    Field("langsigtet_maal", "Langsigtet mål", "Hvad skal være anderledes for eleverne om 2–3 år?"),
    Field("langsigtede_resultater", "Langsigtede resultater", "Én pr. linje", lines=True),
    Field("mellemlange_resultater", "Mellemlange resultater", "Én pr. linje – fx om et år", lines=True),
    Field("kortsigtede_resultater", "Kortsigtede resultater", "Én pr. linje – fx efter 3 måneder", lines=True),
    Field("aktiviteter", "Aktiviteter", "Hvad gør I? Én aktivitet pr. linje", lines=True),
    Field("ressourcer", "Ressourcer", "Tid, personer, kompetencer … Én pr. linje", lines=True),
    Field("kontekst", "Kontekst", "Hvad i skolens situation kan hjælpe eller stå i vejen?"),
)
DATA_BASIS = Field("data_grundlag", "Datagrundlag", "Hvilke tal peger på problemet?", lines=True)
# One assumption per link between result boxes, keyed like this in `antagelser`.
LINKS = ("aktiviteter_til_kortsigtede", "kortsigtede_til_mellemlange", "mellemlange_til_langsigtede")
LINK_NAMES = {
    "aktiviteter_til_kortsigtede": "aktiviteter → kortsigtede resultater",
    "kortsigtede_til_mellemlange": "kortsigtede → mellemlange resultater",
    "mellemlange_til_langsigtede": "mellemlange → langsigtede resultater",
}
ASSUMPTIONS = tuple((link, f"Antagelse: {LINK_NAMES[link]}") for link in LINKS)
EVALUATION = (("hvordan", "Hvordan evaluerer I"), ("hvornaar", "Hvornår"), ("hvem", "Hvem gør det"))


def evaluation_label(label: str) -> str:
    """»Evaluering: hvordan evaluerer I« – the field named with its section (the pronoun I stays capital)."""
    return f"{EVALUATION_LABEL}: {label[:1].lower()}{label[1:]}"
SIGN_LABELS = {"beskrivelse": "Tegn", "kilde": "Kilde", "baseline": "Baseline", "baseline_aar": "Baseline-år",
               "maal": "Mål", "hvornaar": "Hvornår", "resultat_niveau": "Niveau"}
RESULT_LEVEL_NAMES = {"kortsigtede": "Kort sigt", "mellemlange": "Mellemlang sigt", "langsigtede": "Lang sigt"}
SIGNS_LABEL = "Tegn på virkning"
ASSUMPTIONS_LABEL = "Antagelser"
EVALUATION_LABEL = "Evaluering"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return format_number(value, 1) if math.isfinite(value) else ""
    return str(value).strip()


def _text_list(value: Any) -> list[str]:
    """A list of texts from a list, or from one text with an item per line (older files)."""
    items = value.splitlines() if isinstance(value, str) else value if isinstance(value, list) else []
    return [text for text in (_text(item) for item in items) if text]


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def indicator_source(indicator_id: str, group: str = "") -> str:
    """The `kilde` of a sign measured by a kvalitetsrapport indicator, e.g. `kvalitetsrapport:ro_orden/Mellemtrin`."""
    return f"{INDICATOR_SOURCE}{indicator_id}" + (f"/{group}" if group else "")


@dataclass
class FocusArea:
    """The focus area a theory belongs to: the candidate id and the title the team sees."""

    id: str = ""
    title: str = ""

    def __bool__(self) -> bool:
        return bool(self.id or self.title)

    @classmethod
    def from_value(cls, value: Any) -> FocusArea:
        if isinstance(value, FocusArea):
            return value
        if isinstance(value, dict):
            return cls(_text(value.get("id")), _text(value.get("title")))
        return cls(title=_text(value))  # older files and callers: just the title


@dataclass
class Tegn:
    """A sign that the theory works: an indicator with source, baseline, target and when.

    `kilde` is `kvalitetsrapport:<indicator id>[/<gruppe>]`, `kapacitet:<dimension id>` or
    `egen observation`; `resultat_niveau` is the result box it belongs to (see `RESULT_LEVELS`).
    """

    beskrivelse: str = ""
    kilde: str = OWN_OBSERVATION
    baseline: str = ""
    baseline_aar: str = ""
    maal: str = ""
    hvornaar: str = ""
    resultat_niveau: str = "kortsigtede"
    # Stable within its theory, so what the team writes about a sign at a follow-up (keyed by id)
    # stays with that sign when others are removed or added. Signs saved before ids existed have
    # none until the form next saves them (see `with_sign_ids`).
    id: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> Tegn:
        data = _mapping(data)
        level = _text(data.get("resultat_niveau"))
        return cls(beskrivelse=_text(data.get("beskrivelse")), kilde=_text(data.get("kilde")) or OWN_OBSERVATION,
                   baseline=_text(data.get("baseline")), baseline_aar=_text(data.get("baseline_aar")),
                   maal=_text(data.get("maal")), hvornaar=_text(data.get("hvornaar")),
                   resultat_niveau=level if level in RESULT_LEVELS else "kortsigtede", id=_text(data.get("id")))

    @property
    def indicator_id(self) -> str | None:
        """The kvalitetsrapport indicator the sign is measured by, if any."""
        if not self.kilde.startswith(INDICATOR_SOURCE):
            return None
        return self.kilde[len(INDICATOR_SOURCE):].split("/", 1)[0] or None

    @property
    def indicator_group(self) -> str:
        """The Klassetringruppe (e.g. "Mellemtrin") named in `kilde`; "" for the whole school."""
        rest = self.kilde[len(INDICATOR_SOURCE):] if self.kilde.startswith(INDICATOR_SOURCE) else ""
        return rest.split("/", 1)[1] if "/" in rest else ""

    @property
    def dimension_id(self) -> str | None:
        """The kapacitetsinterview dimension the sign is measured by, if any."""
        if not self.kilde.startswith(DIMENSION_SOURCE):
            return None
        return self.kilde[len(DIMENSION_SOURCE):] or None


def source_label(tegn: Tegn, catalogue: Catalogue | None = None, instrument: Instrument | None = None) -> str:
    """A sign's `kilde` in readable Danish, e.g. »Kvalitetsrapport: Ro og orden (mellemtrin)«.

    The same words label the sources in the notebook form, the handout and the Word document.
    """
    if tegn.kilde.startswith(INDICATOR_SOURCE):
        indicator_id = tegn.indicator_id or ""
        indicator = catalogue.get(indicator_id) if catalogue and indicator_id else None
        group = tegn.indicator_group
        name = indicator.label(group) if indicator else indicator_id + (f" ({group})" if group else "")
        return "Kvalitetsrapport" + (f": {name}" if name else "")
    if tegn.dimension_id:
        dimension = instrument.dimension(tegn.dimension_id) if instrument else None
        return f"Kapacitetsinterview: {dimension.name if dimension else tegn.dimension_id}"
    if tegn.kilde == OWN_OBSERVATION:
        return "Egen observation"
    return tegn.kilde


@dataclass
class Evaluering:
    """When and how the team checks whether the theory holds, and who does it."""

    hvordan: str = ""
    hvornaar: str = ""
    hvem: str = ""

    @classmethod
    def from_dict(cls, data: Any) -> Evaluering:
        data = _mapping(data)
        return cls(_text(data.get("hvordan")), _text(data.get("hvornaar")), _text(data.get("hvem")))


@dataclass
class Indsatsteori:
    """One focus area's theory of change, in the order the Danish guides recommend."""

    focus_area: FocusArea = field(default_factory=FocusArea)
    problem: str = ""
    data_grundlag: list[str] = field(default_factory=list)  # indicator / dimension ids the problem cites
    maalgruppe: str = ""
    langsigtet_maal: str = ""
    aktiviteter: list[str] = field(default_factory=list)
    ressourcer: list[str] = field(default_factory=list)
    kortsigtede_resultater: list[str] = field(default_factory=list)
    mellemlange_resultater: list[str] = field(default_factory=list)
    langsigtede_resultater: list[str] = field(default_factory=list)
    antagelser: dict[str, str] = field(default_factory=dict)  # LINKS → text
    kontekst: str = ""
    indikatorer: list[Tegn] = field(default_factory=list)
    evaluering: Evaluering = field(default_factory=Evaluering)

    def __post_init__(self) -> None:
        # Callers and older files may give the focus area as its title alone.
        self.focus_area = FocusArea.from_value(self.focus_area)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> Indsatsteori:
        data = _mapping(data)
        assumptions = _mapping(data.get("antagelser"))
        signs = data.get("indikatorer") if isinstance(data.get("indikatorer"), list) else []
        return cls(
            focus_area=FocusArea.from_value(data.get("focus_area")),
            problem=_text(data.get("problem")),
            data_grundlag=_text_list(data.get("data_grundlag")),
            maalgruppe=_text(data.get("maalgruppe")),
            langsigtet_maal=_text(data.get("langsigtet_maal")),
            aktiviteter=_text_list(data.get("aktiviteter")),
            ressourcer=_text_list(data.get("ressourcer")),
            kortsigtede_resultater=_text_list(data.get("kortsigtede_resultater")),
            mellemlange_resultater=_text_list(data.get("mellemlange_resultater")),
            langsigtede_resultater=_text_list(data.get("langsigtede_resultater")),
            antagelser={link: _text(assumptions[link]) for link in LINKS if _text(assumptions.get(link))},
            kontekst=_text(data.get("kontekst")),
            indikatorer=[Tegn.from_dict(sign) for sign in signs if isinstance(sign, dict)],
            evaluering=Evaluering.from_dict(data.get("evaluering")),
        )

    def results(self, level: str) -> list[str]:
        """The result texts of one box: "kortsigtede", "mellemlange" or "langsigtede"."""
        return list(getattr(self, f"{level}_resultater"))


# --- baseline from the kvalitetsrapport -------------------------------------------------------


def latest_published(kvalitet: pd.DataFrame, school_id: str, indicator_id: str,
                     group: str = "") -> tuple[float, str] | None:
    """The school's newest *published* value of an indicator and its school year; None if none."""
    rows = kvalitet.loc[(kvalitet["school_id"] == school_id) & (kvalitet["level"] == LEVEL_SCHOOL)
                        & (kvalitet["indicator"] == indicator_id) & (kvalitet["group"] == group)
                        & (kvalitet["status"] == STATUS_PUBLISHED) & kvalitet["value"].notna()]
    if rows.empty:
        return None
    newest = rows.sort_values("school_year").iloc[-1]
    return float(newest["value"]), str(newest["school_year"])


def _no_baseline_note(kvalitet: pd.DataFrame, school_id: str, indicator_id: str, group: str) -> str:
    rows = kvalitet.loc[(kvalitet["school_id"] == school_id) & (kvalitet["level"] == LEVEL_SCHOOL)
                        & (kvalitet["indicator"] == indicator_id)]
    groups = sorted({g for g in rows["group"] if g})
    if not group and groups and not (rows["group"] == "").any():
        return (f"Tallet opgøres for hver klassetrinsgruppe ({', '.join(groups)}). Vælg den gruppe, tegnet "
                "handler om, så hentes baseline derfra.")
    if rows.loc[rows["group"] == group].empty:
        return ("Der er ingen tal for skolen for denne indikator i kvalitetsrapportens data. "
                "Skriv en baseline selv, fx fra jeres egne data.")
    return ("Skolens tal er skjult i alle år (ikke offentliggjort, fx fordi for få har svaret), så det kan "
            "ikke bruges som baseline. Skriv en baseline selv, fx fra jeres egne data.")


def prefill_baseline(tegn: Tegn, kvalitet: pd.DataFrame, school_id: str | None,
                     decimals: int = 1) -> tuple[Tegn, str | None]:
    """Fill an empty baseline from the school's latest published figure; never from a hidden one.

    Returns the sign (a copy; unchanged when the team already typed a baseline, or the source is not
    a kvalitetsrapport indicator) and a Danish note saying why no baseline could be filled.
    """
    indicator_id = tegn.indicator_id
    if indicator_id is None or tegn.baseline or not school_id:
        return replace(tegn), None
    found = latest_published(kvalitet, school_id, indicator_id, tegn.indicator_group)
    if found is None:
        return replace(tegn), _no_baseline_note(kvalitet, school_id, indicator_id, tegn.indicator_group)
    value, year = found
    return replace(tegn, baseline=format_number(value, decimals), baseline_aar=year), None


# --- what is still missing --------------------------------------------------------------------


def completeness(theory: Indsatsteori) -> list[str]:
    """Danish hints on what is still missing, in the order the guides recommend working.

    Problem first, then the long-term goal, then backwards: results, activities, resources,
    assumptions, context, signs, evaluation. An empty list means every part is filled in.
    """
    hints = []
    if not theory.problem:
        hints.append("Beskriv problemet, og hvad i jeres data der viser det.")
    if not theory.langsigtet_maal:
        hints.append("Skriv det langsigtede mål først – så er det lettere at arbejde baglæns.")
    if not theory.maalgruppe:
        hints.append("Hvem er målgruppen: hvilke elever, klasser eller medarbejdere?")
    if not theory.langsigtede_resultater:
        hints.append("Arbejd baglæns: hvilke resultater på lang sigt viser, at I nærmer jer målet?")
    if not theory.mellemlange_resultater:
        hints.append("Hvad skal have ændret sig om cirka et år (mellemlange resultater)?")
    if not theory.kortsigtede_resultater:
        hints.append("Hvad kan I se ændre sig allerede efter få måneder (kortsigtede resultater)?")
    if not theory.aktiviteter:
        hints.append("Hvilke aktiviteter skal føre til de kortsigtede resultater?")
    elif not theory.ressourcer:
        hints.append("Hvilke ressourcer kræver aktiviteterne (tid, personer, kompetencer)?")
    missing_links = [LINK_NAMES[link] for link in LINKS if link not in theory.antagelser]
    if missing_links:
        hints.append("Skriv jeres antagelser – hvorfor fører det ene trin til det næste? Mangler: "
                     + "; ".join(missing_links) + ".")
    if not theory.kontekst:
        hints.append("Hvad i skolens situation kan hjælpe eller stå i vejen (kontekst)?")
    if not theory.indikatorer:
        hints.append("Hvilke tegn viser, at det virker? Tilføj mindst ét tegn med baseline og mål.")
    for tegn in theory.indikatorer:
        lacking = [name for name, value in (("baseline", tegn.baseline), ("mål", tegn.maal),
                                            ("hvornår", tegn.hvornaar)) if not value]
        if lacking:
            name = f"Tegnet »{tegn.beskrivelse}«" if tegn.beskrivelse else "Et tegn uden beskrivelse"
            hints.append(f"{name} mangler {' og '.join(lacking)}.")
    lacking = [name for name, value in (("hvordan", theory.evaluering.hvordan),
                                        ("hvornår", theory.evaluering.hvornaar),
                                        ("hvem", theory.evaluering.hvem)) if not value]
    if lacking:
        hints.append("Aftal evalueringen: hvordan og hvornår ser I efter, om det virker, og hvem gør det? "
                     f"(mangler: {', '.join(lacking)})")
    return hints


def with_sign_ids(signs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The saved signs (as stored), each with an id. A sign saved before ids existed gets its place in
    the list as id: that is the key its follow-up observations were saved under, so they stay its own."""
    return [sign if _text(sign.get("id")) else {**sign, "id": str(place)} for place, sign in enumerate(signs)]


def new_sign_id() -> str:
    """An id for a new sign. Random, never counted: an id counted from the others could be one a
    removed sign had, and that sign's observations would then show up under the new one."""
    return f"t{uuid.uuid4().hex[:8]}"
