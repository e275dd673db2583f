"""The team's indsatsteori as an editable Word document (.docx), one per school.

The notebooks' handout is static HTML/PDF; this file is for the team to keep working in Word. It is
built from the saved workspace (never widget state), every text in Danish, and empty fields say
»(ikke udfyldt)« so the team sees what is left. Same inputs give a byte-identical file.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.shared import Mm, RGBColor
from docx.text.paragraph import Paragraph

from labkit.analysis.candidates import ChosenArea, chosen_areas_in, lab_candidate_titles
from labkit.data.agenda import STEP_TITLES
from labkit.data.catalogue import Catalogue
from labkit.data.indsatsteori import (
    ACTIVITIES_LABEL,
    DATA_BASIS,
    EVALUATION,
    EVALUATION_LABEL,
    IMPLEMENTATION,
    LEAD_FIELDS,
    OLD_LINK_NAMES,
    OUTCOME,
    RESULTS_LABEL,
    SIGN_KINDS,
    TAIL_FIELDS,
    Field,
    Indsatsteori,
)
from labkit.data.instrument import Instrument
from labkit.data.lab import Lab
from labkit.figures.indsatsteori import draw_indsatsteori
from labkit.files import write_atomically
from labkit.text import printable
from labkit.views.display import figure_caption, figure_png
from labkit.views.indsatsteori import CHAIN, Table, activities_table, results_table, signs_table
from labkit.workspace.store import read_workspace

EMPTY = "(ikke udfyldt)"
TEXT_WIDTH, NARROW, WIDE_COLUMN = 165.0, 11.0, 70.0  # millimetres: A4 less Word's default margins
EMPTY_COLOUR = RGBColor(0x80, 0x80, 0x80)
# Word cannot take the handout's SVG: the diagram goes in as a PNG, sharp enough for 9 pt text in print.
DIAGRAM_DPI = 200
MM_PER_INCH = 25.4
CAPTION_ROOM = Mm(15)  # below the diagram on its page: the caption line and the paragraph spacing
# Documents carry a date; a fixed one keeps the file byte-identical for the same team work.
FIXED_TIME = datetime(2000, 1, 1, tzinfo=UTC)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can hold
NO_FOCUS_AREAS = ("Teamet har endnu ingen indsatsområder valgt, så der er ingen indsatsteori at vise. "
                  f"Vælg 1–3 indsatsområder under »{STEP_TITLES['2_indsatsomraader']}«, og skriv indsatsteorien "
                  f"under »{STEP_TITLES['3_indsatsteori']}«.")



def clean_text(text: str) -> str:
    """Team text as Word can hold it: no characters XML forbids, one kind of line break."""
    return printable(text).strip()


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


def _table(document: Document, heading: str, table: Table) -> None:
    """A heading and a grid table; with no rows, one empty row, so the team sees where to write."""
    document.add_heading(heading, level=2)
    head, rows = table
    grid = document.add_table(rows=1, cols=len(head), style="Table Grid")
    for cell, name in zip(grid.rows[0].cells, head):
        cell.paragraphs[0].add_run(name).bold = True
    for row in rows or [("",) * len(head)]:
        for cell, value in zip(grid.add_row().cells, row):
            _write(cell.paragraphs[0], value)
    # Word gives every column the same width; the chain line needs room, the number very little.
    widths = [NARROW if name == "Nr." else WIDE_COLUMN if name == CHAIN else 0.0 for name in head]
    rest = (TEXT_WIDTH - sum(widths)) / max(1, widths.count(0.0))
    grid.autofit = False
    for column, width in zip(grid.columns, widths):
        for cell in column.cells:
            cell.width = Mm(width or rest)


def _text_field(document: Document, field: Field, value: str | list[str]) -> None:
    if isinstance(value, list):
        _bullets(document, field.label, value)
    else:
        _field(document, field.label, value)


def _theory(document: Document, title: str, reason: str, theory: Indsatsteori,
            catalogue: Catalogue | None, instrument: Instrument | None) -> None:
    """One focus area, in the order of the form, the notebook and the HTML handout."""
    document.add_heading(clean_text(title) or EMPTY, level=1)
    _field(document, "Begrundelse", reason)
    for field in LEAD_FIELDS:
        _text_field(document, field, getattr(theory, field.key))
    if theory.data_grundlag:
        _bullets(document, DATA_BASIS.label, theory.data_grundlag)
    _table(document, RESULTS_LABEL, results_table(theory))
    _table(document, ACTIVITIES_LABEL, activities_table(theory))
    for field in TAIL_FIELDS:
        _text_field(document, field, getattr(theory, field.key))
    for key, text in theory.tidligere_antagelser.items():
        _labelled(document, f"Antagelse fra en tidligere udgave ({OLD_LINK_NAMES[key]})", text)
    for kind in (IMPLEMENTATION, OUTCOME):
        _table(document, SIGN_KINDS[kind], signs_table(theory, kind, catalogue, instrument))
    document.add_heading(EVALUATION_LABEL, level=2)
    for key, label in EVALUATION:
        _labelled(document, label, getattr(theory.evaluering, key))
    _diagram(document, theory)


def _diagram(document: Document, theory: Indsatsteori) -> None:
    """The handout's diagram, drawn by the same function from the same saved theory (so the privacy
    sweep, which reads the handout's SVG, covers this picture too), with its title as caption and alt text."""
    figure = draw_indsatsteori(theory)
    caption = clean_text(figure_caption(figure)) or "Indsatsteori"
    section = document.sections[-1]
    # python-docx types these as optional; _set_up gave the page its A4 size, Word's margins are set.
    room = (section.page_height or Mm(297)) - (section.top_margin or 0) - (section.bottom_margin or 0) - CAPTION_ROOM
    width, height = figure.get_figwidth() * MM_PER_INCH, figure.get_figheight() * MM_PER_INCH
    scale = min(1.0, room / Mm(height))  # the whole diagram on one page with its caption, as in print
    document.add_picture(io.BytesIO(figure_png(figure, DIAGRAM_DPI)), width=Mm(width * scale))
    picture = document.inline_shapes[-1]._inline.docPr
    picture.set("descr", caption)
    picture.set("title", caption)
    document.add_paragraph(caption, style="Caption")


