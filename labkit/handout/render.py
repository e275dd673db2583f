"""`labkit render`: a handout per school, through papermill, in parallel processes.

Each worker process keeps one warm kernel and runs the handout notebook for school after school in it
(papermill with our kernel manager): kernel start and imports are paid once per worker, not once per
school. A school's failure is recorded and the others go on. The same inputs give the same files.
"""

from __future__ import annotations

import functools
import os
import re
import time
import unicodedata
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from labkit.data.config import load_config
from labkit.data.lab import load_lab, load_lab_cached
from labkit.files import write_atomically
from labkit.handout.layout import load_layout
from labkit.handout.oversigt import write_overview
from labkit.handout.pdf import html_to_pdf
from labkit.handout.word import write_indsatsteori_docx
from labkit.numbers import format_date, format_number
from labkit.problems import LabkitError
from labkit.resources import bundled_folder

HANDOUT_NOTEBOOK = bundled_folder("notesboeger") / "uddelingsark.ipynb"
HANDOUT_FORMATS = ("html", "pdf", "docx")
OVERVIEW_FORMAT = "xlsx"  # the consultants' overview of every verdict (labkit.handout.oversigt), not a handout
FORMATS = (*HANDOUT_FORMATS, OVERVIEW_FORMAT)
OUTPUT_FOLDER = "uddelingsark"
INDEX_FILE = "index.html"
FORMAT_NAMES = {"html": "HTML", "pdf": "PDF", "docx": "Word (indsatsteori)"}


@dataclass
class SchoolResult:
    school_id: str
    school_name: str
    files: dict[str, Path] = field(default_factory=dict)
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

    @property
    def failed(self) -> list[SchoolResult]:
        return [r for r in self.results if not r.ok]

    def summary(self) -> str:
        """The Danish summary the facilitator reads at the end."""
        done = [r for r in self.results if r.ok]
        seconds = format_number(self.seconds, 1)
        lines = [f"Lavede uddelingsark for {len(done)} af {len(self.results)} skoler på {seconds} s i {self.folder}."
                 if self.results else f"Lavede oversigten på {seconds} s i {self.folder}."]
        if self.failed:
            lines.append("Det gik galt for:")
            lines += [f"  {r.school_id} {r.school_name}: {' '.join(r.errors)}" for r in self.failed]
        if self.results:
            lines.append(f"Oversigt: {self.folder / INDEX_FILE}")
        if self.overview:
            lines.append(f"Alle vurderinger i et regneark: {', '.join(str(p) for p in self.overview)}")
        return "\n".join(lines)


def file_stem(school_id: str, name: str) -> str:
    """`061004_kirkebakkeskolen`: readable, safe on every file system, stable between runs."""
    ascii_name = unicodedata.normalize("NFKD", name.replace("ø", "oe").replace("Ø", "Oe").replace("æ", "ae")
                                       .replace("Æ", "Ae").replace("å", "aa").replace("Å", "Aa"))
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.encode("ascii", "ignore").decode().lower()).strip("-")
    return f"{school_id}_{slug}" if slug else school_id


# --- inside a worker process ---------------------------------------------------------------------

_kernel: Any = None  # this worker's kernel manager
_kernel_client: Any = None  # and its client, kept open from one school to the next
_warm_up_lab = ""  # the lab every new kernel of this worker loads while it starts
CELL_TIMEOUT_SECONDS = 300


def _warm_kernel(lab_folder: str = "") -> Any:
    """This process's kernel, started once and kept for every school the process renders."""
    global _kernel, _warm_up_lab
    _warm_up_lab = lab_folder or _warm_up_lab
    if _kernel is None:
        import tempfile
        from multiprocessing.util import Finalize

        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        # IPC sockets in a private folder: local only, and no "running over TCP" warning on screen.
        _kernel = AsyncKernelManager(kernel_name="python3", transport="ipc",
                                     ip=str(Path(tempfile.mkdtemp(prefix="labkit-kerne-")) / "kerne"))
        # Pool workers leave through os._exit, which skips atexit; multiprocessing's finalizers still run.
        Finalize(None, _stop_kernel, exitpriority=10)
        # Start the kernel now and let it import labkit while this process imports papermill and
        # nbconvert: the two start-ups overlap instead of adding up.
        warm_up = ["import labkit.data.lab, labkit.handout.sections"]
        if _warm_up_lab:
            warm_up.append(f"labkit.data.lab.load_lab_cached({_warm_up_lab!r})")
        run_sync(_kernel.start_kernel)(extra_arguments=[f"--IPKernelApp.exec_lines={warm_up!r}"])
    return _kernel


