"""The indsatsteori form offers the sources a sign can be measured by, and keeps what the team saved."""

from __future__ import annotations

from pathlib import Path

from labkit.data.indsatsteori import Tegn, indicator_source, prefill_baseline
from labkit.views.indsatsteori import load_theory
from labkit.workshop.indsatsteori import source_options
from labkit.workspace.session import open_session


def test_trivsel_signs_can_name_the_klassetrin_group(lab: Path) -> None:
    session = open_session(str(lab), "061004", interaktiv=False)
    options = {value: label for label, value in source_options(session)}
    # Ro og orden is only published per Klassetringruppe, so each group is its own source.
    assert options[indicator_source("ro_orden", "Mellemtrin")] == "Kvalitetsrapport: Ro og orden (mellemtrin)"
    assert indicator_source("ro_orden", "Udskoling") in options
    assert indicator_source("ro_orden") not in options
    assert options[indicator_source("fravaer")].startswith("Kvalitetsrapport: ")
    assert "egen observation" in options
    # Picking a group's source fills the baseline with that group's latest published figure.
    table = session.lab.kvalitet
    latest = table[(table.school_id == "061004") & (table.indicator == "ro_orden") & (table.level == "skole")
                   & (table.group == "Mellemtrin") & (table.status == "offentliggjort")].sort_values("school_year")
    sign, note = prefill_baseline(Tegn(kilde=indicator_source("ro_orden", "Mellemtrin")), table, "061004")
    assert note is None
    assert sign.baseline_aar == latest["school_year"].iloc[-1]
    assert sign.baseline == f"{latest['value'].iloc[-1]:.1f}".replace(".", ",")


def test_a_new_theory_belongs_to_its_focus_area(lab: Path) -> None:
    session = open_session(str(lab), "061004", interaktiv=False)
    theory = load_theory(session, "fremmoede", "Fremmøde og fravær")
    assert (theory.focus_area.id, theory.focus_area.title) == ("fremmoede", "Fremmøde og fravær")


# --- the form as a team uses it ----------------------------------------------------------------

AREA, TITLE = "klasseledelse", "Ro, struktur og klasseledelse"


def widgets_in(widget: object, kind: type) -> list:
    """Every widget of a kind inside a widget tree, in the order shown."""
    found = [widget] if isinstance(widget, kind) else []
    for child in getattr(widget, "children", ()):
        found += widgets_in(child, kind)
    return found


def by_description(widget: object, kind: type, description: str) -> list:
    return [w for w in widgets_in(widget, kind) if w.description == description]


def open_form(lab: Path, school: str = "061004") -> tuple[object, object]:
    from labkit.workshop.indsatsteori import theory_form

    session = open_session(str(lab), school, interaktiv=True)
    session.save("indsatsomraader/valgte", [AREA])
    return session, theory_form(session, AREA, TITLE)


def diagram_text(form: object) -> str:
    """The words of the diagram beside the form (an SVG image, text kept as text)."""
    import base64
    import re

    import ipywidgets as widgets

    [image] = [w.value for w in widgets_in(form, widgets.HTML) if "image/svg+xml" in w.value]
    svg = base64.b64decode(re.search(r"base64,([^\"]+)", image).group(1)).decode()
    return " ".join(re.findall(r">([^<>]+)</text>", svg))


def test_a_team_writes_a_chain_from_activity_to_result_and_sees_it_drawn(lab: Path) -> None:
    import ipywidgets as widgets

    session, form = open_form(lab)
    by_description(form, widgets.Button, "Tilføj resultat")[0].click()
    [result_text] = by_description(form, widgets.Text, "Resultat")
    result_text.value = "Lærerne bruger fælles rutiner"
    [whose] = by_description(form, widgets.Dropdown, "Hvem ændrer sig?")
    whose.value = "voksne"
    [level] = by_description(form, widgets.Dropdown, "Sigt")
    level.value = "kortsigtede"
    by_description(form, widgets.Button, "Tilføj aktivitet")[0].click()
    by_description(form, widgets.Text, "Aktivitet")[0].value = "Fælles start på timerne"
    by_description(form, widgets.Text, "Ansvarlig")[0].value = "Afdelingslederen"
    leads_to = [d for d in by_description(form, widgets.Dropdown, "Fører til")
                if any(label.startswith("R1 (kort sigt): Lærerne bruger") for label, _ in d.options)]
    assert leads_to, "the activity offers the result the team just wrote"
    activity_target = leads_to[-1]
    result_id = next(value for label, value in activity_target.options if label.startswith("R1 (kort sigt)"))
    activity_target.value = result_id
    [reason] = [t for t in by_description(form, widgets.Text, "Fordi")
                if t is not None][-1:]
    reason.value = "Rutiner gør det let at komme i gang"

    stored = session.workspace.get(f"indsatsteorier/{AREA}")
    [activity] = stored["aktiviteter"]
    assert (activity["beskrivelse"], activity["ansvarlig"], activity["foerer_til"], activity["fordi"]) == (
        "Fælles start på timerne", "Afdelingslederen", result_id, "Rutiner gør det let at komme i gang")
    [result] = stored["resultater"]
    assert (result["tekst"], result["hvem"], result["niveau"]) == ("Lærerne bruger fælles rutiner", "voksne",
                                                                   "kortsigtede")
    lines = " ".join(w.value for w in widgets_in(form, widgets.HTML) if "labkit-hvis" in w.value)
    assert "Hvis vi gennemfører »Fælles start på timerne«, fører det til »Lærerne bruger fælles rutiner«. Fordi: Rutiner" in lines
    drawn = diagram_text(form)
    for words in ("A1 Fælles start på", "De voksnes praksis", "→ R1, fordi:"):
        assert words in drawn, words


