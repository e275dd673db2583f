"""The lab day's agenda: blocks with start time, minutes and the notebook each block uses."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labkit.data.frameworks import read_text
from labkit.data.templates import read_yaml, require, require_list
from labkit.problems import LabkitError, display_name

AGENDA_FILE = "dagsorden.yaml"
# The day's notebooks and what a team calls them (the pages of `labkit serve`, messages that point on).
STEP_TITLES = {
    "1_data_og_analyse": "Jeres data",
    "2_indsatsomraader": "Indsatsområder",
    "3_indsatsteori": "Indsatsteori",
    "4_facilitator_overblik": "Overblik over skolerne",
    "5_opfoelgning": "Opfølgning",
}

_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


@dataclass(frozen=True)
class AgendaBlock:
    """One block of the day; `start` is minutes after midnight."""

    start: int
    minutes: int
    title: str
    description: str
    notebook: str | None

    @property
    def end(self) -> int:
        return self.start + self.minutes


@dataclass(frozen=True)
class Agenda:
    blocks: tuple[AgendaBlock, ...]

    @property
    def total_minutes(self) -> int:
        return sum(b.minutes for b in self.blocks)

    @property
    def notebooks(self) -> tuple[str, ...]:
        """The notebooks the day uses, in order of first use."""
        return tuple(dict.fromkeys(b.notebook for b in self.blocks if b.notebook))


def clock(minutes: int) -> str:
    """Minutes after midnight as "TT:MM"."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def duration(minutes: int) -> str:
    """A length in Danish: "360 min (6 t)" or "75 min (1 t 15 min)"."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{minutes} min"
    return f"{minutes} min ({hours} t)" if not rest else f"{minutes} min ({hours} t {rest} min)"


def _start(entry: dict[str, Any], where: str) -> int:
    value = require(entry, "tid", where)  # an unquoted 10:30 arrives as text (`labkit.data.templates`)
    match = _TIME.match(str(value).strip())
    if not match:
        raise LabkitError(f"{where}: »tid« skal være et klokkeslæt som \"09:00\", fandt »{value}«.")
    return int(match.group(1)) * 60 + int(match.group(2))


def _minutes(entry: dict[str, Any], where: str) -> int:
    value = require(entry, "minutter", where)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise LabkitError(f"{where}: »minutter« skal være et helt tal over 0, fandt »{value}«.")
    return value


def load_agenda(path: Path, notebooks: Collection[str] | None = None) -> Agenda:
    """Read the agenda: a list of blocks (bare, or under »blokke«) in time order, without overlaps.

    With `notebooks` (names without .ipynb), a block naming another notebook is a Danish error.
    """
    source = display_name(path)
    data = read_yaml(path)
    entries = require_list(data.get("blokke") if isinstance(data, dict) else data, f"{source}, »blokke«")
    blocks: list[AgendaBlock] = []
    for number, entry in enumerate(entries, start=1):
        where = f"{source}, blok nr. {number}"
        title = read_text(entry, "titel", where)
        where = f"{where} »{title}«"
        notebook = read_text(entry, "notesbog", where, required=False).removesuffix(".ipynb")
        if notebook and notebooks is not None and notebook not in notebooks:
            raise LabkitError(
                f"{where}: notesbogen »{notebook}« findes ikke. "
                f"Kendte notesbøger: {', '.join(sorted(notebooks))}."
            )
        block = AgendaBlock(
            start=_start(entry, where),
            minutes=_minutes(entry, where),
            title=title,
            description=read_text(entry, "beskrivelse", where, required=False),
            notebook=notebook or None,
        )
        if blocks and block.start < blocks[-1].end:
            previous = blocks[-1]
            raise LabkitError(
                f"{where}: starter kl. {clock(block.start)}, men blok nr. {number - 1} »{previous.title}« "
                f"slutter først kl. {clock(previous.end)}. Blokkene skal stå i tidsrækkefølge uden overlap."
            )
        blocks.append(block)
    return Agenda(tuple(blocks))


