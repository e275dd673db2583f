"""`labkit serve`'s two platform branches, with the platform reported as Windows: no SO_REUSEADDR on the
port check (on Windows it would let a second server take a port in use), and kernels on TCP (no IPC there)."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import ClassVar

import pytest

from labkit.problems import LabkitError
from labkit.room import app as room_app
from tests.conftest import os_reporting_windows


class RecordingSocket(socket.socket):
    options: ClassVar[list[tuple[int, int]]] = []

    def setsockopt(self, level: int, option: int, value: int | bytes) -> None:  # type: ignore[override]
        RecordingSocket.options.append((level, option))
        super().setsockopt(level, option, value)


@pytest.mark.parametrize("platform", ["nt", "posix"])
def test_the_port_check_refuses_a_busy_port_and_reuses_addresses_only_off_windows(
        platform: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        RecordingSocket.options = []
        with monkeypatch.context() as reported, pytest.raises(LabkitError, match=f"Porten {port} er optaget"):
            reported.setattr(socket, "socket", RecordingSocket)
            reported.setattr(os, "name", platform)  # left before any failure: pytest's report builds paths
            room_app.check_port_free("127.0.0.1", port)
    reused = (socket.SOL_SOCKET, socket.SO_REUSEADDR) in RecordingSocket.options
    assert reused == (platform != "nt")


@pytest.mark.parametrize("platform", ["nt", "posix"])
def test_room_kernels_use_ipc_sockets_except_on_windows(platform: str, lab: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    if platform == "nt":
        monkeypatch.setattr(room_app, "os", os_reporting_windows())
    app = room_app.build_app(lab, "127.0.0.1", 8866)
    assert app.config.KernelManager.get("transport") == (None if platform == "nt" else "ipc")
