"""The sample lab with one cell spoilt, through `labkit check` and `labkit render`: the findings of an
adversarial test (a figure without its count, a moved school, a future school year, a false »ens«) on the
data a facilitator really has."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from labkit.cli import main
from labkit.data.kvalitet_schema import STATUS_TOO_FEW
from labkit.data.lab import load_lab

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
SUPPLEMENT = "data/kvalitet_supplement.csv"
ROW_061002_2025 = "061002;2025/2026;Inklusionsgrad;;Skole;95,6;1.001"


def spoilt(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """A copy of the sample lab with `old` replaced by `new` (once) in `file`."""
    folder = tmp_path / "lab"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("uddelingsark", ".labkit*"))
    path = folder / file
    text = path.read_text(encoding="utf-8-sig")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8-sig")
    return folder


def labkit(*words: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(words), catch_exceptions=False, prog_name="labkit")
    return result.exit_code, result.output


def line_with(output: str, *parts: str) -> str:
    found = [line for line in output.splitlines() if all(p in line for p in parts)]
    assert found, f"ingen linje med {parts}:\n{output}"
    return found[0]


@pytest.mark.parametrize("count", ["", "-"])
def test_a_figure_without_its_count_is_hidden_and_named(tmp_path: Path, count: str) -> None:
    folder = spoilt(tmp_path, SUPPLEMENT, ROW_061002_2025, f"061002;2025/2026;Inklusionsgrad;;Skole;61,73;{count}")
    code, output = labkit("check", str(folder))
    assert code == 0, output
    line_with(output, SUPPLEMENT, "række 11", "kolonne »Antal«", "intet antal", "skjules")
    assert "1 skjult" in line_with(output, "061002 Bøgekilde Skole:")
    assert "61,7" not in output
    figure = load_lab(folder).kvalitet.query("school_id == '061002' and indicator == 'inklusionsgrad' "
                                             "and school_year == '2025/2026' and level == 'skole'").iloc[0]
    assert figure["status"] == STATUS_TOO_FEW and figure["value"] != figure["value"]  # NaN


def test_a_trivsel_figure_without_its_count_is_hidden(tmp_path: Path) -> None:
    folder = spoilt(tmp_path, "data/trivsel.csv", "061001;Engskolen;2021/2022;Mellemtrin;Social trivsel;4,1;137",
                    "061001;Engskolen;2021/2022;Mellemtrin;Social trivsel;4,1;")
    code, output = labkit("check", str(folder))
    assert code == 0, output
    line_with(output, "data/trivsel.csv", "række 3", "kolonne »Antal besvarelser«", "intet antal")
    assert "1 skjult" in line_with(output, "061001 Engskolen:")


def test_a_figure_without_its_count_never_reaches_the_handout(tmp_path: Path) -> None:
    folder = spoilt(tmp_path, SUPPLEMENT, ROW_061002_2025, "061002;2025/2026;Inklusionsgrad;;Skole;61,73;")
    code, output = labkit("render", str(folder), "--skole", "061002")
    assert code == 0, output
    written = [p for p in (folder / "uddelingsark").rglob("*") if p.suffix in (".csv", ".html")]
    assert any(p.name == "oversigt.csv" for p in written)
    for path in written:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        assert "61,7" not in text and "61.7" not in text, path


@pytest.mark.parametrize("number", ["０６１００１", "٠٦١٠٠١"])
def test_an_institution_number_in_other_digits_is_the_same_school(tmp_path: Path, number: str) -> None:
    folder = spoilt(tmp_path, "data/skoleoverblik.csv", "\n061001;Engskolen;2024/2025", f"\n{number};Engskolen;2024/2025")
    code, output = labkit("check", str(folder))
    assert code == 0, output
    assert "Desuden 14 andre skoler" in output  # as in the sample lab: no 15th school appears
    engskolen = line_with(output, "061001 Engskolen:")
    assert "17 indikatorer, 110 tal" in engskolen, engskolen


def test_a_school_year_after_the_labs_own_is_refused(tmp_path: Path) -> None:
    folder = spoilt(tmp_path, "data/skoleoverblik.csv", "\n061001;Engskolen;2024/2025", "\n061001;Engskolen;2031/2032")
    code, output = labkit("check", str(folder))
    assert code == 1, output
    line_with(output, "data/skoleoverblik.csv", "række 5", "kolonne »Skoleår«", "»2031/2032«", "2025/2026")


def test_a_hidden_row_pasted_again_is_neither_called_equal_nor_compared(tmp_path: Path) -> None:
    """Whether two hidden copies agree must not show: the message and exit code are the same either way."""
    old = "061003;Lille Mølle Skole;2025/2026;Udskoling;Social trivsel;4,1;3\n"
    outputs = []
    for again in ("4,1", "1,234"):
        folder = spoilt(tmp_path / again, "data/trivsel.csv", old,
                        old + f"061003;Lille Mølle Skole;2025/2026;Udskoling;Social trivsel;{again};3\n")
        code, output = labkit("check", str(folder))
        message = line_with(output, "data/trivsel.csv", "Lille Mølle Skole", "står flere steder")
        assert "sammenlignes ikke" in message and "Værdierne er ens" not in output and "forskellige" not in output
        assert "4,1" not in output and "1,234" not in output
        outputs.append((code, output.replace(str(folder), "LAB")))
    assert outputs[0] == outputs[1]


@pytest.mark.slow
def test_render_makes_no_handout_while_a_data_file_cannot_be_read(tmp_path: Path) -> None:
    """`check` refused a dangling link, but `render` made the handouts without that file's figures."""
    folder = tmp_path / "lab"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("uddelingsark"))
    (folder / "data" / "skoleoverblik.csv").unlink()
    (folder / "data" / "skoleoverblik.csv").symlink_to("/mnt/netdrev/skoleoverblik.csv")
    code, output = labkit("render", str(folder), "--skole", "061001", "--format", "html", "--stille")
    assert code == 1, output
    line_with(output, "061001 Engskolen", "data/skoleoverblik.csv", "genvej")
    assert list((folder / "uddelingsark").glob("061001_*.html")) == []
