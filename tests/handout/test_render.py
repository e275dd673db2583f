"""`labkit render` on the sample lab: a handout per school in every format, private, offline and stable.

One render of a prepared copy of the sample lab (a team's text with HTML in it, a hidden sub-threshold
figure, one school with a broken number) serves most tests; it runs once per test session.
"""

from __future__ import annotations

import base64
import html
import re
import shutil
from html import unescape
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from labkit.analysis.findings import development_word, level_word
from labkit.analysis.summary import data_summary
from labkit.analysis.verdicts import table_verdicts
from labkit.cli import main
from labkit.data.config import load_config
from labkit.data.lab import load_lab
from labkit.workspace.store import Workspace
from tests.conftest import SENTINEL, file_tree, plant_sub_threshold_figure

ROOT = Path(__file__).resolve().parents[2]
TEAM_SCHOOL, BROKEN_SCHOOL = "061004", "061005"
SCRIPT_TEXT = "Eleverne skal have ro <script>alert(1)</script> – også i æøå-timerne."
PROBLEM_TEXT = "Uroen i udskolingen er steget i fem år."
# Any reference that would make the browser fetch something from the network.
NETWORK_REFERENCE = re.compile(r"""<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""",
                               re.IGNORECASE)

# A handout's figures: SVG inlined as images, their text (titles, ticks, n, legends) kept as text.
FIGURE = re.compile(r'<figure class="labkit-figur"><img\b[^>]*\bsrc="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')

pytestmark = pytest.mark.slow


def break_a_number(lab: Path, school_id: str) -> None:
    """Put text in a number cell of one school's row in the Skoleoverblik file."""
    path = lab / "data" / "skoleoverblik.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    column = lines[0].split(";").index("Karaktergennemsnit")
    for index, line in enumerate(lines):
        cells = line.split(";")
        if cells[0] == school_id:
            cells[column] = "syv"
            lines[index] = ";".join(cells)
            break
    path.write_text("\ufeff" + "\r\n".join(lines) + "\r\n", encoding="utf-8")


def write_team_work(lab: Path) -> None:
    workspace = Workspace.open(lab, TEAM_SCHOOL, "Læringslab 1")
    workspace.set("indsatsomraader/valgte", ["klasseledelse"])
    workspace.set("indsatsomraader/begrundelser/klasseledelse", SCRIPT_TEXT)
    workspace.set("indsatsteorier/klasseledelse/problem", PROBLEM_TEXT)
    workspace.set("indsatsteorier/klasseledelse/langsigtet_maal", "Ro og orden over landsgennemsnittet.")
    workspace.set("indsatsteorier/klasseledelse/aktiviteter", ["Fælles regler i alle klasser"])
    workspace.set("plf_modenhed/niveau", "erfaringsdeling")
    workspace.set("plf_modenhed/begrundelse", "Vi deler erfaringer i teamene, men undersøger sjældent sammen.")


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    lab = tmp_path_factory.mktemp("render") / "lab"
    shutil.copytree(ROOT / "sample_data", lab)
    plant_sub_threshold_figure(lab)
    break_a_number(lab, BROKEN_SCHOOL)
    write_team_work(lab)
    for lock in (lab / "arbejde").glob("*.lock"):  # the team's notebook session has ended
        lock.unlink()
    shutil.copytree(lab / "arbejde", lab.parent / "arbejde_foer_render")
    result = CliRunner().invoke(main, ["render", str(lab), "--stille", "--processer", "2"])
    return lab, result


def school_names(lab: Path) -> dict[str, str]:
    return load_config(lab).school_names


def files_of(lab: Path, suffix: str) -> dict[str, Path]:
    return {path.name[:6]: path for path in (lab / "uddelingsark").glob(f"*{suffix}")}


