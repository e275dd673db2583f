"""Figures: Danish text, hidden figures marked and never drawn, anonymity kept, quick to redraw.

The figure functions take tidy tables; the tables here are built from the sample lab directly
(not through `labkit.analysis.kvalitet`), so these tests pin the figures' own contract. The indsatsteori
diagram is tested in test_indsatsteori.py.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import Collection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from labkit.analysis.kapacitet import profile_matrix
from labkit.data.lab import Lab
from labkit.figures.indsatsomraader import bubble_chart
from labkit.figures.kapacitet import group_gap_chart, kapacitet_heatmap
from labkit.figures.kvalitet import funnel_plot, indicator_trend, overview_heatmap
from labkit.views.display import figure_png

HIDDEN_VALUE = 1.234  # planted in a hidden row: it must never reach the figure


# --- input tables in the figures' schemas, built from the sample lab -------------------------------

def trend_series(lab: Lab, school_id: str, indicator_id: str, group: str = "") -> pd.DataFrame:
    k = lab.kvalitet
    rows = k.loc[(k["indicator"] == indicator_id) & (k["group"] == group)
                 & (((k["level"] == "skole") & (k["school_id"] == school_id)) | k["level"].isin(["kommune", "land"]))]
    series = rows[["school_year", "level", "value", "n", "status"]].reset_index(drop=True)
    half = 1.96 * 0.8 / np.sqrt(pd.to_numeric(series["n"], errors="coerce").astype(float))
    school = series["level"] == "skole"
    series["low"] = (series["value"] - half).where(school)
    series["high"] = (series["value"] + half).where(school)
    return series


def funnel_frame(lab: Lab, indicator_id: str, year: str) -> pd.DataFrame:
    k = lab.kvalitet
    schools = k.loc[(k["level"] == "skole") & (k["school_year"] == year)]
    rows = schools.loc[(schools["indicator"] == indicator_id) & schools["value"].notna()]
    sizes = schools.loc[schools["indicator"] == "elevtal"].set_index("school_id")["value"]
    data = pd.DataFrame({"school_id": rows["school_id"].to_numpy(), "value": rows["value"].to_numpy(float)})
    data["label"] = data["school_id"].map(lab.config.school_names).fillna("")  # other schools: unnamed
    data["size"] = data["school_id"].map(sizes).astype(float)
    data["size_kind"] = "elevtal"
    centre = float(k.loc[(k["level"] == "kommune") & (k["indicator"] == indicator_id)
                         & (k["school_year"] == year), "value"].iloc[0])
    sd = data["value"].std() * np.sqrt(data["size"].median() / data["size"])
    data["center"] = centre
    data["limit95_low"], data["limit95_high"] = centre - 1.96 * sd, centre + 1.96 * sd
    data["limit998_low"], data["limit998_high"] = centre - 3.09 * sd, centre + 3.09 * sd
    return data


def overview_frame(lab: Lab) -> pd.DataFrame:
    """Latest published year per school: school minus kommune, positive = better, anonymous labels."""
    k = lab.kvalitet
    labels = {s.id: f"Skole {letter}" for s, letter in zip(lab.config.schools, "ABCDEF")}
    rows = []
    for indicator in ("social_trivsel", "karaktergennemsnit", "fravaer", "kompetencedaekning"):
        better = lab.catalogue[indicator].better
        group = "Udskoling" if indicator == "social_trivsel" else ""
        for school_id, label in labels.items():
            own = k.loc[(k["school_id"] == school_id) & (k["indicator"] == indicator) & (k["group"] == group)
                        & (k["level"] == "skole") & k["value"].notna()].sort_values("school_year")
            if own.empty:
                continue
            year = own["school_year"].iloc[-1]
            kommune = k.loc[(k["level"] == "kommune") & (k["indicator"] == indicator) & (k["group"] == group)
                            & (k["school_year"] == year), "value"].iloc[0]
            difference = float(own["value"].iloc[-1] - kommune) * (-1 if better == "lavere" else 1)
            rows.append({"label": label, "indicator_name": lab.catalogue[indicator].name,
                         "difference": difference, "verdict": "normal_variation"})
    return pd.DataFrame(rows)


CANDIDATES = pd.DataFrame({
    "label": ["Fravær i udskolingen", "Ro og orden", "Læsning på mellemtrinnet", "Brug af data i teamene"],
    "vigtighed": [5, 4, math.nan, 4], "data": [4, 4, math.nan, 4], "indflydelse": [3, 5, math.nan, 4],
    "valgt": [True, True, False, False]})


# --- reading a figure ------------------------------------------------------------------------------

def texts(figure: Figure) -> list[str]:
    """Every non-empty text in the figure, tick labels included, with line breaks as spaces."""
    figure.draw_without_rendering()  # tick labels exist only after a draw
    found = [t.get_text() for t in figure.findobj(Text)]
    for axes in figure.axes:
        found += [t.get_text() for t in axes.get_xticklabels() + axes.get_yticklabels()]
    return [" ".join(t.split()) for t in found if t.strip()]


ENGLISH = re.compile(r"\b(nan|none|value|mean|count|year|school|level|group|size|label|difference|"
                     r"hidden|suppressed|target|lower|higher)\b", re.IGNORECASE)
POINT_DECIMAL = re.compile(r"\d\.\d{1,2}(?!\d)")  # 7.5 is English; 1.050 (a thousand) is Danish


def assert_danish(shown: list[str]) -> None:
    for text in shown:
        assert not ENGLISH.search(text), text
        assert not POINT_DECIMAL.search(text), text


def school_line(figure: Figure, label: str) -> Line2D:
    return next(line for line in figure.axes[0].get_lines() if line.get_label() == label)


def plotted_values(figure: Figure) -> np.ndarray:
    """Every y (and x) coordinate drawn by lines and collections, in data units."""
    found: list[np.ndarray] = []
    for axes in figure.axes:
        for line in axes.get_lines():
            found.append(np.asarray(line.get_ydata(), dtype=float))
        for collection in axes.findobj(Collection):
            for path in collection.get_paths():
                found.append(np.asarray(path.vertices, dtype=float).reshape(-1))
            found.append(np.asarray(collection.get_offsets(), dtype=float).reshape(-1))
    return np.concatenate(found) if found else np.array([])


# --- indicator_trend ------------------------------------------------------------------------------

def test_trend_marks_a_hidden_year_and_never_draws_its_value(sample: Lab) -> None:
    series = trend_series(sample, "061003", "social_trivsel", "Udskoling")
    hidden = (series["level"] == "skole") & (series["status"] == "for få besvarelser")
    assert hidden.sum() == 1
    series.loc[hidden, "value"] = HIDDEN_VALUE  # as if a careless loader had kept the number
    series.loc[hidden, ["low", "high"]] = [HIDDEN_VALUE - 0.5, HIDDEN_VALUE + 0.5]
    figure = indicator_trend(series, sample.catalogue["social_trivsel"], "Lille Mølle Skole", group="Udskoling")
    shown = texts(figure)
    assert "Social trivsel (udskoling)" in shown
    assert "for få besvarelser" in shown
    y = np.asarray(school_line(figure, "Lille Mølle Skole").get_ydata(), dtype=float)
    assert math.isnan(y[-1]) and not np.isnan(y[:-1]).any()  # 2025/2026 had 4 answers
    values = plotted_values(figure)
    assert not np.isclose(values, HIDDEN_VALUE).any()
    assert not np.isclose(values, HIDDEN_VALUE + 0.5).any()  # nor its interval
    assert not any("1,2" in t for t in shown)
    assert [t for t in shown if t.startswith("n=")] == ["n=10", "n=9", "n=7", "n=5"]
    assert_danish(shown)


def test_trend_of_absence_says_lower_is_better_with_decimal_commas(sample: Lab) -> None:
    figure = indicator_trend(trend_series(sample, "061001", "fravaer"), sample.catalogue["fravaer"], "Engskolen")
    shown = texts(figure)
    assert "Samlet elevfravær" in shown and "lavere er bedre" in shown
    assert "ikke offentliggjort" in shown  # 2025/2026 is not published for anyone
    assert {"Engskolen", "Kommunen", "Landet", "Procent"} <= set(shown)
    ticks = [t.get_text() for t in figure.axes[0].get_yticklabels() if t.get_text()]
    assert ticks and not any("." in t for t in ticks)
    assert_danish(shown)


def test_trend_ticks_use_decimal_commas(sample: Lab) -> None:
    figure = indicator_trend(trend_series(sample, "061001", "ro_orden", "Mellemtrin"), sample.catalogue["ro_orden"],
                             "Engskolen")
    texts(figure)
    ticks = [t.get_text() for t in figure.axes[0].get_yticklabels() if t.get_text()]
    assert any(re.fullmatch(r"\d,\d", t) for t in ticks) and not any("." in t for t in ticks)


def test_trend_draws_the_target_and_breaks_the_line_at_a_hidden_year(sample: Lab) -> None:
    indicator = sample.catalogue["kompetencedaekning"]
    figure = indicator_trend(trend_series(sample, "061005", "kompetencedaekning"), indicator, "Skovvangskolen")
    shown = texts(figure)
    assert "Mål: 95 %" in shown and "ikke offentliggjort" in shown
    y = np.asarray(school_line(figure, "Skovvangskolen").get_ydata(), dtype=float)
    assert np.isnan(y).tolist() == [False, False, True, False, False]  # 2023/2024 not published
    assert "lavere er bedre" not in shown


def test_trend_without_figures_says_so() -> None:
    from labkit.data.catalogue import Indicator

    indicator = Indicator("x", "Inklusionsgrad", "inklusion", "%", (0, 100), "højere", 1, ())
    empty = pd.DataFrame(columns=["school_year", "level", "value", "n", "status", "low", "high"])
    assert "Der er ingen tal for denne indikator endnu." in texts(indicator_trend(empty, indicator, "Engskolen"))


# --- funnel_plot ----------------------------------------------------------------------------------

def test_anonymous_funnel_names_only_the_own_school(sample: Lab) -> None:
    indicator = sample.catalogue["karaktergennemsnit"]
    data = funnel_frame(sample, "karaktergennemsnit", "2024/2025")
    names = set(sample.config.school_names.values())
    shown = texts(funnel_plot(data, indicator, "Engskolen", labels_visible=False))
    assert "Engskolen" in shown
    assert not names - {"Engskolen"} & set(shown)
    assert not any(name in " ".join(shown) for name in names - {"Engskolen"})
    assert {"Karaktergennemsnit: alle skoler", "Antal elever", "Karakterpoint", "Andre skoler"} <= set(shown)
    assert_danish(shown)
    named = texts(funnel_plot(data, indicator, "Engskolen", labels_visible=True))
    assert set(data["label"]) - {""} <= set(named)


def test_funnel_by_answers_and_thousands_the_danish_way(sample: Lab) -> None:
    indicator = sample.catalogue["karaktergennemsnit"]
    data = funnel_frame(sample, "karaktergennemsnit", "2024/2025").assign(size_kind="n")
    shown = texts(funnel_plot(data, indicator, None, labels_visible=False))
    assert "Antal besvarelser" in shown
    titled = texts(funnel_plot(data, indicator, None, labels_visible=False, group="Udskoling", year="2024/2025"))
    assert "Karaktergennemsnit (udskoling): alle skoler, 2024/2025" in titled
    assert "1.000" in shown  # x tick: a thousand with a dot, never "1,000" or "1000"
    assert not set(data["label"]) & set(shown)
    assert "Der er ingen tal at sammenligne med." in texts(funnel_plot(data.iloc[:0], indicator, None, False))


# --- kapacitet ------------------------------------------------------------------------------------

def test_heatmap_writes_skjult_and_no_number_for_a_hidden_group(sample: Lab) -> None:
    assert sample.kapacitet is not None
    means, counts = profile_matrix(sample.kapacitet.profile, "061003", sample.instrument)
    hidden = [(i, j) for (i, j), v in np.ndenumerate(means.to_numpy(float)) if math.isnan(v)]
    assert hidden  # Ledelse (3) and Pædagoger (4) are below 5
    means.iat[0, 1] = math.nan  # and one hidden cell in a shown group
    hidden.append((0, 1))
    figure = kapacitet_heatmap(means, counts, (1, 5), "Kapacitet", min_group_size=5)
    columns: dict[int, list[str]] = {}
    cells: dict[tuple[int, int], list[str]] = {}
    for text in figure.axes[0].texts:  # cell (i, j) spans x j…j+1 and y i…i+1 (seaborn's heatmap)
        x, y = text.get_position()
        columns.setdefault(math.floor(x), []).append(" ".join(text.get_text().split()))
        cells.setdefault((math.floor(y), math.floor(x)), []).append(" ".join(text.get_text().split()))
    for row, column in hidden:
        column_hidden = all((r, column) in hidden for r in range(len(means)))
        assert "skjult (under 5)" in (columns[column] if column_hidden else cells[(row, column)])
        assert not any(re.search(r"\d,\d|n=", t) for t in cells.get((row, column), []))
    assert cells[(0, 1)] == ["skjult (under 5)"]
    shown_cell = next(cell for cell in cells if cell not in hidden)
    mean, count = means.to_numpy(float)[shown_cell], counts.to_numpy(float)[shown_cell]
    assert cells[shown_cell] == [f"{mean:.1f}".replace(".", ","), f"n={int(count)}"]
    shown = texts(figure)
    assert "Lærere" in shown and "Brug af data" in shown
    assert_danish(shown)


def test_gap_chart_leaves_hidden_groups_out_and_names_the_gaps(sample: Lab) -> None:
    assert sample.kapacitet is not None
    profile = sample.kapacitet.profile
    rows = profile.loc[(profile["school_id"] == "061003") & (profile["statement"] == "")]
    groups = {g.id: g.name for g in sample.instrument.groups}
    figure = group_gap_chart(rows, groups, {d.id: d.name for d in sample.instrument.dimensions}, scale=(1, 5))
    legend = [t.get_text() for legend in figure.legends for t in legend.get_texts()]
    assert legend == ["Lærere", "Ressourcepersoner"]
    shown = texts(figure)
    assert "Ikke vist: Ledelse og Pædagoger (for få svar til at blive vist)." in shown
    assert "Forskel" in shown and any(re.fullmatch(r"\d,\d", t) for t in shown)
    assert_danish(shown)
    everything_hidden = rows.assign(suppressed=True, mean=math.nan)
    assert "Ingen grupper har svaret nok til at blive vist." in texts(
        group_gap_chart(everything_hidden, groups, {d.id: d.name for d in sample.instrument.dimensions}))


# --- bubble_chart and overview_heatmap ------------------------------------------------------------

def test_bubble_chart_omits_unrated_candidates_and_counts_them() -> None:
    figure = bubble_chart(CANDIDATES)
    shown = texts(figure)
    assert {"Fravær i udskolingen", "Ro og orden", "Brug af data i teamene"} <= set(shown)
    assert "Læsning på mellemtrinnet" not in shown
    assert "1 ikke vurderet endnu" in shown
    assert {"Hvor tydeligt viser data det?", "Hvor meget kan vi påvirke det?"} <= set(shown)
    assert any(t.startswith("Hvor vigtigt er det?") for t in shown)
    bubbles = figure.axes[0].collections[-1]
    assert np.asarray(bubbles.get_offsets()).shape == (3, 2)
    assert "Ingen kandidater er vurderet endnu" in texts(bubble_chart(CANDIDATES.iloc[[2]]))


def test_overview_shows_only_anonymous_labels_and_decimal_commas(sample: Lab) -> None:
    figure = overview_heatmap(overview_frame(sample))
    shown = texts(figure)
    assert "Skole A" in shown and "Samlet elevfravær" in shown
    assert not any(s.name in " ".join(shown) for s in sample.config.schools)
    assert any(re.fullmatch(r"-?\d+,\d", t) for t in shown)
    assert_danish(shown)
    assert "Der er ingen tal at vise." in texts(overview_heatmap(overview_frame(sample).iloc[:0]))


# --- all figures ----------------------------------------------------------------------------------

def all_figures(lab: Lab) -> dict[str, Callable[[], Figure]]:
    assert lab.kapacitet is not None
    profile = lab.kapacitet.profile
    means, counts = profile_matrix(profile, "061003", lab.instrument)
    rows = profile.loc[(profile["school_id"] == "061002") & (profile["statement"] == "")]
    trend = trend_series(lab, "061003", "social_trivsel", "Udskoling")
    funnel = funnel_frame(lab, "karaktergennemsnit", "2024/2025")
    overview = overview_frame(lab)
    return {
        "trend": lambda: indicator_trend(trend, lab.catalogue["social_trivsel"], "Lille Mølle Skole"),
        "funnel": lambda: funnel_plot(funnel, lab.catalogue["karaktergennemsnit"], "Engskolen", False),
        "heatmap": lambda: kapacitet_heatmap(means, counts, (1, 5), "Kapacitet"),
        "gap": lambda: group_gap_chart(rows, {g.id: g.name for g in lab.instrument.groups},
                                       {d.id: d.name for d in lab.instrument.dimensions}),
        "bubble": lambda: bubble_chart(CANDIDATES),
        "overview": lambda: overview_heatmap(overview),
    }


def test_figures_do_not_pile_up_in_pyplot_and_fit_an_a4_page(sample: Lab) -> None:
    before = plt.get_fignums()
    for draw in all_figures(sample).values():
        for _ in range(3):
            figure = draw()
            assert isinstance(figure, Figure)
            assert figure.get_figwidth() <= 7.2
    assert plt.get_fignums() == before


def test_figures_are_quick_enough_to_redraw(sample: Lab) -> None:
    slow = {}
    for name, draw in all_figures(sample).items():
        draw()  # warm font caches
        start = time.perf_counter()
        figure_png(draw())
        seconds = time.perf_counter() - start
        if seconds > 1.0:  # generous for slow CI machines; about 0.2–0.4 s on a laptop
            slow[name] = round(seconds, 2)
    assert not slow


def test_a_break_in_the_series_is_drawn_and_named(kbh: Lab) -> None:
    """Grades 2019/2020–2020/2021 (corona) are hatched and the series' new start is a dashed line."""
    from matplotlib.patches import Polygon, Rectangle

    indicator = kbh.catalogue["karaktergennemsnit"]
    series = trend_series(kbh, "101011", "karaktergennemsnit")
    plain = indicator_trend(series, indicator, "Bellahøj Skole")
    marked = indicator_trend(series, indicator, "Bellahøj Skole",
                             breaks=kbh.catalogue.breaks_of("karaktergennemsnit"))
    assert "Brud i serien" in texts(marked) and "Brud i serien" not in texts(plain)
    axes = marked.axes[0]
    hatched = [p for p in axes.patches if isinstance(p, (Rectangle, Polygon)) and p.get_hatch()]
    assert len(hatched) == 2  # 2019/2020 and 2020/2021
    years = [t.get_text() for t in axes.get_xticklabels()]
    dashed = [line for line in axes.lines if list(line.get_xdata()) == [years.index("21/22") - 0.5] * 2]
    assert dashed  # the series starts anew in 2021/2022


