"""The handout's layout template: title, logo, colours and which sections come in which order.

The layout lives in `templates/uddelingsark/uddelingsark.yaml`; a consultant edits that file, never
this one. Reading it needs only YAML, so `labkit render`'s workers read it without importing the
figures and data that draw the sections (`labkit.handout.sections`).
"""

from __future__ import annotations

import base64
import html
import mimetypes
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from labkit.data.templates import read_yaml, refuse_unknown_keys, require
from labkit.problems import LabkitError, display_name

# The section types a layout may list; `labkit.handout.sections.SECTIONS` draws each of them.
SECTION_KINDS = ("resume", "indikatoroversigt", "indikatorer", "tragt", "kapacitet", "indsatsomraader",
                 "indsatsteori", "laeringscirklen", "opfoelgning", "plf_spoergsmaal", "plf_modenhed")
LAYOUT_FOLDER = "uddelingsark"
LAYOUT_FILE = "uddelingsark.yaml"
COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
LOGO_TYPES = (".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp")
DEFAULT_COLOURS = {"primaer": "#1f4e79", "accent": "#c55a11", "tekst": "#222222", "baggrund_boks": "#eef4fb"}


class EscapedText(str):
    """Text already escaped for HTML. Jinja's `| e` sees `__html__` and does not escape it twice."""

    @classmethod
    def of(cls, text: str) -> EscapedText:
        return cls(html.escape(text, quote=True))

    def __html__(self) -> str:
        return str(self)


@dataclass(frozen=True)
class Section:
    kind: str
    heading: str
    intro: str = ""
    indicators: tuple[str, ...] = ()
    editions: tuple[str, ...] = ()  # the editions this section is in; empty: every edition


@dataclass(frozen=True)
class Edition:
    """A named selection of the sections, e.g. "foer" (the data, before the lab) or "efter"."""

    id: str
    name: str
    subtitle: str = ""


@dataclass(frozen=True)
class HandoutLayout:
    """What a consultant controls: texts, logo, colours and which sections come in which order."""

    title: str
    sections: tuple[Section, ...]
    folder: Path
    subtitle: str = ""
    logo: Path | None = None
    footer: str = ""
    colours: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_COLOURS))
    editions: dict[str, Edition] = field(default_factory=dict)
    edition: Edition | None = None  # set by `for_edition`

    def for_edition(self, edition_id: str) -> HandoutLayout:
        """The layout with only the sections of one edition ("" or None: every section)."""
        if not edition_id:
            return self
        if edition_id not in self.editions:
            known = ", ".join(self.editions) or "ingen – skriv dem under »udgaver:« i layoutet"
            raise LabkitError(f"Uddelingsarket har ingen udgave »{edition_id}«. Udgaverne er: {known}.")
        edition = self.editions[edition_id]
        return replace(self, sections=tuple(s for s in self.sections if not s.editions or edition_id in s.editions),
                       subtitle=edition.subtitle or self.subtitle, edition=edition)

    def logo_data_uri(self) -> str:
        """The logo inlined as a data: URI, so the handout needs no file next to it."""
        if self.logo is None:
            return ""
        kind = mimetypes.guess_type(self.logo.name)[0] or "image/png"
        return f"data:{kind};base64," + base64.b64encode(self.logo.read_bytes()).decode("ascii")

    def template_resources(self) -> dict[str, Any]:
        """What the nbconvert template reads (as `resources.labkit`). The texts come escaped, marked so that
        the template's `| e` leaves them as they are: a lab's own page template that forgets `| e` still
        shows them as text, never as markup that runs or fetches."""
        return {"titel": EscapedText.of(self.title), "undertitel": EscapedText.of(self.subtitle),
                "fodnote": EscapedText.of(self.footer),
                "logo": self.logo_data_uri(), "farver": self.colours}


LAYOUT_KEYS = ("titel", "undertitel", "logo", "fodnote", "farver", "udgaver", "sektioner")
SECTION_KEYS = ("type", "overskrift", "intro", "indikatorer", "udgaver")


