"""Bad-input suite, settings and outputs (issue 12): `lab.yaml`, the lab's own templates (`skabeloner/`)
and the output paths of `labkit render --ud` and `labkit new`, as consultants really get them wrong.

The cases run through `tests.data.bad_input_harness` like the data-file cases in
`test_bad_input_suite.py`: refused with a Danish line naming the file and the line or key and what to
write instead, or accepted with the settings read as meant.
"""

from __future__ import annotations

import errno
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from labkit.data.config import load_config
from labkit.data.templates import BUNDLED_TEMPLATES
from tests.data.bad_input_harness import (
    Case,
    Ran,
    append_yaml,
    edit_template,
    edit_yaml,
    own_templates,
    run,
    template_line,
    template_sub,
)

Y = "lab.yaml"


def config_is(**expected: object) -> Callable[[Ran], None]:
    def read(ran: Ran) -> None:
        config = load_config(ran.folder)
        for name, value in expected.items():
            assert getattr(config, name) == value, (name, getattr(config, name))

    return read


def schools_are(*ids: str) -> Callable[[Ran], None]:
    return lambda ran: _same([s.id for s in load_config(ran.folder).schools], list(ids))


def _same(found: object, expected: object) -> None:
    assert found == expected, found


def write_yaml(text: str, encoding: str = "utf-8") -> Callable[[Path], None]:
    def spoil(folder: Path) -> None:
        (folder / "lab.yaml").write_bytes(text.encode(encoding))

    return spoil


def _folder_instead_of(path: Path) -> None:
    path.unlink()
    path.mkdir()


def lab_text(folder: Path) -> str:
    return (folder / "lab.yaml").read_text(encoding="utf-8")


# --- lab.yaml ---------------------------------------------------------------------------------------------

