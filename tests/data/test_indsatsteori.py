"""The indsatsteori model, its baseline from published figures, its hints, and its diagram."""

from __future__ import annotations

import json
import math
import time

import matplotlib.text
import pandas as pd
from matplotlib.figure import Figure

from labkit.data.indsatsteori import (
    Evaluering,
    FocusArea,
    Indsatsteori,
    Tegn,
    completeness,
    indicator_source,
    prefill_baseline,
)
from labkit.figures.indsatsteori import EMPTY, draw_indsatsteori
from labkit.views.display import figure_png

SCHOOL = "061001"


def full_theory() -> Indsatsteori:
    return Indsatsteori(
        focus_area=FocusArea("klasseledelse", "Ro, struktur og klasseledelse"),
        problem="Ro og orden på mellemtrinnet er faldet tre år i træk og ligger under kommunens niveau.",
        data_grundlag=["ro_orden", "klasseledelse"],
        maalgruppe="Elever og lærere i 4.–6. klasse",
        langsigtet_maal="Alle elever på mellemtrinnet oplever ro til at lære.",
        aktiviteter=["Fælles struktur for start og slut på timerne", "Kollegial sparring i årgangsteams"],
        ressourcer=["2 timer om måneden i teammøder", "Læsevejleder og AKT-vejleder"],
        kortsigtede_resultater=["Lærerne bruger den fælles struktur"],
        mellemlange_resultater=["Eleverne kender og følger rutinerne"],
        langsigtede_resultater=["Bedre faglig og social trivsel"],
        antagelser={"aktiviteter_til_kortsigtede": "Når lærerne planlægger sammen, bliver strukturen en vane.",
                    "kortsigtede_til_mellemlange": "Genkendelige rutiner giver tryghed.",
                    "mellemlange_til_langsigtede": "Ro i timerne giver plads til læring."},
        kontekst="Ny skoleleder fra august; to nye lærere på mellemtrinnet.",
        indikatorer=[Tegn("Ro og orden, mellemtrin", indicator_source("ro_orden", "Mellemtrin"), "3,5",
                          "2024/2025", "4,0", "2026/2027", "langsigtede"),
                     Tegn("Timer med fælles start", "egen observation", "20 %", "2025", "80 %", "marts 2026")],
        evaluering=Evaluering("Trivselsmåling og egne observationer", "På læringslab 2", "Ledelsen og vejlederne"),
    )


def texts(figure: Figure) -> str:
    """Every text in the figure, wrapped lines joined with spaces."""
    return " | ".join(t.get_text().replace("\n", " ") for t in figure.findobj(matplotlib.text.Text))


# --- the model ---------------------------------------------------------------------------------


def test_round_trip_keeps_every_field() -> None:
    theory = full_theory()
    stored = json.loads(json.dumps(theory.to_dict(), ensure_ascii=False))  # as it is in the workspace file
    assert stored["focus_area"] == {"id": "klasseledelse", "title": "Ro, struktur og klasseledelse"}
    assert stored["indikatorer"][0]["kilde"] == "kvalitetsrapport:ro_orden/Mellemtrin"
    assert Indsatsteori.from_dict(stored) == theory


def test_older_and_partial_files_load() -> None:
    theory = Indsatsteori.from_dict({
        "focus_area": "Fravær",  # older files: the title alone
        "problem": "Fraværet stiger",
        "aktiviteter": "Tidlig kontakt til hjemmet\n\n  Mentorordning  \n",  # one per line, as typed
        "ressourcer": None,
        "antagelser": {"aktiviteter_til_kortsigtede": "Hurtig kontakt virker", "ukendt_led": "x",
                       "kortsigtede_til_mellemlange": ""},
        "indikatorer": [{"beskrivelse": "Fravær", "baseline": 7.8, "resultat_niveau": "om et år"}, "ikke et tegn"],
        "evaluering": "ikke en ordbog",
        "et_felt_fra_fremtiden": 1,
    })
    assert theory.focus_area == FocusArea("", "Fravær")
    assert theory.aktiviteter == ["Tidlig kontakt til hjemmet", "Mentorordning"]
    assert theory.ressourcer == [] and theory.langsigtet_maal == "" and theory.evaluering == Evaluering()
    assert theory.antagelser == {"aktiviteter_til_kortsigtede": "Hurtig kontakt virker"}
    [tegn] = theory.indikatorer
    assert (tegn.kilde, tegn.baseline, tegn.resultat_niveau) == ("egen observation", "7,8", "kortsigtede")
    assert Indsatsteori.from_dict(None) == Indsatsteori()
    assert Indsatsteori(focus_area="Trivsel").focus_area.title == "Trivsel"  # type: ignore[arg-type]


