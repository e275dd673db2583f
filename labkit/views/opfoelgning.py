"""The follow-up as the handout and papermill runs show it: each sign against the figures since its
baseline, the team's observations and what changed in the theory since the previous lab."""

from __future__ import annotations

import dataclasses
import math

from IPython.display import HTML, display
from matplotlib.figure import Figure

from labkit.analysis.kvalitet import indicator_series
from labkit.analysis.opfoelgning import (
    IMPROVED,
    NO_NEW_FIGURES,
    OWN_ASSESSMENT,
    WORSENED,
    SignFollowUp,
    follow_up,
    notes_path,
    observation_path,
    snapshot_path,
    theory_changes,
)
from labkit.data.indsatsteori import Indsatsteori
from labkit.figures.common import THEME, message_figure
from labkit.figures.kvalitet import indicator_trend
from labkit.numbers import format_number
from labkit.views.display import bullet_html, callout_html, escape, show_callout, show_figure
from labkit.views.indsatsomraader import chosen_areas
from labkit.views.indsatsteori import load_theory
from labkit.views.kvalitet import finding
from labkit.workspace.session import Session

CALLOUT_KINDS = {IMPROVED: "ok", WORSENED: "advarsel"}


def has_theory(session: Session, area_id: str) -> bool:
    stored = session.workspace.get(("indsatsteorier", area_id), {}) if session.workspace else {}
    return bool(stored) and isinstance(stored, dict)


def previous_theory(session: Session, area_id: str) -> Indsatsteori | None:
    """The theory as the previous lab left it (this lab's snapshot), or None if there is none."""
    saved = session.workspace.get(snapshot_path(session.lab.config.lab_name, area_id)) if session.workspace else None
    return Indsatsteori.from_dict(saved) if isinstance(saved, dict) else None


def area_follow_up(session: Session, area_id: str, label: str) -> tuple[Indsatsteori, list[SignFollowUp]]:

    theory = load_theory(session, area_id, label)
    return theory, follow_up(theory, session.lab.kvalitet, session.lab.catalogue, session.school_id or "")


def followup_figure(session: Session, item: SignFollowUp) -> Figure:
    """The indicator over the years (with n and hidden years marked) and the team's target as a line."""
    indicator = session.lab.catalogue[item.indicator_id or ""]
    if item.target is not None:
        indicator = dataclasses.replace(indicator, target=None)  # the team's target replaces the catalogue's

    found = finding(session, indicator.id, item.group)
    if found is None:

        return message_figure(indicator.name, "Der er ingen tal for skolen.")
    series = indicator_series(session.lab.kvalitet, session.school_id or "", found)
    figure = indicator_trend(series, indicator, session.school_name, item.group)
    if item.target is not None and figure.axes:
        axes = figure.axes[0]
        low, high = axes.get_ylim()
        if not low <= item.target <= high:
            axes.set_ylim(min(low, item.target - 0.05 * (high - low)), max(high, item.target + 0.05 * (high - low)))
        axes.axhline(item.target, color=THEME["target"], linestyle=(0, (6, 2, 1, 2)), linewidth=1.3, zorder=3)
        unit = " %" if indicator.unit == "%" else ""
        axes.annotate(f"Teamets mål: {format_number(item.target, indicator.decimals)}{unit}", (1.0, item.target),
                      xycoords=("axes fraction", "data"), xytext=(-4, 3), textcoords="offset points",
                      ha="right", va="bottom", fontsize=7.5, color=THEME["target"])
    return figure


