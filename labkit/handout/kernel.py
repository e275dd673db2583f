"""One warm kernel per render worker: started once, with labkit imported, and its client kept open
from one school's handout to the next. Kernel start and imports are then paid once per worker."""

from __future__ import annotations

import os
import queue
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync


class KeptKernelManager(AsyncKernelManager):
    """A kernel manager that also carries the client `labkit.handout.engine` keeps open between
    notebooks (None until the first notebook or `WarmKernel.open_client` opens one)."""

    kept_client: Any = None
    private_folder: Path | None = None  # removed when the kernel stops


def new_kernel_manager() -> KeptKernelManager:
    """A manager for a kernel only this machine can reach, its kernel not yet started.

    POSIX: IPC sockets in a private folder (no port, and no "running over TCP" warning on screen).
    Windows has no IPC sockets: there the kernel listens on the loopback address, with no folder.
    """
    if os.name == "nt":
        return KeptKernelManager(kernel_name="python3", transport="tcp", ip="127.0.0.1")
    folder = Path(tempfile.mkdtemp(prefix="labkit-kerne-"))
    manager = KeptKernelManager(kernel_name="python3", transport="ipc", ip=str(folder / "kerne"))
    manager.private_folder = folder
    return manager


class WarmKernel:
    """The kernel one render worker runs every school's handout in.

    `lab_folder`: the lab a new kernel loads while it starts, so the first school finds it in memory.
    """

    def __init__(self, lab_folder: str = "") -> None:
        self.lab_folder = lab_folder
        self._manager: KeptKernelManager | None = None

    @property
    def manager(self) -> KeptKernelManager:
        """The kernel's manager, starting the kernel the first time."""
        if self._manager is None:
            manager = new_kernel_manager()
            # Let the kernel import labkit while this process imports papermill and nbconvert: the two
            # start-ups overlap instead of adding up.
            warm_up = ["import labkit.data.lab, labkit.handout.sections"]
            if self.lab_folder:
                warm_up.append(f"labkit.data.lab.load_lab_cached({self.lab_folder!r})")
            run_sync(manager.start_kernel)(extra_arguments=[f"--IPKernelApp.exec_lines={warm_up!r}"])
            self._manager = manager
        return self._manager

    @property
    def client(self) -> Any:
        return self._manager.kept_client if self._manager is not None else None

    def is_alive(self) -> bool:
        return bool(run_sync(self.manager.is_alive)())

    def open_client(self, timeout: float = 60) -> None:
        """Open the kernel client as soon as the kernel answers: jupyter_client's `wait_for_ready`
        without its closing wait for IOPub to stay silent for 0.2 s, a fixed cost on every one-school
        render. Nothing needs flushing: nbclient ignores IOPub messages that answer none of its requests."""
        manager = self.manager

        async def open_when_answered() -> None:
            manager.kept_client = client = manager.client()  # closed by the caller if this fails
            client.allow_stdin = False  # as nbclient sets it: a cell asking for input fails, never waits
            client.start_channels()
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and await client.is_alive():
                client.kernel_info()
                try:
                    reply = await client.get_shell_msg(timeout=1)
                    if reply["msg_type"] == "kernel_info_reply":
                        await client.get_iopub_msg(timeout=1)  # IOPub is connected too
                        return
                except queue.Empty:
                    continue
            raise RuntimeError("kernen svarede ikke")

        run_sync(open_when_answered)()

    def close_client(self) -> None:
        if self._manager is not None and self._manager.kept_client is not None:
            self._manager.kept_client.stop_channels()
            self._manager.kept_client = None

    def fresh(self) -> None:
        """A new kernel for the next school, after a timeout (the old one may still be busy), a dead
        kernel or a client that could not connect: restart this one, or if even that fails, start another."""
        self.close_client()
        try:
            run_sync(self.manager.restart_kernel)(now=True)
        except Exception:  # noqa: BLE001 - whatever state the old manager is in, a new one will do
            self.stop()
            self.manager  # noqa: B018 - starts the new kernel now, not during the next school

    def stop(self) -> None:
        self.close_client()
        manager, self._manager = self._manager, None
        if manager is None:
            return
        try:
            if manager.has_kernel:
                run_sync(manager.shutdown_kernel)(now=True)
        finally:
            if manager.private_folder is not None:
                shutil.rmtree(manager.private_folder, ignore_errors=True)
