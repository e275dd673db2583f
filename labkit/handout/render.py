"""`labkit render`: a handout per school, through papermill, in parallel processes.

Each worker process keeps one warm kernel and runs the handout notebook for school after school in it
(papermill with our kernel manager): kernel start and imports are paid once per worker, not once per
school. A school's failure is recorded and the others go on. The same inputs give the same files.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import signal
import sys
import time
import unicodedata
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date
from multiprocessing.util import Finalize
from pathlib import Path

from labkit.data.config import load_config
from labkit.data.lab import load_lab, load_lab_cached
from labkit.files import (
    TEMPORARY_SUFFIX,
    cannot_save,
    replace_file,
    saving,
    temporary_beside,
    write_atomically,
)
from labkit.handout.export import IndexRow, handout_html, index_html
from labkit.handout.kernel import WarmKernel
from labkit.handout.layout import load_layout
from labkit.handout.oversigt import OVERVIEW_NAME, write_overview
from labkit.handout.pdf import html_to_pdf
from labkit.handout.word import write_indsatsteori_docx
from labkit.numbers import format_date, format_number
from labkit.problems import LabkitError, Severity, os_reason
from labkit.resources import bundled_folder
from labkit.workspace.store import Workspace

HANDOUT_NOTEBOOK = bundled_folder("notesboeger") / "uddelingsark.ipynb"
HANDOUT_FORMATS = ("html", "pdf", "docx")
OVERVIEW_FORMAT = "xlsx"  # the consultants' overview of every verdict (labkit.handout.oversigt), not a handout
FORMATS = (*HANDOUT_FORMATS, OVERVIEW_FORMAT)
OUTPUT_FOLDER = "uddelingsark"
INDEX_FILE = "index.html"
STEM_LETTERS = 60  # of the school name in a file name
# The executed handout notebooks, kept for finding where a handout failed (the tracebacks are there).
EXECUTED_FOLDER = ".notesboeger"
# The warm-kernel engine (labkit.handout.engine), registered under this name through papermill's
# entry point in pyproject.toml.
ENGINE_NAME = "labkit-varm-kerne"
MAX_LISTED = 5  # data errors named in the summary when the overview is refused; `labkit check` has them all
# What papermill and the kernel stamp on each run of a notebook; left out of the kept notebooks.
RUN_STAMPS = ("start_time", "end_time", "duration")
PAPERMILL_CELL_TAGS = ("injected-parameters", "papermill-error-cell-tag")  # cells it adds, with random ids


@dataclass
class SchoolResult:
    school_id: str
    school_name: str
    files: dict[str, Path] = field(default_factory=dict)
    stem: str = ""  # the handout's file name without its ending: 061006_hedelundskolen(_foer)
    notes: list[str] = field(default_factory=list)  # made, but the facilitator should know (Danish)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class RenderReport:
    folder: Path
    results: list[SchoolResult]
    seconds: float
    overview: list[Path] = field(default_factory=list)
    # Why the overview was not made, or made without some schools: verdicts from what is left after a
    # bad cell would look like any other in the spreadsheet.
    overview_refused: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[SchoolResult]:
        return [r for r in self.results if not r.ok]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.overview_refused

    def summary(self) -> str:
        """The Danish summary the facilitator reads at the end."""
        done = [r for r in self.results if r.ok]
        seconds = format_number(self.seconds, 1)
        lines = [f"Lavede uddelingsark for {len(done)} af {len(self.results)} skoler på {seconds} s i {self.folder}."
                 if self.results else f"Lavede oversigten på {seconds} s i {self.folder}." if self.overview else ""]
        if self.failed:
            lines.append("Det gik galt for:")
            lines += [f"  {r.school_id} {r.school_name}: {' '.join(r.errors)}" for r in self.failed]
        noted = [r for r in done if r.notes]
        if noted:
            lines.append("Bemærk:")
            lines += [f"  {r.school_id} {r.school_name}: {' '.join(r.notes)}" for r in noted]
        if self.results:
            lines.append(f"Oversigt: {self.folder / INDEX_FILE}")
        if self.overview:
            lines.append(f"Alle vurderinger i et regneark: {', '.join(str(p) for p in self.overview)}")
        if self.overview_refused:
            first, *rest = self.overview_refused
            said = ("er lavet uden skoler, hvis data har fejl" if self.overview
                    else "er ikke lavet, fordi data har fejl")
            lines.append(f"FEJL: Oversigten (oversigt.xlsx og .csv) {said}: {first}")
            lines += [f"  {line}" for line in rest]
            lines.append("Ret fejlene, og kør igen (»labkit check« viser dem alle).")
        return "\n".join(line for line in lines if line)


def file_stem(school_id: str, name: str) -> str:
    """`061004_kirkebakkeskolen`: readable, safe on every file system, stable between runs."""
    ascii_name = unicodedata.normalize("NFKD", name.replace("ø", "oe").replace("Ø", "Oe").replace("æ", "ae")
                                       .replace("Æ", "Ae").replace("å", "aa").replace("Å", "Aa"))
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.encode("ascii", "ignore").decode().lower()).strip("-")
    # Short enough that "<stem>_<udgave>_indsatsteori.docx" stays far below every file system's limit.
    slug = slug[:STEM_LETTERS].rstrip("-")
    return f"{school_id}_{slug}" if slug else school_id


# --- inside a worker process ---------------------------------------------------------------------

CELL_TIMEOUT_SECONDS = 300


@functools.cache  # one per worker process: the pool's initializer starts it, every school then uses it
def worker_kernel() -> WarmKernel:
    return WarmKernel()


class Interrupted(Exception):
    """Ctrl-C reached this worker while it rendered a school."""


_rendering = False  # whether this worker is inside `render_school` (set there)


def _on_interrupt(signum: int, frame: object) -> None:
    """Ctrl-C in the terminal reaches every worker too. While a school is rendered, stop it (its
    temporary files are removed on the way out); otherwise do nothing: the main process cancels the
    schools not started, and the worker then leaves normally and stops its kernel (`Finalize` below),
    instead of dying with a traceback and leaving the kernel to complain that its parent is gone."""
    if _rendering:
        # The notebook's pending kernel tasks end with the worker; asyncio would report each one on the
        # terminal in English (»Task exception was never retrieved … DeadKernelError«).
        logging.getLogger("asyncio").disabled = True
        raise Interrupted


def _start_worker(lab_folder: str) -> None:
    """Pool initializer: start the kernel first, then import what rendering needs while it starts."""
    signal.signal(signal.SIGINT, _on_interrupt)
    kernel = worker_kernel()
    kernel.lab_folder = lab_folder
    kernel.manager  # noqa: B018 - starts the kernel now, so it imports labkit while this process works
    _skip_slow_iri_checker()
    import nbformat  # after the line above; papermill and nbconvert are imported by the first school

    try:  # compile the handout template once now (about a second), not for the first school
        handout_html(nbformat.v4.new_notebook(), Path(lab_folder), "")
    except LabkitError:
        pass  # a broken layout template is reported for each school by render_school
    try:
        kernel.open_client()
    except Exception:  # noqa: BLE001 - nbclient then opens its own and reports the trouble per school
        kernel.close_client()
    Finalize(None, kernel.stop, exitpriority=10)  # pool workers leave through os._exit, which skips atexit


def _skip_slow_iri_checker() -> None:
    """Keep jsonschema from importing `rfc3987_syntax`, which compiles ~35 Earley parsers at import
    (1.5 s here, on every start of a worker). nbformat imports jsonschema's format checkers; no
    notebook schema uses the "iri" formats that module checks, and jsonschema skips a checker whose
    module cannot be imported. Upstream: python-jsonschema/jsonschema#1428, jupyter_server#1559."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # None: "cannot import"