LAB_YAML = [
    Case("yaml-privacy-limit-written-twice", append_yaml("mindste_gruppe: 3\n"), True,
         says=[(Y, "linje 13", "»mindste_gruppe«", "også i linje 4")]),
    Case("yaml-school-list-written-twice", append_yaml('skoler:\n  - institutionsnummer: "101005"\n    navn: X\n'),
         True, says=[(Y, "»skoler«", "også i linje")]),
    Case("yaml-privacy-limit-misspelt", append_yaml("mindste_grupe: 10\n"), True,
         says=[(Y, "»mindste_grupe«", "Mente du »mindste_gruppe«?")]),
    Case("yaml-privacy-limit-with-a-capital", edit_yaml("mindste_gruppe: 5", "Mindste_gruppe: 5"), True,
         says=[(Y, "»Mindste_gruppe«", "Mente du »mindste_gruppe«?")]),
    Case("yaml-show-names-misspelt", append_yaml("vis_navne: true\n"), True,
         says=[(Y, "»vis_navne«", "Mente du »vis_skolenavne«?")]),
    Case("yaml-school-key-misspelt", edit_yaml("    navn: Nyboder", "    nav: Nyboder"), True,
         says=[(Y, "skole nr. 2", "»nav«", "Mente du »navn«?")]),
    Case("yaml-municipality-as-a-list", edit_yaml("kommune: Københavns Kommune", "kommune: [a, b]"), True,
         says=[(Y, "»kommune« skal være én tekst")], never=("['a'",)),
    Case("yaml-lab-name-as-a-block", edit_yaml("laboratorium: Testlaboratorium", "laboratorium:\n  navn: Lab 1"), True,
         says=[(Y, "»laboratorium« skal være én tekst")], never=("{'",)),
    Case("yaml-privacy-limit-in-words", edit_yaml("mindste_gruppe: 5", "mindste_gruppe: fem"), True,
         says=[(Y, "»mindste_gruppe«", "helt tal")]),
    Case("yaml-privacy-limit-zero", edit_yaml("mindste_gruppe: 5", "mindste_gruppe: 0"), True,
         says=[(Y, "»mindste_gruppe«", "mindst 1")]),
    Case("yaml-privacy-limit-with-decimals", edit_yaml("mindste_gruppe: 5", "mindste_gruppe: 4,5"), True,
         says=[(Y, "»mindste_gruppe«", "helt tal")]),
    Case("yaml-privacy-limit-as-yes", edit_yaml("mindste_gruppe: 5", "mindste_gruppe: true"), True,
         says=[(Y, "»mindste_gruppe«", "helt tal")]),
    Case("yaml-privacy-limit-in-quotes", edit_yaml("mindste_gruppe: 5", 'mindste_gruppe: "5"'), True,
         says=[(Y, "»mindste_gruppe«", "uden anførselstegn")]),
    # YAML 1.1 reads 010 as octal 8, 0x0A, 0b1010 and 1_0 as 10: a privacy limit must be what was typed.
    *[Case(f"yaml-privacy-limit-written-as-{name}", edit_yaml("mindste_gruppe: 5", f"mindste_gruppe: {value}"), True,
           says=[(Y, "linje 4", f"»mindste_gruppe: {value}«", "helt tal", "fx 10")],
           never=("Mindste gruppestørrelse",))
      for name, value in (("octal", "010"), ("hex", "0x0A"), ("binary", "0b1010"), ("underscore", "1_0"))],
    Case("yaml-privacy-limit-written-as-a-time", edit_yaml("mindste_gruppe: 5", "mindste_gruppe: 1:30"), True,
         says=[(Y, "linje 4", "»mindste_gruppe«", "helt tal")], never=("Mindste gruppestørrelse",)),
    Case("yaml-privacy-limit-in-quotes-with-a-leading-zero", edit_yaml("mindste_gruppe: 5", "mindste_gruppe: '010'"),
         True, says=[(Y, "»mindste_gruppe«", "uden anførselstegn", "mindste_gruppe: 10")],
         never=("mindste_gruppe: 010",)),
    Case("yaml-key-with-a-decomposed-letter", edit_yaml("skoleår:", unicodedata.normalize("NFD", "skoleår:")), False,
         read=config_is(school_year="2025/2026")),
    Case("yaml-school-name-with-a-decomposed-letter",
         edit_yaml("navn: Nyboder Skole", unicodedata.normalize("NFD", "navn: Nyboder Skole Øst-Å")), False,
         read=lambda ran: _same(load_config(ran.folder).schools[1].name, "Nyboder Skole Øst-Å")),
    Case("yaml-privacy-limit-above-the-default-is-kept", edit_yaml("mindste_gruppe: 5", "mindste_gruppe: 10"), False,
         read=config_is(min_group_size=10), says=[("Mindste gruppestørrelse: 10",)]),
    Case("yaml-show-names-in-danish", append_yaml("vis_skolenavne: ja\n"), True,
         says=[(Y, "»vis_skolenavne«", "true eller false")]),
    Case("yaml-show-names-in-quotes", append_yaml('vis_skolenavne: "true"\n'), True,
         says=[(Y, "»vis_skolenavne«", "uden anførselstegn")]),
    Case("yaml-privacy-limit-negative", edit_yaml("mindste_gruppe: 5", "mindste_gruppe: -5"), True,
         says=[(Y, "»mindste_gruppe«", "mindst 1")]),
    Case("yaml-school-name-as-a-list", edit_yaml("    navn: Nyboder Skole", "    navn: [Nyboder, Skole]"), True,
         says=[(Y, "skole nr. 2", "»navn« skal være én tekst")], never=("['",)),
    Case("yaml-show-names-as-yes", append_yaml("vis_skolenavne: yes\n"), False, read=config_is(show_school_names=True)),
    Case("yaml-school-year-without-quotes", edit_yaml('skoleår: "2025/2026"', "skoleår: 2025/2026"), False,
         read=config_is(school_year="2025/2026")),
    Case("yaml-school-year-with-a-trailing-space", edit_yaml('skoleår: "2025/2026"', 'skoleår: "2025/2026 "'), False,
         read=config_is(school_year="2025/2026")),
    Case("yaml-school-year-with-a-hyphen", edit_yaml('skoleår: "2025/2026"', 'skoleår: "2025-2026"'), True,
         says=[(Y, "»skoleår«", '"2025/2026"')]),
    Case("yaml-school-year-as-one-year", edit_yaml('skoleår: "2025/2026"', "skoleår: 2025"), True,
         says=[(Y, "»skoleår«", '"2025/2026"')]),
    # Other digits are read as 0-9, as in the data files (a lab.yaml and its data files must agree).
    Case("yaml-school-year-in-full-width-digits", edit_yaml('skoleår: "2025/2026"', 'skoleår: "２０２５/２０２６"'),
         False, read=config_is(school_year="2025/2026")),
    Case("yaml-school-year-absurdly-early", edit_yaml('skoleår: "2025/2026"', 'skoleår: "1899/1900"'), True,
         says=[(Y, "linje", "»skoleår: 1899/1900«", "før 2000/2001", '"2025/2026"')]),
    Case("yaml-school-year-missing", edit_yaml('skoleår: "2025/2026"\n', ""), True,
         says=[(Y, "mangler nøglen »skoleår«")]),
    Case("yaml-municipality-missing", edit_yaml("kommune: Københavns Kommune\n", ""), True,
         says=[(Y, "mangler nøglen »kommune«")]),
    Case("yaml-schools-as-a-block", write_yaml('kommune: K\nskoleår: "2025/2026"\nskoler:\n  101001: Skole\n'), True,
         says=[(Y, "»skoler«", "liste")]),
    Case("yaml-school-as-a-bare-number", write_yaml('kommune: K\nskoleår: "2025/2026"\nskoler:\n  - "101001"\n'), True,
         says=[(Y, "skole nr. 1", "blok med nøgler")]),
    Case("yaml-institution-number-unquoted-with-a-zero",
         edit_yaml('institutionsnummer: "061001"', "institutionsnummer: 061001"), True,
         says=[(Y, "linje 10", "»institutionsnummer: 061001«", "anførselstegn", '"061001"')], never=("25089",)),
    Case("yaml-institution-number-unquoted", edit_yaml('institutionsnummer: "101001"', "institutionsnummer: 101001"),
         False, read=schools_are("101001", "101003", "061001")),
    Case("yaml-institution-number-in-full-width-digits", edit_yaml('"061001"', '"０６１００１"'),
         False, read=schools_are("101001", "101003", "061001")),
    Case("yaml-institution-number-with-five-digits", edit_yaml('"061001"', '"61001"'), True,
         says=[(Y, "skole nr. 3", "»61001«", "6 cifre")]),
    Case("yaml-institution-number-with-a-trailing-space", edit_yaml('"101003"', '"101003 "'), False,
         read=schools_are("101001", "101003", "061001")),
    Case("yaml-same-school-twice", edit_yaml('"101003"', '"101001"'), True,
         says=[(Y, "101001", "flere gange")]),
    Case("yaml-school-without-a-name", edit_yaml("    navn: Nyboder Skole\n", ""), True,
         says=[(Y, "skole nr. 2", "mangler nøglen »navn«")]),
    Case("yaml-indented-with-a-tab", edit_yaml("    navn: Nyboder", "\tnavn: Nyboder"), True,
         says=[(Y, "kan ikke læses som YAML", "linje 9", "tabulator")]),
    Case("yaml-colon-in-an-unquoted-value", edit_yaml("laboratorium: Testlaboratorium", "laboratorium: Lab: dag 1"),
         True, says=[(Y, "kan ikke læses som YAML", "linje 2", "anførselstegn")]),
    Case("yaml-two-documents", append_yaml("---\nkommune: X\n"), True,
         says=[(Y, "kan ikke læses som YAML", "linje 13", "»---«")]),
    Case("yaml-saved-as-windows-1252", lambda f: (f / Y).write_bytes(lab_text(f).encode("cp1252")), True,
         says=[(Y, "UTF-8")]),
    Case("yaml-saved-with-a-bom-and-crlf",
         lambda f: (f / Y).write_bytes(b"\xef\xbb\xbf" + lab_text(f).replace("\n", "\r\n").encode()), False,
         read=config_is(municipality="Københavns Kommune", min_group_size=5)),
    Case("yaml-document-markers", lambda f: (f / Y).write_text("---\n" + lab_text(f) + "...\n", encoding="utf-8"),
         False, read=config_is(lab_name="Testlaboratorium")),
    Case("yaml-quoted-name-with-colon-and-hash",
         edit_yaml("laboratorium: Testlaboratorium", 'laboratorium: "Læringslab 1/2: #inklusion"'), False,
         read=config_is(lab_name="Læringslab 1/2: #inklusion")),
    Case("yaml-empty-file", write_yaml(""), True, says=[(Y, "»kommune«", "»skoler«")]),
    Case("yaml-a-list-instead-of-settings", write_yaml("- kommune: K\n"), True, says=[(Y, "»kommune«")]),
    Case("yaml-missing", lambda f: (f / Y).unlink(), True, says=[("ingen lab.yaml",)]),
    Case("yaml-is-a-folder", lambda f: _folder_instead_of(f / Y), True,
         says=[("lab.yaml", "er en mappe, ikke en fil")]),
    Case("yaml-data-folder-outside-the-lab", edit_yaml("datamappe: data", "datamappe: ../andet"), True,
         says=[(Y, "»datamappe: ../andet« peger uden for laboratoriets mappe")]),
    Case("yaml-data-folder-absolute-elsewhere", edit_yaml("datamappe: data", "datamappe: /etc"), True,
         says=[(Y, "»datamappe: /etc« peger uden for")]),
    Case("yaml-data-folder-missing", edit_yaml("datamappe: data", "datamappe: tal"), True,
         says=[("tal", "Datamappen findes ikke")]),
    Case("yaml-data-folder-is-a-file",
         (lambda f: ((f / "tal.csv").write_bytes((f / "data" / "skoleoverblik.csv").read_bytes()),
                                    edit_yaml("datamappe: data", "datamappe: tal.csv")(f))), True,
         says=[("tal.csv", "fil, ikke en mappe")]),
    Case("yaml-data-folder-absolute-inside-the-lab",
         lambda f: edit_yaml("datamappe: data", f"datamappe: {f / 'data'}")(f), False,
         read=lambda ran: _same(ran.lab.config.data_folder, ran.folder / "data")),
    Case("yaml-templates-folder-outside-the-lab", append_yaml("skabeloner: ../skabeloner\n"), True,
         says=[(Y, "»skabeloner: ../skabeloner« peger uden for")]),
    Case("yaml-templates-folder-missing", append_yaml("skabeloner: skabeloner\n"), True,
         says=[(Y, "»skabeloner: skabeloner«", "findes ikke")]),
    Case("yaml-templates-folder-is-a-file",
         lambda f: ((f / "skabeloner").write_text("x"), append_yaml("skabeloner: skabeloner\n")(f)), True,
         says=[(Y, "»skabeloner: skabeloner«", "fil, ikke en mappe")]),
    Case("yaml-no-schools-yet", write_yaml('kommune: K\nskoleår: "2025/2026"\nskoler:\n'), True,
         says=[("ingen skoler i lab.yaml",)]),
    Case("check-a-file-instead-of-the-lab-folder", lambda f: None, True, command=("check", "{lab}/lab.yaml"),
         says=[("lab.yaml", "fil, ikke en mappe")]),
    Case("check-a-folder-that-does-not-exist", lambda f: None, True, command=("check", "{tmp}/findes_ikke"),
         says=[("findes_ikke", "findes ikke")]),
]


