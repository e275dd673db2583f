"""Three editors saving to the same fields of one workspace, killed at random and started again.

Shared by tests/workspace/test_stress.py (asserts) and benchmarks/bench_workspace.py (prints figures).
Each editor is its own OS process (`python -m tests.workspace.stress editor ...`) that opens the lab's
workspace through the public API, saves to a few shared fields, now and then pulls the open conflicts
and settles one, and logs every step to its own JSON-lines log, flushed before and after each save.
A save is *acknowledged* when `set` returned without a failure message (saved, maybe as a conflict).

When is an acknowledged value lost? Each value is unique. A value v that editor E saved in field F
counts as *superseded* (dropped on purpose) when, afterwards,
  (a) E saved F again (the person replaced their own text; after a restart too), or E's later save of F
      was killed before its acknowledgement but reached the file (its text is kept at the end, or
      someone later had it as a base or saw it in a conflict): counted and reported like (d), or
  (b) someone saved F without a conflict while v was their base: they had v on screen and typed over it
      (a save without a conflict means the file held that base), or
  (c) someone settled an open conflict on F that showed v (`resolve_conflict` chose between v and the
      other text), or
  (d) a save or settlement that was killed before it was acknowledged had v as its base or showed v:
      it may or may not have reached the file, so either outcome is accepted (counted and reported).
Every acknowledged value that is not superseded must be, at the end, the value of F in the file or one
of the two texts (`theirs`/`ours`) of an open conflict on exactly F. Anything else is a lost save.
"""

from __future__ import annotations

import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from labkit.workspace.document import get_path

ROOT = Path(__file__).resolve().parents[2]
SCHOOL = "061001"
LAB_NAME = "Læringslab 1"
# The few fields all three editors type in; one key holds "/" (a lab named "Læringslab 1/2").
FIELDS: tuple[tuple[str, ...], ...] = (
    ("indsatsteorier", "omraade-1", "problem"),
    ("indsatsteorier", "omraade-1", "langsigtet_maal"),
    ("opfoelgning", "Læringslab 1/2", "omraade-1", "noter"),
    ("noter", "dagens aftaler"),
)
WORDS = ("eleverne", "ro", "i", "timerne", "trivsel", "mellemtrinnet", "lærerne", "fælles", "struktur", "æøå",
         "overgange", "fravær", "data", "viser", "at", "og", "mindre", "uro", "efter", "frikvarteret")
RESOLVE_EVERY = 10  # an editor looks at the open conflicts every so many saves and settles one half the time


# --- one editor (its own process) ----------------------------------------------------------------


def _text(rng: random.Random, tag: str) -> str:
    return f"[{tag}] " + " ".join(rng.choices(WORDS, k=rng.randint(5, 60)))


def _acknowledged(log_path: Path) -> tuple[int, int]:
    """(acknowledged saves, incarnations) in an editor's log so far."""
    acks = incarnations = 0
    if log_path.exists():
        for line in log_path.read_text(encoding="utf-8").splitlines():
            try:
                kind = json.loads(line)["kind"]
            except ValueError:
                continue  # a line cut off by the kill
            acks += kind == "ack"
            incarnations += kind == "open"
    return acks, incarnations


