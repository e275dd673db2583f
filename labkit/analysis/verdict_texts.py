"""The Danish words of the verdict engine: codes decided from the tests, and one plain sentence each.

`finding` is called by `labkit.analysis.verdicts` once Holm's correction has said which statements hold;
everything a reader sees about a verdict is written here, so the sentences cannot drift apart.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from labkit.analysis.findings import (
    BEDRE,
    BRUD,
    DAARLIGERE,
    FOR_FAA_AAR,
    HINT_P,
    IKKE_OFFENTLIGGJORT,
    INGEN_VURDERING,
    MINISTRY_LEVELS,
    NORMAL,
    OVER,
    PAA_NIVEAU,
    REFERENCE_NAMES,
    ROBUST_P,
    UNDER,
    Development,
    Finding,
    Level,
    describe_change,
    describe_value,
)
from labkit.data.catalogue import CONTEXT, PUBLISHED_VERDICT, Indicator

# The ministry's own words for its three verdicts (SocRef), by the engine's level codes.
_MINISTRY_NAMES = {OVER: "Over niveau", PAA_NIVEAU: "På niveau", UNDER: "Under niveau"}


def ministry_word(value: float) -> str:
    """The ministry's word for its published verdict (−1/0/1), read through `MINISTRY_LEVELS`."""
    return _MINISTRY_NAMES.get(MINISTRY_LEVELS.get(float(value), ""), "?")


def _years(years: tuple[str, ...] | list[str]) -> str:
    return years[0] if len(years) == 1 else ", ".join(years[:-1]) + " og " + years[-1]


def _year(start: int) -> str:
    return f"{start}/{start + 1}"


def _hidden_sentence(facts: dict[str, Any]) -> str:
    hidden, too_few = facts["hidden"], facts["too_few"]
    if not hidden:
        return ""
    why = ", fordi tallet bygger på for få elever" if len(too_few) == len(hidden) else ""
    return f" Tallet for {_years(hidden)} er ikke offentliggjort{why}." if len(hidden) == 1 else \
        f" Tallene for {_years(hidden)} er ikke offentliggjort{why}."


def finding(school_id: str, indicator: Indicator, group: str, facts: dict[str, Any], development_holds: bool,
            level_holds: bool, development_p: float, level_p: float) -> Finding:
    latest = facts["latest"]
    starts = facts["starts"]
    latest_year = _year(int(starts[latest])) if latest >= 0 else ""
    value = float(facts["values"][latest]) if latest >= 0 else math.nan
    at = latest if latest >= 0 else len(starts) - 1
    return Finding(
        school_id, indicator, group,
        _level(indicator, group, facts, level_holds, level_p),
        _development(indicator, group, facts, development_holds, development_p),
        latest_year, value, float(facts.get("n", math.nan)),
        float(facts["kommune"][at]) if len(starts) else math.nan,
        float(facts["land"][at]) if len(starts) else math.nan,
        float(facts["year_sd"]), float(facts["band_quantile"]), float(facts["factor"]), tuple(facts["hidden"]),
        tuple(facts["too_few"]), tuple(facts["nowhere"]))


# --- development -------------------------------------------------------------------------------


