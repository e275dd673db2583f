"""The indsatsteori model, its migration from version 1, its baseline from published figures, its
hints, and its diagram."""

from __future__ import annotations

import copy
import json
import math

import matplotlib.text
import pandas as pd
from matplotlib.figure import Figure

from labkit.data.indsatsteori import (
    GOAL_ID,
    IMPLEMENTATION,
    MODEL_VERSION,
    OUTCOME,
    PRACTICE,
    PUPILS,
    Aktivitet,
    Evaluering,
    FocusArea,
    Indsatsteori,
    Resultat,
    Tegn,
    completeness,
    default_level,
    if_then,
    indicator_source,
    migrated,
    prefill_baseline,
)
from labkit.figures.indsatsteori import BODY, EMPTY, GREY, draw_indsatsteori
from labkit.views.display import figure_png, figure_svg

SCHOOL = "061001"


def full_theory() -> Indsatsteori:
    return Indsatsteori(
        focus_area=FocusArea("klasseledelse", "Ro, struktur og klasseledelse"),
        problem="Ro og orden på mellemtrinnet er faldet tre år i træk og ligger under kommunens niveau.",
        data_grundlag=["ro_orden", "klasseledelse"],
        maalgruppe="Elever og lærere i 4.–6. klasse",
        langsigtet_maal="Alle elever på mellemtrinnet oplever ro til at lære.",
        resultater=[
            Resultat("Lærerne bruger den fælles struktur", "kortsigtede", PRACTICE, "r2",
                     "Genkendelige rutiner giver tryghed", "r1"),
            Resultat("Eleverne kender og følger rutinerne", "mellemlange", PUPILS, "r3",
                     "ro i timerne giver plads til læring", "r2"),
            Resultat("Bedre faglig og social trivsel", "langsigtede", PUPILS, GOAL_ID, "", "r3"),
        ],
        aktiviteter=[
            Aktivitet("Fælles struktur for start og slut på timerne", "Afdelingslederen", "uge 34", "juni 2027",
                      "r1", "når lærerne planlægger sammen, bliver strukturen en vane", "a1"),
            Aktivitet("Kollegial sparring i årgangsteams", "AKT-vejlederen", "oktober 2026", "",
                      "r1", "sparring på egen praksis ændrer den", "a2"),
        ],
        ressourcer=["2 timer om måneden i teammøder", "Læsevejleder og AKT-vejleder"],
        kontekst="Ny skoleleder fra august; to nye lærere på mellemtrinnet.",
        risici=["Teammøderne bliver aflyst"],
        justeringer=["Holdes under halvdelen af møderne, ændrer vi mødeformen"],
        indikatorer=[Tegn("Ro og orden, mellemtrin", indicator_source("ro_orden", "Mellemtrin"), "3,5",
                          "2024/2025", "4,0", "2026/2027", "mellemlange", OUTCOME, "r2", "t1"),
                     Tegn("Timer med fælles start", "egen observation", "20 %", "2025", "80 %", "marts 2026",
                          "kortsigtede", IMPLEMENTATION, "a1", "t2")],
        evaluering=Evaluering("Trivselsmåling og egne observationer", "På læringslab 2", "Ledelsen og vejlederne"),
    )


# A theory as labkit wrote it before `model: 2` (the shape of every workspace saved until now).
VERSION_1 = {
    "focus_area": {"id": "klasseledelse", "title": "Ro, struktur og klasseledelse"},
    "problem": "Ro og orden er faldet.",
    "data_grundlag": ["ro_orden"],
    "maalgruppe": "Elever og lærere i 4.–6. klasse",
    "langsigtet_maal": "Ro til at lære.",
    "aktiviteter": ["Fælles struktur for timerne", "Kollegial sparring"],
    "ressourcer": ["Teammøder"],
    "kortsigtede_resultater": ["Lærerne bruger strukturen"],
    "mellemlange_resultater": [],
    "langsigtede_resultater": ["Bedre trivsel", "Bedre karakterer"],
    "antagelser": {"aktiviteter_til_kortsigtede": "Sammen bliver det en vane.",
                   "kortsigtede_til_mellemlange": "Rutiner giver tryghed.",
                   "mellemlange_til_langsigtede": "Ro giver læring."},
    "kontekst": "Ny skoleleder.",
    "indikatorer": [{"beskrivelse": "Ro og orden", "kilde": "kvalitetsrapport:ro_orden/Mellemtrin",
                     "baseline": "3,5", "baseline_aar": "2024/2025", "maal": "4,0", "hvornaar": "2026/2027",
                     "resultat_niveau": "langsigtede", "id": "0"}],
    "evaluering": {"hvordan": "Trivselsmåling", "hvornaar": "Lab 2", "hvem": "Ledelsen"},
}