def run_editor(lab: Path, editor: str, log_path: Path, saves: int, seed: int, pause: float) -> None:
    """Save until the log holds `saves` acknowledged saves, appending every step to the log."""
    from labkit.workspace.store import Workspace

    done, incarnation = _acknowledged(log_path)
    rng = random.Random(seed * 1000 + incarnation)
    with open(log_path, "a", encoding="utf-8") as log:

        def note(**record: Any) -> None:
            log.write(json.dumps(record, ensure_ascii=False) + "\n")
            log.flush()  # in the kernel's buffer before the next step: a SIGKILL does not lose it

        workspace = Workspace.open(lab, SCHOOL, LAB_NAME)
        bases = [workspace.get(keys) for keys in FIELDS]
        note(kind="open", incarnation=incarnation, session=workspace.session, bases=bases)
        number = 0
        while done < saves:
            number += 1
            index = rng.randrange(len(FIELDS))
            value = _text(rng, f"{editor}.{incarnation}.{number}")
            note(kind="try", field=index, value=value, base=bases[index])
            started = time.perf_counter()
            result = workspace.set(FIELDS[index], value)
            seconds = time.perf_counter() - started
            if result.message is not None and not result.conflict:
                note(kind="not_saved", field=index, value=value, message=result.message)
            else:
                note(kind="ack", field=index, value=value, base=bases[index], conflict=result.conflict,
                     revision=result.revision, seconds=seconds)
                bases[index] = value
                done += 1
            if number % RESOLVE_EVERY == 0:
                workspace.pull_conflicts()
                open_conflicts = workspace.conflicts
                if open_conflicts and rng.random() < 0.5:
                    chosen = rng.randrange(len(open_conflicts))
                    entry, keep = open_conflicts[chosen], rng.choice(("ours", "theirs"))
                    note(kind="try_resolve", entry=entry, keep=keep)
                    settled = workspace.resolve_conflict(chosen, keep)
                    if settled.message is None:
                        note(kind="resolved", entry=entry, keep=keep)
                        if tuple(entry["keys"]) in FIELDS:
                            bases[FIELDS.index(tuple(entry["keys"]))] = entry[keep]
                    else:  # settled by someone else: the workspace took in the file as it is
                        bases = [workspace.get(keys) for keys in FIELDS]
                        note(kind="rebased", bases=bases, message=settled.message)
            time.sleep(rng.uniform(0, pause))  # a typist's pause, so the three interleave
        note(kind="done", revision=workspace.revision)


# --- the driver -----------------------------------------------------------------------------------


@dataclass
class StressRun:
    """What a run did and left behind."""

    lab: Path
    logs: dict[str, list[dict[str, Any]]]
    kills: int = 0
    kills_mid_save: int = 0  # the killed editor's last logged step was a save or settlement not yet acknowledged
    kills_leaving_temp: int = 0  # a temporary file lay in the workspace folder right after the kill
    longest_lock_wait: float = 0.0  # for the driver to take the lock right after a kill
    stale_locks: int = 0
    seconds: float = 0.0

    @property
    def folder(self) -> Path:
        return self.lab / "arbejde"

    @property
    def document(self) -> dict[str, Any]:
        return json.loads((self.folder / f"{SCHOOL}.json").read_text(encoding="utf-8"))

    @property
    def versions(self) -> list[Path]:
        return sorted((self.folder / ".versioner" / SCHOOL).glob("*.json"))

    @property
    def history_bytes(self) -> int:
        return sum(path.stat().st_size for path in self.versions)

    @property
    def file_bytes(self) -> int:
        return (self.folder / f"{SCHOOL}.json").stat().st_size

    @property
    def save_seconds(self) -> list[float]:
        return [r["seconds"] for log in self.logs.values() for r in log if r["kind"] == "ack"]

    def median_of(self, part: slice) -> float:
        """The median save time of a part of the run's saves, in the order they reached the file."""
        acks = sorted((r for log in self.logs.values() for r in log if r["kind"] == "ack"), key=lambda r: r["revision"])
        return statistics.median(r["seconds"] for r in acks[part])

    @property
    def acknowledged(self) -> int:
        return len(self.save_seconds)

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.save_seconds)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    def temp_files(self) -> list[Path]:
        return [path for path in self.folder.rglob("*") if path.name.endswith(".tmp")]

    def summary(self) -> str:
        timings = self.save_seconds
        return (f"{len(self.logs)} redaktører, {self.acknowledged} kvitterede gemninger, {self.kills} kills "
                f"({self.kills_mid_save} midt i en gemning, {self.kills_leaving_temp} efterlod en midlertidig fil) "
                f"på {self.seconds:.1f} s\n"
                f"gemning: p50 {1000 * statistics.median(timings):.1f} ms, p95 {1000 * self.percentile(0.95):.1f} ms, "
                f"max {1000 * max(timings):.1f} ms; p50 for de første 10 % {1000 * self.median_of(slice(0, len(timings) // 10)):.1f} ms, "
                f"for de sidste 10 % {1000 * self.median_of(slice(-(len(timings) // 10), None)):.1f} ms\n"
                f"arbejdsfil: {self.file_bytes / 1024:.1f} KB, {len(self.document['conflicts'])} åbne konflikter; "
                f"historik: {len(self.versions)} versioner, {self.history_bytes / 1024:.0f} KB; "
                f"længste ventetid på låsen efter et kill: {1000 * self.longest_lock_wait:.0f} ms")


