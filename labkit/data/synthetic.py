"""Seeded, invented data: the bundled sample lab (Bøgekilde Kommune) and large synthetic tables.

`generate_sample_lab` writes a whole lab folder: lab.yaml, three CSV files in the published
layouts and the kapacitetsinterview workbook. `synthetic_skoleoverblik` builds a national-size
table for benchmarks. Every value is invented; only the layouts copy the real files. The same
seed gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

UU_COLUMN = "Overgang til UU fra 9. og 10. kl. sept året efter"
_COMPARED = (
    "Klassekvotient",
    "Samlet elevfravær",
    "Karaktergennemsnit",
    "Kompetencedækning",
    "Andel med højest trivsel",
    UU_COLUMN,
)
SKOLEOVERBLIK_COLUMNS = [
    "Institutionsnummer",
    "Institution",
    "Skoleår",
    "Elevtal",
    *[f"{name}{suffix}" for name in _COMPARED for suffix in ("", " Kommune", " Land")],
    "SocRef Karaktergennemsnit",
    "SocRef Socioøkonomisk reference",
    "SocRef Forskel",
    "SocRef Signifikant forskel",
]
TRIVSEL_COLUMNS = [*SKOLEOVERBLIK_COLUMNS[:3], "Klassetringruppe", "Trivselsindikator", "Indikatorsvar"]
TRIVSEL_COLUMNS.append("Antal besvarelser")  # not in the published file: the kit needs n
SUPPLEMENT_COLUMNS = ["Institutionsnummer", "Skoleår", "Indikator", "Gruppe", "Niveau", "Værdi", "Antal"]
TRIVSELSINDIKATORER = (
    "Social trivsel",
    "Faglig trivsel",
    "Støtte og inspiration",
    "Ro og orden",
    "Generel trivsel",
)
KLASSETRINGRUPPER = ("Udskoling", "Mellemtrin")  # the published file lists Udskoling first
SAMPLE_YEARS = tuple(f"{y}/{y + 1}" for y in range(2021, 2026))
KOMMUNE = "Bøgekilde Kommune"
FIXED_TIME = (2026, 1, 5, 8, 0, 0)  # zip entry times and workbook properties, for stable bytes


class SampleSchool(NamedTuple):
    nr: str
    navn: str
    elever: int  # pupils in a typical year
    klasser: int
    fravaer: float  # absence above the kommune, %-points
    ses: float  # socio-economic reference above the country, grade points
    loeft: float  # value added, grade points
    trivsel: float  # trivsel above the kommune, points on 1-5


SAMPLE_SCHOOLS = (
    SampleSchool("061001", "Engskolen", 540, 23, 1.2, -0.2, 0.1, 0.0),
    SampleSchool("061002", "Bøgekilde Skole", 1030, 45, -0.3, 0.5, 0.5, 0.05),
    SampleSchool("061003", "Lille Mølle Skole", 98, 8, -0.6, 0.3, 0.0, 0.15),
    SampleSchool("061004", "Kirkebakkeskolen", 430, 19, 0.4, -0.4, -0.1, 0.05),
    SampleSchool("061005", "Skovvangskolen", 680, 29, -0.5, 0.8, 0.2, 0.05),
    SampleSchool("061006", "Hedelundskolen", 320, 15, 0.9, -0.9, -0.4, -0.12),
)
# The kommune's other schools: in the data files (the facilitator downloads the whole kommune, so the
# kit knows how much figures normally vary), never in lab.yaml, the interviews or the handouts.
_OTHER_NAMES = ("Strandskolen", "Lindegårdsskolen", "Egebakkeskolen", "Birkelundskolen", "Rosenvangskolen",
                "Møllevangskolen", "Kildeskolen", "Søndre Skole", "Nørremarksskolen", "Vestervangskolen",
                "Højvangskolen", "Åskolen", "Engvejens Skole", "Bakkeskolen")


def _other_schools(seed: int = 61) -> tuple[SampleSchool, ...]:
    rng = np.random.default_rng(seed)
    schools = []
    for i, name in enumerate(_OTHER_NAMES):
        pupils = int(np.clip(rng.lognormal(np.log(520), 0.35), 200, 950))
        schools.append(SampleSchool(f"0610{i + 11:02d}", name, pupils, max(8, round(pupils / 23)),
                                    round(float(rng.normal(0, 0.7)), 1), round(float(rng.normal(0, 0.5)), 1),
                                    round(float(rng.normal(0, 0.25)), 1), round(float(rng.normal(0, 0.08)), 2)))
    return tuple(schools)


OTHER_SCHOOLS = _other_schools()
IMPROVING = ("061001", "Samlet elevfravær")  # absence falls clearly, 2021/2022-2024/2025
DECLINING = ("061004", "Ro og orden")  # trivsel score falls in both groups, every year
SMALL = "061003"
# Lille Mølle: most pupils move on after 6th grade; pupils in 9th grade in 2021/2022, 2022/2023 ...,
# and the two later cohorts (then in 8th and 7th grade).
_SMALL_COHORTS = (5, 2, 4, 3, 1, 2, 1)

# The country's figures per year (a fixed backdrop; NaN = not published) and how far the kommune
# tends to sit from them (mean, spread).
_NAN = float("nan")
_LAND = {
    "Klassekvotient": ((21.0, 20.9, 20.9, 20.8, 20.7), (0.6, 0.2)),
    "Samlet elevfravær": ((8.1, 7.2, 7.4, 7.5, _NAN), (-0.3, 0.2)),
    "Karaktergennemsnit": ((7.9, 7.3, 7.3, 7.4, 7.3), (0.1, 0.1)),
    "Kompetencedækning": ((86.4, 86.6, 86.3, 85.5, 85.8), (1.2, 0.8)),
    "Andel med højest trivsel": ((89.8, 87.5, 86.1, 87.1, 88.1), (0.4, 0.6)),
    UU_COLUMN: ((85.5, 85.3, 85.6, 85.9, _NAN), (1.0, 0.8)),
    "Inklusionsgrad": ((95.6, 95.4, 95.3, 95.1, 95.0), (0.5, 0.2)),
}
_TRIVSEL_LAND = {  # per Klassetringruppe, in TRIVSELSINDIKATORER order
    "Mellemtrin": (4.1, 3.8, 3.4, 3.7, 3.8),
    "Udskoling": (3.9, 3.6, 3.1, 3.6, 3.6),
}
_TRIVSEL_YEAR = (0.0, -0.05, -0.06, -0.03, 0.0)
_SWAP = str.maketrans(",.", ".,")


def format_dk(value: float | None, decimals: int = 1) -> str:
    """A number as the published files write it: `7,3`, `1.012`, `7` (not `7,0`); missing → ''."""
    if value is None or not np.isfinite(value):
        return ""
    text = f"{round(float(value), decimals) + 0.0:,.{decimals}f}".translate(_SWAP)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return "0" if text == "-0" else text


def format_column(values: np.ndarray, decimals: int = 1) -> np.ndarray:
    """`format_dk` over an array (each distinct value formatted once); missing → None."""
    unique, inverse = np.unique(np.round(values.astype(float), decimals), return_inverse=True)
    texts = np.array([format_dk(v, decimals) or None for v in unique], dtype=object)
    return texts[inverse.ravel()]


def text_frame(columns: Mapping[str, Any], order: list[str]) -> pd.DataFrame:
    """All-text table, as `read_csv(dtype=str)` gives it: empty cells are NaN."""
    return pd.DataFrame({c: pd.Series(np.asarray(columns[c], dtype=object), dtype=str) for c in order})


def _rows_frame(rows: list[list], columns: list[str]) -> pd.DataFrame:
    """`text_frame` from row lists; an empty text is a missing cell."""
    return text_frame({c: [row[i] or None for row in rows] for i, c in enumerate(columns)}, columns)


def significance(diff: np.ndarray, n9: np.ndarray) -> np.ndarray:
    """Over/På/Under niveau: the difference against ~2 standard errors of a 9th-grade mean."""
    limit = 1.96 * 2.0 / np.sqrt(np.maximum(n9, 1))
    labels = np.where(diff > limit, "Over niveau", np.where(diff < -limit, "Under niveau", "På niveau"))
    labels = labels.astype(object)
    labels[np.isnan(diff)] = None
    return labels


def round1(values: np.ndarray | float) -> np.ndarray:
    return np.round(np.asarray(values, dtype=float), 1)


# ---------------------------------------------------------------- the sample municipality


def _kommune_figures(rng: np.random.Generator) -> dict[str, np.ndarray]:
    return {
        name: round1(np.array(land) + rng.normal(*offset) + rng.normal(0, 0.1, 5))
        for name, (land, offset) in _LAND.items()
    }


def _pupils(rng: np.random.Generator, school: SampleSchool) -> tuple[np.ndarray, np.ndarray, dict]:
    """Elevtal, pupils in 9th grade and pupils per Klassetringruppe, per year."""
    if school.nr == SMALL:
        c = np.array(_SMALL_COHORTS)
        udskoling = c[:5] + c[1:6] + c[2:7]
        lower = np.round(school.elever * (1 + rng.normal(0, 0.03, 5))).astype(int)
        return lower + udskoling, c[:5], {"Udskoling": udskoling, "Mellemtrin": np.round(lower * 3 / 7)}
    drift = rng.normal(0, 0.01)
    elevtal = np.round(school.elever * (1 + drift * np.arange(5) + rng.normal(0, 0.015, 5))).astype(int)
    if school.elever >= 1000:
        elevtal = np.maximum(elevtal, 1001)  # written with a thousands dot: 1.012
    n9 = np.round(elevtal / 10 * rng.normal(1, 0.05, 5)).astype(int)
    return elevtal, n9, {"Udskoling": np.round(elevtal * 0.29), "Mellemtrin": np.round(elevtal * 0.3)}


def _sample_trivsel(
    rng: np.random.Generator,
    groups: dict[str, np.ndarray],
    school: SampleSchool,
    kommune: dict[str, np.ndarray],
) -> tuple[list[list], np.ndarray]:
    """Trivsel rows in the published order, and the school's mean Generel trivsel per year."""
    rows, general = [], np.zeros(5)
    persistent = rng.normal(0, 0.08, (2, 4))
    for t, year in enumerate(SAMPLE_YEARS):
        shock, scores, answers = rng.normal(0, 0.03), np.zeros((5, 2)), [0, 0]
        for g, group in enumerate(KLASSETRINGRUPPER):
            n = answers[g] = round(float(groups[group][t]) * rng.uniform(0.82, 0.96))
            true = kommune[group][:4, t] + school.trivsel + persistent[g] + shock
            if school.nr == DECLINING[0]:
                true[TRIVSELSINDIKATORER.index(DECLINING[1])] += 0.25 - 0.15 * t
            scores[:4, g] = true + rng.normal(0, 0.75 / np.sqrt(max(n, 1)), 4)
            # Generel trivsel averages all questions: close to the mean of the four indicators.
            offset = kommune[group][4, t] - kommune[group][:4, t].mean()
            scores[4, g] = scores[:4, g].mean() + offset + rng.normal(0, 0.2 / np.sqrt(max(n, 1)))
        scores = np.clip(round1(scores), 1, 5)
        general[t] = scores[4].mean()
        for i, name in enumerate(TRIVSELSINDIKATORER):
            for g, group in enumerate(KLASSETRINGRUPPER):
                n_text = format_dk(answers[g], 0)
                rows.append([school.nr, school.navn, year, group, name, format_dk(scores[i, g]), n_text])
    return rows, general


