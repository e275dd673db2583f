"""Benchmark: `labkit render` against the naive loop a facilitator would otherwise write.

Targets on a 2-core machine: 56 schools to HTML in ≤ 60 s; ≥ 6× faster than the naive loop at
12 schools; one school's HTML handout in ≤ 5 s.

    .venv/bin/python benchmarks/bench_render.py [--sizes 12 56] [--naive-56] [--gentag 3] [--keep]

For each size N a synthetic lab is written from the bundled sample lab: the six sample schools'
rows are cloned round-robin to N schools (new institution numbers 7xxxxx, names "Skole 001" …) in
every data file, the kapacitet workbook included. Then, one after another and all as a user would
run them: `labkit render --skole` for one school, --gentag times (the first also warms the disk
cache; the slowest counts), `labkit render --format html` for all N (workers = cores), and the
naive loop (the papermill CLI then `jupyter nbconvert --to html --no-input`, school after school). The naive loop at 56 schools
takes minutes, so it runs only with --naive-56. Times are wall times of the whole commands.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_LAB = ROOT / "sample_data"
HANDOUT_NOTEBOOK = ROOT / "notebooks" / "uddelingsark.ipynb"
BIN = Path(sys.executable).parent  # the venv's bin folder; not resolved, which would leave the venv
TARGET_ALL_SECONDS, TARGET_ALL_SIZE = 60.0, 56
TARGET_RATIO, TARGET_RATIO_SIZE = 6.0, 12
TARGET_ONE_SECONDS = 5.0


def school_ids(count: int) -> list[tuple[str, str]]:
    """(institutionsnummer, navn) for `count` synthetic schools; numbers are 6-digit strings."""
    return [(f"7{k:05d}", f"Skole {k:03d}") for k in range(1, count + 1)]


def _clone_rows(frame: pd.DataFrame, templates: list[str], schools: list[tuple[str, str]]) -> pd.DataFrame:
    """The sample schools' rows cloned round-robin to `schools`; rows of no school are kept once."""
    parts = []
    for k, (number, name) in enumerate(schools):
        part = frame.loc[frame["Institutionsnummer"] == templates[k % len(templates)]].copy()
        part["Institutionsnummer"] = number
        if "Institution" in part:
            part["Institution"] = name
        parts.append(part)
    parts.append(frame.loc[~frame["Institutionsnummer"].isin(templates)])  # kommune and land rows
    return pd.concat(parts, ignore_index=True)


def _clone_sheet(sheet, templates: list[str], schools: list[tuple[str, str]]) -> None:
    """Rewrite a data-entry sheet's rows (below the header) for `schools`, keeping each cell's style."""
    by_school: dict[str, list[list]] = {}
    for row in sheet.iter_rows(min_row=2):
        if row[0].value is not None:
            by_school.setdefault(str(row[0].value), []).append([(c.value, copy.copy(c._style)) for c in row])
    sheet.delete_rows(2, sheet.max_row)
    number_of_row = 2
    for k, (number, name) in enumerate(schools):
        for cells in by_school.get(templates[k % len(templates)], []):
            for column, (value, style) in enumerate(cells, start=1):
                cell = sheet.cell(row=number_of_row, column=column, value=value)
                cell._style = copy.copy(style)
            sheet.cell(row=number_of_row, column=1, value=number)
            sheet.cell(row=number_of_row, column=2, value=name)
            number_of_row += 1


def _clone_workbook(source: Path, target: Path, templates: list[str], schools: list[tuple[str, str]]) -> None:
    """The kapacitet workbook with the ratings and notes cloned and the school list replaced."""
    workbook = load_workbook(source)
    for name in ("Vurderinger", "Noter"):
        _clone_sheet(workbook[name], templates, schools)
    lists = workbook["Lister"]
    for row in range(2, max(lists.max_row, len(schools) + 1) + 1):
        pair: tuple[str | None, str | None] = schools[row - 2] if row - 2 < len(schools) else (None, None)
        for column, value in enumerate(pair, start=1):
            lists.cell(row=row, column=column, value=value).number_format = "@"
    for name in ("Vurderinger", "Noter"):  # the drop-down of institution numbers follows the list
        for validation in workbook[name].data_validations.dataValidation:
            if validation.formula1 and validation.formula1.startswith("=Lister!$A$2:$A$"):
                validation.formula1 = f"=Lister!$A$2:$A${len(schools) + 1}"
    workbook.save(target)


