"""Getting a team started: the lab's notebooks copied in place and the JupyterLab command line."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from labkit.files import write_atomically
from labkit.resources import bundled_folder

BUNDLED_NOTEBOOKS = bundled_folder("notesboeger")
LAB_NOTEBOOK_FOLDER = "notesbøger"
FIRST_NOTEBOOK = "1_data_og_analyse.ipynb"
# JupyterLab settings for the workshop: no "Jupyter news" pop-up asking to fetch from the internet.
WORKSHOP_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
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
    settings = lab_folder / ".labkit" / "jupyterlab-settings"
    for name, values in WORKSHOP_SETTINGS.items():
        plugin, file = name.split("/", 1)
        path = settings / plugin / file
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, json.dumps(values, indent=2))
    return settings


def jupyterlab_command(lab_folder: Path, port: int | None = None, open_browser: bool = True) -> list[str]:
    """The command that starts JupyterLab on the lab with the first notebook open."""
    command = [
        sys.executable, "-m", "jupyterlab",
        f"--ServerApp.root_dir={lab_folder}",
        f"--LabApp.default_url=/lab/tree/{LAB_NOTEBOOK_FOLDER}/{FIRST_NOTEBOOK}",
        f"--ServerApp.open_browser={open_browser}",
    ]
    if port is not None:
        command.append(f"--ServerApp.port={port}")
    if getattr(os, "geteuid", lambda: -1)() == 0:
        # Containers and servers often run as root; JupyterLab would otherwise refuse to start.
        command.append("--ServerApp.allow_root=True")
    return command
