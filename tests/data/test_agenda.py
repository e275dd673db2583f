"""The lab day's agenda template and its HTML table."""

from __future__ import annotations

from pathlib import Path

import pytest

from labkit.data.agenda import AGENDA_FILE, clock, load_agenda
from labkit.data.templates import BUNDLED_TEMPLATES
from labkit.problems import LabkitError
from labkit.views.agenda import agenda_html

NOTEBOOKS = {"1_data_og_analyse", "2_indsatsomraader", "3_indsatsteori", "4_facilitator_overblik"}


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "skabeloner" / AGENDA_FILE
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_agenda_is_six_hours_and_uses_the_notebooks() -> None:
    agenda = load_agenda(BUNDLED_TEMPLATES / AGENDA_FILE, notebooks=NOTEBOOKS)
    assert agenda.total_minutes == 360
    assert clock(agenda.blocks[0].start) == "09:00" and clock(agenda.blocks[-1].end) == "15:00"
    assert agenda.blocks[0].title == "Velkomst og dagens formål"
    assert agenda.notebooks == (
        "1_data_og_analyse", "4_facilitator_overblik", "2_indsatsomraader", "3_indsatsteori")
    assert any(b.title == "Frokost" and b.notebook is None for b in agenda.blocks)


def test_agenda_html_escapes_text_shows_total_and_marks_notebooks(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        "blokke:\n"
        "  - {tid: '09:00', minutter: 300, titel: '<script>alert(1)</script>',\n"
        "     notesbog: 3_indsatsteori.ipynb}\n"
        "  - {tid: '14:00', minutter: 60, titel: Afslutning, beskrivelse: 'A & B'}\n"
    ))
    html = agenda_html(load_agenda(path), current_notebook="3_indsatsteori")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "A &amp; B" in html
    assert "I alt: 360 min (6 t)" in html
    assert "<th>Tid</th><th>Minutter</th><th>Indhold</th><th>Trin</th>" in html
    assert "<td>Indsatsteori</td>" in html and "3_indsatsteori" not in html and "background:#fff3c4" in html
    assert html.count("background:#fff3c4") == 1


def test_edited_agenda_copy_is_read_without_code_changes(tmp_path: Path) -> None:
    text = (BUNDLED_TEMPLATES / AGENDA_FILE).read_text(encoding="utf-8")
    text = text.replace("titel: Frokost", "titel: Frokost i kantinen")
    text = text.replace("minutter: 25\n    titel: Aftaler", "minutter: 40\n    titel: Aftaler")
    agenda = load_agenda(_write(tmp_path, text))
    assert "Frokost i kantinen" in [b.title for b in agenda.blocks]
    assert agenda.total_minutes == 375
    assert "I alt: 375 min (6 t 15 min)" in agenda_html(agenda)


def test_unquoted_time_is_read_as_a_clock(tmp_path: Path) -> None:
    # YAML 1.1 turns an unquoted 10:30 into the number 630.
    text = "- {tid: 10:30, minutter: 30, titel: Start}\n- {tid: 11:00, minutter: 5, titel: Slut}\n"
    agenda = load_agenda(_write(tmp_path, text))
    assert [clock(b.start) for b in agenda.blocks] == ["10:30", "11:00"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("blokke:\n  - tid: '09:00'\n   minutter: [\n",
         "skabeloner/dagsorden.yaml: filen kan ikke læses som YAML (linje 3"),
        ("titel: dag\n", "skabeloner/dagsorden.yaml, »blokke«: forventede en liste med mindst ét element."),
        ("- {tid: '09:00', minutter: 30}\n", "dagsorden.yaml, blok nr. 1: mangler nøglen »titel«."),
        ("- {tid: '09:00', minutter: 0, titel: Velkomst}\n",
         "dagsorden.yaml, blok nr. 1 »Velkomst«: »minutter« skal være et helt tal over 0, fandt »0«."),
        ("- {tid: '09:00', minutter: '20 min', titel: Velkomst}\n",
         "»minutter« skal være et helt tal over 0"),
        ("- {tid: 'kl. ni', minutter: 20, titel: Velkomst}\n",
         ("dagsorden.yaml, blok nr. 1 »Velkomst«: »tid« skal være et klokkeslæt som \"09:00\", "
         "fandt »kl. ni«.")),
        ("- {tid: '09:00', minutter: 60, titel: Velkomst}\n- {tid: '09:30', minutter: 20, titel: Data}\n",
         ("dagsorden.yaml, blok nr. 2 »Data«: starter kl. 09:30, "
         "men blok nr. 1 »Velkomst« slutter først kl. 10:00.")),
        ("- {tid: '09:00', minutter: 20, titel: Velkomst, notesbog: 9_ukendt}\n",
         "dagsorden.yaml, blok nr. 1 »Velkomst«: notesbogen »9_ukendt« findes ikke."),
    ],
)
def test_malformed_agenda_gives_danish_message_naming_file_and_block(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(LabkitError) as error:
        load_agenda(_write(tmp_path, text), notebooks=NOTEBOOKS)
    assert message in str(error.value)
