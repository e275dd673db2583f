"""Access to the room: one secret code per school and one for the facilitator, and the printable
cards (`adgang.html`) and list (`adgang.csv`) the facilitator hands out (docs/rum.md).

A code is 128 random bits (`secrets`), kept in `<lab>/.labkit/adgang.json`, readable by the account
that runs the lab only, and never logged. A code decides the school: the server looks the code up
and never trusts a school named by the page. `labkit serve` (issue 11) builds on this module.
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

import segno

from labkit.data.config import LabConfig
from labkit.files import saving, write_atomically

ACCESS_FILE = Path(".labkit") / "adgang.json"
CARDS_FILE, LIST_FILE = "adgang.html", "adgang.csv"
FACILITATOR = "facilitator"
CODE_BYTES = 16  # 128 bits: not guessable, short enough to type from a printed card
PRIVATE = 0o600


@dataclass(frozen=True)
class Access:
    """Who a code lets in: a school (its institution number) or the facilitator."""

    who: str
    name: str
    code: str

    @property
    def is_facilitator(self) -> bool:
        return self.who == FACILITATOR


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


def _saved_codes(path: Path) -> dict[str, str]:
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return {str(k): str(v) for k, v in saved.items() if isinstance(v, str) and v} if isinstance(saved, dict) else {}


def lab_access(config: LabConfig, renew: Collection[str] = ()) -> list[Access]:
    """Every school's and the facilitator's access, creating the codes that are missing and renewing
    those in `renew` (school ids or "facilitator"); a school no longer in the lab loses its code.
    A code file that cannot be written is a Danish `LabkitError`."""
    path = config.folder / ACCESS_FILE
    saved = _saved_codes(path)
    people = [*((s.id, s.name) for s in config.schools), (FACILITATOR, "Facilitator")]
    accesses = [Access(who, name, new_code() if who in renew or who not in saved else saved[who])
                for who, name in people]
    codes = {a.who: a.code for a in accesses}
    if codes != saved:
        with saving("Adgangskoderne", path):
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, json.dumps(codes, indent=2), mode=PRIVATE)
    return accesses


def find_access(accesses: Sequence[Access], code: str) -> Access | None:
    """The access a code gives, compared in constant time (no timing hints about a near miss)."""
    found = None
    for access in accesses:
        if hmac.compare_digest(access.code.encode(), code.encode()):
            found = access
    return found


def access_link(base_url: str, access: Access) -> str:
    return f"{base_url.rstrip('/')}/adgang/{access.code}"


def access_csv(accesses: Sequence[Access], base_url: str) -> str:
    """`Institutionsnummer;Skole;Link`, one row per school and `facilitator` last (semicolons: Danish Excel)."""
    rows = ["Institutionsnummer;Skole;Link", *(f"{a.who};{a.name};{access_link(base_url, a)}" for a in accesses)]
    return "\r\n".join(rows) + "\r\n"


def access_cards_html(accesses: Sequence[Access], base_url: str, config: LabConfig) -> str:
    """One card per school and one for the facilitator, to print and cut: name, link, code and a QR code."""
    cards = []
    for access in accesses:
        link = access_link(base_url, access)
        qr = segno.make(link, error="m").svg_inline(scale=3, dark="#000", light="#fff")
        role = "Facilitatorens adgang: alle skoler og overblikket" if access.is_facilitator else \
            "Jeres skoles adgang – kun jeres egne tal og tekster"
        cards.append(f"<section class='kort'><h2>{escape(access.name)}</h2><p class='rolle'>{escape(role)}</p>"
                     f"<div class='qr'>{qr}</div><p>Scan koden, eller skriv adressen:</p>"
                     f"<p class='link'>{escape(link)}</p><p class='kode'>Adgangskode: <code>{escape(access.code)}"
                     "</code></p></section>")
    title = f"Adgang til {config.lab_name}, {config.municipality}"
    return ("<!DOCTYPE html><html lang='da'><head><meta charset='utf-8'>"
            f"<title>{escape(title)}</title><style>"
            "body{font-family:sans-serif;margin:1cm} h1{font-size:16pt}"
            ".kort{border:1px dashed #888;padding:0.5cm;margin:0 0 0.5cm;page-break-inside:avoid;width:12cm}"
            ".kort h2{margin:0 0 0.2cm} .rolle{color:#555;margin:0 0 0.3cm} .link{word-break:break-all}"
            "code{font-size:12pt}</style></head><body>"
            f"<h1>{escape(title)}</h1><p>Klip kortene ud, og giv hver skole sit eget. Koderne er hemmelige: den, der "
            "har en skoles kode, kan se og skrive i skolens arbejde.</p>" + "".join(cards) + "</body></html>")


def write_access_sheets(config: LabConfig, accesses: Sequence[Access], base_url: str) -> tuple[Path, Path]:
    """`adgang.html` and `adgang.csv` in the lab folder, readable by the lab's account only (they hold the codes).
    Raises a Danish `LabkitError` when they cannot be written."""
    cards, listing = config.folder / CARDS_FILE, config.folder / LIST_FILE
    with saving("Adgangskortene", cards):
        write_atomically(cards, access_cards_html(accesses, base_url, config), mode=PRIVATE)
    with saving("Listen over links", listing):
        write_atomically(listing, "\ufeff" + access_csv(accesses, base_url), mode=PRIVATE)
    return cards, listing
