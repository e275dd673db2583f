"""Figures: each takes tidy tables and returns a matplotlib Figure (no files, no global pyplot state).

Danish text throughout; hidden figures are marked as such and never drawn as values.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from labkit.catalogue import Indicator
from labkit.kvalitet import LEVEL_KOMMUNE, LEVEL_LAND, LEVEL_SCHOOL, STATUS_PUBLISHED
from labkit.numbers import format_number

# One calm, colour-blind-safe palette for everything (Okabe–Ito).
THEME = {"school": "#0072B2", "kommune": "#E69F00", "land": "#7f7f7f", "band": "#0072B2",
         "hidden": "#b0b0b0", "other": "#9a9a9a", "chosen": "#D55E00", "good": "#009E73", "bad": "#D55E00"}
LEVEL_NAMES = {LEVEL_SCHOOL: "Skolen", LEVEL_KOMMUNE: "Kommunen", LEVEL_LAND: "Landet"}
WIDE = (7.2, 3.6)


def _figure(size: tuple[float, float] = WIDE, fixed_margins: bool = True) -> tuple[Figure, object]:
    """A figure with one axes. Fixed margins for the figures that redraw while the team works:
    a layout engine costs more than the drawing itself (measured: 0.2 s vs 0.5 s for a PNG)."""
    if not fixed_margins:
        figure = Figure(figsize=size, layout="constrained")
        return figure, figure.add_subplot()
    figure = Figure(figsize=size)
    figure.subplots_adjust(left=0.11, right=0.98, top=0.89, bottom=0.14)
    return figure, figure.add_subplot()


def _danish_axis(axes: object, decimals: int) -> None:
    from matplotlib.ticker import FuncFormatter

    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(v, decimals)))  # type: ignore[attr-defined]


def _unit_label(indicator: Indicator) -> str:
    return "Procent" if indicator.unit == "%" else indicator.unit.capitalize()


def indicator_trend(series: pd.DataFrame, indicator: Indicator, school_label: str) -> Figure:
    """The school over the years with its 95 % band, against kommune and land; hidden years marked."""
    figure, axes = _figure()
    years = sorted(series["school_year"].unique())
    x = {year: i for i, year in enumerate(years)}
    for level, style in ((LEVEL_LAND, ":"), (LEVEL_KOMMUNE, "--")):
        part = series.loc[series["level"] == level].sort_values("school_year")
        if part["value"].notna().any():
            axes.plot([x[y] for y in part["school_year"]], part["value"], style, color=THEME[level],
                      linewidth=1.4, label=LEVEL_NAMES[level])
    school = series.loc[series["level"] == LEVEL_SCHOOL].set_index("school_year").reindex(years)
    values = school["value"].where(school["status"] == STATUS_PUBLISHED)
    positions = np.arange(len(years))
    if school["low"].notna().any():
        axes.fill_between(positions, school["low"].astype(float), school["high"].astype(float),
                          color=THEME["band"], alpha=0.15, linewidth=0, label="95 %-usikkerhed")
    axes.plot(positions, values.astype(float), "-o", color=THEME["school"], linewidth=2.2, markersize=5,
              label=school_label or "Skolen")
    shown = values.dropna()
    low_y = float(np.nanmin(series["value"])) if series["value"].notna().any() else indicator.scale[0]
    for year, row in school.iterrows():
        if pd.isna(row["status"]):
            continue
        if row["status"] != STATUS_PUBLISHED or pd.isna(row["value"]):
            edge = "right" if x[year] == len(years) - 1 else "left" if x[year] == 0 else "center"
            axes.annotate(str(row["status"]), (x[year], low_y), textcoords="offset points", xytext=(0, -4),
                          ha=edge, va="top", fontsize=7, color=THEME["hidden"], rotation=0)
            axes.plot([x[year]], [low_y], marker="x", color=THEME["hidden"], linestyle="none")
        elif pd.notna(row["n"]):
            axes.annotate(f"n={int(row['n'])}", (x[year], row["value"]), textcoords="offset points",
                          xytext=(0, 7), ha="center", fontsize=7, color="#555555")
    if indicator.target is not None:
        axes.axhline(indicator.target, color=THEME["good"], linewidth=1, linestyle="-.",
                     label=f"Mål ({format_number(indicator.target, 0)})")
    axes.set_xticks(positions, years, rotation=0, fontsize=8)
    axes.set_ylabel(_unit_label(indicator), fontsize=9)
    _danish_axis(axes, indicator.decimals)
    title = indicator.name + (" (lavere er bedre)" if indicator.better == "lavere" else "")
    axes.set_title(title, fontsize=11, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=7, frameon=False, loc="best")
    if shown.empty and series["value"].isna().all():
        axes.text(0.5, 0.5, "Ingen offentliggjorte tal", transform=axes.transAxes, ha="center", color="#777777")
    return figure


def funnel_plot(data: pd.DataFrame, indicator: Indicator, highlight_label: str | None,
                labels_visible: bool) -> Figure:
    """Each school as a dot by size; limits show what chance alone could give at that size."""
    figure, axes = _figure()
    if data.empty:
        axes.text(0.5, 0.5, "Ingen tal at sammenligne", transform=axes.transAxes, ha="center")
        axes.set_axis_off()
        return figure
    ordered = data.sort_values("size")
    axes.plot(ordered["size"], ordered["center"], color=THEME["kommune"], linewidth=1.2, label="Kommunen")
    axes.fill_between(ordered["size"], ordered["limit95_low"], ordered["limit95_high"], color=THEME["land"],
                      alpha=0.18, linewidth=0, label="Forventet udsving (95 %)")
    axes.plot(ordered["size"], ordered["limit998_low"], ":", color=THEME["land"], linewidth=1)
    axes.plot(ordered["size"], ordered["limit998_high"], ":", color=THEME["land"], linewidth=1,
              label="Yderste grænse (99,8 %)")
    highlighted = data["label"] == highlight_label if highlight_label else np.zeros(len(data), dtype=bool)
    others = data.loc[~highlighted]
    axes.scatter(others["size"], others["value"], color=THEME["other"], s=28, zorder=3, label="Andre skoler")
    if highlighted.any():
        own = data.loc[highlighted]
        axes.scatter(own["size"], own["value"], color=THEME["school"], s=70, zorder=4, label=highlight_label)
    if labels_visible:
        for row in others.itertuples():
            if row.label:
                axes.annotate(row.label, (row.size, row.value), textcoords="offset points", xytext=(4, 3), fontsize=7)
    kind = data["size_kind"].iloc[0]
    axes.set_xlabel("Antal besvarelser" if kind == "n" else "Antal elever på skolen", fontsize=9)
    axes.set_ylabel(_unit_label(indicator), fontsize=9)
    _danish_axis(axes, indicator.decimals)
    axes.set_title(indicator.name, fontsize=11, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=7, frameon=False, loc="best")
    return figure


def kapacitet_heatmap(matrix: pd.DataFrame, n: pd.DataFrame, scale: tuple[float, float], title: str,
                      min_group_size: int = 5) -> Figure:
    """Dimension × group means; a hidden group's cells say so and hold no number."""
    figure, axes = _figure((7.2, 0.45 * len(matrix) + 1.6), fixed_margins=False)
    annotations = np.empty(matrix.shape, dtype=object)
    for (i, j), value in np.ndenumerate(matrix.to_numpy(dtype=float)):
        count = n.iat[i, j]
        annotations[i, j] = (f"skjult\n(under {min_group_size})" if math.isnan(value)
                             else f"{format_number(value, 1)}\nn={int(count)}" if pd.notna(count)
                             else format_number(value, 1))
    sns.heatmap(matrix.astype(float), ax=axes, vmin=scale[0], vmax=scale[1], cmap="Blues", annot=annotations,
                fmt="", annot_kws={"fontsize": 7}, linewidths=0.5, linecolor="white",
                cbar_kws={"label": "Gennemsnit"})
    for (i, j), value in np.ndenumerate(matrix.to_numpy(dtype=float)):
        if math.isnan(value):
            axes.add_patch(Rectangle((j, i), 1, 1, facecolor="#eeeeee", hatch="//", edgecolor="#cccccc",
                                     linewidth=0))
            axes.text(j + 0.5, i + 0.5, annotations[i, j], ha="center", va="center", fontsize=7, color="#777777")
    axes.set_xlabel("")
    axes.set_ylabel("")
    axes.tick_params(labelsize=8)
    axes.set_title(title, fontsize=11, loc="left")
    return figure