def _ready() -> None:
    """A no-op task: submitting one per worker makes the pool start every worker at once."""


def _notebook_error(error: Exception, executed: Path) -> str:
    """The Danish part of a failing cell's error, without the traceback (that stays in `executed`)."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(error, CellTimeoutError):
        return (f"Uddelingsarket blev stoppet, fordi en celle tog mere end {CELL_TIMEOUT_SECONDS // 60} minutter. "
                f"De andre skoler er lavet med en ny kerne. Se {executed} for, hvor det gik i stå.")
    if isinstance(error, DeadKernelError):
        return ("Python-kernen, der kørte uddelingsarket, stoppede uventet (fx fordi maskinen manglede "
                "hukommelse). De andre skoler er lavet med en ny kerne; kør »labkit render --skole« for "
                "denne skole igen.")
    if isinstance(error, PapermillExecutionError):
        # Raised in the kernel: only its name and message come back. Ours are written for the facilitator.
        if error.ename == "LabkitError":
            return str(error.evalue)
        return f"En celle i uddelingsarket fejlede ({error.ename}: {error.evalue}). Se {executed} for detaljer."
    return f"En celle i uddelingsarket fejlede ({type(error).__name__}: {error}). Se {executed} for detaljer."


def render_school(lab_folder: str, school_id: str, school_name: str, out_folder: str,
                  formats: Sequence[str], stamp: str = "", edition: str = "") -> SchoolResult:
    """Run the handout notebook for one school and write its HTML and docx (PDF comes after, batched)."""
    global _rendering
    _rendering = True
    try:
        return _render_school(lab_folder, school_id, school_name, out_folder, formats, stamp, edition)
    except Interrupted:
        return SchoolResult(school_id, school_name, errors=["Afbrudt."])
    finally:
        _rendering = False


def _render_school(lab_folder: str, school_id: str, school_name: str, out_folder: str,
                   formats: Sequence[str], stamp: str, edition: str) -> SchoolResult:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    started = time.monotonic()
    result = SchoolResult(school_id, school_name)
    kernel = worker_kernel()
    if not kernel.is_alive():  # it died after the previous school
        kernel.fresh()
    out = Path(out_folder)
    # The edition in the name too: files mailed on their own, or put in one --ud folder, stay apart.
    stem = result.stem = file_stem(school_id, school_name) + (f"_{edition}" if edition else "")
    executed = out / EXECUTED_FOLDER / f"{stem}.ipynb"
    # papermill writes the notebook as it runs: under a name of this run's own (two renders of the same
    # school at once never write one file together), moved into place when it is done.
    try:
        running = temporary_beside(executed, TEMPORARY_SUFFIX + ".ipynb")  # papermill wants a notebook's name
    except OSError as error:
        result.errors.append(cannot_save("Den kørte notesbog", executed, error))
        _remove_stale(out, stem, formats, result)
        result.seconds = time.monotonic() - started
        return result
    try:
        notebook = papermill.execute_notebook(
            str(HANDOUT_NOTEBOOK), str(running), parameters={"lab_mappe": lab_folder, "skole": school_id, "udgave": edition},
            engine_name=ENGINE_NAME, kernel_name="python3", km=kernel.manager, progress_bar=False,
            log_output=False, execution_timeout=CELL_TIMEOUT_SECONDS)
    except Interrupted:
        running.unlink(missing_ok=True)  # the last run's notebook stays; this one was cut off
        raise
    except Exception as error:  # noqa: BLE001 - one school's failure must not stop the others
        _keep_executed(running, executed)
        result.errors.append(_notebook_error(error, executed))
        if not isinstance(error, PapermillExecutionError):  # a cell that raised leaves the kernel ready
            kernel.fresh()
        _remove_stale(out, stem, formats, result)
        result.seconds = time.monotonic() - started
        return result
    _keep_executed(running, executed)
    try:
        workspace = Workspace.open_read_only(Path(lab_folder), school_id)
        result.notes += workspace.messages  # an older version shown, a value not used: the handout says so
        # at the top; the facilitator reads it here
    except LabkitError:
        pass  # the notebook has just read the same file; what it could not read is in its error
    if "html" in formats or "pdf" in formats:
        html_path = out / f"{stem}.html"
        try:
            html = handout_html(notebook, Path(lab_folder), f"Uddelingsark – {school_name}", stamp, edition)
            if "html" not in formats:  # only the PDF is wanted: its HTML under a name of this run's own, so
                html_path = temporary_beside(html_path, TEMPORARY_SUFFIX + ".html")  # no other render's is touched
            with saving("Uddelingsarket", out / f"{stem}.html"):
                write_atomically(html_path, html)
            result.files["html"] = html_path
        except LabkitError as error:  # the layout's template; the Word file below may still be made
            result.errors.append(str(error))
        except OSError as error:
            result.errors.append(f"Uddelingsarket kunne ikke gemmes i {out}: {os_reason(error)}.")
        if "html" not in result.files and html_path.name.endswith(TEMPORARY_SUFFIX + ".html"):
            html_path.unlink(missing_ok=True)
    if "docx" in formats:
        try:
            result.files["docx"] = write_indsatsteori_docx(load_lab_cached(Path(lab_folder)), school_id,
                                                           out / f"{stem}_indsatsteori.docx")
        except LabkitError as error:
            result.errors.append(f"Word-filen kunne ikke laves: {error}")
        except OSError as error:
            result.errors.append(cannot_save("Word-filen", out / f"{stem}_indsatsteori.docx", error))
    _remove_stale(out, stem, formats, result)
    result.seconds = time.monotonic() - started
    return result


def _keep_executed(running: Path, executed: Path) -> None:
    """Put the notebook papermill wrote under its own name in place, without its run's stamps."""
    try:
        if running.stat().st_size:  # empty: papermill stopped before writing; the last run's stays
            _without_run_stamps(running, executed)
            replace_file(running, executed)
    except OSError:
        pass  # only the copy kept for finding errors is missing; the handout is made or its error reported
    finally:
        running.unlink(missing_ok=True)


