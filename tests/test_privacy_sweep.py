"""The privacy sweep (issue #12): figures the privacy rule hides reach no output, in any spelling.

Below-minimum sentinels are planted in every data file of a copy of the sample lab that has a count
(the trivsel file, the long format and the interview workbook; the skoleoverblik has no count column, so
nothing in it is under the minimum): well-formed ones in groups of too few pupils or respondents, one
of them repeated in a second file, and malformed and off-scale ones that a message might quote. Then
every output is searched for every spelling of them: the `labkit check` report, the `labkit render`
summary, each handout as HTML (with the text of its inlined figures), PDF text and every Word XML part,
the executed notebooks, `index.html`, the overview (csv and every xlsx part), the teams' workspace, and
`labkit serve`'s pages, board JSON, a handout made from the board, an app page and the server's log.

The same lab is rendered twice with different hidden values: every file is the same, byte for byte, and
so are the reports. A hidden figure that changed one byte would leak through a rounding, a figure or a
verdict, also where no spelling of it can be searched for (the interview's ratings are 1–5).
"""

from __future__ import annotations

import base64
import functools
import html
import http.client
import io
import json
import re
import shutil
import time
import urllib.parse
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from labkit.cli import main
from tests.conftest import CHROMIUM, CHROMIUM_FLAGS, ROOT, require_browser

pytestmark = [pytest.mark.slow, pytest.mark.chromium]

require_browser()  # the PDFs and the room's page in a real browser

HIDDEN_SCHOOL = "061003"  # Lille Mølle: trivsel groups of 3 pupils, interview groups of 3 and 4 respondents
SMALL_INCLUSION_SCHOOL = "061002"  # Bøgekilde Skole: its latest inklusionsgrad gets a count of 3
REFUSED_SCHOOL = "061005"  # Skovvangskolen: malformed hidden figures, so no handout is made for it
LATEST_YEAR = "2025/2026"


@dataclass(frozen=True)
class Hidden:
    """The values planted where the privacy rule hides them. No real figure has these digits, nor has any
    rounding of them that still has three digits (so none ends like a figure's tick label, 2,25)."""

    trivsel: str  # Lille Mølle's five trivsel figures from 3 pupils (in the scale 1–5)
    trivsel_malformed: str  # Skovvang: Social trivsel, Mellemtrin, 2 pupils
    trivsel_off_scale: str  # Skovvang: Faglig trivsel, Mellemtrin, 4 pupils
    inklusion: str  # Bøgekilde Skole's inklusionsgrad from 3 pupils (long format)
    inklusion_malformed: str  # Skovvang's inklusionsgrad from 4 pupils (long format)
    # One of Lille Mølle's hidden trivsel figures again in the long format: the same value as in the
    # trivsel file in FIRST, another in SECOND, so a message that compared them would differ.
    trivsel_again: str
    rating: int  # every rating of Lille Mølle's two small interview groups (1–5, so a sentinel cannot be read)

    def sentinels(self) -> list[str]:
        return [value for f in fields(self) if isinstance(value := getattr(self, f.name), str) and value]


FIRST = Hidden("1,1337", "13.37x", "14,29", "61,73", "42,17x", "1,1337", 1)
SECOND = Hidden("4,8642", "31.73y", "17,62", "38,27", "27,41y", "2,1739", 5)


# --- planting ------------------------------------------------------------------------------------


