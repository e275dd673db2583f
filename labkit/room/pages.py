"""The room's own pages (`labkit serve`): the start page, the facilitator's board and the refusals.

Pure functions from the lab's settings to HTML; the server (`labkit.room.server`) serves them. Every
word is Danish, every value from a file or a team is escaped, and the pages load nothing from the
internet (the room may be offline).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from labkit.analysis.progress import STEPS as PROGRESS_STEPS
from labkit.data.agenda import STEP_TITLES, Agenda, AgendaBlock, clock
from labkit.data.config import LabConfig


@dataclass(frozen=True)
class Step:
    """One of the day's pages: a notebook served as an app page."""

    notebook: str  # without .ipynb
    title: str
    text: str
    facilitator_only: bool = False

    @property
    def file(self) -> str:
        return f"{self.notebook}.ipynb"


STEPS = (
    Step("1_data_og_analyse", STEP_TITLES["1_data_og_analyse"],
         "Kvalitetsrapporten og kapacitetsinterviewene: hvad viser tallene?"),
    Step("2_indsatsomraader", STEP_TITLES["2_indsatsomraader"], "Vurdér kandidaterne, og vælg ét til tre områder."),
    Step("3_indsatsteori", STEP_TITLES["3_indsatsteori"], "Skriv indsatsteorien for hvert valgt område."),
    Step("5_opfoelgning", STEP_TITLES["5_opfoelgning"], "Ved de senere labs: blev effekten, som I forventede?"),
    Step("4_facilitator_overblik", STEP_TITLES["4_facilitator_overblik"], "Alle skolers tal, anonymiseret.",
         facilitator_only=True),
)
TEAM_STEPS = tuple(s for s in STEPS if not s.facilitator_only)


def steps_for(facilitator: bool) -> tuple[Step, ...]:
    return STEPS if facilitator else TEAM_STEPS


def find_step(file_name: str, facilitator: bool) -> Step | None:
    """The step a notebook file is, if this person may open it."""
    return next((s for s in steps_for(facilitator) if s.file == file_name), None)


STYLE = (
    "body{font-family:system-ui,'Segoe UI',Arial,sans-serif;margin:0;background:#f6f6f4;color:#222;font-size:17px}"
    "main{max-width:1100px;margin:0 auto;padding:24px}"
    "h1{font-size:26px;margin:0 0 4px} h2{font-size:20px;margin:24px 0 8px} .lille{color:#555;font-size:15px}"
    ".trin{display:block;background:#fff;border:1px solid #ccc;border-radius:6px;padding:12px 16px;margin:0 0 10px;"
    "color:#222;text-decoration:none} .trin:hover{border-color:#1f5f8b} .trin strong{font-size:19px;color:#1f5f8b}"
    "table{border-collapse:collapse;background:#fff;width:100%} th,td{border:1px solid #ccc;padding:6px 8px;"
    "text-align:left;vertical-align:top} th{background:#eef2f5} .ja{color:#0a6b2d;font-weight:bold}"
    ".nej{color:#777} button{font-size:15px;padding:4px 10px;cursor:pointer}"
    ".boks{background:#fff;border-left:4px solid #1f5f8b;padding:12px 16px;margin:12px 0}"
    ".advarsel{border-left-color:#c55a11}"
)


def page(title: str, body: str, script: str = "") -> str:
    """A whole room page: Danish, self-contained, not to be cached (it names a school's progress)."""
    return ("<!DOCTYPE html><html lang='da'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
            f"<body><main>{body}</main>{f'<script>{script}</script>' if script else ''}</body></html>")


def refusal_page(reason: str) -> str:
    return page("Ingen adgang", "<h1>Ingen adgang</h1>"
                f"<div class='boks advarsel'><p>{escape(reason)}</p><p>Brug det link eller den QR-kode, I har fået af "
                "facilitatoren. Virker det stadig ikke, så spørg facilitatoren om et nyt kort.</p></div>")


NO_CODE = "Siden kræver jeres skoles adgangslink."
WRONG_CODE = "Adgangskoden findes ikke, eller den er blevet fornyet."


def not_found_page() -> str:
    return page("Siden findes ikke", "<h1>Siden findes ikke</h1><div class='boks'><p>Adressen findes ikke her. "
                "<a href='/'>Gå til forsiden</a>.</p></div>")