def _start_worker(lab_folder: str) -> None:
    """Pool initializer: start the kernel first, then import what rendering needs while it starts."""
    _warm_kernel(lab_folder)
    _skip_slow_iri_checker()
    import nbformat

    _register_engine()

    try:  # compile the handout template once now (about a second), not for the first school
        handout_html(nbformat.v4.new_notebook(), Path(lab_folder), "")
    except LabkitError:
        pass  # a broken layout template is reported for each school by render_school
    try:
        _open_kernel_client()
    except Exception:  # noqa: BLE001 - nbclient then opens its own and reports the trouble per school
        _close_kernel_client()


def _open_kernel_client(timeout: float = 60) -> None:
    """Open the worker's kernel client as soon as the kernel answers: jupyter_client's `wait_for_ready`
    without its closing wait for IOPub to stay silent for 0.2 s, a fixed cost on every one-school
    render. Nothing needs flushing: nbclient ignores IOPub messages that answer none of its requests."""
    import queue

    from jupyter_core.utils import run_sync

    async def open_when_answered() -> None:
        global _kernel_client
        _kernel_client = client = _warm_kernel().client()  # closed by the caller if this fails
        client.allow_stdin = False  # as nbclient sets it: a cell asking for input fails, never waits
        client.start_channels()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and await client.is_alive():
            client.kernel_info()
            try:
                reply = await client.get_shell_msg(timeout=1)
                if reply["msg_type"] == "kernel_info_reply":
                    await client.get_iopub_msg(timeout=1)  # IOPub is connected too
                    return
            except queue.Empty:
                continue
        raise RuntimeError("kernen svarede ikke")

    run_sync(open_when_answered)()


def _skip_slow_iri_checker() -> None:
    """Keep jsonschema from importing `rfc3987_syntax`, which compiles ~35 Earley parsers at import
    (1.5 s here, on every start of a worker). nbformat imports jsonschema's format checkers; no
    notebook schema uses the "iri" formats that module checks, and jsonschema skips a checker whose
    module cannot be imported. Upstream: python-jsonschema/jsonschema#1428, jupyter_server#1559."""
    import sys

    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # None: "cannot import"


def _ready() -> None:
    """A no-op task: submitting one per worker makes the pool start every worker at once."""


def _stop_kernel() -> None:
    import shutil

    _close_kernel_client()
    if _kernel is None:
        return
    try:
        if _kernel.has_kernel:
            from jupyter_core.utils import run_sync

            run_sync(_kernel.shutdown_kernel)(now=True)
    finally:
        shutil.rmtree(Path(_kernel.ip).parent, ignore_errors=True)


def _notebook_error(error: Exception, executed: Path) -> str:
    """The Danish part of a failing cell's error, without the traceback (that stays in `executed`)."""
    name, value = getattr(error, "ename", type(error).__name__), getattr(error, "evalue", str(error))
    if name == "LabkitError":
        return str(value)
    if name == "CellTimeoutError":
        return (f"Uddelingsarket blev stoppet, fordi en celle tog mere end {CELL_TIMEOUT_SECONDS // 60} minutter. "
                f"De andre skoler er lavet med en ny kerne. Se {executed} for, hvor det gik i stå.")
    if name == "DeadKernelError":
        return ("Python-kernen, der kørte uddelingsarket, stoppede uventet (fx fordi maskinen manglede "
                "hukommelse). De andre skoler er lavet med en ny kerne; kør »labkit render --skole« for "
                "denne skole igen.")
    return f"En celle i uddelingsarket fejlede ({name}: {value}). Se {executed} for detaljer."


# papermill's nbclient engine opens a new kernel client for every notebook, and opening one waits for
# the kernel with jupyter_client's `wait_for_ready`, which always idles 0.2 s flushing IOPub: a tenth
# of a handout. This engine keeps the worker's client open from one school to the next (nbclient
# matches replies to their request, so nothing from the previous school is mistaken for this one's).
ENGINE_NAME = "labkit-varm-kerne"


