"""Honest readings: trends beyond normal variation, one-year jumps, intervals, comparisons, funnel,
the anonymised overview and the kapacitet profile — on the sample lab, the real extract and small
constructed tables."""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pandas as pd
import pytest

from labkit.analysis import (
    DECLINE,
    IMPROVEMENT,
    NORMAL_VARIATION,
    NOT_PUBLISHED,
    TOO_LITTLE_DATA,
    WORSE,
    assess_change,
    between_school_spread,
    comparison_to_kommune,
    comparison_to_land,
    facilitator_overview,
    funnel_data,
    indicator_series,
    interval,
    school_labels,
    school_size,
    year_to_year_spread,
)
from labkit.kapacitet_analysis import (
    definite,
    largest_gaps,
    notes_by_dimension,
    profile_matrix,
    profile_table,
)
from labkit.lab import Lab

ENGSKOLEN, BOEGEKILDE, LILLE_MOELLE, KIRKEBAKKE, HEDELUND = "061001", "061002", "061003", "061004", "061006"
ENGLISH_DECIMAL = re.compile(r"\d\.\d(?!\d\d)")  # 7.3 (a thousands dot, 2.351, is fine)


def _table(values: list[float], school: str = "100001", indicator: str = "karaktergennemsnit") -> pd.DataFrame:
    """A school's published figures from 2020/2021 on, in the data layer's tidy shape."""
    years = [f"{y}/{y + 1}" for y in range(2020, 2020 + len(values))]
    return pd.DataFrame({"school_id": school, "school_name": "", "level": "skole", "school_year": years,
                         "indicator": indicator, "group": "", "value": values, "n": pd.array([pd.NA] * len(values),
                                                                                              dtype="Int64"),
                         "status": "offentliggjort", "source": "", "row": 0, "column": ""})


def _with_noisy_neighbours(own: pd.DataFrame) -> pd.DataFrame:
    """Six other schools whose one-year changes set a normal variation of about 0,3 point."""
    rng = np.random.default_rng(7)
    others = [_table(list(np.round(7 + rng.normal(0, 0.25, len(own)), 1)), f"10000{i}") for i in range(2, 8)]
    return pd.concat([own, *others], ignore_index=True)


# ---------------------------------------------------------------- trends on the sample lab


def test_engskolens_falling_absence_is_an_improvement(sample: Lab) -> None:
    result = assess_change(sample.kvalitet, ENGSKOLEN, sample.catalogue["fravaer"])
    assert result.verdict == IMPROVEMENT  # absence: lower is better
    assert result.years == 4 and result.latest_year == "2024/2025" and result.latest == 5.9
    assert result.slope < -2 * result.slope_se and abs(result.total_change) > result.spread
    assert result.text.startswith("Samlet elevfravær er faldet fra 9,0 % i 2021/2022 til 5,9 % i 2024/2025")
    assert "sandsynligvis en reel forbedring" in result.text
    assert result.text.endswith("Tallet for 2025/2026 er ikke offentliggjort.")  # the newest year is not out


def test_kirkebakkeskolens_ro_og_orden_is_a_decline(sample: Lab) -> None:
    result = assess_change(sample.kvalitet, KIRKEBAKKE, sample.catalogue["ro_orden"], "Mellemtrin")
    assert result.verdict == DECLINE
    assert "faldet fra 4,1 i 2021/2022 til 3,5 i 2025/2026" in result.text and "forværring" in result.text
    assert "Kommunens tal var det samme (3,7) i begge år." in result.text  # not a kommune-wide fall


