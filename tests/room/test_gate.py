"""The room's rules without a running server: who a cookie is, what the gate lets through, how a
served page is prepared, and the kernel that refuses another school (issue 11)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest
import tornado.web
from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

from labkit.data.config import load_config
from labkit.problems import LabkitError
from labkit.room import pages
from labkit.room.access import lab_access
from labkit.room.server import COOKIE, KernelPage, Room, page_notebook
from labkit.workspace.session import ROOM_SCHOOL_ENV, open_session

ROOT = Path(__file__).resolve().parents[2]
SECRET = b"s" * 32
KERNEL_A = "0b7c1f3e-8a52-4d6e-9f11-2c3d4e5f6a7b"
KERNEL_B = "9e8d7c6b-5a49-4838-a726-150f0e0d0c0b"


@pytest.fixture
def room(lab: Path) -> Room:
    room = Room(load_config(lab), SECRET)
    room.kernels[KERNEL_A] = KernelPage("061001", "061001", "1_data_og_analyse", 0)
    room.kernels[KERNEL_B] = KernelPage("061006", "061006", "1_data_og_analyse", 0)
    return room


def request(path: str, cookie: str | None = None, method: str = "GET") -> HTTPServerRequest:
    headers = HTTPHeaders({"Host": "127.0.0.1:8866", **({"Cookie": f"{COOKIE}={cookie}"} if cookie else {})})
    return HTTPServerRequest(start_line=RequestStartLine(method, path, "HTTP/1.1"), headers=headers)


def cookie_for(room: Room, who: str, secret: bytes = SECRET) -> str:
    access = next(a for a in room.accesses() if a.who == who)
    return tornado.web.create_signed_value(secret, COOKIE, room.cookie_value(access)).decode()


def test_a_cookie_is_the_access_it_was_signed_for_and_nothing_else(room: Room, lab: Path) -> None:
    a = cookie_for(room, "061001")
    assert room.identity(request("/", a)).who == "061001"
    assert room.identity(request("/")) is None
    assert room.identity(request("/", cookie_for(room, "061001", secret=b"x" * 32))) is None  # not signed by us
    assert room.identity(request("/", "061001:" + "0" * 32)) is None  # unsigned text
    # Renaming who inside a cookie breaks the signature; a digest of another school's code does not match.
    forged = tornado.web.create_signed_value(SECRET, COOKIE, "061006:" + a.split("|")[-1][:32]).decode()
    assert room.identity(request("/", forged)) is None


def test_a_renewed_code_ends_the_cookies_made_with_the_old_one(room: Room, lab: Path) -> None:
    old = cookie_for(room, "061001")
    lab_access(room.config, renew={"061001"})
    os.utime(lab / ".labkit" / "adgang.json", (1, 1))  # another stamp, as a renewal from another process makes
    assert room.identity(request("/", old)) is None
    assert room.identity(request("/", cookie_for(room, "061001"))).who == "061001"


# Paths a team A may reach (None) and paths it may not; B's kernel counts as not found.
TEAM_A_PATHS = {
    "/": None,
    "/voila/render/1_data_og_analyse.ipynb": None,
    "/voila/render/3_indsatsteori.ipynb?skole=061006": None,  # the query is ignored for a team (see prelaunch)
    "/voila/static/voila.js": None,
    f"/api/kernels/{KERNEL_A}/channels": None,
    f"/forbindelse/{KERNEL_A}": None,
    "/uddelingsark": None,
    f"/api/kernels/{KERNEL_B}": 404,
    f"/api/kernels/{KERNEL_B}/channels": 404,
    f"/voila/api/shutdown/{KERNEL_B}": 404,
    f"/forbindelse/{KERNEL_B}": 404,
    "/api/kernels": 404,
    "/api/sessions": 404,
    "/api/contents/arbejde/061006.json": 404,
    "/voila/api/contents/": 404,
    "/voila/tree": 404,
    "/voila/files/arbejde/061006.json": 404,
    "/voila/render/4_facilitator_overblik.ipynb": 404,
    "/voila/render/uddelingsark.ipynb": 404,
    "/voila/render/..%2Farbejde%2F061006.json": 404,
    "/voila/static/..%2F..%2Flab.yaml": 404,
    "/tavle": 404,
    "/tavle/status": 404,
    "/tavle/uddelingsark/061006": 404,
    "/tavle/lav/061006": 404,
    "/lab.yaml": 404,
    "/adgang.csv": 404,
    "/.labkit/adgang.json": 404,
}


@pytest.mark.parametrize(("path", "expected"), TEAM_A_PATHS.items())
def test_the_gate_lets_a_team_reach_its_own_pages_only(room: Room, path: str, expected: int | None) -> None:
    refusal = room.refusal(request(path, cookie_for(room, "061001")))
    assert (refusal[0] if refusal else None) == expected


def test_without_a_cookie_only_the_access_links_are_open(room: Room) -> None:
    for path in ("/", "/voila/render/1_data_og_analyse.ipynb", "/tavle", f"/api/kernels/{KERNEL_A}/channels",
                 "/voila/static/voila.js"):
        assert room.refusal(request(path)) == (403, pages.NO_CODE)
    assert room.refusal(request("/adgang/wrongwrongwrong")) is None  # the handler answers with a refusal page


def test_the_facilitator_has_the_board_and_every_schools_pages_but_no_teams_kernel(room: Room) -> None:
    f = cookie_for(room, "facilitator")
    for path in ("/tavle", "/tavle/status", "/tavle/lav/061006", "/voila/render/4_facilitator_overblik.ipynb",
                 "/voila/render/2_indsatsomraader.ipynb?skole=061006"):
        assert room.refusal(request(path, f)) is None, path
    assert room.refusal(request(f"/api/kernels/{KERNEL_B}/channels", f)) == (404, "")


class FakeHandler:
    def __init__(self, path: str, cookie: str) -> None:
        self.request = request(path, cookie)

    def get_query_argument(self, name: str, default: str = "") -> str:
        values = self.request.query_arguments.get(name)
        return values[-1].decode() if values else default


def notebook(name: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "notebooks" / name, as_version=4)


def test_a_teams_page_gets_its_own_school_whatever_the_address_asks_for(room: Room) -> None:
    handler = FakeHandler("/voila/render/3_indsatsteori.ipynb?skole=061006", cookie_for(room, "061001"))
    page = room.prelaunch(handler, notebook("3_indsatsteori.ipynb"), "")
    injected = next(c for c in page.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert "skole = '061001'" in injected.source and "rum = True" in injected.source
    assert "061006" not in json.dumps(page)


def test_the_facilitator_opens_the_school_asked_for_and_only_one_in_the_lab(room: Room) -> None:
    f = cookie_for(room, "facilitator")
    page = room.prelaunch(FakeHandler("/voila/render/2_indsatsomraader.ipynb?skole=061006", f),
                          notebook("2_indsatsomraader.ipynb"), "")
    assert "skole = '061006'" in next(c.source for c in page.cells if "injected-parameters" in c.metadata.get("tags", []))
    with pytest.raises(tornado.web.HTTPError):
        room.prelaunch(FakeHandler("/voila/render/2_indsatsomraader.ipynb?skole=999999", f),
                       notebook("2_indsatsomraader.ipynb"), "")
    with pytest.raises(tornado.web.HTTPError):  # no cookie: no kernel
        room.prelaunch(FakeHandler("/voila/render/2_indsatsomraader.ipynb", ""), notebook("2_indsatsomraader.ipynb"), "")


def test_a_served_page_has_the_steps_on_top_its_parameters_after_the_defaults_and_no_jupyterlab_prose() -> None:
    source = notebook("1_data_og_analyse.ipynb")
    assert any("Run All Cells" in c.source for c in source.cells)  # JupyterLab's instruction is in the notebook
    page = page_notebook(source, Path("/lab"), "061006", "<nav>trin</nav>", "Jeres data – Hedelundskolen")
    assert page.cells[0].source == "<nav>trin</nav>"
    assert not any("Run All Cells" in c.source for c in page.cells)
    tags = [c.metadata.get("tags", []) for c in page.cells]
    position = next(i for i, t in enumerate(tags) if "parameters" in t)
    assert "injected-parameters" in tags[position + 1]
    assert page.metadata["title"] == "Jeres data – Hedelundskolen"
    assert "Run All Cells" in "".join(c.source for c in source.cells)  # the source is not changed


def test_a_room_kernel_refuses_any_other_school(lab: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ROOM_SCHOOL_ENV, "061001")
    session = open_session(str(lab), "061001", interaktiv=True, in_room=True)
    assert session.school_id == "061001"
    with pytest.raises(LabkitError, match="anden skole"):
        session.choose("061006")
    assert session.school_id == "061001"
    assert not (lab / "arbejde" / ".valgt_skole.json").exists()  # nothing remembered for the server's user


def test_step_header_names_this_steps_agenda_blocks_and_escapes_names() -> None:
    from labkit.data.agenda import load_agenda

    agenda = load_agenda(ROOT / "templates" / "dagsorden.yaml")
    step = pages.find_step("3_indsatsteori.ipynb", facilitator=False)
    assert step is not None
    html = pages.step_header_html(step, pages.TEAM_STEPS, agenda, "<b>Skole & Co</b>", "061006")
    assert "13:25–14:35 Udkast til indsatsteori (70 min)" in html
    assert "&lt;b&gt;Skole &amp; Co&lt;/b&gt;" in html and "?skole=061006" in html
    assert pages.find_step("4_facilitator_overblik.ipynb", facilitator=False) is None


def test_a_page_from_the_warm_reserve_learns_its_school_from_the_page_and_keeps_it(
        lab: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from labkit.workshop import notebook as lk

    monkeypatch.setenv(ROOM_SCHOOL_ENV, "unset")
    monkeypatch.delenv(ROOM_SCHOOL_ENV)  # a reserve kernel: started before any page, so without a school
    session = lk.start(str(lab), "061001", True, rum=True)
    assert session is not None and session.school_id == "061001"
    assert os.environ[ROOM_SCHOOL_ENV] == "061001"
    with pytest.raises(LabkitError, match="anden skole"):
        session.choose("061006")
