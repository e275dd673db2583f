"""Small building blocks for showing things in a notebook: figures, callouts, Danish messages.

Everything user-written is HTML-escaped here, once, so no section can forget it.
"""

from __future__ import annotations

import html
import io

from IPython.display import HTML, Image, display
from matplotlib.figure import Figure

CALLOUT_STYLES = {
    "info": ("#eef4fb", "#2b6cb0"),
    "advarsel": ("#fff7e6", "#b7791f"),
    "fejl": ("#fdecea", "#c53030"),
    "ok": ("#eefaf1", "#2f855a"),
}


def figure_png(figure: Figure, dpi: int = 90) -> bytes:
    """A figure as PNG bytes. labkit's figures are never registered with pyplot, so nothing piles up;
    their constrained layout already fits the labels, so no slow "tight" bounding box is needed."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def show_figure(figure: Figure) -> None:
    """Display a figure as a PNG image (one output, no duplicate from the inline backend)."""
    display(Image(data=figure_png(figure), format="png"))


def escape(text: object) -> str:
    return html.escape(str(text), quote=True)


def callout_html(text: str, kind: str = "info", title: str = "") -> str:
    """A coloured box for a key message. `text` is escaped; line breaks are kept."""
    background, border = CALLOUT_STYLES.get(kind, CALLOUT_STYLES["info"])
    heading = f"<strong>{escape(title)}</strong><br>" if title else ""
    body = escape(text).replace("\n", "<br>")
    return (f'<div class="labkit-callout labkit-{kind}" style="background:{background};'
            f"border-left:4px solid {border};padding:8px 12px;margin:6px 0;border-radius:3px\">"
            f"{heading}{body}</div>")


def show_callout(text: str, kind: str = "info", title: str = "") -> None:
    display(HTML(callout_html(text, kind, title)))


def bullet_html(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"


def show_heading(text: str, level: int = 3) -> None:
    display(HTML(f"<h{level}>{escape(text)}</h{level}>"))
