"""The team's indsatsteori as an editable Word document (.docx), one per school.

The notebooks' handout is static HTML/PDF; this file is for the team to keep working in Word. It is
built from the saved workspace (never widget state), every text in Danish, and empty fields say
»(ikke udfyldt)« so the team sees what is left. Same inputs give a byte-identical file.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.shared import Mm, RGBColor
from docx.text.paragraph import Paragraph

from labkit.data.catalogue import Catalogue
from labkit.data.frameworks import FOCUS_AREAS_FILE, load_focus_areas
from labkit.data.indsatsteori import LINK_NAMES, LINKS, Indsatsteori, Tegn, source_label
from labkit.data.instrument import Instrument
from labkit.data.lab import Lab
from labkit.files import write_atomically
from labkit.problems import LabkitError
from labkit.workspace.store import read_workspace

EMPTY = "(ikke udfyldt)"
EMPTY_COLOUR = RGBColor(0x80, 0x80, 0x80)
# Documents carry a date; a fixed one keeps the file byte-identical for the same team work.
FIXED_TIME = datetime(2000, 1, 1, tzinfo=UTC)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can hold
# XML 1.0 forbids these characters; python-docx would raise on them, so team text loses them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
LEVEL_NAMES = {"kortsigtede": "Kortsigtet", "mellemlange": "Mellemlangt", "langsigtede": "Langsigtet"}
SIGN_COLUMNS = ("Tegn", "Kilde", "Baseline", "Mål", "Hvornår", "Niveau")
NO_FOCUS_AREAS = ("Teamet har endnu ingen indsatsområder valgt, så der er ingen indsatsteori at vise. "
                  "Vælg 1–3 indsatsområder i notesbog 2, og skriv indsatsteorien i notesbog 3.")

FocusAreaWork = tuple[str, str, Indsatsteori]  # (title, begrundelse, theory) of one chosen area


def clean_text(text: str) -> str:
    """Team text as Word can hold it: no characters XML forbids, one kind of line break."""
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


# --- building the document (pure: no files) ----------------------------------------------------


def _write(paragraph: Paragraph, text: str) -> None:
    """Text into a paragraph, or the grey italic placeholder when the team has written nothing."""
    text = clean_text(text)
    run = paragraph.add_run(text or EMPTY)
    if not text:
        run.italic = True
        run.font.color.rgb = EMPTY_COLOUR


def _field(document: Document, heading: str, text: str) -> None:
    document.add_heading(heading, level=2)
    _write(document.add_paragraph(), text)


def _bullets(document: Document, heading: str, items: Sequence[str]) -> None:
    document.add_heading(heading, level=2)
    items = [item for item in map(clean_text, items) if item]
    for item in items or [""]:
        _write(document.add_paragraph(style="List Bullet" if items else None), item)


def _labelled(document: Document, label: str, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label}: ").bold = True
    _write(paragraph, text)


def _signs(document: Document, signs: Sequence[Tegn], catalogue: Catalogue | None,
           instrument: Instrument | None) -> None:
    document.add_heading("Tegn på virkning", level=2)
    table = document.add_table(rows=1, cols=len(SIGN_COLUMNS), style="Table Grid")
    for cell, name in zip(table.rows[0].cells, SIGN_COLUMNS):
        cell.paragraphs[0].add_run(name).bold = True
    for tegn in signs or [Tegn()]:
        year = f" ({tegn.baseline_aar})" if tegn.baseline and tegn.baseline_aar else ""
        values = (tegn.beskrivelse, source_label(tegn, catalogue, instrument) if signs else "",
                  tegn.baseline + year, tegn.maal, tegn.hvornaar,
                  LEVEL_NAMES.get(tegn.resultat_niveau, tegn.resultat_niveau) if signs else "")
        for cell, value in zip(table.add_row().cells, values):
            _write(cell.paragraphs[0], value)


def _theory(document: Document, title: str, reason: str, theory: Indsatsteori,
            catalogue: Catalogue | None, instrument: Instrument | None) -> None:
    """One focus area, its fields in the order the Danish guides work through them."""
    document.add_heading(clean_text(title) or EMPTY, level=1)
    _field(document, "Begrundelse", reason)
    _field(document, "Problem", theory.problem)
    _field(document, "Målgruppe", theory.maalgruppe)
    _field(document, "Langsigtet mål", theory.langsigtet_maal)
    _bullets(document, "Langsigtede resultater", theory.langsigtede_resultater)
    _bullets(document, "Mellemlange resultater", theory.mellemlange_resultater)
    _bullets(document, "Kortsigtede resultater", theory.kortsigtede_resultater)
    _bullets(document, "Aktiviteter", theory.aktiviteter)
    _bullets(document, "Ressourcer", theory.ressourcer)
    document.add_heading("Antagelser", level=2)
    for link in LINKS:
        name = LINK_NAMES[link]
        _labelled(document, name[:1].upper() + name[1:], theory.antagelser.get(link, ""))
    _field(document, "Kontekst", theory.kontekst)
    _signs(document, theory.indikatorer, catalogue, instrument)
    document.add_heading("Evaluering", level=2)
    _labelled(document, "Hvordan", theory.evaluering.hvordan)
    _labelled(document, "Hvornår", theory.evaluering.hvornaar)
    _labelled(document, "Hvem", theory.evaluering.hvem)


def _set_up(document: Document, title: str, timestamp: datetime) -> None:
    """A4, Danish spelling and hyphenation, and fixed metadata (no python-docx defaults)."""
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
    language_path = "/".join(map(qn, ("w:docDefaults", "w:rPrDefault", "w:rPr", "w:lang")))
    language = document.styles.element.find(language_path)
    if language is not None:
        language.set(qn("w:val"), "da-DK")
    properties = document.core_properties
    properties.title, properties.author, properties.last_modified_by = title, "labkit", "labkit"
    properties.comments, properties.revision = "", 1
    properties.created = properties.modified = properties.last_printed = timestamp


def indsatsteori_document(school_name: str, lab_title_line: str, areas: Sequence[FocusAreaWork],
                          catalogue: Catalogue | None = None, instrument: Instrument | None = None,
                          timestamp: datetime = FIXED_TIME) -> Document:
    """The Word document for one school: a title, the lab line, then each chosen focus area.

    `areas` holds (title, begrundelse, theory) in the team's order; none gives a document saying
    so. `catalogue`/`instrument` turn sign sources into names (ids are shown without them).
    """
    document = docx.Document()
    title = f"Indsatsteori – {clean_text(school_name)}"
    _set_up(document, title, timestamp)
    document.add_heading(title, level=0)
    document.add_paragraph(clean_text(lab_title_line))
    if not areas:
        document.add_paragraph(NO_FOCUS_AREAS)
    for area_title, reason, theory in areas:
        _theory(document, area_title, reason, theory, catalogue, instrument)
    return document


def docx_bytes(document: Document) -> bytes:
    """The saved document with fixed zip dates (python-docx stamps each entry with the clock)."""
    saved = io.BytesIO()
    document.save(saved)
    fixed = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(zipfile.ZipInfo(entry.filename, ZIP_TIME), source.read(entry),
                            compress_type=zipfile.ZIP_DEFLATED)
    return fixed.getvalue()


# --- from the lab folder -----------------------------------------------------------------------


def focus_area_titles(lab: Lab) -> dict[str, str]:
    """Candidate id → title, for theories saved without one: framework areas and data candidates."""
    titles = {f"data-indikator-{i.id}": i.name for i in lab.catalogue.indicators}
    titles |= {f"data-dimension-{d.id}": d.name for d in lab.instrument.dimensions}
    try:
        framework = lab.config.templates_folder / FOCUS_AREAS_FILE
        areas = load_focus_areas(framework, lab.catalogue, lab.instrument)
    except LabkitError:  # a broken framework file should not cost the team its document
        return titles
    return titles | {area.id: area.name for area in areas}


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def chosen_areas(data: dict[str, Any], titles: dict[str, str]) -> list[FocusAreaWork]:
    """The team's chosen focus areas from workspace `data`, in their order; tolerates odd files."""
    section = _mapping(data.get("indsatsomraader"))
    chosen = section.get("valgte")
    chosen = chosen if isinstance(chosen, list) else []
    reasons, theories = _mapping(section.get("begrundelser")), _mapping(data.get("indsatsteorier"))
    areas = []
    for area_id in dict.fromkeys(str(item) for item in chosen if item):
        theory = Indsatsteori.from_dict(theories.get(area_id))
        title = theory.focus_area.title or titles.get(area_id, area_id)
        reason = reasons.get(area_id)
        areas.append((title, reason if isinstance(reason, str) else "", theory))
    return areas


def write_indsatsteori_docx(lab: Lab, school_id: str, path: Path) -> Path:
    """Write the school's indsatsteori as an editable .docx at `path` and return the path.

    Reads the saved workspace; raises `LabkitError` (Danish) if the school is not in the lab.
    """
    config = lab.config
    school = config.school(school_id)
    areas = chosen_areas(read_workspace(config.folder, school_id), focus_area_titles(lab))
    line = " · ".join(part for part in (config.lab_name, config.municipality,
                                        f"Skoleår {config.school_year}") if part)
    document = indsatsteori_document(school.name, line, areas, lab.catalogue, lab.instrument)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, docx_bytes(document))
    return path
