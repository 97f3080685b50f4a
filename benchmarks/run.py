"""The performance budgets of dense1x1quiz, measured against floors taken in the same run.

    python benchmarks/run.py            # every figure (generates a 20,000-card deck and 200,000 reviews)
    python benchmarks/run.py --quick    # the small figures only (no generated data): about a minute
    python benchmarks/run.py --only help,decks --runs 9

Each figure is the median of at least five runs, each run of ours next to a run of its floor, so
the two share whatever else the machine is doing. Commands run as a user runs them (the `quiz`
script next to this Python, else `python -m dense1x1quiz`), in a temporary home
($DENSE1X1QUIZ_HOME), after one untimed warm-up run (byte code and the deck cache are written then,
the byte code under a temporary PYTHONPYCACHEPREFIX; "first run" figures delete the deck cache
before every run). The exit code is 0 even when a budget is
missed; the last line says so.

Times are CPU time (user + system) by default: on a machine shared with other work, wall-clock
medians of a 100 ms start-up swing by 2× from one minute to the next, CPU time hardly at all, and
start-up here is CPU-bound. `--clock wall` measures wall-clock time instead; the table shows the
other clock's ratio too.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import bench_session  # noqa: E402  (benchmarks/bench_session.py: a long session, and Anki's answer)
import gen  # noqa: E402  (benchmarks/gen.py, next to this file)

NOW = "2025-10-15T12:00:00Z"  # after the generated reviews: the stats have a full year to show
TYPER_FLOOR = "python -c 'import typer'"
YAML_FLOOR = "yaml.load(f, CSafeLoader) in-process"


@dataclass
class Result:
    figure: str
    ours: float | None  # seconds, or MiB for memory
    floor: float | None
    floor_name: str
    budget: float | None  # a ratio to the floor, or MiB when there is no floor; None: shown for information
    unit: str = "s"
    note: str = ""
    other_ratio: float | None = None  # the same ratio on the other clock

    @property
    def ratio(self) -> float | None:
        return None if self.ours is None or not self.floor else self.ours / self.floor

    @property
    def passed(self) -> bool:
        if self.ours is None:
            return False
        if self.budget is None:
            return True
        return (self.ratio if self.floor else self.ours) <= self.budget  # type: ignore[operator]


class Failure(Exception):
    """A command did not do what the figure measures (so its time means nothing)."""


# -- running children ---------------------------------------------------------------------------


def quiz_command() -> list[str]:
    script = Path(sys.executable).with_name("quiz")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "dense1x1quiz"]


PYCACHE: Path | None = None  # where children keep byte code (set by main)


def child_env(home: Path) -> dict[str, str]:
    """The environment of a child: its own home, a fixed clock, and byte code cached as for an installed
    package (PYTHONDONTWRITEBYTECODE would make every run compile our modules, and only ours)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DENSE1X1QUIZ_") and k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")
    }
    env.update(DENSE1X1QUIZ_HOME=str(home), DENSE1X1QUIZ_NOW=NOW, NO_COLOR="1", COLUMNS="100", LINES="40")
    if PYCACHE is not None:
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)  # not in the source tree
    return env


@dataclass(frozen=True)
class Sample:
    wall: float  # seconds
    cpu: float  # seconds of user + system time
    rss: float | None = None  # peak memory in MiB


CLOCK = "cpu"  # which time the ratios use: "cpu" or "wall" (--clock)


def run(
    argv: list[str],
    env: dict[str, str],
    stdin: str | None = None,
    expect: str | None = None,
    ok: tuple[int, ...] = (0,),
) -> Sample:
    """Run `argv` once: its wall time, CPU time and peak memory (ru_maxrss).

    Raises Failure when it exits with another code or `expect` is not in its output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(
            argv, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL, stdout=out, stderr=err, env=env
        )
        if stdin is not None:
            try:
                child.stdin.write(stdin.encode())  # type: ignore[union-attr]
                child.stdin.close()  # type: ignore[union-attr]
            except BrokenPipeError:
                pass
        if hasattr(os, "wait4"):
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - start
            child.returncode = os.waitstatus_to_exitcode(status)
            cpu = usage.ru_utime + usage.ru_stime
            rss = usage.ru_maxrss / (1024 if sys.platform != "darwin" else 1024 * 1024)
        else:  # pragma: no cover - no per-child figures there: wall clock only
            child.wait()
            wall = time.perf_counter() - start
            cpu, rss = wall, None
        out.seek(0)
        err.seek(0)
        text = out.read().decode(errors="replace") + err.read().decode(errors="replace")
    if child.returncode not in ok or (expect is not None and expect not in text):
        shown = " ".join(Path(a).name if i == 0 else a for i, a in enumerate(argv))
        raise Failure(f"`{shown}` exited {child.returncode}: {text.strip()[-300:]!r}")
    return Sample(wall, cpu, rss)


def in_process(fn: Callable[[], object]) -> Sample:
    """Time `fn()` in this process."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return Sample(time.perf_counter() - wall, time.process_time() - cpu)


