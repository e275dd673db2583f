"""A national-size skoleoverblik table (any number of invented schools) for the speed benchmarks."""

from __future__ import annotations

import numpy as np
import pandas as pd

from labkit.data.synthetic import (
    SKOLEOVERBLIK_COLUMNS,
    UU_COLUMN,
    format_column,
    round1,
    significance,
    text_frame,
)

_NAME_STARTS = ("Eng", "Bøge", "Mølle", "Skov", "Strand", "Kirke", "Hede", "Lind", "Ege", "Birke", "Rosen")


_NAME_ENDS = ("skolen", " Skole", "vangskolen", "bakkeskolen", "gårdsskolen", "lundskolen")


# centre, year spread, kommune spread, school spread, yearly noise at 400 pupils, lowest, highest
_NATIONAL = {
    "Klassekvotient": (21.0, 0.2, 0.8, 1.5, 0.4, 8, 28),
    "Samlet elevfravær": (7.0, 0.7, 0.4, 1.0, 0.5, 2, 20),
    "Kompetencedækning": (86.0, 0.5, 2.5, 5.0, 2.0, 40, 100),
    "Andel med højest trivsel": (88.0, 1.0, 1.2, 3.0, 1.5, 60, 100),
    UU_COLUMN: (86.0, 0.4, 1.5, 4.0, 3.0, 40, 100),
}


def _national_grades(
    rng: np.random.Generator, land: np.ndarray, kom: np.ndarray, n9: np.ndarray
) -> dict[str, np.ndarray]:
    """Grades and the socio-economic reference; not published for fewer than 3 (5) pupils."""
    ref = round1(kom + rng.normal(0, 0.6, (len(n9), 1)) + rng.normal(0, 0.1, n9.shape))
    value_added = rng.normal(0, 0.3, (len(n9), 1)) + rng.normal(0, 2 / np.sqrt(np.maximum(n9, 1)))
    grade = round1(np.clip(ref + value_added, -3, 12))
    grade[n9 < 3] = np.nan
    ref[n9 < 5] = np.nan
    socref = np.where(n9 < 5, np.nan, grade)
    return {
        "Karaktergennemsnit": grade,
        "Karaktergennemsnit Kommune": kom,
        "Karaktergennemsnit Land": land,
        "SocRef Karaktergennemsnit": socref,
        "SocRef Socioøkonomisk reference": ref,
        "SocRef Forskel": round1(socref - ref),
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
    columns[UU_COLUMN][n9 < 3] = np.nan
    for name in ("Samlet elevfravær", UU_COLUMN):  # the latest year is not published yet
        for suffix in ("", " Kommune", " Land"):
            columns[name + suffix] = np.array(columns[name + suffix], dtype=float)
            columns[name + suffix][:, -1] = np.nan
    columns.update(_national_grades(rng, *levels(7.4, 0.2, 0.25), n9))
    text = {name: format_column(values.ravel()) for name, values in columns.items()}
    starts, ends = _NAME_STARTS, _NAME_ENDS
    names = [
        f"{starts[i % len(starts)]}{ends[i // len(starts) % len(ends)]}" for i in rng.permutation(n_schools)
    ]
    text.update(
        {
            "Institutionsnummer": np.repeat([f"{i:06d}" for i in ids], len(years)),
            "Institution": np.repeat(names, len(years)),
            "Skoleår": np.tile(years, n_schools),
            "Elevtal": format_column(elevtal.ravel(), 0),
            "SocRef Signifikant forskel": significance(columns["SocRef Forskel"].ravel(), n9.ravel()),
        }
    )
    return text_frame(text, SKOLEOVERBLIK_COLUMNS)