# --- the lab's own templates (skabeloner/) -----------------------------------------------------------------

INDIKATORER, INSTRUMENT = "skabeloner/indikatorer.yaml", "skabeloner/kapacitetsinterview.yaml"
LAYOUT = "uddelingsark/uddelingsark.yaml"


def _line_of(name: str, text: str) -> int:
    """The line (from 1) of the first line holding `text` in labkit's own template `name`."""
    lines = (BUNDLED_TEMPLATES / name).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def templates_readable(ran: Ran) -> None:
    assert "Skabeloner: alle kan læses." in ran.output, ran.output


TEMPLATES = [
    Case("templates-own-copy-unchanged", own_templates, False, read=templates_readable),
    Case("templates-saved-with-bom-and-crlf",
         lambda f: [(p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes().replace(b"\n", b"\r\n")))
                    for p in own_templates(f).rglob("*.yaml")], False, read=templates_readable),
    Case("templates-catalogue-key-twice",
         edit_template("indikatorer.yaml", "    bedre: højere\n    decimaler: 1\n    kolonner: [Karaktergennemsnit]",
                       "    bedre: højere\n    bedre: lavere\n    decimaler: 1\n    kolonner: [Karaktergennemsnit]"),
         True, says=[(INDIKATORER, "linje", "»bedre«", "også i linje")]),
    Case("templates-catalogue-key-misspelt", edit_template("indikatorer.yaml", "    enhed: karakterpoint", "    enhd: karakterpoint"),
         True, says=[(INDIKATORER, "»enhd«", "Mente du »enhed«?")]),
    Case("templates-catalogue-scale-as-text", edit_template("indikatorer.yaml", "skala: [-3, 12]", "skala: -3 til 12"),
         True, says=[(INDIKATORER, "karaktergennemsnit", "skala")]),
    Case("templates-catalogue-unknown-better-value", edit_template("indikatorer.yaml", "    bedre: højere\n    decimaler: 1\n"
                                                                   "    kolonner: [Karaktergennemsnit]",
                                                                   "    bedre: hoejere\n    decimaler: 1\n"
                                                                   "    kolonner: [Karaktergennemsnit]"),
         True, says=[(INDIKATORER, "karaktergennemsnit", "»bedre«")]),
    Case("templates-catalogue-saved-as-windows-1252", edit_template("indikatorer.yaml", None, "områder: []\n# æøå\n",
                                                                    encoding="cp1252"),
         True, says=[(INDIKATORER, "UTF-8")]),
    Case("templates-catalogue-indented-with-tabs", edit_template("indikatorer.yaml", "    navn: Karaktergennemsnit",
                                                                 "\tnavn: Karaktergennemsnit"),
         True, says=[(INDIKATORER, "kan ikke læses som YAML", "linje 139")]),
    Case("templates-catalogue-empty", edit_template("indikatorer.yaml", None, ""), True, says=[(INDIKATORER,)]),
    Case("templates-catalogue-missing", lambda f: (own_templates(f) / "indikatorer.yaml").unlink(), True,
         says=[(INDIKATORER, "findes ikke")]),
    Case("templates-instrument-scale-upside-down", template_sub("kapacitetsinterview.yaml", r"min: \d+\n(\s*)max: \d+",
                                                                r"min: 5\n\1max: 1"),
         True, says=[(INSTRUMENT, "skala")]),
    Case("templates-instrument-statement-id-twice", template_sub("kapacitetsinterview.yaml",
                                                                   r"(\{id: )(\w+)(, tekst:.*\n\s*- \{id: )\w+,",
                                                                   r"\1\2\3\2,"),
         True, says=[(INSTRUMENT, "K1")]),
    Case("templates-instrument-key-misspelt", edit_template("kapacitetsinterview.yaml", "respondentgrupper:",
                                                            "respondentgruper:"),
         True, says=[(INSTRUMENT, "»respondentgruper«")]),
    Case("templates-focus-areas-unknown-indicator", template_sub("fokusomraader.yaml", r"indikatorer: \[",
                                                                 "indikatorer: [ro_og_orden, "),
         True, says=[("fokusomraader.yaml", "»ro_og_orden«")]),
    *[Case(f"templates-focus-areas-indicator-as-{name}", template_sub("fokusomraader.yaml", r"indikatorer: \[",
                                                                    f"indikatorer: [{value}, "),
           True, says=[("fokusomraader.yaml", f"linje {_line_of('fokusomraader.yaml', 'indikatorer: [')}",
                        "»indikatorer«", "id", found)], never=(python,))
      for name, value, found, python in (("a-list", "[social_trivsel, ro_orden]", "en liste", "['social_trivsel'"),
                                         ("null", "null", "en tom værdi", "None"),
                                         ("true", "true", "true", "True"))],
    Case("templates-focus-areas-unknown-indicator-names-the-line",
         template_sub("fokusomraader.yaml", r"indikatorer: \[", "indikatorer: [ro_og_orden, "), True,
         says=[("fokusomraader.yaml", "»ro_og_orden«", f"linje {_line_of('fokusomraader.yaml', 'indikatorer: [')}.")]),
    Case("templates-agenda-minutes-with-a-leading-zero", template_sub("dagsorden.yaml", r"minutter: \d+", "minutter: 020"),
         True, says=[("dagsorden.yaml", "linje", "»minutter: 020«", "helt tal")]),
    Case("templates-catalogue-keys-and-columns-with-decomposed-letters",  # as macOS may save them
         lambda f: (template_sub("indikatorer.yaml", r"^områder:", unicodedata.normalize("NFD", "områder:"))(f),
                    template_sub("indikatorer.yaml", r"^(\s*)område: trivsel",
                                 unicodedata.normalize("NFD", r"\1område: trivsel"))(f),
                    template_sub("indikatorer.yaml", r"kolonner: \[Støtte og inspiration\]",
                                 unicodedata.normalize("NFD", "kolonner: [Støtte og inspiration]"))(f)),
         False, read=templates_readable),
    Case("templates-focus-areas-key-misspelt",
         template_line("fokusomraader.yaml", "navn", lambda line: line.replace("navn:", "nvan:")),
         True, says=[("fokusomraader.yaml", "»nvan«", "Mente du »navn«?")]),
    Case("templates-agenda-minutes-in-words", template_sub("dagsorden.yaml", r"minutter: \d+", "minutter: tyve"),
         True, says=[("dagsorden.yaml", "blok nr. 1", "minutter")]),
    Case("templates-agenda-time-as-minutes-after-midnight", template_sub("dagsorden.yaml", r'tid: "[^"]*"', "tid: 630"),
         True, says=[("dagsorden.yaml", "blok nr. 1", "»tid«", "klokkeslæt")]),
    Case("templates-agenda-time-without-quotes", template_sub("dagsorden.yaml", r'tid: "[^"]*"', "tid: 9.00"),
         True, says=[("dagsorden.yaml", "blok nr. 1", "tid")]),
    Case("templates-agenda-blocks-overlap", template_sub("dagsorden.yaml", r"minutter: \d+", "minutter: 600"),
         True, says=[("dagsorden.yaml", "blok nr. 2", "overlap")]),
    Case("templates-plf-levels-not-closed", edit_template("plf_modenhed.yaml", None, "niveauer: [\n"), True,
         says=[("plf_modenhed.yaml", "kan ikke læses som YAML")]),
    Case("templates-plf-questions-empty-list", edit_template("plf_spoergsmaal.yaml", None, "spoergsmaal: []\n"), True,
         says=[("plf_spoergsmaal.yaml", "spoergsmaal")]),
    Case("templates-learning-circle-key-twice",
         template_line("laeringscirklen.yaml", "navn", lambda line: f"{line}\n{line}"),
         True, says=[("laeringscirklen.yaml", "»navn«", "også i linje")]),
    Case("templates-inclusion-frame-unknown-indicator", template_sub("inklusion_analyse.yaml", r"indikatorer: \[",
                                                                     "indikatorer: [fravær, "),
         True, says=[("inklusion_analyse.yaml", "»fravær«")]),
    Case("templates-layout-unknown-section-type", template_sub(LAYOUT, r"- type: \w+", "- type: resumé"), True,
         says=[(LAYOUT, "sektion 1", "»resumé«")]),
    Case("templates-layout-colour-that-ends-the-style-block",
         template_sub(LAYOUT, r'accent: "[^"]*"', 'accent: "#c55a11;}</style><script>alert(1)</script>"'), True,
         says=[(LAYOUT, "»accent«", "farvekode")], never=("<script>",)),
    Case("templates-layout-colour-fetched-from-the-network",
         template_sub(LAYOUT, r'accent: "[^"]*"', 'accent: "url(http://example.org/x.png)"'), True,
         says=[(LAYOUT, "»accent«", "farvekode")]),
    Case("templates-layout-colour-in-capitals-is-fine", template_sub(LAYOUT, r'accent: "[^"]*"', 'accent: "#C55A11"'),
         False, read=templates_readable),
    Case("templates-layout-logo-outside-the-templates", template_sub(LAYOUT, r"^logo: .*$", "logo: ../../lab.yaml"),
         True, says=[(LAYOUT, "»../../lab.yaml«", "skal ligge i mappen")]),
    Case("templates-layout-logo-missing", template_sub(LAYOUT, r"^logo: .*$", "logo: kommunelogo.png"), True,
         says=[(LAYOUT, "»kommunelogo.png«", "findes ikke")]),
    Case("templates-layout-colours-as-a-list", template_sub(LAYOUT, r'^farver:\n(  \w+: "[^"]*".*\n)+',
                                                            'farver:\n  - "#1f4e79"\n'),
         True, says=[(LAYOUT, "»farver«", "farvekoder")]),
    Case("templates-layout-logo-not-a-picture",
         lambda f: (template_sub(LAYOUT, r"^logo: .*$", "logo: noter.txt")(f),
                    (own_templates(f) / "uddelingsark" / "noter.txt").write_text("x", encoding="utf-8")), True,
         says=[(LAYOUT, "»noter.txt«", "billede")]),
    Case("templates-index-page-syntax-error",
         lambda f: (own_templates(f) / "uddelingsark" / "indeks.html.j2").write_text("<h1>{{ heading }</h1>\n",
                                                                                    encoding="utf-8"), True,
         says=[("indeks.html.j2", "linje 1", "fejl")]),
    Case("templates-layout-title-missing", template_sub(LAYOUT, r"^titel: .*\n", ""), True,
         says=[(LAYOUT, "mangler nøglen »titel«")]),
    Case("templates-layout-edition-not-declared", template_sub(LAYOUT, r"udgaver: \[\w+", "udgaver: [før"), True,
         says=[(LAYOUT, "»før«", "udgaver")]),
    Case("templates-layout-key-misspelt", template_sub(LAYOUT, r"^undertitel:", "undertittel:"), True,
         says=[(LAYOUT, "»undertittel«", "Mente du »undertitel«?")]),
    Case("templates-layout-section-key-misspelt", template_sub(LAYOUT, r"overskrift:", "overskrft:"), True,
         says=[(LAYOUT, "sektion 1", "»overskrft«", "Mente du »overskrift«?")]),
    Case("templates-handout-page-syntax-error",
         lambda f: (own_templates(f) / "uddelingsark" / "html" / "index.html.j2").write_text(
             "{% extends 'lab/index.html.j2' %}\n{% block body %}\n{{ resources.labkit.titel \n{% endblock %}\n",
             encoding="utf-8"), True,
         says=[("index.html.j2", "linje", "fejl")]),
]


