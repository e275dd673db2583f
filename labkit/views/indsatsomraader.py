"""The candidate focus areas as the team and the handout see them: the candidates, the team's
ratings and choices (saved in the workspace under `indsatsomraader/`), and the chosen areas."""

from __future__ import annotations

import math

import pandas as pd
from IPython.display import HTML, display

from labkit.analysis.candidates import (
    SOURCE_LABELS,
    Candidate,
    ChosenArea,
    build_candidates,
    chosen_areas_in,
    data_flags,
    lab_candidate_titles,
    lab_focus_areas,
)
from labkit.data.frameworks import EXAMPLE_MARK, EXAMPLE_TAG
from labkit.views.display import bullet_html, callout_html, escape
from labkit.views.kvalitet import summary_statements
from labkit.workspace.session import Session

RATINGS = (("vigtighed", "Vigtighed"), ("data", "Data"), ("indflydelse", "Indflydelse"))


UNRATED = "–"


def school_candidates(session: Session) -> list[Candidate]:
    """The candidate focus areas for the session's school: the framework's, and what its data point to."""
    return session.memo("candidates", lambda: build_candidates(
        lab_focus_areas(session.lab), data_flags(summary_statements(session), session.lab.catalogue)))


def chosen_areas(session: Session) -> list[ChosenArea]:
    """The focus areas the team chose in notebook 2, with their titles, reasons and theories."""
    data = session.workspace.data if session.workspace else {}
    return chosen_areas_in(data, session.memo("candidate_titles", lambda: lab_candidate_titles(session.lab)))


def rating_path(candidate_id: str, key: str) -> str:
    return f"indsatsomraader/vurderinger/{candidate_id}/{key}"


def candidate_table(session: Session, candidates: list[Candidate]) -> pd.DataFrame:
    """The candidates with the team's saved ratings and choices (the bubble chart's input)."""
    workspace = session.workspace
    chosen = set(workspace.get("indsatsomraader/valgte", []) if workspace else [])
    rows = []
    for candidate in candidates:
        row: dict[str, object] = {"id": candidate.id, "label": candidate.label, "valgt": candidate.id in chosen}
        for key, _ in RATINGS:
            value = workspace.get(rating_path(candidate.id, key)) if workspace else None
            row[key] = float(value) if isinstance(value, (int, float)) else math.nan
        rows.append(row)
    return pd.DataFrame(rows, columns=["id", "label", "vigtighed", "data", "indflydelse", "valgt"])


def examples_note_html(candidates: list[Candidate]) -> str:
    """One line above a list in which some goals are labkit's examples (each marked »eksempel«)."""
    if not any(c.example and c.description for c in candidates):
        return ""
    return f"<p><small>Mål markeret »{escape(EXAMPLE_TAG)}«: {escape(EXAMPLE_MARK)}.</small></p>"


def candidate_html(candidate: Candidate) -> str:
    text = f"<strong>{escape(candidate.label)}</strong> <small>({escape(SOURCE_LABELS[candidate.source])})</small>"
    if candidate.description:
        text += f"<br><em>{escape(candidate.description)}</em>"
        if candidate.example:
            text += f" <small>({escape(EXAMPLE_TAG)})</small>"  # the list's note says whose
    if candidate.reasons:
        text += bullet_html(list(candidate.reasons))
    return text


def render_candidates_static(session: Session) -> None:
    """Static: the candidates and the team's ratings as a table."""
    candidates = school_candidates(session)
    table = candidate_table(session, candidates)
    lines = [("<table><tr><th>Kandidat</th><th>Hvorfor</th><th>Vigtighed</th><th>Data</th>"
             "<th>Indflydelse</th></tr>")]
    ratings = table[["vigtighed", "data", "indflydelse"]].to_numpy(dtype=float)
    for candidate, row in zip(candidates, ratings):
        cells = [UNRATED if math.isnan(v) else str(int(v)) for v in row]
        lines.append(f"<tr><td>{escape(candidate.label)}</td><td>{escape(' '.join(candidate.reasons))}</td>"
                     + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    display(HTML("".join(lines) + "</table>"))


def choice_html(session: Session) -> str:
    """The chosen focus areas with the team's reasons."""
    areas = chosen_areas(session)
    if not areas:
        return callout_html("Teamet har ikke valgt indsatsområder endnu.", "info")
    return "".join(f"<h4>{escape(area.title)}</h4><p>{escape(area.reason or '(ingen begrundelse skrevet)')}</p>"
                   for area in areas)
