"""Kvalitetsrapport figures: a school's trend, the funnel plot, and the facilitator's overview.

A figure that is not published is marked as "ikke offentliggjort" / "for få besvarelser" at the
axis and never drawn as a value: no point, no line, no interval.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from labkit.analysis.findings import BEDRE, BRUD, DAARLIGERE, DEVELOPMENT_WORDS
from labkit.data.catalogue import Break, Indicator
from labkit.data.kvalitet_schema import (
    LEVEL_KOMMUNE,
    LEVEL_LAND,
    LEVEL_SCHOOL,
    STATUS_NOT_PUBLISHED,
    STATUS_PUBLISHED,
)
from labkit.figures.common import (
    FONT,
    THEME,
    DanishTicks,
    add_title,
    legend_row,
    message_figure,
    new_figure,
    place_labels,
    text_colour_on,
    text_size,
    unit_label,
    value_limits,
)
from labkit.numbers import format_number

COMPARISONS = ((LEVEL_KOMMUNE, "Kommunen", (0, (5, 2)), 1.6), (LEVEL_LAND, "Landet", (0, (1, 1.5)), 1.6))


def _by_year(series: pd.DataFrame, level: str, years: list[str]) -> pd.DataFrame:
    rows = series.loc[series["level"] == level].drop_duplicates("school_year")
    return rows.set_index("school_year").reindex(years)


def _shown(rows: pd.DataFrame) -> pd.Series:
    """The values that may be drawn: published ones only."""
    return rows["value"].where(rows["status"].eq(STATUS_PUBLISHED)).astype(float)


def _fits(text: str, inches: float, fontsize: float) -> str:
    """The text on one line if it fits the width, else broken at the space nearest its middle."""
    if text_size(text, fontsize)[0] / 72 <= inches or " " not in text:
        return text
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return text[:cut] + "\n" + text[cut + 1:]


def indicator_trend(series: pd.DataFrame, indicator: Indicator, school_label: str, group: str = "",
                    breaks: Sequence[Break] = ()) -> Figure:
    """The school over the years with its normal year-to-year spread, against kommune and land.

    `series`: school_year, level (skole/kommune/land), value, n, status, low, high (may be NaN):
    low/high is the band the verdict engine measures the school against (`analysis.indicator_series`).
    Years where the school's figure is not shown are marked at the axis with the reason.
    `group` (e.g. "Udskoling") is added to the title. `breaks` (the catalogue's, for this indicator)
    are drawn as a dashed line where the series starts anew, with incomparable years hatched.
    """
    title = indicator.label(group)
    note = "lavere er bedre" if indicator.better == "lavere" else ""
    series = series.assign(**{c: math.nan for c in ("n", "low", "high") if c not in series})
    years = sorted(str(y) for y in series["school_year"].dropna().unique())
    if not years:
        return message_figure(title, "Der er ingen tal for denne indikator endnu.")
    left = 0.3 + max((text_size(c, FONT["tick"])[0] / 72 for c in indicator.categories), default=0.45)
    figure, axes = new_figure(3.5, left=left, top=0.78, bottom=0.45)
    add_title(figure, title, note)
    positions = np.arange(len(years), dtype=float)
    school = _by_year(series, LEVEL_SCHOOL, years)
    values = _shown(school)
    handles: list[Artist] = []
    drawn = list(values)
    for level, name, dashes, width in COMPARISONS:
        comparison = _shown(_by_year(series, level, years))
        if comparison.notna().any():
            line = axes.plot(positions, comparison, color=THEME[level], linestyle=dashes, linewidth=width,
                             label=name, zorder=2)[0]
            handles.append(line)
            drawn += list(comparison)
    # Intervals only for shown years: an interval around a hidden figure would give it away.
    low = school["low"].astype(float).where(values.notna())
    high = school["high"].astype(float).where(values.notna())
    has_interval = (low.notna() & high.notna()).to_numpy()
    if has_interval.any():
        axes.vlines(positions[has_interval], low[has_interval], high[has_interval], color=THEME["uncertainty"],
                    linewidth=7, alpha=0.75, zorder=1)
        handles.insert(0, Line2D([], [], color=THEME["uncertainty"], linewidth=7, alpha=0.75,
                                 label="Skolens normale udsving (95 %)"))
        drawn += list(low[has_interval]) + list(high[has_interval])
    school_line = axes.plot(positions, values, "-o", color=THEME["school"], linewidth=2.4, markersize=6.5,
                            markeredgecolor="white", markeredgewidth=1, label=school_label or "Skolen", zorder=4)[0]
    handles.insert(0, school_line)
    if indicator.target is not None:
        unit = " %" if indicator.unit == "%" else ""
        handles.append(axes.axhline(indicator.target, color=THEME["target"], linestyle=(0, (6, 2, 1, 2)),
                                    linewidth=1.3, label=f"Mål: {format_number(indicator.target, 0)}{unit}"))
        drawn.append(indicator.target)
    axes.set_xlim(-0.5, len(years) - 0.5)
    if _draw_breaks(axes, years, breaks):
        handles.append(Line2D([], [], color=THEME["muted"], linestyle=(0, (4, 3)), linewidth=1.2,
                              label=DEVELOPMENT_WORDS[BRUD]))
    low_y, high_y = value_limits(drawn, indicator.scale, pad=0.1)
    axes.set_ylim(low_y - 0.1 * (high_y - low_y), high_y)  # room for the n / reason line at the bottom
    if indicator.is_categorical:  # "Under niveau" / "På niveau" / "Over niveau", not -1 / 0 / 1
        axes.set_ylim(indicator.scale[0] - 0.35 * (high_y - low_y), indicator.scale[1] + 0.15 * (high_y - low_y))
        categories = sorted(indicator.categories.items(), key=lambda item: item[1])
        axes.set_yticks([value for _, value in categories], [name for name, _ in categories])
    else:
        axes.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10], min_n_ticks=4))
    # Under the points, one line per year: n where the figure is shown, the reason where it is not.
    slot = axes.get_position().width * figure.get_figwidth() / len(years)
    strip = axes.get_xaxis_transform()
    counts = pd.to_numeric(school["n"], errors="coerce").astype(float).tolist()
    for x, value, count, status in zip(positions, values.tolist(), counts, school["status"].tolist()):
        if not math.isnan(value):
            if not math.isnan(count):
                axes.text(x, 0.03, f"n={int(count)}", transform=strip, ha="center", va="bottom",
                          fontsize=FONT["note"], color=THEME["muted"])
            continue
        if not isinstance(status, str) or status == STATUS_PUBLISHED:
            status = STATUS_NOT_PUBLISHED  # no row, or a published row without a value
        axes.axvspan(x - 0.42, x + 0.42, color=THEME["hidden_fill"], linewidth=0, zorder=0)
        axes.plot([x], [0.0], transform=strip, marker="o", markersize=6, clip_on=False, markerfacecolor="white",
                  markeredgecolor=THEME["hidden"], markeredgewidth=1.4, zorder=5)
        axes.text(x, 0.05, _fits(status, 0.9 * slot, FONT["note"]), transform=strip, ha="center", va="bottom",
                  fontsize=FONT["note"], color=THEME["hidden"], style="italic")
    labels = years if len(years) <= 6 else [f"{y[2:4]}/{y[7:9]}" if len(y) == 9 else y for y in years]
    axes.set_xticks(positions, labels)
    if not indicator.is_categorical:
        axes.yaxis.set_major_formatter(DanishTicks())
        axes.set_ylabel(unit_label(indicator), fontsize=FONT["label"])
    axes.grid(axis="y", color=THEME["grid"], linewidth=0.8)
    axes.set_axisbelow(True)
    legend_row(figure, handles)
    return figure


def _draw_breaks(axes: Axes, years: list[str], breaks: Sequence[Break]) -> bool:
    """Mark each break inside the figure's years; True when any was drawn."""
    starts = [int(y[:4]) for y in years]
    drawn = False
    for found in breaks:
        for x, start in enumerate(starts):
            if found.covers(start):
                axes.axvspan(x - 0.5, x + 0.5, facecolor="none", edgecolor=THEME["grid"], hatch="//",
                             linewidth=0, zorder=0)
                drawn = True
        if found.restart in starts[1:]:
            axes.axvline(starts.index(found.restart) - 0.5, color=THEME["muted"], linestyle=(0, (4, 3)),
                         linewidth=1.2, zorder=1)
            drawn = True
    return drawn


def _limit_curve(sizes: np.ndarray, centre: np.ndarray, bound: np.ndarray,
                 grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A funnel limit over `grid`: smooth when it follows centre ± k/√size (as n-based and
    elevtal-based limits do), else the given points joined in size order."""
    ok = np.isfinite(sizes) & np.isfinite(centre) & np.isfinite(bound) & (sizes > 0)
    if not ok.any():
        return np.array([]), np.array([])
    k = (bound[ok] - centre[ok]) * np.sqrt(sizes[ok])
    if np.ptp(centre[ok]) < 1e-9 and np.ptp(k) <= 0.01 * max(abs(float(np.mean(k))), 1e-9):
        return grid, centre[ok][0] + float(np.mean(k)) / np.sqrt(grid)
    order = np.argsort(sizes[ok])
    return sizes[ok][order], bound[ok][order]


CENTRE_NAMES = {"kommune": ("Kommunen", "kommunen"), "land": ("Landet", "landet"),
                "median": ("Midt blandt skolerne", "de andre skoler")}


def funnel_plot(data: pd.DataFrame, indicator: Indicator, highlight_label: str | None, labels_visible: bool,
                group: str = "", year: str = "", verdict: str = "") -> Figure:
    """Each school as a dot by its size; the grey funnel is how far from the reference a school of
    that size lands by its own year-to-year noise (the verdict engine's, sized by n or Elevtal).

    `data`: label, value, size, size_kind ("n"/"elevtal"), center, limit95_low/high, limit998_low/high,
    optionally center_kind ("kommune"/"land"/"median"; default kommune).
    Only the highlighted school is named unless `labels_visible` (anonymity). `group` and `year` go in
    the title, which says "all schools" so it never reads like the school's own trend figure.
    `verdict`: the engine's level sentence for the highlighted school, printed under the figure.
    """
    title = indicator.label(group) + ": alle skoler" + (f", {year}" if year else "")
    rows = data.loc[data["value"].notna() & data["size"].notna() & (data["size"] > 0)]
    if rows.empty:
        return message_figure(title, "Der er ingen tal at sammenligne med.")
    kind = str(rows["center_kind"].iloc[0]) if "center_kind" in rows else "kommune"
    center_label, compared_with = CENTRE_NAMES.get(kind, CENTRE_NAMES["kommune"])
    note = _funnel_note(compared_with, by_size=str(rows["size_kind"].iloc[0]) if "size_kind" in rows else "n",
                        verdict=verdict)
    figure, axes = new_figure(3.6 + 0.14 * note.count("\n"), top=0.78, bottom=0.8 + 0.14 * note.count("\n"))
    add_title(figure, title, "lavere er bedre" if indicator.better == "lavere" else "")
    sizes = rows["size"].to_numpy(float)
    span = float(sizes.max() - sizes.min()) or float(sizes.max())
    left, right = max(0.0, float(sizes.min()) - 0.08 * span), float(sizes.max()) + 0.08 * span
    grid = np.linspace(max(left, 0.5 * float(sizes.min())), right, 160)
    centre = rows["center"].to_numpy(float)
    lo95, hi95, lo998, hi998 = (_limit_curve(sizes, centre, rows[c].to_numpy(float), grid) for c in
                                ("limit95_low", "limit95_high", "limit998_low", "limit998_high"))
    scale = indicator.scale
    handles: list[Artist] = []
    if len(lo95[0]) and np.array_equal(lo95[0], hi95[0]):
        axes.fill_between(lo95[0], np.clip(lo95[1], *scale), np.clip(hi95[1], *scale),
                          color=THEME["uncertainty"], alpha=0.45, linewidth=0, zorder=1)
        handles.append(Patch(color=THEME["uncertainty"], alpha=0.45, label="Normalt udsving for skolens størrelse (95 %)"))
    for xs, ys in (lo998, hi998):
        axes.plot(xs, ys, color=THEME["muted"], linestyle=(0, (1, 2)), linewidth=1.1, zorder=1)
    if len(lo998[0]):
        handles.append(Line2D([], [], color=THEME["muted"], linestyle=(0, (1, 2)), linewidth=1.1,
                              label="Yderste grænse (99,8 %)"))
    if np.isfinite(centre).any():
        centre_x = grid if np.ptp(centre[np.isfinite(centre)]) < 1e-9 else np.sort(sizes)
        centre_y = np.full(len(grid), centre[np.isfinite(centre)][0]) if centre_x is grid \
            else rows.sort_values("size")["center"].to_numpy(float)
        handles.insert(0, axes.plot(centre_x, centre_y, color=THEME["kommune"], linewidth=1.6, zorder=2,
                                    label=center_label)[0])
    own = (rows["label"] == highlight_label).to_numpy() if highlight_label else np.zeros(len(rows), dtype=bool)
    others = rows.loc[~own]
    handles.insert(0, axes.scatter(others["size"], others["value"], s=34, color=THEME["other"], zorder=3,
                                   edgecolors="white", linewidths=0.8, label="Andre skoler"))
    if own.any():  # named on the plot itself, so not in the legend
        mine = rows.loc[own]
        axes.scatter(mine["size"], mine["value"], s=85, color=THEME["school"], zorder=4, edgecolors="white",
                     linewidths=1.2, label=str(highlight_label))
    limits = [*rows["value"], *rows["limit95_low"], *rows["limit95_high"]]
    axes.set_xlim(left, right)
    axes.set_ylim(*value_limits([float(v) for v in limits], scale, pad=0.08))
    named = rows if labels_visible else rows.loc[own]
    named = named.loc[named["label"].fillna("").astype(str).str.strip() != ""]
    place_labels(axes, named["size"].to_numpy(float), named["value"].to_numpy(float),
                 [str(label) for label in named["label"]], radii=5.0, fontsize=FONT["note"],
                 color=THEME["text"])
    for label in axes.texts:
        if label.get_text() == highlight_label:
            label.set_fontweight("bold")
            label.set_color(THEME["school"])
    by_answers = "size_kind" in rows and rows["size_kind"].iloc[0] == "n"
    axes.set_xlabel("Antal besvarelser" if by_answers else "Antal elever", fontsize=FONT["label"])
    axes.set_ylabel(unit_label(indicator), fontsize=FONT["label"])
    axes.xaxis.set_major_formatter(DanishTicks())
    axes.yaxis.set_major_formatter(DanishTicks())
    axes.grid(axis="y", color=THEME["grid"], linewidth=0.8)
    axes.set_axisbelow(True)
    legend_row(figure, handles)
    figure.text(0.1 / figure.get_figwidth(), 0.08 / figure.get_figheight(), note, fontsize=FONT["note"],
                color=THEME["muted"], va="bottom")
    return figure


def _funnel_note(compared_with: str, by_size: str, verdict: str) -> str:
    """The funnel's caption: what the band is (never "tilfældigheder"), then the school's verdict."""
    size = "antal besvarelser" if by_size == "n" else "elevtal"
    text = (f"Det grå område: så langt fra {compared_with} kan en skole af den størrelse ({size}) ligge, alene "
            "fordi dens tal svinger fra år til år. Små skoler svinger mere.")
    lines = textwrap.wrap(text, 118)
    if verdict:
        lines += textwrap.wrap(verdict, 118)
    return "\n".join(lines)


def _school_order(label: str) -> tuple[str, int, str]:
    """Sort "Skole B" before "Skole AA" and "Skole 2" before "Skole 10"."""
    digits = re.search(r"\d+", label)
    return (label[: digits.start()] if digits else "", int(digits.group()) if digits else len(label), label)


def overview_heatmap(overview: pd.DataFrame) -> Figure:
    """Indicators × the lab's schools, latest year: the difference to the kommune (positive = better).

    `overview`: label (as it may be shown), indicator_name, difference, verdict, and optionally
    `standardised` (difference in units of the normal spread between schools) for the colour;
    without it each row is coloured relative to its own largest difference.
    """
    title = "Skolerne sammenlignet med kommunen"
    shown = overview.loc[overview["difference"].notna()]
    if shown.empty:
        return message_figure(title, "Der er ingen tal at vise.")
    names = list(dict.fromkeys(str(n) for n in shown["indicator_name"]))
    labels = sorted({str(label) for label in shown["label"]}, key=_school_order)

    def table(column: str) -> pd.DataFrame:
        return shown.pivot_table(index="indicator_name", columns="label", values=column, aggfunc="first",
                                 dropna=False).reindex(index=names, columns=labels)

    difference = table("difference").astype(float)
    if "standardised" in shown and shown["standardised"].notna().any():
        colour, limit, meaning = table("standardised").astype(float).clip(-3, 3), 3.0, \
            "Forskellen i forhold til,\nhvor meget skolens tal\nnormalt svinger"
    else:
        largest = difference.abs().max(axis=1).replace(0, np.nan)
        colour, limit, meaning = difference.div(largest, axis=0), 1.0, "Forskel i forhold til\nrækkens største"
    verdicts = table("verdict") if "verdict" in shown else pd.DataFrame(index=names, columns=labels)
    wrapped = ["\n".join(textwrap.wrap(name, 34)) for name in names]
    lines = sum(w.count("\n") + 1 for w in wrapped)
    height = 1.35 + 0.2 * lines + 0.1 * len(names)
    left = 0.25 + max(text_size(w, FONT["tick"] - 0.5)[0] for w in wrapped) / 72
    figure, axes = new_figure(height, left=left, right=1.3, top=0.95, bottom=0.55)
    add_title(figure, title)
    cmap = colormaps["RdBu"].with_extremes(bad=THEME["hidden_fill"])
    norm = TwoSlopeNorm(0, -limit, limit)
    image = axes.imshow(np.ma.masked_invalid(colour.to_numpy(float)), cmap=cmap, aspect="auto",
                        norm=norm, interpolation="nearest")
    cells = colour.to_numpy(float)
    for (i, j), value in np.ndenumerate(difference.to_numpy(float)):
        if math.isnan(value):
            axes.text(j, i, "–", ha="center", va="center", fontsize=FONT["tick"], color=THEME["hidden"])
            continue
        verdict = verdicts.iat[i, j]
        arrow = " ▲" if verdict == BEDRE else " ▼" if verdict == DAARLIGERE else ""
        ink = THEME["text"] if math.isnan(cells[i, j]) else text_colour_on(cmap(norm(cells[i, j])))
        axes.text(j, i, format_number(value, 1) + arrow, ha="center", va="center", fontsize=FONT["tick"],
                  color=ink)
    axes.set_xticks(range(len(labels)), labels, fontsize=FONT["tick"])
    axes.set_yticks(range(len(names)), wrapped, fontsize=FONT["tick"] - 0.5)
    axes.xaxis.tick_top()
    axes.tick_params(length=0)
    axes.vlines(np.arange(1, len(labels)) - 0.5, -0.5, len(names) - 0.5, color="white", linewidth=1.5)
    axes.hlines(np.arange(1, len(names)) - 0.5, -0.5, len(labels) - 0.5, color="white", linewidth=1.5)
    for spine in axes.spines.values():
        spine.set_visible(False)
    box = axes.get_position()
    bar = figure.add_axes((box.x1 + 0.15 / figure.get_figwidth(), box.y0, 0.12 / figure.get_figwidth(),
                           box.height))
    colorbar = figure.colorbar(image, cax=bar, format=DanishTicks())
    colorbar.set_label(meaning, fontsize=FONT["note"])
    colorbar.ax.tick_params(labelsize=FONT["note"])
    colorbar.outline.set_visible(False)
    figure.text(0.1 / figure.get_figwidth(), 0.08 / height,
                "Tal: skolen minus kommunen, seneste år. Positivt = bedre end kommunen, også for fravær.\n"
                "Blå = bedre, rød = dårligere. ▲ / ▼ = reel forbedring / forværring over flere år i forhold til kommunen.",
                fontsize=FONT["note"] - 0.5, color=THEME["muted"], va="bottom")
    return figure
