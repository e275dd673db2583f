"""A whole lab folder loaded at once: config, templates, kvalitetsrapport and kapacitet data.

`load_lab` is the one entry point the notebooks, the `check` command and the renderer use.
It never raises for bad data files; it collects every problem so they can be fixed in one go.
"""

from __future__ import annotations

import errno
import html
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from labkit.data.catalogue import Catalogue, load_catalogue
from labkit.data.config import CONFIG_NAME, LabConfig, load_config
from labkit.data.instrument import Instrument, load_instrument
from labkit.data.kapacitet import KapacitetsData, read_kapacitet_workbook
from labkit.data.kapacitet_entry import SHEET_GUIDE, SHEET_LISTS, SHEET_NOTES, SHEET_STATEMENTS
from labkit.data.kvalitet import DIGEST_COLUMN, HIDDEN_DIGEST, FileRead, read_kvalitet_file
from labkit.data.kvalitet_schema import KVALITET_COLUMNS, LEVEL_SCHOOL
from labkit.data.tables import normalise_key
from labkit.problems import Problem, Severity, display_name, has_errors

DATA_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")
# Spreadsheets a facilitator may drop in the data folder that labkit cannot read: say so.
UNREADABLE_SPREADSHEETS = (".xls", ".ods", ".numbers")
KAPACITET_SHEET = "Vurderinger"
_SHEET_NAME = re.compile(r'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"')
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
    """True for an .xlsx that is an interview entry workbook: it has the ratings sheet (named in any case,
    with stray spaces), or two of the entry workbook's other sheets (then the ratings sheet was renamed or
    deleted, and the interview reader says so instead of a kvalitetsrapport message about the guide)."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            workbook_xml = archive.read("xl/workbook.xml").decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, KeyError, OSError):
        return False
    names = {normalise_key(html.unescape(name)) for name in _SHEET_NAME.findall(workbook_xml)}
    if normalise_key(KAPACITET_SHEET) in names:
        return True
    return len(names & {normalise_key(s) for s in (SHEET_GUIDE, SHEET_NOTES, SHEET_STATEMENTS, SHEET_LISTS)}) >= 2


def _not_a_file(path: Path) -> Problem:
    """A data file that cannot be opened: skipping it would silently take a school's figures away."""
    if path.is_dir():
        why = "Det er en mappe, ikke en fil, så den kan ikke læses som data."
    elif path.is_symlink():
        try:
            path.resolve(strict=True)
            why = "Det er en genvej, der ikke peger på en fil, så den kan ikke læses."
        except RuntimeError:  # a loop of links (Python < 3.13)
            why = "Det er en genvej, der peger på sig selv i ring, så den kan ikke åbnes."
        except OSError as error:
            why = ("Det er en genvej, der peger på sig selv i ring, så den kan ikke åbnes."
                   if error.errno == errno.ELOOP else
                   "Det er en genvej til en fil, der ikke findes (den er flyttet eller slettet), så den kan ikke "
                   "åbnes.")
    else:
        why = "Filen kan ikke åbnes som en almindelig fil."
    return Problem(display_name(path), why,
                   expected="selve datafilen i datamappen (ikke en genvej eller mappe), eller fjern navnet derfra")


def _duplicate_problem(group: pd.DataFrame, names: dict[str, str]) -> Problem:
    """One message for a set of figures that appear more than once (e.g. a row pasted twice)."""
    first = group.iloc[0]
    # Compared as read (value and count). Hidden copies are not compared (kvalitet.HIDDEN_DIGEST): the
    # message must say the same whatever the hidden values are.
    agree = bool(group.groupby(_KEY)[DIGEST_COLUMN].nunique(dropna=False).eq(1).all())
    hidden = bool((group[DIGEST_COLUMN] == HIDDEN_DIGEST).any())
    places = sorted({(r.source, r.row) for r in group.itertuples()})
    listed = " og ".join(f"{source} række {row}" for source, row in places[:3])
    if len(places) > 3:
        listed += f" (og {len(places) - 3} andre)"
    indicators = list(dict.fromkeys(names.get(i, i) for i in group["indicator"]))
    what = ", ".join(indicators[:3]) + (f" og {len(indicators) - 3} andre tal" if len(indicators) > 3 else "")
    who = first["school_name"] or first["school_id"] or first["level"]
    subject = f"{who}, {first['school_year']}" + (f" ({first['group']})" if first["group"] else "")
    return Problem(
        str(first["source"]),
        f"Tallene for {subject} ({what}) står flere steder: {listed}."
        + (" Tallet er skjult (for få besvarelser), så værdierne sammenlignes ikke; de første bruges."
           if hidden and agree else " Værdierne er ens; de første bruges." if agree
           else " Værdierne er forskellige, så ingen af dem bruges."),
        row=int(first["row"]), expected="hvert tal én gang",
        column=str(first["column"]) if group["column"].nunique() == 1 else None,  # a whole row: no one column
        severity=Severity.ADVARSEL if agree else Severity.FEJL)


