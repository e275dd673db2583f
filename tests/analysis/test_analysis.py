"""Views over the verdict engine: the school's series with its band, the funnel of all schools,
the anonymised overview, and the kapacitet profile — on the sample lab and the real extract."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from labkit.analysis.findings import BEDRE
from labkit.analysis.kapacitet import (
    definite,
    largest_gaps,
    notes_by_dimension,
    profile_matrix,
    profile_table,
)
from labkit.analysis.kvalitet import facilitator_overview, funnel_data, indicator_series, school_labels
from labkit.analysis.statistics import quantile
from labkit.analysis.verdicts import table_verdicts
from labkit.data.lab import Lab

ENGSKOLEN, BOEGEKILDE, LILLE_MOELLE, KIRKEBAKKE, HEDELUND = "061001", "061002", "061003", "061004", "061006"


def _series(lab: Lab, school: str, indicator: str, group: str = "") -> pd.DataFrame:
    finding = table_verdicts(lab.kvalitet, lab.catalogue).get(school, indicator, group)
    assert finding is not None
    return indicator_series(lab.kvalitet, school, finding)


# ---------------------------------------------------------------- series and bands


def test_suppressed_values_stay_hidden_in_the_series(sample: Lab) -> None:
    series = _series(sample, LILLE_MOELLE, "social_trivsel", "Udskoling")
    assert list(series.columns) == ["school_year", "level", "value", "n", "status", "low", "high"]
    last = series.loc[(series["level"] == "skole") & (series["school_year"] == "2025/2026")].iloc[0]
    assert last["status"] == "for få besvarelser" and math.isnan(last["value"])
    assert math.isnan(last["low"]) and math.isnan(last["high"])
    assert series.loc[series["level"] != "skole", "low"].isna().all()  # no band for kommune/land


def test_the_band_is_the_engines_spread_and_wider_for_the_small_school(sample: Lab) -> None:
    def width(school: str) -> float:
        rows = _series(sample, school, "social_trivsel", "Udskoling")
        row = rows.loc[(rows["level"] == "skole") & (rows["school_year"] == "2024/2025")].iloc[0]
        return float(row["high"] - row["low"])

    verdicts = table_verdicts(sample.kvalitet, sample.catalogue)
    noise = verdicts.noise[("social_trivsel", "Udskoling")]
    small = verdicts.get(LILLE_MOELLE, "social_trivsel", "Udskoling")
    assert small is not None and small.noise_factor > 5  # about 8 answers against a typical 140
    assert width(LILLE_MOELLE) == pytest.approx(2 * quantile(noise.vario.df) * math.sqrt(noise.vario.sill
                                                                                           * small.noise_factor))
    assert width(LILLE_MOELLE) > 2 * width(BOEGEKILDE)
    # Only the sampling share of the noise grows for a small school (n is published for trivsel).
    assert 0 < noise.sampling_share < 1 and small.noise_factor == pytest.approx(noise.factor(8.0), rel=0.2)
    # Fravær has no n: the band is still there (from how the schools' figures vary), never Wilson's.
    absence = _series(sample, ENGSKOLEN, "fravaer")
    shown = absence.loc[(absence["level"] == "skole") & absence["value"].notna()]
    assert shown["low"].notna().all() and ((shown["high"] - shown["low"]) < 3).all()
    context = _series(sample, ENGSKOLEN, "elevtal")
    assert context["low"].isna().all()  # a context figure is never judged, so it has no band


# ---------------------------------------------------------------- funnel


def test_funnel_by_answers_never_holds_a_hidden_value(sample: Lab) -> None:
    verdicts = table_verdicts(sample.kvalitet, sample.catalogue)
    data = funnel_data(sample.kvalitet, verdicts, sample.catalogue["social_trivsel"], "2025/2026", "Udskoling")
    assert LILLE_MOELLE not in set(data["school_id"])  # 4 answers that year: hidden
    assert data["value"].notna().all() and (data["size_kind"] == "n").all()
    assert (data["center_kind"] == "kommune").all() and data["center"].nunique() == 1
    noise = verdicts.noise[("social_trivsel", "Udskoling")]
    typical = data["size"] <= noise.typical_size
    half = data["limit95_high"] - data["center"]
    expected = quantile(noise.vario.df) * np.sqrt(noise.vario.sill * data["size"].map(noise.factor))
    assert np.allclose(half, expected) and (half[~typical] == half[~typical].iloc[0]).all()
    assert (data["limit998_high"] > data["limit95_high"]).all()


def test_funnel_by_elevtal_says_so_and_skips_the_hidden_grade(sample: Lab) -> None:
    verdicts = table_verdicts(sample.kvalitet, sample.catalogue)
    data = funnel_data(sample.kvalitet, verdicts, sample.catalogue["fravaer"], "2024/2025")
    assert (data["size_kind"] == "elevtal").all() and len(data) == 20  # the lab's 6 and the kommune's 14 others
    assert data.loc[data["school_id"] == BOEGEKILDE, "size"].item() > 1000
    grades = funnel_data(sample.kvalitet, verdicts, sample.catalogue["karaktergennemsnit"], "2025/2026")
    assert LILLE_MOELLE not in set(grades["school_id"])  # grade not published that year


# ---------------------------------------------------------------- facilitator overview


def test_anonymised_overview_names_no_school(sample: Lab) -> None:
    overview = facilitator_overview(sample)
    text = overview.to_csv() + " ".join(map(str, overview.columns)) + " ".join(map(str, overview.index))
    for school in sample.config.schools:
        assert school.name not in text and school.id not in text
    assert set(overview["label"]) == {f"Skole {c}" for c in "ABCDEF"}
    labels = school_labels(sample.config)
    assert labels == school_labels(sample.config)  # stable
    by_name = [labels[s.id] for s in sorted(sample.config.schools, key=lambda s: s.name)]
    assert by_name != sorted(by_name) and [labels[s.id] for s in sample.config.schools] != sorted(labels.values())
    absence = overview.loc[(overview["indicator"] == "fravaer") & (overview["label"] == labels[ENGSKOLEN])].iloc[0]
    finding = table_verdicts(sample.kvalitet, sample.catalogue).get(ENGSKOLEN, "fravaer")
    assert finding is not None and absence["verdict"] == BEDRE == finding.development.code
    assert absence["difference"] == pytest.approx(-finding.level.difference)  # below kommune: better
    assert absence["level"] == finding.level.code


def test_overview_shows_names_only_when_allowed(sample: Lab) -> None:
    named = dataclasses.replace(sample.config, show_school_names=True)
    overview = facilitator_overview(sample.kvalitet, named, sample.catalogue, ["ro_orden"])
    assert set(overview["label"]) == {s.name for s in sample.config.schools}
    assert set(overview["group"]) == {"Mellemtrin", "Udskoling"}


# ---------------------------------------------------------------- the real extract


def test_real_series_has_eight_years_with_kommune_and_land(kbh: Lab) -> None:
    series = _series(kbh, "101001", "karaktergennemsnit")
    assert series["level"].value_counts().to_dict() == {"skole": 8, "kommune": 8, "land": 8}
    school = series.loc[series["level"] == "skole"]
    assert school["school_year"].tolist() == [f"{y}/{y + 1}" for y in range(2018, 2026)]
    assert school.loc[school["school_year"] == "2024/2025", "value"].item() == 9.0
    assert school["low"].notna().all()  # no n in the extract: the band comes from the schools' variation


# ---------------------------------------------------------------- kapacitet


def test_profile_keeps_hidden_groups_hidden(sample: Lab) -> None:
    assert sample.kapacitet is not None
    means, counts = profile_matrix(sample.kapacitet.profile, LILLE_MOELLE, sample.instrument)
    assert list(means.index) == [d.name for d in sample.instrument.dimensions]
    assert list(means.columns) == ["Ledelse", "Lærere", "Pædagoger", "Ressourcepersoner"]
    assert means["Ledelse"].isna().all() and means["Pædagoger"].isna().all()  # 3 and 4 respondents
    assert set(counts["Ledelse"]) == {3} and set(counts["Lærere"]) == {8}
    assert means.loc["Brug af data", "Lærere"] == pytest.approx(3.375)
    spread = profile_table(sample.kapacitet.profile, LILLE_MOELLE, sample.instrument, "sd")
    assert spread["Ledelse"].isna().all() and spread["Lærere"].notna().all()


def test_largest_gaps_are_between_shown_groups(sample: Lab) -> None:
    assert sample.kapacitet is not None
    gaps = largest_gaps(sample.kapacitet.profile, KIRKEBAKKE, sample.instrument)
    assert gaps["text"].tolist()[0] == "Ledelsen vurderer »Pædagogisk ledelse« 1,3 point højere end lærerne."
    assert len(gaps) == 3 and gaps["gap"].round(1).is_monotonic_decreasing
    # Holm over every pair of groups in every dimension: 1,3 and 1,1 hold, 1,0 (fewer answers) does not.
    assert gaps["clear"].tolist() == [True, True, False]
    small = largest_gaps(sample.kapacitet.profile, LILLE_MOELLE, sample.instrument, top=10)
    assert not {"Ledelse", "Pædagoger"} & (set(small["group_high"]) | set(small["group_low"]))
    assert (small["gap"].round(1) > 0).all() and not small["clear"].any()
    assert all(text.endswith("sammenlignes på én gang.") for text in small["text"])


def test_ties_prefer_the_leadership_gap(sample: Lab) -> None:
    rows = [("ledelse", 4.0), ("laerere", 3.2), ("paedagoger", 4.04)]  # both gaps show as 0,8
    profile = pd.DataFrame({"school_id": "100001", "group": [g for g, _ in rows], "dimension": "data",
                            "statement": "", "mean": [m for _, m in rows], "sd": 0.5, "n": 8, "suppressed": False})
    gaps = largest_gaps(profile, "100001", sample.instrument)
    assert gaps["text"].item() == "Ledelsen vurderer »Brug af data« 0,8 point højere end lærerne."


def test_notes_never_name_a_small_group(sample: Lab) -> None:
    assert sample.kapacitet is not None
    notes = notes_by_dimension(sample.kapacitet.notes, LILLE_MOELLE, sample.instrument)
    assert list(notes) == [d.id for d in sample.instrument.dimensions if d.id in notes]
    texts = [text for items in notes.values() for text in items]
    assert "»Vi taler meget om data, men det bliver sjældent til ændret praksis.« (Ressourcepersoner)" in notes["data"]
    assert not [t for t in texts if "(Ledelse)" in t or "(Pædagoger)" in t]
    assert definite("Lærere") == "lærerne" and definite("Forældre") == "forældrene"
    assert definite("TR-gruppe") == "gruppen »TR-gruppe«"
