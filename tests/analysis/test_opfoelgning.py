"""Follow-up at Læringslab 2: a theory saved at lab 1 set against a new school year of data.

The lab cycle is simulated on a copy of the sample municipality: at lab 1 the team saves an
indsatsteori with three kvalitetsrapport signs (baselines filled from the published figures) and
targets; then a new school year 2026/2027 arrives in which absence clearly falls, general wellbeing
moves within normal variation, and ro og orden is hidden (too few answers), and lab.yaml moves on to
Læringslab 2.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from labkit.analysis.opfoelgning import (
    IMPROVED,
    NO_NEW_FIGURES,
    NORMAL_VARIATION,
    NOT_PUBLISHED,
    OWN_ASSESSMENT,
    TARGET_REACHED,
    follow_up,
    follow_up_sign,
    observation_path,
    snapshot_path,
    theory_changes,
)
from labkit.data.indsatsteori import (
    GOAL_ID,
    IMPLEMENTATION,
    PUPILS,
    Aktivitet,
    Evaluering,
    FocusArea,
    Indsatsteori,
    Resultat,
    Tegn,
    indicator_source,
    new_sign_id,
    prefill_baseline,
    with_sign_ids,
)
from labkit.data.lab import Lab, load_lab
from labkit.numbers import first_number_in
from labkit.workshop.opfoelgning import ensure_snapshot
from labkit.workspace.store import Workspace

ROOT = Path(__file__).resolve().parents[2]
SCHOOL, AREA = "061001", "klasseledelse"
LAB_1, LAB_2 = "Læringslab 1", "Læringslab 2"
HIDDEN_VALUE, HIDDEN_N = "4,7", "3"  # ro og orden 2026/2027: below the lab's minimum of 5 answers
NEW_YEAR = f"""\ufeffInstitutionsnummer;Skoleår;Indikator;Gruppe;Niveau;Værdi;Antal
{SCHOOL};2026/2027;Samlet elevfravær;;Skole;3,4;
{SCHOOL};2026/2027;Generel trivsel;Udskoling;Skole;3,7;133
{SCHOOL};2026/2027;Ro og orden;Mellemtrin;Skole;{HIDDEN_VALUE};{HIDDEN_N}
"""
OBSERVATION = "Færre elever kommer for sent efter frikvarteret; 5.b har fået fælles morgenstart."
NEW_ACTIVITY = "Fælles morgenstart i alle klasser"


def lab_1_theory(lab_folder: Path) -> Indsatsteori:
    """The theory as a team writes it at lab 1: baselines from the latest published figures."""
    lab = load_lab(lab_folder)
    signs = [Tegn("Mindre fravær", indicator_source("fravaer"), maal="5 %", hvornaar="2026/2027"),
             Tegn("Bedre generel trivsel i udskolingen", indicator_source("generel_trivsel", "Udskoling"),
                  maal="3,8", hvornaar="2026/2027"),
             Tegn("Mere ro i timerne på mellemtrinnet", indicator_source("ro_orden", "Mellemtrin"),
                  maal="4,0", hvornaar="2026/2027"),
             Tegn("Eleverne møder til tiden", maal="Næsten alle")]
    filled = [prefill_baseline(sign, lab.kvalitet, SCHOOL)[0] for sign in signs]
    return Indsatsteori(focus_area=FocusArea(AREA, "Klasseledelse"), problem="Uro og fravær i timerne.",
                        langsigtet_maal="Alle elever lærer i rolige klasser.",
                        aktiviteter=[Aktivitet("Fælles regler i alle klasser", id="a1")], indikatorer=filled,
                        evaluering=Evaluering("Kvalitetsrapport og observation", "Ved læringslab 2", "Ledelsen"))


@pytest.fixture(scope="module")
def cycle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample lab after lab 1 → lab 2: saved theory, new data, snapshot, observation and a revision."""
    lab = tmp_path_factory.mktemp("opfoelgning") / "lab"
    shutil.copytree(ROOT / "sample_data", lab)
    workspace = Workspace.open(lab, SCHOOL, LAB_1)
    workspace.set("indsatsomraader/valgte", [AREA])
    workspace.set(f"indsatsteorier/{AREA}", lab_1_theory(lab).to_dict())

    (lab / "data" / "kvalitet_2026_2027.csv").write_text(NEW_YEAR, encoding="utf-8")
    config = (lab / "lab.yaml").read_text(encoding="utf-8")
    (lab / "lab.yaml").write_text(config.replace(f"laboratorium: {LAB_1}", f"laboratorium: {LAB_2}")
                                  .replace('skoleår: "2025/2026"', 'skoleår: "2026/2027"'), encoding="utf-8")

    workspace = Workspace.open(lab, SCHOOL, LAB_2)
    assert ensure_snapshot(workspace, LAB_2, AREA)  # the follow-up notebook opens the theory in lab 2
    workspace.set(observation_path(LAB_2, AREA, "0"), OBSERVATION)
    workspace.set(f"indsatsteorier/{AREA}/aktiviteter", [{"id": "a1", "beskrivelse": "Fælles regler i alle klasser"},
                                                          {"id": "a2", "beskrivelse": NEW_ACTIVITY}])
    assert not ensure_snapshot(workspace, LAB_2, AREA)  # later openings keep the copy from the start of lab 2
    return lab