def _development(indicator: Indicator, group: str, facts: dict[str, Any], holds: bool, p: float) -> Development:
    name, latest, starts, values = indicator.label(group), facts["latest"], facts["starts"], facts["values"]
    hidden = _hidden_sentence(facts)
    if latest < 0:
        why = ", fordi tallet bygger på for få elever" if facts["too_few"] else ""
        return Development(IKKE_OFFENTLIGGJORT, f"{name}: der er ingen offentliggjorte tal for skolen{why}.")
    now = f"{name} var {describe_value(float(values[latest]), indicator)} i {_year(int(starts[latest]))}."
    if indicator.uncertainty in (CONTEXT, PUBLISHED_VERDICT) or indicator.better == "kontekst":
        return Development(INGEN_VURDERING, _context_history(indicator, name, facts) + hidden)
    trend = facts.get("trend")
    used = facts["trend_columns"]
    if trend is None:
        latest_comparable = latest in {int(j) for j in used} or not facts["restart"]
        if facts["break_note"] and (facts["earlier_published"] or not latest_comparable):
            since = f" Siden {_year(facts['restart'])} er der tal for {len(used)} år, og" if facts["restart"] else ""
            return Development(BRUD, f"{now} Tallene før og efter et brud i serien kan ikke sammenlignes: "
                               f"{facts['break_note']}{since} det er for lidt til at sige noget om en udvikling."
                               + hidden, break_note=facts["break_note"])
        if len(used) < 3:
            return Development(FOR_FAA_AAR, f"{now} Der er kun tal for {len(used)} år, og det er for lidt til at "
                               f"sige, om der er en udvikling.{hidden}")
        return Development(FOR_FAA_AAR, f"{now} Der er for få tal fra kommunens skoler til at vide, hvor meget "
                           f"tallet normalt svinger, så der siges intet om udviklingen.{hidden}")
    years = trend["years"]
    first = int(used[0])
    common = {"years": years, "change": trend["change"], "relative_change": trend["relative_change"],
                  "reference_change": trend["reference_change"], "se": trend["se"], "p": trend["p"],
                  "robust": trend["loo_p"] <= ROBUST_P, "break_note": facts["break_note"]}
    path = f"fra {describe_value(float(values[first]), indicator)} i {years[0]} til " \
           f"{describe_value(float(values[latest]), indicator)} i {years[-1]}"
    where = REFERENCE_NAMES[facts["reference_kind"]]
    reference_note = _reference_note(indicator, facts, first, latest)
    if holds:
        rising = trend["relative_change"] > 0
        good = rising == (indicator.better == "højere")
        verb = "steget" if trend["change"] > 0 else "faldet"
        same_way = trend["change"] * trend["relative_change"] > 0
        moved = bool(_reference_path(indicator, facts, first, latest)) and not _reference_still(indicator, facts,
                                                                                                 first, latest)
        relative = (f", mere end {where}" if same_way else f", men mindre end {where}") if where and moved else ""
        direction = "forbedring" if good else "forværring"
        text = (f"{name} er {verb} {path}{relative} ({len(years)} år med tal). Det er mere, end skolens tal plejer "
                f"at svinge, også når man ser bort fra et enkelt år, så det er sandsynligvis en reel "
                f"{direction}.{reference_note}{hidden}")
        return Development(BEDRE if good else DAARLIGERE, text, **common)
    latest_start = int(starts[latest])
    rising = trend["change"] > 0
    verb = "steget" if rising else "faldet"
    if facts["unusual"]:
        word = "højt" if trend["surprise"] > 0 else "lavt"
        text = (f"{now} Det er usædvanligt {word} i forhold til skolens egne tal de foregående år – se, om det "
                f"holder næste år. Over {len(years)} år med tal ({years[0]}–{years[-1]}) er der ingen udvikling ud over den "
                f"normale variation.{reference_note}{hidden}")
        return Development(NORMAL, text, unusual_latest=True, **common)
    reference_change = trend["reference_change"]
    followed = (where and trend["absolute_p"] <= HINT_P and trend["absolute_loo_p"] <= ROBUST_P
                and trend["change"] * reference_change > 0 and abs(reference_change) >= abs(trend["change"]) / 2)
    if followed:
        text = (f"{name} er {verb} {path}, men {where} er gået samme vej"
                f"{_reference_path(indicator, facts, first, latest)}: skolen har fulgt {where} og har ikke "
                f"udviklet sig anderledes, end tallene normalt svinger.{hidden}")
        return Development(NORMAL, text, **common)
    if trend["p"] <= HINT_P and trend["loo_p"] <= ROBUST_P:
        text = (f"{name} er {verb} {path}{' i forhold til ' + where if where else ''}. Det ligner en udvikling, men "
                f"den er ikke sikker, når man ser på alle skolens tal på én gang.{reference_note}{hidden}")
        return Development(NORMAL, text, **common)
    if trend["p"] <= HINT_P and trend["weakest"] == latest_start:
        text = (f"{name} er {verb} {path}, men det hviler på det seneste år alene – se, om det holder næste år. "
                f"Over {len(years)} år er der ingen sikker udvikling.{reference_note}{hidden}")
        return Development(NORMAL, text, **common)
    text = (f"{now} Over {len(years)} år med tal ({years[0]}–{years[-1]}) har tallet ikke ændret sig mere i forhold til "
            f"{where or 'tidligere'}, end det normalt svinger.{hidden}")
    return Development(NORMAL, text, **common)


