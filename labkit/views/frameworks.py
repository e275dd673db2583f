"""The frameworks as static HTML: the PLF questions, the inclusion analysis frame with Molbæk's question,
Læringscirklen, and where the team placed the school's teams on the PLF maturity levels (saved in the
workspace under `plf_modenhed/`). Starter content carries `EXAMPLE_MARK`, at the top, so it is read before the content.

The PLF levels describe teams, so a school is placed team by team (`plf_modenhed/teams`, a list of
{"team", "niveau"}). A placement of the whole school saved by an older labkit (`plf_modenhed/niveau`)
is still shown, with a note that the levels describe teams.
"""

from __future__ import annotations

from typing import Any

from IPython.display import HTML, display

from labkit.data.frameworks import (
    EXAMPLE_MARK,
    INCLUSION_FRAME_FILE,
    LEARNING_CIRCLE_FILE,
    PLF_MATURITY_FILE,
    PLF_QUESTIONS_FILE,
    MaturityLevel,
    Origin,
    PlfMaturity,
    load_inclusion_frame,
    load_learning_circle,
    load_plf_maturity,
    load_plf_questions,
)
from labkit.views.display import bullet_html, callout_html, escape
from labkit.workspace.session import Session

TEAMS_PATH = "plf_modenhed/teams"
LEVEL_PATH = "plf_modenhed/niveau"  # the whole school on one level: written by labkit before teams
REASON_PATH = "plf_modenhed/begrundelse"


def origin_html(origin: Origin, mark: str = EXAMPLE_MARK) -> str:
    """The starter-content mark (when it is labkit's example) and the source, in one line, or ""."""
    parts = []
    if origin.example:
        parts.append(f"<strong>{escape(mark)}</strong>")
    if origin.source:
        parts.append(f"Kilde: {escape(origin.source)}")
    return f"<p class=eksempel><small>{'. '.join(parts)}</small></p>" if parts else ""


def plf_questions_html(session: Session) -> str:
    """The PLF guiding questions, marked when they are labkit's examples."""
    questions = load_plf_questions(session.lab.config.templates_folder / PLF_QUESTIONS_FILE)
    return origin_html(questions.origin) + bullet_html([q.text for q in questions.questions])


def inclusion_frame_html(session: Session) -> str:
    """Molbæk's question first, then each perspective with its questions and the figures in this lab
    that speak to it."""
    lab = session.lab
    frame = load_inclusion_frame(lab.config.templates_folder / INCLUSION_FRAME_FILE, lab.catalogue,
                                 lab.instrument)
    key = frame.key_question
    parts = [origin_html(frame.origin), f"<h4>{escape(key.text)}</h4>",
             bullet_html([f"Individperspektiv: {key.individual}", f"Kontekstperspektiv: {key.context}"]),
             "<p>Stil spørgsmålet igen ved hvert af områderne nedenfor.</p>"]
    dimension_names = {d.id: d.name for d in lab.instrument.dimensions}
    for perspective in frame.perspectives:
        sources = [lab.catalogue[i].name for i in perspective.indicators]
        sources += [dimension_names[d] for d in perspective.dimensions]
        look_at = f"<p><em>Se i data:</em> {escape(', '.join(sources))}</p>" if sources else ""
        parts.append(f"<h4>{escape(perspective.name)}</h4><p>{escape(perspective.description)}</p>"
                     f"{bullet_html(list(perspective.questions))}{look_at}")
    return "".join(parts)


def learning_circle_html(session: Session) -> str:
    """The pupil's challenge at the centre, before phase 1, then »Fase 1 – …« and the rest in order."""
    circle = load_learning_circle(session.lab.config.templates_folder / LEARNING_CIRCLE_FILE)
    centre = circle.challenge
    # The circle and its phases are VIA's; what labkit wrote is the descriptions and the questions.
    mark = "Cirklen og faserne er fra Læringscirklen; beskrivelser og spørgsmål er eksempler fra labkit"
    parts = [origin_html(circle.origin, mark),
             (f"<h4>I midten: {escape(centre.name)}</h4><p>{escape(centre.description)}</p>"
              f"{bullet_html(list(centre.questions))}")]
    parts += [f"<h4>Fase {number} – {escape(phase.name)}</h4><p>{escape(phase.description)}</p>"
              f"{bullet_html(list(phase.questions))}" for number, phase in enumerate(circle.phases, start=1)]
    return "".join(parts)