def paired(runs: int, ours: Callable[[], Sample], floor: Callable[[], Sample]) -> tuple[float, float, float]:
    """Medians of `runs` runs of `ours` and of `floor` on CLOCK, interleaved (alternating which goes
    first), and the ratio of their medians on the other clock."""
    a: list[Sample] = []
    b: list[Sample] = []
    for i in range(runs):
        if i % 2:
            b.append(floor())
            a.append(ours())
        else:
            a.append(ours())
            b.append(floor())
    other = "wall" if CLOCK == "cpu" else "cpu"

    def median(samples: list[Sample], clock: str) -> float:
        return statistics.median(getattr(x, clock) for x in samples)

    return median(a, CLOCK), median(b, CLOCK), median(a, other) / median(b, other)


# -- the figures --------------------------------------------------------------------------------


class Bench:
    """The data and homes the figures share, made once in a temporary folder."""

    def __init__(self, root: Path, runs: int):
        self.root = root
        self.runs = runs
        self.quiz = quiz_command()
        self._big: Path | None = None
        self._reviews_home: Path | None = None
        self._answers: dict[str, float | None] | None = None
        self._big100: Path | None = None
        self.typer_floor()  # warm-up: the floor's byte code too

    def home(self, name: str) -> Path:
        path = self.root / name
        path.mkdir(exist_ok=True)
        return path

    def typer_floor(self) -> Sample:
        return run([sys.executable, "-c", "import typer"], child_env(self.root / "floor"))

    def against_typer(
        self,
        figure: str,
        args: list[str],
        budget: float | None,
        home: Path,
        stdin: str | None = None,
        expect: str | None = None,
        note: str = "",
        before: Callable[[], object] = lambda: None,
    ) -> Result:
        """`quiz ARGS` against `import typer`; `before` runs (untimed) before each run of ours."""
        env = child_env(home)
        argv = self.quiz + args

        def run_ours() -> Sample:
            before()
            return run(argv, env, stdin, expect)

        run_ours()  # warm-up: byte code, deck cache, database created
        ours, floor, other = paired(self.runs, run_ours, self.typer_floor)
        return Result(figure, ours, floor, TYPER_FLOOR, budget, note=note, other_ratio=other)

    @property
    def big(self) -> Path:
        """The generated 20,000-card deck."""
        if self._big is None:
            self._big = gen.write_deck(self.root / "big.yaml", 20_000)
        return self._big

    def yaml_floor(self) -> Sample:
        """In-process time of `yaml.load(f, CSafeLoader)` on the big deck."""
        import yaml

        def load() -> None:
            with open(self.big, "rb") as f:
                yaml.load(f, Loader=yaml.CSafeLoader)

        return in_process(load)

    @property
    def big100(self) -> Path:
        """A generated 100,000-card deck."""
        if self._big100 is None:
            self._big100 = gen.write_deck(self.root / "big100.yaml", 100_000)
        return self._big100

    @property
    def reviews_home(self) -> Path:
        """A home with the big deck in its deck folder and 200,000 reviews of its cards."""
        if self._reviews_home is None:
            home = self.home("reviews")
            (home / "decks").mkdir(exist_ok=True)
            shutil.copy(self.big, home / "decks" / "big.yaml")
            print("  writing 200,000 reviews through the store API (about a minute)…", file=sys.stderr)
            gen.write_reviews(home, gen.deck_keys(self.big), 200_000)
            self._reviews_home = home
        return self._reviews_home

    def answers(self) -> dict[str, float | None]:
        """2,000 answers in one piped session on the notes deck (bench_session.py), next to Anki
        answering as many in-process; medians of the runs, measured once for the four `answers-*` figures."""
        if self._answers is not None:
            return self._answers
        home = self.home("answers")
        deck = bench_session.notes_deck(self.root)
        env = child_env(home)
        argv = [*self.quiz, "study", str(deck), "--new", "20000", "--mode", "flip"]
        many = bench_session.session_input()
        expect = f"Studied {bench_session.ANSWERS} cards"
        print("  building a 20,000-note Anki collection…", file=sys.stderr)
        template = bench_session.anki_collection(self.root / "notes.anki2")
        run(argv, env, "q\n", expect="── ")  # warm-up: byte code, deck cache
        first: list[tuple[float, float, float]] = []
        after: list[tuple[float, float, float]] = []
        anki: list[tuple[float, float]] = []
        for i in range(self.runs):
            if template is not None and i % 2:
                anki.append(bench_session.anki_answers(template))
            bench_session.fresh_database(home)
            first.append(bench_session.launched(run, argv, env, "q\n", "── "))
            bench_session.fresh_database(home)
            after.append(bench_session.launched(run, argv, env, many, expect))
            if template is not None and not i % 2:
                anki.append(bench_session.anki_answers(template))
        n = bench_session.ANSWERS
        self._answers = {
            "cpu": statistics.median((a[0] - f[0]) / n for a, f in zip(after, first, strict=True)),
            "wall": statistics.median((a[2] - f[2]) / n for a, f in zip(after, first, strict=True)),
            "rss_first": statistics.median(f[1] for f in first),
            "rss_after": statistics.median(a[1] for a in after),
            "anki_cpu": statistics.median(x[0] for x in anki) if anki else None,
            "anki_wall": statistics.median(x[1] for x in anki) if anki else None,
        }
        return self._answers


