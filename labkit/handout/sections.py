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
    bullet_html,
    callout_html,
    escape,
    numbered_figures,
    show_callout,
    show_figure,
)
from labkit.workspace.session import Session

# --- sections ---------------------------------------------------------------------------------


def _summary(session: Session, section: Section) -> None:
    from labkit.workshop.analysis import render_summary

    render_summary(session)


def _overview_table(session: Session, section: Section) -> None:
    """Every indicator the school has: latest figure, kommune, land, level and development, in one table."""
    from labkit.analysis.findings import development_word, level_word
    from labkit.analysis.verdicts import table_verdicts
    from labkit.numbers import format_number

    findings = table_verdicts(session.lab.kvalitet, session.lab.catalogue).for_school(session.school_id or "")
    rows = []
    for found in findings:
        indicator = found.indicator
        if indicator.is_categorical:
            continue
        unit = " %" if indicator.unit == "%" else ""

        def shown(value: float, unit: str = unit, decimals: int = indicator.decimals) -> str:
            text = format_number(value, decimals)
            return text + unit if text != "–" else text

        numbers = [shown(found.value) if found.latest_year else "ikke offentliggjort", shown(found.kommune),
                   shown(found.land)]
        rows.append(f"<tr><td>{escape(found.label)}</td><td>{escape(found.latest_year or '–')}</td>"
                    + "".join(f"<td class='tal'>{escape(number)}</td>" for number in numbers)
                    + f"<td>{escape(level_word(found.level))}</td>"
                    + f"<td>{escape(development_word(found.development))}</td></tr>")
    if not rows:
        show_callout("Der er ingen kvalitetsrapport-tal for skolen.", "advarsel")
        return
    display(HTML("<table class='labkit-tabel'><thead><tr><th>Indikator</th><th>Seneste år</th><th>Skolen</th>"
                 "<th>Kommunen</th><th>Landet</th><th>Niveau</th><th>Udvikling</th></tr></thead><tbody>"
                 + "".join(rows) + "</tbody></table>"))


def _indicator_figures(session: Session, section: Section) -> None:
    from labkit.workshop.analysis import school_indicators, trend_figure

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
    from labkit.workshop.analysis import funnel_figure, school_indicators

    present = school_indicators(session)
    for wanted_id in section.indicators:
        for indicator_id, group in present:
            if indicator_id == wanted_id:
                show_figure(funnel_figure(session, indicator_id, group))


def _kapacitet(session: Session, section: Section) -> None:
    from labkit.workshop.analysis import render_kapacitet

    render_kapacitet(session)


def _focus_areas(session: Session, section: Section) -> None:
    from labkit.workshop.indsatsomraader import render_choice

    render_choice(session)


def _theories(session: Session, section: Section) -> None:
    from labkit.workshop.indsatsteori import chosen_areas, render_theory_static

    areas = chosen_areas(session)
    if not areas:
        show_callout("Teamet har endnu ikke skrevet en indsatsteori.", "info")
    for area_id, label in areas:
        render_theory_static(session, area_id, label)


def _follow_up(session: Session, section: Section) -> None:
    from labkit.workshop.opfoelgning import render_followup_handout

    render_followup_handout(session)


def _plf_questions(session: Session, section: Section) -> None:
    from labkit.data.frameworks import PLF_QUESTIONS_FILE, load_plf_questions

    questions = load_plf_questions(session.lab.config.templates_folder / PLF_QUESTIONS_FILE)
    display(HTML(bullet_html([q.text for q in questions])))


def _plf_maturity(session: Session, section: Section) -> None:
    from labkit.workshop.frameworks import render_plf_maturity

    render_plf_maturity(session)


SECTIONS: dict[str, Callable[[Session, Section], None]] = {
    "resume": _summary,
    "indikatoroversigt": _overview_table,
    "indikatorer": _indicator_figures,
    "tragt": _funnel,
    "kapacitet": _kapacitet,
    "indsatsomraader": _focus_areas,
    "indsatsteori": _theories,
    "opfoelgning": _follow_up,
    "plf_spoergsmaal": _plf_questions,
    "plf_modenhed": _plf_maturity,
}
assert tuple(SECTIONS) == SECTION_KINDS, "every section type a layout may list is drawn here"


def refuse_bad_data(session: Session) -> None:
    """A handout is not made from a school's data with errors: raise a Danish message that names the
    first errors' file, row and column (`labkit render` reports it; the other schools go on)."""
    problems = [p.describe() for p in session.lab.problems
                if p.severity is Severity.FEJL and p.school_id == session.school_id]
    if problems:
        raise LabkitError("Skolens data har fejl, så uddelingsarket er ikke lavet: " + " ".join(problems[:3])
                          + (f" (og {len(problems) - 3} mere)" if len(problems) > 3 else "")
                          + " Se alle med »labkit check«.")


def render_handout(session: Session, edition: str = "") -> None:
    """Show the layout's sections (of one edition, if given) for the session's school, figures
    numbered from 1."""
    refuse_bad_data(session)
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