def test_a_school_missing_from_its_funnel_is_told_why(lab: Path) -> None:
    """Lille Mølle's grade 2025/2026 is not published: the funnel says so instead of a silent gap."""
    from labkit.views.kvalitet import funnel_figure
    from labkit.workspace.session import open_session

    session = open_session(str(lab), "061003", interaktiv=False)
    shown = " ".join(texts(funnel_figure(session, "karaktergennemsnit", "")))
    assert "Lille Mølle Skoles tal for 2025/2026 er ikke offentliggjort, så skolen er ikke med i figuren." in shown
    other = " ".join(texts(funnel_figure(open_session(str(lab), "061004", interaktiv=False), "karaktergennemsnit", "")))
    assert "ikke med i figuren" not in other and "Kirkebakkeskolen" in other


def test_a_notebook_figure_is_shown_at_its_size_sharp_and_with_alt_text(sample: Lab) -> None:
    """Notebook figures were 90-dpi PNGs stretched by the page (soft, ~8 px labels) without alt text: now
    each is drawn at twice the pixels and shown at its own width, its title as alt text."""
    import base64
    import struct

    from labkit.analysis.kapacitet import profile_matrix
    from labkit.views.display import figure_img_html

    assert sample.kapacitet is not None
    means, counts = profile_matrix(sample.kapacitet.profile, "061004", sample.instrument)
    figure = kapacitet_heatmap(means, counts, (1, 5), "Kapacitet: gennemsnit pr. dimension og gruppe")
    html_text = figure_img_html(figure)
    width = int(re.search(r'width="(\d+)"', html_text).group(1))  # type: ignore[union-attr]
    assert width == round(figure.get_figwidth() * 96)
    assert 'alt="Kapacitet: gennemsnit pr. dimension og gruppe"' in html_text
    png = base64.b64decode(re.search(r"base64,([^\"]+)", html_text).group(1))  # type: ignore[union-attr]
    pixels = struct.unpack(">I", png[16:20])[0]  # the PNG header's width
    assert abs(pixels - 2 * width) <= 2
