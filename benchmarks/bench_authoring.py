"""Speed of `quiz import` on big notes against a floor measured in the same run.

    python benchmarks/bench_authoring.py [--cards 2000] [--runs 5]

Notes with --cards Q/A pairs are imported (1) into a new deck, (2) again unchanged, (3) again with
every question and answer edited, which sends every card through the similarity pass. The floor is loading
and validating the written deck file once (`check_deck`), which every import also does. Each figure
is the median of --runs timed runs, alternating with the floor so other load hits both alike.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

WORDS = (
    "dense layer convolution kernel channel pixel spatial tensor weight bias matrix vector output "
    "input shape stride padding feature map bottleneck depthwise pointwise"
).split()


def notes(cards: int, seed: int, edited: bool = False) -> str:
    rng = random.Random(seed)
    lines = ["# Benchmark notes", ""]
    for i in range(cards):
        question = " ".join(rng.choice(WORDS) for _ in range(8))
        answer = " ".join(rng.choice(WORDS) for _ in range(12))
        mark = " (edited)" if edited else ""
        lines += [f"Q: {question} {i}{mark}?", f"A: {answer}{mark}", ""]
    return "\n".join(lines)


def mixed_notes(size: int, seed: int = 1) -> str:
    """Lecture-style notes of about `size` bytes: headings over definitions and lists, Q/A pairs, tables,
    links, emphasis, math and code, as the importer meets them."""
    rng = random.Random(seed)
    words = lambda n: " ".join(rng.choice(WORDS) for _ in range(n))  # noqa: E731
    parts, total, i = ["# Lecture notes", ""], 0, 0
    while total < size:
        i += 1
        section = [
            f"## {words(3)} {i}",
            "",
            f"A **{words(2)}** is {words(10)} with *{words(2)}* and $C_{{in}} \\times {i}$, see [the paper](https://example.org/{i}).",
            "",
            f"- {words(5)}",
            f"- {words(6)}",
            f"  1. {words(4)}",
            "",
            f"**Q{i}. {words(7)}?**",
            f"A. {words(9)}",
            "",
            f"| {words(1)} | {words(1)} |",
            "|---|---|",
            f"| {words(2)} {i} | {words(3)} |",
            f"| {words(2)} {i + 1} | {words(3)} |",
            "",
            "```python",
            f"x = conv({i})",
            "```",
            "",
        ]
        chunk = "\n".join(section) + "\n"
        total += len(chunk.encode())
        parts.append(chunk)
    return "\n".join(parts)[:size]


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (median; at least 5)")
    args = parser.parse_args()
    runs = max(5, args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DENSE1X1QUIZ_HOME"] = tmp
        from dense1x1quiz.authoring.import_deck import import_to_deck
        from dense1x1quiz.deck import check_deck

        original, edited = Path(tmp, "notes.md"), Path(tmp, "edited.md")
        original.write_text(notes(args.cards, 1))
        edited.write_text(notes(args.cards, 1, edited=True))
        deck = Path(tmp, "deck.yaml")
        import_to_deck(original, deck)  # warm-up, and a deck for the floor
        floor_times: list[float] = []
        figures = {}
        for name, setup, run in (
            ("new deck", lambda: deck.unlink(), lambda: import_to_deck(original, deck)),
            ("again, unchanged", lambda: None, lambda: import_to_deck(original, deck)),
            ("again, all edited", lambda: import_to_deck(original, deck), lambda: import_to_deck(edited, deck)),
        ):
            times = []
            for _ in range(runs):
                setup()
                times.append(timed(run))
                floor_times.append(timed(lambda: check_deck(deck)))
            figures[name] = statistics.median(times)
        floor = statistics.median(floor_times)
        print(
            f"{args.cards} cards; floor (validate the deck file once): {floor * 1000:.0f} ms, "
            f"median of {len(floor_times)}"
        )
        for name, seconds in figures.items():
            print(f"  import, {name:<18} {seconds * 1000:7.0f} ms  {seconds / floor:5.1f}× floor")
        import_to_deck(original, deck)
        result = import_to_deck(edited, deck)
        print(
            f"  all edited: {len(result.changes.changed)} kept their ids as changed, "
            f"{len(result.changes.added)} added, {len(result.changes.removed)} removed"
        )


if __name__ == "__main__":
    main()
