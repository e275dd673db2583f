"""`labkit serve`: one server for the whole lab, each team in its own school (docs/rum.md).

The pages are Voilà on labkit's own notebooks: widgets and Danish prose, never code. Who a visitor is
follows from a signed cookie, set once by the access link `/adgang/<kode>`; the school follows from
who, never from the page. Three places enforce it, so no single mistake opens another school:

- the gate (`RoomApplication.find_handler`) lets a request reach a handler only if the path is one
  this person may use: their own pages, their own kernels, the shared static files;
- the prelaunch hook gives a page's kernel the school of the cookie, and the kernel manager records
  which kernel is whose (a kernel id of another school is answered as "not found");
- the kernel itself refuses any other school (`LABKIT_RUM_SKOLE`, read by `Session.choose`).

The lab folder is never served as files: Voilà's root is a folder with copies of the notebooks only.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import hmac
import json
import logging
import multiprocessing
import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import nbformat
import tornado.web
from jupyter_core.utils import ensure_async
from jupyter_server.auth.authorizer import Authorizer
from jupyter_server.auth.identity import IdentityProvider, User
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

from labkit.analysis.kvalitet import school_labels
from labkit.analysis.progress import team_progress
from labkit.data.agenda import AGENDA_FILE, Agenda, load_agenda
from labkit.data.config import LabConfig
from labkit.handout import render
from labkit.problems import LabkitError
from labkit.resources import bundled_folder
from labkit.room import pages
from labkit.room.access import ACCESS_FILE, Access, find_access, lab_access
from labkit.workspace.session import ROOM_SCHOOL_ENV
from labkit.workspace.store import Workspace

log = logging.getLogger(__name__)

COOKIE = "labkit_adgang"
COOKIE_DAYS = 30  # a lab series: the link from the first lab day still works at the next
ROOM_FOLDER = Path(".labkit")
PAGES_FOLDER = ROOM_FOLDER / "sider"  # Voilà's root: copies of the notebooks and nothing else
SECRET_FILE = ROOM_FOLDER / "rum_hemmelighed"  # signs the cookies; kept so a restart keeps everyone in
ROOM_FILE = ROOM_FOLDER / "rum.json"  # the address the cards were printed with (`labkit adgang --forny`)
TEMPLATE_FOLDER = bundled_folder("skabeloner") / "rum"  # the pages' Voilà template, in Danish
ALLOWED_HEADER = "X-Labkit"  # on the board's POSTs: a page from another site cannot send it (no CORS)

KERNEL_ID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
PUBLIC = re.compile(r"^/adgang/[A-Za-z0-9_-]{1,64}$")
SHARED_FILES = re.compile(r"^/voila/(static|templates|labextensions|api/themes)/[^\\]*$")
KERNEL = re.compile(rf"^/(?:api/kernels|voila/api/shutdown|voila/execution)/({KERNEL_ID})(?:/channels)?$")
CONNECTION = re.compile(rf"^/forbindelse/({KERNEL_ID})$")
RENDER = re.compile(r"^/voila/render/([^/]+)$")
EVERYONE = {"/", "/log-ud", "/uddelingsark"}
FACILITATOR_ONLY = re.compile(r"^/tavle(/status|/(?:lav|uddelingsark)/[0-9A-Za-z]{1,20})?$")


@dataclass(frozen=True)
class KernelPage:
    """Whose page a kernel serves."""

    who: str  # a school id or "facilitator"
    school: str  # the school the page shows ("" on the facilitator's overview)
    notebook: str
    started: float


# The page whose kernel is about to start: set by the prelaunch hook, read by the kernel manager in the
# same request (Voilà calls both from one handler coroutine, so the value cannot cross requests).
STARTING_PAGE: contextvars.ContextVar[KernelPage | None] = contextvars.ContextVar("labkit_starting_page", default=None)


def digest(code: str) -> str:
    # The cookie holds a digest of the code, not the code: renewing a code ends the old cookies.
    return hashlib.sha256(code.encode()).hexdigest()[:32]


class Room:
    """The lab being served: who may come in, whose kernel is whose, and the warm handout worker."""

    def __init__(self, config: LabConfig, secret: bytes) -> None:
        self.config = config
        self.secret = secret
        self.kernels: dict[str, KernelPage] = {}
        self.labels = school_labels(config)
        self._accesses: list[Access] = []
        self._accesses_stamp: float | None = None
        self._pool: ProcessPoolExecutor | None = None

    # --- who is asking ------------------------------------------------------------------------

    def accesses(self) -> list[Access]:
        """The current codes; re-read when `labkit adgang --forny` has renewed one meanwhile."""
        path = self.config.folder / ACCESS_FILE
        try:
            stamp = path.stat().st_mtime
        except OSError:
            stamp = None
        if stamp != self._accesses_stamp or not self._accesses:
            self._accesses = lab_access(self.config)
            self._accesses_stamp = (self.config.folder / ACCESS_FILE).stat().st_mtime
        return self._accesses

    def by_code(self, code: str) -> Access | None:
        return find_access(self.accesses(), code)

    def cookie_value(self, access: Access) -> str:
        return f"{access.who}:{digest(access.code)}"

    def identity(self, request: Any) -> Access | None:
        """The access whose cookie the request carries, if it is signed by us and its code still holds."""
        morsel = request.cookies.get(COOKIE)
        if morsel is None:
            return None
        raw = tornado.web.decode_signed_value(self.secret, COOKIE, morsel.value, max_age_days=COOKIE_DAYS)
        if raw is None:
            return None
        who, _, signed_digest = raw.decode("utf-8", "replace").partition(":")
        found = None
        for access in self.accesses():
            if access.who == who and hmac.compare_digest(digest(access.code), signed_digest):
                found = access
        return found

    # --- the gate -----------------------------------------------------------------------------

    def refusal(self, request: Any) -> tuple[int, str] | None:
        """Why a request may not reach any handler (status and Danish text), or None if it may."""
        path = unquote(request.path)
        if ".." in path or "\\" in path or "//" in path or "\x00" in path:
            return 404, ""
        if PUBLIC.match(path):
            return None
        access = self.identity(request)
        if access is None:
            return 403, pages.NO_CODE
        if path in EVERYONE or SHARED_FILES.match(path):
            return None
        kernel = KERNEL.match(path) or CONNECTION.match(path)
        if kernel:
            page = self.kernels.get(kernel.group(1))
            # Another school's kernel is "not found": no hint that the id exists.
            return None if page is not None and page.who == access.who else (404, "")
        render_page = RENDER.match(path)
        if render_page:
            return None if pages.find_step(render_page.group(1), access.is_facilitator) else (404, "")
        if FACILITATOR_ONLY.match(path):
            return None if access.is_facilitator else (404, "")
        return 404, ""

    # --- pages --------------------------------------------------------------------------------

    def agenda(self) -> Agenda | None:
        path = self.config.templates_folder / AGENDA_FILE
        try:
            return load_agenda(path) if path.is_file() else None
        except LabkitError:
            return None  # `labkit check` names the fault; the pages simply go without times

    def page_school(self, access: Access, asked: str) -> str:
        """The school a page shows: the team's own; for the facilitator the one asked for, if in the lab."""
        if not access.is_facilitator:
            return access.who
        return asked if asked in self.config.school_names else ""

    def prelaunch(self, request_handler: Any, notebook: nbformat.NotebookNode, cwd: str) -> nbformat.NotebookNode:
        """Voilà's hook before a page's kernel starts: who asks decides the school and the parameters."""
        access = self.identity(request_handler.request)
        if access is None:
            raise tornado.web.HTTPError(403)
        step = pages.find_step(unquote(request_handler.request.path).rsplit("/", 1)[-1], access.is_facilitator)
        if step is None:
            raise tornado.web.HTTPError(404)
        school = "" if step.facilitator_only else self.page_school(access, request_handler.get_query_argument("skole", ""))
        if access.is_facilitator and not step.facilitator_only and not school:
            raise tornado.web.HTTPError(404)
        STARTING_PAGE.set(KernelPage(access.who, school, step.notebook, time.time()))
        steps = pages.steps_for(access.is_facilitator)
        name = self.config.school_names.get(school, "Facilitator")
        header = pages.step_header_html(step, [s for s in steps if not s.facilitator_only or step.facilitator_only],
                                        self.agenda(), name, school if access.is_facilitator else "")
        return page_notebook(notebook, self.config.folder, school, header, f"{step.title} – {name}")

    # --- the board ----------------------------------------------------------------------------

    def open_pages(self, kernel_manager: Any) -> dict[str, int]:
        """Per school, how many of its pages have a browser connected now."""
        counts: dict[str, int] = {}
        for kernel_id, page in list(self.kernels.items()):
            try:
                connected = kernel_manager.kernel_model(kernel_id).get("connections", 0)
            except (KeyError, tornado.web.HTTPError):
                continue
            if connected and page.school:
                counts[page.school] = counts.get(page.school, 0) + 1
        return counts

    def status(self, kernel_manager: Any) -> dict[str, Any]:
        open_pages = self.open_pages(kernel_manager)
        rows = []
        for school in self.config.schools:
            workspace = Workspace.open_read_only(self.config.folder, school.id, self.config.lab_name)
            progress = team_progress(workspace.data)
            handout = self.handout_path(school.id)
            rows.append({
                "id": school.id, "navn": school.name, "sider": open_pages.get(school.id, 0),
                "trin": list(progress.done.values()), "konflikter": len(workspace.conflicts),
                "gemt": _clock(workspace.saved_at), "uddelingsark": f"/tavle/uddelingsark/{school.id}" if handout.is_file() else "",
            })
        return {"tid": time.strftime("%H:%M:%S"), "skoler": rows}

    # --- handouts from the warm worker -------------------------------------------------------------

    @property
    def handout_folder(self) -> Path:
        return self.config.folder / render.OUTPUT_FOLDER

    def handout_path(self, school_id: str) -> Path:
        return self.handout_folder / f"{render.file_stem(school_id, self.config.school_names[school_id])}.html"

    def start_worker(self) -> None:
        """One process with a warm kernel, started with the server: a school's handout then takes a second."""
        # spawn, not fork: the server has an event loop, threads and ZeroMQ sockets a fork would copy.
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=render._start_worker, initargs=(str(self.config.folder),))
        self._pool.submit(render._ready)

    async def render_handout(self, school_id: str) -> render.SchoolResult:
        if self._pool is None:
            self.start_worker()
        assert self._pool is not None
        (self.handout_folder / render.EXECUTED_FOLDER).mkdir(parents=True, exist_ok=True)
        arguments = (str(self.config.folder), school_id, self.config.school_names[school_id], str(self.handout_folder),
                     ("html",))
        try:
            return await asyncio.wrap_future(self._pool.submit(render.render_school, *arguments))
        except BrokenProcessPool:  # the worker died (e.g. out of memory): a new one, and try once more
            self.start_worker()
            return await asyncio.wrap_future(self._pool.submit(render.render_school, *arguments))

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)


