"""Follow-up at a later lab: each sign of a saved indsatsteori set against its baseline and target.

Pure functions on the theory and the kvalitet table. Whether a sign moved beyond normal variation
is decided by the verdict engine (`labkit.analysis.baseline.baseline_change`): the figures after the baseline
year against the baseline year, each set against the kommune, with the indicator's noise for a school
of this size, never the trend from before the baseline. The signs of one theory are judged together
with Holm's correction (`SIGN_ALPHA`), as the day's statements about a school are.

Workspace paths of the lab cycle (documented in docs/arbejdsfil.md), as tuples because a lab name
may hold any character but "/" is the path separator:
- `opfoelgning/<lab>/<area id>/observationer/<sign id>`: what the team saw on the ground;
- `opfoelgning/<lab>/<area id>/noter`: the team's general notes on the follow-up;
- `historik/<lab>/indsatsteorier/<area id>`: the theory as it stood when the follow-up was first
  opened in that lab, i.e. as the previous lab left it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import pandas as pd

from labkit.analysis.baseline import baseline_change
from labkit.analysis.findings import (
    BEDRE,
    BRUD,
    DAARLIGERE,
    DEVELOPMENT_WORDS,
    FOR_FAA_AAR,
    IKKE_OFFENTLIGGJORT,
    NORMAL,
    REFERENCE_NAMES,
    BaselineChange,
    describe_change,
    describe_value,
)
from labkit.analysis.statistics import holm
from labkit.data.catalogue import Catalogue, Indicator
from labkit.data.indsatsteori import (
    ACTIVITY_LABELS,
    CONTEXT,
    DATA_BASIS,
    EVALUATION,
    LEAD_FIELDS,
    OLD_LINK_NAMES,
    RESULT_GROUPS,
    RESULT_LABELS,
    RESULT_LEVEL_NAMES,
    SIGN_KINDS,
    SIGN_LABELS,
    TAIL_FIELDS,
    Aktivitet,
    Indsatsteori,
    Resultat,
    Tegn,
    evaluation_label,
    item_name,
)
from labkit.data.kvalitet_schema import LEVEL_SCHOOL, STATUS_PUBLISHED, STATUS_TOO_FEW
from labkit.numbers import first_number_in, format_number

FOLLOW_UP_SECTION = "opfoelgning"
HISTORY_SECTION = "historik"

# The engine's verdict codes where they mean the same (one vocabulary), and the follow-up's own.
IMPROVED, WORSENED, NORMAL_VARIATION = BEDRE, DAARLIGERE, NORMAL
TOO_FEW_YEARS, NOT_PUBLISHED = FOR_FAA_AAR, IKKE_OFFENTLIGGJORT
CHANGED, NO_NEW_FIGURES = "aendret", "ingen_nye_tal"
NO_BASELINE, OWN_ASSESSMENT = "ingen_baseline", "egen_vurdering"
TARGET_REACHED = "maal_naaet"  # an addition to the verdict, never a verdict on its own
SIGN_ALPHA = 0.05  # family-wise over the signs of one theory; a lone sign's one year after baseline: 5 %

# Short Danish words for tables; the full sentence is `SignFollowUp.text`.
VERDICT_WORDS = {
    IMPROVED: "Forbedret ud over normal variation", WORSENED: "Forværret ud over normal variation",
    CHANGED: "Ændret ud over normal variation",
    **{code: DEVELOPMENT_WORDS[code] for code in (NORMAL_VARIATION, TOO_FEW_YEARS, NOT_PUBLISHED)},
    NO_NEW_FIGURES: "Ingen nye tal",
    NO_BASELINE: "Mangler baseline-år", OWN_ASSESSMENT: "Teamets egen vurdering",
}

def observation_path(lab_name: str, area_id: str, sign_key: str) -> tuple[str, ...]:
    """Where the team's observations of one sign are saved; `sign_key` is `SignFollowUp.key`."""
    return (FOLLOW_UP_SECTION, lab_name, area_id, "observationer", sign_key)


def notes_path(lab_name: str, area_id: str) -> tuple[str, ...]:
    return (FOLLOW_UP_SECTION, lab_name, area_id, "noter")


def snapshot_path(lab_name: str, area_id: str) -> tuple[str, ...]:
    return (HISTORY_SECTION, lab_name, "indsatsteorier", area_id)


