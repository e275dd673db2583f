"""The verdict engine's simulation study and its speed on a national-size table.

    .venv/bin/python benchmarks/bench_verdicts.py [--kommuner 100] [--seed 2026]

Prints (1) the share of schools with a false development verdict in municipalities where nothing
changed, by year-to-year correlation and with a kommune-wide drift; (2) how often planted, sustained
changes are found (and never in the wrong direction); (3) the time to compute every verdict for
1,100 schools × 8 years × every indicator. Targets (issue 9): ≤ 10 %, ≥ 80 %, ≤ 5 s.
"""

from __future__ import annotations

import argparse
import dataclasses
import time

import numpy as np

from labkit.analysis.simulation import PLANTED_CHANGES, municipality, null_study, power_study, without_breaks
from labkit.analysis.verdicts import compute_verdicts
from labkit.data.catalogue import load_catalogue
from labkit.data.templates import BUNDLED_TEMPLATES


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kommuner", type=int, default=100, help="simulated municipalities per cell")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    catalogue = load_catalogue(BUNDLED_TEMPLATES / "indikatorer.yaml")

    print(f"Ingen reel ændring: {args.kommuner} kommuner à 40 skoler, 6–8 år", flush=True)
    print("  korrelation  skoler med falsk udvikling  (fund pr. indikator)")
    for low, high in ((0.5, 0.6), (0.6, 0.7), (0.7, 0.8)):
        result = null_study(catalogue, args.seed, args.kommuner, (low, high))
        print(f"  {low:.1f}–{high:.1f}      {result.false_rate:6.1%} ({result.false_schools}/{result.schools})"
              f"   {result.false_by_indicator}")
    drift = null_study(catalogue, args.seed, args.kommuner, kommune_drift=0.5)
    print(f"  hele kommunen driver (0,5 × skolestøj pr. år): {drift.false_rate:.1%} skoler med falsk udvikling")

    print(f"\nPlantet, vedvarende ændring på en skole af typisk størrelse ({args.kommuner} kommuner hver)")
    larger = [dataclasses.replace(p, per_year=1.5 * p.per_year) for p in PLANTED_CHANGES
              if p.indicator in ("karaktergennemsnit", "fravaer")]
    for planted in (*PLANTED_CHANGES, *larger):
        found, wrong = power_study(catalogue, planted, args.seed, args.kommuner)
        what = f"{planted.indicator}{'/' + planted.group if planted.group else ''}"
        print(f"  {what:32s} {planted.per_year:+.2f} pr. år i {planted.years} år: fundet {found:6.1%}, "
              f"forkert retning {wrong}", flush=True)

    rng = np.random.default_rng(args.seed)
    table = municipality(rng, schools=1100, years=8, lag1=0.65)
    breakless = without_breaks(catalogue)
    schools = table["school_id"].nunique() - 1  # the kommune and land rows have no school
    print(f"\nLandsdækkende tabel: {schools} skoler × 8 år, {len(table)} rækker")
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        verdicts = compute_verdicts(table, breakless)
        timings.append(time.perf_counter() - start)
    print(f"  alle vurderinger: {' / '.join(f'{t:.2f} s' for t in timings)} (mål ≤ 5 s); "
          f"{len(verdicts.findings)} fund")


if __name__ == "__main__":
    main()
