"""Handouts and the index page work offline and run nothing (issue #12), checked in a real browser.

Every handout and `index.html` is opened in headless Chromium from disk, with every request logged
(through the DevTools protocol, so file: and data: count too, and through Playwright's router, which
stops anything that would leave the machine) and a handler for JavaScript dialogs. Two labs: the
sample lab as it ships, and a lab with its own templates (`skabeloner/`) in which every value a
consultant or a team can write tries network addresses and script: the layout's texts, the logo, the
catalogue's, the interview's and the frameworks' texts, the municipality, a school's name, the
interviewers' notes and the team's saved texts. Values that are refused (a colour that is not a colour,
a logo outside the templates) must be refused by `labkit check` with a Danish message naming the key.

Allowed: the page's own file:// address and data: URIs. Everything else is a failure, as is a dialog,
an element with an on… handler, a javascript: address or a <script>, <iframe>, <object>, <embed> or
<link> anywhere in a page.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from labkit.cli import main
from tests.conftest import CHROMIUM, CHROMIUM_FLAGS, ROOT, require_browser

pytestmark = [pytest.mark.chromium, pytest.mark.slow]

require_browser()

from playwright.sync_api import Browser, BrowserContext, Route, sync_playwright

HOST = "http://127.0.0.1:9"  # the discard port: nothing answers, and the router stops it first anyway
# One value that tries every way out of its place: closing the attribute, the element, the style block
# and the title; scripts, handlers, javascript: addresses; and resources from the network in HTML and CSS.
ATTACK = (
    f'"><svg onload=alert(1)><script>alert(2)</script><img src={HOST}/img.png onerror=alert(3)>'
    f"<style>@import url({HOST}/style.css);</style><link rel=stylesheet href={HOST}/link.css>"
    f' url({HOST}/url.png) @import "{HOST}/import.css"; javascript:alert(4) '
    f"<a href=javascript:alert(5)>link</a><iframe src={HOST}/frame></iframe>"
    "'-alert(6)-'</style></title></textarea><script>alert(7)</script>"
)
SHORT_ATTACK = f"<script>alert(8)</script><img src={HOST}/navn.png>"  # for names that must stay short
LOGO = (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" '
        f'height="20" onload="alert(9)"><script>alert(10)</script><style>@import url({HOST}/logo.css);</style>'
        f'<image href="{HOST}/logo.png" xlink:href="{HOST}/logo2.png" width="10" height="10"/>'
        '<rect width="40" height="20" fill="#1f4e79"/></svg>')
TEAM_SCHOOL = "061004"
NAMED_SCHOOL = "061001"  # its name in lab.yaml carries script
# The texts a consultant writes in each template, by key (ids, published column names and the
# interview's group and dimension names are matched against data, so they stay as they are).
TEXT_KEYS = {
    "uddelingsark/uddelingsark.yaml": ("titel", "undertitel", "fodnote", "overskrift", "intro", "navn"),
    "indikatorer.yaml": ("navn", "beskrivelse"),
    "fokusomraader.yaml": ("navn", "pejlemaerke", "beskrivelse"),
    "plf_spoergsmaal.yaml": ("tekst",),
    "plf_modenhed.yaml": ("navn", "beskrivelse", "kendetegn"),
    "kapacitetsinterview.yaml": ("tekst",),
}


def _attacked(node: Any, keys: tuple[str, ...], key: str = "") -> Any:
    """`node` with ATTACK appended to every text under one of `keys` (also inside lists of texts)."""
    if isinstance(node, dict):
        return {k: _attacked(v, keys, str(k)) for k, v in node.items()}
    if isinstance(node, list):
        return [_attacked(item, keys, key) for item in node]
    if isinstance(node, str) and key in keys:
        return f"{node} {ATTACK}"
    return node


def _write_yaml(path: Path, data: Any) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")


def attacking_lab(folder: Path) -> Path:
    """The sample lab with its own templates and every writable value attacking the page."""
    lab = folder / "lab"
    shutil.copytree(ROOT / "sample_data", lab)
    shutil.copytree(ROOT / "templates", lab / "skabeloner")
    config = yaml.safe_load((lab / "lab.yaml").read_text(encoding="utf-8"))
    config["kommune"] = f"{config['kommune']} {SHORT_ATTACK}"
    config["laboratorium"] = f"{config['laboratorium']} {SHORT_ATTACK}"
    for school in config["skoler"]:
        if school["institutionsnummer"] == NAMED_SCHOOL:
            school["navn"] = f"{school['navn']} {SHORT_ATTACK}"
    config["skabeloner"] = "skabeloner"
    _write_yaml(lab / "lab.yaml", config)
    for name, keys in TEXT_KEYS.items():
        path = lab / "skabeloner" / name
        _write_yaml(path, _attacked(yaml.safe_load(path.read_text(encoding="utf-8")), keys))
    (lab / "skabeloner" / "uddelingsark" / "logo.svg").write_text(LOGO, encoding="utf-8")
    # The lab's own page template forgets to escape the layout's texts: they must still arrive as text.
    page = lab / "skabeloner" / "uddelingsark" / "html" / "index.html.j2"
    text = page.read_text(encoding="utf-8")
    for value in ("labkit.titel", "labkit.fodnote"):
        assert f"{{{{ {value} | e }}}}" in text, value
        text = text.replace(f"{{{{ {value} | e }}}}", f"{{{{ {value} }}}}")
    page.write_text(text, encoding="utf-8")
    _attack_notes(lab / "data" / "kapacitetsinterview.xlsx")
    _write_team_work(lab)
    return lab


def _attack_notes(path: Path) -> None:
    """The interviewers' notes and quotes (shown in the handout's kapacitet section) carry the attack."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Noter"]
    column = [cell.value for cell in sheet[1]].index("Tekst")
    for row in sheet.iter_rows(min_row=2):
        if row[column].value:
            row[column].value = f"{row[column].value} {ATTACK}"
    workbook.save(path)


