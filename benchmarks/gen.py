"""Generated data for the benchmarks: a big deck and a big review log.

    python benchmarks/gen.py deck OUT.yaml [--cards 20000]
    python benchmarks/gen.py reviews HOME --deck DECK.yaml [--reviews 200000]
    python benchmarks/gen.py notes OUT.yaml [--notes 20000]

The deck mixes every card kind the way a real imported collection does (basic with and without
reverse, typed, choice, cloze, tables, tags, LaTeX, demo links) and yields exactly `cards` study
cards. The reviews are written through the real store API (`Store.record_review`), so the database
is what a user who answered that many times would have.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

DECK_ID = "big"


def _q(text: str) -> str:
    """A double-quoted YAML scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def deck_yaml(cards: int = 20_000, deck_id: str = DECK_ID) -> str:
    """A valid deck of exactly `cards` study cards (the last few filled with basic cards)."""
    out = [
        f"deck: {deck_id}",
        "title: Generated benchmark deck",
        "description: Every card kind, many times over.",
        "tags: [generated]",
    ]
    made = 0
    # Tables (one per 2,000 cards): 3 value columns → per row 3 cell cards + 3 "which column" cards.
    tables = cards // 2000
    out += ["tables:"] if tables else []
    for t in range(tables):
        out += [
            f"  - id: table{t}",
            f"    title: Layer comparison {t}",
            "    columns: [Layer, Params, MACs, Output]",
            "    rows:",
        ]
        for r in range(20):
            out.append(f"      - [layer {t}-{r}, {r * 64 + t} weights, {r * 4096 + 7} MACs, {r + 1}×{r + 1}×{64 + t}]")
            made += 6
    out.append("cards:")
    i = 0
    while made < cards:
        kind = i % 5
        left = cards - made
        if kind == 0 and left >= 2:
            front = "What does a $1 \\times 1$ conv with " + str(i) + " filters keep?"
            out += [
                f"  - id: b{i}",
                f"    front: {_q(front)}",
                "    back: The spatial size $H \\times W$; only channels change.",
                "    reverse: true",
                "    tags: [shape, basic]",
            ]
            made += 2
        elif kind == 1:
            out += [
                f"  - id: t{i}",
                f"    front: Output shape of card {i} for a 56×56×64 input and 128 filters?",
                f"    answer: 56×56×{128 + i % 7}",
                f"    accept: [56x56x{128 + i % 7}, 56 x 56 x {128 + i % 7}]",
                "    explain: A 1×1 conv keeps H and W.",
                "    source: He et al. 2015",
            ]
            made += 1
        elif kind == 2:
            out += [
                f"  - id: c{i}",
                f"    front: How many weights does case {i} have?",
                f"    options: ['{i}', '{i + 1}', '{i + 2}', No]",
                f"    answer: '{i + 1}'",
                "    demo: {name: shapes, cin: 64, cout: 128}",
            ]
            made += 1
        elif kind == 3:
            cloze = "A 1×1 conv from " + str(i) + " to 2 channels has {{c1::" + str(2 * i) + "::weights}} weights"
            out += [f"  - id: z{i}", f"    cloze: {_q(cloze)}", "    tags: [cloze]"]
            made += 1
        else:
            out += [
                f"  - id: b{i}",
                f"    front: Card {i} — is a 1×1 conv a dense layer per pixel?",
                "    back: Yes — the same weights at every pixel.",
            ]
            made += 1
        i += 1
    return "\n".join(out) + "\n"


def notes_yaml(notes: int = 20_000, deck_id: str = "notes") -> str:
    """A deck of `notes` basic notes, every third with `reverse: true` (so 4/3 as many cards): the
    siblings a long study session buries as it goes."""
    out = [f"deck: {deck_id}", "title: Generated notes deck", "cards:"]
    for i in range(notes):
        out += [f"  - id: n{i}", f"    front: Note {i}, what does a 1×1 conv with {i} filters keep?"]
        out += ["    back: The spatial size H × W; only channels change."]
        if i % 3 == 0:
            out.append("    reverse: true")
    return "\n".join(out) + "\n"


