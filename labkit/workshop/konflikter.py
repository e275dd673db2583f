"""Texts two team members saved in the same field at the same time: both are kept in the workspace
(docs/arbejdsfil.md), and here the team sees them side by side and keeps one."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import ipywidgets as widgets
from IPython.display import display

from labkit.views.display import callout_html, escape
from labkit.workspace.document import field_label
from labkit.workspace.session import Session
from labkit.workspace.store import SaveResult

log = logging.getLogger(__name__)
WATCH_SECONDS = 3.0
WATCH_KEY = "konflikter-vagt"


def _text(value: object) -> str:
    if value is None:
        return "(tomt)"
    if isinstance(value, list):
        return "\n".join(str(item) for item in value)
    return str(value)


def _conflict_row(session: Session, conflict: dict, redraw: Callable[[], None],
                  box: widgets.VBox) -> widgets.Widget:
    keys = conflict.get("keys") or str(conflict.get("path", "")).split("/")
    label = field_label(tuple(str(k) for k in keys))
    columns = []
    for keep, title in (("ours", "Den tekst, der står nu"), ("theirs", "Den anden tekst")):
        button = widgets.Button(description="Behold denne", layout=widgets.Layout(width="140px"))

        def kept(_: widgets.Button, keep: str = keep) -> None:
            workspace = session.workspace
            result = None
            if workspace is not None:
                # The list may have changed since this row was drawn (the watcher): find the conflict itself.
                current = workspace.conflicts
                result = (workspace.resolve_conflict(current.index(conflict), keep) if conflict in current else
                          SaveResult(workspace.revision, False, "Konflikten er allerede afgjort af en anden."))
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
    """Every unresolved conflict of the school's workspace, with »Behold denne« for each text. The list
    follows the workspace file while the page is open: a conflict another member's save made shows up
    here within seconds, and one that someone settled disappears."""
    box = widgets.VBox()

    def redraw() -> None:
        workspace = session.workspace
        if workspace is not None:
            workspace.pull_conflicts()
        conflicts = workspace.conflicts if workspace is not None else []
        if not conflicts:
            box.children = [widgets.HTML(callout_html("Ingen konflikter: alle felter har én tekst.", "ok"))]
            return
        intro = widgets.HTML(callout_html(
            f"{len(conflicts)} felt(er) blev ændret af to på samme tid. Begge tekster er gemt; vælg den, I vil "
            "beholde. Kopiér gerne noget fra den anden tekst ind i feltet først.", "advarsel", "Konflikter"))
        box.children = [intro, *(_conflict_row(session, c, redraw, box) for c in conflicts)]

    redraw()
    display(box)
    if session.interactive:
        _watch_conflicts(session, redraw)


def _watch_conflicts(session: Session, redraw: Callable[[], None]) -> None:
    """Look for new or settled conflicts every few seconds, in a thread of the page's kernel (one per
    session: showing the section again replaces the watcher)."""
    previous = session.shared_widgets.get(WATCH_KEY)
    if isinstance(previous, threading.Event):
        previous.set()
    stop = threading.Event()
    session.shared_widgets[WATCH_KEY] = stop

    def watch() -> None:
        while not stop.wait(WATCH_SECONDS):
            workspace = session.workspace
            try:
                if workspace is not None and workspace.pull_conflicts():
                    redraw()
            except Exception:  # a failed look (a file being replaced, say) is simply tried again next time
                log.debug("Konflikterne kunne ikke læses", exc_info=True)

    threading.Thread(target=watch, name="labkit-konflikter", daemon=True).start()
