"""Notebook 1 (the school's data) and notebook 4 (the facilitator's overview)."""

from __future__ import annotations

import ipywidgets as widgets
from IPython.display import HTML, display
from matplotlib.figure import Figure

from labkit.analysis.findings import Finding
from labkit.analysis.verdicts import table_verdicts
from labkit.data.kvalitet import LEVEL_SCHOOL
from labkit.views.display import bullet_html, callout_html, escape, figure_png, show_callout, show_figure
from labkit.workspace.session import Session

AGREEMENT = (("", "–"), ("enig", "Enig"), ("uenig", "Uenig"))


def school_indicators(session: Session) -> list[tuple[str, str]]:
    """(indicator id, group) pairs with at least one figure for the school, in catalogue order."""
    table = session.lab.kvalitet
    rows = table.loc[(table["school_id"] == session.school_id) & (table["level"] == LEVEL_SCHOOL)]
    present = set(zip(rows["indicator"], rows["group"]))
    return [(i.id, group) for i in session.lab.catalogue.indicators
            for group in sorted({g for ind, g in present if ind == i.id})]


def _indicator_label(session: Session, indicator_id: str, group: str) -> str:
    name = session.lab.catalogue[indicator_id].name
    return f"{name} ({group})" if group else name


def finding(session: Session, indicator_id: str, group: str) -> Finding | None:
    """The verdict engine's finding for the session's school (None: no figures for it)."""
    verdicts = table_verdicts(session.lab.kvalitet, session.lab.catalogue)
    return verdicts.get(session.school_id or "", indicator_id, group)


def verdict_text(found: Finding) -> str:
    """What the kit says about one indicator under its figure: `Finding.sentences`."""
    return found.sentences


def trend_figure(session: Session, indicator_id: str, group: str) -> tuple[Figure, str]:
    """The trend figure and the plain-Danish verdicts for one indicator, both from the same finding."""
    from labkit.analysis.kvalitet import indicator_series
    from labkit.figures.kvalitet import indicator_trend

    indicator = session.lab.catalogue[indicator_id]
    found = finding(session, indicator_id, group)
    if found is None:
        from labkit.figures.common import message_figure

        return message_figure(indicator.name, "Der er ingen tal for skolen."), ""
    series = indicator_series(session.lab.kvalitet, session.school_id or "", found)
    figure = indicator_trend(series, indicator, session.school_name, group,
                             session.lab.catalogue.breaks_of(indicator.id))
    return figure, verdict_text(found)


def render_summary(session: Session) -> None:
    from labkit.analysis.summary import data_summary

    summary = session.memo("data_summary", lambda: data_summary(session.lab, session.school_id or ""))
    groups = (("Styrker", summary.strengths, "ok"), ("Bekymringer", summary.concerns, "advarsel"),
              ("Usikkert", summary.uncertain, "info"))
    for title, statements, kind in groups:
        if not statements:
            continue
        if not session.interactive:
            saved = session.workspace.get("datasummary", {}) if session.workspace else {}
            lines = []
            for statement in statements:
                view = saved.get(statement.id, {}) if isinstance(saved, dict) else {}
                verdict = {"enig": " (teamet er enigt)", "uenig": " (teamet er uenigt)"}.get(
                    view.get("enig", ""), "")
                lines.append(statement.text + verdict)
            display(HTML(f"<h4>{escape(title)}</h4>{bullet_html(lines)}"))
            continue
        rows = [widgets.HTML(callout_html("", kind, title))]
        for statement in statements:
            rows.append(_agreement_row(session, statement))
        display(widgets.VBox(rows))


def _agreement_row(session: Session, statement: object) -> widgets.Widget:
    path = f"datasummary/{statement.id}"  # type: ignore[attr-defined]
    saved = session.workspace.get(path, {}) if session.workspace else {}
    saved = saved if isinstance(saved, dict) else {}
    toggle = widgets.ToggleButtons(options=[(label, value) for value, label in AGREEMENT],
                                   value=saved.get("enig", ""), style={"button_width": "60px"})
    comment = widgets.Text(value=saved.get("kommentar", ""), placeholder="Kommentar (valgfri)",
                           layout=widgets.Layout(width="300px"))
    message = widgets.HTML()

    def changed(_: dict) -> None:
        problem = session.save(path, {"enig": toggle.value, "kommentar": comment.value})
        message.value = callout_html(problem, "advarsel") if problem else ""

    toggle.observe(changed, names="value")
    comment.observe(changed, names="value")
    text = widgets.HTML(f"<div style='max-width:640px'>{escape(statement.text)}</div>")  # type: ignore[attr-defined]
    return widgets.VBox([text, widgets.HBox([toggle, comment]), message])


