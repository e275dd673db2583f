"""The kapacitetsinterviews of one school as the notebook and the handout show them: the latest round's
profile and gaps between groups, the change since the round before, and the interview notes."""

from __future__ import annotations

from IPython.display import HTML, display

from labkit.analysis.kapacitet import largest_gaps, notes_by_dimension, profile_matrix, profile_table
from labkit.analysis.kapacitet_rounds import RoundComparison, compare_rounds, notable_changes, school_rounds
from labkit.figures.kapacitet import group_gap_chart, kapacitet_heatmap, round_change_chart
from labkit.numbers import format_number
from labkit.views.display import bullet_html, callout_html, escape, show_callout, show_figure
from labkit.workspace.session import Session

CONSENSUS_NOTE = ("Vurderingerne er gruppernes fælles vurderinger: ét tal pr. gruppe, ikke et gennemsnit af "
                  "enkeltpersoners svar. Tallet under hver celle er antallet af personer bag vurderingen.")


def round_table_html(comparison: RoundComparison) -> str:
    """Dimension × group with »før → nu« per cell; a dash where a group cannot be compared."""
    changes = comparison.changes
    groups = list(dict.fromkeys(changes["group_name"]))
    dimensions = list(dict.fromkeys(changes["dimension_name"]))
    cells = {(d, g): (b, a) for d, g, b, a in zip(changes["dimension_name"], changes["group_name"],
                                                 changes["before"], changes["after"])}
    head = "".join(f"<th>{escape(g)}</th>" for g in groups)
    rows = []
    for dimension in dimensions:
        values = [cells.get((dimension, g)) for g in groups]
        tds = "".join("<td>–</td>" if v is None else
                      f"<td>{format_number(v[0], 1)} → {format_number(v[1], 1)}</td>" for v in values)
        rows.append(f"<tr><th scope=row>{escape(dimension)}</th>{tds}</tr>")
    caption = (f"Gennemsnit pr. dimension og gruppe, runde {comparison.first} → runde {comparison.last}. "
               "Grupper med for få personer i en af runderne er ikke med.")
    return (f"<table class=runder><caption>{escape(caption)}</caption><tr><th></th>{head}</tr>"
            f"{''.join(rows)}</table>")


def round_comparison_html(session: Session, comparison: RoundComparison | None = None,
                          with_table: bool = True) -> str:
    """The change since the previous interview round (summary, notable changes and, `with_table`, the
    table), or "" when the school has only one round."""
    lab = session.lab
    if comparison is None and lab.kapacitet is not None and session.school_id:
        comparison = compare_rounds(lab.kapacitet.rounds, session.school_id, lab.instrument)
    if comparison is None:
        return ""
    title = f"Fra runde {comparison.first} til runde {comparison.last}"
    parts = [f"<h3>{escape(title)}</h3>", callout_html(comparison.summary, "info")]
    if not comparison.changes.empty:
        notable = notable_changes(comparison)
        if notable:
            parts.append(bullet_html(notable))
        if with_table:
            parts.append(round_table_html(comparison))
    return "".join(parts)


def _latest_round_title(session: Session) -> str:
    lab = session.lab
    assert lab.kapacitet is not None
    numbers = school_rounds(lab.kapacitet.rounds, session.school_id or "")
    suffix = f" (runde {numbers[-1]})" if len(numbers) > 1 else ""
    return f"Kapacitet: gennemsnit pr. dimension og gruppe{suffix}"


def render_kapacitet(session: Session) -> None:
    """The latest round's heatmap and gap chart, the largest gaps, the change since the round before
    and the notes of the latest round."""
    lab = session.lab
    if lab.kapacitet is None:
        show_callout("Der er ingen data fra kapacitetsinterviews i dette laboratorium endnu.", "info",
                     "Ingen kapacitetsinterviews")
        return
    profile = lab.kapacitet.profile
    school_id = session.school_id or ""
    school_rows = profile.loc[profile["school_id"] == school_id]
    if school_rows.empty:
        show_callout("Der er ingen vurderinger fra kapacitetsinterviews for skolen.", "info")
        return
    consensus = lab.instrument.consensus
    matrix, counts = profile_matrix(profile, school_id, lab.instrument)
    if consensus:
        counts = profile_table(profile, school_id, lab.instrument, "people")
        show_callout(CONSENSUS_NOTE, "info", "Fælles vurderinger")
    show_figure(kapacitet_heatmap(matrix, counts, (lab.instrument.scale.min, lab.instrument.scale.max),
                                  _latest_round_title(session), min_group_size=lab.config.min_group_size,
                                  consensus=consensus))
    dimension_rows = school_rows.loc[school_rows["statement"] == ""]
    show_figure(group_gap_chart(dimension_rows, {g.id: g.name for g in lab.instrument.groups},
                                {d.id: d.name for d in lab.instrument.dimensions}))
    gaps = largest_gaps(profile, school_id, lab.instrument)
    if len(gaps):
        show_callout("\n".join(gaps["text"]), "advarsel", "Størst uenighed mellem grupperne")
    comparison = compare_rounds(lab.kapacitet.rounds, school_id, lab.instrument)
    if comparison is not None:
        display(HTML(round_comparison_html(session, comparison, with_table=False)))
        show_figure(round_change_chart(comparison.changes, {g.id: g.name for g in lab.instrument.groups},
                                       {d.id: d.name for d in lab.instrument.dimensions}, comparison.first,
                                       comparison.last))
        if not comparison.changes.empty:
            display(HTML(round_table_html(comparison)))
    notes = notes_by_dimension(lab.kapacitet.notes, school_id, lab.instrument, int(school_rows["round"].max()))
    names = {d.id: d.name for d in lab.instrument.dimensions}
    parts = [f"<h4>{escape(names.get(dimension_id, dimension_id))}</h4>{bullet_html(items)}"
             for dimension_id, items in notes.items()]
    if parts:
        display(HTML("<h3>Noter og citater fra interviewene</h3>" + "".join(parts)))
