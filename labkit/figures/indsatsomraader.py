"""The boblediagram of candidate focus areas: importance against influence, one bubble per candidate."""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from labkit.figures.common import FONT, THEME, add_title, new_figure, place_labels

BUBBLE_AREA = 110.0  # marker area (pt²) per step of "indflydelse"


def bubble_chart(candidates: pd.DataFrame) -> Figure:
    """The boblediagram for choosing indsatsområder.

    `candidates`: label, vigtighed (x, 1–5), data (y, 1–5), indflydelse (bubble size, 1–5),
    valgt (bool). Candidates not yet rated on all three are left out and counted in a note.
    """
    ratings = ["vigtighed", "data", "indflydelse"]
    numbers = candidates[ratings].apply(pd.to_numeric, errors="coerce")
    rated = candidates.assign(**{r: numbers[r] for r in ratings}).loc[numbers.notna().all(axis=1)]
    unrated = len(candidates) - len(rated)
    figure, axes = new_figure(4.2, left=0.7, right=1.75, top=0.55, bottom=0.55)
    add_title(figure, "Boblediagram: mulige indsatsområder")
    # Worth a closer look: important, and clearly visible in the data.
    axes.axvspan(3.5, 6.0, ymin=(3.5 - 0.4) / 5.2, color=THEME["school"], alpha=0.05, linewidth=0)
    axes.text(5.95, 5.5, "vigtigt og tydeligt i data", ha="right", va="top", fontsize=FONT["note"],
              color=THEME["school"], alpha=0.8)
    axes.set_xlim(0.4, 6.0)  # room for labels right of the bubbles at 5
    axes.set_ylim(0.4, 5.6)
    axes.set_xticks(range(1, 6))
    axes.set_yticks(range(1, 6))
    axes.grid(color=THEME["grid"], linewidth=0.8)
    axes.set_axisbelow(True)
    axes.set_xlabel("Hvor vigtigt er det?  (1 = lidt, 5 = meget)", fontsize=FONT["label"])
    axes.set_ylabel("Hvor tydeligt viser data det?", fontsize=FONT["label"])
    xs, ys = _dodge(rated["vigtighed"].to_numpy(float), rated["data"].to_numpy(float))
    chosen = rated["valgt"].fillna(False).astype(bool).to_numpy()
    colours = np.where(chosen, THEME["chosen"], THEME["school"])
    order = np.argsort(-rated["indflydelse"].to_numpy(float), kind="stable")  # small bubbles on top
    if len(rated):  # an empty scatter with sizes fails to draw
        axes.scatter(xs[order], ys[order], s=BUBBLE_AREA * rated["indflydelse"].to_numpy(float)[order],
                     c=colours[order], alpha=0.55, edgecolors="white", linewidths=1.2, zorder=3)
    radii = np.sqrt(BUBBLE_AREA * rated["indflydelse"].to_numpy(float)) / 2
    texts = ["\n".join(textwrap.wrap(str(label), 18)) or str(label) for label in rated["label"]]
    labels = place_labels(axes, xs, ys, texts, radii, color=THEME["text"], linespacing=1.05)
    for label, is_chosen in zip(labels, chosen):
        label.set_fontweight("bold" if is_chosen else "normal")
    handles = [Line2D([], [], linestyle="none", marker="o", markersize=math.sqrt(BUBBLE_AREA * size),
                      markerfacecolor=THEME["school"], alpha=0.55, markeredgecolor="white", label=name)
               for size, name in ((1, "1  lidt"), (3, "3"), (5, "5  meget"))]
    size_legend = axes.legend(handles=handles, title="Hvor meget kan vi\npåvirke det?", loc="upper left",
                              bbox_to_anchor=(1.03, 1.0), frameon=False, fontsize=FONT["note"],
                              title_fontsize=FONT["note"] + 0.5, labelspacing=1.6, borderpad=0.8,
                              handletextpad=1.2, alignment="left")
    axes.add_artist(size_legend)
    colour_handles = [Line2D([], [], linestyle="none", marker="o", markersize=9, alpha=0.55, label=name,
                             markerfacecolor=colour, markeredgecolor="white")
                      for colour, name in ((THEME["chosen"], "Valgt"), (THEME["school"], "Ikke valgt"))]
    axes.legend(handles=colour_handles, loc="upper left", bbox_to_anchor=(1.03, 0.42), frameon=False,
                fontsize=FONT["note"], handletextpad=0.8)
    if unrated:
        axes.text(1.04, 0.0, f"{unrated} ikke vurderet endnu", transform=axes.transAxes, ha="left",
                  va="bottom", fontsize=FONT["note"], color=THEME["muted"], style="italic")
    if rated.empty:
        axes.text(3, 3, "Ingen kandidater er vurderet endnu", ha="center", va="center",
                  fontsize=FONT["label"], color=THEME["muted"])
    return figure


def _dodge(xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Spread bubbles that share a spot on a small circle, so each stays visible."""
    xs, ys = xs.copy(), ys.copy()
    spots: dict[tuple[float, float], list[int]] = {}
    for i, spot in enumerate(zip(xs, ys)):
        spots.setdefault(spot, []).append(i)
    for members in spots.values():
        if len(members) > 1:
            radius = 0.1 + 0.04 * len(members)  # in rating steps: more bubbles, a wider circle
            for k, i in enumerate(members):
                angle = math.pi / 4 + 2 * math.pi * k / len(members)
                xs[i] += radius * math.cos(angle)
                ys[i] += radius * math.sin(angle)
    return xs, ys
