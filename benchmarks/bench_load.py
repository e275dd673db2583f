"""Benchmark: load and validate a national-size kvalitetsrapport (1,100 schools × 8 years × every indicator).

Target on a 2-core machine: ≤ 3 s and ≤ 1 GB peak memory for `load_lab`.

    .venv/bin/python benchmarks/bench_load.py [--schools 1100] [--years 8]

The files are written in the published layouts (wide skoleoverblik, trivsel with Antal
besvarelser, and the long layout for the rest), so the run exercises the same code as a
facilitator's real files. Time and memory are measured in a fresh child process, so the
figures do not include generating the data.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from labkit.data.catalogue import load_catalogue
from labkit.data.synthetic import format_dk
from labkit.data.synthetic_national import synthetic_skoleoverblik
from labkit.data.templates import BUNDLED_TEMPLATES

TRIVSEL = ["Social trivsel", "Faglig trivsel", "Støtte og inspiration", "Ro og orden", "Generel trivsel"]
GROUPS = ["Mellemtrin", "Udskoling"]


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, sep=";", index=False, encoding="utf-8-sig", lineterminator="\r\n")


def _trivsel(wide: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    keys = wide[["Institutionsnummer", "Institution", "Skoleår"]]
    parts = []
    for indicator in TRIVSEL:
        for group in GROUPS:
            part = keys.copy()
            part["Klassetringruppe"] = group
            part["Trivselsindikator"] = indicator
            part["Indikatorsvar"] = [format_dk(v) for v in np.round(rng.normal(3.9, 0.2, len(keys)), 1)]
            part["Antal besvarelser"] = rng.integers(3, 250, len(keys)).astype(str)
            parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _long(wide: pd.DataFrame, rng: np.random.Generator, names: list[str]) -> pd.DataFrame:
    parts = []
    for name in names:
        part = pd.DataFrame({
            "Institutionsnummer": wide["Institutionsnummer"], "Skoleår": wide["Skoleår"],
            "Indikator": name, "Gruppe": "", "Niveau": "Skole",
            "Værdi": [format_dk(v) for v in np.round(rng.uniform(40, 99, len(wide)), 1)],
            "Antal": rng.integers(20, 900, len(wide)).astype(str),
        })
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def write_national_lab(folder: Path, schools: int, years: int, seed: int = 7) -> dict[str, int]:
    """Write a lab folder with a national-size data set; returns the number of rows per file."""
    rng = np.random.default_rng(seed)
    year_list = [f"{y}/{y + 1}" for y in range(2026 - years, 2026)]
    wide = synthetic_skoleoverblik(schools, year_list, seed)
    catalogue = load_catalogue(BUNDLED_TEMPLATES / "indikatorer.yaml")
    covered = set(wide.columns) | set(TRIVSEL)
    rest = [i.columns[0] for i in catalogue.indicators if i.columns[0] not in covered]
    data = folder / "data"
    data.mkdir(parents=True)
    files = {"skoleoverblik.csv": wide, "trivsel.csv": _trivsel(wide, rng), "lang.csv": _long(wide, rng, rest)}
    for name, frame in files.items():
        _write_csv(frame, data / name)
    lab_schools = wide.drop_duplicates("Institutionsnummer").head(6)
    school_lines = "".join(
        f'  - institutionsnummer: "{row.Institutionsnummer}"\n    navn: "{row.Institution}"\n'
        for row in lab_schools.itertuples())
    (folder / "lab.yaml").write_text(
        f'kommune: Benchmark Kommune\nskoleår: "{year_list[-1]}"\nmindste_gruppe: 5\nskoler:\n{school_lines}',
        encoding="utf-8")
    return {name: len(frame) for name, frame in files.items()}


def measure(folder: Path) -> None:
    """Child process: load the lab once and print seconds, peak memory and what was read."""
    start = time.perf_counter()
    from labkit.data.lab import load_lab  # the import is part of what a user waits for

    imported = time.perf_counter()
    lab = load_lab(folder)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "import_seconds": imported - start, "peak_mb": peak_mb, "figures": len(lab.kvalitet),
                      "problems": len(lab.problems), "usable": lab.usable}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=1100)
    parser.add_argument("--years", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3, help="antal målinger; medianen vises")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    with tempfile.TemporaryDirectory() as tmp:
        rows = write_national_lab(Path(tmp) / "lab", args.schools, args.years)
        runs = [json.loads(subprocess.run(
            [sys.executable, __file__, "--measure", str(Path(tmp) / "lab")],
            check=True, capture_output=True, text=True).stdout) for _ in range(args.repeat)]
    result = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]  # the median run
    print(f"Rækker pr. fil: {rows}")
    print(f"Tal i den samlede tabel: {result['figures']:,}; problemer: {result['problems']}; "
          f"kan bruges: {result['usable']}")
    print(f"Tider i {len(runs)} friske processer: "
          + ", ".join(f"{r['seconds']:.2f} s" for r in runs))
    print(f"load_lab (inkl. import), median: {result['seconds']:.2f} s (mål ≤ 3 s), "
          f"heraf import af labkit og pandas {result['import_seconds']:.2f} s")
    print(f"Største hukommelsesforbrug: {result['peak_mb']:.0f} MB (mål ≤ 1024 MB)")


if __name__ == "__main__":
    main()
