"""The frameworks as the notebooks show them: from the lab's own templates, with their links to data."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from labkit.views.frameworks import inclusion_frame_html, learning_circle_html
from labkit.workspace.session import open_session

ROOT = Path(__file__).resolve().parents[2]


def test_inclusion_frame_names_the_figures_to_look_at(lab: Path) -> None:
    session = open_session(str(lab), "061004", interaktiv=False)
    html = inclusion_frame_html(session)
    frame = yaml.safe_load((ROOT / "templates" / "inklusion_analyse.yaml").read_text(encoding="utf-8"))
    first = frame["perspektiver"][0]
    assert first["navn"] in html
    linked = [p for p in frame["perspektiver"] if p.get("indikatorer")]
    assert linked, "the starter frame links some perspectives to indicators"
    assert session.lab.catalogue[linked[0]["indikatorer"][0]].name in html
    assert "<script" not in html


def test_learning_circle_follows_the_lab_templates_order(lab: Path) -> None:
    templates = lab / "skabeloner"
    shutil.copytree(ROOT / "templates", templates)
    config = (lab / "lab.yaml").read_text(encoding="utf-8")
    (lab / "lab.yaml").write_text(config + "\nskabeloner: skabeloner\n", encoding="utf-8")
    circle = yaml.safe_load((templates / "laeringscirklen.yaml").read_text(encoding="utf-8"))
    circle["faser"][0]["navn"] = "Elevernes udfordring <i>nu</i>"
    (templates / "laeringscirklen.yaml").write_text(yaml.safe_dump(circle, allow_unicode=True), encoding="utf-8")
    html = learning_circle_html(open_session(str(lab), "061004", interaktiv=False))
    assert "1. Elevernes udfordring &lt;i&gt;nu&lt;/i&gt;" in html
    positions = [html.index(phase["navn"]) for phase in circle["faser"][1:]]
    assert positions == sorted(positions)
