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
