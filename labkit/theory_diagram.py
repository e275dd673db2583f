"""Drawing an indsatsteori as a left-to-right diagram (problem → activities → results → goal)."""

from __future__ import annotations

import textwrap

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from labkit.indsatsteori import LINKS, Indsatsteori

EMPTY = "(ikke udfyldt endnu)"
COLOURS = {"problem": "#fde2e1", "aktiviteter": "#e3eefc", "kortsigtede": "#e6f4ea",
           "mellemlange": "#d3ecd9", "langsigtede": "#bfe3c6", "kontekst": "#f3f3f3", "tegn": "#fff4d6"}
WRAP = 24
MAX_LINES = 9


def _box_text(title: str, items: list[str] | str) -> tuple[str, bool]:
    """The text of one box, wrapped and cut to fit; the flag says whether it was empty."""
    entries = [items] if isinstance(items, str) else items
    entries = [e for e in entries if e and e.strip()]
    if not entries:
        return f"{title}\n{EMPTY}", True
    lines: list[str] = []
    for entry in entries:
        wrapped = textwrap.wrap(entry, WRAP) or [""]
        lines += [("• " if len(entries) > 1 else "") + wrapped[0], *wrapped[1:]]
    if len(lines) > MAX_LINES:
        lines = lines[: MAX_LINES - 1] + [lines[MAX_LINES - 1][: WRAP - 1] + "…"]
    return title + "\n" + "\n".join(lines), False


def _columns(theory: Indsatsteori) -> list[tuple[str, str, list[str] | str]]:
    goal = [theory.langsigtet_maal] if theory.langsigtet_maal else []
    return [
        ("problem", "Problem", theory.problem),
        ("aktiviteter", "Aktiviteter", theory.aktiviteter
         + ([f"Ressourcer: {', '.join(theory.ressourcer)}"] if theory.ressourcer else [])),
        ("kortsigtede", "Kort sigt", theory.kortsigtede_resultater),
        ("mellemlange", "Mellemlang sigt", theory.mellemlange_resultater),
        ("langsigtede", "Lang sigt og mål", goal + theory.langsigtede_resultater),
    ]


def draw_indsatsteori(theory: Indsatsteori) -> Figure:
    """The theory as a figure: five boxes with arrows, assumptions on the arrows, signs and context below."""
    figure = Figure(figsize=(11, 4.6))
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, 100)
    axes.set_ylim(0, 100)
    axes.axis("off")
    title = theory.focus_area or "Indsatsteori"
    axes.text(1, 97, textwrap.shorten(title, 90, placeholder="…"), fontsize=12, weight="bold", va="top")
    width, gap, top, height = 17.0, 3.0, 88.0, 50.0
    lefts = [1 + i * (width + gap) for i in range(5)]
    for (key, label, items), left in zip(_columns(theory), lefts):
        text, empty = _box_text(label, items)
        axes.add_patch(FancyBboxPatch((left, top - height), width, height, boxstyle="round,pad=0.6",
                                      facecolor=COLOURS[key], edgecolor="#7a7a7a", linewidth=0.8))
        axes.text(left + 0.8, top - 1, label, fontsize=8, weight="bold", va="top", ha="left")
        axes.text(left + 0.8, top - 6, text.split("\n", 1)[1], fontsize=7.2, va="top", ha="left",
                  color="#8a8a8a" if empty else "#1a1a1a", linespacing=1.25)
    arrows = [("", lefts[0], lefts[1])] + [(theory.antagelser.get(link, ""), lefts[i + 1], lefts[i + 2])
                                          for i, link in enumerate(LINKS)]
    for assumption, left, right in arrows:
        start, end = left + width + 0.3, right - 0.3
        axes.add_patch(FancyArrowPatch((start, top - height / 2), (end, top - height / 2),
                                       arrowstyle="-|>", mutation_scale=12, color="#444444"))
        if assumption:
            axes.text((start + end) / 2, top - height / 2 + 2, "antagelse",
                      fontsize=5.5, ha="center", color="#555555")
    for index, link in enumerate(LINKS):
        if theory.antagelser.get(link):
            note = textwrap.shorten(theory.antagelser[link], 60, placeholder="…")
            axes.text(lefts[index + 1] + width + gap / 2, top - height - 3,
                      "Antagelse:\n" + "\n".join(textwrap.wrap(note, 28)), fontsize=6, ha="center",
                      va="top", color="#555555", style="italic")
    level_column = {"kortsigtede": 2, "mellemlange": 3, "langsigtede": 4}
    stacked: dict[int, int] = {}
    for tegn in theory.indikatorer:
        column = level_column.get(tegn.resultat_niveau, 2)
        row = stacked.get(column, 0)
        stacked[column] = row + 1
        if row >= 2:
            continue
        label = textwrap.shorten(tegn.beskrivelse or tegn.kilde, 34, placeholder="…")
        detail = " → ".join(v for v in (tegn.baseline, tegn.maal) if v)
        axes.text(lefts[column] + 0.5, top - height - 16 - row * 7, f"Tegn: {label}" + (f" ({detail})" if detail else ""),
                  fontsize=6.2, va="top", bbox={"boxstyle": "round,pad=0.3", "facecolor": COLOURS["tegn"],
                                                 "edgecolor": "#d9b650", "linewidth": 0.6})
    context = theory.kontekst or EMPTY
    axes.text(1, 4, "Kontekst: " + textwrap.shorten(context, 170, placeholder="…"), fontsize=7, va="bottom",
              color="#8a8a8a" if not theory.kontekst else "#333333",
              bbox={"boxstyle": "round,pad=0.4", "facecolor": COLOURS["kontekst"], "edgecolor": "#cccccc"})
    return figure
