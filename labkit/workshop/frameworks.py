"""Where the school's teams are on the PLF maturity levels: one row per team (name and level) and a
reason, saved as they type and choose (the frameworks' static views are `labkit.views.frameworks`)."""

from __future__ import annotations

import ipywidgets as widgets
from IPython.display import HTML, display

from labkit.views.display import callout_html
from labkit.views.frameworks import (
    LEVEL_PATH,
    REASON_PATH,
    TEAMS_PATH,
    plf_choice_html,
    plf_levels,
    plf_levels_html,
    saved_teams,
    teams_summary,
)
from labkit.workspace.session import Session

NOT_CHOSEN = ""


def render_plf_maturity(session: Session) -> None:
    """Interactive: a row per team (name, level, »Fjern«), »Tilføj et team« and a reason, all saved as
    they change; static: the placement."""
    if not session.interactive:
        display(HTML(plf_choice_html(session)))
        return
    maturity = plf_levels(session)
    workspace = session.workspace
    teams = saved_teams(workspace.get(TEAMS_PATH, []) if workspace else [])
    reason = str(workspace.get(REASON_PATH, "") if workspace else "")
    whole_school = str(workspace.get(LEVEL_PATH, "") if workspace else "")
    names = {level.id: level.name for level in maturity.levels}
    options = [("Vælg niveau", NOT_CHOSEN)] + [(level.name, level.id) for level in maturity.levels]
    rows: list[tuple[widgets.Text, widgets.Dropdown, widgets.HBox]] = []
    box = widgets.VBox()
    summary = widgets.HTML()
    message = widgets.HTML()

    def saved(path: str, value: object) -> None:
        problem = session.save(path, value)
        message.value = callout_html(problem, "advarsel") if problem else ""

    def save_teams() -> None:
        value = [{"team": name.value.strip(), "niveau": level.value} for name, level, _ in rows
                 if name.value.strip() or level.value]
        summary.value = f"<p>{teams_summary(value, maturity.levels)}</p>" if value else ""
        saved(TEAMS_PATH, value)

    def add_row(team: str = "", level: str = NOT_CHOSEN) -> None:
        name = widgets.Text(value=team, placeholder="Teamets navn, fx 4.–6. årgang", layout=widgets.Layout(width="260px"))
        picker = widgets.Dropdown(options=options, value=level if level in names else NOT_CHOSEN,
                                  layout=widgets.Layout(width="260px"))
        remove = widgets.Button(description="Fjern", layout=widgets.Layout(width="80px"))
        row = (name, picker, widgets.HBox([name, picker, remove]))
        rows.append(row)

        def removed(_: object) -> None:
            rows.remove(row)
            box.children = tuple(r[2] for r in rows)
            save_teams()

        name.observe(lambda _: save_teams(), names="value")
        picker.observe(lambda _: save_teams(), names="value")
        remove.on_click(removed)
        box.children = tuple(r[2] for r in rows)

    for team in teams:
        add_row(team["team"], team["niveau"])
    if not teams:
        add_row()
    summary.value = f"<p>{teams_summary(teams, maturity.levels)}</p>" if teams else ""
    add = widgets.Button(description="Tilføj et team", icon="plus", layout=widgets.Layout(width="160px"))
    add.on_click(lambda _: add_row())
    why = widgets.Textarea(value=reason, placeholder="Hvad ser I hos teamene, der peger på netop de niveauer?",
                           layout=widgets.Layout(width="95%", height="70px"))
    why.observe(lambda change: saved(REASON_PATH, change["new"]), names="value")
    earlier = (callout_html(f"Ved et tidligere laboratorium blev skolen som helhed placeret på »{names[whole_school]}«. "
                            "Niveauerne beskriver teams: placér hvert team for sig.", "info")
               if whole_school in names and not teams else "")
    display(widgets.VBox([widgets.HTML(plf_levels_html(maturity, note=not earlier) + earlier), box, add, summary,
                          why, message]))
