"""The `labkit` command. Thin: it parses arguments, calls the package and prints Danish text."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from labkit import __version__
from labkit.click_da import use_danish
from labkit.problems import LabkitError, os_reason

use_danish()  # click's own usage lines and errors, in Danish like everything else the facilitator reads


@click.group(name="labkit", help="labkit – værktøjer til læringslaboratorier.", options_metavar="[TILVALG]",
             subcommand_metavar="KOMMANDO [ARGUMENTER]...",
             context_settings={"help_option_names": ["-h", "--help"]})
@click.help_option("-h", "--help", help="Vis denne hjælp og afslut.")
@click.version_option(__version__, "--version", prog_name="labkit", message="%(prog)s %(version)s",
                      help="Vis labkits version og afslut.")
def main() -> None:
    pass


@main.command(options_metavar="[TILVALG]", help="Tjek data i en laboratoriemappe og udskriv en datarapport.")
@click.argument("lab_folder", type=click.Path(path_type=Path), metavar="MAPPE", default=Path("."))
def check(lab_folder: Path) -> None:
    from labkit.check import check_result
    from labkit.data.lab import load_lab

    try:
        lab = load_lab(lab_folder)
    except LabkitError as error:
        click.echo(f"FEJL: {error}", err=True)
        sys.exit(2)
    report, ready = check_result(lab)
    click.echo(report)
    sys.exit(0 if ready else 1)


@main.command(options_metavar="[TILVALG]", help="Lav en ny laboratoriemappe: lab.yaml, indtastningsark, skabeloner og vejledning.")
@click.argument("folder", type=click.Path(path_type=Path), metavar="MAPPE")
@click.option("--kommune", default=None, metavar="NAVN", help="Kommunens navn i lab.yaml.")
@click.option("--eksempel", is_flag=True,
              help="Skriv eksempelkommunen (Bøgekilde Kommune, opdigtede tal) i stedet, så alt kan prøves.")
def new(folder: Path, kommune: str | None, eksempel: bool) -> None:
    from labkit.data.new_lab import create_lab, create_sample_lab

    try:
        created = create_sample_lab(folder) if eksempel else create_lab(folder, kommune)
    except LabkitError as error:
        click.echo(f"FEJL: {error}", err=True)
        sys.exit(2)
    if eksempel:
        click.echo(f"Eksempelkommunen er skrevet til {created}\n\n"
                   f"  labkit check {folder}    – tjekker data\n"
                   f"  labkit lab {folder}      – åbner notesbøgerne\n"
                   f"  labkit render {folder}   – laver uddelingsark til de seks skoler")
        return
    click.echo(f"Nyt laboratorium i {created}\n\n"
               "Næste skridt (se også VEJLEDNING.md i mappen):\n"
               "  1. Skriv kommune, skoleår og skoler i lab.yaml.\n"
               "  2. Læg kvalitetsrapportens filer i data/, og skriv kapacitetsinterviewene i "
               "data/kapacitetsinterview.xlsx.\n"
               f"  3. labkit check {folder}   – fortæller, hvad der mangler\n"
               f"  4. labkit lab {folder}     – åbner notesbøgerne på dagen\n"
               f"  5. labkit render {folder}  – laver uddelingsark til skolerne")


def cannot_prepare(folder: Path, error: OSError) -> str:
    """Danish for a lab folder labkit cannot write its notebooks, settings or access codes into."""
    where = f" ({error.filename})" if error.filename else ""
    return (f"labkit kan ikke gøre laboratoriet klar i {folder}{where}: {os_reason(error)}. Tjek, at mappen findes, "
            "at der er plads på drevet, og at du må skrive i den – eller kopiér laboratoriet til en mappe, du må "
            "skrive i.")


@main.command(options_metavar="[TILVALG]",
              help="Åbn laboratoriet i JupyterLab med notesbøgerne klar.\n\n"
                   "Tilvalg efter MAPPE, som labkit ikke selv kender, gives videre til JupyterLab, og alt efter -- "
                   "gives videre uændret. Eksempel:\n\n"
                   "\b\n  labkit lab MAPPE -- --ip 0.0.0.0 --ServerApp.port=9000",
              context_settings={"ignore_unknown_options": True})
@click.argument("lab_folder", type=click.Path(path_type=Path), metavar="MAPPE", default=Path("."))
@click.argument("jupyterlab_options", nargs=-1, type=click.UNPROCESSED, metavar="[JUPYTERLAB-TILVALG]...")
@click.option("--port", type=int, default=None, metavar="PORT", help="Port til JupyterLab (standard: en ledig).")
@click.option("--ingen-browser", is_flag=True, help="Åbn ikke en browser (fx på en server).")
@click.option("--opdater-notesboeger", is_flag=True,
              help="Erstat laboratoriets notesbøger med labkits nyeste (teamets arbejde røres ikke).")
def lab(lab_folder: Path, jupyterlab_options: tuple[str, ...], port: int | None, ingen_browser: bool,
        opdater_notesboeger: bool) -> None:
    import os

    from labkit.data.config import load_config
    from labkit.room.child_process import run_until_stopped
    from labkit.room.launch import jupyterlab_command, prepare_notebooks, write_workshop_settings

    if str(lab_folder).startswith("-"):  # click puts an unknown option first when MAPPE is left out
        click.echo(f"FEJL: {lab_folder} er et tilvalg, ikke en mappe. Skriv MAPPE først, fx "
                   f"labkit lab . {' '.join([str(lab_folder), *jupyterlab_options])}", err=True)
        sys.exit(2)
    try:
        config = load_config(lab_folder)
    except LabkitError as error:
        click.echo(f"FEJL: {error}", err=True)
        sys.exit(2)
    try:
        notebooks = prepare_notebooks(config.folder, update=opdater_notesboeger)
        environment = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(write_workshop_settings(config.folder)))
    except OSError as error:
        click.echo(f"FEJL: {cannot_prepare(config.folder, error)}", err=True)
        sys.exit(2)
    click.echo(f"Åbner {config.lab_name} ({config.municipality}) med {len(notebooks)} notesbøger …")
    command = jupyterlab_command(config.folder, port, open_browser=not ingen_browser,
                                 jupyterlab_options=jupyterlab_options)
    sys.exit(run_until_stopped(command, environment))  # JupyterLab's own exit status becomes ours


@main.command(options_metavar="[TILVALG]",
              help="Kør hele laboratoriet som én server for teamene: hvert team får sit eget link til sin egen skole.")
@click.argument("lab_folder", type=click.Path(path_type=Path), metavar="MAPPE", default=Path("."))
@click.option("--port", type=click.IntRange(1, 65535), default=8866, show_default=True, metavar="PORT",
              help="Porten, teamene kobler sig på.")
@click.option("--ip", default="0.0.0.0", show_default=True, metavar="IP",
              help="Adressen, serveren lytter på; 0.0.0.0 er hele det lokale netværk, 127.0.0.1 kun denne maskine.")
@click.option("--adresse", default="", metavar="ADRESSE",
              help="Adressen på adgangskortene, fx lab.kommune.dk (standard: maskinens adresse på netværket).")
def serve(lab_folder: Path, port: int, ip: str, adresse: str) -> None:
    from labkit.room.app import serve as serve_room

    try:
        serve_room(lab_folder, ip, port, adresse, say=click.echo)
    except LabkitError as error:
        click.echo(f"FEJL: {error}", err=True)
        sys.exit(2)
    except OSError as error:  # the lab folder read-only or full while the room is set up
        click.echo(f"FEJL: {cannot_prepare(Path(lab_folder), error)}", err=True)
        sys.exit(2)


@main.command(options_metavar="[TILVALG]",
              help="Skriv adgangskortene (adgang.html og adgang.csv) igen, og forny koder, der er kommet ud.")
@click.argument("lab_folder", type=click.Path(path_type=Path), metavar="MAPPE", default=Path("."))
@click.option("--forny", "renew", multiple=True, metavar="NR",
              help="Giv denne skole (institutionsnummer) en ny kode; »facilitator« eller »alle« går også. Kan gentages.")
def adgang(lab_folder: Path, renew: tuple[str, ...]) -> None:
    from labkit.data.config import load_config
    from labkit.room.access import FACILITATOR
    from labkit.room.app import printed_address, write_room_sheets

    try:
        config = load_config(lab_folder)
        known = [*config.school_names, FACILITATOR]
        chosen = tuple(known) if "alle" in renew else renew
        unknown = [r for r in chosen if r not in known]
        if unknown:
            raise LabkitError(f"{', '.join(unknown)} er ikke med i laboratoriet. Vælg blandt: {', '.join(known)} eller alle.")
        cards, listing = write_room_sheets(config, printed_address(config), chosen)
    except LabkitError as error:
        click.echo(f"FEJL: {error}", err=True)
        sys.exit(2)
    if chosen:
        click.echo(f"Nye koder til: {', '.join(chosen)}. De gamle links virker ikke længere, heller ikke i en åben browser.")
    click.echo(f"Adgangskort: {cards}\nListe over links: {listing}")


@main.command(options_metavar="[TILVALG]", help="Lav et uddelingsark pr. skole (HTML, PDF og indsatsteorien som Word) og en oversigt over alle vurderinger (xlsx og csv).")
@click.argument("lab_folder", type=click.Path(path_type=Path), metavar="MAPPE", default=Path("."))
@click.option("--skole", "schools", multiple=True, metavar="NR",
              help="Kun denne skole (institutionsnummer); kan gentages. Standard: alle laboratoriets skoler.")
@click.option("--format", "formats", multiple=True, type=click.Choice(["html", "pdf", "docx", "xlsx"]),
              help="Kun dette format; kan gentages. xlsx er oversigten over alle vurderinger (oversigt.xlsx "
                   "og oversigt.csv). Standard: html, pdf, docx og xlsx.")
@click.option("--ud", "out_folder", type=click.Path(path_type=Path), default=None, metavar="MAPPE",
              help="Mappe til uddelingsarkene. Standard: MAPPE/uddelingsark (/UDGAVE).")
@click.option("--processer", "workers", type=click.IntRange(1, 64), default=None, metavar="ANTAL",
              help="Antal skoler, der laves samtidig. Standard: antal CPU-kerner.")
@click.option("--stille", is_flag=True, help="Vis ingen statuslinje.")
@click.option("--udgave", "edition", default="", metavar="NAVN",
              help="Kun sektionerne i denne udgave af arket, fx foer (data før laboratoriet) eller efter "
                   "(teamets valg). Udgaverne står i uddelingsark.yaml. Standard: alle sektioner.")
@click.option("--dato", is_flag=True,
              help="Skriv dagens dato på arkene. Uden den er to kørsler på de samme data helt ens.")
def render(lab_folder: Path, schools: tuple[str, ...], formats: tuple[str, ...], out_folder: Path | None,
           workers: int | None, stille: bool, edition: str, dato: bool) -> None:
    from labkit.data.config import with_leading_zeros
    from labkit.handout.render import FORMATS, render_lab

    try:
        report = render_lab(lab_folder, out_folder, [with_leading_zeros(s) for s in schools] or None,
                            formats or FORMATS, workers, progress=not stille, dated=dato,
                            edition=edition)
    except LabkitError as error:
        click.echo(f"FEJL: {error}", err=True)
        sys.exit(2)
    click.echo(report.summary())
    sys.exit(0 if report.ok else 1)



@main.command(options_metavar="[TILVALG]",
              help="Pak teamenes tekster og deres historik i en zip-fil til kommunens arkiv, og fjern dem fra "
                   "laboratoriemappen (efter det sidste læringslaboratorium).")
@click.argument("lab_folder", type=click.Path(path_type=Path), metavar="MAPPE", default=Path("."))
@click.option("--ud", "zip_path", type=click.Path(path_type=Path), default=None, metavar="FIL",
              help="Zip-filen. Standard: MAPPE/arkiv/arbejde_<laboratorium>_<dato>.zip.")
@click.option("--behold", is_flag=True, help="Lav kun zip-filen; fjern ikke teksterne fra laboratoriet.")
def arkiver(lab_folder: Path, zip_path: Path | None, behold: bool) -> None:
    from labkit.data.config import load_config
    from labkit.workspace.archive import archive_workspaces, default_zip_path

    try:
        config = load_config(lab_folder)
        done = archive_workspaces(config.folder, zip_path or default_zip_path(config.folder, config.lab_name),
                                  remove=not behold)
    except LabkitError as error:
        click.echo(f"FEJL: {error}", err=True)
        sys.exit(2)
    click.echo(f"Arkiverede {done.files} filer i {done.zip_path}." + (
        " Teamenes tekster er fjernet fra laboratoriemappen; gem zip-filen efter kommunens regler." if done.removed
        else " Teksterne er ikke fjernet (--behold)."))


if __name__ == "__main__":
    main()
