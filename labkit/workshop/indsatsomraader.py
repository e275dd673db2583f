"""Notebook 2: rate candidate focus areas, see them in a bubble chart, choose 1–3 and say why.

Every widget is built from the workspace file and writes back to it on each change, so a kernel
restart or a second tab shows exactly what was saved.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML, display

from labkit.analysis.candidates import SOURCE_LABELS, Candidate, DataFlag, build_candidates
from labkit.data.frameworks import FOCUS_AREAS_FILE, load_focus_areas
from labkit.views.display import bullet_html, callout_html, escape, figure_png, show_figure
from labkit.workspace.session import Session

RATINGS = (("vigtighed", "Vigtighed"), ("data", "Data"), ("indflydelse", "Indflydelse"))
MAX_CHOSEN = 3
UNRATED = "–"


def data_flags(session: Session) -> list[DataFlag]:
    """What the school's data summary points to, as flags for the candidates."""
    from labkit.analysis.summary import data_summary

    summary = session.memo("data_summary", lambda: data_summary(session.lab, session.school_id or ""))
    flags = []
    for statement in summary.concerns:
        kind = "dimension" if statement.source == "kapacitet" else "indikator"
        flags.append(DataFlag(kind, statement.subject_id, statement.subject_name, statement.text))
    return flags


def school_candidates(session: Session) -> list[Candidate]:
    def build() -> list[Candidate]:
        config = session.lab.config
        areas = load_focus_areas(config.templates_folder / FOCUS_AREAS_FILE, session.lab.catalogue,
                                 session.lab.instrument)
        return build_candidates(areas, data_flags(session))

    return session.memo("candidates", build)


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


def _candidate_html(candidate: Candidate) -> str:
    text = f"<strong>{escape(candidate.label)}</strong> <small>({escape(SOURCE_LABELS[candidate.source])})</small>"
    if candidate.description:
        text += f"<br><em>{escape(candidate.description)}</em>"
    if candidate.reasons:
        text += bullet_html(list(candidate.reasons))
    return text


def _rating_widget(session: Session, candidate: Candidate, key: str, label: str,
                   on_change: Callable[[str | None], None]) -> widgets.Dropdown:
    saved = session.workspace.get(rating_path(candidate.id, key)) if session.workspace else None
    dropdown = widgets.Dropdown(options=[UNRATED, "1", "2", "3", "4", "5"],
                                value=str(saved) if saved in (1, 2, 3, 4, 5) else UNRATED,
                                description=f"{label}:", layout=widgets.Layout(width="170px"),
                                style={"description_width": "78px"})

    def changed(change: dict) -> None:
        value = None if change["new"] == UNRATED else int(change["new"])
        on_change(session.save(rating_path(candidate.id, key), value))

    dropdown.observe(changed, names="value")
    return dropdown


def _bubble_png(session: Session, candidates: list[Candidate]) -> bytes:
    from labkit.figures.indsatsomraader import bubble_chart

    return figure_png(bubble_chart(candidate_table(session, candidates)))


def render_candidates(session: Session) -> None:
    """Interactive: one row per candidate with three ratings; the bubble chart follows along."""
    candidates = school_candidates(session)
    message = widgets.HTML()
    chart = widgets.Image(format="png", value=_bubble_png(session, candidates))
    session.shared_widgets["bubble_chart"] = chart  # shown by show_bubble_chart

    def saved(problem: str | None) -> None:
        message.value = callout_html(problem, "advarsel") if problem else ""
        chart.value = _bubble_png(session, candidates)

    rows = []
    for candidate in candidates:
        ratings = [_rating_widget(session, candidate, key, label, saved) for key, label in RATINGS]
        rows.append(widgets.VBox([widgets.HTML(_candidate_html(candidate)), widgets.HBox(ratings)],
                                 layout=widgets.Layout(border_bottom="1px solid #ddd", padding="4px 0")))
    display(widgets.VBox([message, *rows]))


def render_bubble_chart(session: Session) -> None:
    chart = session.shared_widgets.get("bubble_chart")
    if session.interactive and chart is not None:
        display(chart)
        return
    from labkit.figures.indsatsomraader import bubble_chart

    show_figure(bubble_chart(candidate_table(session, school_candidates(session))))


def render_choice(session: Session) -> None:
    """Interactive: pick 1–3 candidates and write why; static: the choices and reasons."""
    candidates = school_candidates(session)
    workspace = session.workspace
    chosen: list[str] = list(workspace.get("indsatsomraader/valgte", []) if workspace else [])
    if not session.interactive:
        labels = {c.id: c.label for c in candidates}
        if not chosen:
            display(HTML(callout_html("Teamet har ikke valgt indsatsområder endnu.", "info")))
        for candidate_id in chosen:
            reason = workspace.get(f"indsatsomraader/begrundelser/{candidate_id}", "") if workspace else ""
            display(HTML(f"<h4>{escape(labels.get(candidate_id, candidate_id))}</h4>"
                         f"<p>{escape(reason or '(ingen begrundelse skrevet)')}</p>"))
        return
    message = widgets.HTML()
    rows = []
    for candidate in candidates:
        checkbox = widgets.Checkbox(value=candidate.id in chosen, description=candidate.label,
                                    indent=False, layout=widgets.Layout(width="auto"))
        reason = widgets.Textarea(
            value=workspace.get(f"indsatsomraader/begrundelser/{candidate.id}", "") if workspace else "",
            placeholder=f"Hvorfor vælger I »{candidate.label}«? Hvad i data peger på det?",
            layout=widgets.Layout(width="95%", height="70px",
                                  display="" if candidate.id in chosen else "none"))

        def toggled(change: dict, candidate_id: str = candidate.id, box: widgets.Textarea = reason) -> None:
            if change["new"] and candidate_id not in chosen:
                chosen.append(candidate_id)
            elif not change["new"] and candidate_id in chosen:
                chosen.remove(candidate_id)
            box.layout.display = "" if change["new"] else "none"
            problem = session.save("indsatsomraader/valgte", list(chosen))
            too_many = (f"I har valgt {len(chosen)} områder. Vælg højst {MAX_CHOSEN}, så I kan nå at "
                        "arbejde grundigt med dem." if len(chosen) > MAX_CHOSEN else "")
            message.value = "".join(callout_html(t, "advarsel") for t in (problem, too_many) if t)

        def typed(change: dict, candidate_id: str = candidate.id) -> None:
            problem = session.save(f"indsatsomraader/begrundelser/{candidate_id}", change["new"])
            message.value = callout_html(problem, "advarsel") if problem else ""

        checkbox.observe(toggled, names="value")
        reason.observe(typed, names="value")
        rows.append(widgets.VBox([checkbox, reason]))
    display(widgets.VBox([message, *rows]))


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
