"""Writing files so that a reader never sees half of one: the one atomic write the kit uses.

Every output goes through `replace_with` (or `write_atomically`): filled under a unique temporary name
beside the file (two runs at once never share one), flushed to disk, then moved into place in one
step. `saving` turns the operating system's refusal into a Danish message that says what to do.
"""

from __future__ import annotations

import errno
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from labkit.problems import LabkitError, os_reason

# Windows refuses to replace a file another process has open (a reader without the lock, a virus
# scanner, a search indexer) until it is closed again, usually within milliseconds.
WINDOWS_REPLACE_SECONDS = 2.0
WINDOWS_REPLACE_PAUSE = 0.02
TEMPORARY_SUFFIX = ".tmp"  # `.<name>.<random>.tmp` beside the file it will replace


def temporary_beside(path: Path, suffix: str = TEMPORARY_SUFFIX) -> Path:
    """A new, empty file with a unique name beside `path` (`.<name>.<random><suffix>`), for a writer that
    must be given a file name of its own (papermill). Move it into place with `replace_file`."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
    os.close(handle)
    return Path(temporary)


def replace_with(path: Path, write: Callable[[Path], None], mode: int = 0o644) -> None:
    """Let `write` fill a temporary file beside `path`, then move it into place in one step.

    On any failure the old file (if any) is untouched and no temporary file is left behind. The file
    is flushed to disk first and gets `mode`: readable like any output by default; a team's own
    work passes 0o600 (owner only).
    """
    temporary = temporary_beside(path)
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


# What the facilitator can do about a refused write, by the operating system's reason.
_WHAT_TO_DO = {
    errno.ENOSPC: "Gør plads på drevet, eller gem et andet sted, og prøv igen.",
    errno.EDQUOT: "Gør plads på drevet, eller gem et andet sted, og prøv igen.",
    errno.EACCES: "Luk filen, hvis den er åben i et andet program (fx Word, Excel eller en browser), og tjek, "
                  "at du må skrive i mappen; ellers gem et andet sted.",
    errno.EPERM: "Tjek, at du må skrive i mappen, eller gem et andet sted.",
    errno.EROFS: "Gem et sted, der kan skrives på (fx en mappe på din egen computer).",
    errno.ENOENT: "Tjek, at mappen findes, og at USB-nøglen eller netværksdrevet er sluttet til, og prøv igen.",
    errno.ENOTDIR: "Vælg en mappe, der ikke ligger under en fil.",
    errno.EISDIR: "Flyt eller omdøb mappen, der har filens navn, og prøv igen.",
    errno.ENAMETOOLONG: "Læg laboratoriet i en mappe med en kortere sti, og prøv igen.",
    errno.EIO: "Tjek forbindelsen til drevet, og prøv igen.",
    errno.EBUSY: "Luk filen i det andet program, og prøv igen.",
}


def cannot_save(what: str, path: Path, error: OSError) -> str:
    """`what` (e.g. »Uddelingsarket«) could not be written to `path`: why, in Danish, and what to do."""
    action = _WHAT_TO_DO.get(error.errno or 0, "Tjek mappen, og prøv igen.")
    return f"{what} kunne ikke gemmes som {path}: {os_reason(error)}. {action}"


@contextmanager
def saving(what: str, path: Path) -> Iterator[None]:
    """Turn an `OSError` while writing `what` to `path` into a `LabkitError` with `cannot_save`'s message."""
    try:
        yield
    except OSError as error:
        raise LabkitError(cannot_save(what, path, error)) from error
