"""Notebook 3: the indsatsteori for each chosen focus area, saved field by field as the team types.

The fields follow the Danish guides' order: problem and long-term goal first, then working
backwards through results to activities, with assumptions on each link and signs that show it works.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as widgets
from IPython.display import HTML, display

from labkit.data.indsatsteori import (
    DIMENSION_SOURCE,
    OWN_OBSERVATION,
    RESULT_LEVELS,
    FocusArea,
    Tegn,
    indicator_source,
    source_label,
)
from labkit.data.kvalitet import LEVEL_SCHOOL
from labkit.views.display import callout_html, escape, figure_png, show_figure
from labkit.workspace.session import Session

LINES = "linjer"  # a field holding one item per line


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    placeholder: str
    kind: str = "tekst"
    height: str = "60px"


FIELDS = (
    Field("problem", "Problem", "Hvad er udfordringen, og hvad i jeres data viser den?", height="80px"),
    Field("maalgruppe", "Målgruppe", "Hvilke elever, klasser eller medarbejdere handler det om?"),
    Field("langsigtet_maal", "Langsigtet mål", "Hvad skal være anderledes for eleverne om 2–3 år?"),
    Field("langsigtede_resultater", "Langsigtede resultater", "Én pr. linje", LINES),
    Field("mellemlange_resultater", "Mellemlange resultater", "Én pr. linje – fx om et år", LINES),
    Field("kortsigtede_resultater", "Kortsigtede resultater", "Én pr. linje – fx efter 3 måneder", LINES),
    Field("aktiviteter", "Aktiviteter", "Hvad gør I? Én aktivitet pr. linje", LINES, "80px"),
    Field("ressourcer", "Ressourcer", "Tid, personer, kompetencer … Én pr. linje", LINES),
    Field("kontekst", "Kontekst", "Hvad i skolens situation kan hjælpe eller stå i vejen?"),
)
ASSUMPTIONS = (
    ("aktiviteter_til_kortsigtede", "Antagelse: aktiviteter → kortsigtede resultater"),
    ("kortsigtede_til_mellemlange", "Antagelse: kortsigtede → mellemlange resultater"),
    ("mellemlange_til_langsigtede", "Antagelse: mellemlange → langsigtede resultater"),
)
EVALUATION = (("hvordan", "Hvordan evaluerer I?"), ("hvornaar", "Hvornår?"), ("hvem", "Hvem gør det?"))
SIGN_COLUMNS = (("beskrivelse", "Tegn", "220px"), ("baseline", "Baseline", "110px"),
                ("maal", "Mål", "90px"), ("hvornaar", "Hvornår", "110px"))
RESULT_LEVEL_NAMES = {"kortsigtede": "Kort sigt", "mellemlange": "Mellemlang sigt", "langsigtede": "Lang sigt"}


def theory_path(area_id: str, *keys: str) -> str:
    return "/".join(("indsatsteorier", area_id, *keys))


def chosen_areas(session: Session) -> list[tuple[str, str]]:
    """(id, label) of the focus areas the team chose in notebook 2."""
    from labkit.workshop.indsatsomraader import school_candidates

    chosen = session.workspace.get("indsatsomraader/valgte", []) if session.workspace else []
    labels = {c.id: c.label for c in school_candidates(session)}
    return [(area_id, labels.get(area_id, area_id)) for area_id in chosen]


def load_theory(session: Session, area_id: str, label: str):  # -> Indsatsteori
    from labkit.data.indsatsteori import Indsatsteori

    stored = session.workspace.get(theory_path(area_id), {}) if session.workspace else {}
    theory = Indsatsteori.from_dict(stored or {})
    if not theory.focus_area:
        theory.focus_area = FocusArea(area_id, label)
    return theory


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
    from labkit.data.indsatsteori import new_sign_id, prefill_baseline, with_sign_ids

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
                                   layout=widgets.Layout(width=width)) for key, label, width in SIGN_COLUMNS}
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
        return widgets.HBox([source, *texts.values(), level, remove])

    add = widgets.Button(description="Tilføj tegn", icon="plus")

    def added(_: widgets.Button) -> None:
        signs.append({"kilde": OWN_OBSERVATION, "beskrivelse": "", "baseline": "", "maal": "",
                      "hvornaar": "", "resultat_niveau": "kortsigtede", "id": new_sign_id()})
        save()
        redraw()

    def redraw() -> None:
        box.children = [widgets.HTML("<strong>Tegn på, at det virker</strong> (indikatorer: kilde, "
                                     "baseline, mål og hvornår)"), *[row(i) for i in range(len(signs))], add]

    add.on_click(added)
    redraw()
    return box


def theory_form(session: Session, area_id: str, label: str) -> widgets.Widget:
    """The form for one focus area's indsatsteori (notebooks 3 and 5); every change is saved at once."""
    from labkit.data.indsatsteori import completeness
    from labkit.figures.indsatsteori import draw_indsatsteori

    message = widgets.HTML()
    hints = widgets.HTML()
    diagram = widgets.Image(format="png")

    def refresh(problem: str | None = None) -> None:
        theory = load_theory(session, area_id, label)
        diagram.value = figure_png(draw_indsatsteori(theory), dpi=80)
        missing = completeness(theory)
        hints.value = callout_html("\n".join(missing[:3]), "info", "Næste skridt") if missing else ""
        message.value = callout_html(problem, "advarsel") if problem else ""

    fields = [_text_widget(session, theory_path(area_id, f.key), f.label, f.placeholder, f.kind == LINES,
                           f.height, refresh) for f in FIELDS]
    assumptions = [_text_widget(session, theory_path(area_id, "antagelser", key), text,
                                "Hvorfor fører det ene til det andet?", False, "50px", refresh)
                   for key, text in ASSUMPTIONS]
    evaluation = [_text_widget(session, theory_path(area_id, "evaluering", key), text, "", False, "40px", refresh)
                  for key, text in EVALUATION]
    refresh()
    return widgets.VBox([
        message, hints, *fields, widgets.HTML("<strong>Antagelser</strong>"), *assumptions,
        _signs_editor(session, area_id, refresh), widgets.HTML("<strong>Evaluering</strong>"), *evaluation,
        widgets.HTML("<strong>Diagram</strong> (opdateres, mens I skriver)"), diagram,
    ])


