"""Kapacitet figures: the dimension × group heatmap and the chart of gaps between groups.

A group with fewer respondents than the minimum is never shown: its cells say "skjult" and hold
no number, and it has no dot in the gap chart.
"""

from __future__ import annotations

import itertools
import math
import textwrap

import numpy as np
import pandas as pd
import seaborn
from matplotlib import colormaps
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from labkit.figures.common import (
    FONT,
    GROUP_COLOURS,
    THEME,
    DanishTicks,
    add_title,
    legend_row,
    message_figure,
    new_figure,
    text_colour_on,
    text_size,
)
from labkit.numbers import format_number

GROUP_MARKERS = ("o", "s", "D", "^", "v", "P", "X")
# The calm middle of "Blues": light enough at the low end to see, dark enough at the top for white text.
CELL_COLOURS = ListedColormap(colormaps["Blues"](np.linspace(0.08, 0.85, 256)))


def _wrap(names: list[str], width: int = 30) -> list[str]:
    return ["\n".join(textwrap.wrap(str(name), width)) or str(name) for name in names]


def _left_margin(labels: list[str], fontsize: float) -> float:
    return 0.25 + max((text_size(label, fontsize)[0] for label in labels), default=0.0) / 72


def _hidden_block(axes: Axes, column: int, top: float, rows: int, text: str) -> None:
    """Grey hatched cells with the reason they are empty, and no number (seaborn's cell j spans j…j+1)."""
    axes.add_patch(Rectangle((column, top), 1, rows, facecolor=THEME["hidden_fill"], hatch="///",
                             edgecolor="#d2d2d2", linewidth=0, zorder=2.5))  # over the white cell lines
    axes.text(column + 0.5, top + rows / 2, text, ha="center", va="center", fontsize=FONT["note"] + 0.5,
              color=THEME["hidden"], style="italic", linespacing=1.2, zorder=3,
              bbox={"boxstyle": "round,pad=0.3", "facecolor": THEME["hidden_fill"], "edgecolor": "none"})


def kapacitet_heatmap(matrix: pd.DataFrame, n: pd.DataFrame, scale: tuple[float, float], title: str,
                      min_group_size: int = 5, consensus: bool = False) -> Figure:
    """Mean per dimension (rows) and respondent group (columns) with n; hidden groups say so.

    `matrix`: Danish dimension names × Danish group names, NaN for a hidden group; `n` the same
    shape with the number of respondents (`consensus`: the people behind each group's consensus
    rating, shown as »6 pers.«). `scale` is the rating scale, e.g. (1, 5).
    """
    if matrix.empty:
        return message_figure(title, "Der er ingen vurderinger fra kapacitetsinterviews.")
    means = matrix.to_numpy(dtype=float)
    counts = n.reindex(index=matrix.index, columns=matrix.columns).to_numpy(dtype=float)
    rows = _wrap([str(name) for name in matrix.index])
    height = 1.45 + 0.2 * sum(r.count("\n") + 1 for r in rows) + 0.2 * len(rows)
    figure, axes = new_figure(height, left=_left_margin(rows, FONT["tick"]), right=0.2, top=0.85, bottom=0.4)
    add_title(figure, title)
    # seaborn draws the cells, masks the hidden ones and the white grid; the numbers are ours, in Danish.
    seaborn.heatmap(pd.DataFrame(means), mask=np.isnan(means), cmap=CELL_COLOURS, vmin=scale[0], vmax=scale[1],
                    cbar=False, linewidths=2, linecolor="white", annot=False, xticklabels=False,
                    yticklabels=False, ax=axes)
    hidden_text = f"skjult\n(under {min_group_size})"
    whole_columns = {j for j in range(means.shape[1]) if np.isnan(means[:, j]).all()}
    for j in sorted(whole_columns):  # a hidden group: one hatched column, one label
        _hidden_block(axes, j, 0, means.shape[0], hidden_text)
    for (i, j), mean in np.ndenumerate(means):
        if math.isnan(mean):
            if j not in whole_columns:
                _hidden_block(axes, j, i, 1, hidden_text)
            continue
        colour = text_colour_on(CELL_COLOURS((mean - scale[0]) / (scale[1] - scale[0])))
        axes.text(j + 0.5, i + 0.4, format_number(mean, 1), ha="center", va="center", fontsize=FONT["label"] + 1,
                  fontweight="bold", color=colour)
        if not math.isnan(counts[i, j]):
            count = f"{int(counts[i, j])} pers." if consensus else f"n={int(counts[i, j])}"
            axes.text(j + 0.5, i + 0.75, count, ha="center", va="center",
                      fontsize=FONT["note"] - 0.5, color=colour)
    cell = axes.get_position().width * figure.get_figwidth() / max(means.shape[1], 1)
    headers = [str(c) for c in matrix.columns]
    header_size = FONT["label"]
    while header_size > 6.5 and max(text_size(h, header_size)[0] for h in headers) / 72 > 0.95 * cell:
        header_size -= 0.5
    axes.set_xticks(np.arange(means.shape[1]) + 0.5, headers, fontsize=header_size, rotation=0)
    axes.set_yticks(np.arange(means.shape[0]) + 0.5, rows, fontsize=FONT["tick"], rotation=0)
    axes.xaxis.tick_top()
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)
    # Each cell carries its number, so no colour bar: the colour only helps the eye find high and low.
    what = "Fælles vurdering" if consensus else "Gennemsnit"
    note = f"{what} på skalaen {format_number(scale[0], 0)}–{format_number(scale[1], 0)}; mørkere = højere."
    if np.isnan(means).any():
        behind = "personer bag vurderingen" if consensus else "svar i gruppen"
        note += f" Skjult: færre end {min_group_size} {behind}, så ingen kan genkendes."
    figure.text(0.1 / figure.get_figwidth(), 0.08 / height, note, fontsize=FONT["note"], color=THEME["muted"],
                va="bottom")
    return figure