def _lab_yaml(schools: list[tuple[str, str]]) -> str:
    """The sample lab.yaml with its `skoler:` block replaced; everything else (comments too) kept."""
    kept, in_schools = [], False
    for line in (SAMPLE_LAB / "lab.yaml").read_text(encoding="utf-8").splitlines():
        if line.startswith("skoler:"):
            in_schools = True
            kept.append("skoler:")
            kept += [f'  - institutionsnummer: "{number}"\n    navn: "{name}"' for number, name in schools]
            continue
        if in_schools and line[:1] in (" ", "-", "\t"):
            continue
        in_schools = False
        kept.append(line)
    return "\n".join(kept) + "\n"


def write_synthetic_lab(folder: Path, count: int) -> list[tuple[str, str]]:
    """Write a lab folder with `count` schools cloned from the sample lab; returns the schools."""
    schools = school_ids(count)
    source, data = SAMPLE_LAB / "data", folder / "data"
    data.mkdir(parents=True)
    def read(name: str) -> pd.DataFrame:  # every cell as written: ids keep their 0s, "23,9" stays text
        return pd.read_csv(source / name, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")

    templates = list(dict.fromkeys(read("skoleoverblik.csv")["Institutionsnummer"]))
    for name in ("skoleoverblik.csv", "kvalitet_supplement.csv", "trivsel.csv"):
        frame = read(name)
        _clone_rows(frame, templates, schools).to_csv(
            data / name, sep=";", index=False, encoding="utf-8-sig", lineterminator="\r\n")
    workbook = "kapacitetsinterview.xlsx"
    _clone_workbook(source / workbook, data / workbook, templates, schools)
    (folder / "lab.yaml").write_text(_lab_yaml(schools), encoding="utf-8")
    return schools


def check_lab(folder: Path, schools: list[tuple[str, str]]) -> None:
    """Print a line for anything that would make the timing unfair: missing data, an unusable lab."""
    from labkit.data.lab import load_lab

    lab = load_lab(folder)
    wanted = {number for number, _ in schools}
    no_kvalitet = sorted(wanted - set(lab.kvalitet["school_id"]))
    no_kapacitet = sorted(wanted - (set(lab.kapacitet.profile["school_id"]) if lab.kapacitet else set()))
    if no_kvalitet:
        print(f"  ADVARSEL: {len(no_kvalitet)} skoler uden kvalitetsdata, fx {no_kvalitet[:3]}")
    if no_kapacitet:
        print(f"  ADVARSEL: {len(no_kapacitet)} skoler uden kapacitetsdata, fx {no_kapacitet[:3]}")
    if not lab.usable:
        print(f"  ADVARSEL: laboratoriet kan ikke bruges ({len(lab.problems)} problemer): "
              + "; ".join(p.describe() for p in lab.problems[:3]))


def timed(command: list[str]) -> float:
    """Wall time of one command; on failure, print its output and stop the benchmark."""
    environment = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    start = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
    seconds = time.perf_counter() - start
    if completed.returncode != 0:
        print(f"FEJL ({completed.returncode}): {' '.join(command)}")
        print("\n".join((completed.stdout + completed.stderr).splitlines()[-20:]))
        sys.exit(1)
    return seconds


def labkit_render(lab: Path, out: Path, expected: int, school: str | None = None) -> float:
    """`labkit render` to HTML for the whole lab, or for `school` alone."""
    command = [str(BIN / "labkit"), "render", str(lab), "--format", "html", "--stille", "--ud", str(out)]
    seconds = timed(command + (["--skole", school] if school else []))
    made = len([p for p in out.glob("*.html") if p.name != "index.html"])
    if made != expected:
        print(f"  ADVARSEL: labkit render lavede {made} HTML-filer, ventede {expected}")
    return seconds


def naive_loop(lab: Path, out: Path, schools: list[tuple[str, str]]) -> float:
    """papermill then nbconvert, one school after another, as separate commands."""
    out.mkdir(parents=True)
    seconds = 0.0
    for number, _ in schools:
        executed = out / f"{number}.ipynb"
        # JSON is YAML, and a quoted id keeps its leading zeros
        parameters = json.dumps({"lab_mappe": str(lab), "skole": number})
        seconds += timed([str(BIN / "papermill"), str(HANDOUT_NOTEBOOK), str(executed), "-y", parameters,
                          "--no-progress-bar"])
        seconds += timed([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)])
    missing = [n for n, _ in schools if not (out / f"{n}.html").is_file()]
    if missing:
        print(f"  ADVARSEL: den naive løkke lavede ikke HTML for {missing[:3]}")
    return seconds