def load_layout(templates_folder: Path, *, check_pages: bool = True) -> HandoutLayout:
    """Read the handout layout template; mistakes raise a Danish message naming file and entry. With
    `check_pages`, the page templates beside it must be safe too (`page_template_problems`), so that
    `labkit render` stops before its first school."""
    folder = templates_folder / LAYOUT_FOLDER
    if check_pages:
        refuse_unsafe_page_templates(folder)
    path = folder / LAYOUT_FILE
    name = display_name(path)
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise LabkitError(f"{name}: forventede nøglerne titel, sektioner m.fl.")
    # A misspelt »undertittel:« would otherwise vanish from every handout without a word.
    refuse_unknown_keys(data, LAYOUT_KEYS, name)
    raw_sections = require(data, "sektioner", name)
    if not isinstance(raw_sections, list) or not raw_sections:
        raise LabkitError(f"{name}: »sektioner« skal være en liste med mindst én sektion.")
    editions = _editions(data.get("udgaver"), name)
    sections = []
    for number, entry in enumerate(raw_sections, start=1):
        where = f"{name}, sektion {number}"
        refuse_unknown_keys(entry, SECTION_KEYS, where)
        kind = str(require(entry, "type", where))
        if kind not in SECTION_KINDS:
            known = ", ".join(SECTION_KINDS)
            raise LabkitError(f"{where}: ukendt type »{kind}«. Brug en af: {known}.")
        indicators = entry.get("indikatorer") or []
        if not isinstance(indicators, list):
            raise LabkitError(f"{where}: »indikatorer« skal være en liste af indikator-id'er.")
        in_editions = entry.get("udgaver", [])
        if not isinstance(in_editions, list):
            raise LabkitError(f"{where}: »udgaver« skal være en liste, fx [foer, efter].")
        if "udgaver" in entry and not in_editions:
            raise LabkitError(f"{where}: »udgaver« er tom. Skriv mindst én udgave, eller fjern »udgaver«, "
                              "så sektionen er med i alle udgaver.")
        unknown = [str(e) for e in in_editions if str(e) not in editions]
        if unknown:
            raise LabkitError(f"{where}: udgaven »{unknown[0]}« står ikke under »udgaver:« øverst i filen. "
                              f"Kendte udgaver: {', '.join(editions) or 'ingen'}.")
        sections.append(Section(kind, str(require(entry, "overskrift", where)), str(entry.get("intro") or ""),
                                tuple(str(i) for i in indicators), tuple(str(e) for e in in_editions)))
    unused = [e for e in editions if not any(not s.editions or e in s.editions for s in sections)]
    if unused:
        raise LabkitError(f"{name}: ingen sektion er med i udgaven »{unused[0]}«. Skriv den under »udgaver« "
                          "på de sektioner, den skal have.")
    colours = dict(DEFAULT_COLOURS)
    raw_colours = data.get("farver") or {}
    if not isinstance(raw_colours, dict):
        raise LabkitError(f"{name}: »farver« skal være nøgler med farvekoder, fx primaer: \"#1f4e79\".")
    for key, value in raw_colours.items():
        if str(key) not in DEFAULT_COLOURS:
            raise LabkitError(f"{name}: farven »{key}« kendes ikke. Farverne er: {', '.join(DEFAULT_COLOURS)}.")
        # Only a colour: the value goes into the page's style block, where anything else could end
        # the block, run script or make every handout fetch from the network.
        if not isinstance(value, str) or not COLOUR.fullmatch(value.strip()):
            raise LabkitError(f"{name}: farven »{key}« skal være en farvekode som \"#1f4e79\" (i anførselstegn).")
        colours[str(key)] = value.strip()
    logo = None
    if data.get("logo"):
        logo = (folder / str(data["logo"])).resolve()
        if folder.resolve() not in logo.parents:
            raise LabkitError(f"{name}: logoet »{data['logo']}« skal ligge i mappen {folder} (det bliver en del "
                              "af hvert uddelingsark, så det må ikke hentes andre steder fra).")
        if logo.suffix.lower() not in LOGO_TYPES:
            raise LabkitError(f"{name}: logoet »{data['logo']}« skal være et billede ({', '.join(LOGO_TYPES)}).")
        if not logo.is_file():
            raise LabkitError(f"{name}: logoet »{data['logo']}« findes ikke i {folder}.")
    return HandoutLayout(title=str(require(data, "titel", name)), sections=tuple(sections), folder=folder,
                         subtitle=str(data.get("undertitel") or ""), logo=logo,
                         footer=str(data.get("fodnote") or ""), colours=colours, editions=editions)


