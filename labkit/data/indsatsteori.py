"""The indsatsteori (theory of change) as data: what the team writes, and helpers around it.

Stored in the workspace under `indsatsteorier/<focus area id>` as the dict `to_dict` gives; older
files with missing or odd keys load fine (`from_dict` fills in what is missing).
"""

from __future__ import annotations

import math
import uuid
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

import pandas as pd

from labkit.data.catalogue import Catalogue
from labkit.data.instrument import Instrument
from labkit.data.kvalitet_schema import LEVEL_SCHOOL, STATUS_PUBLISHED
from labkit.numbers import format_number

INDICATOR_SOURCE = "kvalitetsrapport:"
DIMENSION_SOURCE = "kapacitet:"
OWN_OBSERVATION = "egen observation"
MODEL_VERSION = 2  # `model` in a stored theory; version 1 had results as three lists and one assumption per box

# --- the theory's fields: the one definition every form, text, Word file and message uses ---------

@dataclass(frozen=True)
class Field:
    """One field of the indsatsteori: its key in the workspace, its Danish label and the hint in the form.
    `lines`: one item per line (a list), else one text."""

    key: str
    label: str
    placeholder: str
    lines: bool = False


PROBLEM = Field("problem", "Problem", "Hvad er udfordringen, og hvad i jeres data viser den?")
DATA_BASIS = Field("data_grundlag", "Datagrundlag", "Hvilke tal peger på problemet?", lines=True)
TARGET_GROUP = Field("maalgruppe", "Målgruppe", "Hvilke elever, klasser eller medarbejdere handler det om?")
GOAL = Field("langsigtet_maal", "Langsigtet mål", "Hvad skal være anderledes for eleverne om 2–3 år?")
RESOURCES = Field("ressourcer", "Ressourcer", "Tid, personer, kompetencer … Én pr. linje", lines=True)
CONTEXT = Field("kontekst", "Kontekst", "Hvad i skolens situation kan hjælpe eller stå i vejen?")
RISKS = Field("risici", "Risici", "Hvad kan gå galt eller trække i den forkerte retning? Én pr. linje", lines=True)
ADJUSTMENTS = Field("justeringer", "Justeringspunkter",
                    "Hvad vil få jer til at justere indsatsen – og hvornår kigger I efter? Én pr. linje", lines=True)
# The free-text fields in the order the Danish guides work: problem and goal first, then (after the
# results and activities, which are items of their own) what the work needs and what could stop it.
LEAD_FIELDS = (PROBLEM, TARGET_GROUP, GOAL)
TAIL_FIELDS = (RESOURCES, CONTEXT, RISKS, ADJUSTMENTS)
FIELDS = (*LEAD_FIELDS, *TAIL_FIELDS)

# Results: three horizons, and whose change it is – the adults' practice comes before the pupils'.
RESULT_LEVELS = ("kortsigtede", "mellemlange", "langsigtede")
RESULT_LEVEL_NAMES = {"kortsigtede": "Kort sigt", "mellemlange": "Mellemlang sigt", "langsigtede": "Lang sigt"}
RESULT_LEVEL_HINTS = {"kortsigtede": "fx efter 3 måneder", "mellemlange": "fx om et år", "langsigtede": "fx om 2–3 år"}
PRACTICE, PUPILS = "voksne", "elever"
RESULT_GROUPS = {PRACTICE: "De voksnes praksis", PUPILS: "Eleverne"}
GOAL_ID = "maal"  # `foerer_til` of a result that leads straight to the long-term goal

ACTIVITIES_LABEL = "Aktiviteter"
RESULTS_LABEL = "Resultater"
ASSUMPTIONS_LABEL = "Antagelser"
SIGNS_LABEL = "Tegn"
EVALUATION_LABEL = "Evaluering"
ACTIVITY_LABELS = {"beskrivelse": "Aktivitet", "ansvarlig": "Ansvarlig", "start": "Start", "slut": "Slut",
                   "foerer_til": "Fører til", "fordi": "Fordi"}
RESULT_LABELS = {"tekst": "Resultat", "niveau": "Sigt", "hvem": "Hvem ændrer sig?", "foerer_til": "Fører til",
                 "fordi": "Fordi"}
# Two kinds of signs: was the activity carried out as planned, and does it work.
IMPLEMENTATION, OUTCOME = "implementering", "virkning"
SIGN_KINDS = {IMPLEMENTATION: "Tegn på gennemførelse", OUTCOME: "Tegn på virkning"}
SIGN_LABELS = {"beskrivelse": "Tegn", "kilde": "Kilde", "baseline": "Baseline", "baseline_aar": "Baseline-år",
               "maal": "Mål", "hvornaar": "Hvornår", "resultat_niveau": "Sigt", "art": "Art",
               "knyttet_til": "Hører til"}