def test_at_lab_1_there_is_nothing_new_to_judge(tmp_path: Path) -> None:
    lab = tmp_path / "lab"
    shutil.copytree(ROOT / "sample_data", lab)
    data = load_lab(lab)
    items = follow_up(lab_1_theory(lab), data.kvalitet, data.catalogue, SCHOOL)
    # Absence's baseline is 2024/2025 because 2025/2026 is hidden: the one later figure is not published.
    assert [item.verdict for item in items] == [NOT_PUBLISHED, NO_NEW_FIGURES, NO_NEW_FIGURES, OWN_ASSESSMENT]


def test_verdicts_at_lab_2(cycle: Path) -> None:
    lab = load_lab(cycle)
    theory = Indsatsteori.from_dict(Workspace.open(cycle, SCHOOL, LAB_2).get(f"indsatsteorier/{AREA}"))
    absence, wellbeing, calm, own = follow_up(theory, lab.kvalitet, lab.catalogue, SCHOOL)

    assert absence.codes == (IMPROVED, TARGET_REACHED)
    assert (absence.baseline_year, absence.latest_year) == ("2024/2025", "2026/2027")  # 2025/2026 was hidden
    assert "sandsynligvis en reel forbedring" in absence.text and "Målet (5 %) er nået" in absence.text

    assert wellbeing.codes == (NORMAL_VARIATION,)
    assert wellbeing.target_reached is False
    assert "n = 133" in wellbeing.text and "inden for, hvad tallet normalt svinger" in wellbeing.text
    assert wellbeing.years == 1 and wellbeing.baseline_year == "2025/2026"  # measured from the baseline year

    assert calm.verdict == NOT_PUBLISHED
    assert calm.latest != calm.latest  # NaN: the hidden figure is not carried
    assert "ikke offentliggjort" in calm.text and "for få elever" in calm.text
    numbers = re.findall(r"\d+(?:,\d+)?", calm.text)
    assert HIDDEN_VALUE not in numbers and "4.7" not in calm.text and f"n = {HIDDEN_N}" not in calm.text

    assert own.verdict == OWN_ASSESSMENT and "set og hørt" in own.text


def test_the_trend_before_the_baseline_is_not_the_teams_effect(sample: Lab) -> None:
    """Engskolen's absence fell from 9,2 % to 5,4 % before the baseline (2024/2025). A next year at the
    baseline's level is no effect of the team's actions, however clear the earlier fall was."""
    new_rows = pd.DataFrame([
        {"school_id": SCHOOL, "school_name": "Engskolen", "level": "skole", "school_year": "2026/2027",
         "indicator": "fravaer", "group": "", "value": 5.5, "n": pd.NA, "status": "offentliggjort",
         "source": "ny.csv", "row": 2, "column": "Værdi"},
        {"school_id": "", "school_name": "", "level": "kommune", "school_year": "2026/2027",
         "indicator": "fravaer", "group": "", "value": 7.2, "n": pd.NA, "status": "offentliggjort",
         "source": "ny.csv", "row": 3, "column": "Værdi"}])
    table = pd.concat([sample.kvalitet, new_rows], ignore_index=True)
    sign = Tegn("Mindre fravær", indicator_source("fravaer"), baseline="5,4", baseline_aar="2024/2025")
    item = follow_up_sign(0, sign, table, sample.catalogue, SCHOOL)
    assert item.verdict == NORMAL_VARIATION and item.years == 1
    assert "gik fra 5,4 % i 2024/2025 (baseline) til 5,5 % i 2026/2027" in item.text


def test_revision_is_listed_and_versions_are_kept(cycle: Path) -> None:
    workspace = Workspace.open(cycle, SCHOOL, LAB_2)
    before = Indsatsteori.from_dict(workspace.get(snapshot_path(LAB_2, AREA)))
    after = Indsatsteori.from_dict(workspace.get(f"indsatsteorier/{AREA}"))
    assert theory_changes(before, after) == [f"Aktivitet tilføjet: »{NEW_ACTIVITY}«"]
    assert workspace.get(observation_path(LAB_2, AREA, "0")) == OBSERVATION
    assert len(list(workspace.versions_folder.glob("*.json"))) >= 4  # every save kept in .versioner/


