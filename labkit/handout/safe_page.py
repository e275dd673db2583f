"""What a finished page may hold: no script, no handler, nothing it fetches by itself.

A lab's page templates are checked as text (`layout.page_template_problems`), but Jinja can build
markup from pieces (`"<scr" ~ "ipt>"`), an `{% include %}` can bring in another file, and HTML character
codes hide an address (`h&#116;tps:`). So the finished page is read too, as a browser reads it. labkit's
own pages hold none of this (tests/handout/test_offline.py), so the rule can be strict.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements that run code, embed another page or change where the page loads from.
FORBIDDEN_TAGS = frozenset({"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base",
                            "portal", "noscript"})
# Attributes that make the browser load something by itself (a link, <a href>, needs a click).
LOADING = frozenset({"src", "srcset", "poster", "background", "data", "action", "formaction", "xlink:href",
                     "ping", "manifest", "lowsrc", "dynsrc"})
# Attributes whose value is an address (or, in SVG animation, becomes one): where a scheme can run code.
# Others (alt, title …) are text: a team's words there are shown, never run.
ADDRESSES = LOADING | {"href", "values", "to", "from", "by"}
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)", re.DOTALL)
_CSS_STRING = re.compile(r""""(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'""", re.DOTALL)
_CSS_URL = re.compile(r"url\(\s*([^'\")\s]*)", re.IGNORECASE)  # unquoted; a quoted address is read as a string
_URL_OPENS = re.compile(r"url\(\s*$", re.IGNORECASE)
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


def _own(address: str) -> bool:
    """An address inside the page itself: a data: URI, a fragment, or nothing."""
    plain = _INVISIBLE.sub("", address).lower()
    return plain == "" or plain.startswith(("data:", "#"))


def _decode(css: str) -> str:
    """CSS as a browser understands it: without escapes (`u\\72l(` is `url(`)."""
    return _CSS_ESCAPE.sub(lambda m: chr(int(m[1], 16)) if m[1] else m[2], css)


def _css_problems(css: str) -> list[str]:
    """What in a stylesheet could run or fetch. A string is text (the printed footer's `content: "…"` may
    hold any school name), unless it is the address in `url("…")`."""
    css = _CSS_COMMENT.sub("", css)
    found: list[str] = []
    outside: list[str] = []
    last = 0
    for string in _CSS_STRING.finditer(css):
        before = _decode(css[last:string.start()])
        outside += [before, " "]
        address = _decode(string.group()[1:-1])
        if _URL_OPENS.search(before) and not _own(address):
            found.append(f"en adresse i CSS (url({address[:60]}))")
        last = string.end()
    plain = "".join([*outside, _decode(css[last:])])
    if "@import" in plain.lower():
        found.append("@import i et stylesheet")
    found += [f"en adresse i CSS (url({address[:60]}))" for address in _CSS_URL.findall(plain) if not _own(address)]
    squeezed = _INVISIBLE.sub("", plain).lower()
    if "expression(" in squeezed or "javascript:" in squeezed:
        found.append("kode i CSS")
    return found


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"et <{tag}>-element")
        if tag == "meta" and any(name == "http-equiv" for name, _ in attrs):  # refresh: load another page
            self.problems.append("et <meta http-equiv>-element")
        if tag == "link" and not all(_own(value or "") for name, value in attrs if name == "href"):
            self.problems.append("et <link> til en adresse uden for siden")
        self._in_style = tag == "style"
        for name, value in attrs:
            text = value or ""  # the parser has already turned &#116; and the like into characters
            if name.startswith("on"):
                self.problems.append(f"en handling ({name}=) på <{tag}>")
            elif name in ADDRESSES and any(scheme in _INVISIBLE.sub("", text).lower()
                                           for scheme in ("javascript:", "vbscript:")):
                self.problems.append(f"kode i {name}= på <{tag}>")
            elif name in LOADING or (name == "href" and tag in ("image", "use", "feimage")):
                addresses = [part.strip().split(" ")[0] for part in text.split(",")] if name == "srcset" else [text]
                self.problems += [f"en adresse uden for siden ({name}=\"{address.strip()[:60]}\") på <{tag}>"
                                  for address in addresses if not _own(address)]
            elif name == "style":
                self.problems += _css_problems(text)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in_style = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.problems += _css_problems(data)


def unsafe_page_parts(html: str) -> list[str]:
    """What in a finished page could run or fetch, in Danish (each kind once, in the order found)."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return list(dict.fromkeys(reader.problems))