ANSWERS_FIGURE = "20,000 notes, 2,000 answers in one session"
ANKI_FLOOR = "Anki answering in-process (get_queued_cards + answer_card)"


def fig_answers_cpu(b: Bench) -> Result:
    return Result(
        f"{ANSWERS_FIGURE}: CPU per answer",
        b.answers()["cpu"],
        None,
        "",
        0.003,
        note="(CPU of the session − CPU of the same command quitting at its first card) / 2,000; "
        "a third of the notes have a reverse card; --new 20000 --mode flip, a fresh database each run",
    )


def fig_answers_anki(b: Bench) -> Result:
    a = b.answers()
    if a["anki_cpu"] is None:
        return Result(f"{ANSWERS_FIGURE}: vs Anki", a["cpu"], None, "", None, note="anki is not installed: no floor")
    return Result(
        f"{ANSWERS_FIGURE}: vs Anki",
        a["cpu"],
        a["anki_cpu"],
        ANKI_FLOOR,
        8,
        other_ratio=a["wall"] / a["anki_wall"] if CLOCK == "cpu" else a["cpu"] / a["anki_cpu"],  # type: ignore[operator]
        note=f"the same notes in an Anki collection (FSRS on, siblings buried, {bench_session.ANKI_NEW_PER_DAY} new "
        "cards a day: Anki's largest limit), 2,000 answers; wall time per answer includes each commit's fsync",
    )


def fig_answers_memory(b: Bench) -> Result:
    return Result(f"{ANSWERS_FIGURE}: peak memory", b.answers()["rss_after"], None, "", 150, unit="MiB")


def fig_answers_growth(b: Bench) -> Result:
    a = b.answers()
    return Result(
        f"{ANSWERS_FIGURE}: peak memory vs first card",
        a["rss_after"],
        a["rss_first"],
        "peak memory of the same command quitting at its first card",
        1.3,
        unit="MiB",
    )


# -- history, the daily check, stats --json and 100,000 cards (issue 16) -------------------------------


def _deck_home(b: Bench, name: str, deck: Path) -> Path:
    """A home with `deck` in its deck folder and no answers."""
    home = b.home(name)
    (home / "decks").mkdir(exist_ok=True)
    shutil.copy(deck, home / "decks" / deck.name)
    return home


def _million_home(b: Bench) -> Path:
    """A copy of the 200,000-review home whose log is grown to 1,000,000 answers with SQL (gen.grow_log)."""
    home = b.root / "million"
    if not home.exists():
        shutil.copytree(b.reviews_home, home, ignore=shutil.ignore_patterns("backups", "cache"))
        print("  growing the log to 1,000,000 answers with SQL…", file=sys.stderr)
        gen.grow_log(home, 1_000_000)
    return home


STUDY_BIG = ["study", gen.DECK_ID, "--mode", "flip"]  # the big deck, by its id in the deck folder


def _first_card_with_history(b: Bench, figure: str, home: Path) -> Result:
    """The first card of the big deck with a long review log against the same deck with none (both after
    a warm-up run, which also makes the day's backup: this is not a day's first command)."""
    none = child_env(_deck_home(b, "no-history", b.big))
    env = child_env(home)
    argv = b.quiz + STUDY_BIG
    run(argv, env, "q\n", expect="── ")
    run(argv, none, "q\n", expect="── ")
    ours, floor, other = paired(
        b.runs, lambda: run(argv, env, "q\n", expect="── "), lambda: run(argv, none, "q\n", expect="── ")
    )
    return Result(figure, ours, floor, "the same deck, no answers", 1.5, other_ratio=other)


def fig_history_200k(b: Bench) -> Result:
    return _first_card_with_history(b, "200,000 reviews: quiz study, first card", b.reviews_home)