def test_hedelund_grades_are_honestly_called_a_decline_and_other_noise_is_not(sample: Lab) -> None:
    # The generator meant this as noise around the national drop, but the published figures fall
    # 7,1 → 6,2 → 5,8 → 5,2 → 5,4: a slope of −0,44 a year at 3,5 standard errors (normal variation
    # ≈ 0,56, widened for a smaller school). Nobody could tell it from a real fall, so the honest
    # verdict is a decline — with the kommune's own drop (8,0 → 7,4) shown next to it.
    grades = assess_change(sample.kvalitet, HEDELUND, sample.catalogue["karaktergennemsnit"])
    assert grades.verdict == DECLINE
    assert grades.slope == pytest.approx(-0.44, abs=0.01) and grades.slope / grades.slope_se < -3
    assert "Kommunen gik i samme periode fra 8,0 til 7,4." in grades.text
    # Real noise cases: Engskolen's grades (7,8 7,5 7,3 8,1 7,3) and Bøgekilde's trivsel.
    noise = assess_change(sample.kvalitet, ENGSKOLEN, sample.catalogue["karaktergennemsnit"])
    assert noise.verdict == NORMAL_VARIATION and noise.change == pytest.approx(-0.8)
    assert "Tallet faldt 0,8 point fra året før; det er inden for den normale variation" in noise.text
    calm = assess_change(sample.kvalitet, BOEGEKILDE, sample.catalogue["generel_trivsel"], "Mellemtrin")
    assert calm.verdict == NORMAL_VARIATION and "ingen udvikling ud over den normale variation" in calm.text


def test_texts_write_numbers_the_danish_way(sample: Lab) -> None:
    texts = [assess_change(sample.kvalitet, school.id, indicator, group).text
             for school in sample.config.schools
             for indicator in sample.catalogue.indicators if not indicator.is_categorical
             for group in ("", "Mellemtrin")]
    assert any(re.search(r"\d,\d", text) for text in texts)
    assert not [text for text in texts if ENGLISH_DECIMAL.search(text) or "nan" in text]


# ---------------------------------------------------------------- one-year jumps, constructed


def test_a_one_year_jump_alone_is_never_a_finding(sample: Lab) -> None:
    indicator = sample.catalogue["karaktergennemsnit"]
    jump = assess_change(_with_noisy_neighbours(_table([7.0, 7.1, 6.9, 7.0, 9.5])), "100001", indicator)
    assert jump.verdict == NORMAL_VARIATION and jump.change == pytest.approx(2.5)
    assert "steg 2,5 point fra året før. Det er et stort spring, men ét år alene er ikke et fund" in jump.text
    # However big, a jump after flat years has a slope of exactly √3 standard errors: never beyond 2.
    for size in (0.5, 3.0, 12.0):
        for years in range(3, 9):
            own = _table([7.0] * (years - 1) + [7.0 + size])
            for direction in (1, -1):
                own["value"] = 7.0 + direction * (own["value"] - 7.0)
                verdict = assess_change(_with_noisy_neighbours(own), "100001", indicator).verdict
                assert verdict not in (IMPROVEMENT, DECLINE), (size, years, direction)


def test_a_steady_trend_is_found_and_too_few_years_are_said(sample: Lab) -> None:
    indicator = sample.catalogue["karaktergennemsnit"]
    rising = assess_change(_with_noisy_neighbours(_table([6.0, 6.5, 7.0, 7.4, 8.0])), "100001", indicator)
    assert rising.verdict == IMPROVEMENT and "steget fra 6,0 i 2020/2021 til 8,0 i 2024/2025" in rising.text
    two = assess_change(_with_noisy_neighbours(_table([7.0, 9.0])), "100001", indicator)
    assert two.verdict == TOO_LITTLE_DATA and "der er kun tal for 2 år" in two.text
    alone = assess_change(_table([6.0, 6.5, 7.0, 7.4, 8.0]), "100001", indicator)  # no other schools
    assert alone.verdict == TOO_LITTLE_DATA and "normale variation" in alone.text


def test_hidden_and_absent_figures_get_their_own_verdict(sample: Lab) -> None:
    hidden = _table([7.0, 7.2, 7.1])
    hidden["value"], hidden["status"] = math.nan, "for få besvarelser"
    result = assess_change(_with_noisy_neighbours(hidden), "100001", sample.catalogue["karaktergennemsnit"])
    assert result.verdict == NOT_PUBLISHED and "for få elever har svaret" in result.text
    absent = assess_change(sample.kvalitet, "999999", sample.catalogue["karaktergennemsnit"])
    assert absent.verdict == TOO_LITTLE_DATA and "ingen tal for skolen" in absent.text