def _verdict(met: bool | None) -> str:
    return "ikke målt" if met is None else ("opfyldt" if met else "IKKE opfyldt")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[12, 56], help="antal skoler pr. kørsel")
    parser.add_argument("--naive-56", action="store_true",
                        help="kør også den naive løkke ved 56 skoler (tager minutter)")
    parser.add_argument("--keep", action="store_true", help="behold den midlertidige mappe")
    parser.add_argument("--gentag", type=int, default=3, help="antal kørsler med én skole pr. størrelse")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="labkit-bench-render-"))
    rows = []
    try:
        for count in args.sizes:
            lab = tmp / f"lab_{count}"
            schools = write_synthetic_lab(lab, count)
            print(f"{count} skoler: laboratorium skrevet i {lab}")
            check_lab(lab, schools)
            ones = [labkit_render(lab, tmp / f"labkit_{count}_en", 1, schools[0][0]) for _ in range(args.gentag)]
            one = max(ones)
            everything = labkit_render(lab, tmp / f"labkit_{count}", count)
            naive = None
            if count != 56 or args.naive_56:
                naive = naive_loop(lab, tmp / f"naiv_{count}", schools)
            rows.append((count, one, everything, naive))
            print(f"  én skole {' / '.join(f'{s:.1f}' for s in ones)} s, labkit render {everything:.1f} s"
                  + (f", naiv løkke {naive:.1f} s" if naive is not None else ""))
    finally:
        if args.keep:
            print(f"Mappen beholdes: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    print(f"\nCPU-kerner: {os.cpu_count()} (labkit render bruger dem alle)")
    print(f"{'N':>4}  {'1 skole s':>9}  {'labkit s':>9}  {'naiv s':>9}  {'forhold':>8}  "
          f"{'labkit s/skole':>14}  {'naiv s/skole':>12}")
    for count, one, everything, naive in rows:
        ratio = f"{naive / everything:.1f}×" if naive is not None else "–"
        naive_text = f"{naive:.1f}" if naive is not None else "–"
        naive_each = f"{naive / count:.2f}" if naive is not None else "–"
        print(f"{count:>4}  {one:>9.1f}  {everything:>9.1f}  {naive_text:>9}  {ratio:>8}  "
              f"{everything / count:>14.2f}  {naive_each:>12}")

    by_size = {count: (one, everything, naive) for count, one, everything, naive in rows}
    all_met = by_size[TARGET_ALL_SIZE][1] <= TARGET_ALL_SECONDS if TARGET_ALL_SIZE in by_size else None
    ratio_row = by_size.get(TARGET_RATIO_SIZE)
    ratio_met = None
    if ratio_row and ratio_row[2] is not None:
        ratio_met = ratio_row[2] / ratio_row[1] >= TARGET_RATIO
    one_met = max(one for _, one, _, _ in rows) <= TARGET_ONE_SECONDS if rows else None
    print(f"\nMål: {TARGET_ALL_SIZE} skoler til HTML på ≤ {TARGET_ALL_SECONDS:.0f} s: "
          f"{_verdict(all_met)}")
    print(f"Mål: ≥ {TARGET_RATIO:.0f}× hurtigere end den naive løkke ved {TARGET_RATIO_SIZE} skoler: "
          f"{_verdict(ratio_met)}")
    print(f"Mål: én skoles HTML-uddelingsark på ≤ {TARGET_ONE_SECONDS:.0f} s "
          f"(den langsomste måling): {_verdict(one_met)}")


if __name__ == "__main__":
    main()
