"""Framework templates (focus areas, PLF questions, Læringscirklen, PLF levels, the inclusion frame) as
their sources describe them, and the candidates built from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from labkit.analysis.candidates import SOURCE_BOTH, SOURCE_CATALOGUE, SOURCE_DATA, DataFlag, build_candidates
from labkit.data.catalogue import load_catalogue
from labkit.data.frameworks import (
    EXAMPLE_MARK,
    FOCUS_AREAS_FILE,
    INCLUSION_FRAME_FILE,
    LEARNING_CIRCLE_FILE,
    PLF_MATURITY_FILE,
    PLF_QUESTIONS_FILE,
    load_focus_areas,
    load_inclusion_frame,
    load_learning_circle,
    load_plf_maturity,
    load_plf_questions,
)
from labkit.data.instrument import load_instrument
from labkit.data.templates import BUNDLED_TEMPLATES
from labkit.problems import LabkitError


@pytest.fixture(scope="module")
def templates() -> tuple:
    return (load_catalogue(BUNDLED_TEMPLATES / "indikatorer.yaml"),
            load_instrument(BUNDLED_TEMPLATES / "kapacitetsinterview.yaml"))


def test_shipped_focus_areas_link_to_known_indicators_and_dimensions(templates: tuple) -> None:
    areas = load_focus_areas(BUNDLED_TEMPLATES / FOCUS_AREAS_FILE, *templates)
    assert len(areas) >= 8
    by_id = {a.id: a for a in areas}
    assert by_id["fremmoede"].indicators == ("fravaer",)
    assert "ro_orden" in by_id["klasseledelse"].indicators
    assert by_id["datainformeret_praksis"].dimensions == ("data",)
    assert all(a.name and a.goal for a in areas)
    # labkit's goals are examples, marked as such: the municipality's own pejlemærker replace them.
    assert all(a.example for a in areas)
    # The goals cover wellbeing, learning, attendance, inclusion, PLF, data, leadership,
    # transition and the pupils' view of good teaching.
    assert {"faellesskab", "faglig_progression", "fremmoede", "inkluderende_laeringsmiljoer", "plf",
            "datainformeret_praksis", "paedagogisk_ledelse", "overgange", "elevperspektiv"} <= set(by_id)


def test_plf_questions_are_the_six_guiding_questions() -> None:
    loaded = load_plf_questions(BUNDLED_TEMPLATES / PLF_QUESTIONS_FILE)
    assert len(loaded.questions) == 6
    assert loaded.questions[0].text == "Hvad er elevernes forudsætninger?"
    assert loaded.origin.example and "Roskilde" in loaded.origin.source


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fokusomraader:\n  - id: x\n    navn: X\n    indikatorer: [trivsel_i_alt]\n",
         "fokusomraader.yaml, område »x«: indikatoren »trivsel_i_alt« findes ikke."),
        ("fokusomraader:\n  - id: x\n    navn: X\n    dimensioner: [samarbejde]\n",
         "fokusomraader.yaml, område »x«: dimensionen »samarbejde« findes ikke."),
        ("fokusomraader:\n  - id: x\n    beskrivelse: uden navn\n",
         "fokusomraader.yaml, område »x«: mangler nøglen »navn«."),
        ("fokusomraader:\n  - id: x\n    navn: X\n  - id: x\n    navn: Y\n",
         "fokusomraader.yaml, område »x«: id'et findes to gange."),
        ("fokusomraader:\n  - id: x\n  navn: [\n", "fokusomraader.yaml: filen kan ikke læses som YAML"),
        ("andet: 1\n", "»fokusomraader«: forventede en liste"),
    ],
)
def test_malformed_focus_area_template_names_file_and_entry(
    tmp_path: Path, templates: tuple, text: str, message: str
) -> None:
    path = tmp_path / "skabeloner" / FOCUS_AREAS_FILE
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LabkitError) as error:
        load_focus_areas(path, *templates)
    assert message in str(error.value)


def test_candidates_put_data_backed_areas_first(templates: tuple) -> None:
    areas = load_focus_areas(BUNDLED_TEMPLATES / FOCUS_AREAS_FILE, *templates)
    flags = [
        DataFlag("indikator", "fravaer", "Samlet elevfravær", "Fraværet er steget i tre år."),
        DataFlag("dimension", "ledelse", "Pædagogisk ledelse", "Ledelsen vurderer sig 0,8 højere end lærerne."),
        DataFlag("indikator", "elevtal", "Elevtal", "Elevtallet falder."),  # no focus area covers it
    ]
    candidates = build_candidates(areas, flags)
    assert [c.id for c in candidates[:3]] == ["fremmoede", "paedagogisk_ledelse", "data-indikator-elevtal"]
    assert candidates[0].source == SOURCE_BOTH and candidates[0].reasons == ("Fraværet er steget i tre år.",)
    assert candidates[2].source == SOURCE_DATA and candidates[2].indicators == ("elevtal",)
    assert {c.source for c in candidates[3:]} == {SOURCE_CATALOGUE}
    assert len(candidates) == len(areas) + 1


def _copy(tmp_path: Path, name: str, text: str | None = None) -> Path:
    path = tmp_path / "skabeloner" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text if text is not None else (BUNDLED_TEMPLATES / name).read_text(encoding="utf-8"),
                    encoding="utf-8")
    return path


def test_learning_circle_is_the_challenge_then_five_phases_as_via_describes_it() -> None:
    """VIA: the pupil's challenge is defined before »Fase 1 – Indsamle data« (it is the centre, not a
    phase), and goal-setting is a phase of its own before action."""
    circle = load_learning_circle(BUNDLED_TEMPLATES / LEARNING_CIRCLE_FILE)
    assert circle.challenge.name == "Elevens læringsudfordring"
    assert [p.name for p in circle.phases] == [
        "Indsamle data", "Analysere data", "Opstille mål", "Handling/tiltag", "Evaluere"]
    assert all(p.description and len(p.questions) >= 2 for p in (circle.challenge, *circle.phases))
    assert "Hvad ved vi om udfordringen" in circle.phases[0].description
    assert "Hvad tager vi med ind i næste runde af cirklen?" in circle.phases[-1].questions
    assert circle.origin.example and "VIA" in circle.origin.source


def test_plf_maturity_levels_run_from_coordination_to_learning_community() -> None:
    maturity = load_plf_maturity(BUNDLED_TEMPLATES / PLF_MATURITY_FILE)
    levels = maturity.levels
    assert [lv.id for lv in levels] == [
        "koordinering", "erfaringsdeling", "undersoegende", "laeringsfaellesskab"]
    assert levels[-1].name == "Professionelt læringsfællesskab"
    assert all(lv.traits for lv in levels) and all("team" in lv.name.lower() or "fællesskab" in lv.name
                                                    for lv in levels)  # levels of a team, not of a school
    assert maturity.origin.example


def test_inclusion_frame_asks_molbaeks_question_first(templates: tuple) -> None:
    frame = load_inclusion_frame(BUNDLED_TEMPLATES / INCLUSION_FRAME_FILE, *templates)
    assert frame.key_question.text == "Ser vi problemet som elevens – eller som læringsmiljøets?"
    assert "eleven" in frame.key_question.individual and "læringsmiljøet" in frame.key_question.context
    assert frame.origin.example and "Molbæk" in frame.origin.source


def test_inclusion_frame_links_perspectives_to_indicators_and_dimensions(templates: tuple) -> None:
    frame = load_inclusion_frame(BUNDLED_TEMPLATES / INCLUSION_FRAME_FILE, *templates).perspectives
    assert len(frame) == 7
    by_id = {p.id: p for p in frame}
    assert frame[0].id == "tilstedevaerelse"
    assert by_id["tilstedevaerelse"].indicators == ("fravaer", "inklusionsgrad")
    assert by_id["samarbejde"].indicators == () and by_id["samarbejde"].dimensions == ("plf", "inklusion")
    assert all(p.questions for p in frame)


def test_consultant_edits_to_a_copy_need_no_code(tmp_path: Path, templates: tuple) -> None:
    circle = (BUNDLED_TEMPLATES / LEARNING_CIRCLE_FILE).read_text(encoding="utf-8")
    circle = circle.replace("navn: Analyse og forståelse", "navn: Fælles analyse")  # rename
    circle = circle.replace("navn: Analysere data", "navn: Fælles analyse")  # rename
    circle += "\n  - id: deling\n    navn: Videndeling\n    spoergsmaal: ['Hvem skal vide det?']\n"  # add
    circle = circle.replace("eksempel: ja", "eksempel: nej")  # the municipality's own now
    loaded = load_learning_circle(_copy(tmp_path, LEARNING_CIRCLE_FILE, circle))
    phases = loaded.phases
    assert [p.name for p in phases][1] == "Fælles analyse"
    assert phases[-1].id == "deling" and phases[-1].questions == ("Hvem skal vide det?",)
    assert not loaded.origin.example

    maturity = (BUNDLED_TEMPLATES / PLF_MATURITY_FILE).read_text(encoding="utf-8")
    start, end = maturity.index("  - id: erfaringsdeling"), maturity.index("  - id: undersoegende")
    # remove a level
    levels = load_plf_maturity(_copy(tmp_path, PLF_MATURITY_FILE, maturity[:start] + maturity[end:])).levels
    assert [lv.id for lv in levels] == ["koordinering", "undersoegende", "laeringsfaellesskab"]

    frame = (BUNDLED_TEMPLATES / INCLUSION_FRAME_FILE).read_text(encoding="utf-8")
    frame = frame.replace("indikatorer: [kompetencedaekning]", "indikatorer: [kompetencedaekning, elevtal]")
    perspectives = load_inclusion_frame(_copy(tmp_path, INCLUSION_FRAME_FILE, frame), *templates).perspectives
    assert perspectives[-1].indicators == ("kompetencedaekning", "elevtal")


PHASE = "  - id: {id}\n    navn: {navn}\n    spoergsmaal: ['Hvad nu?']\n"
CENTRE = "udfordring: {id: midte, navn: Midte, spoergsmaal: ['Hvem?']}\n"
KEY = "grundspoergsmaal: {tekst: Hvis problem?, individperspektiv: elevens, kontekstperspektiv: miljøets}\n"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (LEARNING_CIRCLE_FILE, "faser:\n  - id: a\n   navn: [\n",
         "skabeloner/laeringscirklen.yaml: filen kan ikke læses som YAML (linje 3, kolonne 4)"),
        (LEARNING_CIRCLE_FILE, "faser: ingen\n",
         "skabeloner/laeringscirklen.yaml, »faser«: forventede en liste med mindst ét element."),
        (LEARNING_CIRCLE_FILE, CENTRE + "faser:\n" + PHASE.format(id="a", navn="A") + "  - navn: B\n",
         "laeringscirklen.yaml, fase nr. 2: mangler nøglen »id«."),
        (LEARNING_CIRCLE_FILE, CENTRE + "faser:\n" + PHASE.format(id="a", navn="A") + "  - id: b\n    navn: B\n",
         "laeringscirklen.yaml, fase nr. 2 »b«: mangler nøglen »spoergsmaal«."),
        (LEARNING_CIRCLE_FILE, CENTRE + "faser:\n" + PHASE.format(id="a", navn="A") + PHASE.format(id="a", navn="B"),
         "laeringscirklen.yaml, fase nr. 2 »a«: id'et »a« er allerede brugt af fase nr. 1."),
        (LEARNING_CIRCLE_FILE, CENTRE + "faser:\n  - id: a\n    navn: {tekst: A}\n    spoergsmaal: ['Hvad nu?']\n",
         "laeringscirklen.yaml, fase nr. 1 »a«: »navn« skal være en tekst"),
        (LEARNING_CIRCLE_FILE, CENTRE + "faser:\n  - id: a\n    navn: A\n    spoergsmaal: Hvad?\n",
         "laeringscirklen.yaml, fase nr. 1 »a«: »spoergsmaal« skal være en liste med tekster"),
        (LEARNING_CIRCLE_FILE, CENTRE + "faser:\n  - Indsamling\n",
         "laeringscirklen.yaml, fase nr. 1: forventede en blok med nøgler, fandt »Indsamling«."),
        (LEARNING_CIRCLE_FILE, CENTRE + "faser:\n" + PHASE.format(id="midte", navn="A"),
         "laeringscirklen.yaml, fase nr. 1 »midte«: id'et »midte« er allerede brugt"),
        (LEARNING_CIRCLE_FILE, CENTRE + "faser:\n" + PHASE.format(id="a", navn="A") + "    nummer: 1\n",
         "laeringscirklen.yaml, fase nr. 1 »a«: nøglen »nummer« kendes ikke."),
        (LEARNING_CIRCLE_FILE, CENTRE + "eksempl: ja\nfaser:\n" + PHASE.format(id="a", navn="A"),
         "laeringscirklen.yaml: nøglen »eksempl« kendes ikke. Mente du »eksempel«?"),
        (LEARNING_CIRCLE_FILE, CENTRE + "eksempel: måske\nfaser:\n" + PHASE.format(id="a", navn="A"),
         "laeringscirklen.yaml: »eksempel« skal være ja eller nej, fandt »måske«."),
        (PLF_MATURITY_FILE, "niveauer:\n  - {id: a, navn: A, kendetegn: [x], beskrivelse: B, skole: ja}\n",
         "plf_modenhed.yaml, niveau nr. 1 »a«: nøglen »skole« kendes ikke."),
        (INCLUSION_FRAME_FILE, KEY.replace("tekst:", "tekts:") + "perspektiver:\n  - {id: a, navn: A, spoergsmaal: [x]}\n",
         "inklusion_analyse.yaml, »grundspoergsmaal«: nøglen »tekts« kendes ikke. Mente du »tekst«?"),
        (PLF_MATURITY_FILE, "niveauer:\n  - id: a\n    navn: A\n",
         "plf_modenhed.yaml, niveau nr. 1 »a«: mangler nøglen »kendetegn«."),
        (PLF_MATURITY_FILE,
         "niveauer:\n  - {id: a, navn: A, kendetegn: [x]}\n  - {id: a, navn: B, kendetegn: [y]}\n",
         "plf_modenhed.yaml, niveau nr. 2 »a«: id'et »a« er allerede brugt af niveau nr. 1."),
        (INCLUSION_FRAME_FILE,
         KEY + "perspektiver:\n  - {id: a, navn: A, spoergsmaal: [x], indikatorer: [trivsel_i_alt]}\n",
         ("inklusion_analyse.yaml, perspektiv nr. 1 »a«: indikatoren »trivsel_i_alt« findes ikke. "
         "Kendte id'er:")),
        (INCLUSION_FRAME_FILE,
         KEY + "perspektiver:\n  - {id: a, navn: A, spoergsmaal: [x], dimensioner: [samarbejde]}\n",
         "inklusion_analyse.yaml, perspektiv nr. 1 »a«: dimensionen »samarbejde« findes ikke."),
        (INCLUSION_FRAME_FILE,
         KEY + "perspektiver:\n  - {id: a, navn: A, spoergsmaal: [x], indikatorer: fravaer}\n",
         "inklusion_analyse.yaml, perspektiv nr. 1 »a«: »indikatorer« skal være en liste"),
    ],
)
def test_malformed_framework_template_names_file_and_entry(
    tmp_path: Path, templates: tuple, name: str, text: str, message: str
) -> None:
    path = _copy(tmp_path, name, text)
    loaders = {
        LEARNING_CIRCLE_FILE: lambda: load_learning_circle(path),
        PLF_MATURITY_FILE: lambda: load_plf_maturity(path),
        INCLUSION_FRAME_FILE: lambda: load_inclusion_frame(path, *templates),
        FOCUS_AREAS_FILE: lambda: load_focus_areas(path, *templates),
    }
    with pytest.raises(LabkitError) as error:
        loaders[name]()
    assert message in str(error.value)


# The files as labkit shipped them before issue 13: still in many labs' own skabeloner/.
OLD_CIRCLE = """faser:
  - id: laeringsudfordring
    navn: Elevernes læringsudfordring
    spoergsmaal: [Hvilke elever handler det om?]
  - id: handling
    navn: Mål og handling
    spoergsmaal: [Hvad gør vi?]
