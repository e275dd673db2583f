"""Texts two team members saved in the same field at the same time: both are kept in the workspace
(docs/arbejdsfil.md), and here the team sees them side by side and keeps one."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
from IPython.display import display

from labkit.views.display import callout_html, escape
from labkit.workspace.document import field_label
from labkit.workspace.session import Session


def _text(value: object) -> str:
    if value is None:
        return "(tomt)"
    if isinstance(value, list):
        return "\n".join(str(item) for item in value)
    return str(value)


def _conflict_row(session: Session, index: int, conflict: dict, redraw: Callable[[], None],
                  box: widgets.VBox) -> widgets.Widget:
    keys = conflict.get("keys") or str(conflict.get("path", "")).split("/")
    label = field_label(tuple(str(k) for k in keys))
    columns = []
    for keep, title in (("ours", "Den tekst, der står nu"), ("theirs", "Den anden tekst")):
        button = widgets.Button(description="Behold denne", layout=widgets.Layout(width="140px"))

        def kept(_: widgets.Button, keep: str = keep) -> None:
            result = session.workspace.resolve_conflict(index, keep) if session.workspace is not None else None
            redraw()
            if result is not None and result.message:
                box.children = [widgets.HTML(callout_html(result.message, "advarsel")), *box.children]

        button.on_click(kept)
        text = escape(_text(conflict.get(keep))).replace("\n", "<br>")
        columns.append(widgets.VBox([widgets.HTML(f"<strong>{title}</strong><div style='max-width:420px'>{text}</div>"),
                                     button], layout=widgets.Layout(width="48%")))
    return widgets.VBox([widgets.HTML(f"<h4>{escape(label)}</h4>"), widgets.HBox(columns)],
                        layout=widgets.Layout(border_bottom="1px solid #ddd", padding="4px 0"))


def render_conflicts(session: Session) -> None:
    """Every unresolved conflict of the school's workspace, with »Behold denne« for each text."""
    box = widgets.VBox()

    def redraw() -> None:
        workspace = session.workspace
        if workspace is not None:
            workspace.refresh()
        conflicts = workspace.conflicts if workspace is not None else []
        if not conflicts:
            box.children = [widgets.HTML(callout_html("Ingen konflikter: alle felter har én tekst.", "ok"))]
            return
        intro = widgets.HTML(callout_html(
            f"{len(conflicts)} felt(er) blev ændret af to på samme tid. Begge tekster er gemt; vælg den, I vil "
            "beholde. Kopiér gerne noget fra den anden tekst ind i feltet først.", "advarsel", "Konflikter"))
        box.children = [intro, *(_conflict_row(session, i, c, redraw, box) for i, c in enumerate(conflicts))]

    redraw()
    display(box)