def _clock(saved_at: object) -> str:
    text = str(saved_at or "")
    return text[11:16] if len(text) >= 16 else ""


def page_notebook(notebook: nbformat.NotebookNode, lab_folder: Path, school: str, header_html: str,
                  title: str) -> nbformat.NotebookNode:
    """The notebook as the room serves it: its JupyterLab-only cells left out, the step's header on top,
    and the parameters the server decided in a cell right after the `parameters` cell (as papermill
    injects them, so the notebook's own defaults are overridden and the cell order stays)."""
    page = nbformat.from_dict(json.loads(json.dumps(notebook)))
    page.cells = [c for c in page.cells if "jupyterlab" not in c.get("metadata", {}).get("tags", [])]
    page.metadata["title"] = title
    parameters = {"lab_mappe": str(lab_folder), "skole": school, "interaktiv": True, "rum": True}
    injected = nbformat.v4.new_code_cell("\n".join(f"{name} = {value!r}" for name, value in parameters.items()),
                                         metadata={"tags": ["injected-parameters"]})
    position = next((i + 1 for i, c in enumerate(page.cells) if "parameters" in c.get("metadata", {}).get("tags", [])), 0)
    page.cells.insert(position, injected)
    page.cells.insert(0, nbformat.v4.new_markdown_cell(header_html))
    return page