_SUPPLEMENT = (("Inklusionsgrad", 1.0),)


def _school_overblik(
    rng: np.random.Generator,
    s: SampleSchool,
    kom: dict[str, np.ndarray],
    elevtal: np.ndarray,
    n9: np.ndarray,
    trivsel_gap: np.ndarray,
) -> pd.DataFrame:
    """The school's five rows of the skoleoverblik, before the publication quirks."""
    fravaer = kom["Samlet elevfravær"] + s.fravaer + rng.normal(0, 6 / np.sqrt(elevtal))
    if s.nr == IMPROVING[0]:
        fravaer -= 0.8 * np.arange(5)
    ref = round1(np.array(_LAND["Karaktergennemsnit"][0]) + s.ses + rng.normal(0, 0.1, 5))
    grade = round1(ref + s.loeft + rng.normal(0, 2.0 / np.sqrt(n9)))
    socref = grade.copy()
    socref[0] = round1(grade[0] + rng.normal(0, 0.25))  # 2021/2022: computed on another pupil base
    grade[n9 < 3] = np.nan  # too few in 9th grade: not published
    socref[n9 < 5], ref[n9 < 5] = np.nan, np.nan
    share = np.clip((np.nan_to_num(kom[UU_COLUMN], nan=86.0) + rng.normal(0, 2)) / 100, 0, 1)
    uu = np.where(n9 < 3, np.nan, 100 * rng.binomial(n9, share) / n9)
    noise = rng.normal(0, 1, (2, 5)) / np.sqrt(elevtal)
    values = {
        "Klassekvotient": elevtal / s.klasser,
        "Samlet elevfravær": fravaer,
        "Karaktergennemsnit": grade,
        "Kompetencedækning": np.clip(kom["Kompetencedækning"] + rng.normal(0, 4) + 40 * noise[0], 70, 98),
        "Andel med højest trivsel": np.clip(
            kom["Andel med højest trivsel"] + 40 * trivsel_gap + 25 * noise[1], 70, 99
        ),
        UU_COLUMN: uu,
        "SocRef Karaktergennemsnit": socref,
        "SocRef Socioøkonomisk reference": ref,
        "SocRef Forskel": round1(socref - ref),
    }
    frame: dict[str, Any] = {name: format_column(np.asarray(v, dtype=float)) for name, v in values.items()}
    for name in _COMPARED:
        frame[name + " Kommune"] = format_column(kom[name])
        frame[name + " Land"] = format_column(np.array(_LAND[name][0]))
    frame.update(
        {
            "Institutionsnummer": [s.nr] * 5,
            "Institution": [s.navn] * 5,
            "Skoleår": SAMPLE_YEARS,
            "Elevtal": format_column(elevtal, 0),
            "SocRef Signifikant forskel": significance(values["SocRef Forskel"], n9),
        }
    )
    return text_frame(frame, SKOLEOVERBLIK_COLUMNS)


