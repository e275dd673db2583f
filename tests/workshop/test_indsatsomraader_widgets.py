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