def day_of_work() -> dict[str, Any]:
    """A whole day's work (about 20 KB): ratings of 20 candidates, 3 written theories, 25 statements."""
    sentence = "Ro og orden på mellemtrinnet er faldet tre år i træk og ligger under kommunens niveau. "
    theory = {
        "focus_area": {"id": "omraade", "title": "Ro, struktur og klasseledelse"}, "problem": sentence * 2,
        "data_grundlag": ["ro_orden", "klasseledelse"], "maalgruppe": "Elever og lærere i 4.–6. klasse",
        "langsigtet_maal": "Alle elever på mellemtrinnet oplever ro til at lære.",
        "aktiviteter": ["Fælles struktur for start og slut på timerne", "Kollegial sparring i årgangsteams"],
        "ressourcer": ["2 timer om måneden i teammøder", "Læsevejleder og AKT-vejleder"],
        "kortsigtede_resultater": ["Lærerne bruger den fælles struktur"], "mellemlange_resultater": [sentence],
        "langsigtede_resultater": ["Bedre faglig og social trivsel"],
        "antagelser": {"aktiviteter_til_kortsigtede": sentence, "kortsigtede_til_mellemlange": sentence,
                       "mellemlange_til_langsigtede": sentence},
        "kontekst": "Ny skoleleder fra august; to nye lærere på mellemtrinnet.",
        "indikatorer": [{"beskrivelse": "Ro og orden, mellemtrin", "kilde": "kvalitetsrapport:ro_orden/Mellemtrin",
                         "baseline": "3,5", "baseline_aar": "2024/2025", "maal": "4,0", "hvornaar": "2026/2027",
                         "resultat_niveau": "langsigtede", "id": f"t{n}"} for n in range(3)],
        "evaluering": {"hvordan": sentence, "hvornaar": "marts", "hvem": "Læringsvejlederen"},
    }
    return {
        "indsatsomraader": {
            "vurderinger": {f"kandidat-{i}": {"vigtighed": 1 + i % 5, "data": 2, "indflydelse": 4} for i in range(20)},
            "valgte": ["omraade-1", "omraade-2", "omraade-3"],
            "begrundelser": {f"omraade-{i}": sentence * 3 for i in range(1, 4)},
        },
        "indsatsteorier": {f"omraade-{i}": theory for i in range(1, 4)},
        "datasummary": {f"udsagn-{i}": {"enig": "enig", "kommentar": "Det kan vi genkende fra gangene."}
                        for i in range(25)},
        "noter": {"dagens aftaler": "Vi mødes igen i januar og ser på fraværstallene. " * 5},
    }


def seed_workspace(lab: Path) -> None:
    """Start from a day's realistic work, so sizes and times are those of a real file."""
    from labkit.workspace.store import Workspace

    workspace = Workspace.open(lab, SCHOOL, LAB_NAME)
    for key, value in day_of_work().items():
        workspace.set(key, value)


def a_day_of_history(lab: Path, hours: int = 6) -> Path:
    """The versions a workspace has after `hours` of typing: the newest 50 and one a minute before them."""
    from labkit.workspace.store import KEEP_VERSIONS, Workspace

    workspace = Workspace.open(lab, SCHOOL, LAB_NAME)
    workspace.set("noter/tekst", "udkast")
    folder = workspace.versions_folder
    folder.mkdir(parents=True, exist_ok=True)
    now, count = time.time(), hours * 60 + KEEP_VERSIONS
    for revision in range(1, count + 1):
        path = folder / f"{revision:06d}.json"
        path.write_text(workspace.path.read_text(encoding="utf-8"), encoding="utf-8")
        saved = now - (count - revision) * 60 if revision <= count - KEEP_VERSIONS else now - (count - revision)
        os.utime(path, (saved, saved))
    document = json.loads(workspace.path.read_text(encoding="utf-8"))
    document["revision"] = count + 1
    workspace.path.write_text(json.dumps(document), encoding="utf-8")
    return folder


