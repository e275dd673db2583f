"""`labkit lab`: notebooks saved without outputs, Danish menus, each lab's own tabs, JupyterLab options passed
through, and JupyterLab stopped with labkit (issue 11). The signal tests run a small Python child, not JupyterLab;
the last test runs the real thing."""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest
from click.testing import CliRunner

from labkit.cli import main
from labkit.room import child_process
from labkit.room.child_process import (
    CREATE_NEW_PROCESS_GROUP,
    CTRL_BREAK_EVENT,
    ask_to_stop,
    exit_status,
    own_process_group,
    run_until_stopped,
    stop_signals,
    wait_interruptibly,
)
from labkit.room.launch import (
    FIRST_NOTEBOOK,
    STRIP_OUTPUTS_HOOK,
    bundled_notebooks,
    jupyterlab_command,
    strip_outputs_before_save,
    write_workshop_settings,
)

POSIX_ONLY = pytest.mark.skipif(os.name == "nt", reason="sends POSIX signals to real processes")
WIDGET_OUTPUT = {"output_type": "display_data", "metadata": {},
                 "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "f00", "version_major": 2,
                                                                        "version_minor": 0},
                          "text/plain": "Dropdown(options=('Bøgekilde Skole',), value='Bøgekilde Skole')"}}


def notebook_as_saved_by_jupyterlab() -> dict[str, Any]:
    """The first team notebook as JupyterLab would save it after a run: outputs, counts and widget state."""
    notebook = json.loads(bundled_notebooks()[0].read_text(encoding="utf-8"))
    for number, cell in enumerate(c for c in notebook["cells"] if c["cell_type"] == "code"):
        cell["outputs"] = [WIDGET_OUTPUT, {"output_type": "stream", "name": "stdout", "text": "æøå\n"}]
        cell["execution_count"] = number + 1
    notebook["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {"f00": {}}}}
    return notebook


# --- the pre-save hook ---------------------------------------------------------------------------------


def test_the_hook_strips_outputs_counts_and_widget_state_but_keeps_everything_else() -> None:
    notebook = notebook_as_saved_by_jupyterlab()
    before = copy.deepcopy(notebook)
    strip_outputs_before_save(model={"type": "notebook", "content": notebook}, path="notesbøger/x.ipynb",
                              contents_manager=None)
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    assert "widgets" not in notebook["metadata"]
    assert [c["source"] for c in notebook["cells"]] == [c["source"] for c in before["cells"]]
    assert [c for c in notebook["cells"] if c["cell_type"] != "code"] == \
        [c for c in before["cells"] if c["cell_type"] != "code"]
    before["metadata"].pop("widgets")
    assert notebook["metadata"] == before["metadata"]  # kernelspec, tags and the rest stay
    nbformat.validate(nbformat.from_dict(notebook))


@pytest.mark.parametrize("model", [
    {"type": "file", "format": "text", "content": json.dumps(notebook_as_saved_by_jupyterlab())},
    {"type": "file", "format": "text", "content": "skole;andel\n101001;0,5\n"},
    {"type": "directory"},
    {"type": "notebook"},  # a rename or a model without content: nothing to strip
])
def test_the_hook_leaves_other_files_alone(model: dict[str, Any]) -> None:
    before = copy.deepcopy(model)
    strip_outputs_before_save(model=model, path="notesbøger/x.ipynb", contents_manager=None)
    assert model == before


def test_jupyter_server_imports_the_hook_by_name_and_saves_notebooks_without_outputs(tmp_path: Path) -> None:
    from jupyter_server.services.contents.filemanager import FileContentsManager

    manager = FileContentsManager(root_dir=str(tmp_path), pre_save_hook=STRIP_OUTPUTS_HOOK)
    assert manager.pre_save_hook is strip_outputs_before_save
    manager.save({"type": "notebook", "content": notebook_as_saved_by_jupyterlab()}, "hold.ipynb")
    manager.save({"type": "file", "format": "text", "content": '{"outputs": [1]}'}, "noter.txt")
    saved = json.loads((tmp_path / "hold.ipynb").read_text(encoding="utf-8"))
    assert all(c.get("outputs", []) == [] for c in saved["cells"]) and "widgets" not in saved["metadata"]
    assert (tmp_path / "noter.txt").read_text(encoding="utf-8") == '{"outputs": [1]}'


# --- the command line --------------------------------------------------------------------------------


def test_jupyterlab_gets_the_hook_its_own_tabs_folder_and_the_options_last_in_order(tmp_path: Path) -> None:
    passed = ["--ip", "0.0.0.0", "--ServerApp.port=9000", "--no-browser"]
    command = jupyterlab_command(tmp_path, port=8888, open_browser=True, jupyterlab_options=passed)
    assert command[:3] == [sys.executable, "-m", "jupyterlab"]
    assert command[-len(passed):] == passed
    assert f"--ContentsManager.pre_save_hook={STRIP_OUTPUTS_HOOK}" in command
    assert f"--LabApp.workspaces_dir={tmp_path / '.labkit' / 'jupyterlab-arbejdsrum'}" in command
    # JupyterLab refuses a setting given twice: the facilitator's port replaces labkit's.
    assert "--ServerApp.port=8888" not in command
    assert "--ServerApp.port=8888" in jupyterlab_command(tmp_path, port=8888, jupyterlab_options=["--ip", "::1"])
    assert "--ServerApp.port=8888" not in jupyterlab_command(tmp_path, port=8888, jupyterlab_options=["--port", "1"])


def test_jupyterlab_itself_accepts_the_command_line_and_the_facilitators_options_win(tmp_path: Path) -> None:
    from jupyterlab.labapp import LabApp

    command = jupyterlab_command(tmp_path, port=8888, open_browser=True, jupyterlab_options=[
        "--ip", "0.0.0.0", "--ServerApp.port=9000", "--ServerApp.open_browser=False"])
    app = LabApp()
    app.parse_command_line(command[3:])  # exits on an unknown or doubled setting
    assert (app.config.ServerApp.port, app.config.ServerApp.ip, app.config.ServerApp.open_browser) == \
        (9000, "0.0.0.0", False)
    assert app.config.LabApp.workspaces_dir == str(tmp_path / ".labkit" / "jupyterlab-arbejdsrum")
    assert app.config.ContentsManager.pre_save_hook == STRIP_OUTPUTS_HOOK
    assert app.config.LabApp.default_url.endswith(FIRST_NOTEBOOK)


def test_allow_root_only_where_there_is_a_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 0, raising=False)
    assert "--ServerApp.allow_root=True" in jupyterlab_command(tmp_path)
    monkeypatch.delattr(os, "geteuid", raising=False)  # as on Windows
    assert "--ServerApp.allow_root=True" not in jupyterlab_command(tmp_path)


