"""Seeded, invented data: the bundled sample lab (Bøgekilde Kommune) and large synthetic tables.

`generate_sample_lab` writes a whole lab folder: lab.yaml, three CSV files in the published
layouts and the kapacitetsinterview workbook. `synthetic_skoleoverblik` builds a national-size
table for benchmarks. Every value is invented; only the layouts copy the real files. The same
seed gives the same bytes.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from labkit.data.instrument import DEFAULT_INSTRUMENT, Instrument, load_instrument
from labkit.data.kapacitet_workbook import write_entry_workbook

_UU = "Overgang til UU fra 9. og 10. kl. sept året efter"
_COMPARED = (
    "Klassekvotient",
    "Samlet elevfravær",
    "Karaktergennemsnit",
    "Kompetencedækning",
    "Andel med højest trivsel",
    _UU,
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
    _UU: ((85.5, 85.3, 85.6, 85.9, _NAN), (1.0, 0.8)),
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


def _format_column(values: np.ndarray, decimals: int = 1) -> np.ndarray:
    """`format_dk` over an array (each distinct value formatted once); missing → None."""
    unique, inverse = np.unique(np.round(values.astype(float), decimals), return_inverse=True)
    texts = np.array([format_dk(v, decimals) or None for v in unique], dtype=object)
    return texts[inverse.ravel()]


def _text_frame(columns: Mapping[str, Any], order: list[str]) -> pd.DataFrame:
    """All-text table, as `read_csv(dtype=str)` gives it: empty cells are NaN."""
    return pd.DataFrame({c: pd.Series(np.asarray(columns[c], dtype=object), dtype=str) for c in order})


def _rows_frame(rows: list[list], columns: list[str]) -> pd.DataFrame:
    """`_text_frame` from row lists; an empty text is a missing cell."""
    return _text_frame({c: [row[i] or None for row in rows] for i, c in enumerate(columns)}, columns)


def _significance(diff: np.ndarray, n9: np.ndarray) -> np.ndarray:
    """Over/På/Under niveau: the difference against ~2 standard errors of a 9th-grade mean."""
    limit = 1.96 * 2.0 / np.sqrt(np.maximum(n9, 1))
    labels = np.where(diff > limit, "Over niveau", np.where(diff < -limit, "Under niveau", "På niveau"))
    labels = labels.astype(object)
    labels[np.isnan(diff)] = None
    return labels


def _r1(values: np.ndarray | float) -> np.ndarray:
    return np.round(np.asarray(values, dtype=float), 1)


# ---------------------------------------------------------------- the sample municipality


def _kommune_figures(rng: np.random.Generator) -> dict[str, np.ndarray]:
    return {
        name: _r1(np.array(land) + rng.normal(*offset) + rng.normal(0, 0.1, 5))
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
        scores = np.clip(_r1(scores), 1, 5)
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
    ref = _r1(np.array(_LAND["Karaktergennemsnit"][0]) + s.ses + rng.normal(0, 0.1, 5))
    grade = _r1(ref + s.loeft + rng.normal(0, 2.0 / np.sqrt(n9)))
    socref = grade.copy()
    socref[0] = _r1(grade[0] + rng.normal(0, 0.25))  # 2021/2022: computed on another pupil base
    grade[n9 < 3] = np.nan  # too few in 9th grade: not published
    socref[n9 < 5], ref[n9 < 5] = np.nan, np.nan
    share = np.clip((np.nan_to_num(kom[_UU], nan=86.0) + rng.normal(0, 2)) / 100, 0, 1)
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
        _UU: uu,
        "SocRef Karaktergennemsnit": socref,
        "SocRef Socioøkonomisk reference": ref,
        "SocRef Forskel": _r1(socref - ref),
    }
    frame: dict[str, Any] = {name: _format_column(np.asarray(v, dtype=float)) for name, v in values.items()}
    for name in _COMPARED:
        frame[name + " Kommune"] = _format_column(kom[name])
        frame[name + " Land"] = _format_column(np.array(_LAND[name][0]))
    frame.update(
        {
            "Institutionsnummer": [s.nr] * 5,
            "Institution": [s.navn] * 5,
            "Skoleår": SAMPLE_YEARS,
            "Elevtal": _format_column(elevtal, 0),
            "SocRef Signifikant forskel": _significance(values["SocRef Forskel"], n9),
        }
    )
    return _text_frame(frame, SKOLEOVERBLIK_COLUMNS)


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
    ("061003", "2022/2023", _UU): "-",
    ("061006", "2022/2023", "Andel med højest trivsel"): "..",
    ("061005", "2023/2024", "Kompetencedækning"): "",
}


def _sample_quirks(frame: pd.DataFrame) -> pd.DataFrame:
    """Publication gaps: no absence for the latest year, no transition figure yet, single cells."""
    frame = frame.copy()
    latest = frame["Skoleår"] == SAMPLE_YEARS[-1]
    for name in ("Samlet elevfravær", _UU):
        for suffix in ("", " Kommune", " Land"):
            frame.loc[latest, name + suffix] = np.nan
    for (nr, year, column), text in SAMPLE_QUIRKS.items():
        cell = (frame["Institutionsnummer"] == nr) & (frame["Skoleår"] == year)
        frame.loc[cell, column] = text or np.nan
    return frame


# ---------------------------------------------------------------- kapacitetsinterviews

# Respondents per group; a leadership team with afdelingsledere is often just at the minimum.
_GROUP_SIZES = {"ledelse": (5, 7), "laerere": (8, 15), "paedagoger": (4, 8), "ressourcepersoner": (5, 7)}
# The small school's groups: its three leaders and four pædagoger are below the minimum of 5.
_SMALL_SCHOOL_SIZES = {"ledelse": 3, "laerere": 8, "paedagoger": 4, "ressourcepersoner": 5}
_DIMENSION_LEVEL = {
    "kompetencer": 3.5,
    "motivation": 3.6,
    "vaerdier": 3.3,
    "plf": 2.9,
    "data": 2.7,
    "ledelse": 3.2,
    "inklusion": 3.1,
}
# Leaders rate their own work more kindly than staff do (points, before the school's own factor).
_LEADER_GAP = {"ledelse": 0.9, "data": 0.7, "plf": 0.6, "vaerdier": 0.5}
_GROUP_SHIFT = {
    ("paedagoger", "kompetencer"): -0.3,
    ("ressourcepersoner", "data"): 0.3,
    ("ressourcepersoner", "inklusion"): -0.3,
    ("paedagoger", "inklusion"): 0.2,
}
# One note a line: dimension, kind, who (a group id, personale = any staff group, alle, or skole = the
# interviewers' note on the whole school) | text.
_NOTES = [
    (*head.split(), text)
    for head, text in (
        line.split(" | ")
        for line in """