def render_indicators(session: Session) -> None:
    choices = school_indicators(session)
    if not choices:
        show_callout("Der er ingen kvalitetsrapport-tal for skolen.", "advarsel")
        return
    if not session.interactive:
        for indicator_id, group in choices:
            figure, text = trend_figure(session, indicator_id, group)
            show_figure(figure)
            show_callout(text, "info")
        return
    picker = widgets.Dropdown(options=[(_indicator_label(session, i, g), (i, g)) for i, g in choices],
                              description="Indikator:", layout=widgets.Layout(width="520px"))
    image = widgets.Image(format="png")
    text = widgets.HTML()

    def draw(_: object = None) -> None:
        figure, assessment = trend_figure(session, *picker.value)
        image.value = figure_png(figure)
        text.value = callout_html(assessment, "info")

    picker.observe(draw, names="value")
    draw()
    display(widgets.VBox([picker, image, text]))


def funnel_figure(session: Session, indicator_id: str, group: str) -> Figure:
    from labkit.analysis.kvalitet import funnel_data
    from labkit.figures.kvalitet import funnel_plot

    table = session.lab.kvalitet
    years = table.loc[(table["indicator"] == indicator_id) & table["value"].notna(), "school_year"]
    year = max(years) if len(years) else session.lab.config.school_year
    verdicts = table_verdicts(table, session.lab.catalogue)
    data = funnel_data(table, verdicts, session.lab.catalogue[indicator_id], year, group)
    # Other schools are anonymous in a school's notebook; only the team's own school is named.
    data["label"] = [session.school_name if sid == session.school_id else "" for sid in data["school_id"]]
    indicator = session.lab.catalogue[indicator_id]
    found = verdicts.get(session.school_id or "", indicator_id, group)
    verdict = found.level.text if found is not None and found.latest_year == year else ""
    if session.school_id not in set(data["school_id"]):  # never a silent gap where the school should be
        verdict = f"{session.school_name}s tal for {year} er ikke offentliggjort, så skolen er ikke med i figuren."
    return funnel_plot(data, indicator, session.school_name, labels_visible=False, group=group, year=str(year),
                       verdict=verdict)


def render_funnel(session: Session) -> None:
    choices = [(i, g) for i, g in school_indicators(session) if session.lab.catalogue[i].is_judged]
    if not choices:
        show_callout("Der er ingen tal at sammenligne med.", "info")
        return
    if not session.interactive:
        show_figure(funnel_figure(session, *choices[0]))
        return
    picker = widgets.Dropdown(options=[(_indicator_label(session, i, g), (i, g)) for i, g in choices],
                              description="Indikator:", layout=widgets.Layout(width="520px"))
    image = widgets.Image(format="png")

    def draw(_: object = None) -> None:
        image.value = figure_png(funnel_figure(session, *picker.value))

    picker.observe(draw, names="value")
    draw()
    display(widgets.VBox([picker, image]))


def render_kapacitet(session: Session) -> None:
    from labkit.analysis.kapacitet import largest_gaps, notes_by_dimension, profile_matrix
    from labkit.figures.kapacitet import group_gap_chart, kapacitet_heatmap

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


def render_overview(session: Session) -> None:
    from labkit.analysis.kvalitet import facilitator_overview
    from labkit.figures.kvalitet import overview_heatmap

    overview = facilitator_overview(session.lab.kvalitet, session.lab.config, session.lab.catalogue)
    if overview.empty:
        show_callout("Der er ingen tal at vise.", "info")
        return
    show_figure(overview_heatmap(overview))
    if not session.lab.config.show_school_names:
        show_callout("Skolerne er anonyme (Skole A, B, …). Hver skole kender kun sit eget bogstav fra "
                     "facilitatoren.", "info")