def _rewrite_csv(path: Path, change: Callable[[list[str], list[list[str]]], int]) -> None:
    """Change the rows of a published-style CSV (BOM, semicolons, CRLF) in place; `change` says how many."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header, rows = lines[0].split(";"), [line.split(";") for line in lines[1:]]
    assert change(header, rows), f"nothing to plant in {path.name}"
    path.write_text("\ufeff" + "\r\n".join(";".join(cells) for cells in [header, *rows]) + "\r\n", encoding="utf-8")


def plant(lab: Path, hidden: Hidden) -> None:
    """The sample lab's data files with `hidden` planted under the minimum (5) in each file with a count."""
    data = lab / "data"
    shutil.rmtree(data)
    shutil.copytree(ROOT / "sample_data" / "data", data)

    def trivsel(header: list[str], rows: list[list[str]]) -> int:
        n, value, group, indicator, year = (header.index(c) for c in (
            "Antal besvarelser", "Indikatorsvar", "Klassetringruppe", "Trivselsindikator", "Skoleår"))
        planted = 0
        for cells in rows:
            if cells[0] == HIDDEN_SCHOOL and cells[n] and int(cells[n]) < 5:
                cells[value] = hidden.trivsel
                planted += 1
            if cells[0] == REFUSED_SCHOOL and cells[year] == LATEST_YEAR and cells[group] == "Mellemtrin":
                if cells[indicator] == "Social trivsel":
                    cells[n], cells[value] = "2", hidden.trivsel_malformed
                    planted += 1
                elif cells[indicator] == "Faglig trivsel":
                    cells[n], cells[value] = "4", hidden.trivsel_off_scale
                    planted += 1
        return planted

    def long_format(header: list[str], rows: list[list[str]]) -> int:
        school, year, indicator, value, n = (header.index(c) for c in (
            "Institutionsnummer", "Skoleår", "Indikator", "Værdi", "Antal"))
        planted = 0
        for cells in rows:
            if cells[year] == LATEST_YEAR and cells[indicator] == "Inklusionsgrad":
                if cells[school] == SMALL_INCLUSION_SCHOOL:
                    cells[n], cells[value] = "3", hidden.inklusion
                    planted += 1
                elif cells[school] == REFUSED_SCHOOL:
                    cells[n], cells[value] = "4", hidden.inklusion_malformed
                    planted += 1
        again = dict(zip(header, [HIDDEN_SCHOOL, LATEST_YEAR, "Ro og orden", "Udskoling", "Skole",
                                  hidden.trivsel_again, "3"]))
        rows.append([again.get(column, "") for column in header])
        return planted

    _rewrite_csv(data / "trivsel.csv", trivsel)
    _rewrite_csv(data / "kvalitet_supplement.csv", long_format)
    _plant_ratings(data / "kapacitetsinterview.xlsx", hidden.rating)