def _dodged(means: list[float], span: float) -> list[float]:
    """Small vertical offsets for dots that would sit on top of each other."""
    offsets = [0.0] * len(means)
    order = sorted(range(len(means)), key=lambda i: means[i])
    for previous, current in itertools.pairwise(order):
        if abs(means[current] - means[previous]) < 0.03 * span:
            offsets[current] = 0.0 if offsets[previous] else 0.17
    return offsets


def group_gap_chart(profile_dimension_rows: pd.DataFrame, groups: dict[str, str], dimensions: dict[str, str],
                    scale: tuple[float, float] | None = None) -> Figure:
    """Per dimension one dot per shown group and a bar from lowest to highest: long bars are gaps.

    `profile_dimension_rows`: group, dimension, mean, n, suppressed (the dimension means of one
    school); `groups` and `dimensions` map ids to Danish names in the instrument's order.
    Hidden groups are left out. `scale` fixes the x axis (e.g. (1, 5)); without it the axis
    covers the data and at least two points, so small gaps do not look large.
    """
    title = "Hvor ser grupperne forskelligt på skolen?"
    rows = profile_dimension_rows
    if "statement" in rows:
        rows = rows.loc[rows["statement"].fillna("") == ""]
    rows = rows.loc[rows["group"].isin(list(groups))]
    visible = ~rows["suppressed"].fillna(True).astype(bool) & rows["mean"].notna()
    hidden = [name for g, name in groups.items() if g in set(rows.loc[~visible, "group"]) - set(rows.loc[visible, "group"])]
    rows = rows.loc[visible]
    order = [d for d in dimensions if d in set(rows["dimension"])]
    if not order:
        return message_figure(title, "Ingen grupper har svaret nok til at blive vist.")
    names = _wrap([dimensions[d] for d in order])
    height = 1.35 + 0.17 * sum(r.count("\n") + 1 for r in names) + 0.2 * len(order)
    bottom = 0.75 if hidden else 0.5
    height += bottom - 0.5
    figure, axes = new_figure(height, left=_left_margin(names, FONT["tick"]), right=0.75, top=0.78, bottom=bottom)
    add_title(figure, title)
    if scale is None:
        low, high = float(math.floor(rows["mean"].min())), float(math.ceil(rows["mean"].max()))
        if high - low < 2:
            low, high = low - (2 - (high - low)) / 2, high + (2 - (high - low)) / 2
        scale = (low, high)
    span = scale[1] - scale[0]
    colours = {g: GROUP_COLOURS[i % len(GROUP_COLOURS)] for i, g in enumerate(groups)}
    markers = {g: GROUP_MARKERS[i % len(GROUP_MARKERS)] for i, g in enumerate(groups)}
    gaps: list[float] = []
    for y, dimension in enumerate(order):
        part = rows.loc[rows["dimension"] == dimension].drop_duplicates("group")
        part = part.set_index("group").reindex([g for g in groups if g in set(part["group"])])
        means = part["mean"].astype(float).tolist()
        gaps.append(max(means) - min(means) if len(means) > 1 else math.nan)
        axes.plot([min(means), max(means)], [y, y], color="#d0d0d0", linewidth=6, solid_capstyle="round",
                  zorder=1)
        for group, mean, offset in zip(part.index, means, _dodged(means, span)):
            axes.plot([mean], [y + offset], linestyle="none", marker=markers[group], markersize=8,
                      color=colours[group], markeredgecolor="white", markeredgewidth=0.8, zorder=3)
    largest = np.nanmax(gaps) if not all(math.isnan(g) for g in gaps) else math.nan
    for y, gap in enumerate(gaps):
        axes.text(1.02, y, "–" if math.isnan(gap) else format_number(gap, 1), transform=axes.get_yaxis_transform(),
                  ha="left", va="center", fontsize=FONT["tick"], color=THEME["text"],
                  fontweight="bold" if gap == largest else "normal")
    axes.text(1.02, -0.75, "Forskel", transform=axes.get_yaxis_transform(), ha="left", va="center",
              fontsize=FONT["note"], color=THEME["muted"])
    axes.set_xlim(scale[0] - 0.03 * span, scale[1] + 0.03 * span)
    axes.set_ylim(len(order) - 0.5, -0.9)
    _means_axis(axes, names)
    shown = set(rows["group"])
    handles: list[Artist] = [
        axes.plot([], [], linestyle="none", marker=markers[g], markersize=7, color=colours[g],
                  markeredgecolor="white", label=name)[0]
        for g, name in groups.items() if g in shown]
    legend_row(figure, handles)
    if hidden:
        figure.text(0.1 / figure.get_figwidth(), 0.08 / height,
                    f"Ikke vist: {' og '.join([', '.join(hidden[:-1]), hidden[-1]] if len(hidden) > 1 else hidden)} "
                    "(for få svar til at blive vist).", fontsize=FONT["note"], color=THEME["muted"], va="bottom")
    return figure


