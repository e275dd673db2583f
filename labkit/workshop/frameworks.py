"""Where the team places the school on the PLF maturity levels: a choice and a reason, saved as they
click and type (the frameworks' static views are `labkit.views.frameworks`)."""

from __future__ import annotations

import ipywidgets as widgets
from IPython.display import HTML, display

from labkit.views.display import callout_html
from labkit.views.frameworks import LEVEL_PATH, REASON_PATH, plf_choice_html, plf_levels, plf_levels_html
from labkit.workspace.session import Session

NOT_CHOSEN = ""


def render_plf_maturity(session: Session) -> None:
    """Interactive: pick a level and say why (saved as they choose and type); static: the choice."""
    if not session.interactive:
        display(HTML(plf_choice_html(session)))
        return
    levels = plf_levels(session)
    workspace = session.workspace
    chosen = str(workspace.get(LEVEL_PATH, "") if workspace else "")
    reason = str(workspace.get(REASON_PATH, "") if workspace else "")
    names = {level.id: level.name for level in levels}
    picker = widgets.RadioButtons(options=[("Ikke valgt endnu", NOT_CHOSEN)] + [(level.name, level.id) for level in levels],
                                  value=chosen if chosen in names else NOT_CHOSEN,
                                  layout=widgets.Layout(width="auto"))
    why = widgets.Textarea(value=reason, placeholder="Hvad ser I hos jer, der peger på netop det niveau?",
                           layout=widgets.Layout(width="95%", height="70px"))
    message = widgets.HTML()

    def saved(path: str, value: str) -> None:
        problem = session.save(path, value)
        message.value = callout_html(problem, "advarsel") if problem else ""

    picker.observe(lambda change: saved(LEVEL_PATH, change["new"]), names="value")
    why.observe(lambda change: saved(REASON_PATH, change["new"]), names="value")
    display(widgets.VBox([widgets.HTML(plf_levels_html(levels)), picker, why, message]))