def fig_history_1m(b: Bench) -> Result:
    return _first_card_with_history(b, "1,000,000 reviews: quiz study, first card", _million_home(b))


def _a_day_passes(home: Path) -> None:
    """Every file in the backup folder one day older: the next command is the day's first."""
    for path in (home / "backups").iterdir():
        st = path.stat()
        os.utime(path, (st.st_atime - 86_400, st.st_mtime - 86_400))


def fig_first_of_day(b: Bench) -> Result:
    """The first `quiz study` of a day (daily check, no copy due) against the second, 1,000,000 answers."""
    home = _million_home(b)
    env = child_env(home)
    argv = b.quiz + STUDY_BIG
    run(argv, env, "q\n", expect="── ")  # the checked copy: the log has no record of one yet

    def first() -> Sample:
        _a_day_passes(home)
        return run(argv, env, "q\n", expect="── ")

    ours, floor, other = paired(b.runs, first, lambda: run(argv, env, "q\n", expect="── "))
    return Result(
        "1,000,000 reviews: first command of a day",
        ours,
        floor,
        "the day's second command",
        1.5,
        other_ratio=other,
        note="no checked copy due (see the next row)",
    )


def fig_copy_day(b: Bench) -> Result:
    """A day's first command that makes a checked copy (quick_check + backup of the whole file)."""
    home = _million_home(b)
    env = child_env(home)
    argv = b.quiz + STUDY_BIG

    def copy_day() -> Sample:
        shutil.rmtree(home / "backups", ignore_errors=True)
        return run(argv, env, "q\n", expect="── ")

    ours, floor, other = paired(b.runs, copy_day, lambda: run(argv, env, "q\n", expect="── "))
    return Result(
        "1,000,000 reviews: a day with a checked copy",
        ours,
        floor,
        "the day's second command",
        None,
        other_ratio=other,
        note="when the log grew by a sixteenth, or changed in a week: 165 MB checked and copied",
    )


# The encoder `quiz stats --json` had before issue 16: indent=2 (the json module's pure-Python encoder)
# and a regex pass over the whole text.
OLD_JSON = """import json, sys
from dense1x1quiz import cli
from dense1x1quiz.text import json_safe
cli._print_json = lambda document, indent=2: sys.stdout.write(
    json_safe(json.dumps(document, ensure_ascii=False, indent=2)) + "\\n")
sys.exit(cli.run(sys.argv[1:]))
"""
NEW_JSON = "import sys\nfrom dense1x1quiz import cli\nsys.exit(cli.run(sys.argv[1:]))\n"


def fig_stats_json(b: Bench) -> Result:
    """`quiz stats --json` of 100,000 cards against the same command with the encoder it had before."""
    deck = b.big100
    env = child_env(b.home("stats-json"))
    args = ["stats", str(deck), "--json"]
    ours = [sys.executable, "-c", NEW_JSON, *args]
    before = [sys.executable, "-c", OLD_JSON, *args]
    run(ours, env, expect='"reviews"')  # parses the deck, fills the cache
    mine, floor, other = paired(
        b.runs, lambda: run(ours, env, expect='"reviews"'), lambda: run(before, env, expect='"reviews"')
    )
    return Result(
        "100,000 cards: quiz stats --json", mine, floor, "the same, with the indent=2 encoder", 0.5, other_ratio=other
    )


def fig_warm_100k(b: Bench) -> Result:
    """The first card of a 100,000-card deck, cached (warm start): seconds, no floor."""
    env = child_env(b.home("warm-100k"))
    argv = b.quiz + ["study", str(b.big100), "--mode", "flip"]
    run(argv, env, "q\n", expect="── ")
    samples = [run(argv, env, "q\n", expect="── ") for _ in range(b.runs)]
    other = "wall" if CLOCK == "cpu" else "cpu"
    other_s = statistics.median(getattr(x, other) for x in samples)
    return Result(
        "100,000 cards: quiz study, first card, cached",
        statistics.median(getattr(x, CLOCK) for x in samples),
        None,
        "",
        0.5,
        note=f"a budget in seconds (no floor); median {other} time {other_s:.2f} s",
    )


def first_card(argv: list[str], env: dict[str, str]) -> tuple[Sample, Sample]:
    """Run `quiz study` with stdin held open: (time until its first card was printed, time of the whole
    run once it is told `q`). CPU time until the card is read from /proc (Linux); elsewhere wall time."""
    pipe = subprocess.PIPE
    with subprocess.Popen(argv, stdin=pipe, stdout=pipe, stderr=subprocess.DEVNULL, env=env) as child:
        start = time.perf_counter()
        assert child.stdout is not None and child.stdin is not None
        while "── ".encode() not in (line := child.stdout.readline()):
            if not line:
                raise Failure(f"`quiz study` printed no card (exit {child.wait()})")
        wall = time.perf_counter() - start
        try:
            fields = Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()
            cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
        except (OSError, ValueError, IndexError):  # pragma: no cover - not Linux
            cpu = wall
        child.stdin.write(b"q\n")
        child.stdin.close()
        child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        total = Sample(time.perf_counter() - start, usage.ru_utime + usage.ru_stime)
    return Sample(wall, cpu), total