def buttons(widget: object, description: str) -> list:
    """The buttons with this text anywhere inside a widget tree (what a team member clicks)."""
    import ipywidgets as widgets

    found = []
    if isinstance(widget, widgets.Button) and widget.description == description:
        found.append(widget)
    for child in getattr(widget, "children", ()):
        found += buttons(child, description)
    return found


def test_an_observation_stays_with_its_sign_when_another_is_removed(cycle: Path, tmp_path: Path) -> None:
    """At lab 2 the team writes what it saw for two signs, then drops the first sign in the form:
    the second sign's observation must stay the second sign's, not move to the next one."""
    from labkit.workshop.indsatsteori import theory_form
    from labkit.workspace.session import open_session

    lab = tmp_path / "lab"
    shutil.copytree(cycle, lab)
    for lock in (lab / "arbejde").glob("*.lock"):
        lock.unlink()
    wellbeing_seen = "Eleverne i udskolingen siger, at frikvartererne er blevet roligere."
    Workspace.open(lab, SCHOOL, LAB_2).set(observation_path(LAB_2, AREA, "1"), wellbeing_seen)

    session = open_session(str(lab), SCHOOL, interaktiv=True)
    form = theory_form(session, AREA, "Klasseledelse")
    buttons(form, "Fjern")[-4].click()  # the absence sign goes (the signs are the form's last list)
    buttons(form, "Tilføj tegn")[0].click()

    data = load_lab(lab)
    workspace = Workspace.open(lab, SCHOOL, LAB_2)
    theory = Indsatsteori.from_dict(workspace.get(f"indsatsteorier/{AREA}"))
    items = follow_up(theory, data.kvalitet, data.catalogue, SCHOOL)
    seen = {item.sign.beskrivelse: workspace.get(observation_path(LAB_2, AREA, item.key)) for item in items}
    assert seen["Bedre generel trivsel i udskolingen"] == wellbeing_seen
    assert OBSERVATION not in seen.values()  # the dropped sign's text is kept on disk, shown with no sign
    assert workspace.get(observation_path(LAB_2, AREA, "0")) == OBSERVATION
    assert [item.key for item in items][:3] == ["1", "2", "3"] and items[3].key.startswith("t")


def test_sign_ids() -> None:
    legacy = [{"beskrivelse": "a"}, {"beskrivelse": "b", "id": "t1a2b3c4d"}, {"beskrivelse": "c"}]
    assert [s["id"] for s in with_sign_ids(legacy)] == ["0", "t1a2b3c4d", "2"]
    assert "id" not in legacy[0]  # the saved list is not changed in place
    fresh = {new_sign_id() for _ in range(50)}
    assert len(fresh) == 50 and all(i.startswith("t") for i in fresh)
    assert Tegn.from_dict({"beskrivelse": "x", "id": "t9"}).id == "t9" and Tegn.from_dict({}).id == ""


def test_theory_changes_names_fields_items_and_signs() -> None:
    before = Indsatsteori(
        problem="Uro", kontekst="Ny ledelse",
        resultater=[Resultat("Ro i timerne", "mellemlange", PUPILS, GOAL_ID, id="r1"),
                    Resultat("Færre konflikter", "kortsigtede", PUPILS, "r1", id="r2")],
        aktiviteter=[Aktivitet("Fælles regler", "Ledelsen", foerer_til="r1", fordi="Regler giver ro", id="a1")],
        indikatorer=[Tegn("Ro", maal="3,8", knyttet_til="r1", id="t1"), Tegn("Fravær", id="t2")])
    after = Indsatsteori(
        problem="Uro i udskolingen", maalgruppe="7.–9. klasse",
        resultater=[Resultat("Ro i timerne", "mellemlange", PUPILS, GOAL_ID, id="r1")],
        aktiviteter=[Aktivitet("Fælles regler", "AKT-vejlederen", foerer_til="r1", fordi="Regler giver ro", id="a1"),
                     Aktivitet("Morgenstart", id="a2")],
        risici=["Vikarmangel"],
        indikatorer=[Tegn("Ro", maal="4,0", knyttet_til="r1", id="t1"),
                     Tegn("Regler hænger i alle klasser", art=IMPLEMENTATION, knyttet_til="a1", id="t3")])
    assert theory_changes(before, after) == [
        "Problem er ændret fra »Uro« til »Uro i udskolingen«",
        "Målgruppe er tilføjet: »7.–9. klasse«",
        "Resultat fjernet: »Færre konflikter«",
        "Aktivitet »Fælles regler«: ansvarlig ændret fra »Ledelsen« til »AKT-vejlederen«",
        "Aktivitet tilføjet: »Morgenstart«",
        "Risici: tilføjet »Vikarmangel«",
        "Kontekst er fjernet (var »Ny ledelse«)",
        "Tegn »Ro«: mål ændret fra »3,8« til »4,0«",
        "Tegn tilføjet: »Regler hænger i alle klasser«",
        "Tegn fjernet: »Fravær«",
    ]
    assert theory_changes(after, after) == []