def figure_texts(html: str) -> list[str]:
    """The text inside each inlined figure (what base64 hides from a plain search of the page), as a
    reader sees it: entities decoded, text split into <tspan>s joined."""
    texts = []
    for data in FIGURE.findall(html):
        svg = base64.b64decode(data).decode("utf-8")
        pieces = re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.DOTALL)
        texts.append(" ".join(unescape(re.sub(r"<[^>]+>", "", piece)) for piece in pieces))
    return texts


def readable_text(html: str) -> str:
    """The page and the text of its figures: everything a reader of the handout can see."""
    return "\n".join([html, *figure_texts(html)])


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.mark.chromium
def test_every_good_school_gets_html_pdf_and_docx(rendered: tuple[Path, object]) -> None:
    lab, _ = rendered
    good = set(school_names(lab)) - {BROKEN_SCHOOL}
    assert set(files_of(lab, ".html")) - {"index."} == good
    assert set(files_of(lab, ".pdf")) == good
    assert set(files_of(lab, "_indsatsteori.docx")) == good


@pytest.mark.chromium
def test_each_handout_names_its_own_school_and_no_other(rendered: tuple[Path, object]) -> None:
    lab, _ = rendered
    names = school_names(lab)
    for school_id, path in files_of(lab, "_indsatsteori.docx").items():
        del path
        page = (lab / "uddelingsark").glob(f"{school_id}_*.html").__next__().read_text(encoding="utf-8")
        figures = figure_texts(page)
        # Every figure is a numbered vector image with its text as text; none is a bitmap.
        assert len(figures) >= 5 and all(figures) and "data:image/png" not in page
        assert all(f"Figur {number}." in page for number in range(1, len(figures) + 1))
        assert any(names[school_id] in text for text in figures)  # the school's line in a legend
        html = readable_text(page)
        assert names[school_id] in html
        for other_id, other in names.items():
            if other_id != school_id:
                assert other not in html, (school_id, other)
        assert "In&nbsp;[" not in html and "injected-parameters" not in html and "lab_mappe" not in html


@pytest.mark.chromium
def test_handouts_work_offline_and_show_team_html_as_text(rendered: tuple[Path, object]) -> None:
    lab, _ = rendered
    for path in (lab / "uddelingsark").glob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert not NETWORK_REFERENCE.search(html), path.name
        assert "<script" not in html.lower(), path.name  # no script at all: nothing to run or fetch
    team_html = next((lab / "uddelingsark").glob(f"{TEAM_SCHOOL}_*.html")).read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in team_html
    assert "<script>alert(1)" not in team_html
    assert PROBLEM_TEXT in team_html
    # Where the team placed itself on the PLF levels (template names, not the stored id).
    assert "Erfaringsdelende team" in team_html and "undersøger sjældent sammen" in team_html


@pytest.mark.chromium
def test_rendering_only_reads_the_teams_work(rendered: tuple[Path, object]) -> None:
    """No lock files, no workspace for schools that have none, the team's own file as it was."""
    lab, _ = rendered
    assert file_tree(lab / "arbejde") == file_tree(lab.parent / "arbejde_foer_render")
    teams = [name for name in file_tree(lab / "arbejde") if not name.startswith(".versioner")]
    assert teams == [f"{TEAM_SCHOOL}.json", "061006.json"]  # the test's team and the sample's own team


@pytest.mark.chromium
def test_pdf_pages_carry_the_school_name(rendered: tuple[Path, object]) -> None:
    lab, _ = rendered
    names = school_names(lab)
    for school_id, path in files_of(lab, ".pdf").items():
        pages = PdfReader(path).pages
        assert len(pages) >= 2
        # The running footer names the school on every printed page, so loose pages find their way back.
        for number, page in enumerate(pages, start=1):
            text = page.extract_text()
            assert names[school_id] in text, (school_id, number)
            assert f"Side {number} af {len(pages)}" in text