def fig_cold_100k(b: Bench) -> Result:
    """The first card of a 100,000-card deck on a first run (the deck cache emptied before each run):
    parsed, checked, shown; the cache entry is written after the card is on the screen (information)."""
    home = b.home("cold-100k")
    env = child_env(home)
    argv = b.quiz + ["study", str(b.big100), "--mode", "flip"]
    samples = []
    for _ in range(b.runs):
        shutil.rmtree(home / "cache", ignore_errors=True)
        samples.append(first_card(argv, env))
    other = "wall" if CLOCK == "cpu" else "cpu"
    whole = statistics.median(getattr(t, CLOCK) for _, t in samples)
    return Result(
        "100,000 cards: quiz study, first card, first run",
        statistics.median(getattr(s, CLOCK) for s, _ in samples),
        None,
        "",
        None,
        note=f"until the card is printed; median {other} time to it "
        f"{statistics.median(getattr(s, other) for s, _ in samples):.2f} s; the whole run (the cache entry "
        f"written after the card) {whole:.2f} s {CLOCK}",
    )


def fig_help(b: Bench) -> Result:
    return b.against_typer("quiz --help", ["--help"], 1.3, b.home("builtin"), expect="Usage")


def fig_study(b: Bench) -> Result:
    return b.against_typer(
        "quiz study: first card, built-in decks",
        ["study", "--mode", "flip"],
        1.6,
        b.home("builtin"),
        stdin="q\n",
        expect="── ",
    )


def fig_decks(b: Bench) -> Result:
    return b.against_typer("quiz decks", ["decks"], 1.6, b.home("builtin"), expect="dense-vs-1x1")


def fig_stats(b: Bench) -> Result:
    return b.against_typer("quiz stats", ["stats"], 1.6, b.home("builtin"))


def fig_cards(b: Bench) -> Result:
    """`quiz cards`: every built-in card with its state, marks and prompt as shown (issue 15)."""
    return b.against_typer("quiz cards", ["cards"], 2.0, b.home("builtin"), expect="dense-vs-1x1")


def fig_big_cards(b: Bench) -> Result:
    """`quiz cards --due` over the 20,000-card deck with 200,000 answers: every card's row read, filtered."""
    env = child_env(b.reviews_home)
    argv = b.quiz + ["cards", "big", "--due", "--json"]
    run(argv, env, expect="[")  # the first run fills the deck cache
    ours, floor, other = paired(b.runs, lambda: run(argv, env, expect="["), b.yaml_floor)
    return Result("200,000 reviews: quiz cards --due --json", ours, floor, YAML_FLOOR, 0.3, other_ratio=other)


def fig_validate(b: Bench) -> Result:
    decks = sorted(str(p) for p in (ROOT / "decks").glob("*.yaml"))
    return b.against_typer("quiz validate decks/*.yaml", ["validate", *decks], 1.6, b.home("builtin"), expect="OK")


def fig_validate_uncached(b: Bench) -> Result:
    """`quiz validate` of files it has not seen: the deck cache is emptied before every run."""
    decks = sorted(str(p) for p in (ROOT / "decks").glob("*.yaml"))
    home = b.home("validate-uncached")
    return b.against_typer(
        "quiz validate decks/*.yaml, not cached",
        ["validate", *decks],
        None,
        home,
        expect="OK",
        before=lambda: shutil.rmtree(home / "cache", ignore_errors=True),
        note="no budget (the issue's is for the built-in decks, cached after a first run); "
        "the deck cache is emptied before each run: it parses, checks, writes the cache",
    )


def fig_big_validate(b: Bench) -> Result:
    """The first `quiz validate` of the big deck: parsed, checked and written to the cache (emptied before each run)."""
    home = b.home("big-validate")
    env = child_env(home)
    argv = b.quiz + ["validate", str(b.big)]

    def first_validate() -> Sample:
        shutil.rmtree(home / "cache", ignore_errors=True)
        return run(argv, env, expect="20,000 cards")

    first_validate()
    ours, floor, other = paired(b.runs, first_validate, b.yaml_floor)
    return Result(
        "20,000 cards: quiz validate, not cached",
        ours,
        floor,
        YAML_FLOOR,
        1.5,
        other_ratio=other,
        note="the deck cache emptied before each run",
    )


