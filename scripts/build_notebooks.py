"""Write the lab's notebooks in notebooks/ from their text sources in notebooks/kilder/ (MyST Markdown).

    python scripts/build_notebooks.py

Edit the `.md` source, then run this: the `.ipynb` files are generated, stored without outputs, and a
test checks they are up to date. The notebooks are thin on purpose: a `parameters` cell, one call
per section into labkit, and short Danish prose. Every code cell but the parameters is collapsed in
JupyterLab, so participants see prose and widgets, not the wiring.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SOURCES = NOTEBOOKS / "kilder"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def build_notebook(source: Path) -> nbformat.NotebookNode:
    """The notebook for one MyST source: cells as written, our metadata only, stable cell ids."""
    notebook = jupytext.read(source, fmt="md:myst")
    notebook.metadata = nbformat.NotebookNode(kernelspec=KERNELSPEC, language_info={"name": "python"})
    for index, cell in enumerate(notebook.cells):
        tags = cell.metadata.get("tags", [])
        cell.metadata = nbformat.NotebookNode()
        if "jupyterlab" in tags:
            cell.metadata["tags"] = ["jupyterlab"]  # JupyterLab-only prose: labkit serve leaves it out
        if cell.cell_type == "code":
            if "parameters" in tags:
                cell.metadata["tags"] = ["parameters"]  # papermill's parameters cell
            else:
                cell.metadata["jupyter"] = {"source_hidden": True}
        cell["id"] = f"cell-{index:02d}"  # stable ids: rebuilding gives the same file
    return notebook


def notebooks() -> dict[str, nbformat.NotebookNode]:
    """File name → notebook, for every source."""
    return {f"{source.stem}.ipynb": build_notebook(source) for source in sorted(SOURCES.glob("*.md"))}


def main() -> int:
    for name, notebook in notebooks().items():
        nbformat.write(notebook, NOTEBOOKS / name)
        print(f"Skrev {NOTEBOOKS / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
