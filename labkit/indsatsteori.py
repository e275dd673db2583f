"""The indsatsteori (theory of change) as data: what the team writes, and helpers around it.

Stored in the workspace under `indsatsteorier/<focus area id>` as the dict `to_dict` gives; older
files with missing keys load fine (`from_dict` fills them in).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import pandas as pd

from labkit.kvalitet import LEVEL_SCHOOL, STATUS_PUBLISHED

INDICATOR_SOURCE = "kvalitetsrapport:"
LINKS = ("aktiviteter_til_kortsigtede", "kortsigtede_til_mellemlange", "mellemlange_til_langsigtede")


def _text_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    if isinstance(value, list):
        return [str(v) for v in value if str(v).strip()]
    return []


@dataclass
class Tegn:
    """A sign that the theory works: an indicator with source, baseline, target and when."""

    beskrivelse: str = ""
    kilde: str = "egen observation"  # "kvalitetsrapport:<id>", "kapacitet:<id>" or "egen observation"
    baseline: str = ""
    baseline_aar: str = ""
    maal: str = ""
    hvornaar: str = ""
    resultat_niveau: str = "kortsigtede"  # kortsigtede | mellemlange | langsigtede

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Tegn:
        known = {f.name for f in fields(cls)}
        return cls(**{k: ("" if v is None else str(v)) for k, v in data.items() if k in known})

    @property
    def indicator_id(self) -> str | None:
        return self.kilde[len(INDICATOR_SOURCE):] if self.kilde.startswith(INDICATOR_SOURCE) else None


@dataclass
class Evaluering:
    hvordan: str = ""
    hvornaar: str = ""
    hvem: str = ""


@dataclass
class Indsatsteori:
    """One focus area's theory of change, in the order the Danish guides recommend."""

    focus_area: str = ""
    problem: str = ""
    data_grundlag: list[str] = field(default_factory=list)
    maalgruppe: str = ""
    langsigtet_maal: str = ""
    aktiviteter: list[str] = field(default_factory=list)
    ressourcer: list[str] = field(default_factory=list)
    kortsigtede_resultater: list[str] = field(default_factory=list)
    mellemlange_resultater: list[str] = field(default_factory=list)
    langsigtede_resultater: list[str] = field(default_factory=list)
    antagelser: dict[str, str] = field(default_factory=dict)
    kontekst: str = ""
    indikatorer: list[Tegn] = field(default_factory=list)
    evaluering: Evaluering = field(default_factory=Evaluering)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Indsatsteori:
        data = data if isinstance(data, dict) else {}
        evaluation = data.get("evaluering") if isinstance(data.get("evaluering"), dict) else {}
        assumptions = data.get("antagelser") if isinstance(data.get("antagelser"), dict) else {}
        return cls(
            focus_area=str(data.get("focus_area") or ""),
            problem=str(data.get("problem") or ""),
            data_grundlag=_text_list(data.get("data_grundlag")),
            maalgruppe=str(data.get("maalgruppe") or ""),
            langsigtet_maal=str(data.get("langsigtet_maal") or ""),
            aktiviteter=_text_list(data.get("aktiviteter")),
            ressourcer=_text_list(data.get("ressourcer")),
            kortsigtede_resultater=_text_list(data.get("kortsigtede_resultater")),
            mellemlange_resultater=_text_list(data.get("mellemlange_resultater")),
            langsigtede_resultater=_text_list(data.get("langsigtede_resultater")),
            antagelser={k: str(v) for k, v in assumptions.items() if k in LINKS and v},
            kontekst=str(data.get("kontekst") or ""),
            indikatorer=[Tegn.from_dict(t) for t in data.get("indikatorer") or [] if isinstance(t, dict)],
            evaluering=Evaluering(**{k: str(evaluation.get(k) or "") for k in ("hvordan", "hvornaar", "hvem")}),
        )


def latest_published(kvalitet: pd.DataFrame, school_id: str, indicator_id: str,
                     group: str = "") -> tuple[float, str] | None:
    """The school's newest shown value of an indicator and its year; None if there is none."""
    rows = kvalitet.loc[(kvalitet["school_id"] == school_id) & (kvalitet["level"] == LEVEL_SCHOOL)
                        & (kvalitet["indicator"] == indicator_id) & (kvalitet["group"] == group)
                        & (kvalitet["status"] == STATUS_PUBLISHED) & kvalitet["value"].notna()]
    if rows.empty:
        return None
    newest = rows.sort_values("school_year").iloc[-1]
    return float(newest["value"]), str(newest["school_year"])


def prefill_baseline(tegn: Tegn, kvalitet: pd.DataFrame, school_id: str | None,
                     decimals: int = 1) -> tuple[Tegn, str | None]:
    """Fill an empty baseline from the school's latest published figure; never from a hidden one.

    Returns the sign and a Danish note when no baseline could be filled.
    """
    indicator_id = tegn.indicator_id
    if indicator_id is None or tegn.baseline or not school_id:
        return tegn, None
    found = latest_published(kvalitet, school_id, indicator_id)
    if found is None:
        return tegn, ("Der er intet offentliggjort tal for skolen at bruge som baseline (det kan være "
                      "skjult, fordi for få har svaret). Skriv en baseline selv, fx fra jeres egne data.")
    value, year = found
    from labkit.numbers import format_number

    text = format_number(value, decimals) if not math.isnan(value) else ""
    return Tegn(**{**asdict(tegn), "baseline": text, "baseline_aar": year}), None


def completeness(theory: Indsatsteori) -> list[str]:
    """Danish hints on what is still missing, in the order the guides recommend working."""
    hints = []
    if not theory.problem:
        hints.append("Beskriv problemet, og hvad i jeres data der viser det.")
    if not theory.langsigtet_maal:
        hints.append("Skriv det langsigtede mål først – så er det lettere at arbejde baglæns.")
    if not theory.maalgruppe:
        hints.append("Hvem er målgruppen: hvilke elever, klasser eller medarbejdere?")
    if not theory.langsigtede_resultater and not theory.mellemlange_resultater:
        hints.append("Arbejd baglæns: hvilke resultater skal der til på mellemlang og lang sigt?")
    if not theory.kortsigtede_resultater:
        hints.append("Hvad kan I se ændre sig allerede efter få måneder (kortsigtede resultater)?")
    if not theory.aktiviteter:
        hints.append("Hvilke aktiviteter skal føre til resultaterne?")
    if theory.aktiviteter and not theory.ressourcer:
        hints.append("Hvilke ressourcer kræver aktiviteterne (tid, personer, kompetencer)?")
    if len(theory.antagelser) < len(LINKS):
        hints.append("Skriv jeres antagelser: hvorfor fører hvert trin til det næste?")
    if not theory.indikatorer:
        hints.append("Hvilke tegn viser, at det virker? Tilføj mindst ét tegn med baseline og mål.")
    if not theory.evaluering.hvornaar:
        hints.append("Aftal, hvornår og hvordan I evaluerer – og hvem der gør det.")
    return hints
