"""Notebook 2's widgets: ratings and choices are saved as the team clicks, and the bubble chart follows
both (a chosen area is drawn as chosen at once, without running the cell again; issue 13)."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets
import pytest
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
    assert isinstance(chart, widgets.HTML)
    before = chart.value
    assert "Ingen områder valgt endnu" in before
    # The checkbox the team clicks: the newest live one with the candidate's title.
    boxes = [w for w in list(_instances.values()) if isinstance(w, widgets.Checkbox) and w.description == first.label]
    box = boxes[-1]
    box.value = True
    assert session.workspace is not None and session.workspace.get("indsatsomraader/valgte") == [first.id]
    assert chart.value != before  # drawn as chosen now
    assert f"Valgt: {first.label}" in chart.value  # and said so to a screen reader


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


def test_a_conflict_made_while_the_page_is_open_appears_without_a_reload(
        lab: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page of the member who saved first learns of the conflict too (the list follows the file)."""
    import time

    from labkit.workshop import konflikter
    from labkit.workspace.store import Workspace

    monkeypatch.setattr(konflikter, "WATCH_SECONDS", 0.05)
    path = "indsatsteorier/klasseledelse/problem"
    session = open_session(str(lab), "061004", interaktiv=True)
    with capture_output():
        konflikter.render_conflicts(session)
    late = Workspace.open(lab, "061004", session="b")  # opened before the other member saved
    Workspace.open(lab, "061004", session="a").set(path, "Problem fra A, mens siden var åben")
    assert late.set(path, "Problem fra B, mens siden var åben").conflict
    deadline = time.monotonic() + 5
    while not any(isinstance(w, widgets.HTML) and "Problem fra B, mens siden var åben" in w.value for w in list(_instances.values())):
        assert time.monotonic() < deadline, "konflikten kom ikke frem på den åbne side"
        time.sleep(0.05)
    session.shared_widgets[konflikter.WATCH_KEY].set()  # type: ignore[union-attr]  # stop the watcher
