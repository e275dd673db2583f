"""JupyterLab as labkit's child process: a request to stop labkit reaches it, and it never outlives labkit.

`subprocess.run` passed no signal on: a SIGTERM (a service manager, `docker stop`) or a closed terminal
stopped labkit and left JupyterLab running with the teams' kernels. Here the child runs in its own
process group, so the terminal's Ctrl+C reaches labkit alone and labkit asks the child once:

- POSIX: SIGINT, SIGTERM and SIGHUP all become SIGTERM, JupyterLab's clean stop (kernels shut down).
  Its SIGINT handler would ask a y/n question in English instead, and it has no SIGHUP handler at all.
- Windows: Ctrl+C and Ctrl+Break become CTRL_BREAK_EVENT, the one signal another process can be sent
  there (it reaches only a child in its own process group). JupyterLab has no handler for it and ends
  at once; its kernels watch their parent process and follow. `kill()` is `TerminateProcess`.

A child still running `STOP_SECONDS` after being asked is killed, and so is one still running when
labkit ends for any other reason (an error, say). Only SIGKILL to labkit itself can leave it behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from collections.abc import Mapping, Sequence
from types import FrameType
from typing import Any

STOP_SECONDS = 10.0  # JupyterLab shuts its kernels down in a second or two; longer than this, it hangs
STOP_SIGNAL_NAMES = ("SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK")  # SIGHUP is POSIX-only, SIGBREAK Windows-only
CREATE_NEW_PROCESS_GROUP = 0x00000200  # subprocess has it only on Windows
CTRL_BREAK_EVENT = 1  # signal has it only on Windows
WINDOWS_WAKE_SECONDS = 0.5


def stop_signals() -> list[int]:
    """The signals that ask labkit to stop, as far as this platform has them."""
    return [getattr(signal, name) for name in STOP_SIGNAL_NAMES if hasattr(signal, name)]


def own_process_group() -> dict[str, Any]:
    """`Popen` arguments that start the child in its own process group.

    The terminal's Ctrl+C then reaches labkit only, which asks the child once; reaching both, the
    second signal could cut JupyterLab's kernel shutdown short.
    """
    if os.name == "nt":
        return {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", CREATE_NEW_PROCESS_GROUP)}
    return {"process_group": 0}


def ask_to_stop(process: subprocess.Popen[Any]) -> None:
    """Ask a running child to stop the clean way (see the module docstring); a stopped one is left alone."""
    if process.poll() is not None:
        return
    if os.name == "nt":
        process.send_signal(getattr(signal, "CTRL_BREAK_EVENT", CTRL_BREAK_EVENT))
    else:
        process.send_signal(signal.SIGTERM)


def end(process: subprocess.Popen[Any], stop_seconds: float = STOP_SECONDS) -> None:
    """Make sure the child is gone and reaped: ask it to stop, and kill it if it has not within `stop_seconds`."""
    if process.poll() is None:
        ask_to_stop(process)
        try:
            process.wait(timeout=stop_seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_interruptibly(process: subprocess.Popen[Any]) -> int:
    """Wait for the child while signal handlers can still run, and return its exit code."""
    while True:
        try:
            # On Windows a wait without a timeout cannot be interrupted: the Ctrl+C handler would never run.
            return process.wait(timeout=WINDOWS_WAKE_SECONDS if os.name == "nt" else None)
        except subprocess.TimeoutExpired:
            continue


def exit_status(returncode: int) -> int:
    """The exit status a shell would report: 128 + N for a child killed by signal N (Popen says -N)."""
    return 128 - returncode if returncode < 0 else returncode


def run_until_stopped(command: Sequence[str], environment: Mapping[str, str] | None = None,
                      stop_seconds: float = STOP_SECONDS) -> int:
    """Run `command` until it ends and return its exit status; stop signals to labkit are passed on."""
    process = subprocess.Popen(list(command), env=environment, stdin=subprocess.DEVNULL, **own_process_group())
    # The main thread is waiting, so a timer kills a child that ignores the request.
    deadline = threading.Timer(stop_seconds, process.kill)
    deadline.daemon = True

    def pass_on(signum: int, frame: FrameType | None) -> None:
        ask_to_stop(process)
        if deadline.ident is None:  # a second Ctrl+C asks again but keeps the first deadline
            deadline.start()

    previous: dict[int, Any] = {}
    try:
        for number in stop_signals():
            previous[number] = signal.signal(number, pass_on)
        return exit_status(wait_interruptibly(process))
    finally:
        try:
            end(process, stop_seconds)  # still under pass_on: a signal now cannot cut this short
        finally:
            deadline.cancel()
            for number, handler in previous.items():
                signal.signal(number, handler)
