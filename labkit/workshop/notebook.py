"""What the notebooks call: one function per section, each safe to run with or without a school.

In JupyterLab (`interaktiv=True`) each section draws into its own output area and is redrawn when
the team picks another school; user errors become Danish boxes, never tracebacks. Under papermill
(`interaktiv=False`) sections write plain outputs (images, HTML) that a handout can show, and an
unexpected error is raised so the renderer can report that school as failed.
"""

from __future__ import annotations

import logging
import os
import traceback
from collections.abc import Callable
from pathlib import Path

import ipywidgets as widgets
from IPython.display import HTML, display

from labkit.data.agenda import AGENDA_FILE, load_agenda
from labkit.problems import LabkitError
from labkit.views.agenda import agenda_html
from labkit.views.display import callout_html, escape, quiet_library_notes, show_callout
from labkit.views.frameworks import plf_questions_html, render_inclusion_frame, render_learning_circle
from labkit.views.indsatsomraader import render_candidates_static
from labkit.views.kapacitet import render_kapacitet
from labkit.views.kvalitet import render_overview
from labkit.workshop.analysis import (
    render_funnel,
    render_indicators,
    render_summary,
)
from labkit.workshop.frameworks import render_plf_maturity
from labkit.workshop.indsatsomraader import (
    render_bubble_chart,
    render_candidates,
    render_choice,
)
from labkit.workshop.indsatsteori import render_theories
from labkit.workshop.konflikter import render_conflicts
from labkit.workshop.opfoelgning import render_followup
from labkit.workspace.session import ROOM_SCHOOL_ENV, Session, data_warnings, open_session

log = logging.getLogger(__name__)
ERROR_LOG = ".labkit-fejl.log"
# Team texts in the page's own font (JupyterLab gives text areas a monospace one), whole tab titles.
WIDGET_STYLE = ("<style>.widget-textarea textarea, .widget-text input { font-family: var(--jp-content-font-family, "
                "sans-serif); font-size: var(--jp-content-font-size1, 14px); }"
                " .jupyter-widgets.widget-tab > .p-TabBar .p-TabBar-tab, .jupyter-widgets.widget-tab > .lm-TabBar"
                " .lm-TabBar-tab { flex: 0 1 auto; max-width: none; min-width: 8em; }</style>")


def _log_unexpected(session: Session, error: BaseException) -> None:
    """Keep the traceback for the developers, out of the participants' sight."""
    path = Path(session.lab.config.folder) / "arbejde" / ERROR_LOG
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as file:
            file.write("".join(traceback.format_exception(error)) + "\n")
    except OSError:
        log.exception("Kunne ikke skrive fejlloggen")


def _render_safely(session: Session, render: Callable[[Session], None]) -> None:
    try:
        render(session)
    except LabkitError as error:
        show_callout(str(error), "fejl", "Det kan ikke vises")
    except Exception as error:
        if not session.interactive:
            raise
        _log_unexpected(session, error)
        show_callout(
            "Noget gik galt i denne del af notesbogen. Resten virker stadig, og intet af det, I har "
            "skrevet, er tabt. Sig det gerne til facilitatoren.", "fejl", "Uventet fejl")


def section(session: Session | None, render: Callable[[Session], None], needs_school: bool = True) -> None:
    """Show one section; in JupyterLab it is redrawn whenever the school changes."""
    if session is None:
        return  # start() has already said why
    if not session.interactive or session.in_room:
        # Under papermill, and in the room (where the school is fixed, so nothing is ever redrawn): the
        # section's outputs go straight to the cell. In the room that matters: Voilà's executor
        # (nbclient) tracks every Output widget a cell writes into, and with several pages running
        # at once some pages then never finished loading (issue 11; docs/rum.md).
        if needs_school and not session.school_id:
            show_callout("Der er ikke valgt nogen skole (parameteren »skole«).", "fejl")
            return
        _render_safely(session, render)
        return
    output = widgets.Output()
    display(output)

    def redraw() -> None:
        output.clear_output(wait=True)
        with output:
            _render_safely(session, render)

    if needs_school:
        if not session.school_id:
            with output:
                show_callout("Vælg jeres skole i listen øverst, så kommer indholdet her.")
        session.on_school(redraw, key=f"{render.__module__}.{render.__qualname__}")
    else:
        redraw()


def _header_html(session: Session) -> str:
    config = session.lab.config
    lines = [f"<h2 style='margin:0'>{escape(session.school_name or 'Ingen skole valgt')}</h2>",
             (f"<div>{escape(config.lab_name)} · {escape(config.municipality)} · skoleår "
             f"{escape(config.school_year)}</div>")]
    # E.g. "the workspace file was damaged and recovered": the team must see it.
    messages = session.workspace.messages if session.workspace else []
    lines += [callout_html(message, "advarsel") for message in messages]
    return "".join(lines)


