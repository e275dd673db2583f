"""Honest comparisons: trends beyond normal variation, one-year jumps, intervals, funnel, overview, summary."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from labkit.analysis import (
    DECLINE, IMPROVEMENT, NORMAL_VARIATION, TOO_LITTLE_DATA, assess_change, facilitator_overview, funnel_data,
    indicator_series, interval, school_labels,
)
from labkit.kapacitet_analysis import largest_gaps, notes_by_dimension, profile_matrix
from labkit.lab import Lab, load_lab
from labkit.summary import data_summary

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sample() -> Lab:
    return load_lab(ROOT / "sample_data")


@pytest.fixture(scope="module")
def kbh() -> Lab:
    return load_lab(ROOT / "examples" / "kobenhavn")


def test_planted_trends_are_found(sample: Lab) -> None:
    absence = assess_change(sample.kvalitet, "061001", sample.catalogue["fravaer"])
    assert absence.verdict == IMPROVEMENT  # falling absence is better
    assert "faldet" in absence.text and "forbedring" in absence.text and "%" in absence.text
    calm = assess_change(sample.kvalitet, "061004", sample.catalogue["ro_orden"], "Mellemtrin")
    assert calm.verdict == DECLINE and "forværring" in calm.text


def test_noise_is_called_normal_variation(sample: Lab) -> None:
    wellbeing = assess_change(sample.kvalitet, "061002", sample.catalogue["generel_trivsel"], "Mellemtrin")
    assert wellbeing.verdict == NORMAL_VARIATION
    assert "normale variation" in wellbeing.text and "Vent med at tolke" in wellbeing.text


def _table(values: list[float], school: str = "100001") -> pd.DataFrame:
    years = [f"{y}/{y + 1}" for y in range(2020, 2020 + len(values))]
    return pd.DataFrame({"school_id": school, "school_name": "", "level": "skole", "school_year": years,
                         "indicator": "karaktergennemsnit", "group": "", "value": values, "n": pd.NA,
                         "status": "offentliggjort", "source": "", "row": 0, "column": ""})


def test_a_one_year_jump_alone_is_never_a_finding(sample: Lab) -> None:
    indicator = sample.catalogue["karaktergennemsnit"]
    flat_then_jump = _table([7.0, 7.1, 6.9, 7.0, 9.5])
    others = pd.concat([_table([7.0, 7.3, 6.8, 7.2, 6.9], f"10000{i}") for i in range(2, 8)])
    assessment = assess_change(pd.concat([flat_then_jump, others]), "100001", indicator)
    assert assessment.verdict == NORMAL_VARIATION
    assert "steg 2,5 point fra året før" in assessment.text


def test_too_few_years_and_hidden_figures_say_so(sample: Lab) -> None:
    indicator = sample.catalogue["karaktergennemsnit"]
    assert assess_change(_table([7.0, 7.4]), "100001", indicator).verdict == TOO_LITTLE_DATA
    hidden = assess_change(sample.kvalitet, "061003", sample.catalogue["social_trivsel"], "Udskoling")
    assert hidden.verdict in (NORMAL_VARIATION, TOO_LITTLE_DATA)
    series = indicator_series(sample.kvalitet, "061003", "social_trivsel", "Udskoling", "point (1-5)")
    last = series.loc[(series["level"] == "skole") & (series["school_year"] == "2025/2026")].iloc[0]
    assert last["status"] == "for få besvarelser" and math.isnan(last["value"]) and math.isnan(last["low"])


def test_intervals_are_wider_for_small_groups() -> None:
    small, large = interval(3.9, 9, "point (1-5)"), interval(3.9, 200, "point (1-5)")
    assert small[1] - small[0] > 4 * (large[1] - large[0])
    low, high = interval(50.0, 100, "%")
    assert 39 < low < 41 and 59 < high < 61  # Wilson interval for 50 of 100
    assert all(math.isnan(v) for v in interval(7.0, float("nan"), "karakterpoint"))


def test_real_series_has_school_kommune_and_land(kbh: Lab) -> None:
    series = indicator_series(kbh.kvalitet, "101001", "karaktergennemsnit")
    assert sorted(series["level"].unique()) == ["kommune", "land", "skole"]
    school = series.loc[series["level"] == "skole"]
    assert len(school) == 8 and school.loc[school["school_year"] == "2024/2025", "value"].item() == 9.0


def test_funnel_never_holds_a_hidden_value(sample: Lab) -> None:
    data = funnel_data(sample.kvalitet, "social_trivsel", "2025/2026", "Udskoling", unit="point (1-5)")
    assert "061003" not in set(data["school_id"])  # fewer than 5 answers that year
    assert (data["limit95_high"] > data["center"]).all() and (data["limit998_high"] > data["limit95_high"]).all()
    small, large = data.sort_values("size").iloc[0], data.sort_values("size").iloc[-1]
    assert small["limit95_high"] - small["center"] > large["limit95_high"] - large["center"]


def test_anonymised_overview_names_no_school(sample: Lab) -> None:
    overview = facilitator_overview(sample.kvalitet, sample.config, sample.catalogue)
    text = overview.to_csv()
    for school in sample.config.schools:
        assert school.name not in text and school.id not in text
    assert set(overview["label"]) == {f"Skole {c}" for c in "ABCDEF"}
    labels = school_labels(sample.config)
    assert [labels[s.id] for s in sample.config.schools] != [f"Skole {c}" for c in "ABCDEF"]  # not in list order


def test_kapacitet_gaps_and_profile(sample: Lab) -> None:
    assert sample.kapacitet is not None
    means, counts = profile_matrix(sample.kapacitet.profile, "061003", sample.instrument)
    assert means["Ledelse"].isna().all()  # three leaders: below the minimum
    assert counts["Lærere"].min() >= 5
    gaps = largest_gaps(sample.kapacitet.profile, "061004", sample.instrument)
    assert len(gaps) == 3 and gaps["gap"].is_monotonic_decreasing
    assert gaps["text"].iloc[0].startswith("Ledelsen vurderer »Pædagogisk ledelse«")
    assert "Ledelse" not in set(largest_gaps(sample.kapacitet.profile, "061003", sample.instrument)["group_high"])
    notes = notes_by_dimension(sample.kapacitet.notes, "061003", sample.instrument)
    assert notes and all(isinstance(t, str) for texts in notes.values() for t in texts)


def test_summary_points_to_the_planted_concerns(sample: Lab, kbh: Lab) -> None:
    summary = data_summary(sample, "061004")
    concern_ids = [s.id for s in summary.concerns]
    assert "udvikling-ro_orden-Mellemtrin" in concern_ids
    assert any(s.source == "kapacitet" for s in summary.concerns)
    assert any(s.id == "udvikling-fravaer-alle" for s in data_summary(sample, "061001").strengths)
    small = data_summary(sample, "061003")
    assert any("skjult" in s.text for s in small.uncertain)
    real = data_summary(kbh, "101001")
    assert any(s.id == "kapacitet-mangler" for s in real.uncertain)
    assert len({s.id for s in summary.all}) == len(summary.all)  # ids are unique: answers are saved by id
