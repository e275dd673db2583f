"""Figures: Danish text, hidden figures marked and never drawn, anonymity kept, the theory diagram."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from labkit.analysis import facilitator_overview, funnel_data, indicator_series
from labkit.figures import bubble_chart, funnel_plot, indicator_trend, kapacitet_heatmap, overview_heatmap
from labkit.indsatsteori import Indsatsteori, Tegn, completeness, prefill_baseline
from labkit.kapacitet_analysis import profile_matrix
from labkit.lab import Lab, load_lab
from labkit.theory_diagram import draw_indsatsteori

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sample() -> Lab:
    return load_lab(ROOT / "sample_data")


def texts(figure: Figure) -> list[str]:
    return [t.get_text() for t in figure.findobj(Text) if t.get_text()]


def test_trend_marks_a_hidden_year_and_plots_no_value_for_it(sample: Lab) -> None:
    indicator = sample.catalogue["social_trivsel"]
    series = indicator_series(sample.kvalitet, "061003", "social_trivsel", "Udskoling", indicator.unit)
    figure = indicator_trend(series, indicator, "Lille Mølle Skole")
    assert "Social trivsel" in texts(figure) and "for få besvarelser" in texts(figure)
    school_line = next(line for line in figure.axes[0].get_lines() if line.get_label() == "Lille Mølle Skole")
    y = np.asarray(school_line.get_ydata(), dtype=float)
    assert math.isnan(y[-1]) and not math.isnan(y[0])  # 2025/2026 had 4 answers
    assert any(t.startswith("n=") for t in texts(figure))


def test_absence_says_lower_is_better_and_uses_decimal_commas(sample: Lab) -> None:
    indicator = sample.catalogue["fravaer"]
    figure = indicator_trend(indicator_series(sample.kvalitet, "061001", "fravaer", "", "%"), indicator, "Engskolen")
    figure.canvas.draw()
    ticks = [t.get_text() for t in figure.axes[0].get_yticklabels() if t.get_text()]
    assert "Samlet elevfravær (lavere er bedre)" in texts(figure)
    assert any("," in t for t in ticks) and not any("." in t for t in ticks)


def test_anonymous_funnel_names_only_the_own_school(sample: Lab) -> None:
    indicator = sample.catalogue["karaktergennemsnit"]
    data = funnel_data(sample.kvalitet, "karaktergennemsnit", "2024/2025")
    data["label"] = ["Engskolen" if s == "061001" else "Skole X" for s in data["school_id"]]
    shown = texts(funnel_plot(data, indicator, "Engskolen", labels_visible=False))
    assert "Engskolen" in shown and "Skole X" not in shown
    assert "Antal elever på skolen" in shown


def test_heatmap_hides_small_groups(sample: Lab) -> None:
    assert sample.kapacitet is not None
    means, counts = profile_matrix(sample.kapacitet.profile, "061003", sample.instrument)
    figure = kapacitet_heatmap(means, counts, (1, 5), "Kapacitet", min_group_size=5)
    shown = texts(figure)
    assert any(t.startswith("skjult") for t in shown)
    assert not any(t.startswith("skjult") and any(ch.isdigit() for ch in t.split("\n")[0]) for t in shown)


def test_bubble_chart_counts_unrated_candidates() -> None:
    candidates = pd.DataFrame({"id": ["a", "b", "c"], "label": ["Fravær", "Ro og orden", "Læsning"],
                               "vigtighed": [5, 3, math.nan], "data": [4, 2, math.nan],
                               "indflydelse": [3, 5, math.nan], "valgt": [True, False, False]})
    shown = texts(bubble_chart(candidates))
    assert "Fravær" in shown and "Ro og orden" in shown and "Læsning" not in shown
    assert "1 ikke vurderet endnu" in shown


def test_overview_figure_has_only_anonymous_labels(sample: Lab) -> None:
    overview = facilitator_overview(sample.kvalitet, sample.config, sample.catalogue)
    shown = " ".join(texts(overview_heatmap(overview)))
    assert "Skole A" in shown
    assert not any(s.name in shown for s in sample.config.schools)


def test_figures_do_not_pile_up_in_pyplot(sample: Lab) -> None:
    before = len(plt.get_fignums())
    indicator = sample.catalogue["fravaer"]
    for _ in range(5):
        indicator_trend(indicator_series(sample.kvalitet, "061001", "fravaer"), indicator, "Engskolen")
    assert len(plt.get_fignums()) == before


def test_theory_diagram_shows_the_team_text_and_copes_with_empty() -> None:
    theory = Indsatsteori(focus_area="Ro, struktur og klasseledelse", problem="Uro i timerne i 5.–6. klasse",
                          aktiviteter=["Fælles start på timerne"], langsigtet_maal="Ro til at lære",
                          antagelser={"aktiviteter_til_kortsigtede": "Struktur giver tryghed"},
                          indikatorer=[Tegn("Ro og orden", "kvalitetsrapport:ro_orden", "3,5", "2025/2026", "4,0")])
    shown = "\n".join(texts(draw_indsatsteori(theory)))
    for part in ("Ro, struktur og klasseledelse", "Uro i timerne", "Fælles start på timerne", "Ro til at lære",
                 "Struktur giver tryghed", "Tegn: Ro og orden (3,5 → 4,0)"):
        assert part in shown
    assert "(ikke udfyldt endnu)" in "\n".join(texts(draw_indsatsteori(Indsatsteori())))


def test_baseline_comes_from_the_latest_published_value_never_a_hidden_one(sample: Lab) -> None:
    tegn = Tegn("Social trivsel i udskolingen", "kvalitetsrapport:fravaer")
    filled, note = prefill_baseline(tegn, sample.kvalitet, "061001")
    assert (filled.baseline, filled.baseline_aar, note) == ("5,9", "2024/2025", None)  # 2025/2026 not published
    typed = Tegn("x", "kvalitetsrapport:fravaer", baseline="7")
    assert prefill_baseline(typed, sample.kvalitet, "061001")[0].baseline == "7"  # never overwrite the team
    hidden = sample.kvalitet.copy()
    hidden.loc[(hidden["school_id"] == "061003") & (hidden["indicator"] == "karaktergennemsnit"), "status"] = \
        "for få besvarelser"
    empty, note = prefill_baseline(Tegn("k", "kvalitetsrapport:karaktergennemsnit"), hidden, "061003")
    assert empty.baseline == "" and note and "skjult" in note


def test_round_trip_and_completeness_hints() -> None:
    theory = Indsatsteori(focus_area="Fravær", problem="Fraværet stiger", aktiviteter=["Tidlig kontakt"],
                          indikatorer=[Tegn("Fravær", "kvalitetsrapport:fravaer", "7,8", "2024/2025", "6")])
    assert Indsatsteori.from_dict(theory.to_dict()) == theory
    assert Indsatsteori.from_dict({"problem": "kun dette"}).problem == "kun dette"  # older, partial files load
    hints = completeness(theory)
    assert hints[0].startswith("Skriv det langsigtede mål først")
    assert not any("Beskriv problemet" in h for h in hints)
