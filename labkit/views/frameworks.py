"""The frameworks as static HTML: the inclusion analysis frame, Læringscirklen, and where the team
placed the school on the PLF maturity levels (saved in the workspace under `plf_modenhed/`)."""

from __future__ import annotations

from IPython.display import HTML, display

from labkit.data.frameworks import (
    INCLUSION_FRAME_FILE,
    LEARNING_CIRCLE_FILE,
    PLF_MATURITY_FILE,
    MaturityLevel,
    load_inclusion_frame,
    load_learning_circle,
    load_plf_maturity,
)
from labkit.views.display import bullet_html, callout_html, escape
from labkit.workspace.session import Session

LEVEL_PATH = "plf_modenhed/niveau"
REASON_PATH = "plf_modenhed/begrundelse"


def inclusion_frame_html(session: Session) -> str:
    """Each perspective with its questions and the figures in this lab that speak to it."""
    lab = session.lab
    frame = load_inclusion_frame(lab.config.templates_folder / INCLUSION_FRAME_FILE, lab.catalogue,
                                 lab.instrument)
    dimension_names = {d.id: d.name for d in lab.instrument.dimensions}
    parts = []
    for perspective in frame:
        sources = [lab.catalogue[i].name for i in perspective.indicators]
        sources += [dimension_names[d] for d in perspective.dimensions]
        look_at = f"<p><em>Se i data:</em> {escape(', '.join(sources))}</p>" if sources else ""
        parts.append(f"<h4>{escape(perspective.name)}</h4><p>{escape(perspective.description)}</p>"
                     f"{bullet_html(list(perspective.questions))}{look_at}")
    return "".join(parts)


def learning_circle_html(session: Session) -> str:
    phases = load_learning_circle(session.lab.config.templates_folder / LEARNING_CIRCLE_FILE)
    return "".join(f"<h4>{number}. {escape(phase.name)}</h4><p>{escape(phase.description)}</p>"
                   f"{bullet_html(list(phase.questions))}" for number, phase in enumerate(phases, start=1))


def render_inclusion_frame(session: Session) -> None:
    display(HTML(inclusion_frame_html(session)))


def render_learning_circle(session: Session) -> None:
    display(HTML(learning_circle_html(session)))


def plf_levels(session: Session) -> tuple[MaturityLevel, ...]:
    return load_plf_maturity(session.lab.config.templates_folder / PLF_MATURITY_FILE)


def plf_levels_html(levels: tuple[MaturityLevel, ...]) -> str:
    return "<ol>" + "".join(f"<li><strong>{escape(level.name)}</strong>: {escape(level.description)}</li>"
                            for level in levels) + "</ol>"


def plf_choice_html(session: Session) -> str:
    """Where the team placed the school, and why, followed by the levels."""
    levels = plf_levels(session)
    workspace = session.workspace
    chosen = str(workspace.get(LEVEL_PATH, "") if workspace else "")
    reason = str(workspace.get(REASON_PATH, "") if workspace else "")
    names = {level.id: level.name for level in levels}
    if chosen in names:
        said = (f"<p>Teamet placerer skolen på niveauet <strong>{escape(names[chosen])}</strong>.</p>"
                f"<p>{escape(reason) if reason.strip() else '<em class=tom>(ingen begrundelse)</em>'}</p>")
    else:
        said = callout_html("Teamet har ikke placeret skolen på PLF-niveauerne endnu.", "info")
    return said + plf_levels_html(levels)