def _start(lab: Path, editor: str, log_path: Path, saves: int, seed: int, pause: float) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "tests.workspace.stress", "editor", str(lab), editor, str(log_path),
               str(saves), str(seed), str(pause)]
    with open(log_path.with_suffix(".stderr"), "ab") as errors:  # the child keeps its own copy open
        return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=errors)


def _last_record(log_path: Path) -> dict[str, Any] | None:
    try:
        with open(log_path, "rb") as log:
            log.seek(max(0, log.seek(0, os.SEEK_END) - 8192))
            tail = log.read().decode("utf-8", errors="replace")
    except FileNotFoundError:  # killed while starting
        return None
    for line in reversed(tail.splitlines()[1:] if len(tail) >= 8192 else tail.splitlines()):
        try:
            return json.loads(line)  # type: ignore[no-any-return]
        except ValueError:
            continue
    return None


def read_log(log_path: Path) -> list[dict[str, Any]]:
    records = []
    for line in log_path.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            pass  # cut off by a kill while being written: never an acknowledgement
    return records


# Seconds to the first kill and between kills (uniform in each range): as often as in a room where
# kernels die now and then, and four times as often (that pacing found a lost text, conflicts.py).
ROOM_PACE = ((0.3, 1.0), (0.2, 1.2))
FAST_PACE = ((0.1, 0.4), (0.05, 0.35))


def run_stress(lab: Path, logs: Path, editors: Sequence[str] = ("a", "b", "c"), saves: int = 500,
               kills: int = 12, seed: int = 1, pause: float = 0.004, timeout: float = 300,
               pace: tuple[tuple[float, float], tuple[float, float]] = ROOM_PACE) -> StressRun:
    """Start the editors, SIGKILL a random one at random moments (`kills` times, paced by `pace`), start it
    again, and wait until every editor has its `saves` acknowledged saves."""
    rng = random.Random(seed)
    logs.mkdir(parents=True, exist_ok=True)
    paths = {e: logs / f"{e}.jsonl" for e in editors}
    run = StressRun(lab, {})
    started = time.monotonic()
    running = {e: _start(lab, e, paths[e], saves, seed + i, pause) for i, e in enumerate(editors)}
    try:
        next_kill = time.monotonic() + rng.uniform(*pace[0])
        while running:
            if time.monotonic() - started > timeout:
                raise TimeoutError(f"the editors did not finish within {timeout} s")
            for editor, process in list(running.items()):
                code = process.poll()
                if code is None:
                    continue
                if code != 0:
                    errors = paths[editor].with_suffix(".stderr").read_text(encoding="utf-8", errors="replace")
                    raise RuntimeError(f"editor {editor} failed ({code}): {errors[-3000:]}")
                del running[editor]
            if running and run.kills < kills and time.monotonic() >= next_kill:
                editor = rng.choice(sorted(running))
                process = running[editor]
                if run.kills % 2:  # every other kill waits (up to a second) until a save is under way
                    deadline = time.monotonic() + 1
                    while time.monotonic() < deadline and (_last_record(paths[editor]) or {}).get("kind") != "try":
                        time.sleep(0.0005)
                process.send_signal(signal.SIGKILL)
                process.wait()
                run.kills += 1
                last = _last_record(paths[editor])
                run.kills_mid_save += bool(last and last["kind"] in ("try", "try_resolve"))
                run.kills_leaving_temp += bool(run.temp_files())
                waited = time.monotonic()
                try:  # the dead editor's lock must not stay taken
                    with FileLock(run.folder / f"{SCHOOL}.lock").acquire(timeout=5, poll_interval=0.002):
                        pass
                except Timeout:
                    run.stale_locks += 1
                run.longest_lock_wait = max(run.longest_lock_wait, time.monotonic() - waited)
                running[editor] = _start(lab, editor, paths[editor], saves, seed + editors.index(editor), pause)
                next_kill = time.monotonic() + rng.uniform(*pace[1])
            time.sleep(0.002)
    finally:  # a failing run leaves no editor behind
        for process in running.values():
            if process.poll() is None:
                process.kill()
                process.wait()
    run.seconds = time.monotonic() - started
    run.logs = {e: read_log(paths[e]) for e in editors}
    return run