@dataclass(frozen=True)
class SignFollowUp:
    """One sign at the follow-up: baseline, the newest figure after it, target, n and a verdict.

    `verdict` is one of forbedret, forvaerret, aendret (context figures), normal_variation,
    for_faa_data, ikke_offentliggjort, ingen_nye_tal, ingen_baseline, egen_vurdering; `text` is one
    plain Danish paragraph. A hidden figure is never in `latest` or `text`.
    """

    index: int
    sign: Tegn
    verdict: str
    text: str
    indicator_id: str | None = None
    group: str = ""
    baseline: float = math.nan
    baseline_year: str = ""
    latest: float = math.nan
    latest_year: str = ""
    n: float = math.nan
    target: float | None = None
    target_reached: bool | None = None
    years: int = 0  # published years after the baseline behind the verdict
    spread: float = math.nan  # the standard error of the change since the baseline (against the kommune)
    p: float = math.nan  # two-sided, before Holm's correction over the theory's signs
    robust: bool = True  # the change still holds when any one year after the baseline is left out
    codes: tuple[str, ...] = field(default=())

    @property
    def key(self) -> str:
        """The sign's id, or for a sign saved before ids existed its place in the list."""
        return self.sign.id or str(self.index)

    @property
    def change(self) -> float:
        return self.latest - self.baseline

    @property
    def verdict_words(self) -> str:
        words = VERDICT_WORDS.get(self.verdict, self.verdict)
        return words + (" · mål nået" if self.target_reached else "")


def _school_rows(kvalitet: pd.DataFrame, school_id: str, indicator_id: str, group: str) -> pd.DataFrame:
    rows = kvalitet.loc[(kvalitet["school_id"] == school_id) & (kvalitet["level"] == LEVEL_SCHOOL)
                        & (kvalitet["indicator"] == indicator_id) & (kvalitet["group"] == group)]
    return rows.sort_values("school_year", kind="stable")


def _shown(row: pd.Series) -> bool:
    return row["status"] == STATUS_PUBLISHED and pd.notna(row["value"])


def _reached(value: float, target: float, indicator: Indicator) -> bool | None:
    if indicator.better not in ("højere", "lavere") or indicator.is_categorical:
        return None
    value, target = round(value, indicator.decimals), round(target, indicator.decimals)
    return value >= target if indicator.better == "højere" else value <= target


def _n_text(n: float) -> str:
    return f" (n = {format_number(n, 0)})" if math.isfinite(n) else " (antallet bag tallet er ikke oplyst)"


def _own_assessment(index: int, sign: Tegn, why: str = "") -> SignFollowUp:
    name = f"»{sign.beskrivelse}«" if sign.beskrivelse else "Tegnet"
    if sign.dimension_id:
        # Rounds are compared on their own page (analysis.kapacitet_rounds); the sign points there.
        source = ("måles med kapacitetsinterviewet. Er interviewet gentaget (en ny runde), står ændringen fra "
                  "runde til runde under »Jeres data«")
    else:
        source = "bygger på jeres egne observationer"
    text = why or (f"{name} {source}. Skriv, hvad I har set og hørt siden sidst: hvad gør lærere og elever "
                   "anderledes, og er I på vej mod målet" + (f" ({sign.maal})" if sign.maal else "") + "?")
    return SignFollowUp(index, sign, OWN_ASSESSMENT, text, codes=(OWN_ASSESSMENT,))