kompetencer Citat personale | Vi mangler redskaber til de elever, der ikke kan rummes i den almindelige undervisning.
kompetencer Citat personale | Differentiering bliver tit til ekstra opgaver til de hurtige, ikke til en anden undervisning.
kompetencer Note alle | Flere nævner kurset i klasseledelse som det, der har gjort størst forskel de seneste år.
kompetencer Citat ledelse | Vi har sendt mange på efteruddannelse, men vi ved ikke, om det bliver brugt i klasserne.
kompetencer Note paedagoger | Pædagogerne oplever, at deres faglighed sjældent bliver brugt i selve undervisningen.
motivation Citat personale | Der kommer hele tiden nye projekter, og man når aldrig at gøre det gamle færdigt.
motivation Citat personale | Når vi selv har valgt fokus, så giver det mening, og så gør vi det også.
motivation Note alle | Gruppen beskriver stort engagement, men også træthed efter flere år med mange forandringer.
motivation Citat ledelse | Medarbejderne er engagerede; vi skal blive bedre til at fejre det, der lykkes.
vaerdier Citat personale | Vi siger alle sammen »alle skal med«, men vi mener ikke det samme med det.
vaerdier Note alle | Stor enighed om værdierne, men uenighed om, hvad de betyder for de mest udfordrede elever.
vaerdier Citat ledelse | Vi har et fælles sprog i ledelsen, men jeg er ikke sikker på, at det er nået ud i alle teams.
vaerdier Citat personale | Læringsmiljø er blevet et ord, vi bruger, uden at vi har talt om, hvordan det ser ud i en time.
plf Citat personale | Teammøderne går med praktiske ting: ture, vikarer og forældrehenvendelser.
plf Note alle | Et par årgangsteams arbejder systematisk med observationer; det gælder ikke udskolingen.
plf Citat personale | Vi har aldrig set hinanden undervise. Det ville være grænseoverskridende, men nok lærerigt.
plf Citat ledelse | PLF står i skemaet hver uge, men vi ved ikke rigtig, hvad der sker på møderne.
data Citat personale | Vi taler meget om data, men det bliver sjældent til ændret praksis.
data Citat personale | Testresultaterne kommer, når klassen er gået videre, så vi bruger dem ikke til så meget.
data Note alle | Trivselsmålingen gennemgås i teamene, men der følges sjældent op på aftalerne.
data Citat ledelse | Vi har masser af data. Udfordringen er at gøre dem til noget, teamene kan handle på.
data Note ressourcepersoner | Ressourcepersonerne efterspørger et fast forum, hvor data kobles til konkrete indsatser.
ledelse Citat personale | Ledelsen er synlig på gangene, men ikke i undervisningen.
ledelse Citat ledelse | Vi vil gerne være mere i klasserne, men driften æder tiden.
ledelse Note alle | Der er uklarhed om, hvem der beslutter, hvilken støtte den enkelte elev får.
ledelse Citat personale | Når ledelsen har været med på teammødet, bliver tingene faktisk til noget.
inklusion Citat personale | Vi når først at tale med AKT-vejlederen, når situationen er eskaleret.
inklusion Note alle | Lærere og pædagoger samarbejder godt i indskolingen, men næsten ikke i udskolingen.
inklusion Citat personale | Vi spørger sjældent eleverne, hvad der skal til, for at de har det godt i timerne.
inklusion Citat ledelse | Vi har flyttet ressourcer fra specialtilbud ind i klasserne, og det kan mærkes, på godt og ondt.
vaerdier Note skole | På tværs af grupperne blev »alle skal med« brugt om meget forskellige ting.
plf Note skole | Stor forskel mellem afdelingerne: indskolingen har faste PLF-møder, udskolingen har ikke.
data Note skole | Ingen gruppe kunne give et eksempel på, at trivselsmålingen har ført til en ændret indsats.
ledelse Note skole | Ledelsen vurderer sig selv klart højere end medarbejderne; det bør tages op på laboratoriet.
""".strip().splitlines()
    )
]


def synthetic_kapacitet(
    instrument: Instrument, schools: list[tuple[str, str]], seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Invented interview ratings and notes for `schools` ((id, name) pairs).

    Ratings: school_id, group, respondent, statement, rating. Notes: school_id, group, dimension,
    kind, text. Leaders rate some dimensions higher than staff, by a gap that varies by school.
    """
    rng = np.random.default_rng(seed)
    low, high = instrument.scale.min, instrument.scale.max
    dimensions = [d.id for d in instrument.dimensions]
    ratings: list[tuple[str, str, int, str, int]] = []
    notes: list[tuple[str, str, str, str, str]] = []
    for school_id, _ in schools:
        level, gap = rng.normal(0, 0.3), rng.uniform(0.4, 1.4)
        by_dimension = {d: rng.normal(0, 0.25) for d in dimensions}
        for group in instrument.groups:
            fewest, most = _GROUP_SIZES.get(group.id, (5, 8))
            size = (_SMALL_SCHOOL_SIZES.get(group.id, fewest) if school_id == SMALL
                    else int(rng.integers(fewest, most + 1)))
            for respondent in range(1, size + 1):
                person = rng.normal(0, 0.35)
                for st in instrument.statements:
                    mean = (
                        _DIMENSION_LEVEL.get(st.dimension, 3.2)
                        + level
                        + by_dimension[st.dimension]
                        + person
                        + _GROUP_SHIFT.get((group.id, st.dimension), 0.0)
                    )
                    if group.id == "ledelse":
                        mean += gap * _LEADER_GAP.get(st.dimension, 0.2)
                    on_scale = low + (mean + rng.normal(0, 0.6) - 1) / 4 * (high - low)
                    ratings.append(
                        (school_id, group.id, respondent, st.id, int(np.clip(np.round(on_scale), low, high)))
                    )
        used: set[str] = set()
        for group_id in [*(g.id for g in instrument.groups), ""]:  # "": the interviewers' note on the school
            staff = "personale" if group_id != "ledelse" else ""
            who = (group_id, "alle", staff) if group_id else ("skole",)
            pool = [n for n in _NOTES if n[0] in dimensions and n[2] in who and n[3] not in used]
            if not pool and group_id:  # an instrument with other dimensions: a plain note per dimension
                pool = [
                    (d.id, "Note", "alle", f"Gruppen drøftede »{d.name}« længe; synspunkterne var delte.")
                    for d in instrument.dimensions
                ]
            count = 1 if not group_id else int(rng.integers(2, 5))
            for i in rng.choice(len(pool), min(len(pool), count), replace=False):
                used.add(pool[i][3])
                notes.append((school_id, group_id, pool[i][0], pool[i][1], pool[i][3]))
    return (
        pd.DataFrame(ratings, columns=["school_id", "group", "respondent", "statement", "rating"]),
        pd.DataFrame(notes, columns=["school_id", "group", "dimension", "kind", "text"]),
    )