def test_a_version_1_snapshot_compares_with_the_migrated_theory_without_false_changes() -> None:
    version_1 = {"problem": "Uro", "aktiviteter": ["Fælles regler"], "kortsigtede_resultater": ["Ro"],
                 "antagelser": {"aktiviteter_til_kortsigtede": "Regler giver ro"}}
    migrated_and_saved = Indsatsteori.from_dict(Indsatsteori.from_dict(version_1).to_dict())
    assert theory_changes(Indsatsteori.from_dict(version_1), migrated_and_saved) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("3,8", 3.8), ("85 %", 85.0), ("100,0 %", 100.0), ("2.351", 2351.0), ("ca. 1.000,5 elever", 1000.5),
    ("mindst 95%", 95.0), ("3.8", 3.8), ("\u22120,5", -0.5), ("under 5 % i 2027", 5.0), ("flere", None), ("", None),
])
def test_danish_target_parsing(text: str, expected: float | None) -> None:
    assert first_number_in(text) == expected


@pytest.mark.slow
def test_handout_at_lab_2_shows_the_follow_up(cycle: Path) -> None:
    from labkit.handout.render import render_lab

    report = render_lab(cycle, formats=("html",), schools=[SCHOOL], progress=False)
    assert not report.failed, report.summary()
    html = next((cycle / "uddelingsark").glob(f"{SCHOOL}_*.html")).read_text(encoding="utf-8")
    assert "Opfølgning på indsatsteorien" in html
    assert "sandsynligvis en reel forbedring" in html
    assert "Aktivitet tilføjet: »Fælles morgenstart i alle klasser«" in html.replace("&raquo;", "»").replace(
        "&laquo;", "«")
    assert "Færre elever kommer for sent" in html


def test_the_follow_up_uses_the_same_reference_and_robustness_as_every_verdict(kbh: Lab) -> None:
    """Copenhagen's trivsel file has no kommune figures: the change since baseline is set against the
    median school, as every other verdict is. Bellahøj's grades fell to 6,1 in 2025/2026 alone: no effect
    is claimed on that one year."""
    wellbeing = follow_up_sign(0, Tegn("Trivsel", indicator_source("generel_trivsel", "Mellemtrin"),
                                       baseline_aar="2023/2024"), kbh.kvalitet, kbh.catalogue, "101001")
    assert wellbeing.verdict == NORMAL_VARIATION
    assert "Set i forhold til midten af skolerne i data" in wellbeing.text
    assert "Midten af skolerne i data steg 0,1 point i samme periode." in wellbeing.text
    grades = follow_up_sign(0, Tegn("Karakterer", indicator_source("karaktergennemsnit"), baseline_aar="2022/2023"),
                            kbh.kvalitet, kbh.catalogue, "101011")
    assert grades.verdict == NORMAL_VARIATION and not grades.robust and grades.years == 3
    assert "0,0 point" not in grades.text + wellbeing.text


def test_a_lab_1_handout_says_the_follow_up_comes_later_instead_of_an_empty_table(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample team (Hedelundskolen) has a finished Læringslab 1 with own-observation signs: at lab 1
    there is nothing to follow up, so the section says when it comes, not »Ingen nye tal« per sign."""
    import labkit.views.opfoelgning as followup
    from labkit.workspace.session import open_session

    lab = tmp_path / "lab"
    shutil.copytree(ROOT / "sample_data", lab)
    said: list[str] = []
    drawn: list[str] = []
    monkeypatch.setattr(followup, "show_callout", lambda text, *args: said.append(text))
    monkeypatch.setattr(followup, "render_area_static", lambda session, area_id, *args, **kw: drawn.append(area_id))
    followup.render_followup_handout(open_session(str(lab), "061006", interaktiv=False))
    assert drawn == [] and len(said) == 1 and "kommer på næste læringslab" in said[0]