def follow_up_sign(index: int, sign: Tegn, kvalitet: pd.DataFrame, catalogue: Catalogue,
                   school_id: str) -> SignFollowUp:
    """The follow-up of one sign; see `follow_up`."""
    indicator_id, group = sign.indicator_id, sign.indicator_group
    if indicator_id is None:
        return _own_assessment(index, sign)
    indicator = catalogue.get(indicator_id)
    if indicator is None:
        return _own_assessment(index, sign, f"Indikatoren »{indicator_id}« findes ikke i laboratoriets katalog, "
                                            "så tegnet kan ikke følges med tal. Skriv jeres egen vurdering.")
    name = indicator.label(group)
    target = first_number_in(sign.maal)
    base = SignFollowUp(index, sign, "", "", indicator_id=indicator_id, group=group, target=target)
    rows = _school_rows(kvalitet, school_id, indicator_id, group)
    baseline_year = sign.baseline_aar
    baseline = first_number_in(sign.baseline)
    if not baseline_year:
        return replace(base, verdict=NO_BASELINE, codes=(NO_BASELINE,),
                       text=f"{name}: tegnet har ingen baseline med skoleår, så det kan ikke siges, hvad der er "
                            "nyt. Skriv baseline og skoleåret for den i indsatsteorien.")
    if baseline is None:
        at = rows.loc[rows["school_year"] == baseline_year]
        baseline = float(at["value"].iloc[0]) if len(at) and _shown(at.iloc[0]) else None
    baseline_text = describe_value(baseline, indicator) if baseline is not None else "ukendt"
    base = replace(base, baseline=baseline if baseline is not None else math.nan, baseline_year=baseline_year)
    later = rows.loc[rows["school_year"] > baseline_year]
    if later.empty:
        newest = rows["school_year"].max() if len(rows) else ""
        text = (f"{name}: der er endnu ingen tal efter baseline-året {baseline_year}"
                + (f" (de nyeste tal er fra {newest})" if newest and newest != baseline_year else "")
                + f". Baseline er {baseline_text}. Følg tegnet med jeres egne observationer, til nye tal kommer.")
        return replace(base, verdict=NO_NEW_FIGURES, text=text, codes=(NO_NEW_FIGURES,))
    newest = later.iloc[-1]
    if not _shown(newest):
        why = ", fordi tallet bygger på for få elever" if newest["status"] == STATUS_TOO_FEW else ""
        shown_later = later.loc[[_shown(row) for _, row in later.iterrows()]]
        earlier = (f" Det seneste offentliggjorte tal efter baseline er {describe_value(float(shown_later['value'].iloc[-1]), indicator)} "
                   f"fra {shown_later['school_year'].iloc[-1]}." if len(shown_later) else "")
        text = (f"{name}: tallet for {newest['school_year']} er ikke offentliggjort{why}, så det kan ikke bruges "
                f"til at følge tegnet. Baseline er {baseline_text} fra {baseline_year}.{earlier} Brug jeres egne "
                "observationer for dette tegn.")
        return replace(base, verdict=NOT_PUBLISHED, text=text, latest_year=str(newest["school_year"]),
                       codes=(NOT_PUBLISHED,))
    latest, latest_year = float(newest["value"]), str(newest["school_year"])
    n = float(newest["n"]) if pd.notna(newest["n"]) else math.nan
    measured = baseline_change(kvalitet, catalogue, school_id, indicator, group, baseline_year)
    return _judged(replace(base, latest=latest, latest_year=latest_year, n=n, years=len(measured.years_after),
                           spread=measured.se, p=measured.p, robust=measured.robust), indicator, baseline, baseline_text, measured,
                   holds=measured.p <= SIGN_ALPHA and measured.robust)


def _judged(item: SignFollowUp, indicator: Indicator, baseline: float | None, baseline_text: str,
            measured: BaselineChange, holds: bool, signs: int = 1) -> SignFollowUp:
    """The verdict and text of a measured sign; `holds`: the change survived the correction over `signs`."""
    name, sign = indicator.label(item.group), item.sign
    latest, latest_year, baseline_year = item.latest, item.latest_year, item.baseline_year
    n_text = _n_text(item.n)
    if baseline is None:
        fact = f"{name} var {describe_value(latest, indicator)} i {latest_year}{n_text}; baseline-tallet er ukendt."
    elif describe_value(latest, indicator) == describe_value(baseline, indicator):
        fact = (f"{name} var {describe_value(latest, indicator)} i {latest_year}{n_text}, det samme som "
                f"baseline i {baseline_year}.")
    else:
        fact = (f"{name} gik fra {baseline_text} i {baseline_year} (baseline) til {describe_value(latest, indicator)} "
                f"i {latest_year}{n_text}.")
    if measured.code == BRUD:
        verdict = TOO_FEW_YEARS
        judged = (f" Tallene før og efter baseline kan ikke sammenlignes: {measured.break_note}. Vælg et "
                  "baseline-år efter bruddet.")
    elif measured.code or not math.isfinite(measured.p):
        verdict = TOO_FEW_YEARS
        judged = (" Der er ikke offentliggjorte tal for både baseline-året og årene efter, eller for få tal til at "
                  "vide, hvor meget tallet normalt svinger, så ændringen vurderes ikke.")
    else:
        against = REFERENCE_NAMES.get(measured.reference_kind) or "kommunen"
        moved = describe_change(abs(measured.reference_change), indicator) if math.isfinite(
            measured.reference_change) else ""
        went = "steg" if measured.reference_change > 0 else "faldt"
        kommune = (f" {against.capitalize()} {went} {moved} i samme periode."
                   if moved and not moved.startswith(("0,0 ", "0 ")) else "")
        compared = f"Set i forhold til {against} er ændringen" if measured.against_reference else \
            "Der er ikke tal at sammenligne med for alle årene, så skolens egen ændring vurderes alene: den er"
        compared_normal = f"Set i forhold til {against} ligger ændringen" if measured.against_reference else \
            "Der er ikke tal at sammenligne med for alle årene, så skolens egen ændring vurderes alene: den ligger"
        if holds:
            rising = measured.relative_change > 0
            if indicator.better == "kontekst":
                verdict = CHANGED
            else:
                verdict = IMPROVED if rising == (indicator.better == "højere") else WORSENED
            meaning = {IMPROVED: "en reel forbedring", WORSENED: "en reel forværring", CHANGED: "en reel ændring"}[verdict]
            many = f", også når man tager højde for, at I følger {signs} tegn" if signs > 1 else ""
            judged = (f" {compared} siden baseline større, end tallet normalt svinger"
                      f"{many}, så det er sandsynligvis {meaning}.{kommune}")
        else:
            verdict = NORMAL_VARIATION
            judged = (f" {compared_normal} siden baseline inden for, hvad tallet normalt svinger for en skole af "
                      f"jeres størrelse.{kommune} Det er endnu ikke et tegn på virkning – og heller ikke på det "
                      "modsatte.")
    target = item.target
    reached = _reached(latest, target, indicator) if target is not None else None
    codes: tuple[str, ...] = (verdict,)
    if reached:
        codes += (TARGET_REACHED,)
        real = verdict in (IMPROVED, CHANGED)
        judged += (f" Målet ({sign.maal}) er nået, og ændringen er større end den normale variation." if real else
                   f" Målet ({sign.maal}) er nået, men ændringen ligger inden for det, tallet kan svinge af sig "
                   "selv, så vent med at kalde det en effekt.")
    elif reached is False:
        judged += f" Målet ({sign.maal}) er ikke nået endnu."
    return replace(item, verdict=verdict, text=fact + judged, target_reached=reached, codes=codes)


