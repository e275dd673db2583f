"""Small building blocks for showing things in a notebook: figures, callouts, Danish messages.

Everything user-written is HTML-escaped here, once, so no section can forget it.
"""

from __future__ import annotations

import base64
import html
import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from IPython.display import HTML, display
from matplotlib import rc_context
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


def figure_svg(figure: Figure) -> bytes:
    """A figure as SVG bytes for the handout: sharp in print, its text kept as text (searchable, and
    drawing text as glyph outlines or pixels is most of a figure's cost). Ids come from a fixed salt
    instead of a random one and the date is left out, so the same figure gives the same bytes."""
    buffer = io.BytesIO()
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "labkit"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


# While a handout is rendered, figures are numbered ("Figur 1", "Figur 2", …) in the order shown.
_figure_numbers: ContextVar[list[int] | None] = ContextVar("labkit_figure_numbers", default=None)


@contextmanager
def numbered_figures() -> Iterator[None]:
    """Number every figure `show_figure` shows inside this block, starting at 1."""
    token = _figure_numbers.set([0])
    try:
        yield
    finally:
        _figure_numbers.reset(token)


def figure_caption(figure: Figure) -> str:
    """The figure's own title, for its caption: the suptitle, an axes title, or else the first text
    placed on the figure (labkit's figures put their title there, top left)."""
    suptitle = getattr(figure, "_suptitle", None)
    if suptitle is not None and suptitle.get_text():
        return suptitle.get_text()
    titles = [axes.get_title() for axes in figure.axes if axes.get_title()]
    titles += [text.get_text() for text in figure.texts if text.get_text().strip()]
    return titles[0].replace("\n", " ") if titles else ""


def numbered_figure_html(svg: bytes, number: int, caption: str) -> str:
    """A figure with "Figur N." and its caption below. The SVG is inlined as an image, so the page
    works offline and the figure's ids and styles cannot clash with the page or other figures."""
    text = f"Figur {number}." + (f" {escape(caption)}" if caption else "")
    data = base64.b64encode(svg).decode("ascii")
    return (f'<figure class="labkit-figur"><img src="data:image/svg+xml;base64,{data}" alt="{text}">'
            f"<figcaption>{text}</figcaption></figure>")


SCREEN_DPI = 96  # CSS pixels per inch: a figure is shown at its own size, never stretched
SHARP = 2  # pixels per CSS pixel, so the figure is sharp on high-resolution screens too


def figure_img_html(figure: Figure, detail: str = "") -> str:
    """A figure as an <img> at its own size (drawn at twice the pixels), with its title (and `detail`,
    what the colours show) as alt text."""
    data = base64.b64encode(figure_png(figure, SCREEN_DPI * SHARP)).decode("ascii")
    width = round(figure.get_figwidth() * SCREEN_DPI)
    caption = escape(". ".join(part for part in (figure_caption(figure) or "Figur", detail) if part))
    return f'<img src="data:image/png;base64,{data}" width="{width}" alt="{caption}" style="max-width:100%">'


def figure_svg_img_html(figure: Figure) -> str:
    """A figure as an SVG <img> that scales with its box (sharp at any size), its title as alt text."""
    data = base64.b64encode(figure_svg(figure)).decode("ascii")
    return f'<img src="data:image/svg+xml;base64,{data}" alt="{escape(figure_caption(figure) or "Figur")}">'


def show_figure(figure: Figure) -> None:
    """Display a figure as an image at its own size with alt text (one output, no duplicate from the
    inline backend); inside `numbered_figures()` (the handout) as a numbered SVG with a caption, which
    prints sharply."""
    numbers = _figure_numbers.get()
    if numbers is None:
        display(HTML(figure_img_html(figure)))
        return
    numbers[0] += 1
    display(HTML(numbered_figure_html(figure_svg(figure), numbers[0], figure_caption(figure))))


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


def quiet_library_notes() -> None:
    """Keep libraries' deprecation notes (English, for developers) out of a notebook's output.

    Only those categories: any other warning is a real problem and still shows (and the test suite,
    which runs the same code, turns every warning into an error)."""
    for category in (DeprecationWarning, PendingDeprecationWarning, FutureWarning):
        warnings.filterwarnings("ignore", category=category)
