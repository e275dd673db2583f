"""The room's web application: Voilà with labkit's gate, pages and board (`labkit serve`).

`labkit.room.server` decides who may do what; this module wires it into Voilà and tornado and starts
the server. Every response a participant can see is Danish, and no address or log line holds a code.
"""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tornado.ioloop
import tornado.web
from traitlets.config import Config
from voila.app import Voila
from voila.static_file_handler import AllowListFileHandler
from voila.tornado.contentshandler import VoilaContentsHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

from labkit.data.config import LabConfig, load_config
from labkit.files import write_atomically
from labkit.problems import LabkitError
from labkit.room import pages
from labkit.room.access import PRIVATE, lab_access, write_access_sheets
from labkit.room.launch import bundled_notebooks
from labkit.room.server import (
    ALLOWED_HEADER,
    COOKIE,
    COOKIE_DAYS,
    PAGES_FOLDER,
    ROOM_FILE,
    SECRET_FILE,
    TEMPLATE_FOLDER,
    Room,
    RoomAuthorizer,
    RoomIdentityProvider,
    RoomKernelManager,
)

access_log = logging.getLogger("labkit.rum.adgang")
DEFAULT_PORT = 8866
# A page's kernel is of use only to its page: a reload starts a new one. A kernel with no page connected
# for this long (the tab closed, the team went on to the next step) is shut down; an open page's kernel
# is kept however long it is idle.
IDLE_KERNEL_SECONDS = 120


# --- handlers ---------------------------------------------------------------------------------------


class RoomHandler(tornado.web.RequestHandler):
    """A page of the room's own: Danish, never cached, never sent to another site."""

    def initialize(self, room: Room, **kwargs: Any) -> None:
        self.room = room

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline'; "
                        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'")

    @property
    def access(self) -> Any:
        return self.room.identity(self.request)

    def write_page(self, html: str, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(html)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        text = pages.not_found_page() if status_code == 404 else pages.page(
            "Fejl", "<h1>Noget gik galt</h1><div class='boks advarsel'><p>Serveren kunne ikke svare. Prøv igen om lidt; "
            "det, I har gemt, er ikke tabt.</p></div>")
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(text)


class RefusalHandler(RoomHandler):
    """What the gate answers for a request that may not go further (any method, websockets too)."""

    def initialize(self, room: Room, status: int = 404, reason: str = "", **kwargs: Any) -> None:
        super().initialize(room)
        self.status, self.reason = status, reason

    def prepare(self) -> None:
        self.write_page(pages.refusal_page(self.reason) if self.status == 403 else pages.not_found_page(), self.status)


class AccessHandler(RoomHandler):
    """`/adgang/<kode>`: the printed link. Sets the cookie and sends on, so the code leaves the address bar."""

    def get(self, code: str) -> None:
        access = self.room.by_code(code)
        if access is None:
            self.write_page(pages.refusal_page(pages.WRONG_CODE), 403)
            return
        self.set_signed_cookie(COOKIE, self.room.cookie_value(access), expires_days=COOKIE_DAYS, httponly=True,
                               samesite="Lax")
        self.redirect("/")


class StartHandler(RoomHandler):
    def get(self) -> None:
        access = self.access
        config = self.room.config
        if access.is_facilitator:
            self.write_page(pages.facilitator_start_page(config, self.room.labels))
            return
        self.write_page(pages.team_start_page(config, access.name, self.room.agenda(),
                                              self.room.handout_path(access.who).is_file()))


class LogoutHandler(RoomHandler):
    def get(self) -> None:
        self.clear_cookie(COOKIE)
        self.write_page(pages.page("Logget ud", "<h1>I er logget ud</h1><div class='boks'><p>Brug jeres adgangslink "
                                   "for at komme ind igen.</p></div>"))


class HandoutHandler(RoomHandler):
    """A school's newest handout (HTML, self-contained): the team's own, or any school's for the facilitator."""

    def get(self, school_id: str = "") -> None:
        access = self.access
        school = school_id if access.is_facilitator else access.who
        if school not in self.room.config.school_names:
            raise tornado.web.HTTPError(404)
        path = self.room.handout_path(school)
        if not path.is_file():
            self.write_page(pages.page("Uddelingsark", "<h1>Intet uddelingsark endnu</h1><div class='boks'><p>"
                                       "Facilitatoren laver det fra tavlen.</p></div>"), 404)
            return
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(path.read_bytes())


class BoardHandler(RoomHandler):
    def get(self) -> None:
        self.write_page(pages.board_page(self.room.config, self.room.labels))


class BoardStatusHandler(RoomHandler):
    def get(self) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(self.room.status(self.settings["kernel_manager"]), ensure_ascii=False))


