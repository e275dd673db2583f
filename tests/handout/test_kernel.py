"""The render worker's warm kernel on both platforms: IPC sockets in a private folder on POSIX, the
loopback address on Windows (which has no IPC sockets), reported as Windows here."""

from __future__ import annotations

import os

import pytest

from labkit.handout import kernel
from labkit.handout.kernel import WarmKernel, new_kernel_manager


def test_on_windows_the_kernel_listens_on_loopback_tcp_without_a_private_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_folder(**_: object) -> str:
        raise AssertionError("Windows needs no socket folder")

    with monkeypatch.context() as windows:  # left before any failure: pytest's report builds paths
        windows.setattr(kernel.tempfile, "mkdtemp", no_folder)
        windows.setattr(os, "name", "nt")
        manager = new_kernel_manager()
    assert (manager.transport, manager.ip, manager.private_folder) == ("tcp", "127.0.0.1", None)


def test_on_posix_the_kernel_uses_ipc_sockets_in_a_private_folder() -> None:
    manager = new_kernel_manager()
    assert manager.private_folder is not None
    try:
        assert manager.transport == "ipc" and manager.ip == str(manager.private_folder / "kerne")
    finally:
        manager.private_folder.rmdir()


@pytest.mark.slow
def test_the_windows_kernel_starts_answers_and_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as windows:
        windows.setattr(os, "name", "nt")
        manager = new_kernel_manager()  # built as on Windows, started on this machine
    monkeypatch.setattr(kernel, "new_kernel_manager", lambda: manager)
    warm = WarmKernel()
    try:
        warm.open_client()
        assert warm.is_alive() and manager.shell_port > 0
    finally:
        warm.stop()
    assert not manager.has_kernel