@functools.cache  # once per process
def _register_engine() -> None:
    import papermill.engines
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.utils import merge_kwargs, remove_args

    class KeptClient(PapermillNotebookClient):
        def __init__(self, nb_man: Any, km: Any = None, **kwargs: Any) -> None:
            super().__init__(nb_man, km=km, **kwargs)
            self.kc = _kernel_client  # None for the first school: nbclient then opens it as usual

        def execute(self, **kwargs: Any) -> Any:
            global _kernel_client
            try:
                return super().execute(**kwargs)
            finally:
                _kernel_client = self.kc  # kept for the next school; `_fresh_kernel` closes it

    class KeptClientEngine(papermill.engines.NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                     stdout_file: Any = None, stderr_file: Any = None, start_timeout: int = 60,
                                     execution_timeout: int | None = None, **kwargs: Any) -> Any:
            # As papermill's own engine, with our client class.
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            return KeptClient(nb_man, **merge_kwargs(
                kwargs, timeout=execution_timeout, startup_timeout=start_timeout, kernel_name=kernel_name,
                log=papermill.engines.logger, log_output=log_output, stdout_file=stdout_file,
                stderr_file=stderr_file)).execute()

    papermill.engines.papermill_engines.register(ENGINE_NAME, KeptClientEngine)


def _close_kernel_client() -> None:
    global _kernel_client
    if _kernel_client is not None:
        _kernel_client.stop_channels()
        _kernel_client = None


def _fresh_kernel() -> None:
    """A new kernel for the next school, after a timeout (the old one may still be busy), a dead
    kernel or a client that could not connect: restart this one, or if even that fails, start another."""
    global _kernel
    from jupyter_core.utils import run_sync

    _close_kernel_client()
    try:
        run_sync(_kernel.restart_kernel)(now=True)
    except Exception:  # noqa: BLE001 - whatever state the old manager is in, a new one will do
        _stop_kernel()
        _kernel = None
        _warm_kernel()


def render_school(lab_folder: str, school_id: str, school_name: str, out_folder: str,
                  formats: Sequence[str], stamp: str = "", edition: str = "") -> SchoolResult:
    """Run the handout notebook for one school and write its HTML and docx (PDF comes after, batched)."""
    import papermill
    from jupyter_core.utils import run_sync
    from papermill.exceptions import PapermillExecutionError

    started = time.monotonic()
    result = SchoolResult(school_id, school_name)
    _register_engine()
    if not run_sync(_warm_kernel().is_alive)():  # it died after the previous school
        _fresh_kernel()
    out = Path(out_folder)
    # The edition in the name too: files mailed on their own, or put in one --ud folder, stay apart.
    stem = file_stem(school_id, school_name) + (f"_{edition}" if edition else "")
    executed = out / ".notesboeger" / f"{stem}.ipynb"
    try:
        notebook = papermill.execute_notebook(
            str(HANDOUT_NOTEBOOK), str(executed), parameters={"lab_mappe": lab_folder, "skole": school_id, "udgave": edition},
            engine_name=ENGINE_NAME, kernel_name="python3", km=_warm_kernel(), progress_bar=False,
            log_output=False, execution_timeout=CELL_TIMEOUT_SECONDS)
    except Exception as error:  # noqa: BLE001 - one school's failure must not stop the others
        result.errors.append(_notebook_error(error, executed))
        if not isinstance(error, PapermillExecutionError):  # a cell that raised leaves the kernel ready
            _fresh_kernel()
        result.seconds = time.monotonic() - started
        return result
    if "html" in formats or "pdf" in formats:
        html = handout_html(notebook, Path(lab_folder), f"Uddelingsark – {school_name}", stamp, edition)
        write_atomically(out / f"{stem}.html", html)
        result.files["html"] = out / f"{stem}.html"
    if "docx" in formats:
        try:
            result.files["docx"] = write_indsatsteori_docx(load_lab_cached(Path(lab_folder)), school_id,
                                                           out / f"{stem}_indsatsteori.docx")
        except (LabkitError, OSError) as error:
            result.errors.append(f"Word-filen kunne ikke laves: {error}")
    result.seconds = time.monotonic() - started
    return result


def handout_html(notebook: Any, lab_folder: Path, title: str, stamp: str = "", edition: str = "") -> str:
    """The executed handout notebook as one self-contained HTML page, through the layout template.
    `stamp` (a date, only when the facilitator asks for one) goes under the title and in the footer."""
    layout = load_layout(load_config(lab_folder).templates_folder).for_edition(edition)
    # The title again as a CSS string, for the running footer on every printed page.
    footer = " · ".join(part for part in (title, layout.edition.name if layout.edition else "", stamp) if part)
    resources = {**layout.template_resources(), "dato": stamp, "sidefod_css": css_string(footer)}
    body, _ = _exporter(layout.folder).from_notebook_node(
        notebook, resources={"labkit": resources, "metadata": {"name": title}})
    return body


