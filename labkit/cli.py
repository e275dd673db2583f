"""The `labkit` command. Thin: it parses arguments, calls the package and prints Danish text."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from labkit.problems import LabkitError


@click.group(help="labkit – værktøjer til læringslaboratorier.")
def main() -> None:
    pass


@main.command(help="Tjek data i en laboratoriemappe og udskriv en datarapport.")
@click.argument("lab_folder", type=click.Path(path_type=Path), default=Path("."))
def check(lab_folder: Path) -> None:
    from labkit.lab import load_lab
    from labkit.report import check_report

    try:
        lab = load_lab(lab_folder)
    except LabkitError as error:
        click.echo(f"FEJL: {error}", err=True)
        sys.exit(2)
    click.echo(check_report(lab))
    sys.exit(0 if lab.usable else 1)


if __name__ == "__main__":
    main()