def test_a_sign_knows_its_source() -> None:
    assert Tegn(kilde="kvalitetsrapport:fravaer").indicator_id == "fravaer"
    grouped = Tegn(kilde=indicator_source("social_trivsel", "Udskoling"))
    assert (grouped.indicator_id, grouped.indicator_group) == ("social_trivsel", "Udskoling")
    assert Tegn(kilde="kapacitet:plf").dimension_id == "plf" and Tegn(kilde="kapacitet:plf").indicator_id is None
    assert Tegn().indicator_id is None and Tegn().dimension_id is None


# --- baseline from the kvalitetsrapport --------------------------------------------------------


def kvalitet_table() -> pd.DataFrame:
    """A small tidy table as labkit.data.kvalitet gives it: years with shown, hidden and missing values."""
    published, hidden, too_few = "offentliggjort", "ikke offentliggjort", "for få besvarelser"
    rows = [
        (SCHOOL, "skole", "2022/2023", "fravaer", "", 6.1, published),
        (SCHOOL, "skole", "2023/2024", "fravaer", "", 7.84, published),
        (SCHOOL, "skole", "2024/2025", "fravaer", "", math.nan, hidden),  # newest year not published
        ("", "kommune", "2024/2025", "fravaer", "", 6.0, published),  # not the school's own figure
        ("101003", "skole", "2024/2025", "fravaer", "", 4.2, published),  # another school
        (SCHOOL, "skole", "2023/2024", "ro_orden", "Mellemtrin", 3.6, published),
        (SCHOOL, "skole", "2024/2025", "ro_orden", "Mellemtrin", 3.45, published),
        (SCHOOL, "skole", "2023/2024", "ro_orden", "Udskoling", math.nan, too_few),
        (SCHOOL, "skole", "2024/2025", "ro_orden", "Udskoling", 3.1, too_few),  # a value, but not shown
        (SCHOOL, "skole", "2024/2025", "karaktergennemsnit", "", math.nan, hidden),
    ]
    return pd.DataFrame(rows, columns=["school_id", "level", "school_year", "indicator", "group", "value", "status"])


def test_baseline_is_the_latest_published_value_of_the_school() -> None:
    tegn = Tegn("Samlet elevfravær", indicator_source("fravaer"), maal="5,0")
    filled, note = prefill_baseline(tegn, kvalitet_table(), SCHOOL)
    assert (filled.baseline, filled.baseline_aar, filled.maal, note) == ("7,8", "2023/2024", "5,0", None)
    assert tegn.baseline == ""  # the team's sign is not changed in place
    grouped, note = prefill_baseline(Tegn("Ro og orden", indicator_source("ro_orden", "Mellemtrin")),
                                     kvalitet_table(), SCHOOL)
    assert (grouped.baseline, grouped.baseline_aar, note) == ("3,5", "2024/2025", None)


def test_a_hidden_value_is_never_used_and_the_team_is_told_why() -> None:
    table = kvalitet_table()
    hidden, note = prefill_baseline(Tegn("Ro og orden", indicator_source("ro_orden", "Udskoling")), table, SCHOOL)
    assert hidden.baseline == "" and hidden.baseline_aar == ""
    assert note and "skjult" in note and "Skriv en baseline selv" in note
    hidden, note = prefill_baseline(Tegn("Karakterer", indicator_source("karaktergennemsnit")), table, SCHOOL)
    assert hidden.baseline == "" and note and "skjult" in note
    ungrouped, note = prefill_baseline(Tegn("Ro og orden", indicator_source("ro_orden")), table, SCHOOL)
    assert ungrouped.baseline == "" and note and "Mellemtrin, Udskoling" in note
    missing, note = prefill_baseline(Tegn("Inklusion", indicator_source("inklusionsgrad")), table, SCHOOL)
    assert missing.baseline == "" and note and "ingen tal" in note


def test_a_baseline_the_team_typed_is_kept() -> None:
    typed = Tegn("Fravær", indicator_source("fravaer"), baseline="ca. 8 %", baseline_aar="2025")
    assert prefill_baseline(typed, kvalitet_table(), SCHOOL) == (typed, None)
    own = Tegn("Timer med fælles start", "egen observation")
    assert prefill_baseline(own, kvalitet_table(), SCHOOL) == (own, None)
    assert prefill_baseline(Tegn("x", indicator_source("fravaer")), kvalitet_table(), None)[0].baseline == ""


