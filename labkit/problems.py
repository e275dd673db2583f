"""Problems found in a participant's or facilitator's files, with Danish messages.

Loaders never raise on bad data: they collect every problem at once so a facilitator can fix a
file in one go. `LabkitError` is for the cases where nothing sensible can be read at all; its
message is Danish and is shown to the user instead of a traceback.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class Severity(str, Enum):
    """How bad a problem is: a `FEJL` makes the data unusable, an `ADVARSEL` does not."""

    FEJL = "fejl"
    ADVARSEL = "advarsel"


@dataclass(frozen=True)
class Problem:
    """One problem in one place of one file.

    `row` is the row number as the user sees it in Excel or a text editor (the header is
    usually row 1). `column` is the column's header text.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    expected: str | None = None
    severity: Severity = Severity.FEJL
    # The school the bad cell belongs to, when known: a renderer can then stop only that school.
    school_id: str | None = None

    def describe(self) -> str:
        """The problem as one Danish line: where, what was found, what was expected."""
        where = [self.file]
        if self.row is not None:
            where.append(f"række {self.row}")
        if self.column is not None:
            where.append(f"kolonne »{self.column}«")
        text = f"{', '.join(where)}: {self.message}"
        if self.value is not None:
            text += f" Fundet: »{self.value}«."
        if self.expected is not None:
            text += f" Forventet: {self.expected}."
        return text


class LabkitError(Exception):
    """An error the user can act on; `str(error)` is a Danish message without a traceback."""


def display_name(path: Path) -> str:
    """The file name shown in messages: short, but enough to find the file in the lab folder."""
    parent = path.parent.name
    return f"{parent}/{path.name}" if parent else path.name


def has_errors(problems: list[Problem]) -> bool:
    """True when at least one problem makes the data unusable."""
    return any(p.severity is Severity.FEJL for p in problems)


# The operating system's reasons in Danish: its own `strerror` is English ("Permission denied").
_OS_REASONS = {
    errno.EACCES: "ingen adgang: du må ikke skrive eller læse her",
    errno.EPERM: "ingen tilladelse til det her",
    errno.EROFS: "drevet er skrivebeskyttet",
    errno.ENOSPC: "disken er fuld",
    errno.EDQUOT: "din plads på drevet er brugt op",
    errno.ENOENT: "mappen findes ikke",
    errno.ENOTDIR: "en del af stien er en fil, ikke en mappe",
    errno.EISDIR: "det er en mappe, ikke en fil",
    errno.EEXIST: "der ligger allerede en fil med det navn",
    errno.ENAMETOOLONG: "navnet er for langt",
    errno.EIO: "drevet svarer ikke (er en USB-nøgle eller et netværksdrev koblet fra?)",
    errno.EBUSY: "filen er i brug i et andet program",
}


def os_reason(error: OSError) -> str:
    """Why the operating system refused, in Danish, for a message that says what to do."""
    if error.errno in _OS_REASONS:
        return _OS_REASONS[error.errno]
    return f"styresystemet sagde nej (fejl nr. {error.errno})" if error.errno else "styresystemet sagde nej"