class RenderHandler(RoomHandler):
    """The board's button: one school's handout (HTML) from the warm worker."""

    async def post(self, school_id: str) -> None:
        if self.request.headers.get(ALLOWED_HEADER) != "1":
            raise tornado.web.HTTPError(403)
        if school_id not in self.room.config.school_names:
            raise tornado.web.HTTPError(404)
        started = time.monotonic()
        result = await self.room.render_handout(school_id)
        answer: dict[str, Any] = {"sekunder": f"{time.monotonic() - started:.1f}".replace(".", ",")}
        if result.errors:
            answer["fejl"] = " ".join(result.errors)
        else:
            answer["link"] = f"/tavle/uddelingsark/{school_id}"
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(answer, ensure_ascii=False))


class ConnectionHandler(RoomHandler):
    """The pages ask every few seconds whether their kernel is still there (the gate checked it is theirs)."""

    def get(self, kernel_id: str) -> None:
        alive = kernel_id in self.settings["kernel_manager"]
        self.set_status(200 if alive else 410)
        self.finish("ok" if alive else "genstart")


class NotFoundHandler(RoomHandler):
    def prepare(self) -> None:
        self.write_page(pages.not_found_page(), 404)


KERNEL_ID = r"(?P<kernel_id>[0-9a-f-]{36})"


def room_handlers(room: Room) -> list[tuple[str, type, dict[str, Any]]]:
    args = {"room": room}
    return [
        (r"/adgang/([A-Za-z0-9_-]+)", AccessHandler, args),
        (r"/", StartHandler, args),
        (r"/log-ud", LogoutHandler, args),
        (r"/uddelingsark", HandoutHandler, args),
        (r"/tavle", BoardHandler, args),
        (r"/tavle/status", BoardStatusHandler, args),
        (r"/tavle/lav/([0-9A-Za-z]+)", RenderHandler, args),
        (r"/tavle/uddelingsark/([0-9A-Za-z]+)", HandoutHandler, args),
        (rf"/forbindelse/{KERNEL_ID}", ConnectionHandler, args),
    ]


def log_request(handler: tornado.web.RequestHandler) -> None:
    """Tornado's access log without the codes: `/adgang/<kode>` is written as `/adgang/…`."""
    path = handler.request.path
    if path.startswith("/adgang/"):
        path = "/adgang/…"
    status = handler.get_status()
    access_log.log(logging.WARNING if status >= 500 else logging.DEBUG, "%d %s %s", status, handler.request.method, path)


class RoomPageHandler(TornadoVoilaHandler):
    """Voilà's page handler, running at most one page per core at a time: when six teams open a step at
    once, the first pages are ready in a few seconds instead of all six after the time of all six."""

    slots: asyncio.Semaphore | None = None

    async def get(self, path: str | None = None) -> None:
        if RoomPageHandler.slots is None:  # made in the server's event loop, at its first page
            RoomPageHandler.slots = asyncio.Semaphore(max(1, os.cpu_count() or 1))
        async with RoomPageHandler.slots:
            await super().get(path)


