"""The frameworks as the notebooks and handouts show them: from the lab's own templates, with their links
to data, Molbæk's question, the starter-content mark, and the PLF levels placed team by team."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from labkit.data.frameworks import EXAMPLE_MARK
from labkit.views.frameworks import (
    LEVEL_PATH,
    REASON_PATH,
    TEAMS_PATH,
    inclusion_frame_html,
    learning_circle_html,
    plf_choice_html,
    plf_questions_html,
)
from labkit.workspace.session import open_session
from labkit.workspace.store import Workspace

ROOT = Path(__file__).resolve().parents[2]


def test_inclusion_frame_names_the_figures_to_look_at(lab: Path) -> None:
    session = open_session(str(lab), "061004", interaktiv=False)
    html = inclusion_frame_html(session)
    frame = yaml.safe_load((ROOT / "templates" / "inklusion_analyse.yaml").read_text(encoding="utf-8"))
    first = frame["perspektiver"][0]
    assert first["navn"] in html
    # Molbæk's question comes before the perspectives, with both ways of seeing the problem.
    assert html.index("Ser vi problemet som elevens – eller som læringsmiljøets?") < html.index(first["navn"])
    assert "Individperspektiv:" in html and "Kontekstperspektiv:" in html
    assert EXAMPLE_MARK in html
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
    circle["faser"][0]["navn"] = "Indsamle data <i>nu</i>"
    circle["eksempel"] = "nej"  # the consultant has written the municipality's own version
    (templates / "laeringscirklen.yaml").write_text(yaml.safe_dump(circle, allow_unicode=True), encoding="utf-8")
    html = learning_circle_html(open_session(str(lab), "061004", interaktiv=False))
    assert "Fase 1 – Indsamle data &lt;i&gt;nu&lt;/i&gt;" in html
    # The pupil's challenge is the centre, before phase 1, and not numbered as a phase.
    assert html.index("I midten: Elevens læringsudfordring") < html.index("Fase 1 – ")
    assert "Fase 3 – Opstille mål" in html and "Fase 4 – Handling/tiltag" in html and "Fase 6" not in html
    positions = [html.index(phase["navn"]) for phase in circle["faser"][1:]]
    assert positions == sorted(positions)
    assert EXAMPLE_MARK not in html and "Kilde: VIA University College" in html


def test_starter_questions_are_marked_as_examples(lab: Path) -> None:
    html = plf_questions_html(open_session(str(lab), "061004", interaktiv=False))
    assert "Hvad er elevernes forudsætninger?" in html and EXAMPLE_MARK in html
    assert html.index(EXAMPLE_MARK) < html.index("Hvad er elevernes forudsætninger?")  # read before, not after


def test_the_plf_levels_are_placed_team_by_team(lab: Path) -> None:
    workspace = Workspace.open(lab, "061004", "Læringslab 1")
    workspace.set(TEAMS_PATH, [{"team": "Indskolingen", "niveau": "undersoegende"},
                               {"team": "Mellemtrinnet", "niveau": "erfaringsdeling"},
                               {"team": "Udskolingen", "niveau": "erfaringsdeling"},
                               {"team": "", "niveau": ""}])  # an empty row the team never filled in
    workspace.set(REASON_PATH, "Indskolingen har faste PLF-møder.")
    html = plf_choice_html(open_session(str(lab), "061004", interaktiv=False))
    assert "De fleste teams (2 af 3) er på niveauet »Erfaringsdelende team«." in html
    assert "<td>Indskolingen</td><td>Undersøgende team</td>" in html
    assert "Indskolingen har faste PLF-møder." in html
    assert "placerer skolen på niveauet" not in html
    assert "Niveauerne beskriver et team" in html


def test_a_whole_school_placement_from_an_older_labkit_is_shown_as_such(lab: Path) -> None:
    workspace = Workspace.open(lab, "061004", "Læringslab 1")
    workspace.set(LEVEL_PATH, "erfaringsdeling")
    html = plf_choice_html(open_session(str(lab), "061004", interaktiv=False))
    assert "Teamet placerer skolen på niveauet <strong>Erfaringsdelende team</strong> – skolen som helhed." in html
    assert "placér næste gang hvert team for sig" in html
    assert html.count("beskriver et team") + html.count("beskriver teams") == 1  # said once, not twice


def test_the_bundled_circle_says_what_is_viass_and_what_is_labkits_before_the_phases(lab: Path) -> None:
    html = learning_circle_html(open_session(str(lab), "061004", interaktiv=False))
    mark = "Cirklen og faserne er fra Læringscirklen; beskrivelser og spørgsmål er eksempler fra labkit"
    assert mark in html and html.index(mark) < html.index("I midten:")
    assert EXAMPLE_MARK not in html  # the phases themselves are not labkit's to replace


def test_the_team_widget_saves_each_team_as_it_is_typed_and_removed(lab: Path) -> None:
    import ipywidgets as widgets
    from IPython.utils.capture import capture_output
    from ipywidgets.widgets.widget import _instances

    from labkit.workshop.frameworks import render_plf_maturity

    session = open_session(str(lab), "061004", interaktiv=True)
    with capture_output():
        render_plf_maturity(session)

    def live(kind: type) -> list:
        return [w for w in list(_instances.values()) if isinstance(w, kind)]

    add = [b for b in live(widgets.Button) if b.description == "Tilføj et team"][-1]
    add.click()  # a second row beside the empty first one
    names = [t for t in live(widgets.Text) if t.placeholder.startswith("Teamets navn")][-2:]
    levels = [d for d in live(widgets.Dropdown) if d.options[0] == ("Vælg niveau", "")][-2:]
    names[0].value, levels[0].value = "Indskolingen", "undersoegende"
    names[1].value, levels[1].value = "Udskolingen", "koordinering"
    assert session.workspace is not None
    assert session.workspace.get(TEAMS_PATH) == [{"team": "Indskolingen", "niveau": "undersoegende"},
                                                 {"team": "Udskolingen", "niveau": "koordinering"}]
    [b for b in live(widgets.Button) if b.description == "Fjern"][-1].click()
    assert session.workspace.get(TEAMS_PATH) == [{"team": "Indskolingen", "niveau": "undersoegende"}]