def _editions(raw: Any, name: str) -> dict[str, Edition]:
    """The `udgaver:` block: an id (used on the command line) with a name and a subtitle."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise LabkitError(f"{name}: »udgaver« skal være nøgler med navn og undertitel, fx foer: {{navn: Før}}.")
    editions = {}
    for key, entry in raw.items():
        where = f"{name}, udgaven »{key}«"
        if not isinstance(key, str) or not re.fullmatch(r"[a-z0-9_]+", key):
            raise LabkitError(f"{where}: brug kun a–z, 0–9 og _ i udgavens id (den skrives på kommandolinjen).")
        if entry is None:
            raise LabkitError(f"{where}: mangler nøglen »navn«.")
        refuse_unknown_keys(entry, ("navn", "undertitel"), where)
        editions[str(key)] = Edition(str(key), str(require(entry, "navn", where)),
                                     str(entry.get("undertitel") or ""))
    return editions


# --- the layout's page templates (`*.j2`) ------------------------------------------------------------------

PAGE_RULES = ("Uddelingsarkets sider må ikke køre kode eller hente noget: ingen <script>, <iframe>, <object>, "
              "<embed>, <link> eller on…=-attributter, og billeder, links og typografi kun fra data:-adresser eller "
              "filer i skabelonmappen – ingen http:, https: eller //-adresser.")
# What could run, frame or fetch, found in a template's text (outside Jinja comments).
_UNSAFE_MARKUP = (
    re.compile(r"<\s*(script|iframe|object|embed|frame|frameset|base|link|portal|applet|meta\s[^>]*http-equiv)\b",
               re.IGNORECASE),
    re.compile(r"<[a-z][^>]*?[\s/\"'](on[a-z]+)\s*=", re.IGNORECASE | re.DOTALL),
    re.compile(r"\b(?:https?|ftp|javascript|vbscript)\s*:[^\s\"'<>)]*", re.IGNORECASE),
    re.compile(r"(?:\b(?:src|href|srcset|action|poster|data|background)\s*=\s*[\"']?|url\(\s*[\"']?|@import\s+[\"']?)"
               r"\s*//[^\s\"'<>)]*", re.IGNORECASE),
    re.compile(r"@import\b", re.IGNORECASE),
)
_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
# nbconvert reads the page's conf.json; other keys than these (`preprocessors`) would import and run Python.
PAGE_CONF_KEYS = ("base_template", "mimetypes")


def page_template_problems(layout_folder: Path, *, unsafe_only: bool = False) -> list[str]:
    """Every problem in the layout's page templates (`*.j2`) and their `conf.json`, in Danish with file and
    line: a syntax error, markup that could run or fetch, or a name reaching into Python (`__class__`)."""
    from jinja2 import TemplateSyntaxError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    environment = ImmutableSandboxedEnvironment(extensions=["jinja2.ext.loopcontrols", "jinja2.ext.do"])
    problems = []
    for path in sorted(layout_folder.rglob("*.j2")):
        name = page_name(layout_folder, path)
        try:
            text = path.read_text(encoding="utf-8-sig")
            tree = environment.parse(text, path.name, str(path))
        except TemplateSyntaxError as error:
            if unsafe_only:  # cannot run at all: `labkit render` names it for each school
                continue
            problems.append(f"{name}, linje {error.lineno}: skabelonen har en fejl: {error.message}. "
                            "Ret filen, eller brug labkits udgave af den igen.")
            continue
        except (OSError, UnicodeDecodeError):
            if not unsafe_only:
                problems.append(f"{name}: filen kan ikke læses som UTF-8-tekst.")
            continue
        unsafe = _unsafe_parts(text, tree)
        if unsafe:  # the first one: the rest are usually the same edit
            problems.append(f"{name}, linje {unsafe[0][0]}: {unsafe[0][1]}")
    problems += _page_conf_problems(layout_folder)
    return problems


def refuse_unsafe_page_templates(layout_folder: Path) -> None:
    """What could run or fetch in the page templates (`page_template_problems`), as one Danish
    `LabkitError`, before a page is rendered."""
    problems = page_template_problems(layout_folder, unsafe_only=True)
    if problems:
        raise LabkitError(" ".join(problems))


def _unsafe_parts(text: str, tree: Any) -> list[tuple[int, str]]:
    """(line, what) for each unsafe part of a page template's text and Jinja code."""
    from jinja2 import nodes

    found = []
    plain = _JINJA_COMMENT.sub(lambda comment: "\n" * comment.group().count("\n"), text)
    for pattern in _UNSAFE_MARKUP:
        for match in pattern.finditer(plain):
            line = plain.count("\n", 0, match.start()) + 1
            found.append((line, f"skabelonen indeholder »{match.group().strip()[:60]}«. {PAGE_RULES}"))
    # Python behind the page is reached by `x._y` / `x.__y__`, by a text "__…__" used as a key, or by |attr.
    reaching = [(node.lineno, node.attr) for node in tree.find_all(nodes.Getattr)
                if node.attr.startswith("_") or "__" in node.attr]
    reaching += [(node.lineno, node.value) for node in tree.find_all(nodes.Const)
                 if isinstance(node.value, str) and "__" in node.value]
    reaching += [(node.lineno, node.name) for node in tree.find_all(nodes.Filter) if node.name == "attr"]
    found += [(line, (f"skabelonen bruger »{name}«. Navne med _ foran og filteret attr må ikke bruges i en "
                      "skabelon: de giver adgang til Python bag siden.")) for line, name in reaching]
    return sorted(set(found))


def _page_conf_problems(layout_folder: Path) -> list[str]:
    import json

    problems = []
    for path in sorted(layout_folder.rglob("conf.json")):
        name = page_name(layout_folder, path)
        try:
            conf = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, ValueError):
            problems.append(f"{name}: filen kan ikke læses som JSON.")
            continue
        unknown = [str(key) for key in conf] if not isinstance(conf, dict) else [
            str(key) for key in conf if key not in PAGE_CONF_KEYS]
        if unknown:
            problems.append(f"{name}: nøglen »{unknown[0]}« kan ikke bruges. conf.json må kun have "
                            f"{' og '.join(PAGE_CONF_KEYS)}.")
    return problems


def page_name(layout_folder: Path, path: Path) -> str:
    """`skabeloner/uddelingsark/html/index.html.j2`: the file as found from the lab folder (a file
    outside the layout folder, e.g. one of nbconvert's own templates, by its name alone)."""
    try:
        return f"{layout_folder.parent.name}/{layout_folder.name}/{path.relative_to(layout_folder).as_posix()}"
    except ValueError:
        return path.name