class RoomApplication(tornado.web.Application):
    """Tornado's application with the gate in front of every handler, Voilà's included."""

    def find_handler(self, request: Any, **kwargs: Any) -> Any:
        room: Room = self.settings["labkit_room"]
        refusal = room.refusal(request)
        if refusal is not None:
            status, reason = refusal
            return self.get_handler_delegate(request, RefusalHandler, {"room": room, "status": status, "reason": reason})
        return super().find_handler(request, **kwargs)


class RoomVoila(Voila):
    """Voilà serving the room: our template, identity and gate; no file browser, no files, no contents API."""

    room: Room  # set right after construction, before `initialize`

    def setup_template_dirs(self) -> None:
        super().setup_template_dirs()
        self.template_paths.insert(0, str(TEMPLATE_FOLDER))

    def init_settings(self) -> dict:
        settings = super().init_settings()
        settings.update(labkit_room=self.room, default_handler_class=NotFoundHandler,
                        default_handler_args={"room": self.room}, log_function=log_request,
                        # Voilà's page posts its kernel's shutdown without an _xsrf token, so the check
                        # would keep every left page's kernel alive. Another site's page cannot post
                        # with our cookie (SameSite=Lax), and without it the gate refuses the request.
                        disable_check_xsrf=True)
        return settings

    def init_handlers(self) -> list:
        dropped = (TornadoVoilaTreeHandler, VoilaContentsHandler, AllowListFileHandler)
        kept = [h for h in super().init_handlers() if h[1] not in dropped]
        kept = [(h[0], RoomPageHandler, *h[2:]) if h[1] is TornadoVoilaHandler else h for h in kept]
        return [*room_handlers(self.room), *kept]

    def start(self) -> None:
        # Voilà's own start, with the gated application instead of tornado's plain one.
        import tempfile

        self.connection_dir = tempfile.mkdtemp(prefix="voila_", dir=self.connection_dir_root)
        settings = self.init_settings()
        self.app = RoomApplication(**settings)
        self.app.settings.update(self.tornado_settings)
        self.app.add_handlers(".*$", self.init_handlers())
        # The first warm kernel in reserve, ready before the first team clicks (RoomKernelManager).
        tornado.ioloop.IOLoop.current().add_callback(self.kernel_manager.fill_reserve)
        self.listen()

    def stop(self) -> None:
        self.room.stop()
        super().stop()


# --- starting the room -----------------------------------------------------------------------------


def cookie_secret(lab_folder: Path) -> bytes:
    """The key that signs the cookies, kept in the lab so a restart keeps every team logged in."""
    path = lab_folder / SECRET_FILE
    try:
        secret = bytes.fromhex(path.read_text(encoding="ascii").strip())
        if len(secret) >= 32:
            return secret
    except (OSError, ValueError):
        pass
    secret = secrets.token_bytes(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, secret.hex(), mode=PRIVATE)
    return secret


def prepare_pages(lab_folder: Path) -> Path:
    """Voilà's root: labkit's own notebooks and nothing else. Not the lab's `notesbøger/` copies: the
    server's notebooks must be the ones that keep the page to its school."""
    folder = lab_folder / PAGES_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {p.name for p in bundled_notebooks() if pages.find_step(p.name, facilitator=True)}
    for stale in folder.iterdir():
        if stale.name not in wanted and stale.is_file():
            stale.unlink()
    for source in bundled_notebooks():
        if source.name in wanted:
            write_atomically(folder / source.name, source.read_bytes())
    return folder


