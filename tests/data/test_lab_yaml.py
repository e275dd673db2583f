"""lab.yaml and the templates: no setting changes without a word (issue 12).

A key written twice, a misspelt key, a list where one text belongs, or a folder outside the lab is
refused with a Danish message naming the file, the line or key, and what to do. Before, YAML let
the last key win: appending `mindste_gruppe: 3` lowered the privacy limit with exit code 0.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from labkit.data.catalogue import load_catalogue
from labkit.data.config import load_config
from labkit.data.templates import BUNDLED_TEMPLATES
from labkit.problems import LabkitError
from tests.conftest import lab_yaml


def refused(folder: Path) -> str:
    with pytest.raises(LabkitError) as error:
        load_config(folder)
    message = str(error.value)
    assert "Traceback" not in message and "lab.yaml" in message
    return message


def test_a_repeated_privacy_limit_is_refused_not_applied(make_lab: Callable[..., Path],
                                                          run_check: Callable[[Path], tuple[int, str]]) -> None:
    folder = make_lab(config=lab_yaml() + "mindste_gruppe: 3\n")
    message = refused(folder)
    assert "»mindste_gruppe«" in message and "linje" in message and "også i linje 4" in message
    code, output = run_check(folder)
    assert code != 0 and "mindste_gruppe" in output


def test_a_repeated_school_list_is_refused(make_lab: Callable[..., Path]) -> None:
    text = lab_yaml() + 'skoler:\n  - institutionsnummer: "101001"\n    navn: Ny skole\n'
    assert "»skoler«" in refused(make_lab(config=text))


@pytest.mark.parametrize(("typo", "meant"), [
    ("mindste_grupe: 10", "mindste_gruppe"), ("vis_navne: true", "vis_skolenavne"), ("kommmune: X", "kommune"),
])
def test_a_misspelt_setting_is_named_with_the_key_that_was_meant(make_lab: Callable[..., Path], typo: str,
                                                                  meant: str) -> None:
    message = refused(make_lab(config=lab_yaml() + typo + "\n"))
    assert f"Mente du »{meant}«?" in message


def test_a_misspelt_school_key_is_refused(make_lab: Callable[..., Path]) -> None:
    text = lab_yaml().replace("    navn: ", "    nav: ", 1)
    assert "»nav«" in refused(make_lab(config=text))


def test_a_list_where_one_text_belongs_is_refused_not_printed_as_python(make_lab: Callable[..., Path]) -> None:
    text = lab_yaml().replace("kommune: Københavns Kommune", "kommune: [a, b]")
    message = refused(make_lab(config=text))
    assert "»kommune« skal være én tekst" in message and "['a'" not in message


@pytest.mark.parametrize("outside", ["../andet", "/etc", "data/../../x"])
@pytest.mark.parametrize("key", ["datamappe", "skabeloner"])
def test_folders_outside_the_lab_are_refused(make_lab: Callable[..., Path], key: str, outside: str) -> None:
    text = lab_yaml().replace("datamappe: data\n", "") + f"{key}: {outside}\n"
    message = refused(make_lab(config=text))
    assert f"»{key}: {outside}« peger uden for laboratoriets mappe" in message


def test_folders_inside_the_lab_are_fine(make_lab: Callable[..., Path]) -> None:
    folder = make_lab(config=lab_yaml().replace("datamappe: data", "datamappe: ./data/../data"))
    assert load_config(folder).data_folder == (folder / "data").resolve()


def test_a_repeated_key_in_a_template_is_refused_with_its_line(tmp_path: Path) -> None:
    text = (BUNDLED_TEMPLATES / "indikatorer.yaml").read_text(encoding="utf-8")
    first = text.index("  - id: karaktergennemsnit")
    name_line = text.index("    navn:", first)
    end = text.index("\n", name_line) + 1
    doubled = text[:end] + "    navn: Noget andet\n" + text[end:]
    path = tmp_path / "indikatorer.yaml"
    path.write_text(doubled, encoding="utf-8")
    with pytest.raises(LabkitError, match=r"indikatorer\.yaml, linje \d+: nøglen »navn« står også i linje \d+"):
        load_catalogue(path)


def test_the_bundled_and_example_labs_still_load() -> None:
    root = Path(__file__).resolve().parents[2]
    for folder in (root / "sample_data", root / "examples" / "kobenhavn"):
        assert load_config(folder).schools


def test_labkit_check_reads_every_template_the_lab_uses(lab: Path, run_check: Callable[[Path], tuple[int, str]]) -> None:
    """The consultants' guide promises it: a wrong focus-area, agenda, PLF or layout template is a
    check error with the file named, not a surprise on the lab day."""
    import shutil

    shutil.copytree(BUNDLED_TEMPLATES, lab / "skabeloner")
    (lab / "lab.yaml").write_text((lab / "lab.yaml").read_text(encoding="utf-8") + "skabeloner: skabeloner\n",
                                  encoding="utf-8")
    code, output = run_check(lab)
    assert code == 0 and "Skabeloner: alle kan læses." in output, output
    for name, broken in (("dagsorden.yaml", "blokke: 3\n"), ("plf_modenhed.yaml", "niveauer: [\n"),
                         ("uddelingsark/uddelingsark.yaml", "titel: X\nsektioner: []\n")):
        original = (lab / "skabeloner" / name).read_text(encoding="utf-8")
        (lab / "skabeloner" / name).write_text(broken, encoding="utf-8")
        code, output = run_check(lab)
        assert code != 0 and "FEJL I SKABELONERNE" in output and Path(name).name in output, output
        (lab / "skabeloner" / name).write_text(original, encoding="utf-8")