def render_inclusion_frame(session: Session) -> None:
    display(HTML(inclusion_frame_html(session)))


def render_learning_circle(session: Session) -> None:
    display(HTML(learning_circle_html(session)))


def plf_levels(session: Session) -> PlfMaturity:
    return load_plf_maturity(session.lab.config.templates_folder / PLF_MATURITY_FILE)


TEAMS_NOTE = "Niveauerne beskriver et team. Placér hvert af skolens teams for sig."


def plf_levels_html(maturity: PlfMaturity, note: bool = True) -> str:
    """The levels (and, unless the page already says it, that they describe a team)."""
    levels = maturity.levels
    return (origin_html(maturity.origin) + (f"<p>{TEAMS_NOTE}</p>" if note else "") + "<ol>"
            + "".join(f"<li><strong>{escape(level.name)}</strong>: {escape(level.description)}</li>"
                      for level in levels) + "</ol>")


def saved_teams(saved: Any) -> list[dict[str, str]]:
    """The teams as saved ({"team", "niveau"} each); anything malformed is left out."""
    if not isinstance(saved, list):
        return []
    return [{"team": str(t.get("team") or "").strip(), "niveau": str(t.get("niveau") or "")}
            for t in saved if isinstance(t, dict)]


def _teams_word(count: int) -> str:
    return "ét team" if count == 1 else f"{count} teams"


def teams_summary(teams: list[dict[str, str]], levels: tuple[MaturityLevel, ...]) -> str:
    """One Danish sentence: where most of the placed teams are, or how they spread."""
    names = {level.id: level.name for level in levels}
    placed = [t["niveau"] for t in teams if t["niveau"] in names]
    if not placed:
        return ""
    counts = [(names[level.id], placed.count(level.id)) for level in levels if placed.count(level.id)]
    most_name, most = max(counts, key=lambda pair: pair[1])
    if len(counts) == 1:
        return f"Alle {_teams_word(len(placed))} er på niveauet »{most_name}«."
    if most * 2 > len(placed):
        return f"De fleste teams ({most} af {len(placed)}) er på niveauet »{most_name}«."
    spread = ", ".join(f"{_teams_word(count)} på »{name}«" for name, count in counts)
    return f"Teamene fordeler sig: {spread}."


def plf_choice_html(session: Session) -> str:
    """Where the team placed the school's teams, and why, followed by the levels."""
    maturity = plf_levels(session)
    workspace = session.workspace
    teams = saved_teams(workspace.get(TEAMS_PATH, []) if workspace else [])
    whole_school = str(workspace.get(LEVEL_PATH, "") if workspace else "")
    reason = str(workspace.get(REASON_PATH, "") if workspace else "")
    names = {level.id: level.name for level in maturity.levels}
    placed = [t for t in teams if t["niveau"] in names]
    why = f"<p>{escape(reason) if reason.strip() else '<em class=tom>(ingen begrundelse)</em>'}</p>"
    if placed:
        rows = "".join(f"<tr><td>{escape(t['team'] or '(uden navn)')}</td><td>{escape(names[t['niveau']])}</td></tr>"
                       for t in placed)
        said = (f"<p>{escape(teams_summary(placed, maturity.levels))}</p>"
                f"<table><tr><th>Team</th><th>Niveau</th></tr>{rows}</table>{why}")
    elif whole_school in names:
        said = (f"<p>Teamet placerer skolen på niveauet <strong>{escape(names[whole_school])}</strong> – skolen "
                "som helhed. Niveauerne beskriver teams: placér næste gang hvert team for sig.</p>" + why)
        return said + plf_levels_html(maturity, note=False)
    else:
        said = callout_html("Teamet har ikke placeret skolens teams på PLF-niveauerne endnu.", "info")
    return said + plf_levels_html(maturity)