def _plant_ratings(path: Path, rating: int) -> None:
    """Every rating of Lille Mølle's interview groups under the minimum becomes `rating`."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Vurderinger"]
    header = [cell.value for cell in sheet[1]]
    school, group = header.index("Institutionsnummer"), header.index("Respondentgruppe")
    statements = [i for i, name in enumerate(header) if isinstance(name, str) and re.fullmatch(r"[A-Z]\d+", name)]
    sizes: dict[str, int] = {}
    for row in sheet.iter_rows(min_row=2, values_only=True):
        if row[school] == HIDDEN_SCHOOL:
            sizes[str(row[group])] = sizes.get(str(row[group]), 0) + 1
    small = {name for name, size in sizes.items() if size < 5}
    assert small, "the sample's Lille Mølle must have interview groups under the minimum"
    for row in sheet.iter_rows(min_row=2):
        if row[school].value == HIDDEN_SCHOOL and str(row[group].value) in small:
            for index in statements:
                if row[index].value is not None:
                    row[index].value = rating
    workbook.save(path)


# --- searching -----------------------------------------------------------------------------------


def spellings(sentinel: str) -> re.Pattern[str]:
    """Every way a leaked `sentinel` could be written: either decimal mark, rounded (while it still has
    three digits), without a separator or with it as a thousands separator, and as a fraction (a share
    printed as 0,1337). Digits around a spelling make it another number."""
    found = re.search(r"(\d+)[.,](\d+)", sentinel)
    assert found, sentinel
    whole, decimals = found.groups()
    value, digits = float(f"{whole}.{decimals}"), whole + decimals
    forms = {rf"{whole}[.,]{decimals}0*", digits, rf"{digits[:-3]}[.,]{digits[-3:]}"}
    for places in range(len(decimals) - 1, 0, -1):
        rounded = f"{value:.{places}f}"
        if len(rounded.replace(".", "")) >= 3:
            forms.add(rounded.replace(".", "[.,]"))
    forms.add(f"{value / 100:.{len(decimals) + 2}f}".replace(".", "[.,]") + "0*")
    return re.compile(rf"(?<![\d])(?:{'|'.join(sorted(forms))})(?![\d])")


DATA_URI = re.compile(r"data:(?P<type>[\w.+-]+/[\w.+-]+)(?:;[\w-]+=[\w.-]+)*(?P<base64>;base64)?,"
                      r"(?P<data>[A-Za-z0-9+/=%._~-]*)")
TEXT_TYPES = ("svg+xml", "xml", "html", "plain", "css")


def readable(text: str) -> str:
    """`text` as a reader gets it: entities decoded, and each data: URI replaced by the text it holds
    (an inlined SVG figure by the text of its labels, never its coordinates; a bitmap by nothing)."""

    def decoded(match: re.Match[str]) -> str:
        if not match["type"].endswith(TEXT_TYPES):
            return " "
        data = match["data"]
        raw = base64.b64decode(data + "=" * (-len(data) % 4)) if match["base64"] else urllib.parse.unquote_to_bytes(data)
        inner = raw.decode("utf-8", "replace")
        if "svg" in match["type"]:
            inner = re.sub(r"<[^>]*>", "", inner)  # the labels; a path's coordinates are attributes
        return f" {readable(inner)} "

    return html.unescape(DATA_URI.sub(decoded, text)).replace("\u00a0", " ").replace("\u202f", " ")


def notebook_text(raw: str) -> str:
    """Every string in a notebook (sources, outputs, metadata) except bitmaps, which hold no text."""
    strings: list[str] = []

    def walk(node: object, key: str = "") -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, str(k))
        elif isinstance(node, list):
            for item in node:
                walk(item, key)
        elif isinstance(node, str) and not key.startswith(("image/png", "image/jpeg", "image/gif")):
            strings.append(node)

    walk(json.loads(raw))
    return readable("\n".join(strings))


def zip_texts(path: Path) -> dict[str, str]:
    """Each XML part of a .docx or .xlsx (the document, styles, properties, relationships …)."""
    with zipfile.ZipFile(path) as archive:
        return {f"{path.name}:{entry}": readable(archive.read(entry).decode("utf-8", "replace"))
                for entry in archive.namelist() if entry.endswith((".xml", ".rels"))}


def output_texts(folder: Path) -> dict[str, str]:
    """Every file under `folder` (the handouts, their notebooks, the index, the overview) as searchable text."""
    texts: dict[str, str] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = str(path.relative_to(folder))
        if path.suffix in (".docx", ".xlsx"):
            texts.update(zip_texts(path))
        elif path.suffix == ".pdf":
            texts[name] = pdf_text(path.read_bytes())
        elif path.suffix == ".ipynb":
            texts[name] = notebook_text(path.read_text(encoding="utf-8"))
        else:
            texts[name] = readable(path.read_bytes().decode("utf-8-sig", "replace"))
    return texts


@functools.cache  # the two renders' PDFs are the same bytes when nothing leaks: read each once (~1,5 s)
def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join([*(page.extract_text() for page in reader.pages), str(reader.metadata or "")])


def leaks(texts: dict[str, str], hidden: Hidden) -> list[str]:
    """Where any spelling of a hidden value stands: »source: 'sentinel' as '…' in …context…«."""
    sentinels = hidden.sentinels()
    # One pass over the texts for every sentinel (some megabytes of pages, figures and notebooks).
    anywhere = re.compile("|".join(f"(?P<s{i}>{spellings(s).pattern})" for i, s in enumerate(sentinels)))
    found = []
    for source, text in texts.items():
        for match in anywhere.finditer(text):
            sentinel = sentinels[int(str(match.lastgroup)[1:])]
            context = text[max(match.start() - 60, 0):match.end() + 60].replace("\n", " ")
            found.append(f"{source}: {sentinel!r} as {match[0]!r} in …{context}…")
    return found


# --- the lab, rendered twice, and served ---------------------------------------------------------


@dataclass
class Run:
    """One variant's outputs: the folder of rendered files and the command-line texts."""

    outputs: Path
    check_code: int
    check: str
    render_code: int
    render: str


