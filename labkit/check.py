"""The Danish data report `labkit check` prints: what was found, and every problem at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from labkit.analysis.statistics import MIN_SCHOOLS
from labkit.data.agenda import AGENDA_FILE, load_agenda
from labkit.data.config import CONFIG_NAME
from labkit.data.frameworks import (
    FOCUS_AREAS_FILE,
    INCLUSION_FRAME_FILE,
    LEARNING_CIRCLE_FILE,
    PLF_MATURITY_FILE,
    PLF_QUESTIONS_FILE,
    load_focus_areas,
    load_inclusion_frame,
    load_learning_circle,
    load_plf_maturity,
    load_plf_questions,
)
from labkit.data.kvalitet_schema import LEVEL_SCHOOL, STATUS_NOT_PUBLISHED, STATUS_TOO_FEW
from labkit.data.lab import Lab
from labkit.data.templates import BUNDLED_TEMPLATES
from labkit.handout.layout import LAYOUT_FILE, LAYOUT_FOLDER, load_layout
from labkit.handout.layout import page_template_problems as layout_page_template_problems
from labkit.problems import LabkitError, Problem, Severity, display_name
from labkit.workspace.store import Workspace

KAPACITET_LAYOUT = "kapacitetsinterview"
EMPTY_WORKBOOK = "ingen respondenter"  # the reader's warning for a workbook with headers only


# How the check report names each file layout (the data layer's keys are short ids).
LAYOUT_NAMES = {"skoleoverblik": "skoleoverblik", "trivsel": "trivselsmåling", "lang": "langt format (én række pr. tal)",
                "kapacitetsinterview": "kapacitetsinterview"}


def _years(values: pd.Series) -> str:
    years = sorted(set(values))
    if not years:
        return "ingen år"
    return f"{years[0]}–{years[-1]} ({len(years)} skoleår)" if len(years) > 1 else years[0]


def school_lines(lab: Lab) -> list[str]:
    """One line per school in the lab: years, indicators, figures not shown."""
    table = lab.kvalitet
    lines = [] if lab.config.schools else ["  Ingen endnu."]
    for school in lab.config.schools:
        rows = table.loc[table["school_id"] == school.id]
        if rows.empty:
            lines.append(f"  {school.id} {school.name}: ingen kvalitetsrapport-tal")
            continue
        not_published = int((rows["status"] == STATUS_NOT_PUBLISHED).sum())
        too_few = int((rows["status"] == STATUS_TOO_FEW).sum())
        lines.append(
            f"  {school.id} {school.name}: {_years(rows['school_year'])}, "
            f"{rows['indicator'].nunique()} indikatorer, {len(rows)} tal, heraf "
            f"{not_published} ikke offentliggjort og {too_few} skjult (for få besvarelser)"
        )
    return lines


def kapacitet_lines(lab: Lab) -> list[str]:
    """One line per school with kapacitetsinterview data: groups, respondents, hidden groups."""
    if lab.kapacitet is None:
        return ["  Ingen kapacitetsinterview-data fundet."]
    profile = lab.kapacitet.profile
    dimension_rows = profile.loc[profile["statement"] == ""]
    group_names = {g.id: g.name for g in lab.instrument.groups}
    lines = []
    for school in lab.config.schools:
        rows = dimension_rows.loc[dimension_rows["school_id"] == school.id]
        if rows.empty:
            lines.append(f"  {school.id} {school.name}: ingen vurderinger")
            continue
        shown = sorted(set(rows.loc[~rows["suppressed"], "group"]))
        hidden = sorted(set(rows.loc[rows["suppressed"], "group"]))
        text = f"  {school.id} {school.name}: {len(shown)} grupper vises"
        if shown:
            text += " (" + ", ".join(group_names.get(g, g) for g in shown) + ")"
        if hidden:
            text += f"; {len(hidden)} skjult, fordi de har færre end {lab.config.min_group_size} svar"
        lines.append(text)
    return lines or ["  Ingen vurderinger endnu."]


def problem_lines(problems: list[Problem]) -> list[str]:
    errors = [p for p in problems if p.severity is Severity.FEJL]
    warnings = [p for p in problems if p.severity is Severity.ADVARSEL]
    lines = []
    if errors:
        lines += ["", f"FEJL ({len(errors)}) – skal rettes, før data kan bruges:"]
        lines += [f"  • {p.describe()}" for p in errors]
    if warnings:
        lines += ["", f"ADVARSLER ({len(warnings)}) – data kan bruges, men tjek dem:"]
        lines += [f"  • {p.describe()}" for p in warnings]
    return lines


def missing_data(lab: Lab) -> list[str]:
    """What a lab still lacks before a workshop, in Danish: schools, kvalitetsrapport files, ratings."""
    config, lines = lab.config, []
    data = _relative(config.data_folder, config.folder)
    if not config.schools:
        lines.append(f"Der står endnu ingen skoler i {CONFIG_NAME}. Skriv hver deltagende skole under "
                     "»skoler« med institutionsnummer (6 cifre i anførselstegn) og navn.")
    if not any(layout != KAPACITET_LAYOUT for layout in lab.layouts.values()):
        lines.append(f"Der er endnu ingen kvalitetsrapport-filer i {data}/. Hent skoleoverblikket og "
                     "trivselsmålingen (CSV eller Excel), og læg dem i mappen.")
    # A workbook with an error has its own message (e.g. a formula without a value): not "no ratings" too.
    workbooks = [name for name, layout in lab.layouts.items() if layout == KAPACITET_LAYOUT
                 and not any(p.file == name and p.severity is Severity.FEJL for p in lab.problems)]
    if workbooks and not has_ratings(lab):
        lines.append(f"Indtastningsarket {', '.join(workbooks)} har endnu ingen vurderinger. Skriv svarene "
                     "fra kapacitetsinterviewene i arket »Vurderinger«, én række pr. respondent.")
    return lines


def _relative(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return display_name(path)


def has_ratings(lab: Lab) -> bool:
    return lab.kapacitet is not None and not lab.kapacitet.profile.empty


def is_ready(lab: Lab, broken_templates: list[str] | None = None) -> bool:
    """True when the lab has schools, some data and no errors: `labkit check` then exits with 0."""
    has_data = any(layout != KAPACITET_LAYOUT for layout in lab.layouts.values()) or has_ratings(lab)
    broken = template_problems(lab) if broken_templates is None else broken_templates
    return lab.usable and bool(lab.config.schools) and has_data and not broken


def _without_empty_workbooks(lab: Lab) -> list[Problem]:
    """The problems, minus the warning about an entry workbook with no ratings: `missing_data` says it."""
    if has_ratings(lab):
        return lab.problems
    return [p for p in lab.problems
            if not (p.severity is Severity.ADVARSEL and EMPTY_WORKBOOK in p.message)]


def template_problems(lab: Lab) -> list[str]:
    """Every template the lab uses, read as the notebooks and the handout will read it: the Danish
    message of each one that is wrong (the catalogue and the interview instrument are read with the lab)."""
    folder = lab.config.templates_folder
    readers: list[tuple[str, Callable[[], object]]] = [
        (FOCUS_AREAS_FILE, lambda: load_focus_areas(folder / FOCUS_AREAS_FILE, lab.catalogue, lab.instrument)),
        (PLF_QUESTIONS_FILE, lambda: load_plf_questions(folder / PLF_QUESTIONS_FILE)),
        (LEARNING_CIRCLE_FILE, lambda: load_learning_circle(folder / LEARNING_CIRCLE_FILE)),
        (PLF_MATURITY_FILE, lambda: load_plf_maturity(folder / PLF_MATURITY_FILE)),
        (INCLUSION_FRAME_FILE, lambda: load_inclusion_frame(folder / INCLUSION_FRAME_FILE, lab.catalogue,
                                                            lab.instrument)),
        (AGENDA_FILE, lambda: load_agenda(folder / AGENDA_FILE)),
        (LAYOUT_FILE, lambda: load_layout(folder, check_pages=False)),  # the pages: page_template_problems
    ]
    problems = []
    for _, read in readers:
        try:
            read()
        except LabkitError as error:
            problems.append(str(error))
    problems += page_template_problems(folder / LAYOUT_FOLDER)
    return problems or rendered_page_problems(lab)


def rendered_page_problems(lab: Lab) -> list[str]:
    """What the lab's own page templates make, read as a browser reads it (`export.refuse_unsafe_page`):
    markup built from pieces or brought in by include is only visible in the finished page. Only pages
    that differ from labkit's own are made (about a second), so an ordinary check stays fast."""
    folder = lab.config.templates_folder / LAYOUT_FOLDER
    bundled = BUNDLED_TEMPLATES / LAYOUT_FOLDER
    mine = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()} if folder.is_dir() else {}
    if all(((bundled / name).is_file() and (bundled / name).read_bytes() == data) for name, data in mine.items()):
        return []
    import nbformat

    from labkit.handout.export import handout_html, index_html

    try:
        handout_html(nbformat.v4.new_notebook(), lab.config.folder, "Tjek af skabelonen")
        index_html(lab.config, [])
    except LabkitError as error:
        return [str(error)]
    return []