def _write_team_work(lab: Path) -> None:
    from labkit.workspace.store import Workspace

    workspace = Workspace.open(lab, TEAM_SCHOOL, "Læringslab 1")
    workspace.set("indsatsomraader/valgte", ["klasseledelse"])
    workspace.set("indsatsomraader/begrundelser/klasseledelse", f"Begrundelse {ATTACK}")
    for key in ("problem", "maalgruppe", "langsigtet_maal"):
        workspace.set(f"indsatsteorier/klasseledelse/{key}", f"{key} {ATTACK}")
    workspace.set("indsatsteorier/klasseledelse/aktiviteter", [f"Aktivitet {ATTACK}", ATTACK])
    workspace.set("plf_modenhed/niveau", "erfaringsdeling")
    workspace.set("plf_modenhed/begrundelse", f"Vi deler erfaringer {ATTACK}")
    for lock in (lab / "arbejde").glob("*.lock"):  # the team's session has ended
        lock.unlink()


def render_html(lab: Path, *options: str) -> tuple[int, str, list[Path]]:
    """`labkit render LAB --format html …`: (exit code, output, every page made, the index pages too)."""
    result = CliRunner().invoke(main, ["render", str(lab), "--format", "html", "--stille", "--processer", "2",
                                       *options], catch_exceptions=False)
    return result.exit_code, result.output, sorted((lab / "uddelingsark").rglob("*.html"))


# --- the browser ---------------------------------------------------------------------------------

# Anything that runs, frames or fetches, left in the page after it is built.
PAGE_CHECK = """() => {
  const found = [];
  for (const element of document.querySelectorAll('*')) {
    const tag = element.tagName.toLowerCase();
    if (['script', 'iframe', 'object', 'embed', 'link', 'frame', 'base', 'portal'].includes(tag)) found.push('<' + tag + '>');
    if (tag === 'meta' && element.getAttribute('http-equiv')) found.push('<meta http-equiv>');
    for (const attribute of element.attributes) {
      if (attribute.name.toLowerCase().startsWith('on')) found.push(tag + ' ' + attribute.name);
      if (/^\\s*(javascript|vbscript):/i.test(attribute.value)) found.push(tag + ' ' + attribute.name + '=' + attribute.value);
    }
  }
  return found;
}"""


@dataclass
class Visit:
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    elements: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def visit(browser: Browser, path: Path) -> Visit:
    """Open `path` from disk on screen and for print; what it requested beyond itself, its dialogs,
    and the elements in it that could run or fetch."""
    seen = Visit()
    context: BrowserContext = browser.new_context(java_script_enabled=True, service_workers="block")
    own = path.as_uri()

    def stop(route: Route) -> None:
        seen.requests.append(route.request.url)
        route.abort()

    context.route(re.compile(r"^(?!file:|data:).*"), stop)  # logged and stopped before it leaves
    page = context.new_page()
    page.on("dialog", lambda dialog: (seen.dialogs.append(dialog.message), dialog.dismiss()))
    protocol = context.new_cdp_session(page)
    protocol.send("Network.enable")
    protocol.on("Network.requestWillBeSent", lambda event: seen.requests.append(event["request"]["url"]))
    try:
        page.goto(own, wait_until="load")
        page.emulate_media(media="print")  # print-only styles may fetch too
        page.wait_for_timeout(300)
        seen.elements = page.evaluate(PAGE_CHECK)
    finally:
        context.close()
    seen.requests = sorted({url for url in seen.requests if url != own and not url.startswith("data:")})
    return seen


def assert_offline_and_inert(browser: Browser, pages: list[Path]) -> None:
    problems = {}
    for path in pages:
        seen = visit(browser, path)
        if seen.requests or seen.dialogs or seen.elements:
            problems[path.name] = {"forespørgsler": seen.requests, "dialoger": seen.dialogs,
                                   "elementer": seen.elements[:10]}
    assert not problems, problems