def texts(figure: Figure) -> str:
    figure.canvas.draw()
    return "\n".join(t.get_text() for t in figure.findobj(matplotlib.text.Text))


# --- the model ---------------------------------------------------------------------------------


def test_round_trip_keeps_every_field() -> None:
    theory = full_theory()
    stored = json.loads(json.dumps(theory.to_dict(), ensure_ascii=False))  # as it is in the workspace file
    assert stored["model"] == MODEL_VERSION
    assert stored["focus_area"] == {"id": "klasseledelse", "title": "Ro, struktur og klasseledelse"}
    assert stored["indikatorer"][0]["kilde"] == "kvalitetsrapport:ro_orden/Mellemtrin"
    assert stored["aktiviteter"][0]["ansvarlig"] == "Afdelingslederen"
    assert Indsatsteori.from_dict(stored) == theory


def test_odd_values_in_a_file_are_dropped_not_raised() -> None:
    theory = Indsatsteori.from_dict({
        "model": MODEL_VERSION,
        "focus_area": "Fravær",  # older files: the title alone
        "problem": "Fraværet stiger",
        "ressourcer": None,
        "resultater": [{"tekst": "Færre fraværsdage", "niveau": "om et år", "hvem": "forældre"}, "ikke et resultat"],
        "aktiviteter": [{"beskrivelse": "Tidlig kontakt", "ansvarlig": 7}, None],
        "indikatorer": [{"beskrivelse": "Fravær", "baseline": 7.8, "art": "noget", "resultat_niveau": "x"},
                        "ikke et tegn"],
        "evaluering": "ikke en ordbog",
        "et_felt_fra_fremtiden": 1,
    })
    assert theory.focus_area == FocusArea("", "Fravær")
    assert theory.ressourcer == [] and theory.langsigtet_maal == "" and theory.evaluering == Evaluering()
    [result] = theory.resultater
    assert (result.niveau, result.hvem) == ("kortsigtede", "")  # unknown horizon and group are not guessed
    assert theory.aktiviteter == [Aktivitet("Tidlig kontakt", "7")]
    [tegn] = theory.indikatorer
    assert (tegn.kilde, tegn.baseline, tegn.art, tegn.resultat_niveau) == ("egen observation", "7,8", OUTCOME,
                                                                           "kortsigtede")
    assert Indsatsteori.from_dict(None) == Indsatsteori()
    assert Indsatsteori(focus_area="Trivsel").focus_area.title == "Trivsel"  # type: ignore[arg-type]


def test_a_version_1_theory_keeps_every_word_in_the_new_model() -> None:
    stored = copy.deepcopy(VERSION_1)
    theory = Indsatsteori.from_dict(stored)
    assert stored == VERSION_1  # migration does not touch what it reads
    assert [a.beskrivelse for a in theory.aktiviteter] == VERSION_1["aktiviteter"]
    assert [(r.tekst, r.niveau) for r in theory.resultater] == [
        ("Lærerne bruger strukturen", "kortsigtede"), ("Bedre trivsel", "langsigtede"),
        ("Bedre karakterer", "langsigtede")]
    assert all(r.hvem == "" for r in theory.resultater)  # whose change it is was never said: not guessed
    # Version 1 drew arrows between boxes, never between items: no item gets an arrow it never had,
    # and the box assumptions are kept for the team to place, every word of them.
    assert all(item.foerer_til == "" and item.fordi == "" for item in (*theory.aktiviteter, *theory.resultater))
    assert theory.tidligere_antagelser == {"aktiviteter_til_kortsigtede": "Sammen bliver det en vane.",
                                           "kortsigtede_til_mellemlange": "Rutiner giver tryghed.",
                                           "mellemlange_til_langsigtede": "Ro giver læring."}
    assert any("Flyt antagelserne" in hint for hint in completeness(theory))
    [tegn] = theory.indikatorer
    assert (tegn.resultat_niveau, tegn.art, tegn.id) == ("langsigtede", OUTCOME, "0")