# ---------------------------------------------------------------- series, intervals, spreads


def test_suppressed_values_stay_hidden_in_the_series(sample: Lab) -> None:
    series = indicator_series(sample.kvalitet, LILLE_MOELLE, "social_trivsel", "Udskoling")
    assert list(series.columns) == ["school_year", "level", "value", "n", "status", "low", "high"]
    last = series.loc[(series["level"] == "skole") & (series["school_year"] == "2025/2026")].iloc[0]
    assert last["status"] == "for få besvarelser" and math.isnan(last["value"])
    assert math.isnan(last["low"]) and math.isnan(last["high"])
    assert series.loc[series["level"] != "skole", "low"].isna().all()  # no n-based band for kommune/land


def test_intervals_are_wider_for_the_small_school(sample: Lab) -> None:
    def width(school: str) -> float:
        rows = indicator_series(sample.kvalitet, school, "social_trivsel", "Udskoling")
        row = rows.loc[(rows["level"] == "skole") & (rows["school_year"] == "2024/2025")].iloc[0]
        return float(row["high"] - row["low"])

    small, large = width(LILLE_MOELLE), width(BOEGEKILDE)  # 5 and 289 answers
    assert small == pytest.approx(2 * 1.96 * 0.6 / math.sqrt(5))
    assert small / large == pytest.approx(math.sqrt(289 / 5))
    wider = indicator_series(sample.kvalitet, LILLE_MOELLE, "social_trivsel", "Udskoling",
                             pupil_sd={"social_trivsel": 1.2})
    assert float((wider["high"] - wider["low"]).max()) == pytest.approx(2 * 1.96 * 1.2 / math.sqrt(5))
    low, high = interval(50.0, 100, "%")
    assert low == pytest.approx(40.4, abs=0.1) and high == pytest.approx(59.6, abs=0.1)  # Wilson, 50 of 100
    assert all(math.isnan(v) for v in interval(7.0, math.nan, "karakterpoint"))
    absence = indicator_series(sample.kvalitet, ENGSKOLEN, "fravaer")
    assert absence["low"].isna().all()  # no n: no interval is invented


def test_normal_variation_is_robust_and_wider_for_small_schools(sample: Lab) -> None:
    table = sample.kvalitet
    pooled = year_to_year_spread(table, "social_trivsel", "Udskoling")
    assert pooled == pytest.approx(0.148, abs=0.001)
    size, typical = school_size(table, LILLE_MOELLE, "social_trivsel", "Udskoling")
    assert (size, round(typical)) == (8.5, 138)
    assert year_to_year_spread(table, "social_trivsel", "Udskoling", LILLE_MOELLE) == pytest.approx(
        pooled * math.sqrt(typical / size))
    assert year_to_year_spread(table, "social_trivsel", "Udskoling", BOEGEKILDE) == pytest.approx(pooled)
    # One wild change among many ordinary ones hardly moves a robust spread.
    calm = _with_noisy_neighbours(_table([7.0, 7.1, 6.9, 7.0, 7.2]))
    wild = _with_noisy_neighbours(_table([7.0, 7.1, 6.9, 7.0, 12.0]))
    assert year_to_year_spread(wild, "karaktergennemsnit") < 1.5 * year_to_year_spread(calm, "karaktergennemsnit")


# ---------------------------------------------------------------- kommune, land, funnel


