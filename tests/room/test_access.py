"""The room's access codes and the facilitator's cards (issue 11, first building block)."""

from __future__ import annotations

import re
from pathlib import Path

from labkit.data.config import load_config
from labkit.room.access import (
    ACCESS_FILE,
    FACILITATOR,
    access_csv,
    find_access,
    lab_access,
    write_access_sheets,
)

BASE = "http://192.168.1.10:8866"


def test_every_school_and_the_facilitator_get_a_long_secret_code_that_stays(lab: Path) -> None:
    config = load_config(lab)
    accesses = lab_access(config)
    assert [a.who for a in accesses] == [*(s.id for s in config.schools), FACILITATOR]
    codes = [a.code for a in accesses]
    assert len(set(codes)) == len(codes) and all(len(code) >= 22 for code in codes)  # 128 bits, url-safe
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", code) for code in codes)
    assert lab_access(config) == accesses  # kept in the lab, the same next time
    assert (lab / ACCESS_FILE).stat().st_mode & 0o077 == 0  # the lab's account only


def test_renewing_one_code_changes_only_that_one(lab: Path) -> None:
    config = load_config(lab)
    before = {a.who: a.code for a in lab_access(config)}
    after = {a.who: a.code for a in lab_access(config, renew={"061003"})}
    assert after["061003"] != before["061003"]
    assert {k: v for k, v in after.items() if k != "061003"} == {k: v for k, v in before.items() if k != "061003"}


def test_a_code_finds_its_school_and_nothing_else(lab: Path) -> None:
    accesses = lab_access(load_config(lab))
    school = accesses[2]
    assert find_access(accesses, school.code) == school
    assert find_access(accesses, school.code[:-1] + ("A" if school.code[-1] != "A" else "B")) is None
    assert find_access(accesses, "") is None


def test_the_cards_and_the_list_hold_every_link_and_no_markup_from_names(lab: Path) -> None:
    (lab / "lab.yaml").write_text((lab / "lab.yaml").read_text(encoding="utf-8").replace(
        "navn: Engskolen", "navn: Eng<b>skolen</b>"), encoding="utf-8")
    config = load_config(lab)
    accesses = lab_access(config)
    listing = access_csv(accesses, BASE)
    lines = listing.rstrip("\r\n").split("\r\n")
    assert lines[0] == "Institutionsnummer;Skole;Link" and len(lines) == len(accesses) + 1
    assert lines[-1] == f"facilitator;Facilitator;{BASE}/adgang/{accesses[-1].code}"
    cards, listed = write_access_sheets(config, accesses, BASE)
    page = cards.read_text(encoding="utf-8")
    assert page.count("class='kort'") == len(accesses) and page.count("<svg") == len(accesses)
    assert all(f"{BASE}/adgang/{a.code}" in page for a in accesses)
    assert cards.stat().st_mode & 0o077 == 0 and listed.stat().st_mode & 0o077 == 0
    assert listed.read_bytes().decode("utf-8-sig") == listing
    assert "Eng&lt;b&gt;skolen&lt;/b&gt;" in page and "<b>" not in page
