"""The editable Word indsatsteori: the team's saved work, in Danish, the same bytes every time."""

from __future__ import annotations

import io
import shutil
import time
from pathlib import Path

import docx
import pytest

from labkit.data.lab import Lab, load_lab
from labkit.handout.word import docx_bytes, indsatsteori_document, write_indsatsteori_docx
from labkit.workspace.store import Workspace

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
SCHOOL, SCHOOL_NAME = "061001", "Engskolen"
OTHER_SCHOOL = "Kirkebakkeskolen"
LAB_NAME = "Læringslab 1"
SCRIPT = "<script>alert(1)</script>"
REASON = f"Eleverne siger, at der er uro i timerne – især i mellemgruppen {SCRIPT}"
FIELDS = {
    "problem": "Mange elever oplever uro, og trivselsmålingen viser et fald på mellemtrinnet.",
    "maalgruppe": "Elever og lærere i 4.–6. årgang på Engskolen.",
    "langsigtet_maal": "Alle elever oplever ro og arbejdsglæde i timerne.",
    "kontekst": "Ny ledelse og et nyt skema fra efteråret; to lærere på barsel.",
}
LISTS = {
    "langsigtede_resultater": ["Ro og orden over landsgennemsnittet"],
    "mellemlange_resultater": ["Færre afbrydelser i timerne"],
    "kortsigtede_resultater": ["Fælles regler er kendt af alle elever"],
    "aktiviteter": ["Fælles klasseregler på årgangen", "Kollegial sparring i øjenhøjde"],
    "ressourcer": ["To timer om måneden til teammøder"],
}
ASSUMPTIONS = {
    "aktiviteter_til_kortsigtede": "Når reglerne er fælles, kender eleverne dem.",
    "kortsigtede_til_mellemlange": "Kendte regler giver færre afbrydelser.",
    "mellemlange_til_langsigtede": "Færre afbrydelser giver mere ro og læring.",
}
EVALUATION = {"hvordan": "Trivselsmåling og observationer", "hvornaar": "Juni 2026", "hvem": "Årgangsteamet"}
SIGN = {"beskrivelse": "Ro og orden, mellemtrin", "kilde": "kvalitetsrapport:ro_orden/Mellemtrin",
        "baseline": "3,4", "baseline_aar": "2024/2025", "maal": "3,8", "hvornaar": "Foråret 2027",
        "resultat_niveau": "mellemlange"}
OWN_SIGN = {"beskrivelse": "Antal afbrydelser pr. lektion", "kilde": "egen observation",
            "baseline": "ca. 12", "maal": "under 5", "hvornaar": "Efter jul"}


@pytest.fixture
def lab_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "lab"
    shutil.copytree(SAMPLE, folder)
    return folder


@pytest.fixture
def lab(lab_folder: Path) -> Lab:
    return load_lab(lab_folder)


def write_team_work(lab_folder: Path, problem: str = FIELDS["problem"]) -> None:
    """A team that chose klasseledelse (filled in) and fremmoede (nothing written yet), saved field by
    field the way the form of labkit's first model did (results as lists, one assumption per box)."""
    workspace = Workspace.open(lab_folder, SCHOOL, LAB_NAME)
    workspace.set("indsatsomraader/valgte", ["klasseledelse", "fremmoede"])
    workspace.set("indsatsomraader/begrundelser/klasseledelse", REASON)
    theory = "indsatsteorier/klasseledelse"
    for key, value in {**FIELDS, "problem": problem, **LISTS}.items():
        workspace.set(f"{theory}/{key}", value)
    for link, text in ASSUMPTIONS.items():
        workspace.set(f"{theory}/antagelser/{link}", text)
    workspace.set(f"{theory}/evaluering", EVALUATION)
    workspace.set(f"{theory}/indikatorer", [SIGN, OWN_SIGN])


def document_texts(path: Path) -> tuple[list[str], list[list[str]]]:
    """The paragraphs' texts and every table row's cell texts."""
    document = docx.Document(str(path))
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    return [p.text for p in document.paragraphs], rows


def test_the_document_holds_the_teams_work_written_in_the_first_model(lab: Lab, lab_folder: Path,
                                                                     tmp_path: Path) -> None:
    write_team_work(lab_folder)
    path = write_indsatsteori_docx(lab, SCHOOL, tmp_path / "ud" / "indsatsteori.docx")
    paragraphs, rows = document_texts(path)
    text = "\n".join(paragraphs)
    cells = "\n".join(cell for row in rows for cell in row)
    assert paragraphs[0] == f"Indsatsteori – {SCHOOL_NAME}"
    assert "Læringslab 1 · Bøgekilde Kommune · Skoleår 2025/2026" in paragraphs
    assert REASON in paragraphs  # as plain text, markup and all
    for value in [*FIELDS.values(), *LISTS["ressourcer"]]:
        assert value in paragraphs, value
    for key in ("langsigtede_resultater", "mellemlange_resultater", "kortsigtede_resultater", "aktiviteter"):
        for item in LISTS[key]:
            assert item in cells, item
    for written in ASSUMPTIONS.values():  # kept, for the team to place (the first model had no item arrows)
        assert written in text, written
    for written in EVALUATION.values():
        assert written in text, written
    for heading in ("Problem", "Målgruppe", "Langsigtet mål", "Resultater", "Aktiviteter", "Ressourcer",
                    "Kontekst", "Risici", "Justeringspunkter", "Tegn på gennemførelse", "Tegn på virkning",
                    "Evaluering"):
        assert heading in paragraphs, heading
    assert ["Nr.", "Resultat", "Sigt", "Hvem ændrer sig?", "Kæden: hvis … fører det til … fordi"] in rows
    assert ["R1", "Fælles regler er kendt af alle elever", "Kort sigt", "ikke angivet", "(ikke udfyldt)"] in rows
    assert ["Tegn", "Hører til", "Kilde", "Baseline", "Mål", "Hvornår", "Sigt"] in rows
    assert ["Ro og orden, mellemtrin", "(ikke udfyldt)", "Kvalitetsrapport: Ro og orden (mellemtrin)",
            "3,4 (2024/2025)", "3,8", "Foråret 2027", "Mellemlang sigt"] in rows
    assert any(row[:4] == ["Antal afbrydelser pr. lektion", "(ikke udfyldt)", "Egen observation", "ca. 12"]
               for row in rows)
    assert "kvalitetsrapport:" not in text + cells and "?:" not in text + cells
    assert OTHER_SCHOOL not in text + cells