# ---------------------------------------------------------------- national-size table

_NAME_STARTS = ("Eng", "Bøge", "Mølle", "Skov", "Strand", "Kirke", "Hede", "Lind", "Ege", "Birke", "Rosen")
_NAME_ENDS = ("skolen", " Skole", "vangskolen", "bakkeskolen", "gårdsskolen", "lundskolen")
# centre, year spread, kommune spread, school spread, yearly noise at 400 pupils, lowest, highest
_NATIONAL = {
    "Klassekvotient": (21.0, 0.2, 0.8, 1.5, 0.4, 8, 28),
    "Samlet elevfravær": (7.0, 0.7, 0.4, 1.0, 0.5, 2, 20),
    "Kompetencedækning": (86.0, 0.5, 2.5, 5.0, 2.0, 40, 100),
    "Andel med højest trivsel": (88.0, 1.0, 1.2, 3.0, 1.5, 60, 100),
    _UU: (86.0, 0.4, 1.5, 4.0, 3.0, 40, 100),
}


def _national_grades(
    rng: np.random.Generator, land: np.ndarray, kom: np.ndarray, n9: np.ndarray
) -> dict[str, np.ndarray]:
    """Grades and the socio-economic reference; not published for fewer than 3 (5) pupils."""
    ref = _r1(kom + rng.normal(0, 0.6, (len(n9), 1)) + rng.normal(0, 0.1, n9.shape))
    value_added = rng.normal(0, 0.3, (len(n9), 1)) + rng.normal(0, 2 / np.sqrt(np.maximum(n9, 1)))
    grade = _r1(np.clip(ref + value_added, -3, 12))
    grade[n9 < 3] = np.nan
    ref[n9 < 5] = np.nan
    socref = np.where(n9 < 5, np.nan, grade)
    return {
        "Karaktergennemsnit": grade,
        "Karaktergennemsnit Kommune": kom,
        "Karaktergennemsnit Land": land,
        "SocRef Karaktergennemsnit": socref,
        "SocRef Socioøkonomisk reference": ref,
        "SocRef Forskel": _r1(socref - ref),
    }