def test_renaming_a_result_renames_it_in_the_activities_choices_without_a_save(lab: Path) -> None:
    import ipywidgets as widgets

    session, form = open_form(lab)
    by_description(form, widgets.Button, "Tilføj resultat")[0].click()
    by_description(form, widgets.Button, "Tilføj aktivitet")[0].click()
    by_description(form, widgets.Text, "Resultat")[0].value = "Ro i timerne"
    [target] = [d for d in by_description(form, widgets.Dropdown, "Fører til")
                if any("Ro i timerne" in label for label, _ in d.options)
                and not any(label.startswith("Det langsigtede") for label, _ in d.options)]
    target.value = next(value for label, value in target.options if "Ro i timerne" in label)
    revision = session.workspace.revision
    by_description(form, widgets.Text, "Resultat")[0].value = "Ro i alle timer"
    assert any("Ro i alle timer" in label for label, _ in target.options)
    assert target.value == session.workspace.get(f"indsatsteorier/{AREA}/resultater")[0]["id"]
    assert session.workspace.revision == revision + 1  # the rename only; refreshing the choices saves nothing


def test_an_implementation_sign_belongs_to_an_activity(lab: Path) -> None:
    import ipywidgets as widgets

    session, form = open_form(lab)
    by_description(form, widgets.Button, "Tilføj aktivitet")[0].click()
    by_description(form, widgets.Text, "Aktivitet")[0].value = "Datamøde hver 6. uge"
    by_description(form, widgets.Button, "Tilføj tegn")[0].click()
    by_description(form, widgets.Dropdown, "Art")[0].value = "implementering"
    [owner] = by_description(form, widgets.Dropdown, "Hører til")  # redrawn: now the activities
    assert [label for label, _ in owner.options] == ["Vælg aktivitet …", "A1: Datamøde hver 6. uge"]
    owner.value = owner.options[1][1]
    [sign] = session.workspace.get(f"indsatsteorier/{AREA}/indikatorer")
    assert (sign["art"], sign["knyttet_til"]) == ("implementering", owner.options[1][1])
    assert "Baseline-år" in [w.description for w in widgets_in(form, widgets.Text)]


def test_a_theory_saved_in_the_first_model_is_migrated_once_when_the_form_opens(lab: Path) -> None:
    from labkit.workspace.store import Workspace

    version_1 = {"problem": "Uro i timerne", "aktiviteter": ["Fælles regler"],
                 "kortsigtede_resultater": ["Reglerne er kendt"], "langsigtede_resultater": ["Ro"],
                 "antagelser": {"aktiviteter_til_kortsigtede": "Kendte regler bliver fulgt"},
                 "indikatorer": [{"beskrivelse": "Ro og orden", "resultat_niveau": "langsigtede"}]}
    workspace = Workspace.open(lab, "061004", "Læringslab 1")
    workspace.set("indsatsomraader/valgte", [AREA])
    workspace.set(f"indsatsteorier/{AREA}", version_1)
    session, _ = open_form(lab)
    stored = session.workspace.get(f"indsatsteorier/{AREA}")
    assert stored["model"] == 2 and "antagelser" not in stored and "kortsigtede_resultater" not in stored
    assert stored["tidligere_antagelser"] == {"aktiviteter_til_kortsigtede": "Kendte regler bliver fulgt"}
    assert [r["tekst"] for r in stored["resultater"]] == ["Reglerne er kendt", "Ro"]
    revision = session.workspace.revision
    open_form(lab)  # a second member opens the same theory: nothing more to migrate
    assert Workspace.open(lab, "061004", "Læringslab 1").revision == revision


def test_in_the_room_an_empty_indsatsteori_links_back_to_the_areas(lab: Path, monkeypatch) -> None:
    import labkit.workshop.indsatsteori as form_module

    shown: list[str] = []
    monkeypatch.setattr(form_module, "display", lambda item: shown.append(item.data))
    monkeypatch.setenv("LABKIT_RUM_SKOLE", "061004")
    session = open_session(str(lab), "061004", interaktiv=True, in_room=True)
    form_module.render_theories(session)
    html = "".join(shown)
    assert "på siden »Indsatsområder«" in html and "Genindlæs derefter denne side." in html
    assert 'href="2_indsatsomraader.ipynb?skole=061004"' in html and "Gå til »Indsatsområder«" in html
    shown.clear()
    form_module.render_theories(open_session(str(lab), "061004", interaktiv=True))
    assert shown and "href=" not in "".join(shown)
