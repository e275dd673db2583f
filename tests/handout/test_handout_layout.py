"""The handout's layout template: sections in order, editions (before/after the lab), Danish mistakes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from labkit.handout.layout import LAYOUT_FILE, LAYOUT_FOLDER, SECTION_KINDS, load_layout
from labkit.problems import LabkitError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    """A copy of the bundled templates a test may edit, as a consultant edits a lab's copy."""
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    return tmp_path / "templates"


def edit_layout(templates: Path, change: dict) -> None:
    path = templates / LAYOUT_FOLDER / LAYOUT_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(change)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_the_bundled_layout_has_a_before_and_an_after_edition() -> None:
    layout = load_layout(ROOT / "templates")
    assert {s.kind for s in layout.sections} <= set(SECTION_KINDS)
    assert layout.sections[0].kind == "resume" and layout.sections[-1].kind == "opfoelgning"
    before, after = layout.for_edition("foer"), layout.for_edition("efter")
    assert {s.kind for s in before.sections} == {"resume", "indikatoroversigt", "indikatorer", "tragt", "kapacitet"}
    assert {s.kind for s in after.sections} == {"resume", "indsatsomraader", "plf_modenhed", "indsatsteori",
                                                "laeringscirklen", "opfoelgning"}
    assert before.edition is not None and before.edition.name == "Før læringslaboratoriet"
    assert before.subtitle != layout.subtitle  # the edition's own subtitle
    assert layout.for_edition("") is layout and len(layout.sections) == 10  # no edition: every section


def test_a_section_without_editions_is_in_every_edition(templates: Path) -> None:
    edit_layout(templates, {"sektioner": [{"type": "resume", "overskrift": "Resumé"},
                                          {"type": "kapacitet", "overskrift": "Kapacitet", "udgaver": ["efter"]}]})
    layout = load_layout(templates)
    assert [s.kind for s in layout.for_edition("foer").sections] == ["resume"]
    assert [s.kind for s in layout.for_edition("efter").sections] == ["resume", "kapacitet"]


@pytest.mark.parametrize(("change", "expected"), [
    ({"sektioner": [{"type": "resume", "overskrift": "R", "udgaver": ["under"]}]},
     "sektion 1: udgaven »under« står ikke under »udgaver:«"),
    ({"sektioner": [{"type": "resume", "overskrift": "R", "udgaver": "foer"}]},
     "sektion 1: »udgaver« skal være en liste"),
    ({"udgaver": ["foer", "efter"]}, "»udgaver« skal være nøgler med navn og undertitel"),
    ({"udgaver": {"før": {"navn": "Før"}}}, "udgaven »før«: brug kun a–z, 0–9 og _"),
    ({"udgaver": {"foer": {"undertitel": "uden navn"}}}, "udgaven »foer«: mangler nøglen »navn«"),
    ({"udgaver": {"foer": "Før"}}, "udgaven »foer«: forventede en blok med nøgler"),
    ({"udgaver": {"foer": None}}, "udgaven »foer«: mangler nøglen »navn«"),
    ({"udgaver": {"Foer": {"navn": "Før"}}}, "udgaven »Foer«: brug kun a–z, 0–9 og _"),
    ({"udgaver": {True: {"navn": "Ja"}}}, "udgaven »True«: brug kun a–z"),  # YAML 1.1: `yes:` is a boolean
    ({"sektioner": [{"type": "resume", "overskrift": "R", "udgaver": []}]}, "sektion 1: »udgaver« er tom"),
    ({"udgaver": {"foer": {"navn": "Før"}, "ledelse": {"navn": "Ledelsen"}},
      "sektioner": [{"type": "resume", "overskrift": "R", "udgaver": ["foer"]}]},
     "ingen sektion er med i udgaven »ledelse«"),
])
def test_layout_mistakes_name_the_file_and_the_entry(templates: Path, change: dict, expected: str) -> None:
    edit_layout(templates, change)
    with pytest.raises(LabkitError) as error:
        load_layout(templates)
    assert "uddelingsark.yaml" in str(error.value) and expected in str(error.value)


def test_an_unknown_edition_names_the_known_ones(templates: Path) -> None:
    with pytest.raises(LabkitError, match="ingen udgave »under«. Udgaverne er: foer, efter."):
        load_layout(templates).for_edition("under")
    edit_layout(templates, {"udgaver": None, "sektioner": [{"type": "resume", "overskrift": "R"}]})
    with pytest.raises(LabkitError, match="skriv dem under »udgaver:«"):
        load_layout(templates).for_edition("foer")


@pytest.mark.parametrize("value", [
    "#c55a11;}</style><script>alert(1)</script>", "url(http://example.com/x.png)", "red", "#12345", [1, 2],
])
def test_a_colour_must_be_a_colour_code(templates: Path, value: object) -> None:
    """A colour goes into the handout's style block: anything but a colour code is refused there, so no
    template value can run script or make the handouts fetch from the network."""
    edit_layout(templates, {"farver": {"accent": value}})
    with pytest.raises(LabkitError, match="farven »accent« skal være en farvekode"):
        load_layout(templates)


def test_colour_codes_and_unknown_colour_names(templates: Path) -> None:
    edit_layout(templates, {"farver": {"accent": "#ABC", "primaer": " #1f4e79 "}})
    layout = load_layout(templates)
    assert layout.colours["accent"] == "#ABC" and layout.colours["primaer"] == "#1f4e79"
    edit_layout(templates, {"farver": {"baggrund": "#ffffff"}})
    with pytest.raises(LabkitError, match="farven »baggrund« kendes ikke"):
        load_layout(templates)


@pytest.mark.parametrize("logo", ["../../hemmelig.txt", "/etc/passwd", "../uddelingsark/../../x.svg"])
def test_a_logo_from_outside_the_template_folder_is_refused(templates: Path, logo: str) -> None:
    (templates.parent / "hemmelig.txt").write_text("hemmeligt", encoding="utf-8")
    edit_layout(templates, {"logo": logo})
    with pytest.raises(LabkitError, match="skal ligge i mappen"):
        load_layout(templates)


def test_a_logo_must_be_an_image(templates: Path) -> None:
    (templates / LAYOUT_FOLDER / "noter.txt").write_text("x", encoding="utf-8")
    edit_layout(templates, {"logo": "noter.txt"})
    with pytest.raises(LabkitError, match="skal være et billede"):
        load_layout(templates)