def _reference_path(indicator: Indicator, facts: dict[str, Any], first: int, latest: int) -> str:
    reference = facts["reference"]
    start, end = float(reference[first]), float(reference[latest])
    if math.isnan(start) or math.isnan(end) or facts["reference_kind"] in ("median", ""):
        return ""
    return f" (fra {describe_value(start, indicator)} til {describe_value(end, indicator)})"


def _reference_still(indicator: Indicator, facts: dict[str, Any], first: int, latest: int) -> bool:
    """Did the reference show the same figure in both years (as written)?"""
    start, end = (describe_value(float(facts["reference"][j]), indicator) for j in (first, latest))
    return start == end


def _reference_note(indicator: Indicator, facts: dict[str, Any], first: int, latest: int) -> str:
    where = REFERENCE_NAMES[facts["reference_kind"]]
    if not _reference_path(indicator, facts, first, latest):
        return ""
    start, end = (describe_value(float(facts["reference"][j]), indicator) for j in (first, latest))
    years = f"{_year(int(facts['starts'][first]))} og {_year(int(facts['starts'][latest]))}"
    if start == end:
        return f" {where.capitalize()}s tal lå på {end} både i {years}."
    return f" {where.capitalize()} gik i samme periode fra {start} til {end}."


def _context_history(indicator: Indicator, name: str, facts: dict[str, Any]) -> str:
    starts, values = facts["starts"], facts["values"]
    shown = [j for j in range(len(starts)) if np.isfinite(values[j])]
    if indicator.uncertainty == PUBLISHED_VERDICT:
        words = [f"{ministry_word(values[j])} ({_year(int(starts[j]))})" for j in shown[-3:]]
        return f"Ministeriets vurdering de seneste år: {', '.join(words)}. Ministeriet har selv testet forskellen."
    first, last = shown[0], shown[-1]
    if first == last:
        return f"{name} var {describe_value(float(values[last]), indicator)} i {_year(int(starts[last]))}. " \
               "Tallet vises til orientering og vurderes ikke."
    return (f"{name} gik fra {describe_value(float(values[first]), indicator)} i {_year(int(starts[first]))} til "
            f"{describe_value(float(values[last]), indicator)} i {_year(int(starts[last]))}. Tallet vises til "
            "orientering og vurderes ikke.")


# --- level --------------------------------------------------------------------------------------


