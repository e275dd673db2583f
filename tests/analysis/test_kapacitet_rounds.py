"""Interview rounds compared across labs, end to end: workbooks with two rounds → the lab → the comparison
→ the text the notebook and the handout show. Changes are judged like every other verdict: Holm over all
of a school's comparisons, »ingen sikker forskel« when it does not hold, never »sure« for consensus."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from labkit.analysis.kapacitet_rounds import compare_rounds, notable_changes
from labkit.data.instrument import DEFAULT_INSTRUMENT, Instrument, load_instrument
from labkit.data.kapacitet_workbook import write_entry_workbook
from labkit.data.lab import load_lab
from labkit.data.synthetic import SAMPLE_SCHOOLS, SMALL
from labkit.data.synthetic_kapacitet import synthetic_kapacitet
from labkit.views.kapacitet import render_kapacitet, round_comparison_html
from labkit.workspace.session import open_session

SCHOOL = "061004"  # Kirkebakkeskolen: one round in the sample lab


@pytest.fixture(scope="module")
def instrument() -> Instrument:
    return load_instrument(DEFAULT_INSTRUMENT)


def _raised(ratings: pd.DataFrame, instrument: Instrument, dimension: str, by: int) -> pd.DataFrame:
    statements = {s.id for s in instrument.statements if s.dimension == dimension}
    raised = ratings["rating"] + ratings["statement"].isin(statements) * by
    return ratings.assign(rating=raised.clip(instrument.scale.min, instrument.scale.max))


def second_round_workbook(lab: Path, instrument: Instrument, by: int) -> None:
    """The next lab's workbook beside the first: Kirkebakkeskolen again, »Brug af data« `by` points higher."""
    schools = [(s.nr, s.navn) for s in SAMPLE_SCHOOLS]
    ratings, _ = synthetic_kapacitet(instrument, schools, seed=2026, small_school=SMALL)
    again = _raised(ratings.loc[ratings["school_id"] == SCHOOL].assign(round=2), instrument, "data", by)
    write_entry_workbook(lab / "data" / "kapacitetsinterview_runde2.xlsx", instrument, schools, again)


def test_a_repeat_interview_at_a_later_lab_is_compared_with_the_first(lab: Path, instrument: Instrument) -> None:
    second_round_workbook(lab, instrument, 2)
    loaded = load_lab(lab)
    assert not [p for p in loaded.problems if "står også i" in p.message]  # another round is no overlap
    assert loaded.kapacitet is not None
    assert set(loaded.kapacitet.profile.loc[loaded.kapacitet.profile["school_id"] == SCHOOL, "round"]) == {2}

    comparison = compare_rounds(loaded.kapacitet.rounds, SCHOOL, loaded.instrument)
    assert comparison is not None and (comparison.first, comparison.last) == (1, 2)
    changes = comparison.changes.set_index(["dimension", "group"])
    assert changes.loc[("data", "laerere"), "clear"] and changes.loc[("data", "laerere"), "change"] > 1
    assert not changes.drop(index="data", level="dimension")["clear"].any()  # nothing else moved

    html = round_comparison_html(open_session(str(lab), SCHOOL, interaktiv=False))
    assert "<h3>Fra runde 1 til runde 2</h3>" in html
    assert "Lærerne vurderer »Brug af data«" in html and "højere end i runde 1" in html
    assert "Ændringen holder, også når alle grupper og dimensioner ses på én gang." in html
    assert "→" in html and "<caption>" in html


def test_a_small_change_is_no_sure_difference(lab: Path, instrument: Instrument) -> None:
    second_round_workbook(lab, instrument, 0)
    loaded = load_lab(lab)
    assert loaded.kapacitet is not None
    comparison = compare_rounds(loaded.kapacitet.rounds, SCHOOL, loaded.instrument)
    assert comparison is not None and not comparison.changes["clear"].any()
    assert "viser en sikker forskel" in comparison.summary and comparison.summary.startswith("Ingen af de")
    assert notable_changes(comparison) == []
    assert all("uændret" in text for text in comparison.changes["text"])


def test_the_notebook_shows_the_latest_round_and_the_comparison(
    lab: Path, instrument: Instrument, monkeypatch: pytest.MonkeyPatch
) -> None:
    import labkit.views.display
    import labkit.views.kapacitet

    second_round_workbook(lab, instrument, 2)
    session = open_session(str(lab), SCHOOL, interaktiv=False)
    shown: list[object] = []
    for module in (labkit.views.display, labkit.views.kapacitet):
        monkeypatch.setattr(module, "display", shown.append)
    render_kapacitet(session)
    html = "".join(str(getattr(output, "data", "")) for output in shown)
    assert "Fra runde 1 til runde 2" in html
    assert "gennemsnit pr. dimension og gruppe (runde 2)" in html  # the heatmap's title, in its alt text


