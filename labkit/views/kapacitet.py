"""TODO docstring"""

from __future__ import annotations

from IPython.display import HTML, display

from labkit.analysis.kapacitet import largest_gaps, notes_by_dimension, profile_matrix
from labkit.figures.kapacitet import group_gap_chart, kapacitet_heatmap
from labkit.views.display import bullet_html, escape, show_callout, show_figure
from labkit.workspace.session import Session


def render_kapacitet(session: Session) -> None:

    lab = session.lab
    if lab.kapacitet is None:
        show_callout("Der er ingen data fra kapacitetsinterviews i dette laboratorium endnu.", "info",
                     "Ingen kapacitetsinterviews")
        return
    profile = lab.kapacitet.profile
    school_rows = profile.loc[profile["school_id"] == session.school_id]
    if school_rows.empty:
        show_callout("Der er ingen vurderinger fra kapacitetsinterviews for skolen.", "info")
        return
    matrix, counts = profile_matrix(profile, session.school_id or "", lab.instrument)
    show_figure(kapacitet_heatmap(matrix, counts, (lab.instrument.scale.min, lab.instrument.scale.max),
                                  "Kapacitet: gennemsnit pr. dimension og gruppe",
                                  min_group_size=lab.config.min_group_size))
    dimension_rows = school_rows.loc[school_rows["statement"] == ""]
    show_figure(group_gap_chart(dimension_rows, {g.id: g.name for g in lab.instrument.groups},
                                {d.id: d.name for d in lab.instrument.dimensions}))
    gaps = largest_gaps(profile, session.school_id or "", lab.instrument)
    if len(gaps):
        show_callout("\n".join(gaps["text"]), "advarsel", "Størst uenighed mellem grupperne")
    notes = notes_by_dimension(lab.kapacitet.notes, session.school_id or "", lab.instrument)
    names = {d.id: d.name for d in lab.instrument.dimensions}
    parts = []
    for dimension_id, items in notes.items():
        texts = [getattr(item, "text", None) or (item.get("text") if isinstance(item, dict) else str(item))
                 for item in items]
        parts.append(f"<h4>{escape(names.get(dimension_id, dimension_id))}</h4>{bullet_html(texts)}")
    if parts:
        display(HTML("<h3>Noter og citater fra interviewene</h3>" + "".join(parts)))
