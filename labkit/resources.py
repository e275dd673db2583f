"""Where the installed package keeps what it ships besides code: templates, notebooks, the sample lab.

In a wheel they are folders inside the package (`labkit/skabeloner`, `labkit/notesboeger`,
`labkit/eksempel`), mapped at build time from the repository's top-level `templates/`, `notebooks/`
and `sample_data/` (pyproject.toml, `[tool.setuptools.package-dir]`): one mapping, no copies.
An editable install of a checkout cannot import those mapped data folders under the regular
`labkit` package, so there the repository's own folders are used.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from labkit.problems import LabkitError

# The packaged name of each folder and its source folder in a checkout.
SOURCES = {"skabeloner": "templates", "notesboeger": "notebooks", "eksempel": "sample_data"}


def bundled_folder(name: str) -> Path:
    """The folder `name` ("skabeloner", "notesboeger" or "eksempel") as this installation has it."""
    spec = importlib.util.find_spec(f"labkit.{name}")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    package = importlib.util.find_spec("labkit")
    origin = Path(package.origin).resolve().parent if package and package.origin else None
    if origin is not None and (checkout := origin.parent / SOURCES[name]).is_dir():
        return checkout
    raise LabkitError(f"labkit er installeret uden mappen »{name}«. Installér labkit igen "
                      "(pip install --force-reinstall laeringslab-kit).")
