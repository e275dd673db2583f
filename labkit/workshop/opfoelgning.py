"""Notebook 5 and the handout's follow-up: each theory's signs against new data, the team's
observations, revisions of the theory, and what changed since the previous lab.

The verdicts come from `labkit.analysis.opfoelgning` (pure); this module reads and writes the workspace and
draws. Paths in the workspace: see `labkit.analysis.opfoelgning` and docs/arbejdsfil.md.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
from IPython.display import display

from labkit.analysis.opfoelgning import (
    notes_path,
    observation_path,
    snapshot_path,
)
from labkit.data.indsatsteori import Indsatsteori
from labkit.views.display import callout_html, figure_img_html, show_callout
from labkit.views.indsatsteori import load_theory
from labkit.views.opfoelgning import (
    CALLOUT_KINDS,
    area_follow_up,
    areas_with_theory,
    changes_html,
    followup_figure,
    render_area_static,
    saved_text,
    table_html,
)
from labkit.workshop.indsatsteori import theory_form
from labkit.workspace.session import Session
from labkit.workspace.store import Workspace

OBSERVATION_PROMPT = "Hvad har I set og hørt? Fx hvad elever og lærere gør anderledes, eksempler fra klasserne."




def ensure_snapshot(workspace: Workspace, lab_name: str, area_id: str) -> bool:
    """Keep the theory as it stands when the follow-up first opens it in this lab; True if written now.

    The copy, under `historik/<lab>/indsatsteorier/<area>`, is what the previous lab left: the
    handout compares the theory with it to show what changed since then.
    """
    stored = workspace.get(("indsatsteorier", area_id), {})
    if not stored or not isinstance(stored, dict) or workspace.get(snapshot_path(lab_name, area_id)) is not None:
        return False
    workspace.set(snapshot_path(lab_name, area_id), Indsatsteori.from_dict(stored).to_dict())
    return True
















def _text_area(session: Session, path: tuple[str, ...], label: str, placeholder: str, height: str,
               saved: Callable[[str | None], None]) -> widgets.Textarea:
    """A text field saved to the workspace on every change (like notebook 3's fields).

    Paths are tuples here: the lab name is one key and may hold any character.
    """
    area = widgets.Textarea(value=saved_text(session, path), placeholder=placeholder, description=label,
                            layout=widgets.Layout(width="98%", height=height),
                            style={"description_width": "170px"})
    area.observe(lambda change: saved(session.save(path, change["new"])), names="value")  # type: ignore[arg-type]
    return area


def _area_widget(session: Session, area_id: str, label: str) -> widgets.Widget:

    lab = session.lab.config.lab_name
    theory, items = area_follow_up(session, area_id, label)
    message = widgets.HTML()

    def saved(problem: str | None = None) -> None:
        message.value = callout_html(problem, "advarsel") if problem else ""

    parts: list[widgets.Widget] = [message, widgets.HTML(table_html(items) if items else callout_html(
        "Indsatsteorien har ingen tegn på virkning endnu. Tilføj tegn nedenfor.", "info"))]
    for item in items:
        # An HTML widget, not an Output widget: Voilà's executor tracks Output widgets (see section()).
        figure = widgets.HTML()
        if item.indicator_id and item.indicator_id in {i.id for i in session.lab.catalogue.indicators}:
            figure.value = figure_img_html(followup_figure(session, item))
        parts += [
            widgets.HTML(callout_html(item.text, CALLOUT_KINDS.get(item.verdict, "info"),
                                      item.sign.beskrivelse or "Tegn uden beskrivelse")),
            figure,
            _text_area(session, observation_path(lab, area_id, item.key), "Det har vi set",
                       OBSERVATION_PROMPT, "70px", saved),
        ]
    parts.append(_text_area(session, notes_path(lab, area_id), "Noter til opfølgningen",
                            "Er effekten, som I forventede? Hvad justerer I?", "80px", saved))
    changes = widgets.HTML(changes_html(session, area_id, theory))
    refresh = widgets.Button(description="Vis ændringer", icon="refresh")

    def refreshed(_: widgets.Button) -> None:
        changes.value = changes_html(session, area_id, load_theory(session, area_id, label))

    refresh.on_click(refreshed)
    revise = widgets.Accordion(children=[theory_form(session, area_id, label)])
    revise.set_title(0, "Revidér indsatsteorien")
    return widgets.VBox([*parts, widgets.HTML("<h4>Revidér indsatsteorien</h4><p>Hver ændring gemmes som en ny "
                                              "version; den udgave, I kom med, er gemt til sammenligning.</p>"),
                         revise, widgets.HTML("<h4>Ændringer siden forrige læringslab</h4>"), changes, refresh])


def render_followup(session: Session) -> None:
    """Notebook 5: per focus area, the follow-up, observations and the theory to revise."""
    areas = areas_with_theory(session)
    if not areas:
        show_callout(f"Der er ingen gemt indsatsteori for skolen. Skriv den først {session.step_ref('3_indsatsteori')} – "
                     "så kan I følge op på den her på næste læringslab.", "info")
        return
    if not session.interactive:
        for area_id, label in areas:
            render_area_static(session, area_id, label)
        return
    for area_id, _ in areas:
        if session.workspace is not None:
            ensure_snapshot(session.workspace, session.lab.config.lab_name, area_id)
    tabs = widgets.Tab(children=[_area_widget(session, area_id, label) for area_id, label in areas])
    for index, (_, label) in enumerate(areas):
        tabs.set_title(index, label)
    display(tabs)


