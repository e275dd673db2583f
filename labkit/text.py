"""Team text as every output can show it.

Text pasted from Word or a web page can hold control characters (Word's manual line break arrives as
a vertical tab). XML 1.0 forbids most of them, so python-docx refuses the document, and fonts have no
glyph for them, so matplotlib warns (in English, in front of the team) and prints an empty box.
"""

from __future__ import annotations

import re

# C0 controls but tab and line feed, DEL and the C1 controls, and what XML 1.0 cannot hold at all.
_NOT_PRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def printable(text: str) -> str:
    """`text` without control characters, with one kind of line break ("\\n")."""
    return _NOT_PRINTABLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