def test_migration_is_stable_and_idempotent() -> None:
    once = migrated(copy.deepcopy(VERSION_1))
    assert migrated(copy.deepcopy(VERSION_1)) == once  # the same file gives the same ids every time
    assert migrated(once) == once
    assert Indsatsteori.from_dict(once) == Indsatsteori.from_dict(VERSION_1)
    saved = json.loads(json.dumps(Indsatsteori.from_dict(VERSION_1).to_dict()))
    assert Indsatsteori.from_dict(saved) == Indsatsteori.from_dict(VERSION_1)


def test_one_text_per_line_activities_of_the_oldest_files_migrate() -> None:
    theory = Indsatsteori.from_dict({"aktiviteter": "Tidlig kontakt til hjemmet\n\n  Mentorordning  \n",
                                     "antagelser": {"ukendt_led": "x", "kortsigtede_til_mellemlange": ""}})
    assert [a.beskrivelse for a in theory.aktiviteter] == ["Tidlig kontakt til hjemmet", "Mentorordning"]
    assert theory.tidligere_antagelser == {}


def test_annual_figures_start_at_a_longer_horizon_than_own_observations() -> None:
    assert default_level(indicator_source("fravaer")) == "mellemlange"
    assert default_level("kapacitet:plf") == "mellemlange"
    assert default_level("egen observation") == "kortsigtede"
    assert Tegn.from_dict({"kilde": indicator_source("fravaer")}).resultat_niveau == "mellemlange"


def test_a_sign_takes_its_horizon_from_its_result() -> None:
    theory = full_theory()
    [outcome] = theory.signs(OUTCOME)
    outcome.resultat_niveau = "kortsigtede"
    assert theory.sign_level(outcome) == "mellemlange"  # from »Eleverne kender og følger rutinerne«
    outcome.knyttet_til = "findes-ikke"
    assert theory.sign_level(outcome) == "kortsigtede"


def test_the_chain_reads_as_danish_if_then_lines() -> None:
    theory = full_theory()
    assert if_then(theory, theory.aktiviteter[0]) == (
        "Hvis vi gennemfører »Fælles struktur for start og slut på timerne«, fører det til »Lærerne bruger den "
        "fælles struktur«. Fordi: når lærerne planlægger sammen, bliver strukturen en vane.")
    assert if_then(theory, theory.resultater[2]) == ("»Bedre faglig og social trivsel« fører til »Alle elever på "
                                                     "mellemtrinnet oplever ro til at lære«.")
    # The team's capitals are kept (a name stays a name), and quotes inside quotes are nested the Danish way.
    theory.resultater[0].fordi = "Hedelundskolens »fælles start« giver tryghed"
    assert if_then(theory, theory.resultater[0]).endswith("Fordi: Hedelundskolens »fælles start« giver tryghed.")
    theory.aktiviteter[0].beskrivelse = "Fast »hjælp i klassen«"
    assert "»Fast ›hjælp i klassen‹«" in if_then(theory, theory.aktiviteter[0])
    theory.aktiviteter[1].foerer_til = ""
    assert if_then(theory, theory.aktiviteter[1]) == ""  # no line until both ends are written


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
    order = ["Beskriv problemet", "Skriv det langsigtede mål", "målgruppen", "lang sigt", "voksnes praksis",
             "aktiviteter", "kontekst", "risici", "tegn på virkning", "evaluer"]
    positions = [next(i for i, hint in enumerate(hints) if word.lower() in hint.lower()) for word in order]
    assert positions == sorted(positions)
    assert completeness(full_theory()) == []


