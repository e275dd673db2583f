"""The room in headless Chromium: six teams and the facilitator on one `labkit serve` at once (issue 11).

Each team opens its own link and goes from its data to a saved indsatsteori with æøå text, without a
line of code or English on its pages; the facilitator's board follows; the server is killed midway
and every saved text is back after a reload. Two members of one team typing in the same field keep
both texts, and the conflict stays on screen until one of them keeps a text.

Needs Debian's chromium (`.ci/run` installs it) and Python Playwright; in CI a missing browser fails.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_FLAGS, require_browser
from tests.room.conftest import RoomServer

FRESH_TEAMS = ("061001", "061002", "061003", "061004", "061005")  # nothing saved yet in the sample
DONE_TEAM = "061006"  # Hedelundskolen: its Læringslab 1 is in the sample; it revises its theory
AREAS = ("Fremmøde og fravær", "Ro, struktur og klasseledelse")
PROBLEM = "Hvad er udfordringen, og hvad i jeres data viser den?"
# Words of Voilà's, JupyterLab's or Python's own that must never reach a participant.
ENGLISH = re.compile(r"\b(Error|Loading|Running|Executing|Kernel|Restart|Please|Overwrite|Cancel|Warning|"
                     r"Traceback|undefined|null|None|True|False|Output\(\)|widget)\b")
CODE = re.compile(r"(\blk\.|import |session = |def |lab_mappe|interaktiv)")

pytestmark = [pytest.mark.browser, pytest.mark.chromium, pytest.mark.slow]


require_browser()

from playwright.sync_api import Browser, Page, expect, sync_playwright


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def new_page(browser: Browser) -> Page:
    page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="da-DK").new_page()
    page.set_default_timeout(180_000)
    return page


def open_step(pages: dict[str, Page], server: RoomServer, notebook: str) -> float:
    """Open a step on every page at once (the teams start together); seconds until the last one shows."""
    started = time.monotonic()
    for page in pages.values():
        page.goto(f"{server.url}/voila/render/{notebook}.ipynb", wait_until="commit")
    for page in pages.values():
        page.wait_for_selector("#rendered_cells", state="visible")
        page.wait_for_selector(".jupyter-widgets")
    return time.monotonic() - started


def saved(server: RoomServer, school: str) -> dict:
    path = server.lab / "arbejde" / f"{school}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"data": {}, "conflicts": []}


def wait_saved(server: RoomServer, school: str, check: object, seconds: float = 30) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        document = saved(server, school)
        if check(document):  # type: ignore[operator]
            return document
        assert time.monotonic() < deadline, (school, document.get("data"))
        time.sleep(0.2)


def assert_danish_without_code(page: Page, where: str) -> None:
    text = page.inner_text("body")
    assert not ENGLISH.findall(text), (where, ENGLISH.findall(text)[:5])
    assert not CODE.findall(text), (where, CODE.findall(text)[:5])
    assert not page.locator(".jp-CodeCell .jp-InputArea:visible, .jp-InputArea-editor:visible").count(), where


def problem_text(school: str, name: str) -> str:
    return f"{name}: roen i timerne er faldet – især i udskolingen. Vi prøver noget nyt, æøå ÆØÅ!"


def test_six_teams_and_the_facilitator_work_at_once_and_a_restart_loses_nothing(
        browser: Browser, room_server: RoomServer) -> None:
    names = {}
    teams: dict[str, Page] = {}
    for school in (*FRESH_TEAMS, DONE_TEAM):
        page = new_page(browser)
        page.goto(room_server.links[school])  # the printed link: the code leaves the address bar
        assert "/adgang/" not in page.url
        names[school] = page.locator("h1").inner_text()
        expect(page.get_by_role("link", name="Indsatsteori")).to_be_visible()
        assert_danish_without_code(page, f"{school} forside")
        teams[school] = page
    facilitator = new_page(browser)
    facilitator.goto(room_server.links["facilitator"])
    expect(facilitator.get_by_role("link", name="Tavlen")).to_be_visible()

    # Step 1, the data, on all six at once: the figures and the summary, in Danish.
    seconds = open_step(teams, room_server, "1_data_og_analyse")
    print(f"\nSeks teams åbner »Jeres data« samtidig: {seconds:.1f} s")
    for school, page in teams.items():
        expect(page.locator("h2", has_text=names[school]).first).to_be_visible()
        expect(page.locator("img").first).to_be_visible()
        assert_danish_without_code(page, f"{school} data")

    # Step 2: five teams choose two areas and say why (the sixth chose at its Læringslab 1).
    fresh = {s: teams[s] for s in FRESH_TEAMS}
    open_step(fresh, room_server, "2_indsatsomraader")
    for school, page in fresh.items():
        for area in AREAS:
            page.get_by_role("checkbox", name=area).check()
        page.get_by_placeholder(f"Hvorfor vælger I »{AREAS[0]}«? Hvad i data peger på det?").fill(
            f"Fraværet på {names[school]} falder ikke af sig selv – æøå.")
        assert_danish_without_code(page, f"{school} indsatsområder")
    for school in FRESH_TEAMS:
        wait_saved(room_server, school, lambda d: d["data"].get("indsatsomraader", {}).get("valgte") ==
                   ["fremmoede", "klasseledelse"])

    # Step 3: every team writes the problem of its first area.
    seconds = open_step(teams, room_server, "3_indsatsteori")
    print(f"Seks teams åbner »Indsatsteori« samtidig: {seconds:.1f} s")
    for school, page in teams.items():
        page.get_by_placeholder(PROBLEM).first.fill(problem_text(school, names[school]))
        assert_danish_without_code(page, f"{school} indsatsteori")
    for school in teams:
        first = "fremmoede" if school in FRESH_TEAMS else "faglig_progression"
        wait_saved(room_server, school, lambda d, s=school, f=first: d["data"].get("indsatsteorier", {}).get(f, {})
                   .get("problem") == problem_text(s, names[s]))

    # The facilitator's board: every school's pages are open, areas chosen and a theory drafted.
    facilitator.goto(f"{room_server.url}/tavle")
    rows = facilitator.locator("#skoler tr")
    expect(rows).to_have_count(6)
    for school in teams:
        row = rows.filter(has_text=names[school])
        expect(row).to_contain_text("side")  # »1 side åben«
        cells = row.locator("td")
        expect(cells.nth(3)).to_have_text("Ja")  # Indsatsområder valgt
        expect(cells.nth(4)).to_have_text("Ja")  # Indsatsteori skrevet

    # The server dies (power, lunch): each page says so in Danish, and a reload brings everything back.
    room_server.restart()
    page = teams[FRESH_TEAMS[0]]
    expect(page.locator("#labkit-forbindelse")).to_contain_text("Genindlæs siden", timeout=20_000)
    started = time.monotonic()
    for school, page in teams.items():
        page.reload(wait_until="commit")
    for school, page in teams.items():
        page.wait_for_selector("#rendered_cells", state="visible")
        expect(page.get_by_placeholder(PROBLEM).first).to_have_value(problem_text(school, names[school]))
    print(f"Seks sider tilbage efter genstart: {time.monotonic() - started:.1f} s")
    for page in (*teams.values(), facilitator):
        page.context.close()


def test_two_members_typing_in_the_same_field_keep_both_texts_until_one_is_kept(
        browser: Browser, room_server: RoomServer) -> None:
    school = FRESH_TEAMS[2]
    from labkit.workspace.store import Workspace

    # The team has chosen its areas (also when this test runs on its own).
    Workspace.open(room_server.lab, school, session="forberedt").set("indsatsomraader/valgte", ["fremmoede", "klasseledelse"])
    first, second = new_page(browser), new_page(browser)
    members = {"første": first, "anden": second}
    for page in members.values():
        page.goto(room_server.links[school])
    open_step(members, room_server, "3_indsatsteori")
    ours, theirs = "Teksten fra den første – æøå", "Teksten fra den anden – ÆØÅ"
    first.get_by_placeholder(PROBLEM).first.fill(ours)
    second.get_by_placeholder(PROBLEM).first.fill(theirs)
    document = wait_saved(room_server, school, lambda d: d["conflicts"])
    texts = {document["data"]["indsatsteorier"]["fremmoede"]["problem"],
             *(c["theirs"] for c in document["conflicts"]), *(c["ours"] for c in document["conflicts"])}
    assert {ours, theirs} <= texts  # both survive; neither is garbled
    # The one who saved second is told at once, in Danish, at the field's form; the other's open page
    # shows the two texts in its »Konflikter« list within seconds, without a reload.
    expect(second.get_by_text("Et andet teammedlem har samtidig ændret »Problem«")).to_be_visible()
    expect(first.get_by_text(theirs).first).to_be_visible(timeout=20_000)
    expect(first.get_by_role("button", name="Behold denne").first).to_be_visible()
    # Both see the two texts side by side after a reload, until someone keeps one.
    for page in members.values():
        page.reload()
        page.wait_for_selector("#rendered_cells", state="visible")
        expect(page.get_by_text(ours).first).to_be_visible()
        expect(page.get_by_text(theirs).first).to_be_visible()
    first.get_by_role("button", name="Behold denne").first.click()
    wait_saved(room_server, school, lambda d: not d["conflicts"])
    second.reload()
    second.wait_for_selector("#rendered_cells", state="visible")
    expect(second.get_by_text("Ingen konflikter")).to_be_visible()
    for page in members.values():
        page.context.close()