@pytest.mark.chromium
def test_docx_holds_the_indsatsteori(rendered: tuple[Path, object]) -> None:
    lab, _ = rendered
    text = docx_text(files_of(lab, "_indsatsteori.docx")[TEAM_SCHOOL])
    for expected in (PROBLEM_TEXT, "Ro og orden over landsgennemsnittet.", "Fælles regler i alle klasser",
                     SCRIPT_TEXT, "Kirkebakkeskolen"):
        assert expected in text


@pytest.mark.chromium
def test_sub_threshold_figure_is_in_no_output_file(rendered: tuple[Path, object]) -> None:
    lab, _ = rendered
    variants = (SENTINEL, SENTINEL.replace(",", "."))
    for path in (lab / "uddelingsark").iterdir():
        if path.suffix == ".html":
            text = readable_text(path.read_text(encoding="utf-8"))
        elif path.suffix == ".pdf":  # figures are vectors, so their text is in the PDF's text too
            text = pdf_text(path)
        elif path.suffix == ".docx":
            text = docx_text(path)
        else:
            continue
        assert not any(v in text for v in variants), path.name


@pytest.mark.chromium
def test_broken_school_fails_alone_and_the_exit_status_says_so(rendered: tuple[Path, object]) -> None:
    lab, result = rendered
    assert result.exit_code == 1, result.output
    assert "Lavede uddelingsark for 5 af 6 skoler" in result.output
    broken_line = next(line for line in result.output.splitlines() if line.strip().startswith(BROKEN_SCHOOL))
    assert "Karaktergennemsnit" in broken_line and "syv" in broken_line and "række" in broken_line.lower()
    index = (lab / "uddelingsark" / "index.html").read_text(encoding="utf-8")
    assert index.count('class="ok"') == 5 and index.count('class="fejl"') == 1
    assert "Traceback" not in result.output


@pytest.mark.chromium
def test_same_inputs_give_the_same_handout(rendered: tuple[Path, object], tmp_path: Path) -> None:
    lab, _ = rendered
    again = CliRunner().invoke(main, ["render", str(lab), "--skole", TEAM_SCHOOL, "--format", "html",
                                      "--format", "docx", "--ud", str(tmp_path), "--stille"])
    assert again.exit_code == 0, again.output
    for pattern in (f"{TEAM_SCHOOL}_*.html", f"{TEAM_SCHOOL}_*.docx"):
        first = next((lab / "uddelingsark").glob(pattern)).read_bytes()
        second = next(tmp_path.glob(pattern)).read_bytes()
        assert first == second, pattern


@pytest.mark.chromium
def test_a_date_only_when_the_facilitator_asks(rendered: tuple[Path, object], tmp_path: Path) -> None:
    from datetime import date

    from labkit.numbers import format_date

    lab, _ = rendered
    undated = next((lab / "uddelingsark").glob(f"{TEAM_SCHOOL}_*.html")).read_text(encoding="utf-8")
    dated = CliRunner().invoke(main, ["render", str(lab), "--skole", TEAM_SCHOOL, "--format", "pdf", "--dato",
                                      "--ud", str(tmp_path), "--stille"])
    assert dated.exit_code == 0, dated.output
    assert "Lavet " not in undated
    # On the first page under the title, and in the running footer of every printed page.
    pages = [page.extract_text() for page in PdfReader(next(tmp_path.glob(f"{TEAM_SCHOOL}_*.pdf"))).pages]
    stamps = {f"Lavet {format_date(day)}" for day in (date.today(), date.fromordinal(date.today().toordinal() - 1))}
    assert any(all(stamp in page for page in pages) for stamp in stamps), stamps  # the render may start before midnight


