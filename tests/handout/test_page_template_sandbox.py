"""A lab's page templates are rendered in Jinja's sandbox (finding 2 of the adversarial test): Python that
`labkit check` cannot see in the text (a name built from pieces) is stopped at `labkit render`, with a
Danish message naming the template, and nbconvert's English alt text never reaches a handout."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from labkit.cli import main
from tests.data.bad_input_harness import ENGLISH, edit_template, valid_lab

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
