"""Every notebook runs top to bottom under papermill, for every sample school and on real data,
and no figure from a group below the minimum size reaches any output."""

from __future__ import annotations

import json
import multiprocessing
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import pytest

from tests.conftest import SENTINEL, plant_sub_threshold_figure

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
SAMPLE = ROOT / "sample_data"
KBH = ROOT / "examples" / "kobenhavn"
SCHOOL_NOTEBOOKS = ["1_data_og_analyse.ipynb", "2_indsatsomraader.ipynb", "3_indsatsteori.ipynb",
                    "5_opfoelgning.ipynb"]
SAMPLE_SCHOOLS = ["061001", "061002", "061003", "061004", "061005", "061006"]
TEAM_TEXT = "Vi vil styrke læsning i 4.–6. klasse <script>alert(1)</script> – både øjne og ører."

pytestmark = pytest.mark.slow


def execute(job: tuple[str, str, str, bool, str]) -> tuple[str, str]:
    """Run one notebook with papermill in its own process; returns (output path, error text)."""
    import papermill

    notebook, lab, school, interactive, output = job
    try:
        papermill.execute_notebook(
            str(NOTEBOOKS / notebook), output, parameters={"lab_mappe": lab, "skole": school,
                                                            "interaktiv": interactive},
            kernel_name="python3", progress_bar=False, cwd=lab,
            # Every cell takes seconds. Now and then (widget-heavy notebook 3 only) the execute reply is
            # only picked up when this timeout expires, without error: keep the stall short.
            execution_timeout=30)
    except Exception as error:  # noqa: BLE001 - reported by the test with the notebook's name
        return output, f"{type(error).__name__}: {error}"
    return output, ""


def write_team_work(lab: Path, school: str) -> None:
    from labkit.workspace.store import Workspace

    workspace = Workspace.open(lab, school, "Læringslab 1")
    workspace.set("indsatsomraader/valgte", ["fremmoede", "klasseledelse"])
    workspace.set("indsatsomraader/begrundelser/fremmoede", TEAM_TEXT)
    workspace.set("indsatsomraader/vurderinger/fremmoede/vigtighed", 5)
    workspace.set("indsatsteorier/fremmoede/problem", TEAM_TEXT)
    workspace.set("indsatsteorier/fremmoede/langsigtet_maal", "Fraværet er under 5 % i alle årgange.")


@pytest.fixture(scope="session")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str, str, bool], tuple[Path, str]]:
    root = tmp_path_factory.mktemp("notesboeger")
    sample = root / "sample"
    shutil.copytree(SAMPLE, sample)
    plant_sub_threshold_figure(sample)
    write_team_work(sample, "061001")
    kbh = root / "kbh"
    shutil.copytree(KBH, kbh)
    jobs = []
    for lab, schools in ((sample, SAMPLE_SCHOOLS), (kbh, ["101001", "101011"])):
        for school in schools:
            for notebook in SCHOOL_NOTEBOOKS:
                jobs.append((notebook, str(lab), school, False))
        jobs.append(("4_facilitator_overblik.ipynb", str(lab), "", False))
    for notebook in SCHOOL_NOTEBOOKS:  # the widget code paths, as in JupyterLab
        jobs.append((notebook, str(sample), "061001", True))
    outputs = root / "ud"
    outputs.mkdir()
    named = [(*job, str(outputs / f"{Path(job[1]).name}-{job[2] or 'alle'}-{job[3]}-{job[0]}")) for job in jobs]
    # spawn, not fork: a forked copy of this process's ZeroMQ state can hang the kernel client.
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(pool.map(execute, named))
    return {job: (Path(path), error) for job, (path, error) in zip(jobs, results)}


def outputs_text(path: Path) -> str:
    """Every text an output holds (plain, HTML, errors, widget views), as one string."""
    notebook = nbformat.read(path, as_version=4)
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            texts.append(json.dumps({k: v for k, v in output.items() if k != "metadata"}, ensure_ascii=False))
    return "\n".join(texts)


def test_every_notebook_runs_for_every_school(runs: dict) -> None:
    failed = {job: error for job, (_, error) in runs.items() if error}
    assert not failed, failed


def test_no_error_or_traceback_in_outputs(runs: dict) -> None:
    for job, (path, _) in runs.items():
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            for output in cell.get("outputs", []):
                assert output.get("output_type") != "error", (job, output.get("ename"))
                assert output.get("name") != "stderr", (job, output.get("text"))


def test_sub_threshold_figure_appears_in_no_output(runs: dict) -> None:
    for job, (path, _) in runs.items():
        text = outputs_text(path)
        assert SENTINEL not in text and SENTINEL.replace(",", ".") not in text, job


def test_analysis_shows_the_school_and_its_figures(runs: dict) -> None:
    path, _ = runs[("1_data_og_analyse.ipynb", next(k[1] for k in runs if k[1].endswith("sample")), "061004", False)]
    text = outputs_text(path)
    assert "Kirkebakkeskolen" in text
    assert "Ro og orden" in text
    assert "image/png" in text
    for other in ("Engskolen", "Bøgekilde Skole", "Hedelundskolen"):
        assert other not in text  # other schools stay anonymous in a school's notebook


def test_real_extract_without_kapacitet_gets_a_danish_note(runs: dict) -> None:
    path, _ = runs[("1_data_og_analyse.ipynb", next(k[1] for k in runs if k[1].endswith("kbh")), "101001", False)]
    text = outputs_text(path)
    assert "Den Classenske Legatskole" in text
    assert "ingen data fra kapacitetsinterviews" in text.lower()


def test_team_work_is_shown_escaped(runs: dict) -> None:
    sample = next(k[1] for k in runs if k[1].endswith("sample"))
    for notebook in ("2_indsatsomraader.ipynb", "3_indsatsteori.ipynb"):
        text = outputs_text(runs[(notebook, sample, "061001", False)][0])
        assert "Vi vil styrke læsning i 4.–6. klasse" in text
        assert "<script>alert(1)</script>" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_notebooks_are_stored_without_outputs_and_with_parameters() -> None:
    for path in NOTEBOOKS.glob("*.ipynb"):
        notebook = nbformat.read(path, as_version=4)
        code = [c for c in notebook.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), path.name
        assert "parameters" in code[0].metadata.get("tags", []), path.name
        assert notebook.metadata["kernelspec"]["name"] == "python3"


def test_built_notebooks_are_up_to_date(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_notebooks", ROOT / "scripts" / "build_notebooks.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.notebooks()
    # Every notebook has its text source in notebooks/kilder/, and is what that source builds.
    assert set(built) == {path.name for path in NOTEBOOKS.glob("*.ipynb")}
    for name, notebook in built.items():
        assert nbformat.writes(notebook).rstrip() == (NOTEBOOKS / name).read_text(encoding="utf-8").rstrip(), name


def test_every_room_page_knows_it_is_in_the_room() -> None:
    """`labkit serve` injects `rum = True` into every page. A notebook that does not pass it on to
    `lk.start` runs as in JupyterLab, with Output widgets, which Voilà's executor waits on: the
    facilitator's overview took two minutes a cell until notebook 4 passed it on."""
    for path in sorted(NOTEBOOKS.glob("[0-9]_*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        parameters = next(c for c in notebook.cells if "parameters" in c.metadata.get("tags", []))
        assert "rum = False" in parameters.source, path.name
        starts = [c.source for c in notebook.cells if c.cell_type == "code" and "lk.start(" in c.source]
        assert starts and all("rum=rum" in source for source in starts), path.name