def test_the_workshop_settings_choose_danish_and_jupyterlab_reads_them(tmp_path: Path) -> None:
    from jupyterlab.commands import get_app_dir
    from jupyterlab_server.settings_utils import get_settings
    from jupyterlab_server.translation_utils import get_language_packs

    settings = write_workshop_settings(tmp_path)
    schemas = Path(get_app_dir()) / "schemas"
    found, _ = get_settings(str(Path(get_app_dir()) / "settings"), str(schemas), str(settings),
                            schema_name="@jupyterlab/translation-extension:plugin")
    assert found["settings"]["locale"] == "da_DK"
    found, _ = get_settings(str(Path(get_app_dir()) / "settings"), str(schemas), str(settings),
                            schema_name="@jupyterlab/apputils-extension:notification")
    assert found["settings"]["fetchNews"] == "false"
    assert "da_DK" in get_language_packs("da_DK")[0]  # the pack is installed, so the setting takes


def test_the_lab_command_passes_options_through_and_returns_jupyterlabs_status(
        lab: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[tuple[list[str], dict[str, str]]] = []

    def fake_run(command: list[str], environment: dict[str, str]) -> int:
        started.append((command, environment))
        return 3

    monkeypatch.setattr(child_process, "run_until_stopped", fake_run)
    result = CliRunner().invoke(main, ["lab", str(lab), "--ingen-browser", "--ip", "0.0.0.0",
                                       "--ServerApp.port=9000", "--", "--port", "9001", "-y"])
    assert result.exit_code == 3, result.output
    command, environment = started[0]
    assert command[-6:] == ["--ip", "0.0.0.0", "--ServerApp.port=9000", "--port", "9001", "-y"]
    assert "--ServerApp.open_browser=False" in command
    assert environment["JUPYTERLAB_SETTINGS_DIR"] == str(lab / ".labkit" / "jupyterlab-settings")


def test_an_option_in_place_of_the_folder_is_a_danish_error() -> None:
    result = CliRunner().invoke(main, ["lab", "--ip", "0.0.0.0"])
    assert result.exit_code == 2
    assert "FEJL: --ip er et tilvalg, ikke en mappe. Skriv MAPPE først, fx labkit lab . --ip 0.0.0.0" in result.output


# --- stopping JupyterLab with labkit -----------------------------------------------------------------

CHILD = """
import os, signal, sys, time
record, mode = sys.argv[1], sys.argv[2]
def stop(signum, frame):
    with open(record, "a") as file:
        file.write(signal.Signals(signum).name + "\\n")
    if mode != "ignore":
        sys.exit(3)
for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(number, stop)
with open(record + ".pid", "w") as file:
    file.write(str(os.getpid()))
while True:
    time.sleep(0.05)
"""
DRIVER = ("import sys; from labkit.room.child_process import run_until_stopped; "
          "sys.exit(run_until_stopped(sys.argv[1:5], stop_seconds=float(sys.argv[5])))")


def child_command(tmp_path: Path, mode: str = "stop") -> tuple[list[str], Path]:
    script = tmp_path / "jupyterlab_stand_in.py"
    script.write_text(CHILD, encoding="utf-8")
    return [sys.executable, str(script), str(tmp_path / "signals.txt"), mode], tmp_path / "signals.txt"


def wait_for_pid(record: Path, labkit: subprocess.Popen[Any] | None = None, timeout: float = 30) -> int:
    deadline = time.monotonic() + timeout
    pid_file = record.with_name(record.name + ".pid")
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline and (labkit is None or labkit.poll() is None), "the stand-in never started"
        time.sleep(0.02)
    return int(pid_file.read_text())


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def leave_nothing_running(labkit: subprocess.Popen[Any], child: int | None) -> None:
    """After a test, passed or failed: labkit asked to stop (a SIGKILL would orphan its child), then killed."""
    if labkit.poll() is None:
        labkit.terminate()
        try:
            labkit.wait(timeout=30)
        except subprocess.TimeoutExpired:
            labkit.kill()
            labkit.wait()
    if child is not None and is_running(child):
        os.kill(child, signal.SIGKILL)


@POSIX_ONLY
@pytest.mark.parametrize("received", ["SIGTERM", "SIGINT", "SIGHUP"])
def test_a_stop_signal_to_labkit_reaches_jupyterlab_as_sigterm_and_it_is_reaped(tmp_path: Path, received: str) -> None:
    command, record = child_command(tmp_path)
    labkit = subprocess.Popen([sys.executable, "-c", DRIVER, *command, "20"])
    pid = None
    try:
        pid = wait_for_pid(record, labkit)
        assert os.getpgid(pid) == pid  # its own process group: the terminal's Ctrl+C goes to labkit only
        labkit.send_signal(getattr(signal, received))
        assert labkit.wait(timeout=30) == 3  # JupyterLab's exit status is labkit's
    finally:
        leave_nothing_running(labkit, pid)
    assert record.read_text() == "SIGTERM\n"
    assert not is_running(pid)  # labkit waited for it: no orphan, no zombie


@POSIX_ONLY
def test_a_jupyterlab_that_ignores_the_request_is_killed_after_the_timeout(tmp_path: Path) -> None:
    command, record = child_command(tmp_path, mode="ignore")
    labkit = subprocess.Popen([sys.executable, "-c", DRIVER, *command, "1.0"])
    pid = None
    try:
        pid = wait_for_pid(record, labkit)
        started = time.monotonic()
        labkit.send_signal(signal.SIGTERM)
        assert labkit.wait(timeout=30) == 128 + signal.SIGKILL
        assert 0.9 < time.monotonic() - started < 15
    finally:
        leave_nothing_running(labkit, pid)
    assert record.read_text() == "SIGTERM\n"
    assert not is_running(pid)


@POSIX_ONLY
def test_an_error_in_labkit_stops_and_reaps_jupyterlab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    command, record = child_command(tmp_path)
    real_wait = subprocess.Popen.wait
    children: list[subprocess.Popen[Any]] = []

    def wait_then_fail(self: subprocess.Popen[Any], timeout: float | None = None) -> int:
        if not children:
            children.append(self)
            wait_for_pid(record)
            raise RuntimeError("labkit fejlede")
        return real_wait(self, timeout)

    handlers = {number: signal.getsignal(number) for number in stop_signals()}
    monkeypatch.setattr(subprocess.Popen, "wait", wait_then_fail)
    with pytest.raises(RuntimeError, match="labkit fejlede"):
        run_until_stopped(command, stop_seconds=20)
    assert children[0].returncode == 3  # asked with SIGTERM, stopped, reaped
    assert record.read_text() == "SIGTERM\n"
    assert {number: signal.getsignal(number) for number in stop_signals()} == handlers


def test_exit_status_is_what_a_shell_reports() -> None:
    assert (exit_status(0), exit_status(1), exit_status(-9), exit_status(-15)) == (0, 1, 137, 143)


# --- the same on Windows (reported as Windows; the real thing needs a Windows machine) --------------


class FakeProcess:
    def __init__(self, timeouts_before_exit: int = 0) -> None:
        self.signals: list[int] = []
        self.timeouts: list[float | None] = []
        self.left = timeouts_before_exit

    def poll(self) -> int | None:
        return None

    def send_signal(self, number: int) -> None:
        self.signals.append(number)

    def wait(self, timeout: float | None = None) -> int:
        self.timeouts.append(timeout)
        if self.left:
            self.left -= 1
            raise subprocess.TimeoutExpired("jupyterlab", timeout or 0)
        return 0


def test_on_windows_jupyterlab_gets_its_own_process_group_and_ctrl_break(monkeypatch: pytest.MonkeyPatch) -> None:
    windows_process, posix_process = FakeProcess(), FakeProcess()
    with monkeypatch.context() as windows:  # left before any failure: pytest's report builds paths
        windows.setattr(os, "name", "nt")
        windows_group = own_process_group()
        ask_to_stop(windows_process)  # type: ignore[arg-type]
    with monkeypatch.context() as posix:
        posix.setattr(os, "name", "posix")
        posix_group = own_process_group()
        ask_to_stop(posix_process)  # type: ignore[arg-type]
    assert windows_group == {"creationflags": CREATE_NEW_PROCESS_GROUP} and windows_process.signals == [CTRL_BREAK_EVENT]
    assert posix_group == {"process_group": 0} and posix_process.signals == [signal.SIGTERM]


def test_on_windows_labkit_waits_in_short_steps_so_ctrl_c_is_handled(monkeypatch: pytest.MonkeyPatch) -> None:
    windows_process, posix_process = FakeProcess(timeouts_before_exit=2), FakeProcess()
    with monkeypatch.context() as windows:
        windows.setattr(os, "name", "nt")
        windows_status = wait_interruptibly(windows_process)  # type: ignore[arg-type]
    with monkeypatch.context() as posix:
        posix.setattr(os, "name", "posix")
        posix_status = wait_interruptibly(posix_process)  # type: ignore[arg-type]
    assert windows_status == 0 and windows_process.timeouts == [0.5, 0.5, 0.5]
    assert posix_status == 0 and posix_process.timeouts == [None]  # waitpid is interrupted by signals


def test_the_stop_signals_are_the_ones_the_platform_has(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(signal, "SIGHUP", raising=False)  # as on Windows
    monkeypatch.setattr(signal, "SIGBREAK", 21, raising=False)
    assert stop_signals() == [signal.SIGINT, signal.SIGTERM, 21]


@pytest.mark.slow
@POSIX_ONLY
def test_a_real_labkit_lab_saves_without_outputs_speaks_danish_and_stops_on_sigterm(lab: Path, tmp_path: Path) -> None:
    import socket
    import urllib.parse
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    runtime = tmp_path / "runtime"
    log = (tmp_path / "labkit.log").open("w")
    labkit = subprocess.Popen(
        [sys.executable, "-m", "labkit", "lab", str(lab), "--ingen-browser", "--port", str(port), "--",
         "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=", "--ServerApp.disable_check_xsrf=True"],
        env=dict(os.environ, JUPYTER_RUNTIME_DIR=str(runtime)), stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    jupyterlab_pid = None

    def call(path: str, method: str = "GET", body: Any = None) -> Any:
        request = urllib.request.Request(url + urllib.parse.quote(path), method=method, data=None if body is None else
                                         json.dumps(body).encode("utf-8"), headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read() or b"null")

    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                call("/api/status")
                break
            except OSError:
                assert time.monotonic() < deadline and labkit.poll() is None, (tmp_path / "labkit.log").read_text()
                time.sleep(0.5)
        server = next(runtime.glob("jpserver-*.json"))
        jupyterlab_pid = json.loads(server.read_text())["pid"]
        call("/api/contents/notesbøger/gemt.ipynb", "PUT", {"type": "notebook", "content": notebook_as_saved_by_jupyterlab()})
        saved = json.loads((lab / "notesbøger" / "gemt.ipynb").read_text(encoding="utf-8"))
        assert all(c.get("outputs", []) == [] for c in saved["cells"]) and "widgets" not in saved["metadata"]
        assert call("/lab/api/settings/@jupyterlab/translation-extension:plugin")["settings"]["locale"] == "da_DK"
        assert call("/lab/api/translations/da_DK")["data"]["jupyterlab"]["Restart the kernel"] == ["Genstart kernen"]
        call("/lab/api/workspaces/lab", "PUT", {"data": {}, "metadata": {"id": "lab"}})
        assert list((lab / ".labkit" / "jupyterlab-arbejdsrum").glob("*.jupyterlab-workspace"))
        labkit.send_signal(signal.SIGTERM)
        assert labkit.wait(timeout=60) == 0
        assert not is_running(jupyterlab_pid)
    finally:
        leave_nothing_running(labkit, jupyterlab_pid)
        log.close()
