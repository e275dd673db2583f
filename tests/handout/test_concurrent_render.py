"""Two `labkit render` of the same school into the same folder at once (two facilitators, or a double
click): both succeed or say in Danish what went wrong, a reader polling the output files never finds
one empty, cut off or missing, and no temporary file is left behind. Every output goes through
`labkit.files.replace_with`: a unique temporary name, then one `os.replace`."""

from __future__ import annotations

import errno
import io
import json
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from labkit.files import cannot_save, saving
from labkit.problems import LabkitError

ROOT = Path(__file__).resolve().parents[2]
SCHOOL, STEM = "061006", "061006_hedelundskolen"  # the sample lab's school with a team's work


def complete(path: Path, data: bytes) -> str | None:
    """Why `data` is not a whole file of its kind (None when it is)."""
    if not data:
        return "tom"
    name = path.name
    try:
        if name.endswith(".html"):
            return None if data.rstrip().endswith(b"</html>") else "HTML uden </html>"
        if name.endswith((".docx", ".xlsx")):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return None if archive.testzip() is None else "beskadiget zip"
        if name.endswith(".ipynb"):
            json.loads(data)
            return None
        if name.endswith(".csv"):
            return None if data.endswith(b"\r\n") else "CSV uden sidste linjeskift"
    except (zipfile.BadZipFile, ValueError) as error:
        return type(error).__name__
    return None


def a_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("gammel.txt", "fra sidste kørsel")
    return buffer.getvalue()


class Reader(threading.Thread):
    """Reads every output file over and over while the renders run, noting what a reader would see wrong."""

    def __init__(self, paths: list[Path]) -> None:
        super().__init__(daemon=True)
        self.paths, self.problems, self.reads, self.running = paths, set[str](), 0, True

    def run(self) -> None:
        while self.running:
            for path in self.paths:
                try:
                    data = path.read_bytes()
                except FileNotFoundError:
                    self.problems.add(f"{path.name}: mangler")  # every file was there before the renders
                    continue
                self.reads += 1
                why = complete(path, data)
                if why:
                    self.problems.add(f"{path.name}: {why}")
            time.sleep(0.002)


@pytest.mark.slow
def test_two_renders_of_one_school_at_once_never_show_a_reader_half_a_file(tmp_path: Path) -> None:
    lab = tmp_path / "lab"
    shutil.copytree(ROOT / "sample_data", lab)
    out = lab / "uddelingsark"
    (out / ".notesboeger").mkdir(parents=True)
    # The last run's files: whole, so that a reader can tell a gap or a half file from this run.
    last_run = {out / f"{STEM}.html": b"<!DOCTYPE html><html><body>sidste</body></html>\n",
                out / f"{STEM}_indsatsteori.docx": a_zip(), out / "oversigt.xlsx": a_zip(),
                out / "oversigt.csv": b"Institutionsnummer;Skole\r\n", out / "index.html": b"<html></html>\n",
                out / ".notesboeger" / f"{STEM}.ipynb": b"{}\n"}
    for path, data in last_run.items():
        path.write_bytes(data)
    reader = Reader(list(last_run))
    reader.start()
    command = [sys.executable, "-m", "labkit", "render", str(lab), "--skole", SCHOOL, "--format", "html",
               "--format", "docx", "--format", "xlsx", "--processer", "1", "--stille"]
    renders = [subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(2)]
    outcomes = [render.communicate(timeout=300) for render in renders]
    reader.running = False
    reader.join()

    for render, (stdout, stderr) in zip(renders, outcomes, strict=True):
        assert "Traceback" not in stderr, stderr
        assert render.returncode == 0 or stderr.startswith("FEJL: "), (render.returncode, stdout, stderr)
    assert any(render.returncode == 0 for render in renders), outcomes
    assert reader.reads > 100 and reader.problems == set()
    for path, old in last_run.items():  # this run's files, whole
        assert complete(path, path.read_bytes()) is None and path.read_bytes() != old, path.name
    executed = json.loads((out / ".notesboeger" / f"{STEM}.ipynb").read_text(encoding="utf-8"))
    assert executed["metadata"]["papermill"]["output_path"] == str(out / ".notesboeger" / f"{STEM}.ipynb")
    assert [path.name for path in lab.rglob("*") if ".tmp" in path.name] == []


