"""Writing files so that a reader never sees half of one: the one atomic write the kit uses."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


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
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_atomically(path: Path, data: bytes | str, mode: int = 0o644) -> None:
    """Write bytes, or text as UTF-8, through `replace_with`."""
    payload = data.encode("utf-8") if isinstance(data, str) else data

    def write(temporary: Path) -> None:
        temporary.write_bytes(payload)

    replace_with(path, write, mode)
