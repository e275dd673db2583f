"""The indsatsteori as the handout, the Word file and the papermill runs show it: text, tables, diagram.

The tables' rows are plain strings (`results_table`, `activities_table`, `signs_table`), so the HTML
here and the Word document say the same thing in the same words.
"""

from __future__ import annotations

from IPython.display import HTML, display

from labkit.data.catalogue import Catalogue
from labkit.data.indsatsteori import (
    ACTIVITIES_LABEL,
    ACTIVITY_LABELS,
    DATA_BASIS,
    EVALUATION,
    IMPLEMENTATION,
    LEAD_FIELDS,
    OLD_LINK_NAMES,
    OUTCOME,
    RESULT_GROUPS,
    RESULT_LABELS,
    RESULT_LEVEL_NAMES,
    RESULTS_LABEL,
    SIGN_KINDS,
    SIGN_LABELS,
    TAIL_FIELDS,
    FocusArea,
    Indsatsteori,
    Tegn,
    evaluation_label,
    if_then,
    item_name,
    item_numbers,
    source_label,
)
from labkit.data.instrument import Instrument
from labkit.figures.indsatsteori import draw_indsatsteori
from labkit.views.display import escape, show_figure
from labkit.workspace.session import Session

Table = tuple[tuple[str, ...], list[tuple[str, ...]]]  # column names, rows
CHAIN = "Kæden: hvis … fører det til … fordi"
NOT_SAID = "ikke angivet"


def theory_path(area_id: str, *keys: str) -> str:
    return "/".join(("indsatsteorier", area_id, *keys))


def load_theory(session: Session, area_id: str, label: str) -> Indsatsteori:
    """The saved theory of one focus area (empty fields where nothing is written yet)."""
    stored = session.workspace.get(theory_path(area_id), {}) if session.workspace else {}
    theory = Indsatsteori.from_dict(stored or {})
    if not theory.focus_area:
        theory.focus_area = FocusArea(area_id, label)
    return theory


def results_table(theory: Indsatsteori) -> Table:
    """The results, short term first, with whose change it is and the chain line to what follows."""
    numbers = item_numbers(theory)
    head = ("Nr.", RESULT_LABELS["tekst"], RESULT_LABELS["niveau"], RESULT_LABELS["hvem"], CHAIN)
    rows: list[tuple[str, ...]] = [
        (numbers.get(r.id, ""), r.tekst, RESULT_LEVEL_NAMES[r.niveau], RESULT_GROUPS.get(r.hvem, NOT_SAID),
         if_then(theory, r)) for level in RESULT_LEVEL_NAMES for r in theory.results(level)]
    return head, rows


def activities_table(theory: Indsatsteori) -> Table:
    numbers = item_numbers(theory)
    head = ("Nr.", ACTIVITY_LABELS["beskrivelse"], ACTIVITY_LABELS["ansvarlig"], "Periode", CHAIN)
    rows: list[tuple[str, ...]] = [
        (numbers.get(a.id, ""), a.beskrivelse, a.ansvarlig, "–".join(part for part in (a.start, a.slut) if part),
         if_then(theory, a)) for a in theory.aktiviteter]
    return head, rows


def signs_table(theory: Indsatsteori, kind: str, catalogue: Catalogue | None = None,
                instrument: Instrument | None = None) -> Table:
    """One kind of signs (gennemførelse or virkning) with what each belongs to, its source, baseline
    with its year, target and when; outcome signs also with their horizon."""
    def baseline(sign: Tegn) -> str:
        return sign.baseline + (f" ({sign.baseline_aar})" if sign.baseline and sign.baseline_aar else "")

    keys = ["beskrivelse", "knyttet_til", "kilde", "baseline", "maal", "hvornaar"]
    if kind == OUTCOME:
        keys.append("resultat_niveau")
    rows = []
    numbers = item_numbers(theory)
    for sign in theory.signs(kind):
        owner = item_name(theory, sign.knyttet_til)
        values = {"beskrivelse": sign.beskrivelse,
                  "knyttet_til": f"{numbers.get(sign.knyttet_til, '')} {owner}".strip() if owner else "",
                  "kilde": source_label(sign, catalogue, instrument), "baseline": baseline(sign), "maal": sign.maal,
                  "hvornaar": sign.hvornaar, "resultat_niveau": RESULT_LEVEL_NAMES[theory.sign_level(sign)]}
        rows.append(tuple(values[key] for key in keys))
    return tuple(SIGN_LABELS[key] for key in keys), rows


def _paragraph(title: str, value: str | list[str]) -> str:
    """A labelled text; a list as bullets, so items that wrap do not run together."""
    if isinstance(value, list) and value:
        items = "".join(f"<li>{escape(item)}</li>" for item in value)
        return f"<p><strong>{escape(title)}:</strong></p><ul>{items}</ul>"
    text = "\n".join(value) if isinstance(value, list) else value
    shown = escape(text).replace("\n", "<br>") if text.strip() else "<em class='tom'>(ikke udfyldt)</em>"
    return f"<p><strong>{escape(title)}:</strong> {shown}</p>"


def _table_html(title: str, table: Table) -> str:
    head, rows = table
    if not rows:
        return f"<h4>{escape(title)}</h4><p><em class='tom'>(ikke udfyldt)</em></p>"
    header = "".join(f"<th>{escape(name)}</th>" for name in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return (f"<h4>{escape(title)}</h4><table class='labkit-tabel'><thead><tr>{header}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


def theory_html(session: Session, theory: Indsatsteori, title: str) -> str:
    """The theory in the form's order: problem and goal, results, activities, frame, signs, evaluation."""
    lab = session.lab
    parts = [f"<h3>{escape(title)}</h3>"]
    parts += [_paragraph(field.label, getattr(theory, field.key)) for field in LEAD_FIELDS]
    if theory.data_grundlag:
        parts.append(_paragraph(DATA_BASIS.label, ", ".join(theory.data_grundlag)))
    parts.append(_table_html(RESULTS_LABEL, results_table(theory)))
    parts.append(_table_html(ACTIVITIES_LABEL, activities_table(theory)))
    parts += [_paragraph(field.label, getattr(theory, field.key)) for field in TAIL_FIELDS]
    parts += [_paragraph(f"Antagelse fra en tidligere udgave ({OLD_LINK_NAMES[key]})", text)
              for key, text in theory.tidligere_antagelser.items()]
    for kind in (IMPLEMENTATION, OUTCOME):
        parts.append(_table_html(SIGN_KINDS[kind], signs_table(theory, kind, lab.catalogue, lab.instrument)))
    parts += [_paragraph(evaluation_label(label), getattr(theory.evaluering, key)) for key, label in EVALUATION]
    return "".join(parts)


def render_theory_static(session: Session, area_id: str, label: str) -> None:
    """The theory as text, tables and diagram (for handouts and papermill runs)."""
    theory = load_theory(session, area_id, label)
    display(HTML(theory_html(session, theory, label)))
    show_figure(draw_indsatsteori(theory))