def synthetic_skoleoverblik(n_schools: int, years: list[str], seed: int) -> pd.DataFrame:
    """A national-size skoleoverblik in the published layout: text cells, Danish numbers, NaN = empty."""
    rng = np.random.default_rng(seed)
    shape = (n_schools, len(years))
    ids = np.sort(rng.choice(np.arange(10_000, 870_000), n_schools, replace=False))
    n_kommuner = max(1, min(98, n_schools // 10))
    kommune = ids * n_kommuner // 870_000
    elevtal = np.round(
        np.clip(rng.lognormal(np.log(450), 0.55, (n_schools, 1)), 40, 1500) * (1 + rng.normal(0, 0.02, shape))
    )
    size = np.sqrt(400 / elevtal)
    n9 = np.round(elevtal / 10 * rng.normal(1, 0.08, shape))

    def levels(centre: float, year_sd: float, kommune_sd: float) -> tuple[np.ndarray, np.ndarray]:
        land = centre + rng.normal(0, year_sd, len(years))
        by_kommune = (
            land
            + rng.normal(0, kommune_sd, (n_kommuner, 1))
            + rng.normal(0, kommune_sd / 3, (n_kommuner, len(years)))
        )
        return np.broadcast_to(land, shape), by_kommune[kommune]

    columns: dict[str, np.ndarray] = {}
    for name, (centre, year_sd, kommune_sd, school_sd, noise, lo, hi) in _NATIONAL.items():
        land, kom = levels(centre, year_sd, kommune_sd)
        school = np.clip(
            kom + rng.normal(0, school_sd, (n_schools, 1)) + rng.normal(0, noise, shape) * size, lo, hi
        )
        columns.update({name: school, name + " Kommune": kom, name + " Land": land})
    columns[_UU][n9 < 3] = np.nan
    for name in ("Samlet elevfravær", _UU):  # the latest year is not published yet
        for suffix in ("", " Kommune", " Land"):
            columns[name + suffix] = np.array(columns[name + suffix], dtype=float)
            columns[name + suffix][:, -1] = np.nan
    columns.update(_national_grades(rng, *levels(7.4, 0.2, 0.25), n9))
    text = {name: _format_column(values.ravel()) for name, values in columns.items()}
    starts, ends = _NAME_STARTS, _NAME_ENDS
    names = [
        f"{starts[i % len(starts)]}{ends[i // len(starts) % len(ends)]}" for i in rng.permutation(n_schools)
    ]
    text.update(
        {
            "Institutionsnummer": np.repeat([f"{i:06d}" for i in ids], len(years)),
            "Institution": np.repeat(names, len(years)),
            "Skoleår": np.tile(years, n_schools),
            "Elevtal": _format_column(elevtal.ravel(), 0),
            "SocRef Signifikant forskel": _significance(columns["SocRef Forskel"].ravel(), n9.ravel()),
        }
    )
    return _text_frame(text, SKOLEOVERBLIK_COLUMNS)


# ---------------------------------------------------------------- writing the sample lab


def _lab_yaml() -> str:
    note = "    # altid 6 cifre i anførselstegn, så et 0 forrest bevares"
    schools = "".join(
        f'  - institutionsnummer: "{s.nr}"{note if i == 0 else ""}\n    navn: {s.navn}\n'
        for i, s in enumerate(SAMPLE_SCHOOLS)
    )
    return (
        "# Indstillinger for ét læringslaboratorium. labkit finder filen i lab-mappen.\n"
        "# Alt efter # er kommentarer. Alle tal og skoler her er opdigtede eksempeldata.\n\n"
        f"kommune: {KOMMUNE}          # kommunens navn (kommunen er opdigtet)\n"
        "laboratorium: Læringslab 1          # laboratoriets navn på forsider og udskrifter\n"
        f'skoleår: "{SAMPLE_YEARS[-1]}"                # det aktuelle skoleår, i anførselstegn\n'
        "mindste_gruppe: 5                   # mindste antal svar, før et tal eller en figur vises\n"
        "vis_skolenavne: false               # må skolerne se hinandens navne i facilitatorvisningen?\n"
        "skoler:                             # de deltagende skoler\n"
        f"{schools}"
        "datamappe: data                     # mappen med datafilerne, set fra denne fil\n"
    )


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Semicolons, UTF-8 with BOM, CRLF, empty cell for a missing value: like the published files."""
    lines = [";".join(frame.columns)]
    lines += [";".join("" if pd.isna(v) else str(v) for v in row) for row in frame.itertuples(index=False)]
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))


def _stabilise_workbook(path: Path) -> None:
    """Rewrite an .xlsx with fixed entry times and document dates, so its bytes depend on content only."""
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    stamp = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format(*FIXED_TIME).encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.external_attr = 0o600 << 16
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)


def generate_sample_lab(folder: Path, seed: int = 2026) -> None:
    """Write the sample lab (lab.yaml, data/*.csv, data/kapacitetsinterview.xlsx) into `folder`."""
    data = Path(folder) / "data"
    data.mkdir(parents=True, exist_ok=True)
    (Path(folder) / "lab.yaml").write_text(_lab_yaml(), encoding="utf-8")
    overblik, trivsel, supplement = sample_tables(seed)
    _write_csv(overblik, data / "skoleoverblik.csv")
    _write_csv(trivsel, data / "trivsel.csv")
    _write_csv(supplement, data / "kvalitet_supplement.csv")
    instrument = load_instrument(DEFAULT_INSTRUMENT)
    schools = [(s.nr, s.navn) for s in SAMPLE_SCHOOLS]
    ratings, notes = synthetic_kapacitet(instrument, schools, seed)
    workbook = data / "kapacitetsinterview.xlsx"
    write_entry_workbook(workbook, instrument, schools, ratings, notes)
    _stabilise_workbook(workbook)