# --- what is still missing ---------------------------------------------------------------------


def test_hints_follow_the_guides_order() -> None:
    hints = completeness(Indsatsteori())
    assert hints[0].startswith("Beskriv problemet")
    assert hints[1] == "Skriv det langsigtede mål først – så er det lettere at arbejde baglæns."
    order = ["Beskriv problemet", "Skriv det langsigtede mål", "målgruppen", "lang sigt", "mellemlange",
             "kortsigtede", "aktiviteter", "antagelser", "kontekst", "tegn", "evaluer"]
    positions = [next(i for i, hint in enumerate(hints) if word.lower() in hint.lower()) for word in order]
    assert positions == sorted(positions)
    assert completeness(full_theory()) == []


def test_hints_name_what_a_part_lacks() -> None:
    theory = full_theory()
    theory.antagelser.pop("kortsigtede_til_mellemlange")
    theory.indikatorer[0].maal = ""
    theory.evaluering.hvem = ""
    theory.ressourcer = []
    hints = completeness(theory)
    assert any("Mangler: kortsigtede → mellemlange resultater." in hint for hint in hints)
    assert "Tegnet »Ro og orden, mellemtrin« mangler mål." in hints
    assert any("(mangler: hvem)" in hint for hint in hints)
    assert any("ressourcer" in hint for hint in hints)
    assert hints[0].startswith("Hvilke ressourcer")  # problem, goal and results are all there


# --- the diagram -------------------------------------------------------------------------------


def test_the_diagram_shows_the_teams_words() -> None:
    shown = texts(draw_indsatsteori(full_theory()))
    for part in ("Ro, struktur og klasseledelse", "Målgruppe: Elever og lærere i 4.–6. klasse", "Problem",
                 "Aktiviteter", "Kortsigtede", "Mellemlange", "Langsigtede", "Mål: Alle elever",
                 "Fælles struktur for", "Læsevejleder og AKT-", "Eleverne kender og", "Genkendelige",
                 "Tegn: Ro og orden, mellemtrin (3,5 → 4,0)", "Hvornår: 2026/2027", "Data: ro_orden, klasseledelse",
                 "Kontekst: Ny skoleleder fra august"):
        assert part in shown, part
    assert EMPTY not in shown


def test_an_empty_theory_draws_placeholders() -> None:
    figure = draw_indsatsteori(Indsatsteori())
    shown = texts(figure)
    assert shown.count(EMPTY) >= 7 and "Indsatsteori" in shown and "antagelse?" in shown
    grey = [t for t in figure.findobj(matplotlib.text.Text) if EMPTY in t.get_text()]
    assert all(t.get_color() == "#8a8a8a" for t in grey)
    assert figure_png(figure, dpi=50).startswith(b"\x89PNG")


def test_long_texts_are_cut_and_odd_characters_drawn() -> None:
    theory = full_theory()
    theory.problem = "Eleverne oplever uro, og lærerne bruger meget tid på at skabe ro. " * 30
    theory.aktiviteter = [f"Aktivitet nr. {n} med en lang beskrivelse af, hvad vi gør" for n in range(12)]
    theory.kontekst = "Budget: 50.000 $ – og 100 % opbakning fra bestyrelsen. " * 10
    theory.indikatorer = [Tegn(f"Tegn {n}", resultat_niveau="mellemlange") for n in range(6)]
    figure = draw_indsatsteori(theory)
    shown = texts(figure)
    assert "…" in shown and "+ 3 tegn mere" in shown and "+ 3 mere" in shown and "50.000 $" in shown
    assert len(shown) < 3000  # cut to what fits, not the whole text
    figure_png(figure, dpi=50)  # "$" is not read as mathtext


def test_a_title_put_in_after_construction_is_shown() -> None:
    theory = Indsatsteori()
    theory.focus_area = "Fremmøde og fravær"  # type: ignore[assignment]  # as notebook code may do
    assert "Fremmøde og fravær" in texts(draw_indsatsteori(theory))


def test_a_typical_theory_redraws_quickly() -> None:
    theory = full_theory()
    figure_png(draw_indsatsteori(theory), dpi=80)  # fonts loaded once
    timings = []
    for _ in range(2):
        start = time.perf_counter()
        figure_png(draw_indsatsteori(theory), dpi=80)
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.6  # ~0.25 s on an idle two-core machine; the margin is for busy CI runners