# What each format makes, by the file's ending after the stem. The PDF is made from the HTML, but a run
# without "html" keeps its HTML under a temporary name: it neither replaces nor removes the .html file.
MADE_BY = {".html": ("html",), ".pdf": ("pdf",), "_indsatsteori.docx": ("docx",)}


def _remove_stale(out: Path, stem: str, formats: Sequence[str], result: SchoolResult) -> None:
    """This run's formats replace the last run's: a school that failed now keeps no older file that the
    index (which says it failed) would contradict. A file made now was replaced in one step instead:
    removing it first would leave a reader (or a second render at the same time) with no file at all."""
    made = {".html": "html" in result.files, ".pdf": "html" in result.files, "_indsatsteori.docx": "docx" in result.files}
    for suffix, by in MADE_BY.items():  # a PDF that cannot be made from the new HTML goes in `_add_pdfs`
        if set(by) & set(formats) and not made[suffix]:
            (out / f"{stem}{suffix}").unlink(missing_ok=True)


def _without_run_stamps(executed: Path, kept_as: Path | None = None) -> None:
    """Rewrite a kept notebook without its run's clock times and the random ids of the cells papermill
    adds, so that it too depends on the inputs alone (rendered twice, it is the same file). `kept_as`:
    the name it will have, when papermill wrote it under a temporary one."""
    try:
        notebook = json.loads(executed.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # papermill wrote nothing (the notebook could not start): nothing to keep stable
    for metadata in [notebook.get("metadata", {}), *(cell.get("metadata", {}) for cell in notebook.get("cells", []))]:
        metadata.pop("execution", None)  # the kernel's iopub and shell timestamps
        for stamp in RUN_STAMPS:
            metadata.get("papermill", {}).pop(stamp, None)
    run = 0  # the warm kernel counts on from the worker's previous school: count this school's cells from 1
    for number, cell in enumerate(notebook.get("cells", [])):
        if set(PAPERMILL_CELL_TAGS) & set(cell.get("metadata", {}).get("tags", [])):
            cell["id"] = f"papermill-{number}"
        if cell.get("execution_count") is not None:
            run += 1
            cell["execution_count"] = run
            for output in cell.get("outputs", []):
                if output.get("execution_count") is not None:
                    output["execution_count"] = run
    if kept_as is not None and isinstance(notebook.get("metadata", {}).get("papermill"), dict):
        notebook["metadata"]["papermill"]["output_path"] = str(kept_as)  # not the temporary name
    try:
        write_atomically(executed, json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    except OSError:
        pass  # the handout itself is still made; only the copy kept for finding errors is not stable


# --- the whole lab --------------------------------------------------------------------------------


def render_lab(lab_folder: Path, out_folder: Path | None = None, schools: Sequence[str] | None = None,
               formats: Sequence[str] = FORMATS, workers: int | None = None, progress: bool = True,
               dated: bool = False, edition: str = "") -> RenderReport:
    """Render every (or the chosen) school's handout. Raises `LabkitError` only for an unusable lab.

    `edition` (e.g. "foer") picks the layout's sections for that edition; its handouts go to their own
    folder. Handouts carry no date unless `dated`: the same data then give the same files, byte for byte.
    """
    from tqdm import tqdm

    started = time.monotonic()
    unknown_formats = [f for f in formats if f not in FORMATS]
    if unknown_formats:
        raise LabkitError(f"Ukendt format: {', '.join(unknown_formats)}. Vælg blandt: {', '.join(FORMATS)}.")
    lab_folder = Path(lab_folder).resolve()
    config = load_config(lab_folder)
    names = config.school_names
    if not names:
        raise LabkitError(f"Der er ingen skoler i {lab_folder / 'lab.yaml'} endnu. Skriv skolerne under "
                          "»skoler:« (se kommentarerne i filen), og kør derefter »labkit check«.")
    chosen = list(schools) if schools else list(names)
    unknown = [s for s in chosen if s not in names]
    if unknown:
        raise LabkitError(f"Skolerne {', '.join(unknown)} er ikke med i laboratoriet. "
                          f"Skolerne er: {', '.join(names)}.")
    layout = load_layout(config.templates_folder).for_edition(edition)  # a wrong edition stops here
    out = _writable_folder(_outside_data(Path(out_folder or lab_folder / OUTPUT_FOLDER / edition).resolve(),
                                         config.data_folder))
    overview: list[Path] = []
    refused: list[str] = []
    if OVERVIEW_FORMAT in formats:
        lab = load_lab(lab_folder)
        errors = [p for p in lab.problems if p.severity is Severity.FEJL]
        # A school with data errors gets no rows, as it gets no handout; an error of no one school's
        # (a whole file unreadable) stops the overview.
        broken = frozenset(p.school_id for p in errors if p.school_id)
        refused = [p.describe() for p in errors[:MAX_LISTED]]
        refused += [f"… og {len(errors) - MAX_LISTED} fejl mere."] if len(errors) > MAX_LISTED else []
        if any(not p.school_id for p in errors):
            for old in (out / f"{OVERVIEW_NAME}.xlsx", out / f"{OVERVIEW_NAME}.csv"):  # never a stale one
                old.unlink(missing_ok=True)
        else:
            try:
                overview = write_overview(lab, out, broken)
            except OSError as error:
                raise LabkitError(f"Oversigten kunne ikke gemmes i {out}: {os_reason(error)}.") from error
            if broken:
                names = lab.config.school_names
                left_out = ", ".join(f"{school} {names.get(school, '')}".strip() for school in sorted(broken))
                refused = [f"skolerne uden rækker: {left_out}", *refused]
    formats = [f for f in formats if f in HANDOUT_FORMATS]
    if not formats:
        return RenderReport(out, [], time.monotonic() - started, overview, refused)
    _writable_folder(out / EXECUTED_FOLDER)
    worker_count = max(1, min(workers or os.cpu_count() or 1, len(chosen)))
    stamp = f"Lavet {format_date(date.today())}" if dated else ""
    results: dict[str, SchoolResult] = {}
    with ProcessPoolExecutor(max_workers=worker_count, initializer=_start_worker,
                             initargs=(str(lab_folder),)) as pool:
        # Every worker starts its kernel now. A school whose data has errors is refused by its own
        # handout notebook (with file, row and column), so this process need not read the data.
        for _ in range(worker_count):
            pool.submit(_ready)
        with tqdm(total=len(chosen), desc="Uddelingsark", unit="skole", disable=not progress) as bar:
            jobs = {pool.submit(render_school, str(lab_folder), s, names[s], str(out), tuple(formats), stamp,
                                edition): s
                    for s in chosen}
            try:
                for job in as_completed(jobs):
                    school_id = jobs[job]
                    try:
                        results[school_id] = job.result()
                    except Exception as error:  # noqa: BLE001 - a crashed worker fails one school, not the run
                        results[school_id] = SchoolResult(school_id, names[school_id],
                                                          errors=[f"Uventet fejl: {type(error).__name__}: {error}"])
                    bar.update()
            except KeyboardInterrupt:
                # Ctrl-C: no new school starts; the workers stop the ones under way (they got the Ctrl-C
                # too) and their kernels, then click says »Afbrudt.«. Nothing is half written.
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    if "pdf" in formats:
        _add_pdfs([results[s] for s in chosen], out)
    if "html" not in formats:
        for result in results.values():
            path = result.files.pop("html", None)
            if path is not None:
                path.unlink(missing_ok=True)
    ordered = [results[s] for s in chosen]
    rows = [IndexRow(r.school_id, r.school_name, r.files, r.errors) for r in ordered]
    with saving("Oversigtssiden", out / INDEX_FILE):
        write_atomically(out / INDEX_FILE, index_html(config, rows, layout.edition.name if layout.edition else "", overview))
    return RenderReport(out, ordered, time.monotonic() - started, overview, refused)


def _outside_data(folder: Path, data_folder: Path) -> Path:
    """`folder`, unless it is (or lies in) the data folder: every file there is read as data, so the next
    check would read oversigt.csv as a kvalitetsrapport file."""
    if folder == data_folder or data_folder in folder.parents:
        raise LabkitError(f"{folder} er i laboratoriets datamappe. labkit læser hver fil dér som data, så "
                          "uddelingsarkene skal i en anden mappe. Vælg en anden mappe med --ud.")
    return folder


def _writable_folder(folder: Path) -> Path:
    """`folder`, created if need be; a Danish message if it is a file, lies below a file, or cannot be
    written (a read-only lab, a USB stick pulled out)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary_beside(folder / ".labkit-skriveprøve").unlink()  # a unique name: renders at once do not meet
    except FileExistsError as error:
        raise LabkitError(f"{folder} er en fil, ikke en mappe. Vælg en mappe til uddelingsarkene med --ud.") from error
    except NotADirectoryError as error:
        raise LabkitError(f"{folder} ligger under en fil, ikke en mappe. Vælg en mappe med --ud.") from error
    except OSError as error:
        raise LabkitError(f"Uddelingsarkene kan ikke gemmes i {folder} ({os_reason(error)}). Vælg en mappe, "
                          "du kan skrive i, med --ud.") from error
    return folder


def _add_pdfs(results: Sequence[SchoolResult], out: Path) -> None:

    jobs = [(r.files["html"], out / f"{r.stem}.pdf") for r in results if "html" in r.files]
    if not jobs:
        return
    try:
        outcome = html_to_pdf(jobs)
    except LabkitError as error:
        outcome = {pdf: str(error) for _, pdf in jobs}
    by_html = {html: pdf for html, pdf in jobs}
    for result in results:
        pdf = by_html.get(result.files.get("html", Path()))
        if pdf is None:
            continue
        if outcome.get(pdf):
            result.errors.append(f"PDF kunne ikke laves: {outcome[pdf]}")
            pdf.unlink(missing_ok=True)  # not the last run's PDF beside the new HTML
        else:
            result.files["pdf"] = pdf