@pytest.mark.chromium
def test_before_and_after_editions_hold_their_own_sections(rendered: tuple[Path, object]) -> None:
    """Before the lab the school's data; after it the team's choices, each in its own folder."""
    lab, _ = rendered
    for edition in ("foer", "efter"):
        result = CliRunner().invoke(main, ["render", str(lab), "--skole", TEAM_SCHOOL, "--udgave", edition,
                                           "--format", "html", "--stille"])
        assert result.exit_code == 0, result.output
    before = next((lab / "uddelingsark" / "foer").glob(f"{TEAM_SCHOOL}_*.html")).read_text(encoding="utf-8")
    after = next((lab / "uddelingsark" / "efter").glob(f"{TEAM_SCHOOL}_*.html")).read_text(encoding="utf-8")
    assert "Før læringslaboratoriet" in before and "Alle skolens indikatorer" in before
    assert "Figur 1." in before and PROBLEM_TEXT not in before and "Teamets indsatsområder" not in before
    assert "Efter læringslaboratoriet" in after and PROBLEM_TEXT in after and "Erfaringsdelende team" in after
    assert "Alle skolens indikatorer" not in after and "Kapacitetsinterviews" not in after
    assert "Efter læringslaboratoriet" in (lab / "uddelingsark" / "efter" / "index.html").read_text(encoding="utf-8")
    wrong = CliRunner().invoke(main, ["render", str(lab), "--udgave", "under", "--stille"])
    assert wrong.exit_code == 2 and "Udgaverne er: foer, efter" in wrong.output


@pytest.mark.chromium
def test_unknown_school_is_a_danish_message(rendered: tuple[Path, object]) -> None:
    lab, _ = rendered
    result = CliRunner().invoke(main, ["render", str(lab), "--skole", "999999", "--stille"])
    assert result.exit_code == 2
    assert "999999" in result.output and "ikke med i laboratoriet" in result.output