# Page templates a consultant edits: nothing that runs, frames, fetches or reaches into Python (the tester's
# injections). `labkit check` names file and line; the handout and the index page are made from them alike.
PAGE, INDEX = "uddelingsark/html/index.html.j2", "uddelingsark/indeks.html.j2"
PAGE_LINE, INDEX_LINE = _line_of(PAGE, "<main>"), _line_of(INDEX, "</body>")
UNSAFE_PAGES = [
    (PAGE, "<main>", PAGE_LINE, "script", "<main><script>alert(1)</script>", "»<script«"),
    (PAGE, "<main>", PAGE_LINE, "remote-image", '<main><img src="https://example.com/track.png">',
     "»https://example.com/track.png«"),
    (PAGE, "<main>", PAGE_LINE, "protocol-relative-image", '<main><img src="//example.com/t.png">', "//example.com"),
    (PAGE, "<main>", PAGE_LINE, "event-handler", '<main onclick="alert(1)">', "onclick"),
    (PAGE, "<main>", PAGE_LINE, "iframe", '<main><iframe src="x.html"></iframe>', "»<iframe«"),
    (PAGE, "<main>", PAGE_LINE, "remote-style", '<main style="background: url(//example.com/x.png)">', "//example.com"),
    (PAGE, "<main>", PAGE_LINE, "python-internals", '<main><p>{{ "".__class__.__mro__[1].__subclasses__()|length }}</p>',
     "»__class__«"),
    (INDEX, "</body>", INDEX_LINE, "remote-script", '<script src="https://example.com/x.js"></script></body>', "»<script«"),
    (INDEX, "</body>", INDEX_LINE, "shell-command", '{{ cycler.__init__.__globals__.os.popen("id").read() }}</body>',
     "»__"),
    (INDEX, "</body>", INDEX_LINE, "attr-filter", '{{ cycler|attr("__init__") }}</body>', "attr"),
]
PAGE_TEMPLATES = [
    Case(f"templates-{'handout' if name == PAGE else 'index'}-page-with-{what}", edit_template(name, old, new), True,
         says=[(name, f"linje {line}", shown, "må ikke")], never=("uid=",))
    for name, old, line, what, new, shown in UNSAFE_PAGES
] + [
    Case("templates-handout-conf-running-a-preprocessor",
         edit_template("uddelingsark/html/conf.json", '"base_template": "base",',
                       '"base_template": "base", "preprocessors": {"x": {"type": "os.getcwd"}},'), True,
         says=[("conf.json", "»preprocessors«")]),
]