# --- the verdict ----------------------------------------------------------------------------------


@dataclass
class Verdict:
    lost: list[dict[str, Any]] = field(default_factory=list)
    superseded_by_killed: int = 0  # excused only by rule (d)
    not_saved: list[dict[str, Any]] = field(default_factory=list)


def lost_saves(run: StressRun) -> Verdict:
    """The acknowledged values that are neither kept in the file nor superseded (module docstring)."""
    document, verdict = run.document, Verdict()
    kept: dict[int, set[str]] = {i: {get_path(document["data"], keys, None)} for i, keys in enumerate(FIELDS)}
    for conflict in document["conflicts"]:
        if tuple(conflict["keys"]) in FIELDS:
            kept[FIELDS.index(tuple(conflict["keys"]))] |= {conflict["theirs"], conflict["ours"]}
    overwritten, overwritten_by_killed = set(), set()  # (field, value) someone replaced or settled
    for log in run.logs.values():
        for position, record in enumerate(log):
            unacknowledged = position + 1 == len(log) or log[position + 1]["kind"] == "open"
            if record["kind"] == "ack" and not record["conflict"]:
                overwritten.add((record["field"], record["base"]))
            elif record["kind"] == "try" and unacknowledged:
                overwritten_by_killed.add((record["field"], record["base"]))
            elif record["kind"] in ("resolved", "try_resolve") and tuple(record["entry"]["keys"]) in FIELDS:
                index = FIELDS.index(tuple(record["entry"]["keys"]))
                pair = {(index, record["entry"]["theirs"]), (index, record["entry"]["ours"])}
                if record["kind"] == "resolved":
                    overwritten |= pair
                elif unacknowledged:
                    overwritten_by_killed |= pair
            elif record["kind"] == "not_saved":
                verdict.not_saved.append(record)
    # Texts known to have reached the file: kept at the end, or seen by a notebook afterwards.
    reached = {(i, text) for i, texts in kept.items() for text in texts}
    for log in run.logs.values():
        for record in log:
            if record["kind"] in ("try", "ack"):
                reached.add((record["field"], record["base"]))
            elif record["kind"] in ("open", "rebased"):
                reached |= set(enumerate(record.get("bases", ())))
            elif record["kind"] in ("resolved", "try_resolve") and tuple(record["entry"]["keys"]) in FIELDS:
                index = FIELDS.index(tuple(record["entry"]["keys"]))
                reached |= {(index, record["entry"]["theirs"]), (index, record["entry"]["ours"])}
    for log in run.logs.values():
        acks = [(position, r) for position, r in enumerate(log) if r["kind"] == "ack"]
        killed_saves = [(position, r) for position, r in enumerate(log) if r["kind"] == "try"
                        and (position + 1 == len(log) or log[position + 1]["kind"] == "open")]
        for number, (at, record) in enumerate(acks):
            if any(later["field"] == record["field"] for _, later in acks[number + 1:]):
                continue  # (a) the editor saved this field again
            if any(where > at and killed["field"] == record["field"]
                   and (killed["field"], killed["value"]) in reached for where, killed in killed_saves):
                verdict.superseded_by_killed += 1  # (a) by a save that was killed but reached the file
                continue
            if record["value"] in kept[record["field"]]:
                continue
            if (record["field"], record["value"]) in overwritten:
                continue  # (b), (c)
            if (record["field"], record["value"]) in overwritten_by_killed:
                verdict.superseded_by_killed += 1  # (d)
                continue
            verdict.lost.append(record)
    return verdict


if __name__ == "__main__" and sys.argv[1:2] == ["editor"]:
    lab_folder, name, log_file, count, seed_text, pause_text = sys.argv[2:8]
    run_editor(Path(lab_folder), name, Path(log_file), int(count), int(seed_text), float(pause_text))