def _school_picker(session: Session) -> widgets.Widget:
    options = [("Vælg jeres skole …", "")] + [(s.name, s.id) for s in session.lab.config.schools]
    picker = widgets.Dropdown(options=options, value=session.school_id or "", description="Skole:",
                              layout=widgets.Layout(width="420px"))
    header = widgets.HTML(_header_html(session))

    def changed(change: dict) -> None:
        if change["new"]:
            session.choose(change["new"])
            header.value = _header_html(session)

    picker.observe(changed, names="value")
    return widgets.VBox([picker, header])


def start(lab_mappe: str = "", skole: str = "", interaktiv: bool = True,
          pick_school: bool = True, rum: bool = False) -> Session | None:
    """Open the lab (and school) for a notebook; shows a Danish message instead of failing.

    `rum`: the page is served by `labkit serve`, whose server chose the school from the team's access
    link. There is then no school list, and nothing is remembered per operating-system user (every
    team's page runs as the same user on the room's server).
    """
    quiet_library_notes()
    if interaktiv:
        display(HTML(WIDGET_STYLE))
    if rum and pick_school and not str(skole).strip():
        show_callout("Siden ved ikke, hvilken skole den skal vise. Åbn den fra jeres adgangslink.", "fejl",
                     "Siden kan ikke starte")
        return None
    if rum:
        # The page's kernel serves this page only: from now on it opens no other school (a kernel the
        # server started for the page already knows its school; one from the warm reserve learns it here).
        os.environ.setdefault(ROOM_SCHOOL_ENV, str(skole).strip() if pick_school else "-")
    try:
        session = open_session(lab_mappe, skole if pick_school else "", interaktiv, in_room=rum)
    except LabkitError as error:
        show_callout(str(error), "fejl", "Notesbogen kan ikke starte")
        if not interaktiv:
            raise
        return None
    for line in data_warnings(session.lab):
        show_callout(line, "advarsel")
    if not pick_school:
        config = session.lab.config
        display(HTML(f"<div>{escape(config.lab_name)} · {escape(config.municipality)} · "
                     f"{len(config.schools)} skoler</div>"))
    elif interaktiv and not rum:
        display(_school_picker(session))
    else:
        display(HTML(_header_html(session)))
    return session


def show_plf_questions(session: Session | None) -> None:
    """The PLF guiding questions from the template, as prompts for the discussion."""
    section(session, lambda s: display(HTML(plf_questions_html(s))), needs_school=False)


def show_summary(session: Session | None) -> None:
    """Notebook 1: the data summary, each statement with enig/uenig saved to the workspace."""
    section(session, render_summary)


def show_indicators(session: Session | None) -> None:
    """Notebook 1: the school's indicators over the years against kommune and land."""
    section(session, render_indicators)


def show_funnel(session: Session | None) -> None:
    """Notebook 1: the school among the municipality's schools (funnel plot, others anonymous)."""
    section(session, render_funnel)


def show_kapacitet(session: Session | None) -> None:
    """Notebook 1: kapacitet profile, gaps between groups, the interview notes."""
    section(session, render_kapacitet)


def show_candidates(session: Session | None) -> None:
    """Notebook 2: candidate focus areas with the team's ratings."""
    def render(s: Session) -> None:
        (render_candidates if s.interactive else render_candidates_static)(s)

    section(session, render)


def show_bubble_chart(session: Session | None) -> None:
    """Notebook 2: the boblediagram of the rated candidates."""
    section(session, render_bubble_chart)


def show_choice(session: Session | None) -> None:
    """Notebook 2: the chosen focus areas and why."""
    section(session, render_choice)


def show_conflicts(session: Session | None) -> None:
    """Texts two team members saved in the same field at once, side by side, to keep one."""
    if session is not None and session.interactive:
        section(session, render_conflicts)


def show_indsatsteori(session: Session | None) -> None:
    """Notebook 3: an indsatsteori per chosen focus area, with its diagram."""
    section(session, render_theories)


def show_followup(session: Session | None) -> None:
    """Notebook 5: follow-up on each saved indsatsteori against new data, observations and revision."""
    section(session, render_followup)


def show_overview(session: Session | None) -> None:
    """Notebook 4: the facilitator's anonymised overview of the lab's schools."""
    section(session, render_overview, needs_school=False)


def show_agenda(session: Session | None, current_notebook: str = "") -> None:
    """The day's programme from the agenda template, with this notebook's blocks marked."""
    def render(s: Session) -> None:
        path = s.lab.config.templates_folder / AGENDA_FILE
        if path.is_file():
            display(HTML(agenda_html(load_agenda(path), current_notebook=current_notebook or None)))

    section(session, render, needs_school=False)


def show_inclusion_frame(session: Session | None) -> None:
    """Notebook 1/2: the analysis frame for inclusive learning environments, with where to look in data."""
    section(session, render_inclusion_frame, needs_school=False)


def show_learning_circle(session: Session | None) -> None:
    """Notebook 3: Læringscirklen's phases and questions, to check the theory against."""
    section(session, render_learning_circle, needs_school=False)


def show_plf_maturity(session: Session | None) -> None:
    """Notebook 2: where the team places the school on the PLF maturity levels, and why."""
    section(session, render_plf_maturity)
