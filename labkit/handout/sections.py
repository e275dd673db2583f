"""The handout (uddelingsark) for one school: the sections its layout template lists, in order.

Each section kind below reads the lab's data or the team's saved workspace (never widget state) and
displays static HTML and numbered figures. The layout itself is read by `labkit.handout.layout`.
"""

from __future__ import annotations

from collections.abc import Callable

from IPython.display import HTML, display

from labkit.handout.layout import SECTION_KINDS, Section, load_layout
from labkit.problems import LabkitError, Severity
from labkit.views.display import (
    callout_html,
    escape,
    numbered_figures,
    quiet_library_notes,
    show_callout,
    show_figure,
)
from labkit.views.frameworks import learning_circle_html, plf_choice_html, plf_questions_html
from labkit.views.indsatsomraader import choice_html, chosen_areas
from labkit.views.indsatsteori import render_theory_static
from labkit.views.kapacitet import render_kapacitet
from labkit.views.kvalitet import (
    funnel_figure,
    overview_table_html,
    school_indicators,
    summary_html,
    trend_figure,
)
from labkit.views.opfoelgning import render_followup_handout
from labkit.workspace.session import Session, open_session
from labkit.workspace.store import refuse_missing_work

# --- sections ---------------------------------------------------------------------------------


def _summary(session: Session, section: Section) -> None:
    display(HTML(summary_html(session)))


def _overview_table(session: Session, section: Section) -> None:
    display(HTML(overview_table_html(session)))


def _indicator_figures(session: Session, section: Section) -> None:
    wanted = section.indicators or tuple(i.id for i in session.lab.catalogue.indicators)
    unknown = [i for i in wanted if i not in {x.id for x in session.lab.catalogue.indicators}]
    if unknown:
        raise LabkitError(f"Uddelingsarket nævner indikatorer, der ikke er i kataloget: {', '.join(unknown)}.")
    present = school_indicators(session)
    shown = [(i, g) for wanted_id in wanted for i, g in present if i == wanted_id]
    if not shown:
        show_callout("Skolen har ingen tal for de valgte indikatorer.", "info")
    for indicator_id, group in shown:
        figure, text = trend_figure(session, indicator_id, group)
        show_figure(figure)
        show_callout(text, "info")


def _funnel(session: Session, section: Section) -> None:
    present = school_indicators(session)
    for wanted_id in section.indicators:
        for indicator_id, group in present:
            if indicator_id == wanted_id:
                show_figure(funnel_figure(session, indicator_id, group))


def _kapacitet(session: Session, section: Section) -> None:
    render_kapacitet(session)


def _focus_areas(session: Session, section: Section) -> None:
    display(HTML(choice_html(session)))


def _theories(session: Session, section: Section) -> None:
    areas = chosen_areas(session)
    if not areas:
        show_callout("Teamet har endnu ikke skrevet en indsatsteori.", "info")
    for area in areas:
        render_theory_static(session, area.id, area.title)


def _follow_up(session: Session, section: Section) -> None:
    render_followup_handout(session)


def _learning_circle(session: Session, section: Section) -> None:
    # The circle the team checks its theory against, with its source and what is labkit's example.
    display(HTML(learning_circle_html(session)))


def _plf_questions(session: Session, section: Section) -> None:
    display(HTML(plf_questions_html(session)))


def _plf_maturity(session: Session, section: Section) -> None:
    display(HTML(plf_choice_html(session)))


SECTIONS: dict[str, Callable[[Session, Section], None]] = {
    "resume": _summary,
    "indikatoroversigt": _overview_table,
    "indikatorer": _indicator_figures,
    "tragt": _funnel,
    "kapacitet": _kapacitet,
    "indsatsomraader": _focus_areas,
    "indsatsteori": _theories,
    "laeringscirklen": _learning_circle,
    "opfoelgning": _follow_up,
    "plf_spoergsmaal": _plf_questions,
    "plf_modenhed": _plf_maturity,
}
assert tuple(SECTIONS) == SECTION_KINDS, "every section type a layout may list is drawn here"


def refuse_bad_data(session: Session) -> None:
    """A handout is not made from a school's data with errors: raise a Danish message that names the
    first errors' file, row and column (`labkit render` reports it; the other schools go on)."""
    # An error of no single school (a data file that cannot be read) may take any school's figures away.
    problems = [p.describe() for p in session.lab.problems
                if p.severity is Severity.FEJL and p.school_id in (session.school_id, None)]
    if problems:
        raise LabkitError("Skolens data har fejl, så uddelingsarket er ikke lavet: " + " ".join(problems[:3])
                          + (f" (og {len(problems) - 3} mere)" if len(problems) > 3 else "")
                          + " Se alle med »labkit check«.")


def render_handout(session: Session, edition: str = "") -> None:
    """Show the layout's sections (of one edition, if given) for the session's school, figures
    numbered from 1."""
    refuse_bad_data(session)
    if session.workspace is not None:
        refuse_missing_work(session.workspace)
    layout = load_layout(session.lab.config.templates_folder).for_edition(edition)
    config = session.lab.config
    edition_name = f" · {escape(layout.edition.name)}" if layout.edition else ""
    display(HTML(f"<header class='labkit-forside'><h1>{escape(layout.title)}: {escape(session.school_name)}</h1>"
                 f"<p>{escape(config.lab_name)} · {escape(config.municipality)} · skoleår "
                 f"{escape(config.school_year)}{edition_name}</p>"
                 + (f"<p class='undertitel'>{escape(layout.subtitle)}</p>" if layout.subtitle else "")
                 + "</header>"))
    for message in session.workspace.messages if session.workspace else []:  # e.g. a damaged file
        show_callout(message, "advarsel", "Teamets arbejdsfil")
    with numbered_figures():
        for section in layout.sections:
            display(HTML(f"<h2>{escape(section.heading)}</h2>"
                         + (f"<p class='intro'>{escape(section.intro)}</p>" if section.intro else "")))
            try:
                SECTIONS[section.kind](session, section)
            except LabkitError as error:
                display(HTML(callout_html(str(error), "fejl", "Kan ikke vises")))


def show_handout(lab_mappe: str, skole: str, udgave: str = "") -> None:
    """The handout notebook: the layout template's sections (of edition `udgave`, e.g. "foer"; empty:
    all) for one school, without widgets.

    A lab or school that cannot be opened raises, so `labkit render` reports that school as failed.
    """
    quiet_library_notes()
    if not str(skole).strip():
        raise LabkitError("Uddelingsarket kræver parameteren »skole« (skolens institutionsnummer).")
    render_handout(open_session(lab_mappe, str(skole), interaktiv=False), str(udgave or ""))
