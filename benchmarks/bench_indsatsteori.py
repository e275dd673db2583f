"""How fast the indsatsteori diagram is redrawn while a team types, and how big it is.

    .venv/bin/python benchmarks/bench_indsatsteori.py [--gange 20]

The form redraws the diagram (an SVG) at every change, so the time per redraw is what a keystroke
costs on top of saving. Prints the median and worst of `--gange` redraws for the sample team's two
theories (Hedelundskolen) and for a large theory (8 activities, 12 results, 16 signs), the SVG's
size, and the figure's height in print. Target: ≤ 0,3 s per redraw on two cores.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from labkit.data.indsatsteori import PRACTICE, PUPILS, RESULT_LEVELS, Aktivitet, Indsatsteori, Resultat, Tegn
from labkit.figures.indsatsteori import draw_indsatsteori
from labkit.views.display import figure_svg

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "arbejde" / "061006.json"


def large_theory() -> Indsatsteori:
    results = [Resultat(f"Resultat nummer {n}, skrevet som en hel sætning om, hvad der ændrer sig",
                        RESULT_LEVELS[n % 3], (PRACTICE, PUPILS)[n % 2], "maal", "fordi det hænger sådan sammen",
                        f"r{n}") for n in range(12)]
    activities = [Aktivitet(f"Aktivitet {n}: hvad skolen gør, beskrevet i en længere sætning", "Ledelsen",
                            "uge 34", "juni 2027", f"r{n}", "fordi vi har set det virke", f"a{n}") for n in range(8)]
    signs = [Tegn(f"Tegn {n}", baseline="3,5", maal="4,0", hvornaar="2027", knyttet_til=f"r{n % 12}")
             for n in range(16)]
    return Indsatsteori(problem="Et problem beskrevet i flere sætninger. " * 6, maalgruppe="Alle elever",
                        langsigtet_maal="Et mål", resultater=results, aktiviteter=activities, indikatorer=signs,
                        ressourcer=["Tid"] * 4, kontekst="Kontekst", risici=["Risiko"] * 3)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gange", type=int, default=20, help="redraws per theory")
    args = parser.parse_args()
    stored = json.loads(SAMPLE.read_text(encoding="utf-8"))["data"]["indsatsteorier"]
    theories = {f"Eksempelteam: {key}": Indsatsteori.from_dict(value) for key, value in stored.items()}
    theories["Stor teori (8 aktiviteter, 12 resultater, 16 tegn)"] = large_theory()
    figure_svg(draw_indsatsteori(large_theory()))  # fonts loaded once
    for name, theory in theories.items():
        seconds = []
        for _ in range(args.gange):
            started = time.perf_counter()
            figure = draw_indsatsteori(theory)
            svg = figure_svg(figure)
            seconds.append(time.perf_counter() - started)
        print(f"{name}: median {statistics.median(seconds) * 1000:.0f} ms, højst {max(seconds) * 1000:.0f} ms; "
              f"SVG {len(svg) / 1024:.0f} KB; {figure.get_figwidth():.1f} × {figure.get_figheight():.1f} tommer")


if __name__ == "__main__":
    main()