def group_gap_chart(dimension_rows: pd.DataFrame, groups: dict[str, str], dimensions: dict[str, str]) -> Figure:
    """Per dimension, one dot per shown group and a line across them: the gaps are the lines' lengths."""
    rows = dimension_rows.loc[~dimension_rows["suppressed"] & dimension_rows["mean"].notna()]
    order = [d for d in dimensions if d in set(rows["dimension"])]
    figure, axes = _figure((7.2, 0.42 * max(len(order), 1) + 1.4), fixed_margins=False)
    palette = sns.color_palette("colorblind", len(groups))
    colours = dict(zip(groups, palette))
    for y, dimension in enumerate(order):
        part = rows.loc[rows["dimension"] == dimension]
        axes.plot([part["mean"].min(), part["mean"].max()], [y, y], color="#cccccc", linewidth=3, zorder=1)
    for group_id, name in groups.items():
        part = rows.loc[rows["group"] == group_id].set_index("dimension").reindex(order)
        if part["mean"].notna().any():
            axes.scatter(part["mean"], range(len(order)), color=colours[group_id], s=45, zorder=2, label=name)
    axes.set_yticks(range(len(order)), [dimensions[d] for d in order], fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel("Gennemsnit", fontsize=9)
    axes.set_title("Hvor er grupperne uenige?", fontsize=11, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=7, frameon=False, loc="lower right")
    return figure


def bubble_chart(candidates: pd.DataFrame) -> Figure:
    """The boblediagram: importance × evidence in data, bubble size = how much the team can influence."""
    figure, axes = _figure((7.2, 4.4))
    rated = candidates.dropna(subset=["vigtighed", "data", "indflydelse"])
    missing = len(candidates) - len(rated)
    for row in rated.itertuples():
        colour = THEME["chosen"] if row.valgt else THEME["school"]
        axes.scatter(row.vigtighed, row.data, s=120 * row.indflydelse, color=colour, alpha=0.55,
                     edgecolor="white", linewidth=1, zorder=3)
        right_edge = row.vigtighed >= 4.5  # keep labels inside the plot
        axes.annotate(row.label, (row.vigtighed, row.data), textcoords="offset points",
                      xytext=(-8 if right_edge else 8, 6), ha="right" if right_edge else "left",
                      fontsize=7, weight="bold" if row.valgt else "normal")
    axes.set_xlim(0.5, 5.7)
    axes.set_ylim(0.5, 5.7)
    axes.set_xticks(range(1, 6))
    axes.set_yticks(range(1, 6))
    axes.set_xlabel("Hvor vigtigt er det? (vigtighed)", fontsize=9)
    axes.set_ylabel("Hvor tydeligt viser data det?", fontsize=9)
    axes.set_title("Boblediagram: boblens størrelse = hvor meget vi kan påvirke det", fontsize=10, loc="left")
    axes.grid(alpha=0.3)
    for size in (1, 3, 5):
        axes.scatter([], [], s=120 * size, color=THEME["school"], alpha=0.4, label=f"Indflydelse {size}")
    axes.scatter([], [], s=120, color=THEME["chosen"], alpha=0.55, label="Valgt")
    axes.legend(fontsize=7, frameon=False, loc="upper left", labelspacing=1.3, borderpad=1)
    if missing:
        axes.text(0.99, 0.01, f"{missing} ikke vurderet endnu", transform=axes.transAxes, ha="right",
                  va="bottom", fontsize=7, color="#777777")
    return figure


def overview_heatmap(overview: pd.DataFrame) -> Figure:
    """Indicators × the lab's schools: colour = difference to the kommune in units of the normal spread
    between schools (so percentages and 1–5 scores compare), text = the difference itself."""
    shown = overview.dropna(subset=["difference"])
    names = list(dict.fromkeys(shown["indicator_name"]))
    labels = sorted(set(shown["label"]))
    colour = shown.pivot_table(index="indicator_name", columns="label", values="standardised", aggfunc="first",
                               dropna=False).reindex(index=names, columns=labels)
    text = shown.pivot_table(index="indicator_name", columns="label", values="difference", aggfunc="first",
                             dropna=False).reindex(index=names, columns=labels)
    figure, axes = _figure((7.6, 0.28 * len(names) + 1.8), fixed_margins=False)
    annotations = text.map(lambda v: "" if pd.isna(v) else format_number(v, 1))
    sns.heatmap(colour.astype(float).clip(-3, 3), ax=axes, cmap="RdBu", norm=TwoSlopeNorm(0, -3, 3),
                annot=annotations, fmt="", annot_kws={"fontsize": 6.5}, linewidths=0.5,
                cbar_kws={"label": "Forskel målt i normal forskel mellem skoler"})
    axes.set_xlabel("")
    axes.set_ylabel("")
    axes.xaxis.tick_top()
    axes.tick_params(axis="x", labelsize=8, rotation=0)
    axes.tick_params(axis="y", labelsize=7, rotation=0)
    axes.set_title("Skolerne mod kommunen, seneste år (blå = bedre, rød = dårligere)",
                   fontsize=10, loc="left", pad=22)
    return figure