"""
OLD_FOCUS_AREAS = """fokusomraader:
  - id: faellesskab
    navn: Trivsel og fællesskaber
    pejlemaerke: Alle elever oplever at høre til i et fællesskab på skolen.
    indikatorer: []
"""
OLD_FRAME = "perspektiver:\n  - {id: a, navn: A, spoergsmaal: [x]}\n"


@pytest.mark.parametrize(
    ("name", "text", "says"),
    [
        (LEARNING_CIRCLE_FILE, OLD_CIRCLE,
         ["mangler nøglen »udfordring«", "defineres, før fase 1 begynder", "flyt fasen »laeringsudfordring« derop",
          "»Opstille mål« og »Handling/tiltag«"]),
        (FOCUS_AREAS_FILE, OLD_FOCUS_AREAS,
         ["område »faellesskab«", "»pejlemaerke« hedder nu »maal«", "kommunens officielle mål", "eksempel: ja"]),
        (INCLUSION_FRAME_FILE, OLD_FRAME,
         ["mangler nøglen »grundspoergsmaal«", "elevens (individperspektiv)", "læringsmiljøets (kontekstperspektiv)"]),
    ],
)
def test_a_labs_template_from_before_is_refused_saying_what_to_change(
    tmp_path: Path, templates: tuple, name: str, text: str, says: list[str]
) -> None:
    path = _copy(tmp_path, name, text)
    loaders = {
        LEARNING_CIRCLE_FILE: lambda: load_learning_circle(path),
        INCLUSION_FRAME_FILE: lambda: load_inclusion_frame(path, *templates),
        FOCUS_AREAS_FILE: lambda: load_focus_areas(path, *templates),
    }
    with pytest.raises(LabkitError) as error:
        loaders[name]()
    assert all(part in str(error.value) for part in says), str(error.value)


def test_an_old_plf_maturity_file_keeps_working_without_the_new_keys(tmp_path: Path) -> None:
    maturity = load_plf_maturity(_copy(tmp_path, PLF_MATURITY_FILE, "niveauer:\n  - {id: a, navn: A, kendetegn: [x]}\n"))
    assert [level.id for level in maturity.levels] == ["a"] and not maturity.origin.example


def test_a_municipalitys_own_goal_is_not_marked_as_an_example(tmp_path: Path, templates: tuple) -> None:
    text = ("fokusomraader:\n  - {id: a, navn: A, maal: Kommunens pejlemærke., eksempel: nej}\n"
            "  - {id: b, navn: B, maal: Labkits mål., eksempel: ja}\n")
    areas = load_focus_areas(_copy(tmp_path, FOCUS_AREAS_FILE, text), *templates)
    assert [(a.goal, a.example) for a in areas] == [("Kommunens pejlemærke.", False), ("Labkits mål.", True)]
    candidates = build_candidates(areas, [])
    assert [c.example for c in candidates] == [False, True]
    assert EXAMPLE_MARK == "Eksempel fra labkit – kommunen kan erstatte det med sit eget"


def test_no_shipped_goal_is_called_a_pejlemaerke() -> None:
    """»Pejlemærke« names the municipality's official goals: labkit's own examples must not use it."""
    text = (BUNDLED_TEMPLATES / FOCUS_AREAS_FILE).read_text(encoding="utf-8")
    data_lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    assert not any("pejlem" in line.lower() for line in data_lines)