def _school_supplement(
    rng: np.random.Generator, s: SampleSchool, kom: dict[str, np.ndarray], elevtal: np.ndarray
) -> list[list]:
    """Inklusionsgrad in the long layout: the school's own level plus a yearly wobble of ~8/√n points."""
    rows = []
    for name, _ in _SUPPLEMENT:
        value = np.clip(kom[name] + rng.normal(0, 1) + rng.normal(0, 8, 5) / np.sqrt(elevtal), 20, 99.8)
        rows += [
            [s.nr, SAMPLE_YEARS[y], name, "", "Skole", format_dk(value[y]), format_dk(elevtal[y], 0)]
            for y in range(5)
        ]
    return rows


def _comparison_rows(
    rng: np.random.Generator, kom: dict[str, np.ndarray], kom_trivsel: dict[str, np.ndarray]
) -> list[list]:
    """Kommune and land rows for the supplement (the published trivsel file has none)."""
    rows = []
    for name, share in _SUPPLEMENT:
        for y, year in enumerate(SAMPLE_YEARS):
            n = format_dk(8400 * share * rng.uniform(0.97, 1.03), 0)
            rows += [
                ["", year, name, "", "Kommune", format_dk(kom[name][y]), n],
                ["", year, name, "", "Land", format_dk(_LAND[name][0][y]), ""],
            ]
    for y, year in enumerate(SAMPLE_YEARS):
        for group in KLASSETRINGRUPPER:
            n = format_dk(2400 * rng.uniform(0.86, 0.93), 0)
            for i, name in enumerate(TRIVSELSINDIKATORER):
                land = _TRIVSEL_LAND[group][i] + _TRIVSEL_YEAR[y]
                rows += [
                    ["", year, name, group, "Kommune", format_dk(kom_trivsel[group][i, y]), n],
                    ["", year, name, group, "Land", format_dk(land), ""],
                ]
    return rows


