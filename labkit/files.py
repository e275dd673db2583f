"""Writing files so that a reader never sees half of one: the one atomic write the kit uses."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# Windows refuses to replace a file another process has open (a reader without the lock, a virus
# scanner, a search indexer) until it is closed again, usually within milliseconds.
WINDOWS_REPLACE_SECONDS = 2.0
WINDOWS_REPLACE_PAUSE = 0.02


def replace_with(path: Path, write: Callable[[Path], None], mode: int = 0o644) -> None:
    """Let `write` fill a temporary file beside `path`, then move it into place in one step.

    On any failure the old file (if any) is untouched and no temporary file is left behind. The file
    is flushed to disk first and gets `mode`: readable like any output by default; a team's own
    work passes 0o600 (owner only).
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        write(Path(temporary))
        with open(temporary, "rb+") as file:
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        replace_file(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_atomically(path: Path, data: bytes | str, mode: int = 0o644) -> None:
    """Write bytes, or text as UTF-8, through `replace_with`."""
    payload = data.encode("utf-8") if isinstance(data, str) else data

    def write(temporary: Path) -> None:
        temporary.write_bytes(payload)

    replace_with(path, write, mode)


def replace_file(source: str | Path, target: Path) -> None:
    """`os.replace`, retried for a moment on Windows while another process has `target` open."""
    deadline = time.monotonic() + WINDOWS_REPLACE_SECONDS
    while True:
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if os.name != "nt" or time.monotonic() >= deadline:
                raise
            time.sleep(WINDOWS_REPLACE_PAUSE)
