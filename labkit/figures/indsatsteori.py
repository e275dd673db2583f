"""Drawing an indsatsteori as a left-to-right diagram: problem → activities → results → goal.

Boxes hold the team's own words (wrapped, cut with "…" when long), the assumptions are written on
the arrows between result boxes, signs (tegn) hang as tags under their result box, and the context
is a band along the bottom. It is redrawn while the team types, so it stays cheap: plain patches
and text on one axes, no layout engine.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from labkit.data.indsatsteori import FIELDS, LINKS, RESULT_LEVELS, FocusArea, Indsatsteori, Tegn

EMPTY = "(ikke udfyldt endnu)"
FIGSIZE = (11.0, 4.7)  # inches; the axes run 0–100 both ways
CHAR_WIDTH = 0.57  # average glyph width of DejaVu Sans, in em: turns a box width into characters per line
LINE_HEIGHT = 1.28
COLOURS = {"problem": "#fbe0de", "aktiviteter": "#deeafb", "ressourcer": "#edf3fc", "kortsigtede": "#e4f3e7",
           "mellemlange": "#cfe9d6", "langsigtede": "#b7dfc1", "kontekst": "#f2f2f2", "tegn": "#fff3cf",
           "data": "#fdf0ef"}
TEXT, GREY, EDGE = "#1a1a1a", "#8a8a8a", "#7a7a7a"
BODY_SIZE, HEAD_SIZE, NOTE_SIZE = 7.5, 8.2, 6.5
TOP, HEIGHT = 84.0, 43.0  # the box row
TAGS_BOTTOM = 11.5  # the context band starts below this
GAPS = (3.5, 9.0, 9.0, 9.0)  # wide gaps after activities leave room for the assumptions
WIDTH = (98.0 - sum(GAPS)) / 5
MAX_TAGS = 3
# Every glyph costs about 0.3 ms to render with matplotlib 3.11's Agg backend: the caps keep a
# full theory redrawing in well under half a second while the team types.
MAX_BOX_LINES, MAX_ASSUMPTION_LINES = 10, 8


@dataclass(frozen=True)
class _Column:
    key: str
    title: str
    items: list[str]


def _chars(width: float, fontsize: float, char_width: float = CHAR_WIDTH) -> int:
    """How many characters fit on a line `width` axes units wide."""
    points = width / 100 * FIGSIZE[0] * 72
    return max(8, int(points / (fontsize * char_width)))


def _lines_fitting(height: float, fontsize: float) -> int:
    points = height / 100 * FIGSIZE[1] * 72
    return max(1, int(points / (fontsize * LINE_HEIGHT)))


def _cut(line: str, width: int) -> str:
    return line[: width - 1].rstrip() + "…"


def wrap_items(items: list[str], width: int, max_lines: int) -> list[str]:
    """Wrapped lines for a box: bullets when there are several items; cut with "…" to `max_lines`.

    When the items do not all fit, each gets an equal share of lines; items beyond one per line are
    counted ("+ 3 mere"), so nothing disappears without a trace.
    """
    items = [item.strip() for item in items if item and item.strip()]
    if len(items) > max_lines > 1:  # more items than lines: one line each, and say how many are left out
        rest = len(items) - (max_lines - 1)
        return wrap_items(items[: max_lines - 1], width, max_lines - 1) + [f"+ {rest} mere"]
    bullet = len(items) > 1
    indent = 2 if bullet else 0
    wrapped = []
    for item in items:
        lines = [line for paragraph in item.splitlines() if paragraph.strip()
                 for line in textwrap.wrap(paragraph, width - indent)]
        wrapped.append([("• " if bullet and i == 0 else " " * indent) + line for i, line in enumerate(lines)])
    if sum(len(lines) for lines in wrapped) > max_lines and items:
        share = max(1, max_lines // len(items))
        wrapped = [lines if len(lines) <= share else lines[: share - 1] + [_cut(lines[share - 1], width)]
                   for lines in wrapped]
    flat = [line for lines in wrapped for line in lines]
    if len(flat) > max_lines:
        flat = flat[: max_lines - 1] + [_cut(flat[max_lines - 1], width)]
    return flat


def _columns(theory: Indsatsteori) -> list[_Column]:
    goal = [f"Mål: {theory.langsigtet_maal}"] if theory.langsigtet_maal else []
    label = {field.key: field.label for field in FIELDS}
    return [
        _Column("problem", label["problem"], [theory.problem]),
        _Column("aktiviteter", label["aktiviteter"], theory.aktiviteter),
        *(_Column(level, label[f"{level}_resultater"], theory.results(level)) for level in RESULT_LEVELS[:2]),
        _Column("langsigtede", f"{label['langsigtede_resultater']} og mål", goal + theory.langsigtede_resultater),
    ]


def _text(axes: Axes, x: float, y: float, text: str, **style: Any) -> None:
    # parse_math=False: a "$" in the team's text must not be read as mathtext.
    axes.text(x, y, text, parse_math=False, **style)


def _box(axes: Axes, left: float, top: float, width: float, height: float, colour: str,
         title: str, items: list[str]) -> None:
    """A rounded box with a bold title and wrapped body text (grey placeholder when empty)."""
    axes.add_patch(FancyBboxPatch((left, top - height), width, height, boxstyle="round,pad=0.5",
                                  facecolor=colour, edgecolor=EDGE, linewidth=0.8))
    head = textwrap.wrap(title, _chars(width - 1, HEAD_SIZE))
    _text(axes, left + 0.6, top - 0.8, "\n".join(head), fontsize=HEAD_SIZE, weight="bold", va="top",
          color=TEXT, linespacing=1.1)
    head_height = len(head) * HEAD_SIZE * 1.2 / (FIGSIZE[1] * 72) * 100 + 1.6
    fitting = min(MAX_BOX_LINES, _lines_fitting(height - head_height - 1, BODY_SIZE))
    body = wrap_items(items, _chars(width - 1.2, BODY_SIZE), fitting)
    _text(axes, left + 0.6, top - head_height, "\n".join(body) or EMPTY, fontsize=BODY_SIZE, va="top",
          color=TEXT if body else GREY, linespacing=LINE_HEIGHT)


def _tag_height(lines: list[str]) -> float:
    return len(lines) * NOTE_SIZE * 1.15 / (FIGSIZE[1] * 72) * 100 + 2.4


def _tag(axes: Axes, left: float, top: float, lines: list[str], colour: str, text_colour: str = TEXT) -> float:
    """A small label box; returns its height in axes units."""
    _text(axes, left + 0.5, top, "\n".join(lines), fontsize=NOTE_SIZE, va="top", color=text_colour,
          linespacing=1.15, bbox={"boxstyle": "round,pad=0.3", "facecolor": colour, "edgecolor": "#d4b257",
                                  "linewidth": 0.6})
    return _tag_height(lines)


def tegn_label(tegn: Tegn, width: int) -> list[str]:
    """A sign's tag: "Tegn: Ro og orden (3,5 → 4,0)" and when, wrapped to at most four lines."""
    if tegn.baseline and tegn.maal:
        detail = f" ({tegn.baseline} → {tegn.maal})"
    elif tegn.baseline or tegn.maal:
        detail = f" (baseline {tegn.baseline})" if tegn.baseline else f" (mål {tegn.maal})"
    else:
        detail = ""
    lines = wrap_items([f"Tegn: {tegn.beskrivelse or tegn.kilde}{detail}"], width, 3)
    if tegn.hvornaar:
        lines += wrap_items([f"Hvornår: {tegn.hvornaar}"], width, 1)
    return lines


