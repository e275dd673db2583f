"""Drawing an indsatsteori as a top-to-bottom chain: problem → activities → results → long-term goal.

Drawn at its print size (WIDTH inches, no text under 9 pt), so the handout prints it readably and the
form shows it sharp as SVG beside the fields. The results stand in two lanes, the adults' practice and
the pupils, at three horizons. Every activity and result carries a number (A1, R2), says which number
it leads to and why (the team's assumption), and its signs hang under it. The layout is a simple
cursor in points from the top; the figure's height follows the content (each card is capped).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from labkit.data.indsatsteori import (
    ACTIVITIES_LABEL,
    GOAL,
    GOAL_ID,
    IMPLEMENTATION,
    PRACTICE,
    PROBLEM,
    PUPILS,
    RESULT_GROUPS,
    RESULT_LEVEL_NAMES,
    RESULT_LEVELS,
    RESULTS_LABEL,
    Aktivitet,
    FocusArea,
    Indsatsteori,
    Resultat,
    Tegn,
    item_numbers,
)
from labkit.text import printable

EMPTY = "(ikke udfyldt endnu)"
WIDTH = 5.4  # inches: fits the handout's A4 text width at its own size
POINTS = WIDTH * 72
MARGIN, GAP, PAD = 5.0, 8.0, 4.0  # points
BODY, HEAD, TITLE = 9.0, 10.0, 12.0  # font sizes in points; 9 pt is the smallest text in print
CHAR_WIDTH = 0.56  # average glyph width of DejaVu Sans, in em: turns a width into characters per line
LINE = 1.25  # line height in em
MAX_HEIGHT = 9.9 * 72  # points: an A4 page less its margins and a caption; an image cannot break across pages


@dataclass(frozen=True)
class _Detail:
    """How much of each card is drawn: the fullest level whose diagram fits one page is used (the
    whole text is in the tables beside it)."""

    text: int  # lines of the activity's or result's own words
    meta: int  # owner and period
    arrow: int  # lines of "→ R2, fordi: …"; 0: the arrow alone ("→ R2"), the reason is in the tables
    sign: int  # lines per sign
    signs: int  # signs shown per card
    frame: bool  # risks and adjustment points in the frame
    cards: int = 99  # cards per cell of the results and rows of activities; the rest are counted
    problem: int = 4  # lines of the problem


DETAILS = (_Detail(3, 2, 2, 3, 2, True), _Detail(3, 1, 2, 2, 1, False), _Detail(3, 1, 0, 2, 1, False),
           _Detail(2, 1, 0, 2, 1, False), _Detail(2, 1, 0, 1, 1, False, problem=2),
           _Detail(2, 1, 0, 1, 1, False, cards=2, problem=2))
COLOURS = {"problem": "#fbe0de", "aktiviteter": "#deeafb", PRACTICE: "#e6ecf7", PUPILS: "#dff1e4", "": "#eeeeee",
           "maal": "#b7dfc1", "tegn": "#fff3cf", "ramme": "#f4f4f4"}
TEXT, GREY, EDGE = "#1a1a1a", "#6f6f6f", "#8a8a8a"
UNPLACED = "Endnu ikke placeret: de voksne eller eleverne?"
LANE_COLOURS = {PRACTICE: "#33475b", PUPILS: "#2c5a37", "": "#555555"}


def _chars(width: float, size: float = BODY) -> int:
    return max(8, int(width / (size * CHAR_WIDTH)))


def _cut(lines: list[str], width: int) -> str:
    """The last line that fits: as much of the rest of the text as the width holds, then "…" (a word
    too long for the line's end is cut, not dropped: »Tegn: Karakterg…«, never »Tegn:…«)."""
    indent = len(lines[0]) - len(lines[0].lstrip())
    rest = lines[0][:indent] + " ".join(line.strip() for line in lines)
    return rest if len(rest) <= width else rest[: width - 1].rstrip() + "…"


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
        wrapped = [lines if len(lines) <= share else lines[: share - 1] + [_cut(lines[share - 1:], width)]
                   for lines in wrapped]
    flat = [line for lines in wrapped for line in lines]
    if len(flat) > max_lines:
        flat = flat[: max_lines - 1] + [_cut(flat[max_lines - 1:], width)]
    return flat


@dataclass
class _Text:
    x: float
    y: float  # points from the top
    lines: list[str]
    size: float = BODY
    style: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Canvas:
    """What to draw, in points from the top left; turned into a figure once its height is known."""

    title: list[str] = field(default_factory=list)  # figure text, so the handout's caption can read it
    texts: list[_Text] = field(default_factory=list)
    boxes: list[tuple[float, float, float, float, str]] = field(default_factory=list)  # x, top, w, h, colour
    arrows: list[tuple[float, float, float]] = field(default_factory=list)  # x, from y, to y

    def text(self, x: float, y: float, lines: list[str], size: float = BODY, **style: Any) -> float:
        """Places the lines; returns their height."""
        if lines:
            self.texts.append(_Text(x, y, [printable(line) for line in lines], size, style))
        return len(lines) * size * LINE

    def figure(self, height: float) -> Figure:
        figure = Figure(figsize=(WIDTH, height / 72))
        axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
        axes.set_xlim(0, POINTS)
        axes.set_ylim(height, 0)
        axes.axis("off")
        for x, top, width, box_height, colour in self.boxes:
            axes.add_patch(FancyBboxPatch((x, top), width, box_height, boxstyle="round,pad=0,rounding_size=3",
                                          facecolor=colour, edgecolor=EDGE, linewidth=0.6))
        for x, start, end in self.arrows:
            axes.add_patch(FancyArrowPatch((x, start), (x, end), arrowstyle="-|>", mutation_scale=11,
                                           color="#444444", linewidth=1.0))
        if self.title:
            figure.text(MARGIN / POINTS, 1 - MARGIN / height, printable("\n".join(self.title)), fontsize=TITLE, weight="bold",
                        va="top", ha="left", color=TEXT, linespacing=LINE, parse_math=False)
        for text in self.texts:
            style = {"color": TEXT, "va": "top", "ha": "left", **text.style}
            # parse_math=False: a "$" in the team's text must not be read as mathtext.
            axes.text(text.x, text.y, "\n".join(text.lines), fontsize=text.size, linespacing=LINE,
                      parse_math=False, **style)
        return figure


def _numbers(theory: Indsatsteori) -> dict[str, str]:
    return {**item_numbers(theory), GOAL_ID: "målet"}


def _sign_line(tegn: Tegn) -> str:
    detail = f" ({tegn.baseline} → {tegn.maal})" if tegn.baseline and tegn.maal else (
        f" (mål {tegn.maal})" if tegn.maal else "")
    when = f", {tegn.hvornaar}" if tegn.hvornaar else ""
    return f"Tegn: {tegn.beskrivelse or 'uden beskrivelse'}{detail}{when}"


def _card_lines(item: Aktivitet | Resultat, numbers: dict[str, str], width: int, detail: _Detail) -> list[str]:
    text = item.beskrivelse if isinstance(item, Aktivitet) else item.tekst
    lines = wrap_items([f"{numbers.get(item.id, '')} {text or '(uden tekst)'}".strip()], width, detail.text)
    if isinstance(item, Aktivitet) and (item.ansvarlig or item.start or item.slut):
        period = "–".join(part for part in (item.start, item.slut) if part)
        lines += wrap_items([" · ".join(part for part in (item.ansvarlig, period) if part)], width, detail.meta)
    target = numbers.get(item.foerer_til, "")
    if target:
        reason = f", fordi: {item.fordi}" if item.fordi and detail.arrow else ""
        lines += wrap_items([f"→ {target}{reason}"], width, max(1, detail.arrow))
    return lines


def _card(canvas: _Canvas, theory: Indsatsteori, item: Aktivitet | Resultat, numbers: dict[str, str],
          x: float, top: float, width: float, colour: str, detail: _Detail) -> float:
    """One activity or result with its signs; returns its height."""
    chars = _chars(width - 2 * PAD)
    lines = _card_lines(item, numbers, chars, detail)
    signs = [t for t in theory.indikatorer if t.knyttet_til and t.knyttet_til == item.id]
    sign_lines = [line for tegn in signs[:detail.signs] for line in wrap_items([_sign_line(tegn)], chars - 1,
                                                                               detail.sign)]
    if len(signs) > detail.signs:
        sign_lines.append(f"+ {len(signs) - detail.signs} tegn mere")
    height = len(lines) * BODY * LINE + 2 * PAD + (len(sign_lines) * BODY * LINE + PAD if sign_lines else 0)
    canvas.boxes.append((x, top, width, height, colour))
    used = canvas.text(x + PAD, top + PAD, lines)
    if sign_lines:
        sign_top = top + PAD + used + PAD / 2
        canvas.boxes.append((x + PAD / 2, sign_top - 1, width - PAD, len(sign_lines) * BODY * LINE + 2, COLOURS["tegn"]))
        canvas.text(x + PAD, sign_top, sign_lines)
    return height


def _band(canvas: _Canvas, top: float, title: str, lines: list[str], colour: str) -> float:
    """A full-width box with a bold title; returns its height."""
    body = lines or [EMPTY]
    height = HEAD * LINE + len(body) * BODY * LINE + 2 * PAD
    canvas.boxes.append((MARGIN, top, POINTS - 2 * MARGIN, height, colour))
    canvas.text(MARGIN + PAD, top + PAD, [title], HEAD, weight="bold")
    canvas.text(MARGIN + PAD, top + PAD + HEAD * LINE, body, color=TEXT if lines else GREY)
    return height


def _arrow(canvas: _Canvas, top: float) -> float:
    canvas.arrows.append((POINTS / 2, top, top + GAP + 1))
    return GAP + 2


def _title(theory: Indsatsteori) -> str:
    focus = theory.focus_area
    # A caller may have put a plain title in the field after construction; show it all the same.
    title = focus.title or focus.id if isinstance(focus, FocusArea) else str(focus or "")
    return title or "Indsatsteori"


def draw_indsatsteori(theory: Indsatsteori) -> Figure:
    """The theory as a figure: problem, activities, results by horizon in two lanes, goal, and the frame.

    As much of each card as fits one printed page: a long theory is drawn with shorter cards."""
    for detail in DETAILS:
        canvas, height = _layout(theory, detail)
        if height <= MAX_HEIGHT:
            break
    return canvas.figure(height)


def _layout(theory: Indsatsteori, detail: _Detail) -> tuple[_Canvas, float]:
    canvas = _Canvas()
    full = _chars(POINTS - 2 * MARGIN - 2 * PAD)
    y = MARGIN
    canvas.title = wrap_items([f"Indsatsteori: {_title(theory)}"], _chars(POINTS - 2 * MARGIN, TITLE), 2)
    y += len(canvas.title) * TITLE * LINE + 4
    numbers = _numbers(theory)

    problem = wrap_items([theory.problem], full, detail.problem)
    if theory.data_grundlag:
        problem += wrap_items(["Data: " + ", ".join(theory.data_grundlag)], full, 2)
    if theory.maalgruppe:
        problem += wrap_items([f"Målgruppe: {theory.maalgruppe}"], full, 2)
    y += _band(canvas, y, PROBLEM.label, problem, COLOURS["problem"])
    y += _arrow(canvas, y)

    # Activities: three cards a row.
    canvas.text(MARGIN, y, [ACTIVITIES_LABEL], HEAD, weight="bold")
    y += HEAD * LINE + 2
    third = (POINTS - 2 * MARGIN - 2 * GAP) / 3
    if not theory.aktiviteter:
        y += canvas.text(MARGIN + PAD, y, [EMPTY], color=GREY) + 2
    shown = theory.aktiviteter[:3 * detail.cards]
    for row in range(0, len(shown), 3):
        heights = [_card(canvas, theory, activity, numbers, MARGIN + column * (third + GAP), y, third,
                         COLOURS["aktiviteter"], detail)
                   for column, activity in enumerate(shown[row:row + 3])]
        y += max(heights) + 4
    if len(theory.aktiviteter) > len(shown):
        y += canvas.text(MARGIN + PAD, y, [f"+ {len(theory.aktiviteter) - len(shown)} aktiviteter mere (se teksten)"],
                         color=GREY) + 2
    y += _arrow(canvas, y)

    # Results: a column per horizon (short term first, as the chain runs), a lane for the adults'
    # practice above one for the pupils.
    y += canvas.text(MARGIN, y, [RESULTS_LABEL], HEAD, weight="bold") + 1
    for column, level in enumerate(RESULT_LEVELS):
        canvas.text(MARGIN + column * (third + GAP) + third / 2, y, [RESULT_LEVEL_NAMES[level]], BODY, ha="center",
                    style="italic", color=GREY)
    y += BODY * LINE + 2
    # Results whose group is not said yet get a lane of their own: never shown as the adults' or the pupils'.
    lanes = (PRACTICE, PUPILS, *(("",) if any(not r.hvem for r in theory.resultater) else ()))
    for group in lanes:
        lane_top = y
        canvas.boxes.append((MARGIN, lane_top, POINTS - 2 * MARGIN, HEAD * LINE + 2, COLOURS[group]))
        canvas.text(MARGIN + PAD, lane_top + 1, [RESULT_GROUPS.get(group, UNPLACED)], HEAD, weight="bold",
                    color=LANE_COLOURS[group])
        y += HEAD * LINE + 5
        bottoms = []
        for column, level in enumerate(RESULT_LEVELS):
            cell_y = y
            items = theory.results(level, group)
            for result in items[:detail.cards]:
                colour = COLOURS[group]
                cell_y += _card(canvas, theory, result, numbers, MARGIN + column * (third + GAP), cell_y, third,
                                colour, detail) + 4
            if len(items) > detail.cards:
                cell_y += canvas.text(MARGIN + column * (third + GAP) + PAD, cell_y,
                                      [f"+ {len(items) - detail.cards} mere"], color=GREY) + 2
            if not items:
                cell_y += canvas.text(MARGIN + column * (third + GAP) + PAD, cell_y, ["–"], color=GREY) + 2
            bottoms.append(cell_y)
        y = max(bottoms) + 4
    y += _arrow(canvas, y)
    y += _band(canvas, y, GOAL.label, wrap_items([theory.langsigtet_maal], full, 3), COLOURS["maal"]) + GAP

    # The frame: what the work needs and what could stop it; signs not placed on a card.
    frame = [f"Ressourcer: {', '.join(theory.ressourcer)}" if theory.ressourcer else "",
             f"Kontekst: {theory.kontekst}" if theory.kontekst else "",
             f"Risici: {'; '.join(theory.risici)}" if theory.risici and detail.frame else "",
             f"Justeringspunkter: {'; '.join(theory.justeringer)}" if theory.justeringer and detail.frame else ""]
    frame_lines = [line for text in frame if text for line in wrap_items([text], full, 2)]
    loose = [t for t in theory.indikatorer if not theory.item(t.knyttet_til)]
    if loose:
        words = {IMPLEMENTATION: "gennemførelse"}
        frame_lines += wrap_items(["Tegn uden aktivitet eller resultat: " + "; ".join(
            f"{t.beskrivelse or 'uden beskrivelse'} ({words.get(t.art, RESULT_LEVEL_NAMES[theory.sign_level(t)].lower())})"
            for t in loose)], full, 3)
    if frame_lines:
        y += _band(canvas, y, "Rammer", frame_lines, COLOURS["ramme"])
    return canvas, y + MARGIN
