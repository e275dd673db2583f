"""From an executed handout notebook to files: the HTML page through the layout template, and the
facilitator's index page (`indeks.html.j2` in the layout folder) listing every school's files."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment, SecurityError

from labkit.data.config import LabConfig, load_config
from labkit.data.templates import BUNDLED_TEMPLATES
from labkit.handout.layout import LAYOUT_FOLDER, load_layout, page_name, refuse_unsafe_page_templates
from labkit.handout.safe_page import unsafe_page_parts
from labkit.problems import LabkitError

INDEX_TEMPLATE = "indeks.html.j2"
FORMAT_NAMES = {"html": "HTML", "pdf": "PDF", "docx": "Word (indsatsteori)"}


# nbconvert's alt text for an image without one; a Danish handout says it in Danish.
NBCONVERT_ALT = 'alt="No description has been provided for this image"'
DANISH_ALT = 'alt="Billede uden beskrivelse"'


def handout_html(notebook: Any, lab_folder: Path, title: str, stamp: str = "", edition: str = "") -> str:
    """The executed handout notebook as one self-contained HTML page, through the layout template.
    `stamp` (a date, only when the facilitator asks for one) goes under the title and in the footer."""
    layout = load_layout(load_config(lab_folder).templates_folder).for_edition(edition)  # pages checked too
    # The title again as a CSS string, for the running footer on every printed page.
    footer = " · ".join(part for part in (title, layout.edition.name if layout.edition else "", stamp) if part)
    resources = {**layout.template_resources(), "dato": stamp, "sidefod_css": css_string(footer)}
    try:
        body, _ = _exporter(layout.folder).from_notebook_node(
            notebook, resources={"labkit": resources, "metadata": {"name": title}})
    except SecurityError as error:
        raise LabkitError(_sandbox_message(error, layout.folder)) from None
    except jinja2.TemplateError as error:  # a consultant's edit to the layout's html/index.html.j2
        where = f" ({error.filename}, linje {error.lineno})" if isinstance(error, jinja2.TemplateSyntaxError) else ""
        raise LabkitError(f"Uddelingsarkets skabelon{where} har en fejl: {error.message or error}. Ret filen i "
                          f"{layout.folder}, eller brug standardskabelonen igen.") from error
    refuse_unsafe_page(body, f"Uddelingsarkets skabelon ({layout.folder / 'html'})")
    return body.replace(NBCONVERT_ALT, DANISH_ALT)


def refuse_unsafe_page(page: str, made_by: str) -> None:
    """Raise a Danish `LabkitError` when a finished page holds what could run or fetch (`safe_page`)."""
    parts = unsafe_page_parts(page)
    if parts:
        raise LabkitError(
            f"{made_by} laver en side med {', '.join(parts[:3])}" + (f" (og {len(parts) - 3} mere)" if len(parts) > 3
                                                                     else "")
            + ". En side må ikke indeholde noget, der kører eller henter fra nettet. Ret skabelonen og de filer, "
              "den henter med include eller import, eller brug labkits udgave af den igen.")


def _sandbox_message(error: SecurityError, layout_folder: Path) -> str:
    """A template that reached for Python behind the page, named by the template file and line it ran in."""
    where = ""
    trace = error.__traceback__
    while trace is not None:  # Jinja gives template frames the template's file name and line
        filename = trace.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            where = f"{page_name(layout_folder, Path(filename))}, linje {trace.tb_lineno}: "
        trace = trace.tb_next
    return (f"{where or 'Uddelingsarkets skabelon: '}skabelonen prøver at bruge Python bag siden (navne med _ "
            "foran), og en skabelon må ikke køre kode. Ret filen, eller brug labkits udgave af den igen.")




def css_string(text: str) -> str:
    """`text` as a quoted CSS string that cannot end the string or the <style> element early."""
    escaped = "".join(ch if ch.isalnum() or ch in " -–.,:·/()" else f"\\{ord(ch):x} " for ch in text)
    return f'"{escaped}"'


@functools.cache
def _exporter(template_folder: Path) -> Any:
    """One HTML exporter per layout folder and process: building it (Jinja environment) costs ~0.3 s.
    nbconvert is imported here, in the render workers, after they have kept jsonschema from loading
    a slow checker (`labkit.handout.render._skip_slow_iri_checker`)."""
    from nbconvert import HTMLExporter

    class SandboxedHTMLExporter(HTMLExporter):  # type: ignore[misc]
        """nbconvert's HTML exporter, its Jinja environment sandboxed: a lab's page template is a file a
        consultant edits, and it must not reach Python (`"".__class__`) or run commands."""

        def _create_environment(self) -> jinja2.Environment:
            plain = super()._create_environment()
            sandboxed = SandboxedEnvironment(loader=plain.loader, extensions=list(plain.extensions),
                                             enable_async=plain.is_async)
            sandboxed.filters.update(plain.filters)
            sandboxed.tests.update(plain.tests)
            sandboxed.globals.update(plain.globals)
            return sandboxed

    return SandboxedHTMLExporter(extra_template_basedirs=[str(template_folder)], template_name="html")


@dataclass(frozen=True)
class IndexRow:
    """One school on the index page: its files by format (in `FORMAT_NAMES` order) and its errors."""

    school_id: str
    school_name: str
    files: dict[str, Path]
    errors: Sequence[str] = ()


def index_html(config: LabConfig, rows: Sequence[IndexRow], edition_name: str = "",
               overview: Sequence[Path] = ()) -> str:
    """The index page: every school, its files and whether it was rendered (no timestamps: stable), and
    the consultants' overview of every verdict when it was written. The lab's own layout folder may
    hold its own `indeks.html.j2`; otherwise the bundled one is used."""
    heading = f"Uddelingsark – {config.lab_name}, {config.municipality}" + (f" ({edition_name})" if edition_name else "")
    schools = [{
        "id": row.school_id, "name": row.school_name, "ok": not row.errors,
        "status": "OK" if not row.errors else "Fejl: " + " ".join(row.errors),
        "files": [{"name": FORMAT_NAMES[kind], "href": path.name}
                  for kind, path in sorted(row.files.items(), key=lambda item: list(FORMAT_NAMES).index(item[0]))],
    } for row in rows]
    layout_folder = config.templates_folder / LAYOUT_FOLDER
    refuse_unsafe_page_templates(layout_folder)
    try:
        page = _index_template(layout_folder).render(
            heading=heading, school_year=config.school_year, schools=schools, done=sum(s["ok"] for s in schools),
            overview=[{"name": path.name, "href": path.name} for path in overview]) + "\n"
    except SecurityError as error:
        raise LabkitError(_sandbox_message(error, layout_folder)) from None
    own = layout_folder / INDEX_TEMPLATE
    refuse_unsafe_page(page, f"Oversigtssidens skabelon ({own if own.exists() else INDEX_TEMPLATE})")
    return page


def _index_template(layout_folder: Path) -> jinja2.Template:
    # Built each time (milliseconds): a consultant's edit to the template shows in the next render,
    # also from a long-running server. Sandboxed: the template is a file a consultant edits.
    environment = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(layout_folder), str(BUNDLED_TEMPLATES / LAYOUT_FOLDER)]),
        autoescape=True, keep_trailing_newline=False, undefined=jinja2.StrictUndefined)
    try:
        return environment.get_template(INDEX_TEMPLATE)
    except jinja2.TemplateSyntaxError as error:
        raise LabkitError(f"Skabelonen til oversigtssiden ({error.filename or INDEX_TEMPLATE}) har en fejl i linje "
                          f"{error.lineno}: {error.message}. Ret filen, eller slet den for at bruge standarden.") from error