def test_empty_fields_and_unwritten_areas_say_so(lab: Lab, lab_folder: Path, tmp_path: Path) -> None:
    write_team_work(lab_folder)
    document = docx.Document(str(write_indsatsteori_docx(lab, SCHOOL, tmp_path / "a.docx")))
    paragraphs = [p.text for p in document.paragraphs]
    assert "Fremmøde og fravær" in paragraphs  # the framework's title: the theory holds none
    placeholders = [run for p in document.paragraphs for run in p.runs if run.text == "(ikke udfyldt)"]
    assert placeholders and all(run.italic for run in placeholders)


def test_no_focus_areas_is_a_danish_message(lab: Lab, tmp_path: Path) -> None:
    paragraphs, rows = document_texts(write_indsatsteori_docx(lab, SCHOOL, tmp_path / "tom.docx"))
    assert paragraphs[0] == f"Indsatsteori – {SCHOOL_NAME}"
    assert any("ingen indsatsområder" in p for p in paragraphs)
    assert rows == []


def test_same_work_gives_the_same_bytes(lab: Lab, lab_folder: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    write_team_work(lab_folder)
    first = write_indsatsteori_docx(lab, SCHOOL, tmp_path / "1.docx").read_bytes()
    later = time.time() + 400 * 86_400  # the clock must not leak into the file (zip dates, metadata)
    monkeypatch.setattr(time, "time", lambda: later)
    second = write_indsatsteori_docx(lab, SCHOOL, tmp_path / "2.docx").read_bytes()
    monkeypatch.undo()
    assert first == second
    properties = docx.Document(str(tmp_path / "1.docx")).core_properties
    assert properties.author == "labkit"


def test_control_characters_are_dropped_not_fatal(lab: Lab, lab_folder: Path, tmp_path: Path) -> None:
    write_team_work(lab_folder, problem="Uro\x00 i timerne\x0b på mellemtrinnet\x1f.")
    paragraphs, _ = document_texts(write_indsatsteori_docx(lab, SCHOOL, tmp_path / "k.docx"))
    assert "Uro i timerne på mellemtrinnet." in paragraphs
    assert FIELDS["maalgruppe"] in paragraphs


def test_a_very_long_school_name_gives_a_word_file_and_a_short_file_name(tmp_path: Path) -> None:
    """A school name of 300 letters: Word's 255-character title limit and the file system's name limit
    are both respected, and the name is whole in the document's text."""
    from labkit.handout.render import file_stem

    name = "Den Meget Lange Skoles Navn " * 11
    document = indsatsteori_document(name, "Læringslab 1", [])
    assert len(document.core_properties.title) <= 255
    assert name.strip() in "\n".join(p.text for p in document.paragraphs)
    stem = file_stem("061001", name)
    assert stem.startswith("061001_den-meget-lange") and len(stem) <= 70
    (tmp_path / f"{stem}_efter_indsatsteori.docx").write_bytes(docx_bytes(document))



def test_each_theory_has_its_diagram_with_caption_and_alt_text(lab: Lab, lab_folder: Path, tmp_path: Path) -> None:
    """The handout's diagram in the Word file too, so a team editing in Word sees the chain as drawn."""
    write_team_work(lab_folder)
    document = docx.Document(str(write_indsatsteori_docx(lab, SCHOOL, tmp_path / "d.docx")))
    shapes = document.inline_shapes
    assert len(shapes) == 2  # one per chosen focus area, the one not yet written too
    areas = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert areas == ["Ro, struktur og klasseledelse", "Fremmøde og fravær"]
    assert captions == [f"Indsatsteori: {area}" for area in areas]  # the area's name, as in the handout
    assert [shape._inline.docPr.get("descr") for shape in shapes] == captions


def test_a_full_page_diagram_is_scaled_to_fit_the_page_with_its_caption(tmp_path: Path) -> None:
    from PIL import Image

    team = "061006"  # the sample lab's team with the whole day written: its first diagram fills a page
    document = docx.Document(str(write_indsatsteori_docx(load_lab(SAMPLE), team, tmp_path / "d.docx")))
    section = document.sections[0]
    text_height = section.page_height - section.top_margin - section.bottom_margin
    text_width = section.page_width - section.left_margin - section.right_margin
    shapes = document.inline_shapes
    assert len(shapes) == 2
    for shape in shapes:
        assert shape.height + docx.shared.Mm(10) <= text_height  # the caption fits on the same page
        assert docx.shared.Mm(100) <= shape.width <= text_width
        blob = document.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
        pixels = Image.open(io.BytesIO(blob)).size
        assert abs(pixels[1] / pixels[0] - shape.height / shape.width) < 0.01  # not stretched
        assert pixels[0] >= 1000  # about 200 dpi: 9 pt text stays sharp in print
    assert min(shape.width for shape in shapes) < docx.shared.Mm(137)  # the tall one was scaled down
