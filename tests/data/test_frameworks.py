"""Framework templates (focus areas, PLF questions) and the candidates built from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from labkit.analysis.candidates import SOURCE_BOTH, SOURCE_CATALOGUE, SOURCE_DATA, DataFlag, build_candidates
from labkit.data.catalogue import load_catalogue
from labkit.data.frameworks import (
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
    assert all(a.name and a.pejlemaerke for a in areas)
    # The pejlemærker cover wellbeing, learning, attendance, inclusion, PLF, data, leadership,
    # transition and the pupils' view of good teaching.
    assert {"faellesskab", "faglig_progression", "fremmoede", "inkluderende_laeringsmiljoer", "plf",
            "datainformeret_praksis", "paedagogisk_ledelse", "overgange", "elevperspektiv"} <= set(by_id)


def test_plf_questions_are_the_six_guiding_questions() -> None:
    questions = load_plf_questions(BUNDLED_TEMPLATES / PLF_QUESTIONS_FILE)
    assert len(questions) == 6
    assert questions[0].text == "Hvad er elevernes forudsætninger?"


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


def test_learning_circle_has_five_phases_in_order() -> None:
    phases = load_learning_circle(BUNDLED_TEMPLATES / LEARNING_CIRCLE_FILE)
    assert [p.id for p in phases] == [
        "laeringsudfordring", "dataindsamling", "analyse", "handling", "evaluering"]
    assert phases[0].name == "Elevernes læringsudfordring"
    assert all(p.description and len(p.questions) >= 2 for p in phases)
    assert "Hvad tager vi med ind i næste runde af cirklen?" in phases[-1].questions


def test_plf_maturity_levels_run_from_coordination_to_learning_community() -> None:
    levels = load_plf_maturity(BUNDLED_TEMPLATES / PLF_MATURITY_FILE)
    assert [lv.id for lv in levels] == [
        "koordinering", "erfaringsdeling", "undersoegende", "laeringsfaellesskab"]
    assert levels[-1].name == "Professionelt læringsfællesskab"
    assert all(lv.traits for lv in levels)


def test_inclusion_frame_links_perspectives_to_indicators_and_dimensions(templates: tuple) -> None:
    frame = load_inclusion_frame(BUNDLED_TEMPLATES / INCLUSION_FRAME_FILE, *templates)
    assert len(frame) == 7
    by_id = {p.id: p for p in frame}
    assert frame[0].id == "tilstedevaerelse"
    assert by_id["tilstedevaerelse"].indicators == ("fravaer", "inklusionsgrad")
    assert by_id["samarbejde"].indicators == () and by_id["samarbejde"].dimensions == ("plf", "inklusion")
    assert all(p.questions for p in frame)


def test_consultant_edits_to_a_copy_need_no_code(tmp_path: Path, templates: tuple) -> None:
    circle = (BUNDLED_TEMPLATES / LEARNING_CIRCLE_FILE).read_text(encoding="utf-8")
    circle = circle.replace("navn: Analyse og forståelse", "navn: Fælles analyse")  # rename
    circle += "\n  - id: deling\n    navn: Videndeling\n    spoergsmaal: ['Hvem skal vide det?']\n"  # add
    phases = load_learning_circle(_copy(tmp_path, LEARNING_CIRCLE_FILE, circle))
    assert [p.name for p in phases][2] == "Fælles analyse"
    assert phases[-1].id == "deling" and phases[-1].questions == ("Hvem skal vide det?",)

    maturity = (BUNDLED_TEMPLATES / PLF_MATURITY_FILE).read_text(encoding="utf-8")
    start, end = maturity.index("  - id: erfaringsdeling"), maturity.index("  - id: undersoegende")
    # remove a level
    levels = load_plf_maturity(_copy(tmp_path, PLF_MATURITY_FILE, maturity[:start] + maturity[end:]))
    assert [lv.id for lv in levels] == ["koordinering", "undersoegende", "laeringsfaellesskab"]

    frame = (BUNDLED_TEMPLATES / INCLUSION_FRAME_FILE).read_text(encoding="utf-8")
    frame = frame.replace("indikatorer: [kompetencedaekning]", "indikatorer: [kompetencedaekning, elevtal]")
    perspectives = load_inclusion_frame(_copy(tmp_path, INCLUSION_FRAME_FILE, frame), *templates)
    assert perspectives[-1].indicators == ("kompetencedaekning", "elevtal")


PHASE = "  - id: {id}\n    navn: {navn}\n    spoergsmaal: ['Hvad nu?']\n"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (LEARNING_CIRCLE_FILE, "faser:\n  - id: a\n   navn: [\n",
         "skabeloner/laeringscirklen.yaml: filen kan ikke læses som YAML (linje 3, kolonne 4)"),
        (LEARNING_CIRCLE_FILE, "faser: ingen\n",
         "skabeloner/laeringscirklen.yaml, »faser«: forventede en liste med mindst ét element."),
        (LEARNING_CIRCLE_FILE, "faser:\n" + PHASE.format(id="a", navn="A") + "  - navn: B\n",
         "laeringscirklen.yaml, fase nr. 2: mangler nøglen »id«."),
        (LEARNING_CIRCLE_FILE, "faser:\n" + PHASE.format(id="a", navn="A") + "  - id: b\n    navn: B\n",
         "laeringscirklen.yaml, fase nr. 2 »b«: mangler nøglen »spoergsmaal«."),
        (LEARNING_CIRCLE_FILE, "faser:\n" + PHASE.format(id="a", navn="A") + PHASE.format(id="a", navn="B"),
         "laeringscirklen.yaml, fase nr. 2 »a«: id'et »a« er allerede brugt af fase nr. 1."),
        (LEARNING_CIRCLE_FILE, "faser:\n  - id: a\n    navn: {tekst: A}\n    spoergsmaal: ['Hvad nu?']\n",
         "laeringscirklen.yaml, fase nr. 1 »a«: »navn« skal være en tekst"),
        (LEARNING_CIRCLE_FILE, "faser:\n  - id: a\n    navn: A\n    spoergsmaal: Hvad?\n",
         "laeringscirklen.yaml, fase nr. 1 »a«: »spoergsmaal« skal være en liste med tekster"),
        (LEARNING_CIRCLE_FILE, "faser:\n  - Indsamling\n",
         "laeringscirklen.yaml, fase nr. 1: forventede en blok med nøgler, fandt »Indsamling«."),
        (PLF_MATURITY_FILE, "niveauer:\n  - id: a\n    navn: A\n",
         "plf_modenhed.yaml, niveau nr. 1 »a«: mangler nøglen »kendetegn«."),
        (PLF_MATURITY_FILE,
         "niveauer:\n  - {id: a, navn: A, kendetegn: [x]}\n  - {id: a, navn: B, kendetegn: [y]}\n",
         "plf_modenhed.yaml, niveau nr. 2 »a«: id'et »a« er allerede brugt af niveau nr. 1."),
        (INCLUSION_FRAME_FILE,
         "perspektiver:\n  - {id: a, navn: A, spoergsmaal: [x], indikatorer: [trivsel_i_alt]}\n",
         ("inklusion_analyse.yaml, perspektiv nr. 1 »a«: indikatoren »trivsel_i_alt« findes ikke. "
         "Kendte id'er:")),
        (INCLUSION_FRAME_FILE,
         "perspektiver:\n  - {id: a, navn: A, spoergsmaal: [x], dimensioner: [samarbejde]}\n",
         "inklusion_analyse.yaml, perspektiv nr. 1 »a«: dimensionen »samarbejde« findes ikke."),
        (INCLUSION_FRAME_FILE,
         "perspektiver:\n  - {id: a, navn: A, spoergsmaal: [x], indikatorer: fravaer}\n",
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
    }
    with pytest.raises(LabkitError) as error:
        loaders[name]()
    assert message in str(error.value)
