"""One definition of each concept, used everywhere: regressions for the drifts found in issue 10.

- an area chosen at an earlier lab that today's data no longer point to has the same title in the
  notebook, the HTML handout and the Word file;
- a lab's own catalogue (its `skabeloner/`) is the one every output reads;
- re-running a notebook's cells leaves one redraw per section.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import yaml

from labkit.analysis.summary import data_summary
from labkit.analysis.verdicts import table_verdicts
from labkit.data.indsatsteori import Tegn, indicator_source, source_label
from labkit.data.lab import load_lab
from labkit.data.templates import BUNDLED_TEMPLATES
from labkit.handout.oversigt import overview_table
from labkit.handout.word import write_indsatsteori_docx
from labkit.views.indsatsomraader import choice_html, chosen_areas, school_candidates
from labkit.views.indsatsteori import load_theory, theory_html
from labkit.views.kvalitet import overview_table_html
from labkit.workshop import notebook
from labkit.workspace.session import open_session
from labkit.workspace.store import Workspace

SCHOOL = "061001"


def test_an_area_no_longer_flagged_keeps_one_title_in_notebook_handout_and_word(lab: Path, tmp_path: Path) -> None:
    session = open_session(str(lab), SCHOOL, interaktiv=False)
    today = {c.id: c.label for c in school_candidates(session)}
    flagged = next(iter(today))  # a candidate today's data and framework offer
    catalogue = session.lab.catalogue
    gone = next(f"data-indikator-{i.id}" for i in catalogue.indicators
                if i.is_judged and f"data-indikator-{i.id}" not in today)
    # Chosen at Læringslab 1, written by an older kit that saved no title with the theory.
    workspace = Workspace.open(lab, SCHOOL, "Læringslab 1")
    workspace.set("indsatsomraader/valgte", [flagged, gone])
    for number, area in enumerate((flagged, gone)):
        workspace.set(f"indsatsomraader/begrundelser/{area}", f"Begrundelse {number}")
        workspace.set(f"indsatsteorier/{area}/problem", f"Problem {number}")

    session = open_session(str(lab), SCHOOL, interaktiv=False)
    in_notebook = [area.title for area in chosen_areas(session)]
    expected = [today[flagged], catalogue[gone.removeprefix("data-indikator-")].name]
    assert in_notebook == expected
    html = choice_html(session) + "".join(theory_html(session, load_theory(session, area.id, area.title), area.title)
                                          for area in chosen_areas(session))
    assert all(f"<h4>{title}</h4>" in html and f"<h3>{title}</h3>" in html for title in expected)
    assert "data-indikator-" not in html

    path = write_indsatsteori_docx(load_lab(lab), SCHOOL, tmp_path / "teori.docx")
    headings = [p.text for p in docx.Document(str(path)).paragraphs if p.style.name == "Heading 1"]
    assert headings == expected


def test_a_labs_own_catalogue_is_the_one_every_output_reads(lab: Path) -> None:
    own = lab / "skabeloner"
    shutil.copytree(BUNDLED_TEMPLATES, own)
    catalogue_file = own / "indikatorer.yaml"
    data = yaml.safe_load(catalogue_file.read_text(encoding="utf-8"))
    entry = next(e for e in data["indikatorer"] if e["id"] == "karaktergennemsnit")
    entry["navn"] = "Karaktersnit efter lokal definition"
    catalogue_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    config = lab / "lab.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "skabeloner: skabeloner\n", encoding="utf-8")

    new_name = "Karaktersnit efter lokal definition"
    loaded = load_lab(lab)
    assert loaded.catalogue["karaktergennemsnit"].name == new_name
    found = table_verdicts(loaded.kvalitet, loaded.catalogue).get(SCHOOL, "karaktergennemsnit", "")
    assert found is not None and new_name in found.sentences
    session = open_session(str(lab), SCHOOL, interaktiv=False)
    assert new_name in overview_table_html(session)
    rows = overview_table(loaded)
    assert rows.loc[rows["Indikator"] == "karaktergennemsnit", "Begrundelse"].str.contains(new_name).all()
    sign = Tegn(kilde=indicator_source("karaktergennemsnit"))
    assert source_label(sign, session.lab.catalogue, session.lab.instrument) == f"Kvalitetsrapport: {new_name}"
    mentioned = [s.text for s in (*data_summary(loaded, SCHOOL).concerns, *data_summary(loaded, SCHOOL).strengths)
                 if s.subject_id == "karaktergennemsnit"]
    assert all("Karaktergennemsnit" not in text for text in mentioned)


def test_three_reruns_of_a_notebook_leave_one_redraw_per_section(lab: Path) -> None:
    session = notebook.start(str(lab), SCHOOL, interaktiv=True)
    assert session is not None
    redraws: list[str] = []
    original = notebook._render_safely

    def counting(session_: object, render: object) -> None:
        redraws.append(getattr(render, "__qualname__", ""))

    notebook._render_safely = counting  # type: ignore[assignment]
    try:
        for _ in range(3):  # "Kør alle celler" three times over the day
            notebook.show_summary(session)
            notebook.show_indicators(session)
        assert session.listener_count == 2
        redraws.clear()
        session.choose("061002")
        assert sorted(redraws) == sorted(["render_summary", "render_indicators"])
    finally:
        notebook._render_safely = original  # type: ignore[assignment]
