"""`labkit new`: a ready lab folder that `labkit check` explains, fills up and renders like any other."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from labkit.cli import main
from labkit.data.config import load_config
from labkit.data.sample_lab import generate_sample_lab
from labkit.data.templates import BUNDLED_TEMPLATES
from labkit.views.indsatsomraader import school_candidates
from labkit.workspace.session import open_session
from labkit.workspace.store import Workspace

NEW_COLUMN = "Andel elever i lektiecafé"
NEW_INDICATOR = f"""
  - id: lektiecafe
    navn: Elever i lektiecafé
    område: faglighed
    enhed: "%"
    skala: [0, 100]
    bedre: højere
    decimaler: 0
    kolonner: [{NEW_COLUMN}]
    beskrivelse: Andelen af eleverne, der bruger skolens lektiecafé mindst én gang om ugen.
"""
NEW_FOCUS_AREA = """
  - id: lektiehjaelp
    navn: Lektiehjælp for alle
    maal: Alle elever har et sted at lave lektier med hjælp fra en voksen.
    beskrivelse: Lektiecafé, frivillige og samarbejde med forældrene.
    indikatorer: [lektiecafe]
    dimensioner: []
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def new_lab(tmp_path: Path, kommune: str = "Solbjerg Kommune") -> Path:
    lab = tmp_path / "solbjerg"
    code, output = run("new", lab, "--kommune", kommune)
    assert code == 0, output
    return lab


def fill_with_sample_data(lab: Path, sample: Path) -> dict[str, str]:
    """Put the sample municipality's schools into the new lab's lab.yaml and its files into data/."""
    generate_sample_lab(sample)
    schools = {s["institutionsnummer"]: s["navn"]
               for s in yaml.safe_load((sample / "lab.yaml").read_text(encoding="utf-8"))["skoler"]}
    entries = "".join(f'  - institutionsnummer: "{nr}"\n    navn: {name}\n' for nr, name in schools.items())
    config = lab / "lab.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"^skoler: \[\]$", "skoler:\n" + entries.rstrip("\n"), text, flags=re.MULTILINE),
                      encoding="utf-8")
    for path in (sample / "data").iterdir():
        shutil.copy2(path, lab / "data" / path.name)
    return schools


# --------------------------------------------------------------------------- labkit new


def test_new_creates_a_lab_folder_from_the_templates(tmp_path: Path) -> None:
    lab = tmp_path / "ny"
    code, output = run("new", lab, "--kommune", "Solbjerg Kommune")
    assert code == 0
    assert "labkit check" in output and "lab.yaml" in output  # the next steps, in Danish

    assert (lab / "VEJLEDNING.md").read_text(encoding="utf-8").startswith("# Vejledning til facilitatoren")
    assert (lab / "data" / "kapacitetsinterview.xlsx").is_file()
    skabeloner = lab / "skabeloner"
    copied = {p.relative_to(skabeloner).as_posix() for p in skabeloner.rglob("*") if p.is_file()}
    bundled = {p.relative_to(BUNDLED_TEMPLATES).as_posix() for p in BUNDLED_TEMPLATES.rglob("*")
               if p.is_file() and p.relative_to(BUNDLED_TEMPLATES).parts[0] != "ny_lab"}
    assert copied == bundled  # every template, including ones added after this test was written
    assert {"indikatorer.yaml", "kapacitetsinterview.yaml", "fokusomraader.yaml",
            "uddelingsark/uddelingsark.yaml"} <= copied
    assert not any(name.startswith("ny_lab") for name in copied)

    text = (lab / "lab.yaml").read_text(encoding="utf-8")
    assert "kommune: Solbjerg Kommune" in text
    assert "# kommunens navn" in text and "institutionsnummer" in text  # the Danish comments survive
    config = load_config(lab)
    assert (config.municipality, config.lab_name) == ("Solbjerg Kommune", "Læringslab 1")
    assert config.min_group_size == 5
    assert config.schools == () and config.show_school_names is False
    assert config.templates_folder == (lab / "skabeloner").resolve()
    assert config.data_folder == (lab / "data").resolve()


def test_new_quotes_a_municipality_name_yaml_would_misread(tmp_path: Path) -> None:
    lab = tmp_path / "ny"
    assert run("new", lab, "--kommune", "Vest: Nord # 2")[0] == 0
    assert load_config(lab).municipality == "Vest: Nord # 2"


def test_new_without_municipality_keeps_the_placeholder(tmp_path: Path) -> None:
    assert run("new", tmp_path / "ny")[0] == 0
    assert load_config(tmp_path / "ny").municipality == "Ny Kommune"


def test_the_agenda_is_six_hours_and_names_real_notebooks(tmp_path: Path) -> None:
    lab = new_lab(tmp_path)
    agenda = yaml.safe_load((lab / "skabeloner" / "dagsorden.yaml").read_text(encoding="utf-8"))
    blocks = agenda["blokke"]
    assert sum(b["minutter"] for b in blocks) == 360
    notebooks = {p.stem for p in (BUNDLED_TEMPLATES.parent / "notebooks").glob("*.ipynb")}
    used = {Path(str(b["notesbog"])).stem for b in blocks if b.get("notesbog")}
    assert used and used <= notebooks


