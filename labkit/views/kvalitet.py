"""The kvalitetsrapport as the team and the handout see it: trend figures with their verdicts, the
funnel, the indicator table, the data summary and the facilitator's overview.

Static views only (HTML and figures), shared by the notebooks' widgets and the handout; every verdict
comes from the engine's `Finding`, so text, table and figure say the same.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from labkit.analysis.findings import Finding, describe_value, development_word, level_word
from labkit.analysis.kvalitet import facilitator_overview, funnel_data, indicator_series
from labkit.analysis.summary import Summary, data_summary
from labkit.analysis.verdicts import table_verdicts
from labkit.data.kvalitet_schema import LEVEL_SCHOOL
from labkit.figures.common import message_figure
from labkit.figures.kvalitet import funnel_plot, indicator_trend, overview_heatmap
from labkit.views.display import bullet_html, callout_html, escape, show_callout, show_figure
from labkit.workspace.session import Session


def school_indicators(session: Session) -> list[tuple[str, str]]:
    """(indicator id, group) pairs with at least one figure for the school, in catalogue order."""
    table = session.lab.kvalitet
    rows = table.loc[(table["school_id"] == session.school_id) & (table["level"] == LEVEL_SCHOOL)]
    present = set(zip(rows["indicator"], rows["group"]))
    return [(i.id, group) for i in session.lab.catalogue.indicators
            for group in sorted({g for ind, g in present if ind == i.id})]


def finding(session: Session, indicator_id: str, group: str) -> Finding | None:
    """The verdict engine's finding for the session's school (None: no figures for it)."""
    verdicts = table_verdicts(session.lab.kvalitet, session.lab.catalogue)
    return verdicts.get(session.school_id or "", indicator_id, group)


def trend_figure(session: Session, indicator_id: str, group: str) -> tuple[Figure, str]:
    """The trend figure and the plain-Danish verdicts for one indicator, both from the same finding."""
    indicator = session.lab.catalogue[indicator_id]
    found = finding(session, indicator_id, group)
    if found is None:

        return message_figure(indicator.name, "Der er ingen tal for skolen."), ""
    series = indicator_series(session.lab.kvalitet, session.school_id or "", found)
    figure = indicator_trend(series, indicator, session.school_name, group,
                             session.lab.catalogue.breaks_of(indicator.id))
    return figure, found.sentences


def funnel_figure(session: Session, indicator_id: str, group: str) -> Figure:

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


def render_overview(session: Session) -> None:

    overview = facilitator_overview(session.lab.kvalitet, session.lab.config, session.lab.catalogue)
    if overview.empty:
        show_callout("Der er ingen tal at vise.", "info")
        return
    show_figure(overview_heatmap(overview))
    if not session.lab.config.show_school_names:
        show_callout("Skolerne er anonyme (Skole A, B, …). Hver skole kender kun sit eget bogstav fra "
                     "facilitatoren.", "info")


def summary_statements(session: Session) -> Summary:
    """The school's data summary, computed once per session."""
    return session.memo("data_summary", lambda: data_summary(session.lab, session.school_id or ""))


SUMMARY_GROUPS = (("Styrker", "strengths", "ok"), ("Bekymringer", "concerns", "advarsel"),
                  ("Usikkert", "uncertain", "info"))
AGREEMENT = (("", "–"), ("enig", "Enig"), ("uenig", "Uenig"))
AGREEMENT_WORDS = {"enig": "teamet er enigt", "uenig": "teamet er uenigt"}


def summary_path(statement_id: str) -> str:
    """Where the team's view of one summary statement is saved in the workspace."""
    return f"datasummary/{statement_id}"


def summary_html(session: Session) -> str:
    """The summary with what the team said about each statement: agreement and comment."""
    summary = summary_statements(session)
    parts = []
    for title, attribute, _ in SUMMARY_GROUPS:
        statements = getattr(summary, attribute)
        if not statements:
            continue
        lines = []
        for statement in statements:
            saved = session.workspace.get(summary_path(statement.id), {}) if session.workspace else {}
            saved = saved if isinstance(saved, dict) else {}
            said = [AGREEMENT_WORDS.get(str(saved.get("enig", "")), ""), str(saved.get("kommentar", "") or "").strip()]
            said = [part for part in said if part]
            lines.append(statement.text + (f" ({'; '.join(said)})" if said else ""))
        parts.append(f"<h4>{escape(title)}</h4>{bullet_html(lines)}")
    return "".join(parts)


def overview_table_html(session: Session) -> str:
    """Every indicator the school has: latest figure, kommune, land, level and development, in one table."""
    findings = table_verdicts(session.lab.kvalitet, session.lab.catalogue).for_school(session.school_id or "")
    rows = []
    for found in findings:
        indicator = found.indicator
        if indicator.is_categorical:
            continue
        numbers = [describe_value(found.value, indicator) if found.latest_year else "ikke offentliggjort",
                   describe_value(found.kommune, indicator), describe_value(found.land, indicator)]
        rows.append(f"<tr><td>{escape(found.label)}</td><td>{escape(found.latest_year or '–')}</td>"
                    + "".join(f"<td class='tal'>{escape(number)}</td>" for number in numbers)
                    + f"<td>{escape(level_word(found.level))}</td>"
                    + f"<td>{escape(development_word(found.development))}</td></tr>")
    if not rows:
        return callout_html("Der er ingen kvalitetsrapport-tal for skolen.", "advarsel")
    return ("<table class='labkit-tabel'><thead><tr><th>Indikator</th><th>Seneste år</th><th>Skolen</th>"
            "<th>Kommunen</th><th>Landet</th><th>Niveau</th><th>Udvikling</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")
