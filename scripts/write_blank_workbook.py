"""Write an empty kapacitetsinterview entry workbook from an instrument (after changing the instrument).

Without arguments: the workbook shipped in templates/, from templates/kapacitetsinterview.yaml.
With a lab's own instrument, e.g. after setting `vurdering: konsensus`:

    .venv/bin/python scripts/write_blank_workbook.py
    .venv/bin/python scripts/write_blank_workbook.py --instrument LAB/skabeloner/kapacitetsinterview.yaml \\
        --ud LAB/data/kapacitetsinterview.xlsx
"""

from __future__ import annotations

import argparse
from pathlib import Path

from labkit.data.instrument import DEFAULT_INSTRUMENT
from labkit.data.kapacitet_workbook import BLANK_TEMPLATE, write_blank_template


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instrument", type=Path, default=DEFAULT_INSTRUMENT, help="instrumentets YAML-fil")
    parser.add_argument("--ud", type=Path, default=BLANK_TEMPLATE, help="det nye indtastningsark (.xlsx)")
    args = parser.parse_args(argv)
    if args.ud.exists() and args.ud != BLANK_TEMPLATE:
        parser.error(f"{args.ud} findes allerede: flyt eller omdøb den først, så ingen indtastede svar går tabt")
    write_blank_template(args.ud, args.instrument)
    print(f"Skrev {args.ud}")


if __name__ == "__main__":
    main()
