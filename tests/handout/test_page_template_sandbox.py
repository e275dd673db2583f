"""A lab's page templates are rendered in Jinja's sandbox (finding 2 of the adversarial test): Python that
`labkit check` cannot see in the text (a name built from pieces) is stopped at `labkit render`, with a
Danish message naming the template, and nbconvert's English alt text never reaches a handout."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from labkit.cli import main
from labkit.handout.safe_page import unsafe_page_parts
from tests.data.bad_input_harness import ENGLISH, edit_template, own_templates, valid_lab

# `cycler.__init__.__globals__.os`, spelt so that no name or text in the template starts with _ or holds __.
HIDDEN_OS = '(cycler|{f}("_" ~ "_ini" ~ "t_" ~ "_")|{f}("_" ~ "_glo" ~ "bals_" ~ "_")).os.popen("id").read()'
HIDDEN_ITEM = 'cycler[("_" ~ "_ini" ~ "t_" ~ "_")][("_" ~ "_glo" ~ "bals_" ~ "_")].os.popen("id").read()'


def _render(lab: Path, *options: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["render", str(lab), "--format", "html", "--stille", "--processer", "1",
                                       "--skole", "101001", *options], catch_exceptions=False)
    pages = "".join(p.read_text(encoding="utf-8") for p in (lab / "uddelingsark").rglob("*.html"))
    return result.exit_code, result.output, pages


HIDDEN = "{{ " + HIDDEN_ITEM + " }}"


@pytest.mark.parametrize(("template", "old", "new"), [
    ("uddelingsark/indeks.html.j2", "</body>", HIDDEN + "</body>"),
    ("uddelingsark/html/index.html.j2", "<main>", "<main>" + HIDDEN),
])
def test_python_hidden_in_a_page_template_is_stopped_in_danish(tmp_path: Path, template: str, old: str,
                                                                new: str) -> None:
    lab = valid_lab(tmp_path / "lab")
    edit_template(template, old, new)(lab)
    code, output, pages = _render(lab)
    assert code != 0, output
    assert "uid=" not in output and "uid=" not in pages
    named = template.removeprefix("uddelingsark/")
    assert any(named in line and "må ikke" in line for line in output.splitlines()), output
    assert not ENGLISH.search(output), output


def test_an_image_without_alt_text_gets_no_english_text(tmp_path: Path) -> None:
    lab = valid_lab(tmp_path / "lab")
    edit_template("uddelingsark/html/index.html.j2", "<main>", '<main><img src="data:image/png;base64,iVBORw0KGgo=">')(lab)
    code, output, pages = _render(lab)
    assert code == 0, output
    assert "<img" in pages and "No description has been provided" not in pages


def test_the_testers_injection_is_refused_by_check_and_render(tmp_path: Path) -> None:
    """The adversarial tester's templates: script, a remote image and Python in the handout page; a remote
    script and a shell command in the index page."""
    lab = valid_lab(tmp_path / "lab")
    edit_template("uddelingsark/html/index.html.j2", "<main>",
                  '<main><script>alert(1)</script><img src="https://example.com/track.png">'
                  '<p>{{ "".__class__.__mro__[1].__subclasses__()|length }}</p>')(lab)
    edit_template("uddelingsark/indeks.html.j2", "</body>", '<script src="https://example.com/x.js"></script>'
                  '{{ cycler.__init__.__globals__.os.popen("id").read() }}</body>')(lab)
    checked = CliRunner().invoke(main, ["check", str(lab)], catch_exceptions=False)
    assert checked.exit_code != 0 and "Resultat: data kan bruges." not in checked.output, checked.output
    for name in ("uddelingsark/html/index.html.j2", "uddelingsark/indeks.html.j2"):
        assert any(name in line and "linje" in line and "må ikke" in line for line in checked.output.splitlines()), (
            checked.output)
    code, output, pages = _render(lab)
    assert code != 0 and "html/index.html.j2" in output, output
    assert pages == "" and "uid=" not in output
    assert not ENGLISH.search(output + checked.output)


# The verifier's ways past a check of the templates' text: markup built from pieces, brought in by
# include (a file that is no template), HTML character codes, and nbconvert's own MathJax macro.
BUILT = "{{ \"<scr\" ~ \"ipt>alert('T')</scr\" ~ \"ipt>\" }}"
PAST_THE_TEXT = [
    pytest.param("html/index.html.j2", "<main>", "<main>" + BUILT, None, id="script-built-from-pieces"),
    pytest.param("html/index.html.j2", "<main>", '<main>{{ "<img src=x one" ~ "rror=alert(1)>" }}', None,
                 id="handler-built-from-pieces"),
    pytest.param("html/index.html.j2", "<main>", '<main><img src="h&#116;tps://example.com/e.png">', None,
                 id="address-in-character-codes"),
    pytest.param("html/index.html.j2", "<main>", '<main><a href="jav&#x61;script:alert(1)">x</a>', None,
                 id="javascript-in-character-codes"),
    pytest.param("html/index.html.j2", "<main>", "<main>{% from 'mathjax.html.j2' import mathjax %}{{ mathjax() }}",
                 None, id="nbconvert-mathjax-from-a-cdn"),
    pytest.param("html/index.html.j2", "<main>", "<main>{% include 'x.html' %}",
                 ("html/x.html", '<img src="https://example.com/inc.png">'), id="include-of-a-plain-file"),
    pytest.param("indeks.html.j2", "</body>", '{{ ("<scr"~"ipt>alert(1)</scr"~"ipt>")|safe }}</body>', None,
                 id="index-script-marked-safe"),
    pytest.param("indeks.html.j2", "</body>", "<style>@im{{''}}port url(htt{{''}}ps://example.com/i.css);</style></body>",
                 None, id="index-css-import-from-pieces"),
]


@pytest.mark.parametrize(("template", "old", "new", "extra"), PAST_THE_TEXT)
def test_what_a_page_template_makes_is_read_as_a_browser_reads_it(tmp_path: Path, template: str, old: str,
                                                                  new: str, extra: tuple[str, str] | None) -> None:
    lab = valid_lab(tmp_path / "lab")
    edit_template(f"uddelingsark/{template}", old, new)(lab)
    if extra is not None:
        (own_templates(lab) / "uddelingsark" / extra[0]).write_text(extra[1], encoding="utf-8")
    checked = CliRunner().invoke(main, ["check", str(lab)], catch_exceptions=False)
    assert checked.exit_code != 0 and "må ikke indeholde noget, der kører eller henter fra nettet" in checked.output
    code, output, _ = _render(lab)
    assert code != 0, output
    assert "må ikke indeholde noget, der kører eller henter fra nettet" in output
    for page in (lab / "uddelingsark").rglob("*.html"):  # what is left (the index) is safe to open
        assert unsafe_page_parts(page.read_text(encoding="utf-8")) == [], page.name
    assert not ENGLISH.search(output), output


@pytest.mark.parametrize(("page", "harmful"), [
    ('<img src="h&#116;tps://example.com/e.png">', True),
    ('<a href="jav&#x61;script:alert(1)">x</a>', True),
    ("<style>a{background:u\\72l('https://example.com/q.png')}</style>", True),
    ("<style>@im/**/port url(https://example.com/i.css);</style>", True),
    ('<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>', True),
    ('<meta http-equiv="refresh" content="0;url=https://example.com">', True),
    # Text is text: a team's or a school's words in alt text or in the printed footer's CSS string.
    ('<img src="data:image/png;base64,AAAA" alt="javascript:alert(1) &lt;script&gt;">', False),
    ('<style>@page{@bottom-center{content:"url(http:\\2f \\2f x) \\40 import"}}</style>', False),
    ('<meta charset="utf-8"><a href="https://uddannelsesstatistik.dk">kilde</a>', False),
])
def test_a_page_is_read_as_a_browser_reads_it(page: str, harmful: bool) -> None:
    assert bool(unsafe_page_parts(page)) is harmful
