"""The lab day's agenda as HTML, with the current notebook's blocks marked."""

from __future__ import annotations

from html import escape

from labkit.data.agenda import STEP_TITLES, Agenda, clock, duration


def agenda_html(agenda: Agenda, current_notebook: str | None = None) -> str:
    """The agenda as an HTML table with the total; blocks using `current_notebook` are highlighted."""
    rows = []
    for block in agenda.blocks:
        current = current_notebook is not None and block.notebook == current_notebook.removesuffix(".ipynb")
        # The step's name as the team knows it (a page in the room, a notebook in JupyterLab), not a file name.
        notebook = escape(STEP_TITLES.get(block.notebook, block.notebook)) if block.notebook else "–"
        description = f"<br><small>{escape(block.description)}</small>" if block.description else ""
        style = ' style="background:#fff3c4;font-weight:bold"' if current else ""
        rows.append(
            f"<tr{style}><td>{clock(block.start)}–{clock(block.end)}</td><td>{block.minutes}</td>"
            f"<td>{escape(block.title)}{description}</td><td>{notebook}</td></tr>"
        )
    span = f"{clock(agenda.blocks[0].start)}–{clock(agenda.blocks[-1].end)}" if agenda.blocks else ""
    return (
        # Left-aligned: JupyterLab's and Voilà's table style aligns cells right, which long descriptions hug.
        '<table class="labkit-dagsorden" style="text-align:left">'
        "<thead><tr><th>Tid</th><th>Minutter</th><th>Indhold</th><th>Trin</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody>"
        f"<tfoot><tr><th>{span}</th>"
        f"<th colspan=\"3\">I alt: {duration(agenda.total_minutes)}</th></tr></tfoot>"
        "</table>"
    )