def fig_big_study(b: Bench) -> Result:
    env = child_env(b.home("big"))
    argv = b.quiz + ["study", str(b.big), "--mode", "flip"]
    run(argv, env, "q\n", expect="── ")  # the first run parses the deck and fills the cache
    ours, floor, other = paired(b.runs, lambda: run(argv, env, "q\n", expect="── "), b.yaml_floor)
    return Result("20,000 cards: quiz study, first card, cached", ours, floor, YAML_FLOOR, 0.2, other_ratio=other)


# Linux counts in a child's peak memory the peak of the process it was forked from (the high-water
# mark survives exec), and this process holds the big deck parsed in-process for the floors. So
# the command is started by a small launcher, and the launcher reports its child's peak.
LAUNCHER = bench_session.LAUNCHER  # reports "maxrss cpu status"; only the peak is read here


def peak_memory(argv: list[str], env: dict[str, str], stdin: str, expect: str) -> float:
    """The peak memory (ru_maxrss) in MiB of `argv`, started from a small launcher process."""
    if not hasattr(os, "fork") or not hasattr(os, "wait4"):
        raise Failure("this platform does not report a child's peak memory")
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "rusage"
        run([sys.executable, "-c", LAUNCHER, str(report), *argv], env, stdin, expect)
        maxrss = int(report.read_text().split()[0])
    return maxrss / (1024 if sys.platform != "darwin" else 1024 * 1024)


def _study_memory(b: Bench, cold: bool) -> float:
    home = b.home("memory")
    env = child_env(home)
    argv = [*b.quiz, "study", str(b.big), "--mode", "flip"]
    run(argv, env, "q\n", expect="── ")
    peaks = []
    for _ in range(b.runs):
        if cold:
            shutil.rmtree(home / "cache", ignore_errors=True)
        peaks.append(peak_memory(argv, env, "q\n", expect="── "))
    return statistics.median(peaks)


def fig_memory_cold(b: Bench) -> Result:
    return Result(
        "20,000 cards: quiz study peak memory, first run",
        _study_memory(b, cold=True),
        None,
        "",
        150,
        unit="MiB",
        note="parses the deck, writes the cache",
    )


def fig_memory_cached(b: Bench) -> Result:
    return Result(
        "20,000 cards: quiz study peak memory, cached", _study_memory(b, cold=False), None, "", 150, unit="MiB"
    )


def fig_stats_reviews(b: Bench) -> Result:
    return b.against_typer(
        "200,000 reviews: quiz stats", ["stats"], 3.0, b.reviews_home, note="the 20,000-card deck in the deck folder"
    )


def fig_conv(b: Bench) -> Result:
    """conv1x1 against numpy.matmul of the same product, in-process (float32, 8×256×56×56 → 512)."""
    import numpy as np

    from dense1x1quiz.ops import conv1x1

    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 256, 56, 56), dtype=np.float32)
    w = rng.standard_normal((512, 256, 1, 1), dtype=np.float32)
    w2 = w.reshape(512, 256)

    in_process(lambda: conv1x1(x, w))
    ours, floor, other = paired(
        max(b.runs, 7),
        lambda: in_process(lambda: conv1x1(x, w)),
        lambda: in_process(lambda: np.matmul(w2, x.reshape(8, 256, 56 * 56))),
    )
    return Result(
        "conv1x1, 8×256×56×56 → 512 channels", ours, floor, "numpy.matmul, same product", 1.3, other_ratio=other
    )