@pytest.mark.chromium
def test_handout_notebook_runs_with_plain_papermill_and_nbconvert(rendered: tuple[Path, object],
                                                                    tmp_path: Path) -> None:
    """A facilitator without the labkit command: papermill's CLI, then nbconvert's."""
    import subprocess
    import sys

    lab, _ = rendered
    executables = Path(sys.executable).parent
    executed = tmp_path / "ark.ipynb"
    subprocess.run([str(executables / "papermill"), str(ROOT / "notebooks" / "uddelingsark.ipynb"), str(executed),
                    "-y", f'{{lab_mappe: "{lab}", skole: "{TEAM_SCHOOL}"}}', "--no-progress-bar"],
                   check=True, capture_output=True, cwd=tmp_path)
    subprocess.run([str(executables / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                   check=True, capture_output=True, cwd=tmp_path)
    html = (tmp_path / "ark.html").read_text(encoding="utf-8")
    assert "Kirkebakkeskolen" in html and "Figur 1." in html and PROBLEM_TEXT in html
    assert "Engskolen" not in html


@pytest.fixture
def worker(lab: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """This test process plays one pool worker: its own kernel, started as `labkit render` starts one."""
    import sys

    from labkit.handout import render

    render.worker_kernel.cache_clear()  # a kernel of its own, not one an earlier test left
    monkeypatch.setitem(sys.modules, "rfc3987_syntax", sys.modules.get("rfc3987_syntax"))  # restored after
    (tmp_path / "ud" / ".notesboeger").mkdir(parents=True)
    render._start_worker(str(lab))
    try:
        yield render, tmp_path / "ud"
    finally:
        render.worker_kernel().stop()
        render.worker_kernel.cache_clear()


def test_a_worker_goes_on_after_its_kernel_dies(worker, lab: Path) -> None:
    """The worker keeps one kernel (and one client) for school after school; if that kernel dies, the
    school it was running fails with a Danish message and the next school gets a fresh kernel."""
    import signal
    import time

    from jupyter_core.utils import run_sync

    render, out = worker
    names = school_names(lab)
    first, second, third, fourth = list(names)[:4]
    kernel = render.worker_kernel()
    client = kernel.client
    assert client is not None  # opened while the worker started, before any school
    assert render.render_school(str(lab), first, names[first], str(out), ("html",)).ok
    assert kernel.client is client
    assert render.render_school(str(lab), second, names[second], str(out), ("html",)).ok
    assert kernel.client is client  # kept open from one school to the next
    run_sync(kernel.manager.signal_kernel)(signal.SIGKILL)
    for _ in range(100):  # until the process is gone, as it is when it died while the worker waited
        if not run_sync(kernel.manager.is_alive)():
            break
        time.sleep(0.05)
    # Noticed before the next school starts: that school gets a fresh kernel and is not lost.
    assert render.render_school(str(lab), third, names[third], str(out), ("html",)).ok
    assert kernel.client is not client
    after = render.render_school(str(lab), fourth, names[fourth], str(out), ("html",))
    assert after.ok, after.errors
    assert names[fourth] in after.files["html"].read_text(encoding="utf-8")


def test_a_school_that_hangs_or_kills_its_kernel_fails_alone(
        worker, lab: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in handout notebook that hangs for one school and kills its kernel for another: each
    of those fails with a Danish message, and the school after it is rendered in a fresh kernel."""
    import nbformat

    render, out = worker
    names = school_names(lab)
    first, slow, third, dying, fifth = list(names)[:5]
    notebook = nbformat.v4.new_notebook(metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    notebook.cells = [
        nbformat.v4.new_code_cell('lab_mappe = ""\nskole = ""\nudgave = ""', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(f"import os, signal, time\nif skole == {slow!r}:\n    time.sleep(60)\n"
                                  f"if skole == {dying!r}:\n    os.kill(os.getpid(), signal.SIGKILL)\n"
                                  "from IPython.display import HTML, display\n"
                                  "display(HTML(f'<p>Arket for {skole}</p>'))")]
    toy = tmp_path / "langsomt.ipynb"
    nbformat.write(notebook, toy)
    monkeypatch.setattr(render, "HANDOUT_NOTEBOOK", toy)
    monkeypatch.setattr(render, "CELL_TIMEOUT_SECONDS", 3)

    done = render.render_school(str(lab), first, names[first], str(out), ("html",))
    assert done.ok, done.errors
    stuck = render.render_school(str(lab), slow, names[slow], str(out), ("html",))
    assert not stuck.ok and "tog mere end" in stuck.errors[0] and "Traceback" not in stuck.errors[0]
    assert stuck.seconds < 30  # stopped at the cell limit, not after the whole sleep
    after = render.render_school(str(lab), third, names[third], str(out), ("html",))
    assert after.ok, after.errors
    assert f"Arket for {third}" in after.files["html"].read_text(encoding="utf-8")
    died = render.render_school(str(lab), dying, names[dying], str(out), ("html",))
    assert not died.ok and "stoppede uventet" in died.errors[0] and "Traceback" not in died.errors[0]
    assert render.render_school(str(lab), fifth, names[fifth], str(out), ("html",)).ok


CAPTIONED = re.compile(r'<figcaption>Figur \d+\. (.*?)</figcaption></figure><div class="labkit-callout[^>]*>(.*?)</div>',
                       re.DOTALL)
TABLE_ROW = re.compile(r"<tr><td>([^<]*)</td><td>[^<]*</td>(?:<td class=.tal.>[^<]*</td>){3}<td>([^<]*)</td>"
                       r"<td>([^<]*)</td></tr>")


@pytest.mark.chromium
def test_summary_table_and_figure_captions_say_the_same(rendered: tuple[Path, object]) -> None:
    """For every strength and concern in a handout's summary, the indicator table and the figure's
    caption for the same indicator carry the same verdict: all three read one finding."""
    lab, _ = rendered
    data = load_lab(lab)
    verdicts = table_verdicts(data.kvalitet, data.catalogue)
    checked = 0
    for school_id, path in files_of(lab, ".html").items():
        page = path.read_text(encoding="utf-8")
        captions = {html.unescape(label): html.unescape(text) for label, text in CAPTIONED.findall(page)}
        table = {html.unescape(label): (level, development) for label, level, development in TABLE_ROW.findall(page)}
        summary = data_summary(data, school_id)
        for statement in summary.strengths + summary.concerns:
            if statement.source != "kvalitetsrapport":
                continue
            finding = verdicts.get(school_id, statement.subject_id, statement.group)
            assert finding is not None and statement.text in html.unescape(page)
            level, development = table[finding.label]
            assert (level, development) == (level_word(finding.level), development_word(finding.development))
            strong = statement in summary.strengths
            said = {"udvikling": development == ("Bedre over flere år" if strong else "Dårligere over flere år"),
                    "niveau": level.endswith("(bedre)" if strong else "(dårligere)") or finding.level.by_ministry}
            assert said["udvikling"] or said["niveau"], (school_id, statement.id, level, development)
            if finding.label in captions:
                caption = captions[finding.label]
                assert caption == finding.sentences
                if finding.development.text in statement.text:
                    assert finding.development.text in caption
                if finding.level.text in statement.text or finding.level.after_development in statement.text:
                    assert finding.level.after_development in caption  # the same level, figure said once
                checked += 1
    assert checked >= 2  # the sample's planted findings have figures in the handout


@pytest.mark.chromium
def test_the_consultants_overview_has_every_verdict_and_no_hidden_figure(rendered: tuple[Path, object],
                                                                         tmp_path: Path) -> None:
    lab, _ = rendered
    folder = lab / "uddelingsark"
    text = (folder / "oversigt.csv").read_text(encoding="utf-8-sig")
    rows = [line.split(";") for line in text.splitlines()]
    assert rows[0] == ["Institutionsnummer", "Skole", "Indikator", "Gruppe", "Skoleår", "Værdi", "Antal", "Kommune",
                       "Land", "Niveau", "Udvikling", "Begrundelse"]
    data = load_lab(lab)
    good = [s for s in data.config.schools if s.id != BROKEN_SCHOOL]
    findings = [f for s in good for f in table_verdicts(data.kvalitet, data.catalogue).for_school(s.id)]
    assert len(rows) - 1 == len(findings)  # one row per good lab school × indicator × group, comparison schools not
    # The school whose data has an error has no rows (as it has no handout): its verdicts would come from
    # what is left after the bad cell, and look like any other.
    assert {r[0] for r in rows[1:]} == {s.id for s in good}
    assert {r[9] for r in rows[1:]} <= {"over", "under", "paa_niveau", "for_faa_aar", "ikke_offentliggjort", "brud",
                                        "ingen_vurdering"}
    assert {r[10] for r in rows[1:]} <= {"bedre", "daarligere", "normal", "for_faa_aar", "ikke_offentliggjort",
                                         "brud", "ingen_vurdering"}
    absence = next(r for r in rows if r[0] == "061001" and r[2] == "fravaer")
    assert absence[4:7] == ["2024/2025", "5,4", ""] and absence[10] == "bedre"
    assert SENTINEL not in text and SENTINEL.replace(",", ".") not in text  # Lille Mølle's hidden group
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert '<a href="oversigt.xlsx">oversigt.xlsx</a>' in index and '<a href="oversigt.csv">' in index
    workbook = openpyxl.load_workbook(folder / "oversigt.xlsx")
    sheet = workbook["Oversigt"]
    assert [c.value for c in sheet[1]] == rows[0] and sheet.max_row == len(rows)
    assert next(r for r in sheet.iter_rows(values_only=True) if r[0] == "061001" and r[2] == "fravaer")[5] == 5.4
    # --format xlsx alone, into another folder: only the overview, no handouts and no kernels.
    alone = CliRunner().invoke(main, ["render", str(lab), "--format", "xlsx", "--ud", str(tmp_path / "ud"),
                                      "--stille"])
    assert alone.exit_code == 1, alone.output  # made, but without the broken school: said, and not a success
    assert "FEJL: Oversigten (oversigt.xlsx og .csv) er lavet uden skoler" in alone.output
    assert BROKEN_SCHOOL in alone.output
    assert sorted(p.name for p in (tmp_path / "ud").iterdir()) == ["oversigt.csv", "oversigt.xlsx"]
    assert "Lavede oversigten på" in alone.output and "." not in alone.output.split("på ")[1].split(" s")[0]


@pytest.mark.chromium
def test_the_index_page_is_a_template_a_consultant_can_change(lab: Path) -> None:
    """The index lists every school with its files, escaped; a lab's own `indeks.html.j2` replaces the
    bundled one, and a broken one is a Danish message naming the file and line."""
    from labkit.data.config import load_config
    from labkit.data.templates import BUNDLED_TEMPLATES
    from labkit.handout import export
    from labkit.problems import LabkitError

    rows = [export.IndexRow("061001", "Engskolen <b>", {"pdf": Path("a.pdf"), "html": Path("a.html")}),
            export.IndexRow("061002", "Bøgekilde Skole", {}, ["Skolens data har fejl."])]
    page = export.index_html(load_config(lab), rows, "Før", [Path("oversigt.xlsx")])
    assert page.count('class="ok"') == 1 and page.count('class="fejl"') == 1
    assert "Engskolen &lt;b&gt;" in page and "<b>" not in page
    assert page.index('href="a.html"') < page.index('href="a.pdf"')  # HTML, PDF, Word: always that order
    assert "Fejl: Skolens data har fejl." in page and '<a href="oversigt.xlsx">oversigt.xlsx</a>' in page
    assert "(Før)" in page

    shutil.copytree(BUNDLED_TEMPLATES, lab / "skabeloner")
    (lab / "lab.yaml").write_text((lab / "lab.yaml").read_text(encoding="utf-8") + "skabeloner: skabeloner\n",
                                  encoding="utf-8")
    own = lab / "skabeloner" / "uddelingsark" / "indeks.html.j2"
    own.write_text("<h1>{{ heading }}</h1>{% for s in schools %}<p>{{ s.name }}</p>{% endfor %}", encoding="utf-8")
    assert export.index_html(load_config(lab), rows).startswith("<h1>Uddelingsark – ")
    own.write_text("<h1>{{ heading }</h1>", encoding="utf-8")
    with pytest.raises(LabkitError, match=r"indeks\.html\.j2.*linje 1"):
        export.index_html(load_config(lab), rows)


def test_a_broken_handout_template_is_a_danish_message_naming_it(lab: Path) -> None:
    """A consultant's syntax error in the layout's HTML template: each school fails with a message that
    names the template file and line (it was "Uventet fejl: BrokenProcessPool" for every school), and
    a school that failed leaves no handout file of an earlier run behind."""
    from labkit.data.templates import BUNDLED_TEMPLATES
    from labkit.handout.render import render_lab

    shutil.copytree(BUNDLED_TEMPLATES, lab / "skabeloner")
    (lab / "lab.yaml").write_text((lab / "lab.yaml").read_text(encoding="utf-8") + "skabeloner: skabeloner\n",
                                  encoding="utf-8")
    school = "061004"
    first = render_lab(lab, formats=("html",), schools=[school], progress=False)
    assert not first.failed and first.results[0].files["html"].is_file()
    template = lab / "skabeloner" / "uddelingsark" / "html" / "index.html.j2"
    template.write_text("{% if %}\n" + template.read_text(encoding="utf-8"), encoding="utf-8")
    report = render_lab(lab, formats=("html",), schools=[school], progress=False)
    assert report.failed
    message = " ".join(report.failed[0].errors)
    assert "Uddelingsarkets skabelon" in message and "index.html.j2" in message and "linje 1" in message
    assert "BrokenProcessPool" not in message and "Traceback" not in message
    assert not list((lab / "uddelingsark").glob(f"{school}_*.html"))


@pytest.mark.parametrize("where", ["a_file", "below_a_file"])
def test_render_into_a_file_is_a_danish_message(lab: Path, tmp_path: Path, where: str) -> None:
    target = tmp_path / "ark.txt"
    target.write_text("ikke en mappe", encoding="utf-8")
    out = target if where == "a_file" else target / "ud"
    result = CliRunner().invoke(main, ["render", str(lab), "--ud", str(out), "--format", "html", "--stille"])
    assert result.exit_code != 0
    assert "FEJL:" in result.output and str(target) in result.output and "--ud" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert target.read_text(encoding="utf-8") == "ikke en mappe"


@pytest.mark.chromium
def test_the_sample_teams_handout_is_whole_and_readable(rendered: tuple[Path, object]) -> None:
    """Hedelundskolen did Læringslab 1 in the sample: its handout shows the choices and both theories,
    with human labels (no source codes), every figure captioned, no "?:" and no empty sections."""
    lab, _ = rendered
    page = unescape(next((lab / "uddelingsark").glob("061006_*.html")).read_text(encoding="utf-8"))
    text = re.sub(r"<[^>]+>", " ", page)
    for expected in ("Faglig progression for alle elever", "Inkluderende læringsmiljøer",
                     "Kvalitetsrapport: Faglig trivsel (mellemtrin)", "Evaluering – hvordan evaluerer I:",
                     "Vi genkender det fra elevsamtalerne", "De fleste teams (2 af 3) er på niveauet",
                     "Hvis vi gennemfører »Datamøde i årgangsteamet", "Tegn på gennemførelse",
                     "Tjek indsatsteorien mod Læringscirklen", "Fase 1",
                     "Opfølgningen på indsatsteorien kommer på næste læringslab"):
        assert expected in text, expected
    for raw in ("kvalitetsrapport:", "data-indikator-", "kapacitet:", "?:", "Teamet har ikke valgt",
                "Teamet har endnu ikke skrevet"):
        assert raw not in text, raw
    figures = page.count("<figure")
    assert figures and page.count("<figcaption>Figur ") == figures


@pytest.mark.chromium
def test_the_printed_handout_uses_one_sans_serif_family_also_in_its_footer(rendered: tuple[Path, object]) -> None:
    """The page footer sits in @page margin boxes, which do not inherit the body's font: without their
    own font-family Chromium printed them in a serif."""
    import pypdf

    lab, _ = rendered
    reader = pypdf.PdfReader(next((lab / "uddelingsark").glob("061006_*.pdf")))
    fonts = {str(font.get_object().get("/BaseFont")) for page in reader.pages
             for font in ((page.get("/Resources") or {}).get("/Font") or {}).values()}
    assert fonts and not [font for font in fonts if "Serif" in font], fonts
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Side 1 af" in text
    # The new indsatsteori reaches print: the chain, both kinds of signs and the captioned diagram.
    for expected in ("Hvis vi gennemfører", "Tegn på gennemførelse", "Tegn på virkning", "Hvem ændrer sig?",
                     "Indsatsteori: Faglig progression for alle elever"):
        assert expected in " ".join(text.split()), expected
    english = re.findall(r"\b(?:the|and|with|not|Error|Warning|Loading|None|True|False|nan)\b", text)
    assert not english, english


def test_an_error_of_no_one_school_stops_the_overview_and_leaves_no_stale_one(lab: Path, tmp_path: Path) -> None:
    out = tmp_path / "ud"
    first = CliRunner().invoke(main, ["render", str(lab), "--format", "xlsx", "--ud", str(out), "--stille"])
    assert first.exit_code == 0 and (out / "oversigt.csv").is_file(), first.output
    (lab / "data" / "ekstra.csv").write_text("Noget;helt;andet\n1;2;3\n", encoding="utf-8")  # no known layout
    again = CliRunner().invoke(main, ["render", str(lab), "--format", "xlsx", "--ud", str(out), "--stille"])
    assert again.exit_code == 1, again.output
    assert "FEJL: Oversigten (oversigt.xlsx og .csv) er ikke lavet, fordi data har fejl: data/ekstra.csv" in again.output
    assert not (out / "oversigt.csv").exists() and not (out / "oversigt.xlsx").exists()  # the old one is gone