EVALUATION = (("hvordan", "Hvordan evaluerer I"), ("hvornaar", "Hvornår"), ("hvem", "Hvem gør det"))
# Version 1's one assumption per pair of boxes, by its key there, named for the team.
OLD_LINK_NAMES = {"aktiviteter_til_kortsigtede": "aktiviteter → kortsigtede resultater",
                  "kortsigtede_til_mellemlange": "kortsigtede → mellemlange resultater",
                  "mellemlange_til_langsigtede": "mellemlange → langsigtede resultater"}


def evaluation_label(label: str) -> str:
    """»Evaluering – hvordan evaluerer I« – the field named with its section (the pronoun I stays
    capital); a dash, not a colon, since the handout puts a colon after a label."""
    return f"{EVALUATION_LABEL} – {label[:1].lower()}{label[1:]}"


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


def _choice(value: Any, allowed: Any, default: str) -> str:
    text = _text(value)
    return text if text in allowed else default


def indicator_source(indicator_id: str, group: str = "") -> str:
    """The `kilde` of a sign measured by a kvalitetsrapport indicator, e.g. `kvalitetsrapport:ro_orden/Mellemtrin`."""
    return f"{INDICATOR_SOURCE}{indicator_id}" + (f"/{group}" if group else "")


def default_level(kilde: str) -> str:
    """The horizon a new sign starts at: kvalitetsrapport and interview figures come once a year, so
    they cannot show a change within months; the team's own observations can."""
    return "mellemlange" if kilde.startswith((INDICATOR_SOURCE, DIMENSION_SOURCE)) else "kortsigtede"


def new_item_id(prefix: str) -> str:
    """An id for a new activity (a…), result (r…) or sign (t…). Random, never counted: an id counted
    from the others could be one a removed item had, and what pointed at that item would move to this one."""
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def new_sign_id() -> str:
    return new_item_id("t")


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
class Aktivitet:
    """What the school does: who is responsible, when, and the result it should lead to and why."""

    beskrivelse: str = ""
    ansvarlig: str = ""
    start: str = ""
    slut: str = ""
    foerer_til: str = ""  # the id of a result
    fordi: str = ""  # the assumption on that arrow
    id: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> Aktivitet:
        data = _mapping(data)
        return cls(**{key: _text(data.get(key)) for key in ACTIVITY_KEYS})


@dataclass
class Resultat:
    """A change the activities should bring: at which horizon, in whose practice, and what it leads to."""

    tekst: str = ""
    niveau: str = "kortsigtede"
    hvem: str = ""  # PRACTICE, PUPILS or "" (not said yet: results migrated from version 1)
    foerer_til: str = ""  # the id of a later result, or GOAL_ID
    fordi: str = ""
    id: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> Resultat:
        data = _mapping(data)
        return cls(tekst=_text(data.get("tekst")), niveau=_choice(data.get("niveau"), RESULT_LEVELS, "kortsigtede"),
                   hvem=_choice(data.get("hvem"), RESULT_GROUPS, ""), foerer_til=_text(data.get("foerer_til")),
                   fordi=_text(data.get("fordi")), id=_text(data.get("id")))


ACTIVITY_KEYS = tuple(field.name for field in fields(Aktivitet))
RESULT_KEYS = tuple(field.name for field in fields(Resultat))


