"""Framework templates (focus areas, PLF questions) and the candidates built from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from labkit.candidates import SOURCE_BOTH, SOURCE_CATALOGUE, SOURCE_DATA, DataFlag, build_candidates
from labkit.catalogue import load_catalogue
from labkit.frameworks import FOCUS_AREAS_FILE, PLF_QUESTIONS_FILE, load_focus_areas, load_plf_questions
from labkit.instrument import load_instrument
from labkit.problems import LabkitError
from labkit.templates import BUNDLED_TEMPLATES


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
