"""The shared look of every figure: one palette, Danish number ticks, fixed margins, label placement.

Each figure module (`kvalitet`, `kapacitet`, `indsatsomraader`, `indsatsteori`) takes tidy tables and
returns a matplotlib Figure (no files, no pyplot state), with Danish text throughout; hidden figures
are marked as such and never drawn as values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Annotation
from matplotlib.ticker import Formatter
from numpy.typing import ArrayLike

from labkit.data.catalogue import Indicator
from labkit.numbers import format_number

# One calm, colour-blind-safe palette (Okabe–Ito hues) for every figure.
THEME: dict[str, str] = {
    "school": "#0072B2",       # the team's own school
    "kommune": "#E69F00",
    "land": "#5f5f5f",
    "uncertainty": "#c4c4c4",  # intervals and funnel limits
    "hidden": "#8c8c8c",       # text and markers for figures that are not shown
    "hidden_fill": "#efefef",
    "other": "#a6a6a6",        # other schools
    "chosen": "#D55E00",
    "target": "#009E73",
    "text": "#222222",
    "muted": "#666666",
    "grid": "#e6e6e6",
}
# Respondent groups in the instrument's order (same hues, each with its own marker as well).
GROUP_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
A4_WIDTH = 7.0  # inches: a figure this wide prints at 1:1 on an A4 page with normal margins
FONT = {"title": 12.0, "label": 9.0, "tick": 8.0, "note": 7.5}


def new_figure(height: float = 3.5, *, left: float = 0.75, right: float = 0.2, top: float = 0.6,
               bottom: float = 0.55, width: float = A4_WIDTH) -> tuple[Figure, Axes]:
    """A figure with one axes and margins in inches. Fixed margins, not a layout engine: these
    figures redraw while the team works, and constrained layout costs more than the drawing."""
    figure = Figure(figsize=(width, height))
    figure.subplots_adjust(left=left / width, right=1 - right / width, top=1 - top / height,
                           bottom=bottom / height)
    axes = figure.add_subplot()
    axes.tick_params(labelsize=FONT["tick"], colors=THEME["muted"], labelcolor=THEME["text"])
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color("#999999")
    return figure, axes


def add_title(figure: Figure, title: str, note: str = "") -> None:
    """The title top left and an optional small note top right, both above the plot."""
    figure.text(0.1 / figure.get_figwidth(), 1 - 0.1 / figure.get_figheight(), title, ha="left", va="top",
                fontsize=FONT["title"], fontweight="bold", color=THEME["text"])
    if note:
        figure.text(1 - 0.1 / figure.get_figwidth(), 1 - 0.14 / figure.get_figheight(), note, ha="right",
                    va="top", fontsize=FONT["note"] + 0.5, style="italic", color=THEME["muted"])


class DanishTicks(Formatter):
    """Tick labels the Danish way (`7,5`, `1.000`), with as few decimals as the ticks need."""

    def __init__(self, suffix: str = "") -> None:
        self.suffix = suffix
        self.decimals = 0

    def set_locs(self, locs: list[float]) -> None:
        super().set_locs(locs)
        finite = [float(v) for v in locs if math.isfinite(v)]
        self.decimals = next((d for d in range(4) if all(abs(round(v, d) - v) < 1e-9 for v in finite)), 3)

    def __call__(self, x: float, pos: int | None = None) -> str:
        return format_number(x, self.decimals) + self.suffix


def text_colour_on(rgba: Sequence[float]) -> str:
    """White or dark text, whichever reads better on a cell of this colour (relative luminance)."""
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgba[:3])
    return "white" if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.3 else THEME["text"]


def unit_label(indicator: Indicator) -> str:
    """The y-axis label for an indicator's unit, in Danish."""
    return "Procent" if indicator.unit == "%" else indicator.unit[:1].upper() + indicator.unit[1:]


def value_limits(values: Sequence[float], scale: tuple[float, float], pad: float = 0.08) -> tuple[float, float]:
    """Axis limits around the values that never zoom in so far that noise looks like a change:
    at least a quarter of a short scale (1–5 point, karakterer) or a tenth of a long one (%)."""
    finite = np.asarray([v for v in values if v is not None and math.isfinite(v)], dtype=float)
    width = scale[1] - scale[0]
    minimum = 0.25 * width if width <= 20 else 0.1 * width
    low, high = (float(finite.min()), float(finite.max())) if len(finite) else scale
    if high - low < minimum:
        middle = (low + high) / 2
        low, high = middle - minimum / 2, middle + minimum / 2
    margin = pad * (high - low)
    low, high = low - margin, high + margin
    if low < scale[0]:
        low, high = scale[0], high + scale[0] - low
    if high > scale[1]:
        low, high = max(scale[0], low - (high - scale[1])), scale[1]
    return low, high