def table_html(items: list[SignFollowUp]) -> str:
    def number(value: float, decimals: int = 1) -> str:
        return format_number(value, decimals) if math.isfinite(value) else "–"

    rows = []
    for item in items:
        latest = f"{number(item.latest)} ({item.latest_year})" if math.isfinite(item.latest) else (
            "ikke offentliggjort" if item.verdict == "ikke_offentliggjort" else "–")
        baseline = item.sign.baseline or (number(item.baseline) if math.isfinite(item.baseline) else "–")
        rows.append(f"<tr><td>{escape(item.sign.beskrivelse or '(uden beskrivelse)')}</td>"
                    f"<td>{escape(baseline)}{escape(f' ({item.baseline_year})' if item.baseline_year else '')}</td>"
                    f"<td>{escape(latest)}</td><td class='tal'>{escape(number(item.n, 0))}</td>"
                    f"<td>{escape(item.sign.maal or '–')}</td><td>{escape(item.verdict_words)}</td></tr>")
    return ("<table class='labkit-tabel'><thead><tr><th>Tegn</th><th>Baseline</th><th>Seneste tal</th><th>n</th>"
            "<th>Mål</th><th>Vurdering</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def changes_html(session: Session, area_id: str, theory: Indsatsteori) -> str:
    before = previous_theory(session, area_id)
    lab = session.lab.config.lab_name
    if before is None:
        return callout_html(f"Der er ingen gemt udgave af indsatsteorien fra før {lab}, så ændringerne kan ikke "
                            f"vises endnu. Den gemmes, når opfølgningen ({session.step_ref('5_opfoelgning')}) åbnes første gang.", "info")
    lines = theory_changes(before, theory)
    if not lines:
        return f"<p>Indsatsteorien er ikke ændret siden forrige læringslab (før {escape(lab)}).</p>"
    return f"<p>Ændret siden forrige læringslab (før {escape(lab)}):</p>" + bullet_html(lines)


def saved_text(session: Session, path: tuple[str, ...]) -> str:
    value = session.workspace.get(path, "") if session.workspace else ""
    return str(value or "").strip()


def render_area_static(session: Session, area_id: str, label: str, figures: bool = True) -> None:
    """One theory's follow-up as text (and figures): for papermill runs and handouts."""
    theory, items = area_follow_up(session, area_id, label)
    lab = session.lab.config.lab_name
    parts = [f"<h3>{escape(label)}</h3>"]
    if not items:
        parts.append(callout_html("Indsatsteorien har ingen tegn på virkning at følge op på.", "info"))
    else:
        parts.append(table_html(items))
    display(HTML("".join(parts)))
    for item in items:
        show_callout(item.text, CALLOUT_KINDS.get(item.verdict, "info"),
                     item.sign.beskrivelse or "Tegn uden beskrivelse")
        observed = saved_text(session, observation_path(lab, area_id, item.key))
        if observed:
            display(HTML(f"<p><strong>Teamets observationer:</strong> "
                         f"{escape(observed).replace(chr(10), '<br>')}</p>"))
        if figures and item.indicator_id and item.indicator_id in {i.id for i in session.lab.catalogue.indicators}:
            show_figure(followup_figure(session, item))
    notes = saved_text(session, notes_path(lab, area_id))
    if notes:
        display(HTML(f"<p><strong>Teamets noter til opfølgningen:</strong> {escape(notes).replace(chr(10), '<br>')}</p>"))
    display(HTML("<h4>Ændringer i indsatsteorien</h4>" + changes_html(session, area_id, theory)))


def areas_with_theory(session: Session) -> list[tuple[str, str]]:
    """(id, title) of the chosen focus areas the team has written a theory for."""
    return [(area.id, area.title) for area in chosen_areas(session) if has_theory(session, area.id)]


def render_followup_handout(session: Session) -> None:
    """The handout's follow-up section: verdicts, observations and changes, or a short note."""
    areas = areas_with_theory(session)
    if not areas:
        show_callout("Teamet har endnu ingen gemt indsatsteori at følge op på.", "info")
        return
    # Before a later lab there is nothing to follow up: figures are not newer than the baseline, and
    # the team has had no time to observe its own signs (asking for observations would be noise).
    followed = [(area_id, label) for area_id, label in areas
                if previous_theory(session, area_id) is not None
                or any(item.verdict not in (NO_NEW_FIGURES, OWN_ASSESSMENT)
                       for item in area_follow_up(session, area_id, label)[1])]
    if not followed:
        show_callout("Der er ingen tidligere læringslab og ingen nye tal siden baseline endnu. Opfølgningen på "
                     "indsatsteorien kommer på næste læringslab.", "info")
        return
    for area_id, label in followed:
        render_area_static(session, area_id, label, figures=False)
