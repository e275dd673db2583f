"""The Danish data summary: strengths and concerns only from developments or steady differences
beyond normal variation; jumps, hidden and missing figures as "uncertain"; kapacitet gaps."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest

from labkit.lab import Lab
from labkit.summary import KAPACITET, KVALITET, Summary, data_summary


@pytest.fixture(scope="module")
def summaries(sample: Lab) -> dict[str, Summary]:
    return {school.id: data_summary(sample, school.id) for school in sample.config.schools}


def _ids(statements: list) -> list[str]:
    return [s.id for s in statements]


def test_the_planted_findings_are_strengths_and_concerns(summaries: dict[str, Summary]) -> None:
    assert "udvikling-fravaer-alle" in _ids(summaries["061001"].strengths)
    concerns = {s.id: s for s in summaries["061004"].concerns}
    assert {"udvikling-ro_orden-Mellemtrin", "udvikling-ro_orden-Udskoling"} <= set(concerns)
    calm = concerns["udvikling-ro_orden-Mellemtrin"]
    assert (calm.source, calm.subject_id, calm.group) == (KVALITET, "ro_orden", "Mellemtrin")
    assert calm.subject_name == "Ro og orden (mellemtrin)" and "faldet fra 4,1 i 2021/2022 til 3,5" in calm.text


def test_a_steady_gap_to_the_kommune_is_a_concern(summaries: dict[str, Summary]) -> None:
    reading = {s.id: s for s in summaries["061001"].concerns}["niveau-under-nt_laesning-alle"]
    assert "tydeligt dårligere end kommunen i hvert af de seneste 3 år med tal (2023/2024–2025/2026)" in reading.text
    assert "senest 51,2 % mod 62,9 %" in reading.text


def test_kapacitet_gaps_are_concerns_only_when_clear(sample: Lab, summaries: dict[str, Summary]) -> None:
    gaps = [s for s in summaries["061004"].concerns if s.source == KAPACITET]
    assert gaps[0].id == "kapacitet-forskel-ledelse" and gaps[0].subject_id == "ledelse"
    assert gaps[0].text == ("Ledelsen vurderer »Pædagogisk ledelse« 1,3 point højere end lærerne. "
                            "Den forskel er værd at tale om.")
    unclear = {s.id: s for s in summaries["061006"].uncertain}["kapacitet-forskel-plf"]
    assert unclear.text.endswith("Med så få svar kan forskellen være tilfældig.")


def test_hidden_figures_and_small_groups_are_uncertain(summaries: dict[str, Summary]) -> None:
    small = summaries["061003"]
    hidden = {s.id: s for s in small.uncertain}
    assert hidden["skjult-ro_orden-Udskoling"].text.startswith(
        "Ro og orden (udskoling) er ikke offentliggjort for 2025/2026, fordi færre end 5 elever har svaret.")
    assert "2022/2023 og 2025/2026" in hidden["skjult-karaktergennemsnit-alle"].text
    assert hidden["kapacitet-skjulte-grupper"].text.startswith("Ledelse og Pædagoger havde færre end 5 deltagere")
    assert "(heller ikke for kommunen)" in hidden["skjult-fravaer-alle"].text  # absence 2025/2026 is out nowhere
    assert not [s for s in small.strengths + small.concerns if "udskoling" in s.subject_name.lower()
                and "trivsel" in s.subject_id]


def test_a_one_year_jump_is_uncertain_never_a_strength(sample: Lab) -> None:
    rows = []
    rng = np.random.default_rng(3)
    for school in sample.config.schools:
        values = [7.0, 7.1, 6.9, 7.0, 9.5] if school.id == "061001" else list(np.round(7 + rng.normal(0, 0.2, 5), 1))
        for year, value in zip(range(2021, 2026), values):
            rows.append({"school_id": school.id, "school_name": school.name, "level": "skole",
                         "school_year": f"{year}/{year + 1}", "indicator": "karaktergennemsnit", "group": "",
                         "value": value, "n": pd.NA, "status": "offentliggjort", "source": "", "row": 0,
                         "column": ""})
    table = pd.DataFrame(rows).astype({"n": "Int64"})
    summary = data_summary(dataclasses.replace(sample, kvalitet=table, kapacitet=None), "061001")
    assert summary.strengths == [] and summary.concerns == []
    jump = {s.id: s for s in summary.uncertain}["udsving-karaktergennemsnit-alle"]
    assert jump.text.startswith("Karaktergennemsnit steg 2,5 point til 2025/2026, men over flere år")
    assert _ids(summary.uncertain)[-1] == "kapacitet-mangler"


def test_the_real_extract_has_no_kapacitet_and_no_invented_findings(kbh: Lab) -> None:
    summary = data_summary(kbh, "101001")
    missing = {s.id: s for s in summary.uncertain}["kapacitet-mangler"]
    assert missing.text.startswith("Der er ingen data fra kapacitetsinterviews")
    assert summary.strengths == [] and summary.concerns == []  # 101001 moves within normal variation
    assert "2023/2024, 2024/2025 og 2025/2026" in {s.id: s for s in summary.uncertain}["skjult-overgang_uu-alle"].text


def test_statements_are_unique_danish_and_point_at_their_subject(sample: Lab, summaries: dict[str, Summary]) -> None:
    dimensions = {d.id for d in sample.instrument.dimensions}
    for summary in summaries.values():
        ids = _ids(summary.all)
        assert len(set(ids)) == len(ids)  # the team's answers are saved by id
        for statement in summary.strengths + summary.concerns:
            known = sample.catalogue.ids if statement.source == KVALITET else dimensions
            assert statement.subject_id in known
        for statement in summary.all:
            assert not re.search(r"\d\.\d(?!\d\d)", statement.text) and "nan" not in statement.text
