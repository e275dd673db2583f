"""A real `labkit serve` on a copy of the sample lab, for the HTTP and browser tests of the room."""

from __future__ import annotations

import csv
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RoomServer:
    """`labkit serve` in its own process; `restart()` kills it hard (as a power cut would) and starts it again."""

    lab: Path
    port: int
    log_path: Path
    process: subprocess.Popen | None = None
    links: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log_path.open("a", encoding="utf-8") as log:  # the child keeps its own copy of the handle
            self.process = subprocess.Popen(
                [sys.executable, "-m", "labkit", "serve", str(self.lab), "--ip", "127.0.0.1", "--port", str(self.port)],
                stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, PYTHONUNBUFFERED="1"),
                start_new_session=os.name != "nt")  # its own process group: a hard stop takes the kernels too
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/", timeout=2).close()
            except urllib.error.HTTPError as answer:
                answer.close()
                break  # any answer: the server is up (without a cookie it is a refusal)
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("labkit serve startede ikke: " + self.log_path.read_text(encoding="utf-8"))
                time.sleep(0.3)
        with (self.lab / "adgang.csv").open(encoding="utf-8-sig", newline="") as file:
            self.links = {row["Institutionsnummer"]: row["Link"] for row in csv.DictReader(file, delimiter=";")}

    def stop(self, hard: bool = False) -> None:
        if self.process is None:
            return
        if hard and os.name != "nt":
            # The server and every kernel and worker it started, at once, as when the laptop's power goes.
            os.killpg(self.process.pid, signal.SIGKILL)
        elif hard:
            self.process.kill()
        else:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop(hard=True)
        self.start()

    def cookie(self, who: str) -> str:
        """The `Cookie` header a browser gets from this access link."""
        link = self.links[who]
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request("GET", link.split(str(self.port), 1)[1])
        response = connection.getresponse()
        response.read()
        connection.close()
        assert response.status == 302, response.status
        return response.getheader("Set-Cookie", "").split(";", 1)[0]


@pytest.fixture(scope="module")
def room_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RoomServer]:
    lab = tmp_path_factory.mktemp("rum") / "lab"
    shutil.copytree(ROOT / "sample_data", lab)
    server = RoomServer(lab, free_port(), lab.parent / "serve.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()
