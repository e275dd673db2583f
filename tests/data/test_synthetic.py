"""The seeded generator: the sample lab's files and the national-size synthetic table."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from labkit.data.instrument import load_instrument
from labkit.data.sample_lab import generate_sample_lab
from labkit.data.synthetic import (
    OTHER_SCHOOLS,
    SAMPLE_SCHOOLS,
    SMALL,
)
from labkit.data.synthetic_kapacitet import synthetic_kapacitet
from labkit.data.synthetic_national import synthetic_skoleoverblik

REPO = Path(__file__).resolve().parents[2]
CSV_FILES = ("skoleoverblik.csv", "trivsel.csv", "kvalitet_supplement.csv")
YEARS = ["2021/2022", "2022/2023", "2023/2024", "2024/2025", "2025/2026"]
UU = "Overgang til UU fra 9. og 10. kl. sept året efter"
# The published layout, column by column (as in the real skoleoverblik download).
SKOLEOVERBLIK_HEADER = [
    "Institutionsnummer",
    "Institution",
    "Skoleår",
    "Elevtal",
    "Klassekvotient",
    "Klassekvotient Kommune",
    "Klassekvotient Land",
    "Samlet elevfravær",
    "Samlet elevfravær Kommune",
    "Samlet elevfravær Land",
    "Karaktergennemsnit",
    "Karaktergennemsnit Kommune",
    "Karaktergennemsnit Land",
    "Kompetencedækning",
    "Kompetencedækning Kommune",
    "Kompetencedækning Land",
    "Andel med højest trivsel",
    "Andel med højest trivsel Kommune",
    "Andel med højest trivsel Land",
    UU,
    f"{UU} Kommune",
    f"{UU} Land",
    "SocRef Karaktergennemsnit",
    "SocRef Socioøkonomisk reference",
    "SocRef Forskel",
    "SocRef Signifikant forskel",
]
COMPARED = [
    "Klassekvotient",
    "Samlet elevfravær",
    "Karaktergennemsnit",
    "Kompetencedækning",
    "Andel med højest trivsel",
    UU,
]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lab")
    generate_sample_lab(folder, seed=2026)
    return folder


def read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(
        folder / "data" / name,
        sep=";",
        decimal=",",
        thousands=".",
        encoding="utf-8-sig",
        dtype={"Institutionsnummer": str},
    )


def test_skoleoverblik_has_the_published_columns(lab: Path) -> None:
    assert list(read(lab, "skoleoverblik.csv").columns) == SKOLEOVERBLIK_HEADER


def test_six_lab_schools_among_twenty_five_years_with_leading_zeros(lab: Path) -> None:
    frame = read(lab, "skoleoverblik.csv")
    everyone = [s.nr for s in (*SAMPLE_SCHOOLS, *OTHER_SCHOOLS)]
    assert len(frame) == 5 * len(everyone) == 100
    assert frame.groupby("Institutionsnummer")["Skoleår"].apply(list).map(sorted).map(YEARS.__eq__).all()
    assert sorted(frame["Institutionsnummer"].unique()) == sorted(everyone)
    assert frame["Institutionsnummer"].str.fullmatch(r"0\d{5}").all()
    config = yaml.safe_load((lab / "lab.yaml").read_text(encoding="utf-8"))
    assert [s["institutionsnummer"] for s in config["skoler"]] == [s.nr for s in SAMPLE_SCHOOLS]
    assert config["skoleår"] == "2025/2026" and config["datamappe"] == "data"


def test_files_are_written_like_the_published_ones(lab: Path) -> None:
    for name in CSV_FILES:
        raw = (lab / "data" / name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and raw.endswith(b"\r\n")
        assert raw.count(b"\r\n") == raw.count(b"\n")
    text = (lab / "data" / "skoleoverblik.csv").read_text(encoding="utf-8-sig")
    assert ";1.0" in text  # Elevtal of the large school with a thousands dot
    elevtal = read(lab, "skoleoverblik.csv").groupby("Institutionsnummer")["Elevtal"].mean()
    assert elevtal.max() >= 1000 and 90 <= elevtal[SMALL] <= 120


def test_socref_forskel_is_the_difference(lab: Path) -> None:
    frame = read(lab, "skoleoverblik.csv").dropna(subset=["SocRef Forskel"])
    difference = frame["SocRef Karaktergennemsnit"] - frame["SocRef Socioøkonomisk reference"]
    assert np.allclose(difference, frame["SocRef Forskel"], atol=1e-9)
    over = frame["SocRef Signifikant forskel"] == "Over niveau"
    under = frame["SocRef Signifikant forskel"] == "Under niveau"
    assert (frame.loc[over, "SocRef Forskel"] > 0).all() and (frame.loc[under, "SocRef Forskel"] < 0).all()
    assert (
        frame.loc[frame["SocRef Forskel"].abs() <= 0.2, "SocRef Signifikant forskel"] == "På niveau"
    ).all()


def test_kommune_and_land_are_identical_within_a_year(lab: Path) -> None:
    frame = read(lab, "skoleoverblik.csv")
    for name in COMPARED:
        for suffix in (" Kommune", " Land"):
            assert (frame.groupby("Skoleår")[name + suffix].nunique(dropna=False) == 1).all(), name + suffix


def test_publication_quirks(lab: Path) -> None:
    frame = read(lab, "skoleoverblik.csv").set_index(["Institutionsnummer", "Skoleår"])
    latest = frame.xs("2025/2026", level="Skoleår")
    for name in ("Samlet elevfravær", UU):
        assert latest[[name, name + " Kommune", name + " Land"]].isna().all().all()
    assert frame.loc[("061003", "2022/2023"), UU] == "-"
    assert frame.loc[("061006", "2022/2023"), "Andel med højest trivsel"] == ".."
    assert frame["Kompetencedækning"].isna()[("061005", "2023/2024")]
    small = frame.xs(SMALL, level="Institutionsnummer")
    assert small["Karaktergennemsnit"].isna().any() and small["Karaktergennemsnit"].notna().any()


def test_trivsel_layout_and_small_groups(lab: Path) -> None:
    frame = read(lab, "trivsel.csv")
    assert list(frame.columns) == [
        "Institutionsnummer",
        "Institution",
        "Skoleår",
        "Klassetringruppe",
        "Trivselsindikator",
        "Indikatorsvar",
        "Antal besvarelser",
    ]
    assert len(frame) == 20 * 5 * 2 * 5
    assert frame["Indikatorsvar"].between(1, 5).all()
    small = frame[frame["Institutionsnummer"] == SMALL]
    assert (small["Antal besvarelser"] < 5).any()
    assert (frame.loc[frame["Institutionsnummer"] != SMALL, "Antal besvarelser"] >= 5).all()


def test_supplement_rows(lab: Path) -> None:
    frame = read(lab, "kvalitet_supplement.csv")
    assert list(frame.columns) == [
        "Institutionsnummer",
        "Skoleår",
        "Indikator",
        "Gruppe",
        "Niveau",
        "Værdi",
        "Antal",
    ]
    assert set(frame["Niveau"]) == {"Skole", "Kommune", "Land"}
    assert frame.loc[frame["Niveau"] != "Skole", "Institutionsnummer"].isna().all()
    schools = frame[frame["Niveau"] == "Skole"]
    assert schools.groupby("Indikator").size().to_dict() == {
        "Inklusionsgrad": 100,
    }
    trivsel = frame[frame["Gruppe"].notna()]
    assert len(trivsel) == 5 * 2 * 5 * 2 and set(trivsel["Niveau"]) == {"Kommune", "Land"}


def test_same_seed_same_bytes_other_seed_other_values(lab: Path, tmp_path: Path) -> None:
    generate_sample_lab(tmp_path / "again", seed=2026)
    generate_sample_lab(tmp_path / "other", seed=7)
    for name in (*CSV_FILES, "kapacitetsinterview.xlsx"):
        assert (tmp_path / "again" / "data" / name).read_bytes() == (lab / "data" / name).read_bytes(), name
    assert (tmp_path / "again" / "lab.yaml").read_bytes() == (lab / "lab.yaml").read_bytes()
    for name in CSV_FILES:
        assert (tmp_path / "other" / "data" / name).read_bytes() != (lab / "data" / name).read_bytes(), name


def test_bundled_sample_data_is_up_to_date(lab: Path) -> None:
    for name in ("lab.yaml", *(f"data/{n}" for n in CSV_FILES)):
        assert (REPO / "sample_data" / name).read_bytes() == (lab / name).read_bytes(), (
            f"sample_data/{name} er forældet: kør python scripts/generate_sample_data.py"
        )


def test_kapacitet_ratings_and_notes() -> None:
    instrument = load_instrument()
    ratings, notes = synthetic_kapacitet(instrument, [(s.nr, s.navn) for s in SAMPLE_SCHOOLS], seed=2026, small_school=SMALL)
    assert list(ratings.columns) == ["school_id", "round", "group", "respondent", "statement", "rating"]
    assert list(notes.columns) == ["school_id", "round", "group", "dimension", "kind", "text"]
    assert set(ratings["round"]) == {1} and set(notes["round"]) == {1}  # no repeat school asked for
    assert ratings["rating"].between(instrument.scale.min, instrument.scale.max).all()
    sizes = ratings.groupby(["school_id", "group"])["respondent"].nunique().unstack()
    # The small school's three leaders fall below the minimum of 5; elsewhere leaders are shown.
    assert sizes.loc["061003", "ledelse"] == 3
    assert sizes["ledelse"].drop("061003").between(5, 7).all() and sizes["laerere"].between(8, 15).all()
    assert sizes["paedagoger"].between(4, 8).all() and sizes["ressourcepersoner"].between(5, 7).all()
    dimension = ratings["statement"].map({s.id: s.dimension for s in instrument.statements})
    means = ratings.assign(dimension=dimension).groupby(["dimension", "group"])["rating"].mean()
    assert means["ledelse", "ledelse"] - means["ledelse", "laerere"] > 0.3
    per_group = notes[notes["group"] != ""].groupby(["school_id", "group"]).size()
    assert per_group.between(2, 4).all() and len(per_group) == 6 * 4
    assert set(notes["kind"]) == {"Note", "Citat"}
    assert set(notes["dimension"]) <= {d.id for d in instrument.dimensions}


def test_a_repeat_interview_adds_round_two_and_leaves_round_one_as_it_was() -> None:
    instrument = load_instrument()
    schools = [(s.nr, s.navn) for s in SAMPLE_SCHOOLS]
    once, _ = synthetic_kapacitet(instrument, schools, seed=2026, small_school=SMALL)
    twice, notes = synthetic_kapacitet(instrument, schools, seed=2026, small_school=SMALL, repeat_school="061001")
    pd.testing.assert_frame_equal(twice.loc[twice["round"] == 1].reset_index(drop=True), once)
    second = twice.loc[twice["round"] == 2]
    assert set(second["school_id"]) == {"061001"} and set(notes.loc[notes["round"] == 2, "school_id"]) == {"061001"}
    dimension = twice["statement"].map({s.id: s.dimension for s in instrument.statements})
    school = twice.assign(dimension=dimension).query("school_id == '061001'")
    means = school.groupby(["round", "dimension"])["rating"].mean()
    assert means[2, "data"] - means[1, "data"] > 0.4  # a year's work on data shows in round 2


def test_synthetic_skoleoverblik_national_size() -> None:
    years = [f"{y}/{y + 1}" for y in range(2018, 2026)]
    frame = synthetic_skoleoverblik(1100, years, seed=1)
    assert len(frame) == 8800 and list(frame.columns) == SKOLEOVERBLIK_HEADER
    assert frame["Institutionsnummer"].str.fullmatch(r"\d{6}").all()
    assert frame["Institutionsnummer"].nunique() == 1100
    assert frame["Elevtal"].str.contains(".", regex=False).any()  # thousands dot for ≥ 1000
    assert (frame.groupby("Skoleår")["Klassekvotient Land"].nunique() == 1).all()
    assert frame["Klassekvotient Kommune"].nunique() > 8  # several kommuner
    numbers = frame[["SocRef Karaktergennemsnit", "SocRef Socioøkonomisk reference", "SocRef Forskel"]]
    numbers = numbers.dropna().apply(lambda c: c.str.replace(",", ".").astype(float))
    difference = numbers.iloc[:, 0] - numbers.iloc[:, 1]
    assert np.allclose(difference, numbers.iloc[:, 2], atol=1e-9)
    assert synthetic_skoleoverblik(20, years, seed=1).equals(synthetic_skoleoverblik(20, years, seed=1))


def test_the_sample_teams_work_is_up_to_date_and_fits_todays_data(tmp_path: Path) -> None:
    """Hedelundskolen's finished Læringslab 1 is what the generator writes, and it still fits the data:
    every statement the team discussed is in today's summary, every chosen area is a candidate, and
    every sign's baseline is the school's latest published figure."""
    from labkit.analysis.candidates import build_candidates, data_flags, lab_focus_areas
    from labkit.analysis.summary import data_summary
    from labkit.data.indsatsteori import Indsatsteori, Tegn, prefill_baseline
    from labkit.data.lab import load_lab
    from labkit.workspace.sample_work import SAMPLE_TEAM_SCHOOL, write_sample_workspace

    lab = load_lab(REPO / "sample_data")
    written = write_sample_workspace(tmp_path, lab.kvalitet, lab.config.lab_name)
    bundled = REPO / "sample_data" / "arbejde" / f"{SAMPLE_TEAM_SCHOOL}.json"
    assert written.read_bytes() == bundled.read_bytes(), "kør python scripts/generate_sample_data.py"
    document = json.loads(bundled.read_text(encoding="utf-8"))["data"]
    summary = data_summary(lab, SAMPLE_TEAM_SCHOOL)
    assert set(document["datasummary"]) <= {s.id for s in summary.all}
    candidates = {c.id for c in build_candidates(lab_focus_areas(lab), data_flags(summary, lab.catalogue))}
    assert set(document["indsatsomraader"]["valgte"]) <= candidates
    for area in document["indsatsomraader"]["valgte"]:
        theory = Indsatsteori.from_dict(document["indsatsteorier"][area])
        assert theory.problem and theory.aktiviteter and theory.indikatorer and theory.evaluering.hvem
        for sign in theory.indikatorer:
            if sign.indicator_id:
                fresh, _ = prefill_baseline(Tegn(kilde=sign.kilde), lab.kvalitet, SAMPLE_TEAM_SCHOOL)
                assert (sign.baseline, sign.baseline_aar) == (fresh.baseline, fresh.baseline_aar)
