"""A long study session: CPU per answer and memory over 2,000 answers in one piped `quiz study`, and
Anki's own answer measured beside it (issue 16). Used by run.py (figures `answers-*`).

The deck has 20,000 basic notes, every third with a reverse card (26,667 cards: siblings to bury);
the session is `quiz study DECK --new 20000 --mode flip` fed 2,000 answers on a pipe, in a fresh
database each run. CPU per answer is (that session − the same command quitting at its first card)
/ 2,000, so start-up is not counted in it. The floor is Anki (the `anki` package, its Rust backend)
answering 2,000 cards of a collection with the same notes, in-process: `get_queued_cards()`, then
`build_answer` + `answer_card`, per answer.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

NOTES = 20_000
ANSWERS = 2_000
RATINGS = (1, 3, 3, 4, 3, 2, 3, 3)  # the same cycle for us and for Anki
ANKI_NEW_PER_DAY = 9999  # Anki's largest new-card limit (it refuses 20,000); 2,000 answers stay well inside it


def session_input(answers: int = ANSWERS) -> str:
    """Two lines per flip card (reveal, rating) for `answers` cards."""
    return "".join(f"\n{RATINGS[i % len(RATINGS)]}\n" for i in range(answers))


def fresh_database(home: Path) -> None:
    """Remove the review database and its backups (the deck cache and deck folder stay)."""
    for path in home.iterdir():
        if path.name in ("cache", "decks"):
            continue
        shutil.rmtree(path) if path.is_dir() else path.unlink()


# The peak memory and CPU time of the command itself: Linux counts in a child's peak memory the peak
# of the process it was forked from (run.py holds an Anki collection), so a small launcher starts it.
LAUNCHER = """\
import os, sys
report, argv = sys.argv[1], sys.argv[2:]
pid = os.fork()
if pid == 0:
    try:
        os.execv(argv[0], argv)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
with open(report, "w") as f:
    f.write(f"{usage.ru_maxrss} {usage.ru_utime + usage.ru_stime} {os.waitstatus_to_exitcode(status)}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def launched(run, argv: list[str], env: dict[str, str], stdin: str, expect: str) -> tuple[float, float, float]:
    """(CPU seconds, peak MiB, wall seconds) of `argv` started from the launcher; `run` is run.run."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "rusage"
        sample = run([sys.executable, "-c", LAUNCHER, str(report), *argv], env, stdin, expect)
        maxrss, cpu, _ = report.read_text().split()
    return float(cpu), int(maxrss) / (1024 if sys.platform != "darwin" else 1024 * 1024), sample.wall


def anki_collection(path: Path, notes: int = NOTES) -> Path | None:
    """An Anki collection with `notes` notes like the deck's (every third "Basic (and reversed card)"),
    FSRS on, siblings buried; None when `anki` is not installed."""
    try:
        from anki.collection import AddNoteRequest, Collection
    except ImportError:
        return None
    col = Collection(str(path))
    try:
        basic, reverse = col.models.by_name("Basic"), col.models.by_name("Basic (and reversed card)")
        deck = col.decks.id("notes")
        conf = col.decks.config_dict_for_deck_id(deck)
        conf["new"]["perDay"] = conf["rev"]["perDay"] = ANKI_NEW_PER_DAY
        conf["new"]["bury"] = conf["rev"]["bury"] = True
        col.decks.update_config(conf)
        col.set_config("fsrs", True)
        requests = []
        for i in range(notes):
            note = col.new_note(reverse if i % 3 == 0 else basic)
            note["Front"] = f"Note {i}, what does a 1×1 conv with {i} filters keep?"
            note["Back"] = "The spatial size H × W; only channels change."
            requests.append(AddNoteRequest(note=note, deck_id=deck))
        col.add_notes(requests)
        col.decks.select(deck)
    finally:
        col.close()
    return path


def anki_answers(template: Path, answers: int = ANSWERS) -> tuple[float, float]:
    """(CPU seconds, wall seconds) per answer of Anki answering `answers` cards of a fresh copy of `template`."""
    from anki.cards import Card
    from anki.collection import Collection
    from anki.scheduler.v3 import CardAnswer

    ratings = {1: CardAnswer.AGAIN, 2: CardAnswer.HARD, 3: CardAnswer.GOOD, 4: CardAnswer.EASY}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "run.anki2"
        shutil.copy(template, path)
        col = Collection(str(path))
        try:
            cpu, wall = time.process_time(), time.perf_counter()
            for i in range(answers):
                queued = col.sched.get_queued_cards().cards[0]
                card = Card(col, backend_card=queued.card)
                card.start_timer()
                rating = ratings[RATINGS[i % len(RATINGS)]]
                col.sched.answer_card(col.sched.build_answer(card=card, states=queued.states, rating=rating))
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        finally:
            col.close()
    return cpu / answers, wall / answers


def notes_deck(folder: Path) -> Path:
    """The generated notes deck (benchmarks/gen.py `notes_yaml`)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import gen

    path = folder / "notes.yaml"
    if not path.exists():
        path.write_text(gen.notes_yaml(NOTES), encoding="utf-8")
    return path


__all__ = ["ANSWERS", "anki_answers", "anki_collection", "fresh_database", "launched", "notes_deck", "session_input"]

if __name__ == "__main__":  # pragma: no cover - a quick look at Anki's figure alone
    with tempfile.TemporaryDirectory() as folder:
        template = anki_collection(Path(folder) / "c.anki2")
        if template is None:
            sys.exit("anki is not installed")
        cpu, wall = anki_answers(template)
        print(f"Anki: {cpu * 1000:.2f} ms CPU, {wall * 1000:.2f} ms wall per answer ({os.cpu_count()} CPUs)")