# --- output paths: labkit render --ud and labkit new ----------------------------------------------------------

RENDER = ("render", "{lab}", "--format", "xlsx", "--stille")


def _refuse_writes_under(name: str, code: int = errno.EACCES) -> Callable[[pytest.MonkeyPatch], None]:
    """A read-only place or a full disk (root may write anywhere, so the refusal is simulated): creating or
    writing any file or folder whose path passes through `name` raises the OSError `code`."""

    def patch(monkeypatch: pytest.MonkeyPatch) -> None:
        for method in ("mkdir", "write_bytes", "write_text", "touch"):
            original = getattr(Path, method)

            def refusing(path: Path, *args: object, _original: Callable[..., object] = original, **kwargs: object) -> object:
                if name in path.parts:
                    raise OSError(code, "Permission denied" if code == errno.EACCES else "No space", str(path))
                return _original(path, *args, **kwargs)

            monkeypatch.setattr(Path, method, refusing)

    return patch


def rendered_into(folder: str) -> Callable[[Ran], None]:
    def read(ran: Ran) -> None:
        out = ran.folder.parent / folder
        assert (out / "oversigt.xlsx").is_file() and (out / "oversigt.csv").is_file(), ran.output
        assert str(out) in ran.output

    return read


def new_lab_reads(**expected: object) -> Callable[[Ran], None]:
    def read(ran: Ran) -> None:
        config = load_config(ran.folder.parent / "ny")
        for name, value in expected.items():
            assert getattr(config, name) == value, (name, getattr(config, name))

    return read