@pytest.mark.parametrize(("number", "expected"), [
    (errno.ENOSPC, "disken er fuld. Gør plads på drevet"),
    (errno.EACCES, "Luk filen, hvis den er åben i et andet program"),
    (errno.EROFS, "skrivebeskyttet. Gem et sted, der kan skrives på"),
])
def test_a_refused_write_is_a_danish_message_that_says_what_to_do(tmp_path: Path, number: int, expected: str) -> None:
    path = tmp_path / "061006_hedelundskolen.html"
    with pytest.raises(LabkitError) as raised, saving("Uddelingsarket", path):
        raise OSError(number, "English text from the operating system", str(path))
    message = str(raised.value)
    assert message.startswith(f"Uddelingsarket kunne ikke gemmes som {path}: ") and expected in message
    assert "English" not in message and message == cannot_save("Uddelingsarket", path, OSError(number, "x"))


@pytest.mark.slow
@pytest.mark.chromium
def test_a_pdf_only_render_neither_needs_nor_removes_another_renders_html(tmp_path: Path) -> None:
    """`--format pdf` made its PDF from the .html file and then deleted it: a second render at the same
    time lost the HTML it was about to print (»PDF kunne ikke laves«), or the facilitator's own HTML."""
    lab = tmp_path / "lab"
    shutil.copytree(ROOT / "sample_data", lab)
    out = lab / "uddelingsark"
    base = [sys.executable, "-m", "labkit", "render", str(lab), "--skole", SCHOOL, "--processer", "1", "--stille"]
    commands = [base + ["--format", "pdf"], base + ["--format", "pdf"], base + ["--format", "html"]]
    renders = [subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for command in commands]
    outcomes = [render.communicate(timeout=300) for render in renders]
    for render, (stdout, stderr) in zip(renders, outcomes, strict=True):
        assert render.returncode == 0, (stdout, stderr)
    pdf = (out / f"{STEM}.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    assert complete(out / f"{STEM}.html", (out / f"{STEM}.html").read_bytes()) is None  # the HTML render's
    assert [path.name for path in lab.rglob("*") if ".tmp" in path.name] == []
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f"{STEM}.pdf" in index or f"{STEM}.html" in index


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="Ctrl-C to a process group is POSIX")
def test_ctrl_c_during_a_render_says_afbrudt_and_leaves_nothing_behind(tmp_path: Path) -> None:
    """Ctrl-C printed tracebacks from every worker and the kernels' English »Parent appears to have
    exited«, and left the running notebooks' temporary files and the kernels' folders behind."""
    import os
    import signal

    lab = tmp_path / "lab"
    shutil.copytree(ROOT / "sample_data", lab)
    scratch = tmp_path / "tmp"  # the kernels' private folders land here, so the test can see they are gone
    scratch.mkdir()
    render = subprocess.Popen(
        [sys.executable, "-m", "labkit", "render", str(lab), "--processer", "2", "--format", "html"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "TMPDIR": str(scratch)},
        # A terminal's job, not a background one (those ignore SIGINT, and CI may run the suite as one).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # noqa: PLW1509 - no thread forks here
    deadline = time.monotonic() + 120
    running = lab / "uddelingsark" / ".notesboeger"
    while time.monotonic() < deadline and not list(running.glob(".*.tmp.ipynb")):
        time.sleep(0.05)
    assert list(running.glob(".*.tmp.ipynb")), "no school was under way"
    os.killpg(render.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground process group
    _, stderr = render.communicate(timeout=120)

    assert render.returncode == 1
    assert stderr.strip().endswith("Afbrudt."), stderr
    lines = [line for line in stderr.splitlines() if line.strip() and not line.startswith("Uddelingsark:")]
    assert lines == ["Afbrudt."], stderr  # no traceback, no kernel warnings in English
    time.sleep(1)  # a kernel left behind would still be there
    assert [path.name for path in lab.rglob("*") if ".tmp" in path.name] == []
    assert list(scratch.iterdir()) == []  # every kernel was shut down, its folder removed
