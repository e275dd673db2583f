"""A notebook's session: which lab and school it shows, and the team's workspace for that school.

The notebooks call `start(...)` once, right after the parameters cell. In JupyterLab the team picks
its school from a list (no code to edit); under papermill the school comes as a parameter. Every
later section registers with the session and is drawn again when the school changes.
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from labkit.data.agenda import STEP_TITLES
from labkit.data.config import CONFIG_NAME, with_leading_zeros
from labkit.data.lab import Lab, load_lab_cached
from labkit.files import write_atomically
from labkit.problems import LabkitError, Severity
from labkit.workspace.store import WORKSPACE_FOLDER, Workspace

# The last school a user picked in a lab, so a kernel restart does not ask again.
LAST_CHOICE_FILE = ".valgt_skole.json"
# Set by `labkit serve` for each page's kernel: the one school it may open.
ROOM_SCHOOL_ENV = "LABKIT_RUM_SKOLE"

T = TypeVar("T")


def find_lab_folder(start: Path) -> Path:
    """The nearest folder at or above `start` holding a lab.yaml (like git finds its repository)."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise LabkitError(
        f"Kan ikke finde et laboratorium: der er ingen {CONFIG_NAME} i {start} eller mapperne over den. "
        "Åbn notesbogen med »labkit lab MAPPE«, eller angiv lab_mappe i parametrene."
    )


def _last_choice_path(lab: Lab) -> Path:
    return lab.config.folder / WORKSPACE_FOLDER / LAST_CHOICE_FILE


def remembered_school(lab: Lab) -> str | None:
    """The school this user last picked in this lab, if it is still in the lab."""
    try:
        choices = json.loads(_last_choice_path(lab).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    school_id = choices.get(getpass.getuser()) if isinstance(choices, dict) else None
    return school_id if school_id in lab.config.school_names else None


def remember_school(lab: Lab, school_id: str) -> None:
    """Remember the choice for the next start; a folder that cannot be written only means asking again."""
    path = _last_choice_path(lab)
    try:
        choices = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        choices = {}
    if not isinstance(choices, dict):
        choices = {}
    choices[getpass.getuser()] = school_id
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, json.dumps(choices, ensure_ascii=False))
    except OSError:
        pass  # Workspace.open has told the team that nothing can be saved here


@dataclass
class Session:
    """What one notebook shows: a lab, maybe a school, and that school's workspace."""

    lab: Lab
    interactive: bool = True
    school_id: str | None = None
    # A page of `labkit serve` (the room) rather than a notebook in JupyterLab: messages then point to
    # pages, not notebooks, and no school is remembered per operating-system user (every team's page
    # runs as the server's one user).
    in_room: bool = False
    workspace: Workspace | None = None
    # Widgets one section makes and another shows (e.g. the bubble chart that follows the ratings).
    shared_widgets: dict[str, object] = field(default_factory=dict)
    # One redraw per section, keyed by the section: re-running a cell replaces its listener instead of
    # adding one for an output that is no longer on the page.
    _listeners: dict[str, Callable[[], None]] = field(default_factory=dict)
    # Results that depend only on the lab's data and the school (e.g. the data summary), computed once.
    _memo: dict[str, object] = field(default_factory=dict)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """`compute()` once per school: several sections ask for the same data summary."""
        full_key = f"{self.school_id}:{key}"
        if full_key not in self._memo:
            self._memo[full_key] = compute()
        return self._memo[full_key]  # type: ignore[return-value]

    @property
    def listener_count(self) -> int:
        """How many sections redraw when the school changes."""
        return len(self._listeners)

    def step_ref(self, notebook: str) -> str:
        """Where a team finds another step: on a page in the room, in a notebook in JupyterLab, and by its
        name alone in a handout (read after the day, in whichever form the team worked)."""
        title = STEP_TITLES[notebook]
        if self.in_room:
            return f"på siden »{title}«"
        if not self.interactive:
            return f"under »{title}«"
        return f"i notesbog {notebook.split('_', 1)[0]} (»{title}«)"

    @property
    def reopen_hint(self) -> str:
        return "Genindlæs derefter denne side." if self.in_room else "Kør derefter denne notesbog igen."

    @property
    def school_name(self) -> str:
        return self.lab.config.school_names.get(self.school_id or "", "")

    def choose(self, school_id: str) -> None:
        """Switch to a school: open its workspace and redraw every section."""
        room_school = os.environ.get(ROOM_SCHOOL_ENV)
        if room_school and school_id != room_school:
            # A page of `labkit serve`: its kernel belongs to one school (labkit.room.server).
            raise LabkitError("Denne side hører til en anden skole. Åbn jeres egen skoles sider fra jeres adgangslink.")
        if school_id not in self.lab.config.school_names:
            known = ", ".join(f"{s.id} ({s.name})" for s in self.lab.config.schools)
            raise LabkitError(f"Skolen »{school_id}« er ikke med i laboratoriet. Skolerne er: {known}.")
        self.school_id = school_id
        # A handout (not interactive) only reads the team's work: it creates, locks and moves nothing.
        self.workspace = (Workspace.open if self.interactive else Workspace.open_read_only)(
            self.lab.config.folder, school_id, self.lab.config.lab_name)
        if self.interactive and not self.in_room:
            remember_school(self.lab, school_id)
        for listener in list(self._listeners.values()):
            listener()

    def on_school(self, listener: Callable[[], None], key: str = "") -> None:
        """Call `listener` now if a school is chosen, and again every time the school changes. A second
        listener with the same `key` (the same section shown again) replaces the first."""
        self._listeners[key or f"listener-{len(self._listeners)}"] = listener
        if self.school_id:
            listener()

    def save(self, path: str, value: object) -> str | None:
        """Save one of the team's answers; returns a Danish message when something needs attention."""
        if self.workspace is None:
            return "Vælg jeres skole først – så bliver det, I skriver, gemt."
        result = self.workspace.set(path, value)
        return result.message


def open_session(lab_mappe: str = "", skole: str = "", interaktiv: bool = True, in_room: bool = False) -> Session:
    """Load the lab and, if known, the school. Raises `LabkitError` with a Danish message."""
    folder = Path(lab_mappe).expanduser() if lab_mappe else find_lab_folder(Path.cwd())
    lab = load_lab_cached(folder)
    session = Session(lab=lab, interactive=interaktiv, in_room=in_room)
    school = str(skole).strip() if skole else (remembered_school(lab) if interaktiv and not in_room else None)
    if school:
        # papermill's -p turns "061001" into the int 61001; restore the zeros when that names a lab school.
        if with_leading_zeros(school) in lab.config.school_names:
            school = with_leading_zeros(school)
        session.choose(school)
    return session


def data_warnings(lab: Lab) -> list[str]:
    """Short Danish lines about data problems the team should know of (details: `labkit check`)."""
    errors = [p for p in lab.problems if p.severity is Severity.FEJL]
    if not errors:
        return []
    return [(f"Der er {len(errors)} fejl i laboratoriets data, så nogle tal mangler. "
            "Facilitatoren kan se dem med »labkit check«.")]
