"""The handout (uddelingsark) for one school: its layout template and the sections it shows.

The layout lives in `templates/uddelingsark/uddelingsark.yaml` (title, logo, colours, sections, in
order); a consultant edits that file, never this one. Each section kind below reads the lab's data or
the team's saved workspace (never widget state) and displays static HTML and numbered figures.
"""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from IPython.display import HTML, display

from labkit.display import bullet_html, callout_html, escape, numbered_figures, show_callout, show_figure
from labkit.problems import LabkitError, display_name
from labkit.session import Session
from labkit.templates import read_yaml, require

LAYOUT_FOLDER = "uddelingsark"
LAYOUT_FILE = "uddelingsark.yaml"
# The overview table's short verdict; the full sentence is in the figures' callouts.
VERDICT_WORDS = {"forbedring": "Bedre over flere år", "forvaerring": "Dårligere over flere år",
                 "aendring": "Ændret over flere år", "normal_variation": "Inden for normal variation",
                 "for_faa_data": "For få år med tal", "ikke_offentliggjort": "Ikke offentliggjort"}
DEFAULT_COLOURS = {"primaer": "#1f4e79", "accent": "#c55a11", "tekst": "#222222", "baggrund_boks": "#eef4fb"}


@dataclass(frozen=True)
class Section:
    kind: str
    heading: str
    intro: str = ""
    indicators: tuple[str, ...] = ()


@dataclass(frozen=True)
class HandoutLayout:
    """What a consultant controls: texts, logo, colours and which sections come in which order."""

    title: str
    sections: tuple[Section, ...]
    folder: Path
    subtitle: str = ""
    logo: Path | None = None
    footer: str = ""
    colours: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_COLOURS))

    def logo_data_uri(self) -> str:
        """The logo inlined as a data: URI, so the handout needs no file next to it."""
        if self.logo is None:
            return ""
        kind = mimetypes.guess_type(self.logo.name)[0] or "image/png"
        return f"data:{kind};base64," + base64.b64encode(self.logo.read_bytes()).decode("ascii")

    def template_resources(self) -> dict[str, Any]:
        """What the nbconvert template reads (as `resources.labkit`)."""
        return {"titel": self.title, "undertitel": self.subtitle, "fodnote": self.footer,
                "logo": self.logo_data_uri(), "farver": self.colours}


def load_layout(templates_folder: Path) -> HandoutLayout:
    """Read the handout layout template; mistakes raise a Danish message naming file and entry."""
    folder = templates_folder / LAYOUT_FOLDER
    path = folder / LAYOUT_FILE
    name = display_name(path)
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise LabkitError(f"{name}: forventede nøglerne titel, sektioner m.fl.")
    raw_sections = require(data, "sektioner", name)
    if not isinstance(raw_sections, list) or not raw_sections:
        raise LabkitError(f"{name}: »sektioner« skal være en liste med mindst én sektion.")
    sections = []
    for number, entry in enumerate(raw_sections, start=1):
        where = f"{name}, sektion {number}"
        kind = str(require(entry, "type", where))
        if kind not in SECTION_KINDS:
            known = ", ".join(sorted(SECTION_KINDS))
            raise LabkitError(f"{where}: ukendt type »{kind}«. Brug en af: {known}.")
        indicators = entry.get("indikatorer") or []
        if not isinstance(indicators, list):
            raise LabkitError(f"{where}: »indikatorer« skal være en liste af indikator-id'er.")
        sections.append(Section(kind, str(require(entry, "overskrift", where)), str(entry.get("intro") or ""),
                                tuple(str(i) for i in indicators)))
    colours = dict(DEFAULT_COLOURS)
    raw_colours = data.get("farver") or {}
    if not isinstance(raw_colours, dict):
        raise LabkitError(f"{name}: »farver« skal være nøgler med farvekoder, fx primaer: \"#1f4e79\".")
    colours.update({str(k): str(v) for k, v in raw_colours.items()})
    logo = None
    if data.get("logo"):
        logo = folder / str(data["logo"])
        if not logo.is_file():
            raise LabkitError(f"{name}: logoet »{data['logo']}« findes ikke i {folder}.")
    return HandoutLayout(title=str(require(data, "titel", name)), sections=tuple(sections), folder=folder,
                         subtitle=str(data.get("undertitel") or ""), logo=logo,
                         footer=str(data.get("fodnote") or ""), colours=colours)


# --- sections ---------------------------------------------------------------------------------


def _summary(session: Session, section: Section) -> None:
    from labkit.ui_analysis import render_summary

    render_summary(session)


