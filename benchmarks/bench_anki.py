"""`quiz import` of a big Anki package against Anki's own import of the same package (issue 16's budget: ≤ 5×).

    python benchmarks/run.py --only anki-import     # the figure, with the others' conventions
    python benchmarks/bench_anki.py [--notes 20000] [--reviews 200000] [--runs 5]

The package is made by Anki's backend (the `anki` package, the test extra): a collection with --notes Basic
notes in one deck, --reviews revlog entries written into it by one SQL statement (ten answers per card at
growing gaps over the year before run.py's NOW: learn, then review, relearn after an Again), exported with
its scheduling. It is built once per folder and kept there (`package()`).

Ours: `quiz import PACKAGE -o FOLDER` as a user runs it, in a fresh home each run (decks written, then
200,000 answers imported and every card's state replayed). The floor: Anki's `import_anki_package` into an
empty collection, timed in-process (its Rust backend does the work; the collection is made before the
clock starts), so Python's start-up and imports count against ours only.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_MS = 1_727_769_600_000  # 2024-10-01T08:00:00Z: every answer falls before run.py's NOW (2025-10-15)
DAY_MS = 86_400_000


def anki_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("anki") is not None


def package(folder: Path, notes: int = 20_000, reviews: int = 200_000) -> Path:
    """The package (built by Anki once, then kept in `folder`): `notes` Basic notes, `reviews` answers."""
    path = folder / f"anki-{notes}-{reviews}.apkg"
    if path.exists():
        return path
    from anki.collection import AddNoteRequest, Collection, ExportAnkiPackageOptions
    from anki.decks import DeckId

    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="anki-bench-", dir=folder))
    col = Collection(str(work / "collection.anki2"))
    try:
        deck = DeckId(col.decks.id("Benchmark") or 0)
        basic, db = col.models.by_name("Basic"), col.db
        assert basic is not None and db is not None
        requests = []
        for i in range(notes):
            note = col.new_note(basic)
            note["Front"] = f"Question {i}: what does a 1×1 convolution do to H × W × C<sub>{i % 7}</sub>?"
            note["Back"] = f"Answer {i}: mixes channels per pixel<br>(a dense layer at each position)"
            requests.append(AddNoteRequest(note=note, deck_id=deck))
        col.add_notes(requests)
        per_card = max(1, reviews // notes)
        # Answer i of card n at BASE + n ms + (i(i+1)/2 × 3 days): unique ids (n < 20,000 ms < 3 days), gaps
        # growing from 3 to 27 days; about one Again in eleven (then a relearning Good), the rest Good/Easy.
        db.execute(
            f"""
            INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)
            WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < {per_card - 1}),
                 c(n, id) AS (SELECT ROW_NUMBER() OVER (ORDER BY id) - 1, id FROM cards)
            SELECT {BASE_MS} + c.n + k.i * (k.i + 1) / 2 * 3 * {DAY_MS}, c.id, -1,
                   CASE WHEN k.i > 0 AND (c.n + k.i) % 11 = 0 THEN 1 WHEN (c.n * 7 + k.i) % 5 = 0 THEN 4 ELSE 3 END,
                   k.i * 3, (k.i - 1) * 3, 2500, 2000 + (c.n * 37 + k.i * 101) % 20000,
                   CASE WHEN k.i = 0 THEN 0 WHEN (c.n + k.i - 1) % 11 = 0 AND k.i > 1 THEN 2 ELSE 1 END
            FROM c, k
            """
        )
        db.execute("UPDATE cards SET type = 2, queue = 2, ivl = 30, due = 400")
        partial = work / path.name
        col.export_anki_package(
            out_path=str(partial),
            options=ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True, with_media=True),
            limit=None,
        )
    finally:
        col.close()
    partial.replace(path)
    shutil.rmtree(work, ignore_errors=True)
    return path


def anki_import(apkg: Path, folder: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of Anki's own import of `apkg` into a new empty collection in `folder` (made untimed)."""
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    col = Collection(str(folder / "collection.anki2"))
    try:
        request = ImportAnkiPackageRequest(
            package_path=str(apkg), options=ImportAnkiPackageOptions(with_scheduling=True, merge_notetypes=True)
        )
        wall, cpu = time.perf_counter(), time.process_time()
        col.import_anki_package(request)
        return time.perf_counter() - wall, time.process_time() - cpu
    finally:
        col.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=20_000)
    parser.add_argument("--reviews", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="a folder to keep the package in between runs")
    args = parser.parse_args()
    if not anki_installed():
        sys.exit("bench_anki: the anki package is not installed (pip install anki): nothing to measure against")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import run

    with tempfile.TemporaryDirectory(prefix="quiz-bench-anki-") as folder:
        root = Path(folder)
        start = time.perf_counter()
        apkg = package(args.keep or root, args.notes, args.reviews)
        print(f"package: {apkg} ({apkg.stat().st_size / 1e6:.1f} MB, made in {time.perf_counter() - start:.0f} s)")
        ours, floor = [], []
        for _ in range(max(5, args.runs)):
            home = root / "home"
            shutil.rmtree(home, ignore_errors=True)
            sample = run.run([*run.quiz_command(), "import", str(apkg), "-o", str(home / "out")], run.child_env(home))
            ours.append(sample.cpu)
            floor.append(anki_import(apkg, root / "anki")[1])
        a, b = statistics.median(ours), statistics.median(floor)
        print(f"quiz import {a:.2f} s CPU, Anki's import {b:.2f} s CPU: {a / b:.2f}× (budget ≤ 5×)")


if __name__ == "__main__":
    main()
