"""Notebook 3: the indsatsteori for each chosen focus area, saved field by field as the team types.

The fields follow the Danish guides' order: problem and long-term goal first, then working
backwards through results to activities, with assumptions on each link and signs that show it works.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
from IPython.display import HTML, display

from labkit.data.indsatsteori import (
    ASSUMPTIONS,
    ASSUMPTIONS_LABEL,
    DIMENSION_SOURCE,
    EVALUATION,
    EVALUATION_LABEL,
    FIELDS,
    OWN_OBSERVATION,
    RESULT_LEVEL_NAMES,
    RESULT_LEVELS,
    SIGN_LABELS,
    SIGNS_LABEL,
    Tegn,
    completeness,
    indicator_source,
    new_sign_id,
    prefill_baseline,
    source_label,
    with_sign_ids,
)
from labkit.data.kvalitet_schema import LEVEL_SCHOOL
from labkit.figures.indsatsteori import draw_indsatsteori
from labkit.views.display import callout_html, figure_png
from labkit.views.indsatsomraader import chosen_areas
from labkit.views.indsatsteori import load_theory, render_theory_static, theory_path
from labkit.workspace.session import Session

# Taller boxes where teams write more; the rest get the default.
FIELD_HEIGHTS = {"problem": "80px", "aktiviteter": "80px"}
SIGN_WIDTHS = (("beskrivelse", "220px"), ("baseline", "110px"), ("maal", "90px"), ("hvornaar", "110px"))


def source_options(session: Session) -> list[tuple[str, str]]:
    """Where a sign's data can come from: the school's indicators (whole school and per
    Klassetringruppe, so a baseline can be filled from the right figure), kapacitet dimensions, own eyes."""
    lab = session.lab
    table = lab.kvalitet
    own = table[(table["school_id"] == session.school_id) & (table["level"] == LEVEL_SCHOOL)]
    groups = own.groupby("indicator")["group"].unique()
    sources = [OWN_OBSERVATION]
    for indicator in lab.catalogue.indicators:
        if indicator.id in groups.index:
            sources += [indicator_source(indicator.id, group)
                        for group in sorted(groups[indicator.id], key=lambda g: (g != "", g))]
    if lab.kapacitet is not None:
        sources += [f"{DIMENSION_SOURCE}{d.id}" for d in lab.instrument.dimensions]
    options = [(source_label(Tegn(kilde=source), lab.catalogue, lab.instrument), source) for source in sources]
    return options


def _text_widget(session: Session, path: str, label: str, placeholder: str, lines: bool,
                 height: str, changed: Callable[[str | None], None]) -> widgets.Textarea:
    saved = session.workspace.get(path, [] if lines else "") if session.workspace else ""
    value = "\n".join(saved) if isinstance(saved, list) else str(saved or "")
    area = widgets.Textarea(value=value, placeholder=placeholder, description=label,
                            layout=widgets.Layout(width="98%", height=height),
                            style={"description_width": "170px"})

    def typed(change: dict) -> None:
        new = [line.strip() for line in change["new"].splitlines() if line.strip()] if lines else change["new"]
        changed(session.save(path, new))

    area.observe(typed, names="value")
    return area


def _signs_editor(session: Session, area_id: str, changed: Callable[[str | None], None]) -> widgets.Widget:

    path = theory_path(area_id, "indikatorer")
    # Ids before any change: a removed sign must not pass its observations on to the next one.
    signs: list[dict] = with_sign_ids(list(session.workspace.get(path, []) if session.workspace else []))
    box = widgets.VBox()
    options = source_options(session)

    def save() -> None:
        changed(session.save(path, [dict(s) for s in signs]))

    def row(index: int) -> widgets.Widget:
        sign = signs[index]
        saved_source = str(sign.get("kilde") or OWN_OBSERVATION)
        # A source saved earlier that this data no longer offers stays visible rather than being swapped.
        row_options = options if saved_source in {v for _, v in options} else [
            *options, ((f"{source_label(Tegn(kilde=saved_source), session.lab.catalogue, session.lab.instrument)} "
                       "(gemt tidligere)"), saved_source)]
        source = widgets.Dropdown(options=row_options, value=saved_source, layout=widgets.Layout(width="260px"))
        level = widgets.Dropdown(options=[(RESULT_LEVEL_NAMES[key], key) for key in RESULT_LEVELS],
                                 value=sign.get("resultat_niveau") or "kortsigtede",
                                 layout=widgets.Layout(width="140px"))
        texts = {key: widgets.Text(value=str(sign.get(key) or ""), placeholder=label,
                                   layout=widgets.Layout(width=width)) for key, width in SIGN_WIDTHS
                 for label in (SIGN_LABELS[key],)}
        remove = widgets.Button(description="Fjern", layout=widgets.Layout(width="70px"))

        def source_changed(change: dict) -> None:
            sign["kilde"] = change["new"]
            if not sign.get("baseline"):
                filled, note = prefill_baseline(Tegn.from_dict(sign), session.lab.kvalitet, session.school_id)
                sign.update({"baseline": filled.baseline, "baseline_aar": filled.baseline_aar})
                texts["baseline"].value = str(filled.baseline or "")
                if note:
                    changed(note)
            save()

        def text_changed(change: dict, key: str) -> None:
            sign[key] = change["new"]
            save()

        def level_changed(change: dict) -> None:
            sign["resultat_niveau"] = change["new"]
            save()

        def removed(_: widgets.Button) -> None:
            signs.pop(index)
            save()
            redraw()

        source.observe(source_changed, names="value")
        level.observe(level_changed, names="value")
        for key, text in texts.items():
            text.observe(lambda change, key=key: text_changed(change, key), names="value")
        remove.on_click(removed)
        # Wraps on a narrow screen (1366 px with the side panel open) instead of hiding »Fjern«.
        return widgets.HBox([source, *texts.values(), level, remove],
                            layout=widgets.Layout(flex_flow="row wrap", align_items="center"))

    add = widgets.Button(description="Tilføj tegn", icon="plus")

    def added(_: widgets.Button) -> None:
        signs.append({"kilde": OWN_OBSERVATION, "beskrivelse": "", "baseline": "", "maal": "",
                      "hvornaar": "", "resultat_niveau": "kortsigtede", "id": new_sign_id()})
        save()
        redraw()

    def redraw() -> None:
        box.children = [widgets.HTML(f"<strong>{SIGNS_LABEL}</strong> (kilde, "
                                     "baseline, mål og hvornår)"), *[row(i) for i in range(len(signs))], add]

    add.on_click(added)
    redraw()
    return box


def theory_form(session: Session, area_id: str, label: str) -> widgets.Widget:
    """The form for one focus area's indsatsteori (notebooks 3 and 5); every change is saved at once."""
    message = widgets.HTML()
    hints = widgets.HTML()
    diagram = widgets.Image(format="png")

    def refresh(problem: str | None = None) -> None:
        theory = load_theory(session, area_id, label)
        diagram.value = figure_png(draw_indsatsteori(theory), dpi=80)
        missing = completeness(theory)
        hints.value = callout_html("\n".join(missing[:3]), "info", "Næste skridt") if missing else ""
        message.value = callout_html(problem, "advarsel") if problem else ""

    fields = [_text_widget(session, theory_path(area_id, f.key), f.label, f.placeholder, f.lines,
                           FIELD_HEIGHTS.get(f.key, "60px"), refresh) for f in FIELDS]
    assumptions = [_text_widget(session, theory_path(area_id, "antagelser", key), text,
                                "Hvorfor fører det ene til det andet?", False, "50px", refresh)
                   for key, text in ASSUMPTIONS]
    evaluation = [_text_widget(session, theory_path(area_id, "evaluering", key), text, "", False, "40px", refresh)
                  for key, text in EVALUATION]
    refresh()
    return widgets.VBox([
        message, hints, *fields, widgets.HTML(f"<strong>{ASSUMPTIONS_LABEL}</strong>"), *assumptions,
        _signs_editor(session, area_id, refresh), widgets.HTML(f"<strong>{EVALUATION_LABEL}</strong>"), *evaluation,
        widgets.HTML("<strong>Diagram</strong> (opdateres, mens I skriver)"), diagram,
    ])


def render_theories(session: Session) -> None:
    areas = chosen_areas(session)
    if not areas:
        display(HTML(callout_html(f"Vælg først 1–3 indsatsområder {session.step_ref('2_indsatsomraader')}. "
                                  f"{session.reopen_hint}", "info")))
        return
    if not session.interactive:
        for area in areas:
            render_theory_static(session, area.id, area.title)
        return
    tabs = widgets.Tab(children=[theory_form(session, area.id, area.title) for area in areas])
    for index, area in enumerate(areas):
        tabs.set_title(index, area.title)
    display(tabs)