# --- the tests -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    lab = tmp_path_factory.mktemp("offline_eksempel") / "lab"
    shutil.copytree(ROOT / "sample_data", lab)
    code, output, pages = render_html(lab)
    assert code == 0, output
    return pages


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str, list[Path]]:
    lab = attacking_lab(tmp_path_factory.mktemp("offline_angreb"))
    edition = render_html(lab, "--skole", TEAM_SCHOOL, "--udgave", "efter")  # the edition's name in the page
    assert edition[0] == 0, edition[1]
    return (lab, *render_html(lab))


def test_the_sample_labs_handouts_and_index_fetch_nothing_and_run_nothing(browser: Browser,
                                                                          sample_pages: list[Path]) -> None:
    assert len(sample_pages) == 7 and any(p.name == "index.html" for p in sample_pages)
    assert_offline_and_inert(browser, sample_pages)


def test_attacking_templates_and_texts_reach_the_pages_only_as_text(
        browser: Browser, attacked: tuple[Path, int, str, list[Path]], run_check: Any) -> None:
    lab, code, output, pages = attacked
    check_code, report = run_check(lab)
    assert check_code == 0 and "Skabeloner: alle kan læses." in report, report
    assert code == 0, output
    assert len(pages) == 9 and sum(p.name == "index.html" for p in pages) == 2  # and the »efter« edition's
    assert_offline_and_inert(browser, pages)
    # The values are there, as text a reader sees: the attack was shown, not dropped or run.
    team = next(p for p in pages if p.name.startswith(TEAM_SCHOOL)).read_text(encoding="utf-8")
    assert team.count("&lt;script&gt;alert(2)&lt;/script&gt;") >= 5  # layout, catalogue, frameworks, team
    assert "<script" not in team.lower()
    index = next(p for p in pages if p.name == "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(8)&lt;/script&gt;" in index and "<script" not in index.lower()


def test_no_page_carries_nbconvert_s_english_alt_text(sample_pages: list[Path],
                                                      attacked: tuple[Path, int, str, list[Path]]) -> None:
    """nbconvert gives an image without alt text »No description has been provided for this image«."""
    pages = [*sample_pages, *attacked[3]]
    assert pages and all("<img" in p.read_text(encoding="utf-8") for p in pages if p.name != "index.html")
    assert not [p.name for p in pages if "No description has been provided" in p.read_text(encoding="utf-8")]


REFUSED = [
    ("farver", {"accent": "#c55a11;}</style><script>alert(1)</script>"}, "farven »accent« skal være en farvekode"),
    ("farver", {"primaer": f"url({HOST}/farve.png)"}, "farven »primaer« skal være en farvekode"),
    ("farver", {"tekst": "red; background: url(http://127.0.0.1:9/x)"}, "farven »tekst« skal være en farvekode"),
    ("logo", "../../lab.yaml", "skal ligge i mappen"),
    ("logo", f"{HOST}/logo.svg", f"logoet »{HOST}/logo.svg« findes ikke"),
    ("logo", "uddelingsark.yaml", "skal være et billede"),
]


@pytest.mark.parametrize(("key", "value", "message"), REFUSED, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(REFUSED)])
def test_a_value_that_is_not_what_its_key_means_is_refused_in_danish(tmp_path: Path, key: str, value: object,
                                                                      message: str, run_check: Any) -> None:
    """A colour that is not a colour, a logo outside the templates: `labkit check` names file and key,
    and `labkit render` makes nothing."""
    lab = tmp_path / "lab"
    shutil.copytree(ROOT / "sample_data", lab)
    shutil.copytree(ROOT / "templates" / "uddelingsark", lab / "skabeloner" / "uddelingsark")
    for name in ROOT.joinpath("templates").glob("*"):
        if name.is_file():
            shutil.copy(name, lab / "skabeloner" / name.name)
    config = yaml.safe_load((lab / "lab.yaml").read_text(encoding="utf-8"))
    _write_yaml(lab / "lab.yaml", {**config, "skabeloner": "skabeloner"})
    layout_path = lab / "skabeloner" / "uddelingsark" / "uddelingsark.yaml"
    layout = yaml.safe_load(layout_path.read_text(encoding="utf-8"))
    layout[key] = {**layout[key], **value} if isinstance(value, dict) else value
    _write_yaml(layout_path, layout)
    code, report = run_check(lab)
    assert code != 0 and "FEJL I SKABELONERNE" in report, report
    refusal = next(line for line in report.splitlines() if message in line)
    assert "uddelingsark.yaml" in refusal
    assert "<script" not in report
    rendered = CliRunner().invoke(main, ["render", str(lab), "--format", "html", "--stille"], catch_exceptions=False)
    assert rendered.exit_code == 2 and message in rendered.output, rendered.output
    assert not list((lab / "uddelingsark").glob("*.html"))
