"""The lab folder's configuration file (`lab.yaml`): municipality, lab, schools, privacy limit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labkit.data.templates import (
    BUNDLED_TEMPLATES,
    at_line,
    read_yaml,
    refuse_unknown_keys,
    require,
    require_list,
)
from labkit.numbers import ascii_digits
from labkit.problems import LabkitError, display_name

CONFIG_NAME = "lab.yaml"
DEFAULT_MIN_GROUP_SIZE = 5
SCHOOL_ID_DIGITS = 6
INSTITUTION_NUMBER = re.compile(rf"^\d{{{SCHOOL_ID_DIGITS}}}$")
SCHOOL_YEAR = re.compile(r"^(\d{4})/(\d{4})$")


def with_leading_zeros(text: str) -> str:
    """An institution number whose leading zeros were lost (Excel's number format, papermill's -p
    turning "061001" into 61001) padded back to six digits; anything else as it is."""
    return text.zfill(SCHOOL_ID_DIGITS) if text.isdigit() and len(text) < SCHOOL_ID_DIGITS else text


@dataclass(frozen=True)
class School:
    id: str  # the 6-digit institutionsnummer, as text
    name: str


@dataclass(frozen=True)
class LabConfig:
    """A lab as the facilitator configured it. Paths are absolute."""

    folder: Path
    municipality: str
    lab_name: str
    school_year: str
    schools: tuple[School, ...]
    min_group_size: int
    show_school_names: bool
    data_folder: Path
    templates_folder: Path

    def school(self, school_id: str) -> School:
        for school in self.schools:
            if school.id == school_id:
                return school
        raise LabkitError(f"Skolen »{school_id}« er ikke med i {self.lab_name}.")

    @property
    def school_names(self) -> dict[str, str]:
        return {s.id: s.name for s in self.schools}


# The earliest school year a figure (or a lab) can be from: the kvalitetsrapport began in 2006, and the
# published series start later still, so an earlier year is a typing error (docs/data.md).
FIRST_SCHOOL_YEAR = "2000/2001"


def is_school_year(text: str) -> bool:
    """True for a school year written like `2024/2025` (two consecutive years)."""
    match = SCHOOL_YEAR.match(text)
    return match is not None and int(match.group(2)) == int(match.group(1)) + 1


def _school(entry: Any, where: str) -> School:
    refuse_unknown_keys(entry, SCHOOL_KEYS, where)
    number = require(entry, "institutionsnummer", where)
    six_digits = range(10 ** (SCHOOL_ID_DIGITS - 1), 10 ** SCHOOL_ID_DIGITS)
    if isinstance(number, int) and not isinstance(number, bool) and number in six_digits:
        number = str(number)  # six digits without a leading zero: YAML read exactly what was typed
    if isinstance(number, str):
        # "101001 ": a space nobody sees is not a different school; nor are full-width digits (the data
        # files read them as 0-9 too, so the two must agree).
        number = ascii_digits(number.strip())
    if not isinstance(number, str):
        # Not echoed: YAML has already changed it (an unquoted 061001 is read as octal 25089).
        name = entry.get("navn")
        raise LabkitError(
            f"{where}{f' ({name})' if name else ''}: institutionsnummeret skal stå i anførselstegn, "
            'fx "061001", så foranstillede nuller ikke forsvinder.'
        )
    if not INSTITUTION_NUMBER.match(number):
        raise LabkitError(f"{where}: institutionsnummeret »{number}« skal være præcis 6 cifre.")
    name = require(entry, "navn", where)
    if isinstance(name, (dict, list)):
        raise LabkitError(f"{where}: »navn« skal være én tekst.")
    return School(id=number, name=str(name))


def _school_entries(value: Any, source: str) -> list[Any]:
    """The `skoler` list; empty is allowed (a new lab), so `labkit check` can say what is missing."""
    if value is None or value == []:
        return []
    return require_list(value, f"{source}, »skoler«")


CONFIG_KEYS = ("kommune", "laboratorium", "skoleår", "mindste_gruppe", "vis_skolenavne", "skoler", "datamappe",
               "skabeloner")
SCHOOL_KEYS = ("institutionsnummer", "navn")


def _text(data: dict[str, Any], key: str, source: str, default: str = "") -> str:
    """A setting that must be one text (a list or a block would be printed as Python)."""
    value = data.get(key, default)
    if value is None or value == "":
        return default
    if isinstance(value, (dict, list)):
        raise LabkitError(f"{source}: »{key}« skal være én tekst, ikke en liste eller en blok.")
    return str(value)


def _folder_inside(folder: Path, relative: str, key: str, source: str) -> Path:
    """A folder the lab names (`datamappe`, `skabeloner`): inside the lab folder, so a lab cannot read
    or show files from anywhere else on the machine."""
    path = (folder / relative).resolve()
    if path != folder and folder not in path.parents:
        raise LabkitError(f"{source}: »{key}: {relative}« peger uden for laboratoriets mappe. Angiv en mappe i "
                          "laboratoriet, fx »data« eller »skabeloner«.")
    if path.exists() and not path.is_dir():
        raise LabkitError(f"{source}: »{key}: {relative}« er en fil, ikke en mappe. Angiv mappen, filen ligger i.")
    return path


def parse_config(data: Any, folder: Path, source: str) -> LabConfig:
    """Build a `LabConfig` from the YAML structure; a Danish `LabkitError` names what is wrong."""
    if not isinstance(data, dict):
        raise LabkitError(f"{source}: filen skal indeholde nøgler som »kommune« og »skoler«.")
    refuse_unknown_keys(data, CONFIG_KEYS, source)
    schools = tuple(
        _school(entry, f"{source}, skole nr. {number}")
        for number, entry in enumerate(_school_entries(data.get("skoler"), source), 1)
    )
    ids = [s.id for s in schools]
    for school_id in ids:
        if ids.count(school_id) > 1:
            raise LabkitError(f"{source}: institutionsnummeret {school_id} står flere gange.")
    school_year = ascii_digits(str(require(data, "skoleår", source)).strip())
    if not is_school_year(school_year):
        raise LabkitError(f'{source}{at_line(data, "skoleår")}: »skoleår« skal skrives som fx "2025/2026".')
    if school_year < FIRST_SCHOOL_YEAR:
        raise LabkitError(f'{source}{at_line(data, "skoleår")}: »skoleår: {school_year}« ligger før {FIRST_SCHOOL_YEAR}, '
                          "og så gamle kvalitetsrapporter findes ikke. Skriv laboratoriets skoleår, fx \"2025/2026\".")
    min_group = data.get("mindste_gruppe", DEFAULT_MIN_GROUP_SIZE)
    if isinstance(min_group, str) and min_group.strip().isdigit():
        raise LabkitError(f"{source}{at_line(data, 'mindste_gruppe')}: »mindste_gruppe« skal være et helt tal uden "
                          f"anførselstegn, fx mindste_gruppe: {int(min_group.strip())}.")
    if not isinstance(min_group, int) or isinstance(min_group, bool) or min_group < 1:
        raise LabkitError(f"{source}{at_line(data, 'mindste_gruppe')}: »mindste_gruppe« skal være et helt tal på "
                          "mindst 1.")
    show_names = data.get("vis_skolenavne", False)
    if not isinstance(show_names, bool):
        quoted = isinstance(show_names, str) and show_names.strip().lower() in ("true", "false")
        raise LabkitError(f"{source}{at_line(data, 'vis_skolenavne')}: »vis_skolenavne« skal være true eller false"
                          + (" uden anførselstegn." if quoted else "."))
    templates = _text(data, "skabeloner", source)
    require(data, "kommune", source)
    return LabConfig(
        folder=folder,
        municipality=_text(data, "kommune", source),
        lab_name=_text(data, "laboratorium", source, "Læringslab"),
        school_year=school_year,
        schools=schools,
        min_group_size=min_group,
        show_school_names=show_names,
        data_folder=_folder_inside(folder, _text(data, "datamappe", source, "data"), "datamappe", source),
        templates_folder=_templates_folder(folder, templates, source) if templates else BUNDLED_TEMPLATES,
    )


def _templates_folder(folder: Path, relative: str, source: str) -> Path:
    """The lab's own templates: a missing folder is named here, not as its first missing file."""
    path = _folder_inside(folder, relative, "skabeloner", source)
    if not path.is_dir():
        raise LabkitError(f"{source}: »skabeloner: {relative}« findes ikke i laboratoriets mappe. Opret mappen med "
                          "kopier af skabelonerne (labkit new gør det), eller slet linjen for at bruge labkits egne.")
    return path


def load_config(folder: str | Path) -> LabConfig:
    """Read `lab.yaml` in a lab folder."""
    folder = Path(folder).resolve()
    path = folder / CONFIG_NAME
    if folder.is_file():
        raise LabkitError(f"{folder} er en fil, ikke en mappe. Angiv laboratoriets mappe (den, {CONFIG_NAME} ligger i).")
    if not folder.is_dir():
        raise LabkitError(f"Mappen {folder} findes ikke.")
    if path.is_dir():
        raise LabkitError(f"{path} er en mappe, ikke en fil. {CONFIG_NAME} skal være en tekstfil med laboratoriets "
                          "indstillinger (labkit new laver en).")
    if not path.is_file():
        raise LabkitError(
            f"Der er ingen {CONFIG_NAME} i {folder}. Et laboratorium er en mappe med en "
            f"{CONFIG_NAME} og en datamappe."
        )
    return parse_config(read_yaml(path), folder, display_name(path))