@dataclass
class Tegn:
    """A sign: of implementation (was an activity carried out) or of outcome (did a result come).

    `kilde` is `kvalitetsrapport:<indicator id>[/<gruppe>]`, `kapacitet:<dimension id>` or
    `egen observation`; `knyttet_til` the id of the activity or result it belongs to;
    `resultat_niveau` the horizon of an outcome sign (the result's, when it belongs to one).
    """

    beskrivelse: str = ""
    kilde: str = OWN_OBSERVATION
    baseline: str = ""
    baseline_aar: str = ""
    maal: str = ""
    hvornaar: str = ""
    resultat_niveau: str = "kortsigtede"
    art: str = OUTCOME
    knyttet_til: str = ""
    # Stable within its theory, so what the team writes about a sign at a follow-up (keyed by id)
    # stays with that sign when others are removed or added. Signs saved before ids existed have
    # none until the form next saves them (see `with_sign_ids`).
    id: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> Tegn:
        data = _mapping(data)
        source = _text(data.get("kilde")) or OWN_OBSERVATION
        return cls(beskrivelse=_text(data.get("beskrivelse")), kilde=source,
                   baseline=_text(data.get("baseline")), baseline_aar=_text(data.get("baseline_aar")),
                   maal=_text(data.get("maal")), hvornaar=_text(data.get("hvornaar")),
                   resultat_niveau=_choice(data.get("resultat_niveau"), RESULT_LEVELS, default_level(source)),
                   art=_choice(data.get("art"), SIGN_KINDS, OUTCOME), knyttet_til=_text(data.get("knyttet_til")),
                   id=_text(data.get("id")))

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
    data_grundlag: list[str] = field(default_factory=list)  # indicator / dimension names the problem cites
    maalgruppe: str = ""
    langsigtet_maal: str = ""
    resultater: list[Resultat] = field(default_factory=list)
    aktiviteter: list[Aktivitet] = field(default_factory=list)
    ressourcer: list[str] = field(default_factory=list)
    kontekst: str = ""
    risici: list[str] = field(default_factory=list)
    justeringer: list[str] = field(default_factory=list)
    indikatorer: list[Tegn] = field(default_factory=list)
    evaluering: Evaluering = field(default_factory=Evaluering)
    # Version 1's assumptions between boxes that had no item to carry them (see `migrated`).
    tidligere_antagelser: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Callers and older files may give the focus area as its title alone.
        self.focus_area = FocusArea.from_value(self.focus_area)

    def to_dict(self) -> dict[str, Any]:
        return {"model": MODEL_VERSION, **asdict(self)}

    @classmethod
    def from_dict(cls, data: Any) -> Indsatsteori:
        """The theory from its stored form, version 1 or 2 (see `migrated`); odd values are dropped."""
        data = migrated(_mapping(data))
        signs = data.get("indikatorer") if isinstance(data.get("indikatorer"), list) else []
        return cls(
            focus_area=FocusArea.from_value(data.get("focus_area")),
            problem=_text(data.get("problem")),
            data_grundlag=_text_list(data.get("data_grundlag")),
            maalgruppe=_text(data.get("maalgruppe")),
            langsigtet_maal=_text(data.get("langsigtet_maal")),
            resultater=[Resultat.from_dict(item) for item in _items(data.get("resultater"))],
            aktiviteter=[Aktivitet.from_dict(item) for item in _items(data.get("aktiviteter"))],
            ressourcer=_text_list(data.get("ressourcer")),
            kontekst=_text(data.get("kontekst")),
            risici=_text_list(data.get("risici")),
            justeringer=_text_list(data.get("justeringer")),
            indikatorer=[Tegn.from_dict(sign) for sign in signs if isinstance(sign, dict)],
            evaluering=Evaluering.from_dict(data.get("evaluering")),
            tidligere_antagelser={key: _text(text) for key, text in _mapping(data.get("tidligere_antagelser")).items()
                                  if key in OLD_LINK_NAMES and _text(text)},
        )

    def results(self, level: str, group: str | None = None) -> list[Resultat]:
        """The results at one horizon ("kortsigtede", "mellemlange", "langsigtede"), optionally of one group."""
        return [r for r in self.resultater if r.niveau == level and (group is None or r.hvem == group)]

    def item(self, item_id: str) -> Aktivitet | Resultat | None:
        """The activity or result with this id (None for the goal, an unknown or an empty id)."""
        items: list[Aktivitet | Resultat] = [*self.aktiviteter, *self.resultater]
        return next((item for item in items if item_id and item.id == item_id), None)

    def sign_level(self, tegn: Tegn) -> str:
        """The horizon of a sign: its result's when it belongs to one, else its own."""
        owner = self.item(tegn.knyttet_til)
        return owner.niveau if isinstance(owner, Resultat) else tegn.resultat_niveau

    def signs(self, kind: str) -> list[Tegn]:
        return [tegn for tegn in self.indikatorer if tegn.art == kind]