def blocks_for(agenda: Agenda | None, step: Step) -> list[AgendaBlock]:
    return [b for b in agenda.blocks if b.notebook == step.notebook] if agenda else []


def agenda_line(blocks: Sequence[AgendaBlock]) -> str:
    """»09:20–09:45 Datatjek (25 min) · 09:45–11:00 Dataanalyse i skoleteams (75 min)«"""
    return " · ".join(f"{clock(b.start)}–{clock(b.end)} {escape(b.title)} ({b.minutes} min)" for b in blocks)


def step_link(step: Step, school_query: str = "") -> str:
    query = f"?skole={quote(school_query)}" if school_query else ""
    return f"/voila/render/{quote(step.file)}{query}"


def step_header_html(step: Step, steps: Sequence[Step], agenda: Agenda | None, school_name: str,
                     school_query: str = "") -> str:
    """The line above every app page: the school, the day's steps as links, and this step's agenda blocks.

    `school_query` is only set for the facilitator, who opens any school's pages (the team's school
    follows from its access code and is never in an address)."""
    links = ["<a href='/'>Forside</a>"]
    for other in steps:
        name = f"{escape(other.title)}"
        links.append(f"<strong>{name}</strong>" if other == step else f"<a href='{step_link(other, school_query)}'>{name}</a>")
    blocks = blocks_for(agenda, step)
    when = f"<div class='labkit-program'>I programmet: {agenda_line(blocks)}</div>" if blocks else ""
    # The school's name is on the page below (labkit.workshop.notebook); the facilitator sees it here too.
    whose = f"<div style='font-size:15px'>{escape(school_name)}</div>" if school_query else ""
    return (f"<nav class='labkit-trin' style='font-family:sans-serif;border-bottom:1px solid #ccc;padding:0 0 8px;"
            f"margin:0 0 12px'>{whose}<div style='font-size:16px'>{' · '.join(links)}</div>{when}</nav>")


def team_start_page(config: LabConfig, school_name: str, agenda: Agenda | None, handout_ready: bool) -> str:
    """A team's first page: its school, the day's steps with their agenda blocks, and its handout."""
    rows = []
    for step in TEAM_STEPS:
        blocks = blocks_for(agenda, step)
        when = f"<div class='lille'>I programmet: {agenda_line(blocks)}</div>" if blocks else ""
        rows.append(f"<a class='trin' href='{step_link(step)}'><strong>{escape(step.title)}</strong>"
                    f"<div>{escape(step.text)}</div>{when}</a>")
    handout = ("<p><a href='/uddelingsark'>Se jeres uddelingsark</a> (det seneste, facilitatoren har lavet).</p>"
               if handout_ready else "")
    body = (f"<h1>{escape(school_name)}</h1><p class='lille'>{escape(config.lab_name)} · {escape(config.municipality)}"
            f" · skoleår {escape(config.school_year)}</p><div class='boks'>Alt, hvad I skriver, gemmes med det samme. "
            "Flere af jer kan arbejde på samme tid fra hver sin computer.</div><h2>Dagens trin</h2>"
            + "".join(rows) + handout)
    return page(f"{school_name} – {config.lab_name}", body)


def facilitator_start_page(config: LabConfig, labels: Mapping[str, str]) -> str:
    """The facilitator's first page: the board, the overview, and every school's pages."""
    schools = []
    for school in config.schools:
        links = " · ".join(f"<a href='{step_link(step, school.id)}'>{escape(step.title)}</a>" for step in TEAM_STEPS)
        schools.append(f"<tr><td>{escape(school.name)}</td><td>{escape(labels.get(school.id, ''))}</td><td>{links}</td></tr>")
    overview = next(s for s in STEPS if s.facilitator_only)
    body = (f"<h1>Facilitator – {escape(config.lab_name)}</h1><p class='lille'>{escape(config.municipality)} · "
            f"skoleår {escape(config.school_year)}</p>"
            "<a class='trin' href='/tavle'><strong>Tavlen</strong><div>Hvem er på, hvor langt er hver skole, og "
            "uddelingsark med ét klik.</div></a>"
            f"<a class='trin' href='{step_link(overview)}'><strong>{escape(overview.title)}</strong>"
            f"<div>{escape(overview.text)}</div></a>"
            "<h2>Skolernes sider</h2><p class='lille'>Det, I skriver her, gemmes i skolens arbejde ligesom teamets.</p>"
            "<table><thead><tr><th>Skole</th><th>I overblikket</th><th>Sider</th></tr></thead><tbody>"
            + "".join(schools) + "</tbody></table>")
    return page(f"Facilitator – {config.lab_name}", body)