def test_hints_name_what_a_part_lacks() -> None:
    theory = full_theory()
    theory.aktiviteter[1].ansvarlig = ""
    theory.aktiviteter[1].fordi = ""
    theory.resultater[0].hvem = ""
    theory.indikatorer[0].maal = ""
    theory.indikatorer[1].baseline_aar = ""
    theory.evaluering.hvem = ""
    theory.ressourcer = []
    hints = completeness(theory)
    assert "Aktiviteten »Kollegial sparring i årgangsteams« mangler ansvarlig og fordi (antagelsen)." in hints
    assert any("»Lærerne bruger den fælles struktur«" in hint and "voksnes praksis eller om eleverne" in hint
               for hint in hints)
    assert "Tegnet »Ro og orden, mellemtrin« mangler mål." in hints
    assert "Tegnet »Timer med fælles start« mangler baseline-år." in hints
    assert any("(mangler: hvem)" in hint for hint in hints)
    assert any("ressourcer" in hint for hint in hints)


def test_a_theory_without_implementation_signs_is_told_so() -> None:
    theory = full_theory()
    theory.indikatorer = theory.signs(OUTCOME)
    assert any("gennemført" in hint for hint in completeness(theory))


# --- the diagram -------------------------------------------------------------------------------


def test_the_diagram_shows_the_teams_words_with_human_labels() -> None:
    shown = texts(draw_indsatsteori(full_theory()))
    for part in ("Ro, struktur og klasseledelse", "Målgruppe: Elever og lærere i 4.–6. klasse", "Problem",
                 "Aktiviteter", "De voksnes praksis", "Eleverne", "Kort sigt", "Mellemlang sigt", "Lang sigt",
                 "Langsigtet mål", "Alle elever på mellemtrinnet", "A1 Fælles struktur", "Afdelingslederen ·",
                 "R1 Lærerne bruger", "→ R2, fordi", "Tegn: Ro og orden,", "Tegn: Timer med", "Ressourcer: 2 timer",
                 "Risici: Teammøderne", "Kontekst: Ny skoleleder fra august"):
        assert part in shown, part
    assert EMPTY not in shown
    assert "kvalitetsrapport:" not in shown and "egen observation" not in shown  # no raw codes


def test_no_text_in_the_diagram_is_smaller_than_9_points_at_print_size() -> None:
    figure = draw_indsatsteori(full_theory())
    sizes = {t.get_fontsize() for t in figure.findobj(matplotlib.text.Text) if t.get_text().strip()}
    assert min(sizes) >= BODY >= 9
    assert figure.get_figwidth() <= 6.3  # A4 less margins: printed at its own size, not shrunk
    svg = figure_svg(figure).decode()
    assert "<text" in svg and "Lærerne bruger den" in svg  # vector, text kept as text


def test_an_empty_theory_draws_placeholders() -> None:
    figure = draw_indsatsteori(Indsatsteori())
    shown = texts(figure)
    assert shown.count(EMPTY) >= 3 and "Indsatsteori" in shown
    grey = [t for t in figure.findobj(matplotlib.text.Text) if EMPTY in t.get_text()]
    assert grey and all(t.get_color() == GREY for t in grey)
    assert figure_png(figure, dpi=50).startswith(b"\x89PNG")


def test_results_not_yet_placed_get_a_lane_of_their_own() -> None:
    """A migrated result is not said to be the adults' or the pupils': it is never drawn in their lanes."""
    theory = Indsatsteori.from_dict(VERSION_1)
    figure = draw_indsatsteori(theory)
    shown = texts(figure)
    assert "Endnu ikke placeret: de voksne eller eleverne?" in shown and "Bedre karakterer" in shown
    y = {t.get_text().split("\n")[0]: t.get_position()[1] for t in figure.findobj(matplotlib.text.Text)}
    lanes = sorted((y[name], name) for name in ("De voksnes praksis", "Eleverne",
                                                "Endnu ikke placeret: de voksne eller eleverne?"))
    card = next(value for text, value in y.items() if "Bedre trivsel" in text)
    assert lanes[2][1].startswith("Endnu ikke placeret") and card > lanes[2][0]  # below the unplaced header