def _title(theory: Indsatsteori) -> str:
    focus = theory.focus_area
    # A caller may have put a plain title in the field after construction; show it all the same.
    title = focus.title or focus.id if isinstance(focus, FocusArea) else str(focus or "")
    return title or "Indsatsteori"


def draw_indsatsteori(theory: Indsatsteori) -> Figure:
    """The theory as a figure: five boxes with arrows, assumptions on the arrows, signs and context below."""
    figure = Figure(figsize=FIGSIZE)
    axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    axes.set_xlim(0, 100)
    axes.set_ylim(0, 100)
    axes.axis("off")
    _text(axes, 1, 98, textwrap.shorten(_title(theory), 110, placeholder="…"), fontsize=11.5, weight="bold",
          va="top", color=TEXT)
    target = textwrap.shorten(theory.maalgruppe, 170, placeholder="…") if theory.maalgruppe else EMPTY
    _text(axes, 1, 91.6, f"Målgruppe: {target}", fontsize=BODY_SIZE, va="top",
          color=TEXT if theory.maalgruppe else GREY)

    lefts = [1.0]
    for gap in GAPS:
        lefts.append(lefts[-1] + WIDTH + gap)
    for column, left in zip(_columns(theory), lefts):
        _box(axes, left, TOP, WIDTH, HEIGHT, COLOURS[column.key], column.title, column.items)

    # Arrows between the boxes; the three result links carry the team's assumptions above them.
    arrow_y = TOP - HEIGHT * 0.72
    for index in range(4):
        start, end = lefts[index] + WIDTH + 0.7, lefts[index + 1] - 0.7
        axes.add_patch(FancyArrowPatch((start, arrow_y), (end, arrow_y), arrowstyle="-|>",
                                       mutation_scale=13, color="#444444", linewidth=1.1))
        if index == 0:
            continue
        assumption = theory.antagelser.get(LINKS[index - 1], "")
        width = _chars(GAPS[index] - 1.2, NOTE_SIZE, 0.6)  # italic runs a little wider
        fitting = min(MAX_ASSUMPTION_LINES, _lines_fitting(TOP - arrow_y - 3, NOTE_SIZE * 1.15 / LINE_HEIGHT))
        lines = wrap_items([assumption], width, fitting)
        _text(axes, (start + end) / 2, arrow_y + 1.4, "\n".join(lines) or "antagelse?", fontsize=NOTE_SIZE,
              ha="center", va="bottom", style="italic", color="#333333" if lines else GREY, linespacing=1.15)

    # Under the boxes: the data behind the problem, the resources, and the signs per result box.
    under = TOP - HEIGHT - 2.6
    tag_width = _chars(WIDTH - 0.8, NOTE_SIZE)
    if theory.data_grundlag:
        _tag(axes, lefts[0], under, wrap_items(["Data: " + ", ".join(theory.data_grundlag)], tag_width, 3),
             COLOURS["data"])
    resources = wrap_items(theory.ressourcer, tag_width, 6)
    _tag(axes, lefts[1], under, ["Ressourcer:", *(resources or [EMPTY])], COLOURS["ressourcer"],
         TEXT if resources else GREY)
    for index, level in enumerate(RESULT_LEVELS, start=2):
        signs = [t for t in theory.indikatorer if t.resultat_niveau == level]
        y, shown = under, 0
        for tegn in signs[:MAX_TAGS]:
            lines = tegn_label(tegn, tag_width)
            if y - _tag_height(lines) < TAGS_BOTTOM + 3:
                break
            y -= _tag(axes, lefts[index], y, lines, COLOURS["tegn"])
            shown += 1
        if len(signs) > shown:
            _text(axes, lefts[index] + 0.5, y - 0.3, f"+ {len(signs) - shown} tegn mere", fontsize=NOTE_SIZE,
                  va="top", color=GREY)

    context = wrap_items([f"Kontekst: {theory.kontekst}"], _chars(96, BODY_SIZE), 2) if theory.kontekst else []
    axes.add_patch(FancyBboxPatch((1, 1.8), 98, TAGS_BOTTOM - 4, boxstyle="round,pad=0.4", facecolor=COLOURS["kontekst"],
                                  edgecolor="#c8c8c8", linewidth=0.6))
    _text(axes, 1.6, TAGS_BOTTOM - 2.8, "\n".join(context) or f"Kontekst: {EMPTY}", fontsize=BODY_SIZE,
          va="top", color=TEXT if context else GREY, linespacing=LINE_HEIGHT)
    return figure