def follow_up(theory: Indsatsteori, kvalitet: pd.DataFrame, catalogue: Catalogue,
              school_id: str) -> list[SignFollowUp]:
    """Every sign of the theory at the follow-up, in the theory's order.

    Signs measured in the kvalitetsrapport get baseline (the team's, or the published figure of the
    baseline year), the newest figure after the baseline year, target, n and a verdict; other signs
    get `egen_vurdering`, asking for the team's observation.
    """
    items = [follow_up_sign(index, sign, kvalitet, catalogue, school_id)
             for index, sign in enumerate(theory.indikatorer)]
    tested = [k for k, item in enumerate(items) if math.isfinite(item.p)]
    if len(tested) < 2:
        return items
    holds = holm([items[k].p if items[k].robust else 1.0 for k in tested], SIGN_ALPHA)
    for k, keep in zip(tested, holds):
        item = items[k]
        indicator = catalogue[str(item.indicator_id)]
        measured = baseline_change(kvalitet, catalogue, school_id, indicator, item.group, item.baseline_year)
        baseline = None if math.isnan(item.baseline) else item.baseline
        items[k] = _judged(item, indicator, baseline,
                           describe_value(item.baseline, indicator) if baseline is not None else "ukendt",
                           measured, bool(keep), len(tested))
    return items


# --- what changed in the theory --------------------------------------------------------------

LEAD_TEXT_FIELDS = tuple((f.key, f.label) for f in LEAD_FIELDS if not f.lines)
LIST_FIELDS = tuple((f.key, f.label) for f in (DATA_BASIS, *TAIL_FIELDS) if f.lines)
EVALUATION_FIELDS = tuple((key, evaluation_label(label)) for key, label in EVALUATION)
SIGN_FIELDS = tuple((key, SIGN_LABELS[key].lower()) for key in ("kilde", "baseline", "baseline_aar", "maal", "hvornaar",
                                                               "resultat_niveau", "art", "knyttet_til"))
QUOTE_LENGTH = 120


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return f"»{text if len(text) <= QUOTE_LENGTH else text[:QUOTE_LENGTH - 1] + '…'}«"


def _text_change(name: str, before: str, after: str) -> list[str]:
    if before == after:
        return []
    if not before:
        return [f"{name} er tilføjet: {_quote(after)}"]
    if not after:
        return [f"{name} er fjernet (var {_quote(before)})"]
    return [f"{name} er ændret fra {_quote(before)} til {_quote(after)}"]


def _list_change(name: str, before: list[str], after: list[str]) -> list[str]:
    lines = [f"{name}: tilføjet {_quote(item)}" for item in after if item not in before]
    return lines + [f"{name}: fjernet {_quote(item)}" for item in before if item not in after]


def _sign_name(sign: Tegn) -> str:
    return _quote(sign.beskrivelse or sign.kilde)