@pytest.mark.parametrize("existing", ["en fil.txt", "data"])
def test_new_refuses_a_folder_that_is_not_empty(tmp_path: Path, existing: str) -> None:
    lab = tmp_path / "optaget"
    lab.mkdir()
    (lab / existing).write_text("teamets arbejde", encoding="utf-8")
    result = CliRunner().invoke(main, ["new", str(lab)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "findes allerede og er ikke tom" in result.output
    assert sorted(p.name for p in lab.iterdir()) == [existing]  # nothing written


def test_new_accepts_an_empty_existing_folder(tmp_path: Path) -> None:
    (tmp_path / "tom").mkdir()
    assert run("new", tmp_path / "tom")[0] == 0
    assert (tmp_path / "tom" / "lab.yaml").is_file()


# --------------------------------------------------------------------------- labkit check right away


def test_check_on_a_new_lab_explains_what_is_missing(tmp_path: Path) -> None:
    lab = new_lab(tmp_path)
    code, output = run("check", lab)
    assert code == 1
    assert "FEJL:" not in output  # nothing is wrong in the files; things are missing
    assert "DET MANGLER ENDNU" in output
    assert "ingen skoler i lab.yaml" in output
    assert "ingen kvalitetsrapport-filer i data/" in output
    assert "data/kapacitetsinterview.xlsx har endnu ingen vurderinger" in output
    assert "ingen respondenter" not in output  # the empty workbook is said once, as missing ratings
    assert "laboratoriet er ikke klar endnu" in output


def test_check_with_schools_but_no_data_still_exits_1(tmp_path: Path) -> None:
    lab = new_lab(tmp_path)
    config = lab / "lab.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "skoler: []", 'skoler:\n  - institutionsnummer: "061001"\n    navn: Engskolen'), encoding="utf-8")
    code, output = run("check", lab)
    assert code == 1
    assert "ingen skoler i lab.yaml" not in output
    assert "ingen kvalitetsrapport-filer i data/" in output
    assert "061001 Engskolen" in output


# --------------------------------------------------------------------------- filled in and rendered


@pytest.mark.slow
def test_a_filled_new_lab_checks_and_renders(tmp_path: Path) -> None:
    lab = new_lab(tmp_path)
    schools = fill_with_sample_data(lab, tmp_path / "eksempel")
    code, output = run("check", lab)
    assert code == 0, output
    assert "DET MANGLER ENDNU" not in output
    code, output = run("render", lab, "--format", "html", "--format", "docx", "--stille")
    assert code == 0, output
    handouts = {p.name[:6]: p for p in (lab / "uddelingsark").glob("*.html") if p.name[:6].isdigit()}
    assert set(handouts) == set(schools)
    for number, name in schools.items():
        assert name in handouts[number].read_text(encoding="utf-8")
    assert len(list((lab / "uddelingsark").glob("*.docx"))) == len(schools)


def add_indicator_column(lab: Path, school_id: str) -> None:
    """A new column in the lab's skoleoverblik.csv, with a figure for every row (the school's: 42)."""
    path = lab / "data" / "skoleoverblik.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines[0] += f";{NEW_COLUMN}"
    for index in range(1, len(lines)):
        lines[index] += ";42" if lines[index].startswith(school_id) else ";30"
    path.write_text("\ufeff" + "\r\n".join(lines) + "\r\n", encoding="utf-8")


@pytest.mark.slow
def test_a_new_indicator_and_focus_area_from_the_labs_own_templates(tmp_path: Path) -> None:
    lab = new_lab(tmp_path)
    schools = fill_with_sample_data(lab, tmp_path / "eksempel")
    school = next(iter(schools))
    add_indicator_column(lab, school)
    with (lab / "skabeloner" / "indikatorer.yaml").open("a", encoding="utf-8") as catalogue:
        catalogue.write(NEW_INDICATOR)
    with (lab / "skabeloner" / "fokusomraader.yaml").open("a", encoding="utf-8") as areas:
        areas.write(NEW_FOCUS_AREA)
    # The bundled templates are untouched: only this lab knows the new indicator.
    assert "lektiecafe" not in (BUNDLED_TEMPLATES / "indikatorer.yaml").read_text(encoding="utf-8")

    code, output = run("check", lab)
    assert code == 0, output
    candidates = school_candidates(open_session(str(lab), school, interaktiv=False))
    offered = {c.id: c for c in candidates}
    assert offered["lektiehjaelp"].label == "Lektiehjælp for alle"
    assert offered["lektiehjaelp"].indicators == ("lektiecafe",)

    workspace = Workspace.open(lab, school, "Læringslab 1")
    workspace.set("indsatsomraader/valgte", ["lektiehjaelp"])
    workspace.set("indsatsomraader/begrundelser/lektiehjaelp", "Mange elever mangler ro til lektier.")
    code, output = run("render", lab, "--skole", school, "--format", "html", "--stille")
    assert code == 0, output
    handout = next((lab / "uddelingsark").glob(f"{school}*.html")).read_text(encoding="utf-8")
    table_text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", handout))
    assert re.search(r"Elever i lektiecafé \d{4}/\d{4} 42 ", table_text)  # a row of the indicator table
    assert "Lektiehjælp for alle" in handout


def test_render_on_a_lab_without_schools_says_what_to_do(tmp_path: Path) -> None:
    lab = tmp_path / "ny"
    CliRunner().invoke(main, ["new", str(lab), "--kommune", "Testkommune"])
    result = CliRunner().invoke(main, ["render", str(lab), "--stille"])
    assert result.exit_code == 2
    assert "ingen skoler" in result.output and "skoler:" in result.output
    assert "Traceback" not in result.output