def write_deck(path: Path, cards: int = 20_000) -> Path:
    path.write_text(deck_yaml(cards), encoding="utf-8")
    return path


def write_reviews(
    home: Path,
    keys: list[tuple[str, str]],
    reviews: int = 200_000,
    start: datetime | None = None,
    progress: bool = False,
) -> int:
    """Answer `reviews` times, cycling over the cards `keys`, two minutes apart, through the real
    store API (`Store.record_review`: one transaction per answer, states computed by the scheduler).

    Only durability is relaxed (`PRAGMA synchronous = OFF` on this connection): generated data does
    not need to survive a power cut, and fsync per answer would make this take minutes.
    Returns the number of answers in the log."""
    from dense1x1quiz.store import Store

    start = start or datetime(2025, 1, 1, tzinfo=timezone.utc)
    ratings = (1, 3, 3, 3, 2, 3, 3, 4, 3, 3)  # mostly good, some again, hard and easy
    with Store.open(home) as store:
        store._db.execute("PRAGMA synchronous = OFF")  # see the docstring
        scheduler = store.scheduler(fuzz=False)
        for n in range(reviews):
            store.record_review(
                keys[n % len(keys)],
                ratings[n % len(ratings)],
                start + timedelta(minutes=2 * n),
                mode="flip",
                duration_ms=3000 + n % 5000,
                session_id=f"gen-{n // 50}",
                scheduler=scheduler,
            )
            if progress and n and n % 20_000 == 0:
                print(f"  {n:,} reviews written", file=sys.stderr)
        return store.review_count()


def grow_log(home: Path, reviews: int) -> int:
    """Make the review log of `home` hold `reviews` answers by repeating it, with SQL, further in the past
    (each copy shifted back by the log's span, sessions renamed): seconds, not the hour that answering a
    million times through the store API takes. The card states stay as they were (the newest answers);
    only the log's length changes. Returns the number of answers in the log."""
    import sqlite3

    db = sqlite3.connect(home / "quiz.sqlite3")
    try:
        first, last, count = db.execute("SELECT MIN(at_ms), MAX(at_ms), COUNT(*) FROM reviews").fetchone()
        span = last - first + 60_000
        columns = "deck, card, at_ms, rating, state_before, mode, duration_ms, typed, session, retention, fuzz, prev_ms"
        db.execute("PRAGMA synchronous = OFF")
        with db:
            for k in range(1, -(-reviews // count)):
                shift = k * span
                db.execute(
                    f"INSERT INTO reviews ({columns}) SELECT deck, card, at_ms - ?, rating, state_before, mode, "
                    "duration_ms, typed, ? || session, retention, fuzz, prev_ms - ? FROM reviews "
                    "WHERE id <= ? ORDER BY id LIMIT ?",
                    (shift, f"past{k}-", shift, count, reviews - k * count),
                )
        return int(db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0])
    finally:
        db.close()


def deck_keys(path: Path, most: int = 5_000) -> list[tuple[str, str]]:
    """The keys of the first `most` cards of the deck at `path`."""
    from dense1x1quiz.deck import load_deck

    return [card.key for card in load_deck(path).cards[:most]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    d = sub.add_parser("deck")
    d.add_argument("out", type=Path)
    d.add_argument("--cards", type=int, default=20_000)
    n = sub.add_parser("notes")
    n.add_argument("out", type=Path)
    n.add_argument("--notes", type=int, default=20_000)
    r = sub.add_parser("reviews")
    r.add_argument("home", type=Path)
    r.add_argument("--reviews", type=int, default=200_000)
    r.add_argument("--deck", type=Path, required=True, help="the deck whose cards are answered")
    args = parser.parse_args(argv)
    if args.what == "deck":
        write_deck(args.out, args.cards)
        print(f"wrote {args.out}")
    elif args.what == "notes":
        args.out.write_text(notes_yaml(args.notes), encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        count = write_reviews(args.home, deck_keys(args.deck), args.reviews, progress=True)
        print(f"{count:,} reviews in {args.home}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
