"""Notebook 3: the indsatsteori for each chosen focus area, saved field by field as the team types.

The form follows the Danish guides' order: problem and long-term goal first, then backwards through
the results (whose change: the adults' practice or the pupils') to the activities (who, when, and
which result each should lead to, and why), then what the work needs, what could stop it, and the
signs that show whether the activities happen and whether they work. The diagram stands beside the
form and is redrawn at every change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import ipywidgets as widgets
from IPython.display import HTML, display

from labkit.data.agenda import STEP_TITLES
from labkit.data.indsatsteori import (
    ACTIVITIES_LABEL,
    ACTIVITY_LABELS,
    DIMENSION_SOURCE,
    EVALUATION,
    EVALUATION_LABEL,
    GOAL_ID,
    IMPLEMENTATION,
    LEAD_FIELDS,
    OLD_LINK_NAMES,
    OUTCOME,
    OWN_OBSERVATION,
    RESULT_GROUPS,
    RESULT_LABELS,
    RESULT_LEVEL_HINTS,
    RESULT_LEVEL_NAMES,
    RESULT_LEVELS,
    RESULTS_LABEL,
    SIGN_KINDS,
    SIGN_LABELS,
    SIGNS_LABEL,
    TAIL_FIELDS,
    Aktivitet,
    Field,
    Indsatsteori,
    Resultat,
    Tegn,
    completeness,
    default_level,
    if_then,
    indicator_source,
    is_version_1,
    item_numbers,
    migrated,
    new_item_id,
    prefill_baseline,
    source_label,
    with_sign_ids,
)
from labkit.data.kvalitet_schema import LEVEL_SCHOOL
from labkit.figures.indsatsteori import draw_indsatsteori
from labkit.views.display import callout_html, escape, figure_svg_img_html
from labkit.views.indsatsomraader import chosen_areas
from labkit.views.indsatsteori import load_theory, render_theory_static, theory_path
from labkit.workspace.session import Session

# Taller boxes where teams write more; the rest get the default.
FIELD_HEIGHTS = {"problem": "80px"}
# The form and the diagram side by side; the diagram stays in view while the form scrolls. JupyterLab
# and Voilà put `overflow: auto` on output areas and tab panels, which would pin the diagram to its
# box: `:has()` lets the page scroll them instead (Chromium 105+, Firefox 121+, Safari 15.4+).
LAYOUT_CSS = """<style>
.labkit-teori { display: flex; flex-flow: row wrap; gap: 12px; align-items: flex-start; }
.labkit-teori-form { flex: 1 1 460px; min-width: 0; }
.labkit-teori-diagram { flex: 1 1 420px; max-width: 640px; position: sticky; top: 4px; max-height: 96vh;
  overflow-y: auto; background: #fff; z-index: 2; }
.labkit-teori-diagram img { width: 100%; height: auto; max-height: calc(100vh - 60px); object-fit: contain;
  object-position: left top; }
.labkit-item { border-left: 3px solid #c9d6e8; padding: 2px 0 6px 8px; margin: 4px 0 8px 0; }
.labkit-hvis { color: #333; font-style: italic; margin: 2px 0 0 0; line-height: 1.35; }
:is(.jp-OutputArea-output, .widget-tab-contents, .lm-TabPanel-stackedPanel, .jp-Cell-outputWrapper,
  .jp-Cell-outputArea, .jp-OutputArea, .jp-OutputArea-child, .widget-box):has(.labkit-teori-diagram) {
  overflow: visible !important; }
</style>"""


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
    return [(source_label(Tegn(kilde=source), lab.catalogue, lab.instrument), source) for source in sources]


def _text_widget(session: Session, path: str, field: Field, changed: Callable[[str | None], None],
                 label: str | None = None, height: str = "60px") -> widgets.Textarea:
    saved = session.workspace.get(path, [] if field.lines else "") if session.workspace else ""
    value = "\n".join(saved) if isinstance(saved, list) else str(saved or "")
    area = widgets.Textarea(value=value, placeholder=field.placeholder, description=label or field.label,
                            layout=widgets.Layout(width="98%", height=FIELD_HEIGHTS.get(field.key, height)),
                            style={"description_width": "150px"})

    def typed(change: dict) -> None:
        new = [line.strip() for line in change["new"].splitlines() if line.strip()] if field.lines else change["new"]
        changed(session.save(path, new))

    area.observe(typed, names="value")
    return area


def horizon_options() -> list[tuple[str, str]]:
    """The three horizons with a hint of how far off each is, for results and loose signs alike."""
    return [(f"{RESULT_LEVEL_NAMES[k]} ({RESULT_LEVEL_HINTS[k]})", k) for k in RESULT_LEVELS]


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class _ItemList:
    """An editable list of dicts saved whole under one workspace path (activities, results, signs).

    Each row edits its dict in place and saves the list; rows are rebuilt only when one is added or
    removed. `targets()` gives the dropdown choices that name other items; `retarget()` refreshes
    them in every row when those items change, without saving anything.
    """

    def __init__(self, session: Session, path: str, changed: Callable[[str | None], None],
                 row: Callable[[_ItemList, dict[str, Any]], list[widgets.Widget]], heading: str,
                 add_label: str, new_item: Callable[[], dict[str, Any]],
                 normalise: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]) -> None:
        self.session, self.path, self.changed, self.row = session, path, changed, row
        stored = session.workspace.get(path, []) if session.workspace else []
        # Every key the row edits is there with a valid value (older or hand-edited files may lack some).
        self.items = normalise([dict(item) for item in stored if isinstance(item, dict)] if isinstance(stored, list)
                               else [])
        self.target_dropdowns: list[tuple[widgets.Dropdown, Callable[[], list[tuple[str, str]]]]] = []
        self.quiet = False
        # The »Hvis …, så …, fordi …« line under each row, refreshed with the diagram.
        self.lines: list[tuple[widgets.HTML, dict[str, Any]]] = []
        self.headers: list[tuple[widgets.HTML, dict[str, Any]]] = []
        add = widgets.Button(description=add_label, icon="plus")
        add.on_click(lambda _: self.add(new_item()))
        self.heading = widgets.HTML(heading)
        self.rows = widgets.VBox()
        self.box = widgets.VBox([self.heading, self.rows, add])
        self.on_change: list[Callable[[], None]] = []
        self.redraw()

    def save(self) -> None:
        self.changed(self.session.save(self.path, [dict(item) for item in self.items]))
        for listener in self.on_change:
            listener()

    def add(self, item: dict[str, Any]) -> None:
        self.items.append(item)
        self.save()
        self.redraw()

    def remove(self, item: dict[str, Any]) -> None:
        self.items.remove(item)
        self.save()
        self.redraw()

    def redraw(self) -> None:
        self.target_dropdowns, self.lines, self.headers = [], [], []
        rows = []
        for item in self.items:
            header = widgets.HTML()  # »R2« / »A1«: the number the diagram and the tables use
            self.headers.append((header, item))
            rows.append(widgets.VBox([header, *self.row(self, item)]).add_class("labkit-item"))
        self.rows.children = rows

    def text(self, item: dict[str, Any], key: str, label: str, placeholder: str = "") -> widgets.Text:
        box = widgets.Text(value=str(item.get(key) or ""), placeholder=placeholder, description=label,
                           layout=widgets.Layout(width="98%"), style={"description_width": "110px"})

        def typed(change: dict) -> None:
            if self.quiet:
                return
            item[key] = change["new"]
            self.save()

        box.observe(typed, names="value")
        return box

    def choice(self, item: dict[str, Any], key: str, label: str, options: Callable[[], list[tuple[str, str]]],
               after: Callable[[str], None] | None = None) -> widgets.Dropdown:
        current = str(item.get(key) or "")
        choices = options()
        if current not in {value for _, value in choices}:
            choices = [*choices, ("(findes ikke længere)", current)] if current else choices
        valid = current in {value for _, value in choices}
        dropdown = widgets.Dropdown(options=choices, value=current if valid else None, description=label,
                                    layout=widgets.Layout(width="98%"), style={"description_width": "110px"})

        def chosen(change: dict) -> None:
            if self.quiet or change["new"] is None:
                return
            item[key] = change["new"]
            if after:
                after(change["new"])
            self.save()

        dropdown.observe(chosen, names="value")
        self.target_dropdowns.append((dropdown, options))
        return dropdown

    def retarget(self) -> None:
        """New names and choices in every row's dropdowns (another list changed); the values stay."""
        self.quiet = True
        try:
            for dropdown, options in self.target_dropdowns:
                value = dropdown.value
                choices = options()
                if value not in {v for _, v in choices}:
                    choices = [*choices, ("(findes ikke længere)", value)] if value else choices
                dropdown.options = choices
                dropdown.value = value
        finally:
            self.quiet = False

    def remove_button(self, item: dict[str, Any]) -> widgets.Button:
        button = widgets.Button(description="Fjern", layout=widgets.Layout(width="70px"))
        button.on_click(lambda _: self.remove(item))
        return button


def theory_form(session: Session, area_id: str, label: str) -> widgets.Widget:
    """The form for one focus area's indsatsteori (notebooks 3 and 5); every change is saved at once."""
    message = widgets.HTML()
    hints = widgets.HTML()
    diagram = widgets.HTML()
    base = theory_path(area_id)
    stored = session.workspace.get(base, {}) if session.workspace else {}
    if isinstance(stored, dict) and is_version_1(stored):
        # Written by an older labkit: saved once in today's shape, so every field below saves into it.
        session.save(base, migrated(stored))

    lists: list[_ItemList] = []

    def refresh(problem: str | None = None) -> None:
        theory = load_theory(session, area_id, label)
        diagram.value = figure_svg_img_html(draw_indsatsteori(theory))
        missing = completeness(theory)
        hints.value = callout_html("\n".join(missing[:3]), "info", "Næste skridt") if missing else ""
        message.value = callout_html(problem, "advarsel") if problem else ""
        numbers = item_numbers(theory)
        for item_list in lists:
            for line, item in item_list.lines:
                line.value = _if_then_html(theory, item, item_list is activities)
            for header, item in item_list.headers:
                number = numbers.get(str(item.get("id") or ""), "")
                header.value = f"<strong>{escape(number)}</strong>" if number else ""

    def current() -> Indsatsteori:
        return load_theory(session, area_id, label)

    def result_choice(theory: Indsatsteori, result: Resultat) -> tuple[str, str]:
        number = item_numbers(theory).get(result.id, "")
        return f"{number} ({RESULT_LEVEL_NAMES[result.niveau].lower()}): {_short(result.tekst or '(uden tekst)')}", result.id

    def result_targets(item: dict[str, Any]) -> list[tuple[str, str]]:
        later = RESULT_LEVELS[RESULT_LEVELS.index(item.get("niveau") or "kortsigtede"):]
        theory = current()
        choices = [("Vælg …", "")] + [result_choice(theory, r) for r in theory.resultater
                                      if r.niveau in later and r.id != item.get("id")]
        return choices + [(f"Det langsigtede mål{': ' + _short(theory.langsigtet_maal) if theory.langsigtet_maal else ''}",
                           GOAL_ID)]

    def activity_targets() -> list[tuple[str, str]]:
        theory = current()
        return [("Vælg …", "")] + [result_choice(theory, r) for r in theory.resultater]

    def result_row(editor: _ItemList, item: dict[str, Any]) -> list[widgets.Widget]:
        line = widgets.HTML()
        editor.lines.append((line, item))
        level = editor.choice(item, "niveau", RESULT_LABELS["niveau"], horizon_options)
        group = editor.choice(item, "hvem", RESULT_LABELS["hvem"],
                              lambda: [("Vælg …", ""), *((name, key) for key, name in RESULT_GROUPS.items())])
        return [editor.text(item, "tekst", RESULT_LABELS["tekst"], "Hvad skal have ændret sig?"), level, group,
                editor.choice(item, "foerer_til", RESULT_LABELS["foerer_til"], lambda: result_targets(item)),
                editor.text(item, "fordi", RESULT_LABELS["fordi"], "Hvorfor fører det ene til det andet?"),
                line, widgets.HBox([editor.remove_button(item)], layout=widgets.Layout(justify_content="flex-end"))]

    def activity_row(editor: _ItemList, item: dict[str, Any]) -> list[widgets.Widget]:
        line = widgets.HTML()
        editor.lines.append((line, item))
        return [editor.text(item, "beskrivelse", ACTIVITY_LABELS["beskrivelse"], "Hvad gør I?"),
                editor.text(item, "ansvarlig", ACTIVITY_LABELS["ansvarlig"], "Hvem sørger for det?"),
                editor.text(item, "start", ACTIVITY_LABELS["start"], "fx uge 34"),
                editor.text(item, "slut", ACTIVITY_LABELS["slut"], "fx juni 2027"),
                editor.choice(item, "foerer_til", ACTIVITY_LABELS["foerer_til"], activity_targets),
                editor.text(item, "fordi", ACTIVITY_LABELS["fordi"], "Hvorfor skulle aktiviteten føre dertil?"),
                line, widgets.HBox([editor.remove_button(item)], layout=widgets.Layout(justify_content="flex-end"))]

    def sign_owners(item: dict[str, Any]) -> list[tuple[str, str]]:
        theory = current()
        numbers = item_numbers(theory)
        if item.get("art") == IMPLEMENTATION:
            return [("Vælg aktivitet …", "")] + [(f"{numbers.get(a.id, '')}: {_short(a.beskrivelse or '(uden tekst)')}",
                                                  a.id) for a in theory.aktiviteter]
        return [("Vælg resultat …", "")] + [result_choice(theory, r) for r in theory.resultater]

    options = source_options(session)

    def sign_row(editor: _ItemList, item: dict[str, Any]) -> list[widgets.Widget]:
        saved_source = str(item.get("kilde") or OWN_OBSERVATION)
        # A source saved earlier that this data no longer offers stays visible rather than being swapped.
        row_options = options if saved_source in {v for _, v in options} else [
            *options, ((f"{source_label(Tegn(kilde=saved_source), session.lab.catalogue, session.lab.instrument)} "
                       "(gemt tidligere)"), saved_source)]
        texts = {key: editor.text(item, key, SIGN_LABELS[key], placeholder)
                 for key, placeholder in (("beskrivelse", "Hvad ser I efter?"), ("baseline", "tal eller beskrivelse"),
                                          ("baseline_aar", "fx 2025/2026"), ("maal", "hvad I sigter mod"),
                                          ("hvornaar", "fx juni 2027"))}

        def source_chosen(source: str) -> None:
            if item.get("art") != IMPLEMENTATION and not item.get("knyttet_til"):
                item["resultat_niveau"] = default_level(source)
                if horizon is not None:
                    editor.quiet = True
                    try:
                        horizon.value = item["resultat_niveau"]
                    finally:
                        editor.quiet = False
            if not str(item.get("beskrivelse") or "").strip() and source != OWN_OBSERVATION:
                # The source's name is a fair first description; the team can change it.
                item["beskrivelse"] = source_label(Tegn(kilde=source), session.lab.catalogue,
                                                   session.lab.instrument).split(": ", 1)[-1]
                editor.quiet = True
                try:
                    texts["beskrivelse"].value = item["beskrivelse"]
                finally:
                    editor.quiet = False
            if not item.get("baseline"):
                filled, note = prefill_baseline(Tegn.from_dict(item), session.lab.kvalitet, session.school_id)
                item.update({"baseline": filled.baseline, "baseline_aar": filled.baseline_aar})
                editor.quiet = True  # saved with the source, below
                try:
                    texts["baseline"].value, texts["baseline_aar"].value = filled.baseline, filled.baseline_aar
                finally:
                    editor.quiet = False
                if note:
                    editor.changed(note)

        def kind_chosen(_: str) -> None:
            item["knyttet_til"] = ""
            editor.redraw()

        def owner_chosen(owner_id: str) -> None:
            result = current().item(owner_id)
            if isinstance(result, Resultat) and horizon is not None:  # a sign has its result's horizon
                item["resultat_niveau"] = result.niveau
                editor.quiet = True
                try:
                    horizon.value = result.niveau
                finally:
                    editor.quiet = False

        kind = editor.choice(item, "art", SIGN_LABELS["art"], lambda: [(name, key) for key, name in SIGN_KINDS.items()],
                             kind_chosen)
        owner = editor.choice(item, "knyttet_til", SIGN_LABELS["knyttet_til"], lambda: sign_owners(item),
                              owner_chosen)
        # Only signs of effect have a horizon; one that belongs to a result follows the result's.
        horizon = None if item.get("art") == IMPLEMENTATION else editor.choice(
            item, "resultat_niveau", SIGN_LABELS["resultat_niveau"], horizon_options)
        source = editor.choice(item, "kilde", SIGN_LABELS["kilde"], lambda: row_options, source_chosen)
        return [texts["beskrivelse"], kind, owner, *([horizon] if horizon else []), source, texts["baseline"],
                texts["baseline_aar"], texts["maal"], texts["hvornaar"],
                widgets.HBox([editor.remove_button(item)], layout=widgets.Layout(justify_content="flex-end"))]

    results = _ItemList(session, theory_path(area_id, "resultater"), refresh, result_row,
                        f"<h4>{RESULTS_LABEL}</h4><p>Arbejd baglæns: hvad skal have ændret sig på lang sigt, og hvad "
                        "før det? Skil det, de voksne skal gøre anderledes, fra det, eleverne skal opleve og lære.</p>", "Tilføj resultat",
                        lambda: {"id": new_item_id("r"), "tekst": "", "niveau": "langsigtede", "hvem": "",
                                 "foerer_til": "", "fordi": ""},
                        lambda items: [Resultat.from_dict(item).to_dict() for item in items])
    activities = _ItemList(session, theory_path(area_id, "aktiviteter"), refresh, activity_row,
                           f"<h4>{ACTIVITIES_LABEL}</h4><p>Hvad gør I, hvem har ansvaret, hvornår – og hvilket "
                           "resultat skal det føre til?</p>", "Tilføj aktivitet",
                           lambda: {"id": new_item_id("a"), "beskrivelse": "", "ansvarlig": "", "start": "",
                                    "slut": "", "foerer_til": "", "fordi": ""},
                           lambda items: [Aktivitet.from_dict(item).to_dict() for item in items])
    signs = _ItemList(session, theory_path(area_id, "indikatorer"), refresh, sign_row,
                      f"<h4>{SIGNS_LABEL}</h4><p>{SIGN_KINDS[IMPLEMENTATION]}: bliver aktiviteterne gennemført? "
                      f"{SIGN_KINDS[OUTCOME]}: kommer resultaterne? Hvert tegn med kilde, baseline og år, mål og "
                      "hvornår.</p>", "Tilføj tegn",
                      lambda: {"id": new_item_id("t"), "kilde": OWN_OBSERVATION, "beskrivelse": "", "baseline": "",
                               "baseline_aar": "", "maal": "", "hvornaar": "", "resultat_niveau": "kortsigtede",
                               "art": OUTCOME, "knyttet_til": ""},
                      # Ids before any change: a removed sign must not pass its observations on to the next one.
                      lambda items: [Tegn.from_dict(item).to_dict() for item in with_sign_ids(items)])
    lists.extend((results, activities, signs))
    # Names of results appear in the activities' and signs' dropdowns; activities in the signs'.
    def results_changed() -> None:
        for item_list in lists:
            item_list.retarget()

    results.on_change.append(results_changed)
    activities.on_change.append(signs.retarget)

    lead = [_text_widget(session, theory_path(area_id, f.key), f, refresh) for f in LEAD_FIELDS]
    tail = [_text_widget(session, theory_path(area_id, f.key), f, refresh) for f in TAIL_FIELDS]
    earlier = _earlier_assumptions(session, area_id, refresh)
    evaluation = [_text_widget(session, theory_path(area_id, "evaluering", key), Field(key, text, ""), refresh,
                               height="40px") for key, text in EVALUATION]
    refresh()
    form = widgets.VBox([message, hints, *lead, results.box, activities.box, *tail, *earlier, signs.box,
                         widgets.HTML(f"<h4>{EVALUATION_LABEL}</h4>"), *evaluation]).add_class("labkit-teori-form")
    side = widgets.VBox([widgets.HTML("<strong>Diagram</strong> (tegnes, mens I skriver)"), diagram]) \
        .add_class("labkit-teori-diagram")
    return widgets.VBox([widgets.HTML(LAYOUT_CSS), widgets.HBox([form, side]).add_class("labkit-teori")])


def _if_then_html(theory: Indsatsteori, item: dict[str, Any], activity: bool) -> str:
    model: Aktivitet | Resultat = Aktivitet.from_dict(item) if activity else Resultat.from_dict(item)
    line = if_then(theory, model)
    return f"<p class='labkit-hvis'>{escape(line)}</p>" if line else ""


def _earlier_assumptions(session: Session, area_id: str, changed: Callable[[str | None], None]) -> list[widgets.Widget]:
    """Assumptions from an older version whose box was empty: kept, editable, until the team moves them."""
    stored = session.workspace.get(theory_path(area_id, "tidligere_antagelser"), {}) if session.workspace else {}
    if not isinstance(stored, dict) or not any(stored.values()):
        return []
    return [widgets.HTML("<p>Antagelser fra en tidligere udgave af indsatsteorien. Flyt dem til den aktivitet eller "
                         "det resultat, de hører til, og slet dem så her.</p>"),
            *(_text_widget(session, theory_path(area_id, "tidligere_antagelser", key),
                           Field(key, f"Antagelse ({OLD_LINK_NAMES[key]})", ""), changed, height="40px")
              for key in OLD_LINK_NAMES if stored.get(key))]


def _step_link(session: Session, notebook: str) -> str:
    """In the room, a link to another step's page (beside this one; the school rides along for the
    facilitator, who may open any school – a team's own school is fixed by its link anyway)."""
    if not session.in_room:
        return ""
    query = f"?skole={quote(session.school_id)}" if session.school_id else ""
    return (f'<p><a class="labkit-trin-link" href="{escape(notebook)}.ipynb{escape(query)}">'
            f"Gå til »{escape(STEP_TITLES[notebook])}«</a></p>")


def render_theories(session: Session) -> None:
    areas = chosen_areas(session)
    if not areas:
        display(HTML(callout_html(f"Vælg først 1–3 indsatsområder {session.step_ref('2_indsatsomraader')}. "
                                  f"{session.reopen_hint}", "info") + _step_link(session, "2_indsatsomraader")))
        return
    if not session.interactive:
        for area in areas:
            render_theory_static(session, area.id, area.title)
        return
    tabs = widgets.Tab(children=[theory_form(session, area.id, area.title) for area in areas])
    for index, area in enumerate(areas):
        tabs.set_title(index, area.title)
    display(tabs)