def fig_grade(b: Bench) -> Result:
    """Grading 1,000 typed answers by meaning (`answers.grade`: formulas, numbers, calls, shapes parsed)
    against the text compare it replaced (folded text equal to an accepted answer), in-process. The
    built-in decks' typed and cloze answers, each typed as written, as shown and with a slip."""
    from dense1x1quiz import answers
    from dense1x1quiz.deck import load_deck
    from dense1x1quiz.text import display

    cards = [c for p in sorted((ROOT / "decks").glob("*.yaml")) for c in load_deck(p).cards]
    asked = [c for c in cards if c.kind in ("typed", "cloze")]
    typed = [(form, [c.answer, *c.accept]) for c in asked for form in (c.answer, display(c.answer), c.answer + "1")]
    work = (typed * (1000 // len(typed) + 1))[:1000]

    def ours() -> None:
        for given, accepted in work:
            answers.grade(given, accepted)

    def old() -> None:  # the floor: fold both sides and compare
        for given, accepted in work:
            folded = answers.fold(given)
            any(folded == answers.fold(a) for a in accepted)

    ours()  # imports and regex compilation are not what is measured
    result, floor, other = paired(max(b.runs, 5), lambda: in_process(ours), lambda: in_process(old))
    return Result(
        "grade 1,000 typed answers by meaning",
        result,
        floor,
        "folded-text compare, same answers",
        None,
        note=f"{result * 1000:.0f} µs an answer" if result else "",
        other_ratio=other,
    )


def fig_anki_import(b: Bench) -> Result | None:
    """`quiz import` of a 20,000-note Anki package with 200,000 reviews (decks and history, a fresh home each
    run) against Anki's own import of it into an empty collection, in-process (benchmarks/bench_anki.py)."""
    import bench_anki

    if not bench_anki.anki_installed():
        print("  anki-import: skipped: the anki package is not installed (pip install anki)", file=sys.stderr)
        return None
    print("  building the Anki package with Anki's backend (20,000 notes, 200,000 reviews)…", file=sys.stderr)
    apkg = bench_anki.package(b.root / "anki")
    home = b.root / "anki-import-home"
    argv = b.quiz + ["import", str(apkg), "-o", str(home / "decks")]

    def ours() -> Sample:
        shutil.rmtree(home, ignore_errors=True)
        return run(argv, child_env(home), expect="200,000 new reviews")

    def anki() -> Sample:
        return Sample(*bench_anki.anki_import(apkg, b.root / "anki-import-floor"))

    ours()
    mine, floor, other = paired(b.runs, ours, anki)
    return Result(
        "Anki package, 20,000 notes, 200,000 reviews: quiz import",
        mine,
        floor,
        "Anki's import_anki_package, in-process",
        5.0,
        other_ratio=other,
        note="decks written and every review imported and replayed, in a fresh home each run",
    )


def fig_choice(b: Bench) -> Result:
    """The options of every built-in card in `quiz study --mode choice`, a session's worth from cold
    (`choices.OptionPool` built, `choice_options` per card: candidates of the answer's kind, each drawn
    one graded so that no second option is right; our caches cleared before each run) against the
    draw it replaced: three other answers of the card's deck at random, nothing graded."""
    import random

    from dense1x1quiz import choices
    from dense1x1quiz.deck import load_deck

    cards = [c for p in sorted((ROOT / "decks").glob("*.yaml")) for c in load_deck(p).cards]

    def ours() -> None:
        for cached in (choices._accepts, choices.rough_kind, choices._fold):
            cached.cache_clear()
        pool, rng = choices.OptionPool(cards), random.Random(0)
        for card in cards:
            choices.choice_options(card, rng, pool)

    def floor() -> None:
        rng, by_deck = random.Random(0), {}
        for card in cards:
            by_deck.setdefault(card.deck, []).append(card.answer)
        for card in cards:
            options = [card.answer, *rng.sample([a for a in by_deck[card.deck] if a != card.answer], 3)]
            rng.shuffle(options)

    ours()  # imports and regex compilation are not what is measured
    result, base, other = paired(max(b.runs, 5), lambda: in_process(ours), lambda: in_process(floor))
    return Result(
        f"choice options for all {len(cards)} built-in cards, cold",
        result,
        base,
        "3 random answers of the deck, ungraded",
        None,
        note=f"{result / len(cards) * 1000:.1f} ms a card" if result else "",
        other_ratio=other,
    )


def fig_import_notes(b: Bench) -> Result:
    """`quiz import` of a 4 MiB notes file (read, parse, cards, deck written and validated), in-process,
    against markdown-it-py's parse of the same text alone (CommonMark + tables, inline parsing included)."""
    from bench_authoring import mixed_notes
    from markdown_it import MarkdownIt

    from dense1x1quiz.authoring.import_deck import import_to_deck

    os.environ["DENSE1X1QUIZ_HOME"] = str(b.home("import"))
    notes = b.root / "lecture.md"
    notes.write_text(mixed_notes(4 * 1024 * 1024 - 64))
    text = notes.read_text()
    deck = b.root / "lecture.yaml"
    parser = MarkdownIt("commonmark").enable("table")

    def ours() -> Sample:
        deck.unlink(missing_ok=True)
        return in_process(lambda: import_to_deck(notes, deck, deck_id="lecture"))

    ours()  # warm-up: imports, caches
    mine, floor, other = paired(max(b.runs, 5), ours, lambda: in_process(lambda: parser.parse(text)))
    return Result("quiz import, 4 MiB of notes", mine, floor, "markdown-it-py parse, same text", 5.0, other_ratio=other)


FIGURES: dict[str, tuple[Callable[[Bench], Result | None], bool]] = {  # name → (figure, needs generated data)
    "help": (fig_help, False),
    "study": (fig_study, False),
    "decks": (fig_decks, False),
    "stats": (fig_stats, False),
    "validate": (fig_validate, False),
    "cards": (fig_cards, False),
    "big-cards": (fig_big_cards, True),
    "validate-uncached": (fig_validate_uncached, False),
    "big-validate": (fig_big_validate, True),
    "big-study": (fig_big_study, True),
    "memory": (fig_memory_cold, True),
    "memory-cached": (fig_memory_cached, True),
    "stats-reviews": (fig_stats_reviews, True),
    "conv": (fig_conv, False),
    "grade": (fig_grade, False),
    "anki-import": (fig_anki_import, True),
    "answers-cpu": (fig_answers_cpu, True),
    "answers-anki": (fig_answers_anki, True),
    "answers-memory": (fig_answers_memory, True),
    "answers-growth": (fig_answers_growth, True),
    "choice": (fig_choice, False),
    "history-200k": (fig_history_200k, True),
    "history-1m": (fig_history_1m, True),
    "first-of-day": (fig_first_of_day, True),
    "copy-day": (fig_copy_day, True),
    "stats-json": (fig_stats_json, True),
    "warm-100k": (fig_warm_100k, True),
    "import-notes": (fig_import_notes, False),
    "cold-100k": (fig_cold_100k, True),
}


# -- the table ----------------------------------------------------------------------------------


def _amount(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "MiB":
        return f"{value:.0f} MiB"
    return f"{value * 1000:.0f} ms" if value >= 0.01 else f"{value * 1000:.2f} ms"


def table(results: list[Result]) -> str:
    other = "wall" if CLOCK == "cpu" else "cpu"
    rows = [("figure", f"ours ({CLOCK})", "floor", "ratio", "budget", "", f"{other} ratio")]
    for r in results:
        budget = (
            "—"
            if r.budget is None or (r.ours is None and not r.budget)
            else f"≤ {r.budget:g}×"
            if r.floor_name
            else f"≤ {r.budget:g} MiB"
            if r.unit == "MiB"
            else f"≤ {_amount(r.budget, r.unit)}"
        )
        ratio = "—" if r.ratio is None else f"{r.ratio:.2f}×"
        verdict = (
            "info"
            if r.budget is None and r.ours is not None
            else "pass"
            if r.passed
            else ("ERROR" if r.ours is None else "MISS")
        )
        rows.append(
            (
                r.figure,
                _amount(r.ours, r.unit),
                _amount(r.floor, r.unit) if r.floor else "—",
                ratio,
                budget,
                verdict,
                "" if r.other_ratio is None else f"{r.other_ratio:.2f}×",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:5], widths[1:5], strict=True)]
        cells += [row[5].ljust(widths[5]), row[6].rjust(widths[6])]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    floors = sorted({r.floor_name for r in results if r.floor_name})
    notes = [f"{r.figure}: {r.note}" for r in results if r.note]
    return "\n".join(lines + [""] + [f"floor: {f}" for f in floors] + [f"note: {n}" for n in notes])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure dense1x1quiz against its performance budgets.")
    parser.add_argument("--quick", action="store_true", help="only the figures that need no generated data")
    parser.add_argument("--only", help=f"comma-separated figures: {', '.join(FIGURES)}")
    parser.add_argument("--runs", type=int, default=9, help="runs per figure (at least 5; default 9)")
    parser.add_argument(
        "--clock",
        choices=("cpu", "wall"),
        default="cpu",
        help="time the ratios use: CPU time (user + system, default) or wall-clock time",
    )
    args = parser.parse_args(argv)
    global CLOCK
    CLOCK = args.clock
    runs = max(5, args.runs)
    names = list(FIGURES)
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = [n for n in names if n not in FIGURES]
        if unknown:
            parser.error(f"unknown figure {', '.join(unknown)} (figures: {', '.join(FIGURES)})")
    if args.quick:
        names = [n for n in names if not FIGURES[n][1]]

    print(
        f"dense1x1quiz benchmarks: {runs} runs per figure, medians of {CLOCK} time; python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs",
        file=sys.stderr,
    )
    results = []
    global PYCACHE
    with tempfile.TemporaryDirectory(prefix="quiz-bench-") as folder:
        PYCACHE = Path(folder) / "pycache"
        bench = Bench(Path(folder), runs)
        for name in names:
            figure = FIGURES[name][0]
            print(f"  {name}…", file=sys.stderr)
            try:
                result = figure(bench)
                if result is not None:  # None: skipped, and the figure said why
                    results.append(result)
            except Failure as exc:
                print(f"  {name}: {exc}", file=sys.stderr)
                results.append(Result(name, None, None, "", 0, note=f"error: {exc}"))
    print(table(results))
    budgeted = [r for r in results if r.budget is not None or r.ours is None]
    missed = [r.figure for r in budgeted if not r.passed]
    print(
        f"\n{len(budgeted) - len(missed)} of {len(budgeted)} budgets met"
        + (f"; MISSED: {', '.join(missed)}" if missed else ".")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