def test_comparisons_with_kommune_and_land(sample: Lab) -> None:
    reading = comparison_to_kommune(sample.kvalitet, ENGSKOLEN, sample.catalogue["nt_laesning"])
    assert reading.verdict == WORSE and reading.school_year == "2025/2026"
    assert "51,2 % mod kommunens 62,9 %. Forskellen på 11,7 procentpoint er større" in reading.text
    absence = comparison_to_land(sample.kvalitet, ENGSKOLEN, sample.catalogue["fravaer"])
    assert absence.verdict == NORMAL_VARIATION and absence.school_year == "2024/2025"
    assert "5,9 % mod landets 7,5 %" in absence.text and "inden for den normale forskel" in absence.text
    grades = comparison_to_kommune(sample.kvalitet, HEDELUND, sample.catalogue["karaktergennemsnit"])
    spread = between_school_spread(sample.kvalitet, "karaktergennemsnit", "2025/2026")
    assert grades.difference == pytest.approx(-2.0) and grades.spread > spread  # a smaller school: wider
    assert grades.verdict == NORMAL_VARIATION  # 2,0 below, but within 2 × the (widened) spread


def test_funnel_by_answers_never_holds_a_hidden_value(sample: Lab) -> None:
    data = funnel_data(sample.kvalitet, "social_trivsel", "2025/2026", "Udskoling")
    assert LILLE_MOELLE not in set(data["school_id"])  # 4 answers that year: hidden
    assert data["value"].notna().all() and (data["size_kind"] == "n").all()
    assert (data["center_kind"] == "kommune").all() and (data["center"] == 3.9).all()
    half = (data["limit95_high"] - data["center"]) * np.sqrt(data["size"])
    assert np.allclose(half, 1.96 * 0.6)  # pupil spread / √n
    assert (data["limit998_high"] > data["limit95_high"]).all()


def test_funnel_by_elevtal_says_so_and_skips_the_hidden_grade(sample: Lab) -> None:
    data = funnel_data(sample.kvalitet, "karaktergennemsnit", "2025/2026")
    assert LILLE_MOELLE not in set(data["school_id"])  # grade not published that year
    assert (data["size_kind"] == "elevtal").all() and data.loc[data["school_id"] == BOEGEKILDE, "size"].item() == 1046
    half = (data["limit95_high"] - data["center"]) * np.sqrt(data["size"] / data["size"].median())
    spread = between_school_spread(sample.kvalitet, "karaktergennemsnit", "2025/2026")
    assert np.allclose(half, 1.96 * spread)


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
    assert absence["verdict"] == IMPROVEMENT and absence["difference"] == pytest.approx(1.3)  # below kommune: better


def test_overview_shows_names_only_when_allowed(sample: Lab) -> None:
    named = dataclasses.replace(sample.config, show_school_names=True)
    overview = facilitator_overview(sample.kvalitet, named, sample.catalogue, ["ro_orden"])
    assert set(overview["label"]) == {s.name for s in sample.config.schools}
    assert set(overview["group"]) == {"Mellemtrin", "Udskoling"}


# ---------------------------------------------------------------- the real extract


def test_real_series_has_eight_years_with_kommune_and_land(kbh: Lab) -> None:
    series = indicator_series(kbh.kvalitet, "101001", "karaktergennemsnit")
    assert series["level"].value_counts().to_dict() == {"skole": 8, "kommune": 8, "land": 8}
    school = series.loc[series["level"] == "skole"]
    assert school["school_year"].tolist() == [f"{y}/{y + 1}" for y in range(2018, 2026)]
    assert school.loc[school["school_year"] == "2024/2025", "value"].item() == 9.0
    assert series["low"].isna().all()  # the extract has no n
    result = assess_change(kbh.kvalitet, "101001", kbh.catalogue["karaktergennemsnit"])
    assert result.verdict == NORMAL_VARIATION and result.years == 5  # only the last five years count


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
    assert len(gaps) == 3 and gaps["gap"].round(1).is_monotonic_decreasing and gaps["clear"].all()
    small = largest_gaps(sample.kapacitet.profile, LILLE_MOELLE, sample.instrument, top=10)
    assert not {"Ledelse", "Pædagoger"} & (set(small["group_high"]) | set(small["group_low"]))
    assert (small["gap"].round(1) > 0).all() and not small["clear"].any()
    assert all(text.endswith("kan forskellen være tilfældig.") for text in small["text"])


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
