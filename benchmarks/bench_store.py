"""The review store at scale: `quiz stats` and the commit of one answer, against a floor.

    python benchmarks/bench_store.py [--cards 20000] [--reviews 200000] [--runs 5]

1. Generates a deck of --cards basic cards and --reviews answers spread over a year (through
   `Store.import_reviews`, which schedules each answer exactly as `record_review` does).
2. Times, alternately, the floor `python -c "import typer"`, `quiz stats DECK` and
   `quiz stats DECK --json` (after one untimed warm-up run: byte code, deck cache, daily backup).
3. Times `Store.record_review` on that database: one BEGIN IMMEDIATE transaction per answer,
   synchronous=FULL, i.e. what each answer of a study session costs before the next card shows.
Prints medians of --runs (at least 5) and each figure's ratio to the floor, in wall-clock time and
in CPU time (user + system; steadier on a machine shared with other work).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

END = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)  # "now" for the generated history
DECK = "bench"


def write_deck(path: Path, cards: int) -> None:
    lines = [f"deck: {DECK}", "title: Generated benchmark deck", "cards:"]
    lines += [
        f"  - {{id: c{i:05d}, front: 'Question {i}: $H \\times W \\times C$?', back: Answer {i}}}" for i in range(cards)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def answers(cards: int, total: int, rng: random.Random):
    """`total` answers over the past year, in time order: each card first seen on a random day, then
    at gaps that grow after a pass and shrink to 10 minutes after a fail (a study habit, not FSRS)."""
    out = []
    for i in range(cards):
        moment = END - timedelta(days=rng.uniform(1, 365))
        gap = timedelta(minutes=10)
        while moment < END:
            rating = rng.choices((1, 2, 3, 4), weights=(10, 10, 70, 10))[0]
            out.append((moment, (DECK, f"c{i:05d}"), rating, "flip", rng.randint(1500, 15000)))
            moment += gap * rng.uniform(0.7, 1.3)
            gap = min(max(gap * 1.8, timedelta(days=1)), timedelta(days=20)) if rating > 1 else timedelta(minutes=10)
    if len(out) > total:  # dropping answers at random keeps each card's history a valid history
        out = rng.sample(out, total)
    out.sort(key=lambda a: a[0])
    return [(key, rating, moment, mode, ms) for moment, key, rating, mode, ms in out]


def timed(cmd: list[str], env: dict) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds: user + system) of one run of `cmd`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed: {result.stderr.decode()}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=20_000)
    parser.add_argument("--reviews", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (median; at least 5)")
    args = parser.parse_args()
    runs = max(5, args.runs)

    from dense1x1quiz.scheduler import make_scheduler
    from dense1x1quiz.store import Store

    with tempfile.TemporaryDirectory(prefix="bench-store-") as folder:
        home, deck = Path(folder) / "home", Path(folder) / "bench.yaml"
        write_deck(deck, args.cards)
        generated = answers(args.cards, args.reviews, random.Random(0))
        start = time.perf_counter()
        with Store.open(home) as store:
            count = store.import_reviews(generated, make_scheduler())
        generation = time.perf_counter() - start
        size_mb = (home / "quiz.sqlite3").stat().st_size / 1e6

        # Byte code cached (outside the source tree) as for an installed package: with
        # PYTHONDONTWRITEBYTECODE every run would compile our modules, and only ours.
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
        env.update(
            DENSE1X1QUIZ_HOME=str(home),
            DENSE1X1QUIZ_NOW=END.isoformat(),
            NO_COLOR="1",
            XDG_CACHE_HOME=str(Path(folder) / "cache"),
            PYTHONPYCACHEPREFIX=str(Path(folder) / "pycache"),
        )
        quiz = [sys.executable, "-m", "dense1x1quiz"]
        commands = {
            "floor: python -c 'import typer'": [sys.executable, "-c", "import typer"],
            "quiz stats DECK": [*quiz, "stats", str(deck)],
            "quiz stats DECK --json": [*quiz, "stats", str(deck), "--json"],
        }
        for cmd in commands.values():  # warm-up: byte code, deck cache, daily backup
            timed(cmd, env)
        walls: dict[str, list[float]] = {name: [] for name in commands}
        cpus: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, cmd in commands.items():
                wall, cpu = timed(cmd, env)
                walls[name].append(wall)
                cpus[name].append(cpu)
        wall_medians = {name: statistics.median(values) for name, values in walls.items()}
        cpu_medians = {name: statistics.median(values) for name, values in cpus.items()}
        floor_name = "floor: python -c 'import typer'"

        commit_ms = []
        rng = random.Random(1)
        scheduler = make_scheduler()
        with Store.open(home) as store:
            moment = END
            for _ in range(max(101, 20 * runs)):
                key = (DECK, f"c{rng.randrange(args.cards):05d}")
                moment += timedelta(seconds=7)
                t0 = time.perf_counter()
                store.record_review(
                    key,
                    rng.choice((1, 3, 3, 3, 4)),
                    moment,
                    mode="flip",
                    duration_ms=5000,
                    session_id="bench",
                    scheduler=scheduler,
                )
                commit_ms.append((time.perf_counter() - t0) * 1000)
            assert store.integrity_check() == "ok"

    print(
        f"{args.cards:,} cards, {count:,} answers generated in {generation:.1f} s ({size_mb:.1f} MB); "
        f"median of {runs} alternating runs"
    )
    print(f"{'what':<34} {'wall':>9} {'× floor':>8} {'CPU':>9} {'× floor':>8}")
    for name in commands:
        wall, cpu = wall_medians[name], cpu_medians[name]
        print(
            f"{name:<34} {wall * 1000:>6.0f} ms {wall / wall_medians[floor_name]:>8.2f} "
            f"{cpu * 1000:>6.0f} ms {cpu / cpu_medians[floor_name]:>8.2f}"
        )
    median_commit = statistics.median(commit_ms)
    floor = wall_medians[floor_name]
    print(
        f"{'commit of one answer (in process)':<34} {median_commit:>6.1f} ms {median_commit / 1000 / floor:>8.3f}"
        f"   (p90 {statistics.quantiles(commit_ms, n=10)[-1]:.1f} ms over {len(commit_ms)} answers)"
    )


if __name__ == "__main__":
    main()
