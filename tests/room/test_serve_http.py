"""`labkit serve` over real HTTP: a school's link reaches that school only, a wrong or missing code gets
a Danish refusal, codes never reach the log, and the facilitator's board renders a handout (issue 11).

School A is Engskolen (061001), school B is Hedelundskolen (061006), whose team has finished its
Læringslab 1 in the sample, so B has texts that must never reach A.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import subprocess
import sys
import time

import pytest

from tests.room.conftest import RoomServer

pytestmark = pytest.mark.slow

A, B = "061001", "061006"
B_NAME = "Hedelundskolen"
B_TEXT = "Eleverne i mellemtrinnet trives fagligt dårligere"  # from B's indsatsteori (sample_data/arbejde)


def call(server: RoomServer, path: str, cookie: str = "", method: str = "GET",
         headers: dict[str, str] | None = None) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    connection.request(method, path, body=b"" if method == "POST" else None,
                       headers={**({"Cookie": cookie} if cookie else {}), **(headers or {})})
    try:
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def kernel_of(page: str) -> str:
    found = re.search(r'"kernelId": "([0-9a-f-]{36})"', page)
    assert found, page[:500]
    return found.group(1)


def test_without_a_code_or_with_a_wrong_one_the_answer_is_a_danish_refusal(room_server: RoomServer) -> None:
    for path in ("/", "/voila/render/1_data_og_analyse.ipynb", "/tavle", "/voila/static/voila.js"):
        status, page = call(room_server, path)
        assert status == 403 and "<html lang='da'>" in page and "Ingen adgang" in page, path
        assert "adgangslink" in page
    status, page = call(room_server, "/adgang/" + "x" * 22)
    assert status == 403 and "Adgangskoden findes ikke" in page
    status, page = call(room_server, "/findes/ikke", room_server.cookie(A))
    assert status == 404 and "Siden findes ikke" in page


def test_the_facilitator_renders_a_schools_handout_from_the_board(room_server: RoomServer) -> None:
    facilitator = room_server.cookie("facilitator")
    status, board = call(room_server, "/tavle", facilitator)
    assert status == 200 and "Tavlen" in board and "Nøgle til overblikket" in board
    status, body = call(room_server, "/tavle/status", facilitator)
    rows = {row["id"]: row for row in json.loads(body)["skoler"]}
    assert rows[B]["trin"] == [True, True, True, True] and rows[A]["trin"] == [False] * 4
    assert rows[B]["gemt"] and not rows[A]["gemt"]
    # Another site's page cannot press the button: without the header the POST is refused.
    assert call(room_server, f"/tavle/lav/{B}", facilitator, "POST")[0] == 403
    started = time.monotonic()
    status, body = call(room_server, f"/tavle/lav/{B}", facilitator, "POST", {"X-Labkit": "1"})
    seconds = time.monotonic() - started
    answer = json.loads(body)
    assert status == 200 and "fejl" not in answer, answer
    print(f"\nUddelingsark fra den varme server: {seconds:.2f} s")
    status, handout = call(room_server, answer["link"], facilitator)
    assert status == 200 and B_NAME in handout and B_TEXT in handout
    status, own = call(room_server, "/uddelingsark", room_server.cookie(B))
    assert status == 200 and B_TEXT in own


def test_with_school_As_link_no_request_reaches_school_Bs_data(room_server: RoomServer) -> None:
    a, b = room_server.cookie(A), room_server.cookie(B)
    status, b_page = call(room_server, "/voila/render/3_indsatsteori.ipynb", b)
    assert status == 200 and B_NAME in b_page
    b_kernel = kernel_of(b_page)
    key = base64.b64encode(os.urandom(16)).decode()
    upgrade = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": key}
    # Every address B's pages use, and the lab's files by every route a file server could offer.
    attempts = [
        ("GET", "/voila/render/3_indsatsteori.ipynb?skole=" + B, {}),  # a team's school is never in an address
        ("GET", "/uddelingsark", {}),
        ("GET", f"/api/kernels/{b_kernel}", {}),
        ("DELETE", f"/api/kernels/{b_kernel}", {}),
        ("GET", f"/api/kernels/{b_kernel}/channels", upgrade),
        ("GET", f"/api/kernels/{b_kernel}/channels?session_id=x", upgrade),
        ("POST", f"/voila/api/shutdown/{b_kernel}", {}),
        ("GET", f"/forbindelse/{b_kernel}", {}),
        ("GET", "/api/kernels", {}),
        ("GET", "/api/sessions", {}),
        ("GET", "/api/contents/arbejde", {}),
        ("GET", "/voila/api/contents/arbejde", {}),
        ("GET", "/voila/tree", {}),
        ("GET", f"/voila/files/arbejde/{B}.json", {}),
        ("GET", f"/voila/render/..%2Farbejde%2F{B}.json", {}),
        ("GET", f"/voila/static/..%2F..%2F..%2Farbejde%2F{B}.json", {}),
        ("GET", f"/voila/templates/lab/static/..%2F..%2F..%2F..%2Farbejde%2F{B}.json", {}),
        ("GET", f"/arbejde/{B}.json", {}),
        ("GET", "/voila/render/uddelingsark.ipynb", {}),
        ("GET", "/voila/render/4_facilitator_overblik.ipynb", {}),
        ("GET", "/tavle", {}),
        ("GET", "/tavle/status", {}),
        ("GET", f"/tavle/uddelingsark/{B}", {}),
        ("POST", f"/tavle/lav/{B}", {"X-Labkit": "1"}),
        ("GET", "/adgang.csv", {}),
        ("GET", "/adgang.html", {}),
        ("GET", "/.labkit/adgang.json", {}),
        ("GET", "/lab.yaml", {}),
    ]
    for method, path, headers in attempts:
        status, body = call(room_server, path, a, method, headers)
        assert B_NAME not in body and B_TEXT not in body, (method, path, status)
        assert status in (200, 403, 404), (method, path, status)
        if status == 200:  # only A's own pages answer
            assert "Engskolen" in body and path.startswith("/voila/render/"), (method, path)
    # B's page lives on: A's DELETE and shutdown did not reach its kernel.
    assert call(room_server, f"/forbindelse/{b_kernel}", b)[0] == 200


def test_no_code_is_ever_written_to_the_log(room_server: RoomServer) -> None:
    log = room_server.log_path.read_text(encoding="utf-8")
    codes = [link.rsplit("/", 1)[1] for link in room_server.links.values()]
    assert codes and not [code for code in codes if code in log]


def test_a_renewed_code_shuts_out_the_old_link_at_once(room_server: RoomServer) -> None:
    old_cookie = room_server.cookie("061002")
    assert call(room_server, "/", old_cookie)[0] == 200
    result = subprocess.run([sys.executable, "-m", "labkit", "adgang", str(room_server.lab), "--forny", "061002"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "Nye koder til: 061002" in result.stdout
    status, page = call(room_server, "/", old_cookie)
    assert status == 403 and "Ingen adgang" in page
    old_link = room_server.links["061002"]
    room_server.links = {**room_server.links, **_links(room_server)}
    assert room_server.links["061002"] != old_link
    assert call(room_server, "/", room_server.cookie("061002"))[0] == 200


def _links(server: RoomServer) -> dict[str, str]:
    rows = (server.lab / "adgang.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    return {row.split(";")[0]: row.split(";")[2] for row in rows}
