"""Notebook 2's widgets: ratings and choices are saved as the team clicks, and the bubble chart follows
both (a chosen area is drawn as chosen at once, without running the cell again; issue 13)."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets
from IPython.utils.capture import capture_output
from ipywidgets.widgets.widget import _instances

from labkit.views.indsatsomraader import rating_path, school_candidates
from labkit.workshop.indsatsomraader import render_candidates, render_choice
from labkit.workspace.session import open_session


def test_choosing_an_area_redraws_the_bubble_chart(lab: Path) -> None:
    session = open_session(str(lab), "061004", interaktiv=True)
    first = school_candidates(session)[0]
    for key in ("vigtighed", "data", "indflydelse"):  # rated, so it is on the chart
        session.save(rating_path(first.id, key), 4)
    with capture_output():
        render_candidates(session)
        render_choice(session)
    chart = session.shared_widgets["bubble_chart"]
    assert isinstance(chart, widgets.Image)
    before = chart.value
    # The checkbox the team clicks: the newest live one with the candidate's title.
    boxes = [w for w in list(_instances.values()) if isinstance(w, widgets.Checkbox) and w.description == first.label]
    box = boxes[-1]
    box.value = True
    assert session.workspace is not None and session.workspace.get("indsatsomraader/valgte") == [first.id]
    assert chart.value != before  # drawn as chosen now


def test_a_conflict_is_shown_side_by_side_until_the_team_keeps_one(lab: Path) -> None:
    """Two members saved the same field at once: the notebook shows both texts with »Behold denne«, and
    keeping one settles it in the workspace (resolve_conflict was reachable only from tests)."""
    from labkit.workshop.konflikter import render_conflicts
    from labkit.workspace.store import Workspace

    path = "indsatsteorier/klasseledelse/problem"
    second = Workspace.open(lab, "061004", session="b")  # opened before A saved
    Workspace.open(lab, "061004", session="a").set(path, "Problem fra A")
    assert second.set(path, "Problem fra B").conflict
    session = open_session(str(lab), "061004", interaktiv=True)
    with capture_output():
        render_conflicts(session)
    shown = [w for w in list(_instances.values()) if isinstance(w, widgets.HTML) and "Problem fra A" in w.value]
    assert shown and any("Problem fra B" in w.value for w in _instances.values() if isinstance(w, widgets.HTML))
    keep_theirs = [w for w in list(_instances.values())
                   if isinstance(w, widgets.Button) and w.description == "Behold denne"][-1]
    keep_theirs.click()
    final = Workspace.open(lab, "061004")
    assert final.conflicts == [] and final.get(path) == "Problem fra A"
