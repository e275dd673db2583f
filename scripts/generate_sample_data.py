"""Laver eksempellaboratoriet (den opdigtede Bøgekilde Kommune) forfra.

Skriver lab.yaml og datamappen med skoleoverblik.csv, trivsel.csv, kvalitet_supplement.csv og
kapacitetsinterview.xlsx, og Hedelundskolens færdige arbejde fra Læringslab 1 i arbejde/061006.json.
Samme frø giver præcis de samme filer.

Brug:  python scripts/generate_sample_data.py [MAPPE] [--seed TAL]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from labkit.data.config import load_config
from labkit.data.lab import load_lab
from labkit.data.sample_lab import generate_sample_lab
from labkit.workspace.sample_work import write_sample_workspace

DEFAULT_FOLDER = Path(__file__).resolve().parent.parent / "sample_data"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "folder", nargs="?", type=Path, default=DEFAULT_FOLDER, help="lab-mappen (standard: sample_data/)"
    )
    parser.add_argument("--seed", type=int, default=2026, help="frø for de tilfældige tal (standard: 2026)")
    args = parser.parse_args(argv)
    generate_sample_lab(args.folder, seed=args.seed)
    write_sample_workspace(args.folder, load_lab(args.folder).kvalitet, load_config(args.folder).lab_name)
    print(f"Eksempellaboratoriet er skrevet til {args.folder}")


if __name__ == "__main__":
    main()