def _set_up(document: Document, title: str, timestamp: datetime) -> None:
    """A4, Danish spelling and hyphenation, and fixed metadata (no python-docx defaults)."""
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
    language_path = "/".join(map(qn, ("w:docDefaults", "w:rPrDefault", "w:rPr", "w:lang")))
    language = document.styles.element.find(language_path)
    if language is not None:
        language.set(qn("w:val"), "da-DK")
    properties = document.core_properties
    # Word's document properties hold at most 255 characters (python-docx refuses longer ones).
    properties.title, properties.author, properties.last_modified_by = title[:255], "labkit", "labkit"
    properties.comments, properties.revision = "", 1
    properties.created = properties.modified = properties.last_printed = timestamp


def indsatsteori_document(school_name: str, lab_title_line: str, areas: Sequence[ChosenArea],
                          catalogue: Catalogue | None = None, instrument: Instrument | None = None,
                          timestamp: datetime = FIXED_TIME) -> Document:
    """The Word document for one school: a title, the lab line, then each chosen focus area.

    `areas` are the chosen areas in the team's order; none gives a document saying
    so. `catalogue`/`instrument` turn sign sources into names (ids are shown without them).
    """
    document = docx.Document()
    title = f"Indsatsteori – {clean_text(school_name)}"
    _set_up(document, title, timestamp)
    document.add_heading(title, level=0)
    document.add_paragraph(clean_text(lab_title_line))
    if not areas:
        document.add_paragraph(NO_FOCUS_AREAS)
    for area in areas:
        _theory(document, area.title, area.reason, area.theory, catalogue, instrument)
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


def write_indsatsteori_docx(lab: Lab, school_id: str, path: Path) -> Path:
    """Write the school's indsatsteori as an editable .docx at `path` and return the path.

    Reads the saved workspace; raises `LabkitError` (Danish) if the school is not in the lab.
    """
    config = lab.config
    school = config.school(school_id)
    areas = chosen_areas_in(read_workspace(config.folder, school_id), lab_candidate_titles(lab))
    line = " · ".join(part for part in (config.lab_name, config.municipality,
                                        f"Skoleår {config.school_year}") if part)
    document = indsatsteori_document(school.name, line, areas, lab.catalogue, lab.instrument)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, docx_bytes(document))
    return path
