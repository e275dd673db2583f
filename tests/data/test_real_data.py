"""The real Copenhagen extract (examples/kobenhavn) is read exactly as published."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from labkit.data.kvalitet_schema import STATUS_NOT_PUBLISHED, STATUS_PUBLISHED
from labkit.data.lab import Lab, load_lab

KBH = Path(__file__).resolve().parents[2] / "examples" / "kobenhavn"


@pytest.fixture(scope="module")
def lab() -> Lab:
    return load_lab(KBH)


def figure(table: pd.DataFrame, indicator: str, year: str, school_id: str = "",
           level: str = "skole", group: str = "") -> pd.Series:
    rows = table.loc[
        (table["indicator"] == indicator) & (table["school_year"] == year)
        & (table["school_id"] == school_id) & (table["level"] == level) & (table["group"] == group)
    ]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_real_extract_is_usable_without_problems(lab: Lab) -> None:
    assert lab.usable
    assert lab.problems == []
    assert lab.layouts == {
        "data/skoleoverblik_kbh.csv": "skoleoverblik",
        "data/trivsel_kbh.csv": "trivsel",
    }
    assert lab.kapacitet is None


def test_known_published_figures(lab: Lab) -> None:
    table = lab.kvalitet
    assert figure(table, "karaktergennemsnit", "2024/2025", "101001")["value"] == 9.0
    assert figure(table, "karaktergennemsnit", "2018/2019", "101003")["value"] == 8.5
    assert figure(table, "kompetencedaekning", "2022/2023", "101003")["value"] == pytest.approx(37.4)
    assert figure(table, "elevtal", "2025/2026", "101029")["value"] == 711
    assert figure(table, "socref_forskel", "2022/2023", "101029")["value"] == pytest.approx(-0.3)
    assert figure(table, "faglig_trivsel", "2014/2015", "101001", group="Udskoling")["value"] == 3.6


def test_comparisons_are_kept_once_per_year(lab: Lab) -> None:
    table = lab.kvalitet
    kommune = figure(table, "karaktergennemsnit", "2018/2019", level="kommune")
    land = figure(table, "karaktergennemsnit", "2018/2019", level="land")
    assert (kommune["value"], land["value"]) == (7.5, 7.5)
    assert figure(table, "klassekvotient", "2025/2026", level="land")["value"] == pytest.approx(20.7)


def test_socref_significance_categories(lab: Lab) -> None:
    table = lab.kvalitet
    assert figure(table, "socref_signifikans", "2024/2025", "101001")["value"] == 1  # Over niveau
    assert figure(table, "socref_signifikans", "2018/2019", "101001")["value"] == 0  # På niveau


def test_empty_cells_are_not_published_not_zero(lab: Lab) -> None:
    table = lab.kvalitet
    schools = table.loc[table["level"] == "skole"]
    # The source note counts 298 empty number cells among the schools' rows and comparisons.
    skoleoverblik = table.loc[table["source"] == "data/skoleoverblik_kbh.csv"]
    assert skoleoverblik["status"].eq(STATUS_NOT_PUBLISHED).sum() > 0
    missing = figure(table, "karaktergennemsnit", "2024/2025", "101029")
    assert missing["status"] == STATUS_NOT_PUBLISHED and math.isnan(missing["value"])
    absence = schools.loc[(schools["indicator"] == "fravaer") & (schools["school_year"] == "2018/2019")]
    assert len(absence) == 16 and absence["value"].isna().all()
    assert (schools.loc[schools["status"] == STATUS_PUBLISHED, "value"].notna()).all()


def test_not_published_count_matches_source_note(tmp_path: Path) -> None:
    # One file, no de-duplication of kommune/land: the note's 2,944 cells and 298 empty ones.
    from labkit.data.catalogue import load_catalogue
    from labkit.data.kvalitet import read_kvalitet_file
    from labkit.data.templates import BUNDLED_TEMPLATES

    read = read_kvalitet_file(KBH / "data" / "skoleoverblik_kbh.csv",
                              load_catalogue(BUNDLED_TEMPLATES / "indikatorer.yaml"), 5, {})
    assert len(read.table) == 2944
    assert (read.table["status"] == STATUS_NOT_PUBLISHED).sum() == 298


def test_institution_numbers_are_text(lab: Lab) -> None:
    ids = set(lab.kvalitet.loc[lab.kvalitet["level"] == "skole", "school_id"])
    assert "101001" in ids and all(isinstance(i, str) and len(i) == 6 for i in ids)
    assert len(ids) == 16