def combine_kvalitet(reads: list[FileRead], names: dict[str, str] | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """One table from several files; the same figure twice is a problem unless the values agree.

    `names` maps indicator ids to the Danish names used in messages.
    """
    frames = [r.table for r in reads if not r.table.empty]
    if not frames:
        return pd.DataFrame(columns=KVALITET_COLUMNS), []
    table = pd.concat(frames, ignore_index=True)
    # The published wide layout repeats the kommune/land figures on every school's row.
    repeated = (table["level"] != LEVEL_SCHOOL) & table.duplicated([*_KEY, DIGEST_COLUMN], keep="first")
    table = table.loc[~repeated]
    problems: list[Problem] = []
    duplicated = table.loc[table.duplicated(_KEY, keep=False)]
    if not duplicated.empty:
        # Group the clashes by the set of rows involved, so a row pasted twice is one message.
        rows_of_key = duplicated.groupby(_KEY, sort=False)["row"].transform(
            lambda rows: ",".join(map(str, sorted(rows))))
        sources = duplicated.groupby(_KEY, sort=False)["source"].transform(lambda s: ",".join(sorted(set(s))))
        for _, clash in duplicated.groupby([sources, rows_of_key], sort=False):
            problem = _duplicate_problem(clash, names or {})
            problems.append(problem)
            if problem.severity is Severity.FEJL:
                conflicting = clash.groupby(_KEY)[DIGEST_COLUMN].transform(lambda v: v.nunique(dropna=False) > 1)
                table = table.drop(index=clash.index[conflicting.to_numpy()])
        table = table.drop_duplicates(_KEY, keep="first")
    return table.drop(columns=DIGEST_COLUMN).reset_index(drop=True), problems


def _templates(config: LabConfig) -> tuple[Catalogue, Instrument]:
    return (
        load_catalogue(config.templates_folder / CATALOGUE_FILE),
        load_instrument(config.templates_folder / INSTRUMENT_FILE),
    )


def load_lab(folder: str | Path) -> Lab:
    """Load a lab folder. Raises `LabkitError` only when the config or templates are unusable."""
    config = load_config(folder)
    catalogue, instrument = _templates(config)
    problems: list[Problem] = [Problem(display_name(config.templates_folder / CATALOGUE_FILE), note,
                                       severity=Severity.ADVARSEL) for note in catalogue.notes]
    layouts: dict[str, str] = {}
    reads: list[FileRead] = []
    kapacitet: KapacitetsData | None = None
    kapacitet_files: list[str] = []
    candidates = sorted(
        p
        for p in config.data_folder.glob("*")
        if p.suffix.lower() in DATA_SUFFIXES and not p.name.startswith(("~$", "."))
    )
    files = [p for p in candidates if p.is_file()]
    problems += [_not_a_file(p) for p in candidates if not p.is_file()]
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
                if kapacitet is not None:
                    problems += _overlap_problems(kapacitet, data, display_name(path), kapacitet_files, config,
                                                  instrument)
                kapacitet = data if kapacitet is None else kapacitet.merged_with(data)
                kapacitet_files.append(display_name(path))
            continue
        read = read_kvalitet_file(path, catalogue, config.min_group_size, config.school_names, config.school_year)
        reads.append(read)
        layouts[display_name(path)] = read.layout
        problems += read.problems
    kvalitet, found = combine_kvalitet(reads, {i.id: i.name for i in catalogue.indicators})
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


def _overlap_problems(earlier: KapacitetsData, later: KapacitetsData, file: str, earlier_files: list[str],
                     config: LabConfig, instrument: Instrument) -> list[Problem]:
    """A school and group in two interview workbooks: only the first file's answers count (the raw
    answers are not kept, so the two cannot be averaged), so say so rather than drop the second."""
    groups = {g.id: g.name for g in instrument.groups}
    return [Problem(file, f"{config.school_names.get(school, school)} · {groups.get(group, group)} står også i "
                          f"{' eller '.join(earlier_files)}. Kun svarene derfra tæller.",
                    expected="hver skole og gruppe i ét indtastningsark: saml svarene i det ene ark",
                    school_id=school)
            for school, group in earlier.overlapping_groups(later)]


def _fingerprint(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Every file the lab is loaded from, with its size and change time: if any changes, reload."""
    config = load_config(folder)
    paths = [folder / CONFIG_NAME, *config.data_folder.glob("*"), *config.templates_folder.rglob("*")]
    return tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths if p.is_file()))


_loaded: dict[Path, tuple[tuple[tuple[str, int, int], ...], Lab]] = {}


def load_lab_cached(folder: str | Path) -> Lab:
    """`load_lab`, but a process that renders school after school loads an unchanged lab only once."""
    folder = Path(folder).resolve()
    fingerprint = _fingerprint(folder)
    cached = _loaded.get(folder)
    if cached is None or cached[0] != fingerprint:
        _loaded[folder] = (fingerprint, load_lab(folder))
    return _loaded[folder][1]
