"""The indsatsteori as the handout and the papermill runs show it: text, signs table and diagram."""

from __future__ import annotations

from IPython.display import HTML, display

from labkit.data.indsatsteori import (
    ASSUMPTIONS,
    EVALUATION,
    FIELDS,
    RESULT_LEVEL_NAMES,
    SIGN_LABELS,
    SIGNS_LABEL,
    FocusArea,
    Indsatsteori,
    Tegn,
    evaluation_label,
    source_label,
)
from labkit.figures.indsatsteori import draw_indsatsteori
from labkit.views.display import escape, show_figure
from labkit.workspace.session import Session


def theory_path(area_id: str, *keys: str) -> str:
    return "/".join(("indsatsteorier", area_id, *keys))


def load_theory(session: Session, area_id: str, label: str) -> Indsatsteori:
    """The saved theory of one focus area (empty fields where nothing is written yet)."""
    stored = session.workspace.get(theory_path(area_id), {}) if session.workspace else {}
    theory = Indsatsteori.from_dict(stored or {})
    if not theory.focus_area:
        theory.focus_area = FocusArea(area_id, label)
    return theory


SIGN_TABLE = ("beskrivelse", "kilde", "baseline", "maal", "hvornaar", "resultat_niveau")


def _paragraph(title: str, value: str | list[str]) -> str:
    text = "\n".join(value) if isinstance(value, list) else value
    shown = escape(text).replace("\n", "<br>") if text.strip() else "<em class='tom'>(ikke udfyldt)</em>"
    return f"<p><strong>{escape(title)}:</strong> {shown}</p>"


def theory_html(session: Session, theory: Indsatsteori, title: str) -> str:
    """The theory's fields in the form's order, its assumptions, signs and evaluation, as HTML."""
    lab = session.lab
    parts = [f"<h3>{escape(title)}</h3>"]
    parts += [_paragraph(field.label, getattr(theory, field.key)) for field in FIELDS]
    parts += [_paragraph(label, theory.antagelser.get(link, "")) for link, label in ASSUMPTIONS]
    if theory.indikatorer:
        def cells(sign: Tegn) -> list[str]:
            year = f" ({sign.baseline_aar})" if sign.baseline and sign.baseline_aar else ""
            return [sign.beskrivelse, source_label(sign, lab.catalogue, lab.instrument), sign.baseline + year,
                    sign.maal, sign.hvornaar, RESULT_LEVEL_NAMES.get(sign.resultat_niveau, sign.resultat_niveau)]

        head = "".join(f"<th>{escape(SIGN_LABELS[key])}</th>" for key in SIGN_TABLE)
        rows = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in cells(sign)) + "</tr>"
                       for sign in theory.indikatorer)
        parts.append(f"<h4>{escape(SIGNS_LABEL)}</h4><table class='labkit-tabel'><thead><tr>{head}</tr></thead>"
                     f"<tbody>{rows}</tbody></table>")
    parts += [_paragraph(evaluation_label(label), getattr(theory.evaluering, key))
              for key, label in EVALUATION]
    return "".join(parts)


def render_theory_static(session: Session, area_id: str, label: str) -> None:
    """The theory as text, signs table and diagram (for handouts and papermill runs)."""
    theory = load_theory(session, area_id, label)
    display(HTML(theory_html(session, theory, label)))
    show_figure(draw_indsatsteori(theory))