def _level(indicator: Indicator, group: str, facts: dict[str, Any], holds: bool, p: float) -> Level:
    name, latest, starts, values = indicator.label(group), facts["latest"], facts["starts"], facts["values"]
    if latest < 0:
        return Level(IKKE_OFFENTLIGGJORT, f"{name}: der er intet offentliggjort tal for skolen at sammenligne med.")
    year = _year(int(starts[latest]))
    value = float(values[latest])
    ministry = facts.get("ministry")
    if indicator.uncertainty == PUBLISHED_VERDICT:
        ministry = values
    if ministry is not None and np.isfinite(ministry).any():
        at = int(np.flatnonzero(np.isfinite(ministry))[-1])
        verdict = float(ministry[at])
        code = MINISTRY_LEVELS.get(verdict, INGEN_VURDERING)
        before = [j for j in np.flatnonzero(np.isfinite(ministry)) if j < at]
        previous = f" Året før: »{ministry_word(ministry[before[-1]])}«." if before else ""
        meaning = {OVER: "over det niveau, man kunne forvente ud fra elevernes baggrund",
                   UNDER: "under det niveau, man kunne forvente ud fra elevernes baggrund",
                   PAA_NIVEAU: "på det niveau, man kunne forvente ud fra elevernes baggrund"}.get(code, "")
        text = (f"Ministeriet vurderer, at skolens elever i {_year(int(starts[at]))} fik karakterer {meaning} "
                f"(»{ministry_word(verdict)}«).{previous}")
        favourable = {OVER: True, UNDER: False}.get(code)
        return Level(code, text, _year(int(starts[at])), "", math.nan, math.nan, math.nan, math.nan, favourable,
                     True, facts.get("rank_below", 0), facts.get("schools", 0))
    fact = f"I {year} var {name} {describe_value(value, indicator)}"
    kind = facts["reference_kind"]
    where = REFERENCE_NAMES[kind]
    reference = float(facts["reference"][latest]) if kind else math.nan
    rank = (facts.get("rank_below", 0), facts.get("schools", 0))
    if indicator.uncertainty in (CONTEXT, PUBLISHED_VERDICT) or indicator.better == "kontekst":
        against = f" mod {where}s {describe_value(reference, indicator)}" if kind in ("kommune", "land") \
            and not math.isnan(reference) else ""
        return Level(INGEN_VURDERING, f"{fact}{against}. Tallet vises til orientering og vurderes ikke.", year,
                     where, reference, value - reference, math.nan, math.nan, None, False, *rank)
    if not kind or math.isnan(reference):
        return Level(INGEN_VURDERING, f"{fact}; der er intet tal for kommunen eller landet det år at "
                     "sammenligne med.", year, where, reference, math.nan, math.nan, math.nan, None, False, *rank)
    sd = float(facts.get("level_sd", math.nan))
    difference = value - reference
    against = f"{fact} mod {where}s {describe_value(reference, indicator)}" if kind != "median" else \
        f"{fact}; {where} lå på {describe_value(reference, indicator)}"
    # The short lead, for when the development's sentence has already said the school's figure.
    short = (f"{where.capitalize()}s tal var {describe_value(reference, indicator)} i {year}" if kind != "median"
             else f"{where.capitalize()} lå på {describe_value(reference, indicator)} i {year}")
    if math.isnan(sd):
        rest = ". Der er for få tal til at vide, hvor meget skolens tal normalt svinger, så forskellen vurderes ikke."
        return Level(FOR_FAA_AAR, against + rest, year, where, reference, difference, sd, p, None, False, *rank,
                     short=short + rest)
    size = describe_change(abs(difference), indicator)
    above = difference > 0
    same = size.startswith(("0,0 ", "0 "))
    gap = "på samme tal" if same else f"{size} {'højere' if above else 'lavere'}"
    versus = f"på samme tal som {where}" if same else f"{gap} end {where}"
    short_lead = f"I {year} lå skolen {versus}"  # after a development sentence: no figure said twice
    if holds:
        good = above == (indicator.better == "højere")
        tail = (f". Det er mere, end skolens tal plejer at svinge fra år til år, så skolen ligger sandsynligvis "
                f"reelt {'over' if above else 'under'} {where} ({'bedre' if good else 'dårligere'}).{_rank_note(*rank)}")
        return Level(OVER if above else UNDER, f"{against}: skolen lå {gap}{tail}", year, where, reference,
                     difference, sd, p, good, False, *rank, short=short_lead + tail)
    if same:
        tail = "."
    elif p <= HINT_P:
        tail = ". Forskellen kan være reel, men den er ikke sikker, når man ser på alle skolens tal på én gang."
    else:
        tail = ", inden for hvad skolens tal normalt svinger fra år til år."
    return Level(PAA_NIVEAU, f"{against}: skolen lå {gap}{tail}", year, where, reference, difference, sd, p, None,
                 False, *rank, short=short_lead + tail)


def _rank_note(below: int, schools: int) -> str:
    if schools < 5:
        return ""
    if below == 0:
        return f" Skolen har det laveste tal af {schools} skoler i data."
    if below == schools - 1:
        return f" Skolen har det højeste tal af {schools} skoler i data."
    return ""