# --- who is who, for jupyter_server's handlers --------------------------------------------------------


def room_of(handler: Any) -> Room:
    return handler.settings["labkit_room"]


class RoomIdentityProvider(IdentityProvider):
    """The person behind a request is the access in its cookie; there is no login form and no token."""

    def get_user(self, handler: Any) -> User | None:
        access = room_of(handler).identity(handler.request)
        return None if access is None else User(username=access.who, name=access.name, display_name=access.name)

    @property
    def auth_enabled(self) -> bool:
        return True

    @property
    def login_available(self) -> bool:
        return False

    def get_handlers(self) -> list:
        return []

    def validate_security(self, app: Any, ssl_options: Any = None) -> None:
        pass  # the codes are the security; there is no token or password to check


class RoomAuthorizer(Authorizer):
    """A person may use a kernel only if it is one of their own pages' kernels (the gate checks it too)."""

    def is_authorized(self, handler: Any, user: User, action: str, resource: str) -> bool:
        if resource != "kernels":
            return False
        kernel_id = (handler.path_kwargs or {}).get("kernel_id") or next(iter(handler.path_args or []), "")
        page = room_of(handler).kernels.get(str(kernel_id))
        return page is not None and page.who == user.username


class RoomKernelManager(AsyncMappingKernelManager):
    """Voilà's kernel manager: notes whose page each kernel serves, and keeps one warm kernel in reserve.

    A page's kernel spends most of its first seconds importing pandas, matplotlib and labkit and reading
    the lab's data. The reserve kernel has done that already, so a team's page starts with it (and a new
    reserve is warmed in the background). A reserve kernel belongs to no one: the gate lets no request
    reach it, and it takes its school from the page that gets it (`Session`, `ROOM_SCHOOL_ENV`).
    """

    reserve_size = 2  # two kernels' memory (~0,4 GB) for ~2,5 s off each page, also when teams arrive together

    @property
    def room(self) -> Room:
        return self.parent.room  # type: ignore[union-attr]  # Voilà's app, which holds the room

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._reserve: list[str] = []
        self._warming = 0

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:  # type: ignore[override]  # async here
        page = STARTING_PAGE.get()
        if page is None:  # only the prelaunch hook's pages may start a kernel
            raise tornado.web.HTTPError(403)
        kernel_id = self._take_reserve()
        if kernel_id is None:
            kwargs["env"] = {**(kwargs.get("env") or os.environ), ROOM_SCHOOL_ENV: page.school or "-"}
            kernel_id = await super().start_kernel(*args, **kwargs)
        self.room.kernels[kernel_id] = page
        asyncio.ensure_future(self.fill_reserve())
        return kernel_id

    def _take_reserve(self) -> str | None:
        while self._reserve:
            kernel_id = self._reserve.pop(0)
            if kernel_id in self:  # an idle reserve may have been culled meanwhile
                return kernel_id
        return None

    async def fill_reserve(self) -> None:
        """Start and warm kernels until the reserve is full (one at a time; pages come first)."""
        while len(self._reserve) + self._warming < self.reserve_size:
            self._warming += 1
            try:
                kernel_id = await super().start_kernel(kernel_name="python3")
                await self._warm(kernel_id)
                self._reserve.append(kernel_id)
            except Exception:  # no reserve just means slower pages, never a broken one
                log.warning("Kunne ikke gøre en kerne klar i reserve", exc_info=True)
                return
            finally:
                self._warming -= 1

    async def _warm(self, kernel_id: str) -> None:
        client = self.get_kernel(kernel_id).client()
        client.start_channels()
        try:
            await ensure_async(client.wait_for_ready(timeout=120))
            message_id = client.execute(WARM_UP.format(lab=str(self.room.config.folder)), silent=True,
                                        store_history=False)
            while True:
                reply = await ensure_async(client.get_shell_msg(timeout=120))
                if reply["parent_header"].get("msg_id") == message_id:
                    break
        finally:
            client.stop_channels()

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        if kernel_id not in self._reserve:  # a reserve kernel waits, idle and unconnected, by design
            await super().cull_kernel_if_idle(kernel_id)

    def remove_kernel(self, kernel_id: str) -> Any:
        self.room.kernels.pop(kernel_id, None)
        if kernel_id in self._reserve:
            self._reserve.remove(kernel_id)
        return super().remove_kernel(kernel_id)


# What a reserve kernel does before any page gets it: the imports and the lab's data every page needs.
# The lab-wide verdicts are computed once per lab and kept, so one school's summary warms them for all;
# the first figure warms matplotlib's fonts and renderer.
WARM_UP = """\
import io
import matplotlib
matplotlib.use("module://matplotlib_inline.backend_inline")
import seaborn
import labkit.workshop.notebook
from labkit.analysis.summary import data_summary
from labkit.data.lab import load_lab_cached
from matplotlib.figure import Figure
_lab = load_lab_cached({lab!r})
if _lab.config.schools:
    data_summary(_lab, _lab.config.schools[0].id)
_figure = Figure()
_figure.add_subplot().plot([0, 1], [0, 1], label="æøå")
_figure.savefig(io.BytesIO(), format="png")
del _lab, _figure
"""
