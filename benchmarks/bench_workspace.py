"""Benchmark: the team's workspace under three editors × 500 saves on the same fields, with random kills.

    .venv/bin/python benchmarks/bench_workspace.py [--gemninger 500] [--kills 12]

Prints save times (p50, p95, max; median of the first and last tenth, to show saving does not slow
down as the file ages), the file's size and open conflicts, and the history's versions and bytes.
Then one editor's save time with an empty history and with the history of a six-hour lab day (410
versions), which a save must not have to read through.
Figures only: the limits are asserted in tests/workspace/test_stress.py and documented in
docs/arbejdsfil.md. The editors and the driver are tests/workspace/stress.py.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the editors live beside the stress test

from labkit.workspace.store import Workspace
from tests.workspace.stress import LAB_NAME, SCHOOL, a_day_of_history, lost_saves, run_stress, seed_workspace


def one_editor_median(lab: Path, saves: int = 200) -> float:
    """One editor typing alone: the median seconds of a save."""
    workspace = Workspace.open(lab, SCHOOL, LAB_NAME)
    seconds = []
    for number in range(saves):
        started = time.perf_counter()
        workspace.set(("indsatsteorier", "omraade-1", "problem"), f"Uro i timerne, udkast {number} – æøå")
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gemninger", type=int, default=500, help="gemninger pr. redaktør")
    parser.add_argument("--kills", type=int, default=12, help="antal SIGKILL undervejs")
    parser.add_argument("--frø", type=int, default=1, help="tilfældighedernes frø")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="labkit-arbejdsfil-") as folder:
        lab = Path(folder) / "lab"
        seed_workspace(lab)
        run = run_stress(lab, Path(folder) / "logs", saves=options.gemninger, kills=options.kills, seed=options.frø)
        print(run.summary())
        verdict = lost_saves(run)
        print(f"tabte kvitterede gemninger: {len(verdict.lost)}; ikke gemt: {len(verdict.not_saved)}; "
              f"midlertidige filer tilbage: {len(run.temp_files())}; låse, der blev hængende: {run.stale_locks}")
        fresh, aged = Path(folder) / "ny", Path(folder) / "gammel"
        for lab_folder in (fresh, aged):
            seed_workspace(lab_folder)
        versions = len(list(a_day_of_history(aged).glob("*.json")))
        print(f"én redaktør alene: p50 {1000 * one_editor_median(fresh):.1f} ms uden historik, "
              f"{1000 * one_editor_median(aged):.1f} ms efter en dag på 6 timer ({versions} versioner)")


if __name__ == "__main__":
    main()
