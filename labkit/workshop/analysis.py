"""Notebook 1's widgets: the data summary the team agrees or disagrees with, and pickers for the
indicator and funnel figures (the figures and texts themselves are `labkit.views.kvalitet`)."""

from __future__ import annotations

import ipywidgets as widgets
from IPython.display import HTML, display

from labkit.analysis.summary import Statement
from labkit.views.display import callout_html, escape, figure_png, show_callout, show_figure
from labkit.views.kvalitet import (
    AGREEMENT,
    SUMMARY_GROUPS,
    funnel_figure,
    school_indicators,
    summary_html,
    summary_path,
    summary_statements,
    trend_figure,
)
from labkit.workspace.session import Session


def render_summary(session: Session) -> None:
    """Interactive: each statement with Enig/Uenig and a comment, saved as they click and type;
    static: the statements with what the team said."""
    if not session.interactive:
        display(HTML(summary_html(session)))
        return
    summary = summary_statements(session)
    for title, attribute, kind in SUMMARY_GROUPS:
        statements = getattr(summary, attribute)
        if statements:
            display(widgets.VBox([widgets.HTML(callout_html("", kind, title)),
                                  *(_agreement_row(session, statement) for statement in statements)]))


def _agreement_row(session: Session, statement: Statement) -> widgets.Widget:
    path = summary_path(statement.id)
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
    text = widgets.HTML(f"<div style='max-width:640px'>{escape(statement.text)}</div>")
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
    picker = widgets.Dropdown(options=[(session.lab.catalogue[i].label(g), (i, g)) for i, g in choices],
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




def render_funnel(session: Session) -> None:
    choices = [(i, g) for i, g in school_indicators(session) if session.lab.catalogue[i].is_judged]
    if not choices:
        show_callout("Der er ingen tal at sammenligne med.", "info")
        return
    if not session.interactive:
        show_figure(funnel_figure(session, *choices[0]))
        return
    picker = widgets.Dropdown(options=[(session.lab.catalogue[i].label(g), (i, g)) for i, g in choices],
                              description="Indikator:", layout=widgets.Layout(width="520px"))
    image = widgets.Image(format="png")

    def draw(_: object = None) -> None:
        image.value = figure_png(funnel_figure(session, *picker.value))

    picker.observe(draw, names="value")
    draw()
    display(widgets.VBox([picker, image]))