OUTPUTS = [
    Case("render-out-folder-is-a-file", lambda f: (f.parent / "ud.html").write_text("x"), True,
         command=(*RENDER, "--ud", "{tmp}/ud.html"), says=[("ud.html", "er en fil, ikke en mappe", "--ud")]),
    Case("render-out-folder-below-a-file", lambda f: (f.parent / "ud.html").write_text("x"), True,
         command=(*RENDER, "--ud", "{tmp}/ud.html/skoler"), says=[("ud.html", "ligger under en fil", "--ud")]),
    Case("render-out-folder-read-only", lambda f: None, True, command=(*RENDER, "--ud", "{tmp}/skrivebeskyttet"),
         patch=_refuse_writes_under("skrivebeskyttet"), says=[("skrivebeskyttet", "kan ikke gemmes", "--ud")]),
    Case("render-into-a-read-only-lab", lambda f: None, True, command=RENDER, patch=_refuse_writes_under("uddelingsark"),
         says=[("uddelingsark", "kan ikke gemmes", "--ud")]),
    Case("render-into-the-data-folder", lambda f: None, True, command=(*RENDER, "--ud", "{lab}/data"),
         says=[("datamappe", "--ud")], read=lambda ran: _same(sorted(p.name for p in (ran.folder / "data").iterdir()),
                                                                ["skoleoverblik.csv"])),
    Case("render-into-a-folder-with-danish-letters-and-spaces", lambda f: None, False,
         command=(*RENDER, "--ud", "{tmp}/Uddelingsark til skolerne – æøå"),
         read=rendered_into("Uddelingsark til skolerne – æøå")),
    Case("render-into-a-relative-folder", lambda f: None, False, command=(*RENDER, "--ud", "ud"),
         read=rendered_into("ud")),
    Case("render-into-new-nested-folders", lambda f: None, False, command=(*RENDER, "--ud", "{tmp}/a/b/c"),
         read=rendered_into("a/b/c")),
    Case("render-onto-a-full-disk", lambda f: None, True, command=(*RENDER, "--ud", "{tmp}/usb"),
         patch=_refuse_writes_under("usb", errno.ENOSPC), says=[("usb", "disken er fuld", "--ud")]),
    Case("render-overview-of-a-lab-with-data-errors",
         lambda f: (f / "data" / "skoleoverblik.csv").write_bytes(
             (f / "data" / "skoleoverblik.csv").read_bytes().replace(b";7,3;", b";ca. 7;", 1)), True, command=RENDER,
         says=[("FEJL", "Oversigten", "uden skoler", "skolerne uden rækker"),
               ("data/skoleoverblik.csv", "række 2", "Karaktergennemsnit")]),
    Case("render-a-school-number-without-its-zero", lambda f: None, False,
         command=(*RENDER, "--skole", "61001", "--ud", "{tmp}/ud"), read=rendered_into("ud")),
    Case("render-a-school-not-in-the-lab", lambda f: None, True, command=(*RENDER, "--skole", "101005"),
         says=[("101005", "ikke med i laboratoriet", "101001")]),
    Case("render-an-edition-not-in-the-layout", lambda f: None, True, command=(*RENDER, "--udgave", "midt"),
         says=[("midt",)]),
    Case("render-a-format-misspelt", lambda f: None, True, command=("render", "{lab}", "--format", "pfd"),
         says=[("'pfd'", "html")]),
    Case("render-a-lab-with-a-broken-lab-yaml", append_yaml("mindste_gruppe: 3\n"), True, command=RENDER,
         says=[(Y, "»mindste_gruppe«", "også i linje")]),
    Case("new-into-an-existing-file", lambda f: (f.parent / "ny").write_text("x"), True, command=("new", "{tmp}/ny"),
         says=[("ny", "er en fil, ikke en mappe")]),
    Case("new-into-a-folder-with-files", lambda f: None, True, command=("new", "{lab}"),
         says=[(str(Path("lab")), "ikke tom", "overskrives")]),
    Case("new-below-a-file", lambda f: (f.parent / "ny").write_text("x"), True, command=("new", "{tmp}/ny/lab2"),
         says=[("ny", "fil")]),
    Case("new-in-a-read-only-place", lambda f: None, True, command=("new", "{tmp}/skrivebeskyttet/ny"),
         patch=_refuse_writes_under("skrivebeskyttet"), says=[("skrivebeskyttet", "kan ikke")]),
    Case("new-into-an-existing-empty-folder", lambda f: (f.parent / "ny").mkdir(), False, command=("new", "{tmp}/ny"),
         read=new_lab_reads(municipality="Ny Kommune")),
    Case("new-municipality-with-colon-quotes-and-hash", lambda f: None, False,
         command=("new", "{tmp}/ny", "--kommune", 'Kommune: "Syd" #1'),
         read=new_lab_reads(municipality='Kommune: "Syd" #1')),
    Case("new-municipality-with-spaces-around", lambda f: None, False,
         command=("new", "{tmp}/ny", "--kommune", "  Aarhus Kommune  "), read=new_lab_reads(municipality="Aarhus Kommune")),
]


CASES = [*LAB_YAML, *TEMPLATES, *PAGE_TEMPLATES, *OUTPUTS]


@pytest.mark.parametrize("case", [c.param() for c in CASES])
def test_bad_setting_or_output(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(case, tmp_path, monkeypatch)


def test_case_ids_are_distinct() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
