"""A whole lab folder loaded at once: config, templates, kvalitetsrapport and kapacitet data.

`load_lab` is the one entry point the notebooks, the `check` command and the renderer use.
It never raises for bad data files; it collects every problem so they can be fixed in one go.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from labkit.catalogue import Catalogue, load_catalogue
from labkit.config import LabConfig, load_config
from labkit.kapacitet import Instrument, KapacitetsData, load_instrument, read_kapacitet_workbook
from labkit.kvalitet import (
    KVALITET_COLUMNS,
    LEVEL_SCHOOL,
    FileRead,
    read_kvalitet_file,
)
from labkit.problems import Problem, Severity, display_name, has_errors

DATA_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")
# Spreadsheets a facilitator may drop in the data folder that labkit cannot read: say so.
UNREADABLE_SPREADSHEETS = (".xls", ".ods", ".numbers")
KAPACITET_SHEET = "Vurderinger"
CATALOGUE_FILE = "indikatorer.yaml"
INSTRUMENT_FILE = "kapacitetsinterview.yaml"
_KEY = ["level", "school_id", "school_year", "indicator", "group"]


@dataclass
class Lab:
    """Everything labkit knows about one lab, validated, with the privacy rule applied."""

    config: LabConfig
    catalogue: Catalogue
    instrument: Instrument
    kvalitet: pd.DataFrame
    kapacitet: KapacitetsData | None
    problems: list[Problem] = field(default_factory=list)
    layouts: dict[str, str] = field(default_factory=dict)  # file → layout it was read as

    @property
    def usable(self) -> bool:
        return not has_errors(self.problems)


def is_kapacitet_workbook(path: Path) -> bool:
    """True for an .xlsx whose sheets include the kapacitet ratings sheet."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            workbook_xml = archive.read("xl/workbook.xml").decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, KeyError, OSError):
        return False
    return f'name="{KAPACITET_SHEET}"' in workbook_xml


def combine_kvalitet(reads: list[FileRead]) -> tuple[pd.DataFrame, list[Problem]]:
    """One table from several files; the same figure twice is a problem unless the values agree."""
    frames = [r.table for r in reads if not r.table.empty]
    if not frames:
        return pd.DataFrame(columns=KVALITET_COLUMNS), []
    table = pd.concat(frames, ignore_index=True)
    # The published wide layout repeats the kommune/land figures on every school's row.
    repeated = (table["level"] != LEVEL_SCHOOL) & table.duplicated([*_KEY, "value"], keep="first")
    table = table.loc[~repeated]
    problems: list[Problem] = []
    duplicated = table.duplicated(_KEY, keep=False)
    if duplicated.any():
        for _, group in table.loc[duplicated].groupby(_KEY, sort=False):
            first = group.iloc[0]
            values = group["value"]
            agree = values.nunique(dropna=False) == 1
            listed = [f"{r.source} række {r.row}" for r in group.head(3).itertuples()]
            places = " og ".join(listed) + (f" (og {len(group) - 3} andre)" if len(group) > 3 else "")
            subject = f"{first['indicator']} {first['school_year']}" + (
                f" ({first['group']})" if first["group"] else ""
            )
            who = first["school_id"] or first["level"]
            problems.append(
                Problem(
                    str(first["source"]),
                    f"Tallet for {who}, {subject} står flere steder: {places}."
                    + (
                        " Værdierne er ens; det første bruges."
                        if agree
                        else " Værdierne er forskellige, så ingen af dem bruges."
                    ),
                    row=int(first["row"]),
                    column="Værdi",
                    expected="hvert tal én gang",
                    severity=Severity.ADVARSEL if agree else Severity.FEJL,
                )
            )
            if not agree:
                table = table.drop(index=group.index)
        table = table.drop_duplicates(_KEY, keep="first")
    return table.reset_index(drop=True), problems


def _templates(config: LabConfig) -> tuple[Catalogue, Instrument]:
    return (
        load_catalogue(config.templates_folder / CATALOGUE_FILE),
        load_instrument(config.templates_folder / INSTRUMENT_FILE),
    )


def load_lab(folder: Path) -> Lab:
    """Load a lab folder. Raises `LabkitError` only when the config or templates are unusable."""
    config = load_config(folder)
    catalogue, instrument = _templates(config)
    problems: list[Problem] = []
    layouts: dict[str, str] = {}
    reads: list[FileRead] = []
    kapacitet: KapacitetsData | None = None
    files = sorted(
        p
        for p in config.data_folder.glob("*")
        if p.is_file() and p.suffix.lower() in DATA_SUFFIXES and not p.name.startswith(("~$", "."))
    )
    for path in sorted(config.data_folder.glob("*")):
        if path.suffix.lower() in UNREADABLE_SPREADSHEETS and not path.name.startswith(("~$", ".")):
            problems.append(
                Problem(
                    display_name(path),
                    "Filen springes over: labkit kan ikke læse dette filformat.",
                    expected="filen gemt som Excel-projektmappe (.xlsx) eller CSV UTF-8 (.csv)",
                    severity=Severity.ADVARSEL,
                )
            )
    if not config.data_folder.is_dir():
        problems.append(
            Problem(
                display_name(config.data_folder),
                "Datamappen findes ikke.",
                expected="en mappe med kvalitetsrapportens filer",
            )
        )
    for path in files:
        if is_kapacitet_workbook(path):
            data, found = read_kapacitet_workbook(
                path, instrument, config.school_names, config.min_group_size
            )
            problems += found
            layouts[display_name(path)] = "kapacitetsinterview"
            if data is not None:
                kapacitet = data if kapacitet is None else kapacitet.merged_with(data)
            continue
        read = read_kvalitet_file(path, catalogue, config.min_group_size, config.school_names)
        reads.append(read)
        layouts[display_name(path)] = read.layout
        problems += read.problems
    kvalitet, found = combine_kvalitet(reads)
    problems += found
    schools_with_data = set(kvalitet["school_id"])
    for school in config.schools:
        if school.id not in schools_with_data:
            problems.append(
                Problem(
                    "lab.yaml",
                    f"Der er ingen kvalitetsrapport-tal for {school.name} ({school.id}).",
                    expected="skolens institutionsnummer i mindst én datafil",
                    severity=Severity.ADVARSEL,
                )
            )
    return Lab(config, catalogue, instrument, kvalitet, kapacitet, problems, layouts)


def school_table(lab: Lab, school_id: str) -> pd.DataFrame:
    """The kvalitet figures for one school plus the kommune and land comparisons."""
    table = lab.kvalitet
    return table.loc[(table["school_id"] == school_id) | (table["level"] != LEVEL_SCHOOL)]