@dataclass
class Sweep:
    lab: Path
    runs: dict[str, Run]
    room: dict[str, str]


def _run(lab: Path, hidden: Hidden, keep: Path) -> Run:
    plant(lab, hidden)
    runner = CliRunner()
    checked = runner.invoke(main, ["check", str(lab)], catch_exceptions=False)
    rendered = runner.invoke(main, ["render", str(lab), "--stille", "--processer", "2"], catch_exceptions=False)
    shutil.move(lab / "uddelingsark", keep)
    return Run(keep, checked.exit_code, checked.output, rendered.exit_code, rendered.output)


def _room_pages(lab: Path) -> dict[str, str]:
    """`labkit serve` on the lab: the start pages, the board and its JSON, a handout made from the
    board (and the refusal for the school whose data are refused), an app page and the server's log."""
    from tests.room.conftest import RoomServer, free_port

    def call(server: RoomServer, path: str, cookie: str, method: str = "GET",
             headers: dict[str, str] | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        try:
            connection.request(method, path, body=b"" if method == "POST" else None,
                               headers={"Cookie": cookie, **(headers or {})})
            response = connection.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            connection.close()

    server = RoomServer(lab, free_port(), lab.parent / "serve.log")
    server.start()
    pages: dict[str, str] = {}
    try:
        facilitator, team = server.cookie("facilitator"), server.cookie(HIDDEN_SCHOOL)
        refused_team = server.cookie(REFUSED_SCHOOL)
        for school in (HIDDEN_SCHOOL, REFUSED_SCHOOL):
            status, answer = call(server, f"/tavle/lav/{school}", facilitator, "POST", {"X-Labkit": "1"})
            assert status == 200, answer
            pages[f"POST /tavle/lav/{school}"] = answer
        assert "fejl" in json.loads(pages[f"POST /tavle/lav/{REFUSED_SCHOOL}"])
        requests = [("/", facilitator), ("/", team), ("/", refused_team), ("/tavle", facilitator),
                    ("/tavle/status", facilitator), (f"/tavle/uddelingsark/{HIDDEN_SCHOOL}", facilitator),
                    ("/uddelingsark", team),
                    ("/voila/render/1_data_og_analyse.ipynb", team)]
        for path, cookie in requests:
            status, body = call(server, path, cookie)
            assert status == 200, (path, status)
            pages[f"GET {path} ({'facilitator' if cookie == facilitator else 'team'})"] = body
        pages.update(_data_page_in_browser(server))
    finally:
        server.stop()
    pages["labkit serve (log)"] = server.log_path.read_text(encoding="utf-8")
    return {name: readable(text) for name, text in pages.items()}


def _data_page_in_browser(server: Any) -> dict[str, str]:
    """The hidden school's data page as its team sees it: built by the widgets in Chromium (the HTML the
    server sends holds only their placeholders), read when its text has stopped growing."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_context(locale="da-DK").new_page()
            page.set_default_timeout(120_000)
            page.goto(server.links[HIDDEN_SCHOOL])
            page.goto(f"{server.url}/voila/render/1_data_og_analyse.ipynb", wait_until="commit")
            page.wait_for_selector("#rendered_cells", state="visible")
            page.wait_for_selector(".jupyter-widgets")
            text, deadline = "", time.monotonic() + 60
            while time.monotonic() < deadline:
                page.wait_for_timeout(1000)
                if len(now := page.inner_text("body")) == len(text):
                    break
                text = now
            assert "Lille Mølle Skole" in text and "færre end 5 deltagere" in text, text[:2000]  # the page was built
            # Beside the text: what the page says in attributes and form fields (its stylesheets' icons,
            # drawn as SVG paths full of numbers, are left out).
            said = page.evaluate("""() => Array.from(document.querySelectorAll('body *')).flatMap(e => [
                e.getAttribute('alt'), e.getAttribute('title'), e.getAttribute('aria-label'),
                e.getAttribute('placeholder'), e.value, e.tagName === 'IMG' ? e.getAttribute('src') : null])
                .filter(v => typeof v === 'string' && v)""")
            return {"rummet i Chromium: Jeres data (tekst)": text,
                    "rummet i Chromium: Jeres data (egenskaber)": "\n".join(said)}
        finally:
            browser.close()


@pytest.fixture(scope="module")
def sweep(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sweep]:
    """The sample lab with FIRST planted, checked and rendered; then with SECOND, in the same folder (the
    executed notebooks name it), checked, rendered and served."""
    started = time.monotonic()
    folder = tmp_path_factory.mktemp("privatliv")
    lab = folder / "lab"
    shutil.copytree(ROOT / "sample_data", lab)
    runs = {"FIRST": _run(lab, FIRST, folder / "ud_first"), "SECOND": _run(lab, SECOND, folder / "ud_second")}
    room = _room_pages(lab)
    print(f"\nPrivatlivstjek: to renderinger og rummet på {time.monotonic() - started:.1f} s")
    yield Sweep(lab, runs, room)


def _all_texts(sweep: Sweep, name: str) -> dict[str, str]:
    run = sweep.runs[name]
    texts = {f"{name}/{source}": text for source, text in output_texts(run.outputs).items()}
    texts[f"{name}/labkit check"] = run.check
    texts[f"{name}/labkit render"] = run.render
    return texts


def test_the_search_finds_every_spelling_also_inside_an_inlined_figure() -> None:
    """The sweep itself: a leak written any of these ways, also in an SVG figure's label, is found."""
    svg = '<svg><path d="M 13.37 1337"/><text>Andel 13,4 %</text></svg>'
    page = f'<img src="data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}">'
    found = leaks({"figur": readable(page)}, Hidden("", "13.37x", "", "", "", "", 1))
    assert len(found) == 1 and "as '13,4'" in found[0], found
    for written in ("13,37", "13.37", "13,370", "1337", "1.337", "13,4", "0,1337", "&#49;3,37", "13,37&nbsp;%"):
        assert spellings("13.37x").search(readable(f"<td>{written}</td>")), written
    for other in ("113,37", "13,375", "13371", "213.4", "13,41", "1,3"):
        assert not spellings("13.37x").search(other), other
    assert spellings("1,1337").search("1,13") and not spellings("1,1337").search("1,1")


def test_no_output_holds_a_hidden_figure_in_any_spelling(sweep: Sweep) -> None:
    for name, hidden in (("FIRST", FIRST), ("SECOND", SECOND)):
        texts = _all_texts(sweep, name)
        # Every kind of output was searched: five handouts in three formats, six notebooks, the index,
        # the overview and both command reports.
        names = list(texts)
        for kind, least in ((".html", 6), (".pdf", 5), ("_indsatsteori.docx:word/document.xml", 5),
                            (".ipynb", 6), ("oversigt.xlsx:xl/worksheets/sheet1.xml", 1), ("oversigt.csv", 1)):
            assert sum(n.endswith(kind) for n in names) >= least, (kind, names)
        if name == "SECOND":
            texts.update({f"arbejde/{p.name}": readable(p.read_text(encoding="utf-8"))
                          for p in (sweep.lab / "arbejde").rglob("*") if p.is_file()})
            texts.update({f"rummet: {page}": text for page, text in sweep.room.items()})
        found = leaks(texts, hidden)
        assert not found, "\n".join(found[:20])


def test_hidden_values_change_no_byte_of_any_output(sweep: Sweep) -> None:
    """Rendered with other hidden values, every file (handouts, PDFs, Word, notebooks, index, overview)
    is the same, and so are the check report and the render summary."""
    first, second = sweep.runs["FIRST"], sweep.runs["SECOND"]
    files = {str(p.relative_to(first.outputs)) for p in first.outputs.rglob("*") if p.is_file()}
    assert files == {str(p.relative_to(second.outputs)) for p in second.outputs.rglob("*") if p.is_file()}
    assert any(f.endswith(".pdf") for f in files) and any(f.endswith(".ipynb") for f in files)
    different = [f for f in sorted(files) if (first.outputs / f).read_bytes() != (second.outputs / f).read_bytes()]
    assert not different, different
    assert (first.check_code, first.check) == (second.check_code, second.check)
    seconds = re.compile(r"på [\d,]+ s")  # the render summary's run time
    assert (first.render_code, seconds.sub("", first.render)) == (second.render_code, seconds.sub("", second.render))


def test_malformed_hidden_figures_are_named_by_place_and_refused(sweep: Sweep) -> None:
    """The check and the render say which cells are wrong (file, row, column) and why a value is not
    shown; the school with them gets no handout, the others do."""
    for run in sweep.runs.values():
        assert run.check_code == 1 and run.render_code == 1
        hidden_cells = [line for line in run.check.splitlines() if "skjult: færre end 5 besvarelser" in line]
        assert len(hidden_cells) == 3, run.check
        assert all("række" in line and "kolonne" in line for line in hidden_cells)
        assert "Lavede uddelingsark for 5 af 6 skoler" in run.render
        refused = next(line for line in run.render.splitlines() if line.strip().startswith(REFUSED_SCHOOL))
        assert "Skolens data har fejl" in refused and "skjult" in refused


def test_a_malformed_rating_in_an_interview_group_under_the_minimum_is_never_quoted(
        lab: Path, run_check: Callable[[Path], tuple[int, str]]) -> None:
    """Lille Mølle's leaders (3 respondents, hidden) with a rating typed as 13.37 and one of 9,73: the check
    names the cells, never what stands in them."""
    workbook = openpyxl.load_workbook(lab / "data" / "kapacitetsinterview.xlsx")
    sheet = workbook["Vurderinger"]
    header = [cell.value for cell in sheet[1]]
    school, group, first = (header.index(c) for c in ("Institutionsnummer", "Respondentgruppe", "K1"))
    leaders = [row for row in sheet.iter_rows(min_row=2) if row[school].value == HIDDEN_SCHOOL
               and row[group].value == "Ledelse"]
    assert 0 < len(leaders) < 5
    leaders[0][first].value, leaders[1][first].value = "13.37", 9.73
    workbook.save(lab / "data" / "kapacitetsinterview.xlsx")
    code, report = run_check(lab)
    assert code == 1 and report.count("kolonne »K1«") == 2, report
    assert not leaks({"labkit check": report}, Hidden("", "13.37", "9,73", "", "", "", 1)), report


def test_a_malformed_figure_whose_count_cannot_be_read_is_never_quoted(
        lab: Path, run_check: Callable[[Path], tuple[int, str]]) -> None:
    """Lille Mølle's trivsel group of 3 written as »3x« with the figure »13.37x«: without a readable count
    the privacy rule cannot be checked, so the figure is hidden, and its message must not quote it."""

    def plant_one(header: list[str], rows: list[list[str]]) -> int:
        n, value = header.index("Antal besvarelser"), header.index("Indikatorsvar")
        cells = next(c for c in rows if c[0] == HIDDEN_SCHOOL and c[n] and int(c[n]) < 5)
        cells[n], cells[value] = "3x", "13.37x"
        return 1

    _rewrite_csv(lab / "data" / "trivsel.csv", plant_one)
    code, report = run_check(lab)
    assert code == 1 and "Antallet kan ikke læses" in report and "kolonne »Indikatorsvar«" in report, report
    assert not leaks({"labkit check": report}, Hidden("", "13.37x", "", "", "", "", 1)), report