def test_a_cut_line_keeps_as_much_of_the_text_as_fits() -> None:
    from labkit.figures.indsatsteori import wrap_items

    assert wrap_items(["Tegn: Karaktergennemsnittet ved afgangsprøven"], 20, 1) == ["Tegn: Karaktergenne…"]


def test_long_texts_are_cut_and_odd_characters_drawn() -> None:
    theory = full_theory()
    theory.problem = "Eleverne oplever uro, og lærerne bruger meget tid på at skabe ro. " * 30
    theory.aktiviteter = [Aktivitet(f"Aktivitet nr. {n} med en lang beskrivelse af, hvad vi gør " * 4, id=f"a{n}")
                          for n in range(4)]
    theory.kontekst = "Budget: 50.000 $ – og 100 % opbakning fra bestyrelsen. " * 10
    theory.indikatorer = [Tegn(f"Tegn {n}", knyttet_til="r2") for n in range(6)]
    figure = draw_indsatsteori(theory)
    shown = texts(figure)
    assert "…" in shown and "+ 4 tegn mere" in shown and "50.000 $" in shown
    assert len(shown) < 4000  # cut to what fits, not the whole text
    figure_png(figure, dpi=50)  # "$" is not read as mathtext


def test_a_title_put_in_after_construction_is_shown() -> None:
    theory = Indsatsteori()
    theory.focus_area = "Fremmøde og fravær"  # type: ignore[assignment]  # as notebook code may do
    assert "Fremmøde og fravær" in texts(draw_indsatsteori(theory))


def test_a_theory_saved_field_by_field_is_not_taken_for_version_1() -> None:
    """The form saves each field on its own, so a new theory may never get the `model` marker: its
    empty arrows must stay empty (read as version 1, they would be pointed at the next box)."""
    field_by_field = {"resultater": [{"id": "r1", "tekst": "", "niveau": "langsigtede", "foerer_til": ""}],
                      "aktiviteter": [{"id": "a1", "beskrivelse": "", "foerer_til": ""}]}
    theory = Indsatsteori.from_dict(field_by_field)
    assert theory.resultater[0].foerer_til == "" and theory.aktiviteter[0].foerer_til == ""
    assert migrated(field_by_field) is field_by_field


def test_a_large_theory_still_fits_one_printed_page_and_counts_what_it_leaves_out() -> None:
    """An image cannot break across pages: the diagram shortens its cards rather than grow past a page."""
    from labkit.figures.indsatsteori import MAX_HEIGHT

    results = [Resultat(f"Resultat {n} om, hvad der ændrer sig for de voksne og eleverne", level, group,
                        GOAL_ID, "fordi det hænger sådan sammen", f"r{n}")
               for n, (level, group) in enumerate([(lv, g) for lv in ("kortsigtede", "mellemlange", "langsigtede")
                                                   for g in (PRACTICE, PUPILS)] * 5)]
    theory = Indsatsteori(problem="Et langt problem. " * 40, langsigtet_maal="Et mål", resultater=results,
                          aktiviteter=[Aktivitet(f"Aktivitet {n}", "Ledelsen", "uge 34", "juni", "r0", id=f"a{n}")
                                       for n in range(15)],
                          indikatorer=[Tegn(f"Tegn {n}", knyttet_til="r0") for n in range(5)])
    figure = draw_indsatsteori(theory)
    assert figure.get_figheight() * 72 <= MAX_HEIGHT
    shown = texts(figure)
    assert "+ 9 aktiviteter mere (se teksten)" in shown and "+ 3 mere" in shown and "tegn mere" in shown
    sizes = {t.get_fontsize() for t in figure.findobj(matplotlib.text.Text) if t.get_text().strip()}
    assert min(sizes) >= 9  # shorter, never smaller