def css_string(text: str) -> str:
    """`text` as a quoted CSS string that cannot end the string or the <style> element early."""
    escaped = "".join(ch if ch.isalnum() or ch in " -–.,:·/()" else f"\\{ord(ch):x} " for ch in text)
    return f'"{escaped}"'



@functools.cache
def _exporter(template_folder: Path) -> Any:
    """One HTML exporter per layout folder and process: building it (Jinja environment) costs ~0.3 s."""
    from nbconvert import HTMLExporter

    return HTMLExporter(extra_template_basedirs=[str(template_folder)], template_name="html")


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
    out = Path(out_folder or lab_folder / OUTPUT_FOLDER / edition).resolve()
    out.mkdir(parents=True, exist_ok=True)
    overview = _write_overview(lab_folder, out) if OVERVIEW_FORMAT in formats else []
    formats = [f for f in formats if f in HANDOUT_FORMATS]
    if not formats:
        return RenderReport(out, [], time.monotonic() - started, overview)
    (out / ".notesboeger").mkdir(parents=True, exist_ok=True)
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
            for job in as_completed(jobs):
                school_id = jobs[job]
                try:
                    results[school_id] = job.result()
                except Exception as error:  # noqa: BLE001 - a crashed worker fails one school, not the run
                    results[school_id] = SchoolResult(school_id, names[school_id],
                                                      errors=[f"Uventet fejl: {type(error).__name__}: {error}"])
                bar.update()
    if "pdf" in formats:
        _add_pdfs([results[s] for s in chosen], out)
    if "html" not in formats:
        for result in results.values():
            path = result.files.pop("html", None)
            if path is not None:
                path.unlink(missing_ok=True)
    ordered = [results[s] for s in chosen]
    write_atomically(out / INDEX_FILE, index_html(config, ordered, layout.edition.name if layout.edition else "",
                                                  overview))
    return RenderReport(out, ordered, time.monotonic() - started, overview)


def _write_overview(lab_folder: Path, out: Path) -> list[Path]:
    """oversigt.xlsx and oversigt.csv for the consultants, from the same verdicts as the handouts."""
    return write_overview(load_lab(lab_folder), out)


def _add_pdfs(results: Sequence[SchoolResult], out: Path) -> None:

    jobs = [(r.files["html"], out / f"{r.files['html'].stem}.pdf") for r in results if "html" in r.files]
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
        else:
            result.files["pdf"] = pdf


def index_html(config: Any, results: Sequence[SchoolResult], edition_name: str = "",
               overview: Sequence[Path] = ()) -> str:
    """A page listing every school, its files and whether it was rendered (no timestamps: stable),
    and the consultants' overview of every verdict when it was written."""
    rows = []
    for result in results:
        links = " · ".join(f'<a href="{escape(path.name)}">{FORMAT_NAMES[kind]}</a>'
                           for kind, path in sorted(result.files.items(), key=lambda item: FORMATS.index(item[0])))
        status = "OK" if result.ok else "Fejl: " + " ".join(result.errors)
        rows.append(f"<tr class=\"{'ok' if result.ok else 'fejl'}\"><td>{escape(result.school_id)}</td>"
                    f"<td>{escape(result.school_name)}</td><td>{links}</td><td>{escape(status)}</td></tr>")
    heading = f"Uddelingsark – {config.lab_name}, {config.municipality}" + (f" ({edition_name})" if edition_name else "")
    return ("<!DOCTYPE html><html lang=\"da\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(heading)}</title><style>body{{font-family:sans-serif;margin:2em}}"
            "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
            "tr.fejl td{background:#fdecea}</style></head><body>"
            f"<h1>{escape(heading)}</h1>"
            f"<p>Skoleår {escape(config.school_year)}. {sum(r.ok for r in results)} af {len(results)} skoler "
            "er lavet.</p><table><thead><tr><th>Nr.</th><th>Skole</th><th>Filer</th><th>Status</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>{_overview_links(overview)}</body></html>")


def _overview_links(overview: Sequence[Path]) -> str:
    if not overview:
        return ""
    links = " · ".join(f'<a href="{escape(path.name)}">{escape(path.name)}</a>' for path in overview)
    return (f"<p>Alle skolers vurderinger (niveau, udvikling og begrundelse) i ét regneark: {links}. "
            "Koderne er forklaret i labkits docs/statistik.md.</p>")
