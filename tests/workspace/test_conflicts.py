"""Open conflicts under three editors, and what a killed save leaves behind: no text is dropped when an
editor's conflict entry is brought up to date, and a killed save's temporary file is cleaned up."""

from __future__ import annotations

from pathlib import Path

from labkit.workspace.store import Workspace

SCHOOL = "061001"
FIELD = ("opfoelgning", "Læringslab 1/2", "omraade-1", "noter")


def texts_kept(lab: Path) -> set[object]:
    saved = Workspace.open(lab, SCHOOL)
    return {saved.get(FIELD), *(c["theirs"] for c in saved.conflicts), *(c["ours"] for c in saved.conflicts)}


def test_bringing_an_editors_conflict_up_to_date_keeps_a_third_editors_text(tmp_path: Path) -> None:
    """C's text was the other text in B's conflict; when B typed on, B's entry was replaced and C's last
    text was gone from the file (found by the stress test, tests/workspace/test_stress.py)."""
    a, b, c = (Workspace.open(tmp_path, SCHOOL, session=name) for name in "abc")
    c.set(FIELD, "C's tekst")  # C then closes the tab
    assert b.set(FIELD, "B's første").conflict  # B had not seen C's text: theirs = C's
    assert a.set(FIELD, "A's tekst").conflict
    assert b.set(FIELD, "B's anden").conflict  # B's entry is brought up to date
    assert {"C's tekst", "A's tekst", "B's anden"} <= texts_kept(tmp_path)


def test_a_text_its_author_has_replaced_is_not_kept_twice(tmp_path: Path) -> None:
    """The other side of the rule above: two people typing in turns keep one entry each (not one per key)."""
    a, b = (Workspace.open(tmp_path, SCHOOL, session=name) for name in "ab")
    for n in range(30):
        a.set(FIELD, f"A {n}")
        b.set(FIELD, f"B {n}")
    saved = Workspace.open(tmp_path, SCHOOL)
    assert len(saved.conflicts) <= 2 and {"A 29", "B 29"} <= texts_kept(tmp_path)


def test_a_save_cleans_up_after_a_save_that_was_killed_halfway(tmp_path: Path) -> None:
    workspace = Workspace.open(tmp_path, SCHOOL)
    workspace.set(FIELD, "første")
    workspace.set(FIELD, "anden")
    folder = tmp_path / "arbejde"
    # What a kernel killed inside `write_atomically` leaves: a temporary file beside the file and a version.
    leftovers = [folder / f".{SCHOOL}.json.k1ll3d.tmp", folder / ".versioner" / SCHOOL / ".000001.json.k1ll3d.tmp"]
    for path in leftovers:
        path.write_text('{"halv', encoding="utf-8")
    others = [folder / ".valgt_skole.json", folder / ".061002.json.andenskole.tmp"]  # not this school's
    for path in others:
        path.write_text("{}", encoding="utf-8")
    workspace.set(FIELD, "tredje")
    assert [path for path in leftovers if path.exists()] == []
    assert all(path.exists() for path in others)
    assert Workspace.open(tmp_path, SCHOOL).get(FIELD) == "tredje"


def test_settling_another_conflict_in_the_field_is_not_typing_over_ones_own_text(tmp_path: Path) -> None:
    """E's text was the other text in X's conflict. E then settled a different conflict in the same field
    (between X's and Y's texts), which was counted as E typing the field again, so X's next collision
    dropped E's text (found by the stress test with kills four times as often)."""
    e, x, y = (Workspace.open(tmp_path, SCHOOL, session=name) for name in "exy")
    e.set(FIELD, "E's tekst")
    assert x.set(FIELD, "X's første").conflict  # X had not seen E's text
    assert y.set(FIELD, "Y's første").conflict
    e.pull_conflicts()
    settled = [c["ours"] for c in e.conflicts].index("Y's første")
    assert e.resolve_conflict(settled, "theirs").message is None  # E keeps X's text in Y's conflict
    assert y.set(FIELD, "Y's anden").conflict
    assert x.set(FIELD, "X's anden").conflict  # X's entry is brought up to date
    assert {"E's tekst", "Y's anden", "X's anden"} <= texts_kept(tmp_path)