def _sign_value(theory: Indsatsteori, sign: Tegn, attribute: str) -> str:
    """A sign's field as the team reads it: what it belongs to by name, its kind and horizon in words."""
    if attribute == "knyttet_til":
        return item_name(theory, sign.knyttet_til)
    if attribute == "art":
        return SIGN_KINDS.get(sign.art, sign.art)
    if attribute == "resultat_niveau":
        return RESULT_LEVEL_NAMES[theory.sign_level(sign)]
    return str(getattr(sign, attribute))


def _sign_changes(before: Indsatsteori, after: Indsatsteori) -> list[str]:
    """Signs are matched by id (else description, else source); a sign with a new id shows as removed and added."""
    def key(sign: Tegn) -> str:
        return sign.id or sign.beskrivelse or sign.kilde

    old = {key(s): s for s in before.indikatorer}
    new = {key(s): s for s in after.indikatorer}
    lines = []
    for name, sign in new.items():
        if name not in old:
            lines.append(f"Tegn tilføjet: {_sign_name(sign)}" + (f" med målet {_quote(sign.maal)}" if sign.maal else ""))
            continue
        if old[name].beskrivelse != sign.beskrivelse:
            lines.append(f"Tegn {_sign_name(old[name])} hedder nu {_sign_name(sign)}")
        for attribute, word in SIGN_FIELDS:
            was, now = _sign_value(before, old[name], attribute), _sign_value(after, sign, attribute)
            if was != now:
                lines.append(f"Tegn {_sign_name(sign)}: {word} ændret fra {_quote(was) if was else '(tom)'} "
                             f"til {_quote(now) if now else '(tom)'}")
    return lines + [f"Tegn fjernet: {_sign_name(sign)}" for name, sign in old.items() if name not in new]


def _item_changes(kind: str, before: Indsatsteori, after: Indsatsteori,
                  old: list[Aktivitet] | list[Resultat], new: list[Aktivitet] | list[Resultat]) -> list[str]:
    """Activities or results matched by id: added, removed, reworded, re-pointed or with a new reason."""
    def text(item: Aktivitet | Resultat) -> str:
        return item.beskrivelse if isinstance(item, Aktivitet) else item.tekst

    def fields(theory: Indsatsteori, item: Aktivitet | Resultat) -> list[tuple[str, str]]:
        pointed = [(RESULT_LABELS["foerer_til"].lower(), item_name(theory, item.foerer_til)),
                   ("fordi", item.fordi)]
        if isinstance(item, Aktivitet):
            return [(ACTIVITY_LABELS[key].lower(), getattr(item, key)) for key in ("ansvarlig", "start", "slut")] + pointed
        return [("sigt", RESULT_LEVEL_NAMES[item.niveau]), ("hvis forandring", RESULT_GROUPS.get(item.hvem, ""))] + pointed

    by_id = {item.id: item for item in old}
    lines = []
    for item in new:
        was = by_id.pop(item.id, None)
        if was is None:
            lines.append(f"{kind} tilføjet: {_quote(text(item))}")
            continue
        lines += _text_change(f"{kind} {_quote(text(was))}", text(was), text(item)) if text(was) != text(item) else []
        for (word, before_value), (_, after_value) in zip(fields(before, was), fields(after, item)):
            if before_value != after_value:
                lines.append(f"{kind} {_quote(text(item))}: {word} ændret fra "
                             f"{_quote(before_value) if before_value else '(tom)'} til "
                             f"{_quote(after_value) if after_value else '(tom)'}")
    return lines + [f"{kind} fjernet: {_quote(text(item))}" for item in by_id.values()]


def theory_changes(before: Indsatsteori, after: Indsatsteori) -> list[str]:
    """What the team changed in a theory, as Danish lines in the form's order; [] when nothing."""
    lines: list[str] = []
    for key, name in LEAD_TEXT_FIELDS:
        lines += _text_change(name, getattr(before, key), getattr(after, key))
    lines += _item_changes("Resultat", before, after, before.resultater, after.resultater)
    lines += _item_changes("Aktivitet", before, after, before.aktiviteter, after.aktiviteter)
    for key, name in LIST_FIELDS:
        lines += _list_change(name, getattr(before, key), getattr(after, key))
    lines += _text_change(CONTEXT.label, before.kontekst, after.kontekst)
    for key in OLD_LINK_NAMES:
        lines += _text_change(f"Antagelse fra en tidligere udgave ({OLD_LINK_NAMES[key]})",
                              before.tidligere_antagelser.get(key, ""), after.tidligere_antagelser.get(key, ""))
    lines += _sign_changes(before, after)
    for key, name in EVALUATION_FIELDS:
        lines += _text_change(name, getattr(before.evaluering, key), getattr(after.evaluering, key))
    return lines