def _items(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def item_numbers(theory: Indsatsteori) -> dict[str, str]:
    """A1, A2 … for the activities and R1, R2 … for the results (short term first, the order the chain
    runs), so the diagram, the form and the tables can name an item in two characters."""
    numbers = {a.id: f"A{place}" for place, a in enumerate(theory.aktiviteter, start=1) if a.id}
    ordered = [r for level in RESULT_LEVELS for r in theory.results(level)]
    numbers.update({r.id: f"R{place}" for place, r in enumerate(ordered, start=1) if r.id})
    return numbers


def item_name(theory: Indsatsteori, item_id: str) -> str:
    """What an arrow points at, in the team's words: a result's text, an activity's, or the goal."""
    if item_id == GOAL_ID:
        return theory.langsigtet_maal or "det langsigtede mål"
    item = theory.item(item_id)
    if isinstance(item, Resultat):
        return item.tekst
    if isinstance(item, Aktivitet):
        return item.beskrivelse
    return ""


def quoted(text: str) -> str:
    """The team's words in »…«; quotes inside become ›…‹, as Danish nests them."""
    return "»" + text.strip().rstrip(".").replace("»", "›").replace("«", "‹") + "«"


def if_then(theory: Indsatsteori, item: Aktivitet | Resultat) -> str:
    """The item's link in the chain ("" until both ends are written):
    »Hvis vi gennemfører »…«, fører det til »…«. Fordi: …« for an activity, »»…« fører til »…«. Fordi: …«
    for a result.

    Both ends are quoted in the team's own words, and the reason keeps the team's capitals: a
    heading-like »Datamøde hver 6. uge« cannot be bent into a Danish clause without guessing, nor can
    a capital be lowered without risking a name."""
    source = item.beskrivelse if isinstance(item, Aktivitet) else item.tekst
    target = item_name(theory, item.foerer_til)
    if not source or not target:
        return ""
    reason = f" Fordi: {item.fordi.strip().rstrip('.')}." if item.fordi.strip() else ""
    if isinstance(item, Aktivitet):
        return f"Hvis vi gennemfører {quoted(source)}, fører det til {quoted(target)}.{reason}"
    return f"{quoted(source)} fører til {quoted(target)}.{reason}"


# --- version 1 → 2 -----------------------------------------------------------------------------


def is_version_1(data: dict[str, Any]) -> bool:
    """Whether a stored theory has version 1's keys or its activities as plain texts."""
    activities = data.get("aktiviteter")
    return (any(key in data for key in (*(f"{level}_resultater" for level in RESULT_LEVELS), "antagelser"))
            or isinstance(activities, str)
            or (isinstance(activities, list) and any(isinstance(item, str) for item in activities)))


def migrated(data: dict[str, Any]) -> dict[str, Any]:
    """A stored theory in today's shape. Version 1 (before `model: 2`) kept activities and the three
    result boxes as lists of texts, one assumption per pair of boxes and one level per sign. Nothing
    is lost and nothing is made up: each text becomes an item with a fixed id (so the same file always
    migrates the same way) and no arrow; the box assumptions are kept in `tidligere_antagelser`, and
    the form asks the team to draw the arrows and place the assumptions. Pure; a version-2 theory is
    returned as it is."""
    if data.get("model") == MODEL_VERSION or not data or not is_version_1(data):
        # Today's shape (a theory the form saved field by field may lack the marker): nothing to convert.
        return data
    out = dict(data)
    activities = data.get("aktiviteter")
    converted_activities = isinstance(activities, str) or (
        isinstance(activities, list) and any(isinstance(a, str) for a in activities))
    if converted_activities:
        out["aktiviteter"] = [{"id": f"a{place + 1}", "beskrivelse": text}
                              for place, text in enumerate(_text_list(activities))]
    else:
        out["aktiviteter"] = [dict(item) for item in _items(activities)]
    results = [dict(item) for item in _items(data.get("resultater"))]
    converted_results = not results
    if converted_results:
        results = [{"id": f"r{level[0]}{place + 1}", "tekst": text, "niveau": level}
                   for level in RESULT_LEVELS for place, text in enumerate(_text_list(data.get(f"{level}_resultater")))]
    # Version 1 drew one arrow per pair of boxes, not per item: which activity leads to which result
    # was never said, so no item gets an arrow, and the box assumptions wait for the team to place them.
    kept = {link: _text(text) for link, text in _mapping(data.get("antagelser")).items()
            if link in OLD_LINK_NAMES and _text(text)}
    out["resultater"] = results
    for level in RESULT_LEVELS:
        out.pop(f"{level}_resultater", None)
    out.pop("antagelser", None)
    out["tidligere_antagelser"] = {**_mapping(data.get("tidligere_antagelser")), **kept}
    out["model"] = MODEL_VERSION
    return out


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

    Problem first, then the long-term goal, then backwards: results, activities (each with an owner,
    a time and the result it should lead to), resources, context, risks, signs of both kinds, evaluation.
    An empty list means every part is filled in.
    """
    hints = []
    if not theory.problem:
        hints.append("Beskriv problemet, og hvad i jeres data der viser det.")
    if not theory.langsigtet_maal:
        hints.append("Skriv det langsigtede mål først – så er det lettere at arbejde baglæns.")
    if not theory.maalgruppe:
        hints.append("Hvem er målgruppen: hvilke elever, klasser eller medarbejdere?")
    if not theory.results("langsigtede"):
        hints.append("Arbejd baglæns: hvilke resultater på lang sigt viser, at I nærmer jer målet?")
    if not theory.results("kortsigtede") and not theory.results("mellemlange"):
        hints.append("Hvad skal ændre sig først – i de voksnes praksis og for eleverne (kort og mellemlang sigt)?")
    unsaid = [r.tekst for r in theory.resultater if r.tekst and not r.hvem]
    if unsaid:
        hints.append(f"Sig, om resultatet handler om de voksnes praksis eller om eleverne: »{unsaid[0]}«"
                     + (f" (og {len(unsaid) - 1} mere)." if len(unsaid) > 1 else "."))
    elif theory.resultater and not theory.results("kortsigtede", PRACTICE) \
            and not theory.results("mellemlange", PRACTICE):
        hints.append("Hvad skal de voksne gøre anderledes? Tilføj et resultat for de voksnes praksis.")
    if not theory.aktiviteter:
        hints.append("Hvilke aktiviteter skal føre til de første resultater?")
    for activity in theory.aktiviteter:
        name = f"Aktiviteten »{activity.beskrivelse}«" if activity.beskrivelse else "En aktivitet uden beskrivelse"
        lacking = [word for word, value in (("ansvarlig", activity.ansvarlig), ("start", activity.start),
                                            ("hvilket resultat den fører til", item_name(theory, activity.foerer_til)),
                                            ("fordi (antagelsen)", activity.fordi)) if not value]
        if lacking:
            hints.append(f"{name} mangler {_and(lacking)}.")
    for result in theory.resultater:
        if result.tekst and result.niveau != "langsigtede" and not item_name(theory, result.foerer_til):
            hints.append(f"Hvad fører resultatet »{result.tekst}« videre til?")
    if theory.tidligere_antagelser:
        hints.append("Flyt antagelserne fra den tidligere udgave til de aktiviteter og resultater, de hører til "
                     "(feltet »Fordi«), og slet dem derefter.")
    if theory.aktiviteter and not theory.ressourcer:
        hints.append("Hvilke ressourcer kræver aktiviteterne (tid, personer, kompetencer)?")
    if not theory.kontekst:
        hints.append("Hvad i skolens situation kan hjælpe eller stå i vejen (kontekst)?")
    if not theory.risici:
        hints.append("Hvad kan gå galt? Skriv risici og det, der vil få jer til at justere.")
    if not theory.signs(IMPLEMENTATION) and theory.aktiviteter:
        hints.append("Hvordan ser I, at aktiviteterne faktisk bliver gennemført? Tilføj et tegn på gennemførelse.")
    if not theory.signs(OUTCOME):
        hints.append("Hvilke tegn viser, at det virker? Tilføj mindst ét tegn på virkning med baseline og mål.")
    for tegn in theory.indikatorer:
        lacking = [name for name, value in (("baseline", tegn.baseline), ("mål", tegn.maal),
                                            ("hvornår", tegn.hvornaar)) if not value]
        if tegn.baseline and not tegn.baseline_aar:
            lacking.append("baseline-år")
        if lacking:
            name = f"Tegnet »{tegn.beskrivelse}«" if tegn.beskrivelse else "Et tegn uden beskrivelse"
            hints.append(f"{name} mangler {_and(lacking)}.")
    lacking = [name for name, value in (("hvordan", theory.evaluering.hvordan),
                                        ("hvornår", theory.evaluering.hvornaar),
                                        ("hvem", theory.evaluering.hvem)) if not value]
    if lacking:
        hints.append("Aftal evalueringen: hvordan og hvornår ser I efter, om det virker, og hvem gør det? "
                     f"(mangler: {', '.join(lacking)})")
    return hints


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} og {words[-1]}"


def with_sign_ids(signs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The saved signs (as stored), each with an id. A sign saved before ids existed gets its place in
    the list as id: that is the key its follow-up observations were saved under, so they stay its own."""
    return [sign if _text(sign.get("id")) else {**sign, "id": str(place)} for place, sign in enumerate(signs)]
