"""How far a team has come with the day's work, read from its workspace (the facilitator's board).

Four steps, in the day's order. Each is read from what the team saved, never from which pages were
opened: a step counts as done when the saved work shows it, so the board and the handout agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from labkit.analysis.candidates import chosen_areas_in
from labkit.data.indsatsteori import FIELDS

# (key, what the facilitator reads on the board)
STEPS = (
    ("opsummering", "Opsummeringen drøftet"),
    ("omraader", "Indsatsområder valgt"),
    ("indsatsteori", "Indsatsteori skrevet"),
    ("tegn", "Tegn med baseline"),
)


@dataclass(frozen=True)
class TeamProgress:
    done: dict[str, bool]
    chosen: int  # focus areas chosen
    drafted: int  # of those, with at least one field of the indsatsteori written
    signs_with_baseline: int

    @property
    def steps_done(self) -> int:
        return sum(self.done.values())


def _discussed(workspace_data: dict[str, Any]) -> bool:
    # A statement counts as discussed when the team said whether it agrees or wrote a comment.
    summary = workspace_data.get("datasummary")
    if not isinstance(summary, dict):
        return False
    return any(isinstance(view, dict) and (str(view.get("enig") or "").strip() or str(view.get("kommentar") or "").strip())
               for view in summary.values())


def team_progress(workspace_data: dict[str, Any]) -> TeamProgress:
    """The team's progress through the day's steps, from its saved workspace data."""
    areas = chosen_areas_in(workspace_data, {})
    drafted = [a for a in areas if any(getattr(a.theory, f.key) for f in FIELDS)
               or a.theory.resultater or a.theory.aktiviteter]
    with_baseline = sum(1 for a in areas for sign in a.theory.indikatorer
                        if sign.beskrivelse.strip() and sign.baseline.strip())
    done = {"opsummering": _discussed(workspace_data), "omraader": bool(areas), "indsatsteori": bool(drafted),
            "tegn": with_baseline > 0}
    return TeamProgress(done, len(areas), len(drafted), with_baseline)