def _overview_table(session: Session, section: Section) -> None:
    """Every indicator the school has: latest figure, kommune, land and the verdict, in one table."""
    from labkit.analysis import assess_change, compare_to, label
    from labkit.kvalitet import LEVEL_KOMMUNE, LEVEL_LAND
    from labkit.numbers import format_number
    from labkit.ui_analysis import school_indicators

    table = session.lab.kvalitet
    school = session.school_id or ""
    rows = []
    for indicator_id, group in school_indicators(session):
        indicator = session.lab.catalogue[indicator_id]
        if indicator.is_categorical:
            continue
        assessment = assess_change(table, school, indicator, group)
        kommune = compare_to(table, school, indicator, group, LEVEL_KOMMUNE).reference
        land = compare_to(table, school, indicator, group, LEVEL_LAND).reference
        latest = (format_number(assessment.latest, indicator.decimals) if assessment.latest_year
                  else "ikke offentliggjort")
        numbers = [latest, format_number(kommune, indicator.decimals), format_number(land, indicator.decimals)]
        rows.append(f"<tr><td>{escape(label(indicator, group))}</td><td>{escape(assessment.latest_year or '–')}</td>"
                    + "".join(f"<td class='tal'>{escape(number)}</td>" for number in numbers)
                    + f"<td>{escape(VERDICT_WORDS.get(assessment.verdict, assessment.verdict))}</td></tr>")
    if not rows:
        show_callout("Der er ingen kvalitetsrapport-tal for skolen.", "advarsel")
        return
    display(HTML("<table class='labkit-tabel'><thead><tr><th>Indikator</th><th>Seneste år</th><th>Skolen</th>"
                 "<th>Kommunen</th><th>Landet</th><th>Udvikling</th></tr></thead><tbody>"
                 + "".join(rows) + "</tbody></table>"))


def _indicator_figures(session: Session, section: Section) -> None:
    from labkit.ui_analysis import school_indicators, trend_figure

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
    from labkit.ui_analysis import funnel_figure, school_indicators

    present = school_indicators(session)
    for wanted_id in section.indicators:
        for indicator_id, group in present:
            if indicator_id == wanted_id:
                show_figure(funnel_figure(session, indicator_id, group))


def _kapacitet(session: Session, section: Section) -> None:
    from labkit.ui_analysis import render_kapacitet

    render_kapacitet(session)


def _focus_areas(session: Session, section: Section) -> None:
    from labkit.ui_focus import render_choice

    render_choice(session)


def _theories(session: Session, section: Section) -> None:
    from labkit.ui_theory import chosen_areas, render_theory_static

    areas = chosen_areas(session)
    if not areas:
        show_callout("Teamet har endnu ikke skrevet en indsatsteori.", "info")
    for area_id, label in areas:
        render_theory_static(session, area_id, label)


def _follow_up(session: Session, section: Section) -> None:
    from labkit.ui_followup import render_followup_handout

    render_followup_handout(session)


def _plf_questions(session: Session, section: Section) -> None:
    from labkit.frameworks import PLF_QUESTIONS_FILE, load_plf_questions

    questions = load_plf_questions(session.lab.config.templates_folder / PLF_QUESTIONS_FILE)
    display(HTML(bullet_html([q.text for q in questions])))


def _plf_maturity(session: Session, section: Section) -> None:
    from labkit.ui_frameworks import render_plf_maturity

    render_plf_maturity(session)


SECTION_KINDS: dict[str, Callable[[Session, Section], None]] = {
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


def render_handout(session: Session) -> None:
    """Show every section of the layout for the session's school, figures numbered from 1."""
    layout = load_layout(session.lab.config.templates_folder)
    config = session.lab.config
    display(HTML(f"<header class='labkit-forside'><h1>{escape(layout.title)}: {escape(session.school_name)}</h1>"
                 f"<p>{escape(config.lab_name)} · {escape(config.municipality)} · skoleår "
                 f"{escape(config.school_year)}</p>"
                 + (f"<p class='undertitel'>{escape(layout.subtitle)}</p>" if layout.subtitle else "")
                 + "</header>"))
    with numbered_figures():
        for section in layout.sections:
            display(HTML(f"<h2>{escape(section.heading)}</h2>"
                         + (f"<p class='intro'>{escape(section.intro)}</p>" if section.intro else "")))
            try:
                SECTION_KINDS[section.kind](session, section)
            except LabkitError as error:
                display(HTML(callout_html(str(error), "fejl", "Kan ikke vises")))
