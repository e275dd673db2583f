"""Benchmark: `labkit serve` with six teams and the facilitator connected to one machine (issue 11).

Targets on a 2-core machine: a team's link → its first figure ≤ 5 s; a widget change → the new figure
≤ 0,3 s; a school's HTML handout from the warm server ≤ 1,5 s; the server with everything it started
(pages' kernels, the handout worker) ≤ 3 GB of memory.

    .venv/bin/python benchmarks/bench_room.py

The bundled sample lab is copied to a temporary folder and served on 127.0.0.1. Six headless
Chromium contexts (Debian's chromium) are the six teams, one more is the facilitator with the board
open. Every team first opens »Indsatsteori« and stays there; then each team in turn opens its link
afresh and goes to »Jeres data« (the others still connected), which is the link → first figure time.
The all-at-once time (six teams click at the same second) is printed too. Memory is the resident
memory of the server's process tree, read from /proc (Linux).
"""

from __future__ import annotations

import csv
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tree_rss_mb(pid: int) -> tuple[float, int]:
    """Resident memory of a process and all its descendants, in MB, and how many are kernels (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            status = (entry / "status").read_text()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        line = next((x for x in status.splitlines() if x.startswith("VmRSS:")), "VmRSS: 0 kB")
        rss[int(entry.name)] = int(line.split()[1])
    total, kernels, todo = 0, 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        try:
            kernels += "ipykernel" in Path(f"/proc/{current}/cmdline").read_text(errors="replace")
        except OSError:
            pass
        todo += children.get(current, [])
    return total / 1024, kernels


def first_figure_seconds(page: Page, link: str, base: str) -> float:
    started = time.monotonic()
    page.goto(link)
    page.goto(f"{base}/voila/render/1_data_og_analyse.ipynb", wait_until="commit")
    page.wait_for_selector("#rendered_cells", state="visible", timeout=180_000)
    page.wait_for_selector("#rendered_cells img", state="visible", timeout=180_000)
    return time.monotonic() - started


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="labkit-bench-rum-"))
    lab = work / "lab"
    shutil.copytree(ROOT / "sample_data", lab)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (work / "serve.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "labkit", "serve", str(lab), "--ip", "127.0.0.1", "--port",
                               str(port)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(base, timeout=2).close()
            except urllib.error.HTTPError as answer:
                answer.close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError((work / "serve.log").read_text()) from None
                time.sleep(0.3)
        with (lab / "adgang.csv").open(encoding="utf-8-sig", newline="") as file:
            links = {row["Institutionsnummer"]: row["Link"] for row in csv.DictReader(file, delimiter=";")}
        teams = [who for who in links if who != "facilitator"]
        time.sleep(15)  # the handout worker warms its kernel after the start, as it does before a lab day
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            pages = {who: browser.new_context(viewport={"width": 1366, "height": 900}).new_page() for who in teams}
            facilitator = browser.new_context().new_page()
            facilitator.goto(links["facilitator"])
            facilitator.goto(f"{base}/tavle")

            # All six at the same second, on »Jeres data«.
            started = time.monotonic()
            for who, page in pages.items():
                page.goto(links[who])
                page.goto(f"{base}/voila/render/1_data_og_analyse.ipynb", wait_until="commit")
            done = []
            for page in pages.values():
                page.wait_for_selector("#rendered_cells img", state="visible", timeout=180_000)
                done.append(time.monotonic() - started)
            print(f"Seks teams åbner »Jeres data« i samme sekund: første figur efter {min(done):.1f}–{max(done):.1f} s")

            # Everyone on »Indsatsteori«; then one team at a time opens its link afresh.
            for page in pages.values():
                page.goto(f"{base}/voila/render/3_indsatsteori.ipynb", wait_until="commit")
            for page in pages.values():
                page.wait_for_selector("#rendered_cells", state="visible", timeout=180_000)
            single = []
            for who in teams:
                probe = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
                single.append(first_figure_seconds(probe, links[who], base))
                probe.goto("about:blank")  # leaving the page, as closing its tab does: its kernel is shut down
                probe.context.close()
            print(f"Link → første figur (de andre fem teams på): median {statistics.median(single):.2f} s, "
                  f"højst {max(single):.2f} s (mål ≤ 5 s)")

            # A widget change → the new figure, on one team's »Jeres data«.
            page = pages[teams[0]]
            page.goto(f"{base}/voila/render/1_data_og_analyse.ipynb", wait_until="commit")
            page.wait_for_selector("#rendered_cells img", state="visible", timeout=180_000)
            picker = page.locator(".widget-dropdown", has_text="Indikator").first.locator("select")
            picker.locator("option").nth(1).wait_for(state="attached", timeout=60_000)
            options = picker.locator("option").all_inner_texts()
            image = page.locator(".widget-image").first  # the trend figure, drawn again for each indicator
            changes = []
            for option in options[1:7]:
                before = image.get_attribute("src")
                started = time.monotonic()
                picker.select_option(label=option)
                page.wait_for_function("([el, old]) => el.getAttribute('src') !== old",
                                       arg=[image.element_handle(), before], timeout=30_000)
                changes.append(time.monotonic() - started)
            print(f"Widgetændring → ny figur: median {statistics.median(changes):.2f} s, højst {max(changes):.2f} s "
                  f"({len(changes)} skift; mål ≤ 0,3 s)")

            # Handouts from the warm server, as the board's button makes them.
            cookie = ""
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", links["facilitator"].split(str(port), 1)[1])
            response = connection.getresponse()
            response.read()
            cookie = response.getheader("Set-Cookie", "").split(";", 1)[0]
            handouts = []
            for who in teams:
                started = time.monotonic()
                connection.request("POST", f"/tavle/lav/{who}", body=b"", headers={"Cookie": cookie, "X-Labkit": "1"})
                answer = json.loads(connection.getresponse().read())
                assert "fejl" not in answer, answer
                handouts.append(time.monotonic() - started)
            connection.close()
            print(f"Uddelingsark (HTML) fra den varme server: median {statistics.median(handouts):.2f} s, "
                  f"højst {max(handouts):.2f} s (mål ≤ 1,5 s)")
            time.sleep(3)  # the left pages' kernels are shut down
            memory, kernels = tree_rss_mb(server.pid)
            print(f"Serverens hukommelse med {len(pages)} teams og facilitatoren på: {memory:.0f} MB i alt, "
                  f"{kernels} kerner (mål ≤ 3000 MB)")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
