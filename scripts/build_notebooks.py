"""Write the lab's notebooks in notebooks/ from the cell lists below (stored without outputs).

    python scripts/build_notebooks.py

The notebooks are thin on purpose: a parameters cell, one call per section into labkit, and short
Danish prose. Code cells are collapsed in JupyterLab so participants see prose and widgets.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"

PARAMETERS = """\
# Parametre – I skal ikke ændre noget her. Vælg jeres skole i listen længere nede.
lab_mappe = ""  # laboratoriets mappe; tom: mappen med lab.yaml over denne notesbog
skole = ""  # skolens institutionsnummer, fx "061001"; tom: I vælger skolen i en liste
interaktiv = True  # False, når notesbogen køres automatisk (fx til uddelingsark)
"""
START = "from labkit.workshop import notebook as lk\n\nsession = lk.start(lab_mappe, skole, interaktiv)"

NOTEBOOK_CELLS: dict[str, list[tuple[str, str]]] = {
    "1_data_og_analyse.ipynb": [
        ("md", ("# Skolens data\n\nHer ser I skolens tal fra kvalitetsrapporten og kapacitetsinterviewene. "
               "Tallene er ikke facit: brug dem til at stille spørgsmål. Kør det hele med "
               "**Kør → Kør alle celler**, og vælg jeres skole i listen.")),
        ("params", PARAMETERS),
        ("code", START),
        ("md", "## Dagens program\n\nDe blokke, der bruger denne notesbog, er fremhævet."),
        ("code", 'lk.show_agenda(session, "1_data_og_analyse")'),
        ("md", ("## Kort fortalt\n\nEt forslag til, hvad tallene siger. Er I enige eller uenige? Svar ved hvert "
               "punkt – jeres svar bliver gemt. De stærkeste fund står først.")),
        ("code", "lk.show_summary(session)"),
        ("md", ("## Skolens tal over tid\n\nVælg en indikator. Skolen står sammen med kommunen og landet (hvor "
               "der er tal for dem), "
               "og det grå bånd viser, hvor meget skolens tal normalt svinger fra år til år. Teksten under figuren "
               "siger, om udviklingen over flere år er mere end det – sat i forhold til kommunen.")),
        ("code", "lk.show_indicators(session)"),
        ("md", ("## Skolen blandt kommunens skoler\n\nHver prik er en skole. Tragten viser, hvor langt fra "
               "kommunen en skole af den størrelse ligger, alene fordi dens tal svinger fra år til år.")),
        ("code", "lk.show_funnel(session)"),
        ("md", ("## Kapacitetsinterviews\n\nHvordan vurderer grupperne skolens kapacitet? Se især efter, "
               "hvor grupperne er uenige.")),
        ("code", "lk.show_kapacitet(session)"),
    ],
    "2_indsatsomraader.ipynb": [
        ("md", ("# Vælg indsatsområder\n\nHer er kandidater fra jeres data og fra kataloget over pejlemærker. "
               "Vurdér hver kandidat, se dem i boblediagrammet, og vælg 1–3 områder. Alt gemmes, mens I arbejder.")),
        ("params", PARAMETERS),
        ("code", START),
        ("md", "## Spørgsmål til jeres drøftelse"),
        ("code", "lk.show_plf_questions(session)"),
        ("md", ("## Inkluderende læringsmiljøer\n\nSe jeres data gennem disse perspektiver, før I vurderer "
               "kandidaterne.")),
        ("code", "lk.show_inclusion_frame(session)"),
        ("md", ("## Hvor er jeres professionelle læringsfællesskab?\n\nVælg det niveau, der passer bedst på "
               "skolen i dag, og skriv hvorfor. Det gemmes med det samme.")),
        ("code", "lk.show_plf_maturity(session)"),
        ("md", ("## Kandidater\n\nVurdér på en skala fra 1 til 5: *Vigtighed* (hvor vigtigt er det for "
               "eleverne?), *Data* (hvor tydeligt viser data det?) og *Indflydelse* (hvor meget kan vi påvirke det?).")),
        ("code", "lk.show_candidates(session)"),
        ("md", "## Boblediagram"),
        ("code", "lk.show_bubble_chart(session)"),
        ("md", "## Jeres valg"),
        ("code", "lk.show_choice(session)"),
    ],
    "3_indsatsteori.ipynb": [
        ("md", ("# Indsatsteori\n\nSkriv en indsatsteori for hvert valgt indsatsområde. Begynd med problemet og "
               "det langsigtede mål, og arbejd jer baglæns. Diagrammet følger med, mens I skriver.")),
        ("params", PARAMETERS),
        ("code", START),
        ("code", "lk.show_indsatsteori(session)"),
        ("md", ("## Læringscirklen\n\nTjek indsatsteorien mod cirklens faser: er der data, analyse, handling "
               "og evaluering med?")),
        ("code", "lk.show_learning_circle(session)"),
    ],
    "5_opfoelgning.ipynb": [
        ("md", ("# Opfølgning på indsatsteorien\n\nTil læringslab 2 og 3. Her ser I hvert tegn på virkning sat over "
               "for baseline og mål med de nye tal. En ændring tæller først, når den er større end den normale "
               "variation over flere år – ét år alene er ikke et fund. Skriv, hvad I har set ude i klasserne, og "
               "revidér indsatsteorien. Den udgave, I kom med, er gemt, så I kan se, hvad I har ændret.")),
        ("params", PARAMETERS),
        ("code", START),
        ("code", "lk.show_followup(session)"),
    ],
    "4_facilitator_overblik.ipynb": [
        ("md", ("# Overblik over laboratoriets skoler\n\nTil facilitatoren. Skolerne er anonyme, medmindre "
               "laboratoriets opsætning siger, at navnene må vises.")),
        ("params", PARAMETERS.replace('skole = ""  # skolens institutionsnummer, fx "061001"; tom: I vælger '
                                      'skolen i en liste', 'skole = ""  # bruges ikke her: overblikket viser '
                                      'alle skoler')),
        ("code", ("from labkit.workshop import notebook as lk\n\nsession = lk.start(lab_mappe, \"\", interaktiv, "
                 "pick_school=False)")),
        ("code", "lk.show_overview(session)"),
        ("md", "## Dagens program"),
        ("code", "lk.show_agenda(session)"),
    ],
    "uddelingsark.ipynb": [
        ("md", ("# Uddelingsark\n\nSkolens uddelingsark: data før laboratoriet og teamets valg og indsatsteori "
               "efter. Facilitatoren laver alle skolers ark med `labkit render LAB_MAPPE`; denne notesbog kan "
               "også køres med papermill:\n\n"
               "`papermill uddelingsark.ipynb ud.ipynb -y '{lab_mappe: ../sample_data, skole: \"061001\", "
               "udgave: foer}'`\n\n"
               "Layoutet (titel, logo, farver, sektioner) står i `templates/uddelingsark/`.")),
        ("params", ('lab_mappe = ""  # laboratoriets mappe\n'
                   'skole = ""  # skolens institutionsnummer i anførselstegn, fx "061001"\n'
                   'udgave = ""  # fx "foer" eller "efter" (se udgaver i uddelingsark.yaml); tom: alle sektioner\n')),
        ("code", "from labkit.handout.sections import show_handout\n\nshow_handout(lab_mappe, skole, udgave)"),
    ],
}


def build_notebook(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    notebook = new_notebook()
    notebook.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for kind, source in cells:
        if kind == "md":
            notebook.cells.append(new_markdown_cell(source))
        elif kind == "params":
            notebook.cells.append(new_code_cell(source, metadata={"tags": ["parameters"]}))
        else:
            # Collapsed: participants see the output and widgets, not the wiring.
            notebook.cells.append(new_code_cell(source, metadata={"jupyter": {"source_hidden": True}}))
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index:02d}"  # stable ids: rebuilding gives the same file
    return notebook


def main() -> int:
    NOTEBOOKS.mkdir(exist_ok=True)
    for name, cells in NOTEBOOK_CELLS.items():
        nbformat.write(build_notebook(cells), NOTEBOOKS / name)
        print(f"Skrev {NOTEBOOKS / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
