"""Notebook 2: rate candidate focus areas, see them in a bubble chart, choose 1–3 and say why.

Every widget is built from the workspace file and writes back to it on each change, so a kernel
restart or a second tab shows exactly what was saved.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
from IPython.display import HTML, display

from labkit.analysis.candidates import Candidate
from labkit.figures.indsatsomraader import bubble_chart
from labkit.views.display import callout_html, figure_img_html, show_figure
from labkit.views.indsatsomraader import (
    RATINGS,
    UNRATED,
    candidate_html,
    candidate_table,
    choice_html,
    chosen_areas,
    examples_note_html,
    rating_path,
    school_candidates,
)
from labkit.workspace.session import Session

MAX_CHOSEN = 3


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


def _bubble_html(session: Session, candidates: list[Candidate]) -> str:
    """The bubble chart as an image whose alt text names the chosen areas, so a screen reader (and a
    test in the browser) hears what the colours show."""
    table = candidate_table(session, candidates)
    chosen = [str(label) for label, is_chosen in zip(table["label"], table["valgt"].fillna(False)) if is_chosen]
    alt = "Valgt: " + ", ".join(chosen) if chosen else "Ingen områder valgt endnu"
    return figure_img_html(bubble_chart(table), alt)


def render_candidates(session: Session) -> None:
    """Interactive: one row per candidate with three ratings; the bubble chart follows along."""
    candidates = school_candidates(session)
    message = widgets.HTML()
    chart = widgets.HTML(_bubble_html(session, candidates))
    session.shared_widgets["bubble_chart"] = chart  # shown by show_bubble_chart

    def saved(problem: str | None) -> None:
        message.value = callout_html(problem, "advarsel") if problem else ""
        chart.value = _bubble_html(session, candidates)

    rows = []
    for candidate in candidates:
        ratings = [_rating_widget(session, candidate, key, label, saved) for key, label in RATINGS]
        rows.append(widgets.VBox([widgets.HTML(candidate_html(candidate)), widgets.HBox(ratings)],
                                 layout=widgets.Layout(border_bottom="1px solid #ddd", padding="4px 0")))
    display(widgets.VBox([message, widgets.HTML(examples_note_html(candidates)), *rows]))


def render_bubble_chart(session: Session) -> None:
    chart = session.shared_widgets.get("bubble_chart")
    if session.interactive and chart is not None:
        display(chart)
        return
    show_figure(bubble_chart(candidate_table(session, school_candidates(session))))


def render_choice(session: Session) -> None:
    """Interactive: pick 1–3 candidates and write why; static: the choices and reasons."""
    candidates = school_candidates(session)
    workspace = session.workspace
    if not session.interactive:
        display(HTML(choice_html(session)))
        return
    chosen = [area.id for area in chosen_areas(session)]
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
            chart = session.shared_widgets.get("bubble_chart")
            if isinstance(chart, widgets.HTML):  # chosen areas are drawn bold: the chart follows the choice
                chart.value = _bubble_html(session, candidates)
            too_many = (f"I har valgt {len(chosen)} områder. Vælg højst {MAX_CHOSEN}, så I kan nå at "
                        "arbejde grundigt med dem." if len(chosen) > MAX_CHOSEN else "")
            message.value = "".join(callout_html(t, "advarsel") for t in (problem, too_many) if t)

        def typed(change: dict, candidate_id: str = candidate.id) -> None:
            problem = session.save(f"indsatsomraader/begrundelser/{candidate_id}", change["new"])
            message.value = callout_html(problem, "advarsel") if problem else ""

        checkbox.observe(toggled, names="value")
        reason.observe(typed, names="value")
        rows.append(widgets.VBox([checkbox, reason]))
    display(widgets.VBox([message, widgets.HTML(examples_note_html(candidates)), *rows]))