def page_template_problems(layout_folder: Path) -> list[str]:
    """A syntax error, or markup that could run or fetch, in the layout's page templates (`*.j2`), named by
    file and line now rather than for every school at `labkit render`."""
    return layout_page_template_problems(layout_folder)


def workspace_lines(lab: Lab) -> list[str]:
    """A line for each team's workspace file that is damaged or holds a value of the wrong type, read as
    the handouts read it (nothing is moved or repaired); none when all are well."""
    lines = []
    for school in lab.config.schools:
        try:
            messages = Workspace.open_read_only(lab.config.folder, school.id).messages
        except LabkitError as error:
            messages = [str(error)]
        lines += [f"  • {school.id} {school.name}: {message}" for message in messages]
    return lines


def check_result(lab: Lab) -> tuple[str, bool]:
    """The report and whether the lab is ready (`labkit check`'s exit code), the templates read once."""
    broken = template_problems(lab)
    return check_report(lab, broken), is_ready(lab, broken)


def check_report(lab: Lab, broken_templates: list[str] | None = None) -> str:
    """The full Danish data report for a lab."""
    config, table = lab.config, lab.kvalitet
    schools_in_data = set(table.loc[table["level"] == LEVEL_SCHOOL, "school_id"])
    others = len(schools_in_data - {s.id for s in config.schools})
    lines = [
        f"Datatjek for {config.lab_name}, {config.municipality} (skoleår {config.school_year})",
        f"Mindste gruppestørrelse: {config.min_group_size}",
        "",
        "Filer:",
        *[f"  {name}: læst som {LAYOUT_NAMES.get(layout, layout)}" for name, layout in lab.layouts.items()],
        "",
        f"Skoler i laboratoriet ({len(config.schools)}):",
        *school_lines(lab),
    ]
    if others:
        lines.append(f"  Desuden {others} andre skoler i data (bruges kun til sammenligning).")
    if schools_in_data and len(schools_in_data) < MIN_SCHOOLS:
        lines.append(f"  Bemærk: der er kun tal for {len(schools_in_data)} skoler. Med færre end {MIN_SCHOOLS} kan "
                     "labkit ikke se, hvor meget tallene normalt svinger, og siger intet om udvikling eller "
                     "niveau. Læg tallene for hele kommunens skoler i data.")
    comparisons = table.loc[table["level"] != LEVEL_SCHOOL]
    lines += [
        "",
        f"Skoleår i data: {_years(table['school_year'])}",
        (f"Sammenligningstal: {int((comparisons['level'] == 'kommune').sum())} for kommunen, "
        f"{int((comparisons['level'] == 'land').sum())} for hele landet"),
        "",
        "Kapacitetsinterviews:",
        *kapacitet_lines(lab),
        *problem_lines(_without_empty_workbooks(lab)),
    ]
    broken = template_problems(lab) if broken_templates is None else broken_templates
    lines += ["", "Skabeloner: alle kan læses." if not broken else "FEJL I SKABELONERNE:",
              *[f"  • {message}" for message in broken]]
    work = workspace_lines(lab)
    if work:
        lines += ["", "Teamenes arbejdsfiler:", *work]
    missing = missing_data(lab)
    if missing:
        lines += ["", "DET MANGLER ENDNU:", *[f"  • {line}" for line in missing]]
    lines.append("")
    if broken:
        lines.append("Resultat: skabelonerne har fejl. Ret dem, og kør tjekket igen.")
    elif lab.usable and not is_ready(lab, broken):
        lines.append("Resultat: laboratoriet er ikke klar endnu. Tilføj det, der mangler, "
                     "og kør tjekket igen.")
    elif lab.usable:
        lines.append("Resultat: data kan bruges." + (" Se advarslerne ovenfor." if lab.problems else ""))
    else:
        lines.append("Resultat: data kan IKKE bruges endnu. Ret fejlene ovenfor, og kør tjekket igen.")
    return "\n".join(lines)