BOARD_SCRIPT = """
function cell(text, cls) { var td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; return td; }
function draw(status) {
  var body = document.getElementById('skoler'); body.textContent = '';
  status.skoler.forEach(function (s) {
    var tr = document.createElement('tr');
    tr.appendChild(cell(s.navn));
    tr.appendChild(cell(s.sider === 0 ? 'Ingen åbne sider' : s.sider + (s.sider === 1 ? ' side åben' : ' sider åbne'), s.sider ? 'ja' : 'nej'));
    s.trin.forEach(function (done) { tr.appendChild(cell(done ? 'Ja' : '–', done ? 'ja' : 'nej')); });
    tr.appendChild(cell(s.konflikter ? s.konflikter + ' åben(e)' : '–', s.konflikter ? 'nej' : ''));
    tr.appendChild(cell(s.gemt || 'Intet gemt endnu'));
    var td = document.createElement('td');
    var button = document.createElement('button'); button.textContent = 'Lav uddelingsark';
    var result = document.createElement('div'); result.className = 'lille';
    if (s.uddelingsark) { result.innerHTML = ''; var a = document.createElement('a'); a.href = s.uddelingsark; a.textContent = 'Åbn det seneste'; a.target = '_blank'; result.appendChild(a); }
    button.onclick = function () {
      button.disabled = true; result.textContent = 'Laves …';
      fetch('/tavle/lav/' + encodeURIComponent(s.id), {method: 'POST', headers: {'X-Labkit': '1'}, credentials: 'same-origin'})
        .then(function (r) { return r.json(); })
        .then(function (answer) {
          button.disabled = false; result.textContent = '';
          if (answer.fejl) { result.textContent = answer.fejl; return; }
          var a = document.createElement('a'); a.href = answer.link; a.target = '_blank';
          a.textContent = 'Åbn uddelingsarket (' + answer.sekunder + ' s)'; result.appendChild(a);
        })
        .catch(function () { button.disabled = false; result.textContent = 'Serveren svarede ikke. Prøv igen.'; });
    };
    td.appendChild(button); td.appendChild(result); tr.appendChild(td);
    body.appendChild(tr);
  });
  document.getElementById('opdateret').textContent = 'Opdateret ' + status.tid;
}
function refresh() {
  fetch('/tavle/status', {cache: 'no-store', credentials: 'same-origin'})
    .then(function (r) { return r.json(); }).then(draw)
    .catch(function () { document.getElementById('opdateret').textContent = 'Serveren svarer ikke lige nu. Vi prøver igen …'; });
}
refresh(); setInterval(refresh, 5000);
"""


def board_page(config: LabConfig, labels: Mapping[str, str]) -> str:
    """The facilitator's live board; the rows come from /tavle/status every five seconds."""
    step_headers = "".join(f"<th>{escape(label)}</th>" for _, label in PROGRESS_STEPS)
    key = "".join(f"<tr><td>{escape(labels.get(s.id, ''))}</td><td>{escape(s.name)}</td></tr>" for s in config.schools)
    key_note = ("<h2>Nøgle til overblikket</h2><p class='lille'>Kun til jer: hvilket bogstav der er hvilken skole. "
                "Hver skole får kun sit eget bogstav at vide.</p><table><thead><tr><th>I overblikket</th><th>Skole</th>"
                f"</tr></thead><tbody>{key}</tbody></table>") if not config.show_school_names else ""
    body = (f"<p><a href='/'>Forside</a></p><h1>Tavlen – {escape(config.lab_name)}</h1>"
            "<p class='lille' id='opdateret' aria-live='polite'>Henter …</p>"
            f"<table><thead><tr><th>Skole</th><th>På nu</th>{step_headers}<th>Konflikter</th><th>Sidst gemt</th>"
            "<th>Uddelingsark</th></tr></thead><tbody id='skoler'></tbody></table>" + key_note)
    return page(f"Tavlen – {config.lab_name}", body, BOARD_SCRIPT)