def sample_tables(seed: int = 2026) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Skoleoverblik, trivsel and kvalitet_supplement of the sample lab, as text tables."""
    rng = np.random.default_rng(seed)
    kom = _kommune_figures(rng)
    kom_trivsel = {
        g: np.add.outer(base, _TRIVSEL_YEAR) + rng.normal(0.03, 0.04, (5, 1))
        for g, base in _TRIVSEL_LAND.items()
    }
    kom_general = (kom_trivsel["Mellemtrin"][4] + kom_trivsel["Udskoling"][4]) / 2
    wide, trivsel, supplement = [], [], []
    for s in (*SAMPLE_SCHOOLS, *OTHER_SCHOOLS):
        elevtal, n9, groups = _pupils(rng, s)
        rows, general = _sample_trivsel(rng, groups, s, kom_trivsel)
        trivsel += rows
        wide.append(_school_overblik(rng, s, kom, elevtal, n9, general - kom_general))
        supplement += _school_supplement(rng, s, kom, elevtal)
    supplement += _comparison_rows(rng, kom, kom_trivsel)
    overblik = _sample_quirks(pd.concat(wide, ignore_index=True))
    return overblik, _rows_frame(trivsel, TRIVSEL_COLUMNS), _rows_frame(supplement, SUPPLEMENT_COLUMNS)


# Where the sample lab's real-world quirks sit (school, year, column → cell text; "" = empty).
SAMPLE_QUIRKS = {
    ("061003", "2022/2023", UU_COLUMN): "-",
    ("061006", "2022/2023", "Andel med højest trivsel"): "..",
    ("061005", "2023/2024", "Kompetencedækning"): "",
}


def _sample_quirks(frame: pd.DataFrame) -> pd.DataFrame:
    """Publication gaps: no absence for the latest year, no transition figure yet, single cells."""
    frame = frame.copy()
    latest = frame["Skoleår"] == SAMPLE_YEARS[-1]
    for name in ("Samlet elevfravær", UU_COLUMN):
        for suffix in ("", " Kommune", " Land"):
            frame.loc[latest, name + suffix] = np.nan
    for (nr, year, column), text in SAMPLE_QUIRKS.items():
        cell = (frame["Institutionsnummer"] == nr) & (frame["Skoleår"] == year)
        frame.loc[cell, column] = text or np.nan
    return frame


# ---------------------------------------------------------------- kapacitetsinterviews





# ---------------------------------------------------------------- national-size table







# ---------------------------------------------------------------- writing the sample lab