def legend_row(figure: Figure, handles: Sequence[Artist], below_top: float = 0.42) -> None:
    """A legend in one row (two if needed) under the title, `below_top` inches from the top."""
    if not handles:
        return
    widths = [text_size(str(h.get_label()), FONT["tick"])[0] / 72 + 0.55 for h in handles]
    room = figure.get_figwidth() - 0.3
    columns = len(handles) if sum(widths) <= room else math.ceil(len(handles) / 2)
    figure.legend(handles=handles, loc="upper left", ncol=columns, frameon=False, fontsize=FONT["tick"],
                  bbox_to_anchor=(0.05 / figure.get_figwidth(), 1 - below_top / figure.get_figheight()),
                  handlelength=2.0, columnspacing=1.4, handletextpad=0.5, borderaxespad=0)


def text_size(label: str, fontsize: float) -> tuple[float, float]:
    """Approximate width and height of a one-line text in points (DejaVu Sans averages 0.58 em)."""
    lines = label.split("\n")
    return max(len(line) for line in lines) * fontsize * 0.58, len(lines) * fontsize * 1.25


def place_labels(axes: Axes, xs: ArrayLike, ys: ArrayLike, labels: Sequence[str], radii: ArrayLike = 4.0,
                 fontsize: float = 7.5, **text: Any) -> list[Annotation]:
    """Write each label next to its marker (radius in points) where it overlaps neither the markers,
    earlier labels nor the plot's edge: beside, above or below, else further out with a thin line.
    The axes limits must be final before calling this.
    """
    to_points = 72 / axes.figure.dpi
    box = axes.get_window_extent()
    edge = (box.x0 * to_points, box.y0 * to_points, box.x1 * to_points, box.y1 * to_points)
    points = np.column_stack([np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)])
    anchors = axes.transData.transform(points) * to_points
    sizes = np.broadcast_to(np.asarray(radii, dtype=float), (len(labels),))
    taken = [(x - r, y - r, x + r, y + r) for (x, y), r in zip(anchors, sizes)]
    written = []
    for (ax, ay), (x, y), radius, label in zip(anchors, points, sizes, labels):
        width, height = text_size(label, fontsize)
        best: tuple[float, float, float, str, str, tuple[float, float, float, float]] | None = None
        for reach in (1.0, 2.4):
            g = (radius + 3) * reach
            # (dx, dy, horizontal alignment, vertical alignment) of the text's anchor
            for dx, dy, ha, va in ((g, 0, "left", "center"), (-g, 0, "right", "center"),
                                   (0, g, "center", "bottom"), (0, -g, "center", "top"),
                                   (4, g, "right", "bottom"), (-4, g, "left", "bottom"),
                                   (4, -g, "right", "top"), (-4, -g, "left", "top"),
                                   (0.7 * g, 0.7 * g, "left", "bottom"), (-0.7 * g, 0.7 * g, "right", "bottom"),
                                   (0.7 * g, -0.7 * g, "left", "top"), (-0.7 * g, -0.7 * g, "right", "top")):
                left = ax + dx - {"left": 0.0, "center": width / 2, "right": width}[ha]
                bottom = ay + dy - {"bottom": 0.0, "center": height / 2, "top": height}[va]
                rect = (left, bottom, left + width, bottom + height)
                outside = (max(0.0, edge[0] - rect[0]) + max(0.0, rect[2] - edge[2])
                           + max(0.0, edge[1] - rect[1]) + max(0.0, rect[3] - edge[3]))
                overlap = sum(max(0.0, min(rect[2], t[2]) - max(rect[0], t[0]))
                              * max(0.0, min(rect[3], t[3]) - max(rect[1], t[1])) for t in taken)
                cost = overlap + 100 * outside + 60 * (reach - 1) + 0.2 * abs(dy)
                if best is None or cost < best[0]:
                    best = (cost, dx, dy, ha, va, rect)
        assert best is not None
        _, dx, dy, ha, va, placed = best
        taken.append(placed)
        far = abs(dx) + abs(dy) > 1.5 * (radius + 3) + 4
        line = {"arrowstyle": "-", "color": THEME["muted"], "linewidth": 0.6, "shrinkA": 1, "shrinkB": radius}
        written.append(axes.annotate(label, (x, y), xytext=(dx, dy), textcoords="offset points", fontsize=fontsize,
                                     ha=ha, va=va, arrowprops=line if far else None, **text))
    return written


def message_figure(title: str, message: str) -> Figure:
    """A small figure that says there is nothing to draw (instead of an empty or broken plot)."""
    figure, axes = new_figure(2.0)
    axes.set_axis_off()
    add_title(figure, title)
    axes.text(0.5, 0.5, message, transform=axes.transAxes, ha="center", va="center",
              fontsize=FONT["label"] + 1, color=THEME["muted"])
    return figure