def test_the_sample_lab_shows_a_second_round_for_one_school() -> None:
    root = Path(__file__).resolve().parents[2] / "sample_data"
    compared = open_session(str(root), "061001", interaktiv=False)
    html = round_comparison_html(compared)
    assert "Fra runde 1 til runde 2" in html and "Lærerne vurderer »Brug af data«" in html
    assert round_comparison_html(open_session(str(root), SCHOOL, interaktiv=False)) == ""


def test_consensus_rounds_are_never_called_sure(tmp_path: Path) -> None:
    from labkit.data.kapacitet import read_kapacitet_workbook

    text = DEFAULT_INSTRUMENT.read_text(encoding="utf-8").replace("vurdering: individuel", "vurdering: konsensus")
    (tmp_path / "kapacitetsinterview.yaml").write_text(text, encoding="utf-8")
    instrument = load_instrument(tmp_path / "kapacitetsinterview.yaml")
    rows = [("101001", round_, group, "Gruppe", people, s.id, 2 + round_ * (s.dimension == "data"))
            for round_ in (1, 2) for group, people in (("laerere", 9), ("ledelse", 5)) for s in instrument.statements]
    ratings = pd.DataFrame(rows, columns=["school_id", "round", "group", "respondent", "people", "statement", "rating"])
    write_entry_workbook(tmp_path / "konsensus.xlsx", instrument, [("101001", "Skolen")], ratings)
    data, problems = read_kapacitet_workbook(tmp_path / "konsensus.xlsx", instrument, {"101001": "Skolen"}, 5)
    assert problems == [] and data is not None
    comparison = compare_rounds(data.rounds, "101001", instrument)
    assert comparison is not None and not comparison.changes["clear"].any()
    assert "kan ikke sige, om en ændring er sikker" in comparison.summary
    texts = notable_changes(comparison)
    assert texts and all("fælles vurdering, én pr. runde" in t for t in texts)


def test_the_notebook_says_when_ratings_are_consensus(lab: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    import labkit.views.display
    import labkit.views.kapacitet
    from labkit.analysis.kapacitet import CONSENSUS_CAVEAT
    from labkit.data.templates import BUNDLED_TEMPLATES
    from labkit.views.kapacitet import CONSENSUS_NOTE

    shutil.copytree(BUNDLED_TEMPLATES, lab / "skabeloner")
    own = lab / "skabeloner" / "kapacitetsinterview.yaml"
    own.write_text(own.read_text(encoding="utf-8").replace("vurdering: individuel", "vurdering: konsensus"),
                   encoding="utf-8")
    (lab / "lab.yaml").write_text((lab / "lab.yaml").read_text(encoding="utf-8") + "skabeloner: skabeloner\n",
                                  encoding="utf-8")
    instrument = load_instrument(own)
    rows = [(SCHOOL, group, "Gruppe", people, s.id, rating)
            for group, people, rating in (("laerere", 9, 2), ("ledelse", 4, 5), ("paedagoger", 6, 4))
            for s in instrument.statements]
    ratings = pd.DataFrame(rows, columns=["school_id", "group", "respondent", "people", "statement", "rating"])
    write_entry_workbook(lab / "data" / "kapacitetsinterview.xlsx", instrument,
                         [(s.nr, s.navn) for s in SAMPLE_SCHOOLS], ratings)
    shown: list[object] = []
    for module in (labkit.views.display, labkit.views.kapacitet):
        monkeypatch.setattr(module, "display", shown.append)
    render_kapacitet(open_session(str(lab), SCHOOL, interaktiv=False))
    html = "".join(str(getattr(output, "data", "")) for output in shown)
    assert CONSENSUS_NOTE in html and CONSENSUS_CAVEAT in html
    assert "Pædagogerne vurderer" in html and "Ledelsen vurderer" not in html  # four leaders: hidden


def test_the_round_chart_draws_an_arrow_per_compared_group_and_bolds_the_sure_ones(lab: Path,
                                                                                   instrument: Instrument) -> None:
    from labkit.figures.kapacitet import round_change_chart
    from labkit.views.display import figure_caption

    second_round_workbook(lab, instrument, 2)
    loaded = load_lab(lab)
    assert loaded.kapacitet is not None
    comparison = compare_rounds(loaded.kapacitet.rounds, SCHOOL, loaded.instrument)
    assert comparison is not None
    groups = {g.id: g.name for g in instrument.groups}
    dimensions = {d.id: d.name for d in instrument.dimensions}
    figure = round_change_chart(comparison.changes, groups, dimensions, 1, 2)
    arrows = [patch for a in figure.axes[0].texts if (patch := getattr(a, "arrow_patch", None)) is not None]
    assert len(arrows) == len(comparison.changes)
    bold = [patch for patch in arrows if patch.get_linewidth() > 2]
    assert len(bold) == int(comparison.changes["clear"].sum()) >= 1
    assert figure_caption(figure) == "Fra runde 1 til runde 2: hver gruppes gennemsnit"
    empty = round_change_chart(comparison.changes.iloc[0:0], groups, dimensions, 1, 2)
    assert "Ingen gruppe kan sammenlignes" in " ".join(t.get_text() for t in empty.axes[0].texts)