def local_address() -> str:
    """This machine's address on the local network (no packet is sent), or 127.0.0.1 without one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def check_port_free(ip: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        if os.name != "nt":  # as tornado listens: a port whose last server was killed is free again at once
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((ip, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise LabkitError(f"Porten {port} er optaget (kører labkit serve allerede?). Vælg en anden med "
                                  "--port, fx --port 8870.") from error
            raise LabkitError(f"Serveren kan ikke lytte på {ip}:{port}: {error.strerror or error}.") from error


def room_address(ip: str, port: int, address: str = "") -> str:
    if address:
        return address.rstrip("/") if "://" in address else f"http://{address}:{port}"
    host = local_address() if ip in ("0.0.0.0", "") else ip
    return f"http://{host}:{port}"


def write_room_sheets(config: LabConfig, base_url: str, renew: tuple[str, ...] = ()) -> tuple[Path, Path]:
    """The codes (new ones where asked), `adgang.html`/`adgang.csv`, and the address they were printed with."""
    accesses = lab_access(config, renew)
    write_atomically(config.folder / ROOM_FILE, json.dumps({"adresse": base_url}), mode=PRIVATE)
    return write_access_sheets(config, accesses, base_url)


def printed_address(config: LabConfig) -> str:
    """The address on the cards from the last `labkit serve`."""
    try:
        return str(json.loads((config.folder / ROOM_FILE).read_text(encoding="utf-8"))["adresse"])
    except (OSError, ValueError, KeyError, TypeError):
        return room_address("0.0.0.0", DEFAULT_PORT)


def build_app(lab_folder: Path, ip: str, port: int) -> RoomVoila:
    """The room's Voilà application for a lab, ready to `start()` (which blocks until stopped)."""
    config = load_config(lab_folder)
    room = Room(config, cookie_secret(config.folder))
    c = Config()
    c.Voila.ip, c.Voila.port, c.Voila.port_retries, c.Voila.open_browser = ip, port, 0, False
    c.Voila.cookie_secret = room.secret
    c.Voila.identity_provider_class = RoomIdentityProvider
    c.Voila.authorizer_class = RoomAuthorizer
    c.Voila.log_level = "ERROR"  # Voilà's own lines are English and for developers
    # The facilitator's console stays readable: kernels talk over local sockets (no TCP warning per page,
    # and no port another account on the machine could reach); Windows has no such sockets.
    if os.name != "nt":
        c.KernelManager.transport = "ipc"
    c.Voila.tornado_settings = {"websocket_ping_interval": 30, "websocket_ping_timeout": 30}
    c.VoilaConfiguration.prelaunch_hook = room.prelaunch
    c.VoilaConfiguration.multi_kernel_manager_class = RoomKernelManager
    c.VoilaConfiguration.show_tracebacks = False
    c.VoilaExecutor.timeout = 120  # seconds per cell: a page that hangs must not hold its slot forever
    c.VoilaConfiguration.file_allowlist = []
    c.VoilaConfiguration.theme = "light"
    # Voilà's widget manager and the widget classes it loads from ipywidgets' extension, nothing else:
    # other JupyterLab extensions in the environment (e.g. jupytext's) fail to load in Voilà's page.
    c.VoilaConfiguration.extension_allowlist = ["@voila-dashboards/widgets-manager8", "@jupyter-widgets/jupyterlab-manager"]
    c.HTMLExporter.language_code = "da"
    c.AsyncMappingKernelManager.cull_idle_timeout = IDLE_KERNEL_SECONDS
    c.AsyncMappingKernelManager.cull_interval = 30
    c.AsyncMappingKernelManager.cull_connected = False
    app = RoomVoila(config=c)
    app.room = room
    app.initialize([str(prepare_pages(config.folder))])
    return app


def serve(lab_folder: Path, ip: str = "0.0.0.0", port: int = DEFAULT_PORT, address: str = "",
          say: Callable[[str], None] = print) -> None:
    """Serve the lab until Ctrl+C (or SIGTERM). Raises `LabkitError` with a Danish message."""
    config = load_config(lab_folder)
    if not config.schools:
        raise LabkitError(f"Der er ingen skoler i {config.folder / 'lab.yaml'} endnu.")
    check_port_free(ip, port)
    base_url = room_address(ip, port, address)
    cards, listing = write_room_sheets(config, base_url)
    app = build_app(config.folder, ip, port)
    app.room.start_worker()
    say(f"Rummet for {config.lab_name} kører på {base_url}")
    say(f"Adgangskort: {cards}\nListe over links: {listing}")
    say("Stop serveren med Ctrl+C. Det, teamene har gemt, bliver liggende.")
    app.start()
