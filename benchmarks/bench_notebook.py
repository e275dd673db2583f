"""Benchmark: how fast the notebooks answer a team.

1. Widget change → updated figure (target ≤ 0.3 s): a rating in notebook 2 redraws the bubble chart,
   a keystroke in notebook 3 redraws the indsatsteori diagram, a new indicator in notebook 1 redraws
   its trend. Measured in-process on the sample lab, as the kernel does it (median of repeats).
2. "Run all" → first figure (target ≤ 10 s): notebook 1 executed by papermill from kernel start;
   the end time of the first cell with an image output, from papermill's cell timestamps.

    .venv/bin/python benchmarks/bench_notebook.py
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path
from unittest import mock

import ipywidgets as widgets
import nbformat

ROOT = Path(__file__).resolve().parent.parent


def _widgets(root: widgets.Widget) -> list[widgets.Widget]:
    found, stack = [], [root]
    while stack:
        widget = stack.pop(0)  # breadth first: widgets in the order they are shown
        found.append(widget)
        stack.extend(getattr(widget, "children", ()))
    return found


def _captured(render, session) -> list[widgets.Widget]:
    shown: list[object] = []
    with mock.patch("IPython.display.display", side_effect=shown.append):
        for module in ("labkit.workshop.indsatsomraader", "labkit.workshop.indsatsteori", "labkit.workshop.analysis", "labkit.views.display"):
            mock.patch(f"{module}.display", side_effect=shown.append).start()
        render(session)
        mock.patch.stopall()
    return [w for item in shown if isinstance(item, widgets.Widget) for w in _widgets(item)]


def _time_change(widget: widgets.Widget, values: list[object], image: widgets.Image, repeats: int = 7) -> float:
    times = []
    for i in range(repeats):
        before = image.value
        start = time.perf_counter()
        widget.value = values[i % len(values)]
        times.append(time.perf_counter() - start)
        assert image.value != before or values[i % len(values)] == values[(i - 1) % len(values)]
    return statistics.median(times)


def widget_latency(lab: Path) -> dict[str, float]:
    from labkit.views.indsatsomraader import rating_path, school_candidates
    from labkit.workshop.analysis import render_indicators
    from labkit.workshop.indsatsomraader import render_candidates
    from labkit.workshop.indsatsteori import render_theories
    from labkit.workspace.session import open_session

    session = open_session(str(lab), "061004", interaktiv=True)
    first = school_candidates(session)[0]
    for key in ("data", "indflydelse"):  # a bubble is drawn once all three ratings are given
        session.save(rating_path(first.id, key), 3)
    found = _captured(render_candidates, session)
    rating = next(w for w in found if isinstance(w, widgets.Dropdown) and w.description == "Vigtighed:")
    chart = session.shared_widgets["bubble_chart"]
    results = {"boblediagram efter en vurdering": _time_change(rating, ["5", "2", "4", "1"], chart)}
    session.save("indsatsomraader/valgte", ["klasseledelse"])
    found = _captured(render_theories, session)
    problem = next(w for w in found if isinstance(w, widgets.Textarea) and w.description == "Problem")
    diagram = next(w for w in found if isinstance(w, widgets.Image))
    texts = [f"Uro i timerne {i} – æøå" for i in range(4)]
    results["indsatsteori-diagram efter et tastetryk"] = _time_change(problem, texts, diagram)
    found = _captured(render_indicators, session)
    picker = next(w for w in found if isinstance(w, widgets.Dropdown) and w.description == "Indikator:")
    trend = next(w for w in found if isinstance(w, widgets.Image))
    options = [value for _, value in picker.options][1:5]  # [0] is already shown
    results["udviklingsfigur efter nyt valg af indikator"] = _time_change(picker, options, trend)
    return results


def run_all_to_first_figure(lab: Path) -> tuple[float, float]:
    import papermill

    output = lab / "ud.ipynb"
    papermill.execute_notebook(str(ROOT / "notebooks" / "1_data_og_analyse.ipynb"), str(output),
                               parameters={"lab_mappe": str(lab), "skole": "061004", "interaktiv": False},
                               kernel_name="python3", progress_bar=False, cwd=str(lab))
    notebook = nbformat.read(output, as_version=4)
    start = datetime.fromisoformat(notebook.metadata["papermill"]["start_time"])
    end = datetime.fromisoformat(notebook.metadata["papermill"]["end_time"])
    first = next(c for c in notebook.cells if any("image/png" in o.get("data", {}) for o in c.get("outputs", [])))
    first_end = datetime.fromisoformat(first.metadata["papermill"]["end_time"])
    return (first_end - start).total_seconds(), (end - start).total_seconds()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        lab = Path(tmp) / "lab"
        shutil.copytree(ROOT / "sample_data", lab)
        for name, seconds in widget_latency(lab).items():
            print(f"Widget → figur, {name}: {seconds:.3f} s (median; mål ≤ 0,3 s)")
        first, total = run_all_to_first_figure(lab)
        print(f"Kør alle → første figur (notesbog 1, inkl. kernestart): {first:.1f} s (mål ≤ 10 s); "
              f"hele notesbogen: {total:.1f} s")


if __name__ == "__main__":
    main()
