"""Getting a team started: the lab's notebooks copied in place and the JupyterLab command line.

JupyterLab mode keeps nothing stale between days: notebooks are saved without outputs (the
pre-save hook below), its settings and open tabs live in the lab's own `.labkit/` folder, and its
menus are Danish as far as the Danish language pack goes.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from labkit.files import write_atomically
from labkit.resources import bundled_folder

BUNDLED_NOTEBOOKS = bundled_folder("notesboeger")
LAB_NOTEBOOK_FOLDER = "notesbøger"
FIRST_NOTEBOOK = "1_data_og_analyse.ipynb"
LABKIT_FOLDER = ".labkit"  # in the lab folder: JupyterLab's settings and open tabs for this lab
WORKSPACES_FOLDER = "jupyterlab-arbejdsrum"
# JupyterLab settings for the workshop: no "Jupyter news" pop-up asking to fetch from the internet, and
# Danish menus (jupyterlab-language-pack-da-DK translates a few dozen strings; the rest stays English).
WORKSHOP_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
    "@jupyterlab/translation-extension/plugin.jupyterlab-settings": {"locale": "da_DK"},
}


def bundled_notebooks() -> list[Path]:
    # The team notebooks are numbered; the handout notebook is for rendering, not for the team.
    return sorted(BUNDLED_NOTEBOOKS.glob("[0-9]_*.ipynb"))


def prepare_notebooks(lab_folder: Path, update: bool = False) -> list[Path]:
    """Copy labkit's notebooks into the lab folder; never overwrite one unless `update` is set.

    The notebooks hold no team data (that lives in the workspace files), so updating is safe,
    but a facilitator may have adapted a notebook's prose: hence opt-in.
    """
    target = lab_folder / LAB_NOTEBOOK_FOLDER
    target.mkdir(exist_ok=True)
    copied = []
    for source in bundled_notebooks():
        destination = target / source.name
        if update or not destination.exists():
            write_atomically(destination, source.read_bytes())  # a tab may be reading the old one
        copied.append(destination)
    return copied


def write_workshop_settings(lab_folder: Path) -> Path:
    """JupyterLab user settings for the lab; returned folder goes in JUPYTERLAB_SETTINGS_DIR."""
    settings = lab_folder / LABKIT_FOLDER / "jupyterlab-settings"
    for name, values in WORKSHOP_SETTINGS.items():
        plugin, file = name.split("/", 1)
        path = settings / plugin / file
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, json.dumps(values, indent=2))
    return settings


def strip_outputs_before_save(model: dict[str, Any], path: str = "", contents_manager: Any = None,
                              **_: Any) -> None:
    """jupyter_server's pre-save hook (called with keywords): a notebook is saved without outputs,
    execution counts and widget state; any other file is saved as it is.

    A widget output saved without its live model shows "Error displaying widget: model not found"
    after a restart. The team's work is in the workspace files, so outputs hold nothing to keep.
    """
    notebook = model.get("content")
    if model.get("type") != "notebook" or not isinstance(notebook, dict):
        return
    for cell in notebook.get("cells") or []:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    metadata = notebook.get("metadata")
    if isinstance(metadata, dict):
        metadata.pop("widgets", None)


# JupyterLab's short names for settings labkit gives in full.
JUPYTERLAB_ALIASES = {"--port": "--ServerApp.port", "--notebook-dir": "--ServerApp.root_dir"}
# JupyterLab imports the hook by this name (it runs in JupyterLab's process, not labkit's).
STRIP_OUTPUTS_HOOK = f"{strip_outputs_before_save.__module__}.{strip_outputs_before_save.__qualname__}"


def jupyterlab_command(lab_folder: Path, port: int | None = None, open_browser: bool = True,
                       jupyterlab_options: Sequence[str] = ()) -> list[str]:
    """The command that starts JupyterLab on the lab with the first notebook open.

    `jupyterlab_options` (the facilitator's, passed through) come last, in their order, and win:
    JupyterLab refuses a setting given twice, so labkit leaves out its own for any they name.
    """
    own = [
        f"--ServerApp.root_dir={lab_folder}",
        f"--LabApp.default_url=/lab/tree/{LAB_NOTEBOOK_FOLDER}/{FIRST_NOTEBOOK}",
        f"--ServerApp.open_browser={open_browser}",
        # Each lab remembers its own open tabs, not the last lab opened on this machine.
        f"--LabApp.workspaces_dir={lab_folder / LABKIT_FOLDER / WORKSPACES_FOLDER}",
        # ContentsManager, not one subclass: the hook holds whichever manager serves the files.
        f"--ContentsManager.pre_save_hook={STRIP_OUTPUTS_HOOK}",
    ]
    if port is not None:
        own.append(f"--ServerApp.port={port}")
    if getattr(os, "geteuid", lambda: -1)() == 0:
        # Containers and servers often run as root; JupyterLab would otherwise refuse to start.
        own.append("--ServerApp.allow_root=True")
    named = {JUPYTERLAB_ALIASES.get(name, name) for name in (option.split("=", 1)[0] for option in jupyterlab_options)}
    return [sys.executable, "-m", "jupyterlab",
            *(option for option in own if option.split("=", 1)[0] not in named), *jupyterlab_options]