def render_theories(session: Session) -> None:
    areas = chosen_areas(session)
    if not areas:
        display(HTML(callout_html("Vælg først 1–3 indsatsområder i notesbog 2. Kør derefter denne "
                                  "notesbog igen.", "info")))
        return
    if not session.interactive:
        for area_id, label in areas:
            render_theory_static(session, area_id, label)
        return
    tabs = widgets.Tab(children=[theory_form(session, area_id, label) for area_id, label in areas])
    for index, (_, label) in enumerate(areas):
        tabs.set_title(index, label)
    display(tabs)


def render_theory_static(session: Session, area_id: str, label: str) -> None:
    """The theory as text, signs table and diagram (for handouts and papermill runs)."""
    from labkit.figures.indsatsteori import draw_indsatsteori

    theory = load_theory(session, area_id, label)
    stored = session.workspace.get(theory_path(area_id), {}) if session.workspace else {}
    stored = stored if isinstance(stored, dict) else {}

    def paragraph(title: str, value: object) -> str:
        text = "\n".join(str(v) for v in value) if isinstance(value, list) else str(value or "")
        shown = escape(text).replace(chr(10), "<br>") if text.strip() else "<em class='tom'>(ikke udfyldt)</em>"
        return f"<p><strong>{escape(title)}:</strong> {shown}</p>"

    parts = [f"<h3>{escape(label)}</h3>"]
    parts += [paragraph(field.label, stored.get(field.key)) for field in FIELDS]
    assumptions = stored["antagelser"] if isinstance(stored.get("antagelser"), dict) else {}
    parts += [paragraph(text, assumptions.get(key)) for key, text in ASSUMPTIONS]
    if theory.indikatorer:
        rows = "".join(
            f"<tr><td>{escape(sign.beskrivelse)}</td><td>{escape(source_label(sign, session.lab.catalogue, session.lab.instrument))}</td>"
            f"<td>{escape(sign.baseline)}{escape(f' ({sign.baseline_aar})' if sign.baseline_aar else '')}</td>"
            f"<td>{escape(sign.maal)}</td><td>{escape(sign.hvornaar)}</td>"
            f"<td>{escape(RESULT_LEVEL_NAMES.get(sign.resultat_niveau, sign.resultat_niveau))}</td></tr>"
            for sign in theory.indikatorer)
        parts.append("<h4>Tegn på, at det virker</h4><table class='labkit-tabel'><thead><tr><th>Tegn</th>"
                     "<th>Kilde</th><th>Baseline</th><th>Mål</th><th>Hvornår</th><th>Niveau</th></tr></thead>"
                     f"<tbody>{rows}</tbody></table>")
    evaluation = stored["evaluering"] if isinstance(stored.get("evaluering"), dict) else {}
    parts += [paragraph(text, evaluation.get(key)) for key, text in EVALUATION]
    display(HTML("".join(parts)))
    show_figure(draw_indsatsteori(theory))