def _means_axis(axes: Axes, names: list[str]) -> None:
    """A dimension per row, named on the left, and means along the bottom with a light grid."""
    axes.set_yticks(range(len(names)), names, fontsize=FONT["tick"])
    axes.tick_params(axis="y", length=0)
    axes.spines["left"].set_visible(False)
    axes.xaxis.set_major_formatter(DanishTicks())
    axes.set_xlabel("Gennemsnit", fontsize=FONT["label"])
    axes.grid(axis="x", color=THEME["grid"], linewidth=0.8)
    axes.set_axisbelow(True)


def round_change_chart(changes: pd.DataFrame, groups: dict[str, str], dimensions: dict[str, str], first: int,
                       last: int) -> Figure:
    """Per dimension, one arrow per compared group from its mean in round `first` (open dot) to round
    `last` (filled dot); a change that holds after the correction is drawn bold.

    `changes`: dimension, group, before, after, clear (`labkit.analysis.kapacitet_rounds`); `groups` and
    `dimensions` map ids to Danish names in the instrument's order. Groups hidden in a round are absent.
    """
    title = f"Fra runde {first} til runde {last}: hver gruppes gennemsnit"
    order = [d for d in dimensions if d in set(changes["dimension"])]
    if not order:
        return message_figure(title, "Ingen gruppe kan sammenlignes mellem de to runder.")
    shown = [g for g in groups if g in set(changes["group"])]
    names = _wrap([dimensions[d] for d in order])
    height = 1.45 + 0.17 * sum(r.count("\n") + 1 for r in names) + 0.32 * len(order)
    figure, axes = new_figure(height, left=_left_margin(names, FONT["tick"]), right=0.25, top=0.82, bottom=0.7)
    add_title(figure, title)
    colours = {g: GROUP_COLOURS[i % len(GROUP_COLOURS)] for i, g in enumerate(groups)}
    step = 0.6 / max(len(shown), 1)
    arrows = {(str(d), str(g)): (b, a, bool(c)) for d, g, b, a, c in zip(
        changes["dimension"], changes["group"], changes["before"].to_numpy(dtype=float),
        changes["after"].to_numpy(dtype=float), changes["clear"])}
    for y, dimension in enumerate(order):
        for i, group in enumerate(shown):
            if (dimension, group) not in arrows:
                continue
            before, after, bold = arrows[(dimension, group)]
            row = y - 0.3 + step * (i + 0.5)
            axes.annotate("", xy=(after, row), xytext=(before, row),
                          arrowprops={"arrowstyle": "-|>", "color": colours[group], "lw": 2.2 if bold else 1.0,
                                      "shrinkA": 0, "shrinkB": 4})
            axes.plot([before], [row], marker="o", markersize=5, markerfacecolor="white",
                      markeredgecolor=colours[group], linestyle="none", zorder=3)
            axes.plot([after], [row], marker="o", markersize=5, color=colours[group], linestyle="none", zorder=3)
    values = pd.concat([changes["before"], changes["after"]]).astype(float)
    low, high = float(math.floor(values.min())), float(math.ceil(values.max()))
    if high - low < 2:
        low, high = low - (2 - (high - low)) / 2, high + (2 - (high - low)) / 2
    axes.set_xlim(low - 0.05, high + 0.05)
    axes.set_ylim(len(order) - 0.5, -0.5)
    _means_axis(axes, names)
    handles: list[Artist] = [axes.plot([], [], marker="o", markersize=6, color=colours[g], linestyle="none",
                                       label=groups[g])[0] for g in shown]
    legend_row(figure, handles)
    figure.text(0.1 / figure.get_figwidth(), 0.08 / height,
                f"Åben prik: runde {first}. Fyldt prik: runde {last}. Fed pil: en ændring, der holder, når alle "
                "grupper og dimensioner ses på én gang.", fontsize=FONT["note"], color=THEME["muted"], va="bottom")
    return figure
