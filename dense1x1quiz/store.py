"""The review database: SQLite at `<home>/quiz.sqlite3`. The only module with SQL.

What it guarantees:
- The review log (`reviews`) is append-only and is the truth; `card_states` is derived from it
  and can be rebuilt by replaying it (`rebuild_states`).
- Every answer is one `BEGIN IMMEDIATE` transaction, committed (WAL, synchronous=FULL) before
  `record_review` returns: a process killed afterwards keeps it; two processes on one home
  never lose or overwrite each other's answers (a busy timeout makes the second one wait).
- Schema versions live in `PRAGMA user_version`; migrations run in order, after a backup made
  with SQLite's backup API into `<home>/backups/`.
- A damaged database raises `StoreError` naming the file and the newest backup; it is never
  written to. A folder that cannot be written raises `StoreError` saying so.
- Before SQLite opens the database, the database and the files SQLite opens beside it by name
  (`-journal`, `-wal`, `-shm`) are looked at: anything but a regular file there is refused (a FIFO
  would block SQLite's open forever). A stored card state no answer can make (stability 0, an
  unknown state, a blob…) is damage: StoreError naming the card and value, never a crash later.
- The database file or its WAL removed or replaced under an open connection raises
  `StoreFilesMovedError` (answers not yet checkpointed went with the old file).

What a user does to a card besides answering it (issue 15: suspend, bury, flag, leech, reset) is an event
in a second append-only log, `card_events`, one `BEGIN IMMEDIATE` transaction per command; `card_marks`
is derived from it (`rebuild_marks`). A reset event holds its card's last answer id at that moment: the
card's replay (`rebuild_states`, `undo_last`, `import_answers`) starts after it, so the card is new again
and every earlier answer stays in the log (and in the answer counts). An undo in study deletes its own
event (`undo_mark`), as `undo_last` deletes its own answer; an answer given before a reset of its card
cannot be undone (the reset's place in the log is that answer's id).

Answers imported from another program (`import_answers`: Anki's review log) carry their id there in
`imported_id` (Anki's revlog id) and the program in `mode` ("anki"); that pair is unique, so importing
the same answers again adds none. They go into the log in time order per card: answers already logged
later than an imported one are removed and appended again after it (same content, new ids), as the
replay follows the log's order. A big import (`BULK_ROWS`) drops the log's indexes and makes them again
after its inserts, inside its one transaction.

The queries of the first card, of each answer and of `stats` that read the review log name their index
(`INDEXED BY`): their plans never depend on statistics (`sqlite_stat1`) a database may lack, or bring
from elsewhere (tests/test_query_plans.py). Without statistics SQLite read today's answers by scanning
`reviews_by_card`: 1.1 s at 1,000,000 answers, against 1.4 ms through `reviews_by_time`.

Each answer also records when its card was answered before (`prev_ms`; none for the first answer after a
reset, as for a new card's), which is how `stats`
finds the first answer of a card in a study day without sorting the log. (An undo removes the
session's own latest answer; should another session have answered that card since, that later
answer keeps the removed time as its previous one, and true retention may leave it out.)

Times are stored as integer milliseconds since the epoch (UTC) and returned as aware UTC
datetimes; `record_review` rounds `now` down to the millisecond *before* scheduling, so replaying
the log gives back exactly the stored states.

Use one `Store` per process (not shared across threads); close it or use it as a context manager.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from itertools import repeat
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

from dense1x1quiz.errors import StoreError, StoreFilesMovedError
from dense1x1quiz.scheduler import (
    RATINGS,
    CardState,
    Key,
    make_scheduler,
    replay_log_us,
    review,
    scheduler_config,
    scheduler_from_config,
    utc,
)
from dense1x1quiz.settings import SETTINGS, Settings, setting_problem, split_stored_name, steps_of, stored_name
from dense1x1quiz.vocabulary import State

if TYPE_CHECKING:
    import fsrs

    from dense1x1quiz.scheduler import Scheduler

DB_NAME = "quiz.sqlite3"
BACKUP_DIR = "backups"
BUSY_TIMEOUT_MS = 30_000
BACKUPS_KEPT = 10
BACKUP_BYTES_KEPT = 1 << 30  # the backups' total size: older ones go beyond it (the newest always stays)
BACKUP_EVERY_S = 24 * 3600  # the daily check's period (real time)
COPY_EVERY_S = 7 * 24 * 3600  # a changed database is copied at least this often …
COPY_GROWTH = 16  # … or as soon as its log grew by 1/COPY_GROWTH since the last checked copy
CHECKED_MARK = "last-checked-copy"  # in the backup folder: the log's last answer id at the last checked copy
BULK_ROWS = (
    20_000  # an import of at least this many answers, and at least as many as the log holds, rebuilds its indexes
)
BULK_CACHE_KIB = 128 * 1024  # SQLite's page cache during a bulk import (its default is 2 MiB)
_SCHEMA_V1 = """
CREATE TABLE reviews (                 -- the append-only review log: the truth
    id INTEGER PRIMARY KEY,            -- append order
    deck TEXT NOT NULL,
    card TEXT NOT NULL,
    at_ms INTEGER NOT NULL,            -- when answered, ms since epoch, UTC
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    state_before TEXT NOT NULL,        -- new | learning | review | relearning
    mode TEXT NOT NULL,
    duration_ms INTEGER,               -- time to answer
    typed TEXT,                        -- what was typed (typed cards), else NULL
    session TEXT,
    retention REAL NOT NULL,           -- the scheduler used: needed to replay the log exactly
    fuzz INTEGER NOT NULL
);
CREATE INDEX reviews_by_card ON reviews (deck, card, id);
CREATE INDEX reviews_by_time ON reviews (at_ms);
CREATE INDEX reviews_by_session ON reviews (session, id);
CREATE TRIGGER reviews_append_only BEFORE UPDATE ON reviews
BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END;

CREATE TABLE card_states (             -- derived from reviews; one row per card ever reviewed
    deck TEXT NOT NULL,
    card TEXT NOT NULL,
    state TEXT NOT NULL,
    step INTEGER,
    stability REAL,
    difficulty REAL,
    due_ms INTEGER,
    last_review_ms INTEGER,
    reps INTEGER NOT NULL,
    lapses INTEGER NOT NULL,
    PRIMARY KEY (deck, card)
) WITHOUT ROWID;
CREATE INDEX card_states_by_due ON card_states (due_ms);

CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

CREATE TABLE exams (
    id INTEGER PRIMARY KEY,
    started_ms INTEGER NOT NULL,
    finished_ms INTEGER,               -- NULL while running or if abandoned
    decks TEXT NOT NULL,               -- JSON list of deck ids
    seed INTEGER,
    total INTEGER NOT NULL,
    score INTEGER,
    seconds REAL
);
CREATE TABLE exam_answers (
    exam INTEGER NOT NULL REFERENCES exams (id),
    position INTEGER NOT NULL,         -- 1-based question number
    question TEXT NOT NULL,            -- question id
    kind TEXT NOT NULL,
    prompt TEXT NOT NULL,
    given TEXT,
    expected TEXT NOT NULL,
    correct INTEGER NOT NULL,
    tags TEXT NOT NULL,                -- JSON list
    answered_ms INTEGER NOT NULL,
    PRIMARY KEY (exam, position)
);
"""

# v2: answers of some decks over a period (`quiz stats DECK`) without visiting every answer.
_V2_DECK_TIME_INDEX = "CREATE INDEX reviews_by_deck_time ON reviews (deck, at_ms);"

# v3: each answer records when its card was answered before (NULL for a first answer), so the first
# answer of a card in a study day is found without sorting a month of answers (true retention).
_V3_PREVIOUS_ANSWER = """
ALTER TABLE reviews ADD COLUMN prev_ms INTEGER;
DROP TRIGGER reviews_append_only;
UPDATE reviews SET prev_ms = (SELECT p.at_ms FROM reviews AS p INDEXED BY reviews_by_card
                              WHERE p.deck = reviews.deck AND p.card = reviews.card AND p.id < reviews.id
                              ORDER BY p.id DESC LIMIT 1);
CREATE TRIGGER reviews_append_only BEFORE UPDATE ON reviews
BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END;
"""

# v4: an answer imported from another program keeps its id there (Anki's revlog id), NULL for answers given
# here; with its `mode` (the program: "anki") it is the key that makes a second import add nothing.
_V4_IMPORTED_ID = """
ALTER TABLE reviews ADD COLUMN imported_id INTEGER;
CREATE UNIQUE INDEX reviews_by_imported_id ON reviews (mode, imported_id) WHERE imported_id IS NOT NULL;
"""

# v5 (issue 15): what a user does to a card besides answering it. `card_events` is an append-only log like
# `reviews` (the truth: an undo deletes its own event, as `undo_last` deletes its answer); `card_marks` is
# derived from it, one row per card with an event (`rebuild_marks`). A reset is an event whose value is the
# card's last answer id at that moment: its replay starts after it, and every earlier answer stays in the log.
_V5_CARD_EVENTS = """
CREATE TABLE card_events (
    id INTEGER PRIMARY KEY,            -- append order
    deck TEXT NOT NULL,
    card TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('suspend', 'bury', 'flag', 'leech', 'reset')),
    value INTEGER,                     -- suspend, leech: 1 set, 0 cleared; bury: until (ms), NULL unburied;
                                       -- flag: 0-7 (0 none); reset: the card's last answer id then (0: none)
    session TEXT
);
CREATE INDEX card_events_by_card ON card_events (deck, card, id);
CREATE TRIGGER card_events_append_only BEFORE UPDATE ON card_events
BEGIN SELECT RAISE(ABORT, 'the card event log is append-only'); END;

CREATE TABLE card_marks (              -- derived from card_events; one row per card with an event
    deck TEXT NOT NULL,
    card TEXT NOT NULL,
    suspended INTEGER NOT NULL,
    buried_until_ms INTEGER,
    flag INTEGER NOT NULL,
    leech INTEGER NOT NULL,
    reset_after INTEGER NOT NULL,      -- the card's answers with an id up to this one came before its last reset
    reset_answers INTEGER NOT NULL,    -- how many they are
    PRIMARY KEY (deck, card)
) WITHOUT ROWID;
"""

# v6: the learning and relearning steps an answer was scheduled with, as JSON (`scheduler_config`), NULL for the
# defaults: with retention and fuzz, what a replay needs to give the same state. The FSRS weights are not logged:
# every replay uses the parameters in force (the settings), so states follow `quiz optimize` (issue 18).
_V6_SCHEDULER_CONFIG = "ALTER TABLE reviews ADD COLUMN scheduler TEXT;"

# Ordered migrations: MIGRATIONS[i] takes the schema from version i to i + 1.
MIGRATIONS: list[str] = [
    _SCHEMA_V1,
    _V2_DECK_TIME_INDEX,
    _V3_PREVIOUS_ANSWER,
    _V4_IMPORTED_ID,
    _V5_CARD_EVENTS,
    _V6_SCHEDULER_CONFIG,
]


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def epoch_ms(moment: datetime) -> int:
    """Aware datetime → integer ms since the epoch (rounded down)."""
    delta = utc(moment) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


# The stored times a datetime can stand for, with a day to spare at each end for local time (at most
# 24 hours off UTC). A time outside (an old database, a hand edit, a huge interval) is read as the
# nearest end: a card due in the year 9999 or later is due on 9999-12-30, and nothing overflows.
_EARLIEST_MS = -62_135_510_400_000  # 0001-01-02T00:00:00Z
_LATEST_MS = 253_402_128_000_000  # 9999-12-30T00:00:00Z


def time_of_ms(ms: int) -> datetime:
    """Integer ms since the epoch → aware UTC datetime (exact: no float on the way), clamped to
    0001-01-02 … 9999-12-30: the one way a stored time becomes a datetime."""
    return _EPOCH + _timedelta(0, 0, 0, min(max(ms, _EARLIEST_MS), _LATEST_MS))  # (days, s, µs, ms): exact


def _dt(ms: int | None) -> datetime | None:
    return None if ms is None else time_of_ms(ms)


_timedelta = timedelta  # a global read: half the cost of fromtimestamp + replace, 5,000 states at a time


def to_ms_precision(moment: datetime) -> datetime:
    """`moment` in UTC rounded down to the millisecond: the precision of every stored time."""
    return _dt(epoch_ms(moment))  # type: ignore[return-value]


class ReviewRow(NamedTuple):
    """One entry of the review log (a named tuple: cheap to make by the hundred thousand)."""

    id: int
    key: Key
    at: datetime
    rating: int
    state_before: str
    mode: str
    duration_ms: int | None
    typed: str | None
    session: str | None


class StateRow(NamedTuple):
    """One stored card state as read (`Store.state_rows`): times in ms since the epoch (UTC), the
    state as its stored word (compares equal to a `State`). Cheaper than a CardState by the ten thousand."""

    deck: str
    card: str
    state: str
    step: int | None
    stability: float | None
    difficulty: float | None
    due_ms: int | None
    last_review_ms: int | None
    reps: int
    lapses: int


class ImportedAnswer(NamedTuple):
    """An answer given in another program, to import (`Store.import_answers`)."""

    key: Key
    imported_id: int  # its id in that program (Anki: the revlog id), unique there
    at_ms: int  # when it was given, ms since the epoch (UTC)
    rating: int  # 1–4
    duration_ms: int | None


class ImportCounts(NamedTuple):
    """What `Store.import_answers` did."""

    added: int  # answers appended to the log
    already: int  # answers imported before (their id is in the log), left as they were
    cards: int  # cards whose log grew (their states rebuilt by replay)
    moved: int  # answers given here that were re-appended after older imported ones (see import_answers)


FLAGS = range(8)  # a card's flag: 0 none, 1-7 as Anki's (red, orange, green, blue, pink, turquoise, purple)
MARK_KINDS = ("suspend", "bury", "flag", "leech", "reset")


class Marks(NamedTuple):
    """What a user set on a card besides answering it (`Store.marks`); a card without any has `Marks()`."""

    suspended: bool = False
    buried_until: datetime | None = None  # not asked in study before this time (None: not buried)
    flag: int = 0  # 0 none, 1-7
    leech: bool = False

    def buried(self, now: datetime) -> bool:
        """Buried at `now` (a bury ends at the time it was given)."""
        return self.buried_until is not None and utc(now) < self.buried_until


class MarkEvent(NamedTuple):
    """One event appended to the card event log, as a marking method returns it (for messages and undo)."""

    id: int  # its id in the log: `Store.undo_mark(id)` takes it back
    key: Key
    kind: str  # one of MARK_KINDS
    value: int | None  # as stored (see card_events); a bury's until time in ms
    before: int | None  # the mark's value before (reset: None)


class ExamRow(NamedTuple):
    """One exam as stored: `finished` is None for an exam never finished."""

    id: int
    started: datetime
    finished: datetime | None
    decks: list[str]
    seed: int | None
    total: int
    score: int | None
    seconds: float | None


_STATES = {state.value: state for state in State}  # a dict lookup: State(word) is ten times slower


def state_from_row(row: StateRow | tuple) -> CardState:
    """A CardState from a `state_rows()` row (or the same fields as a plain tuple)."""
    deck, card, state, step, stability, difficulty, due_ms, last_ms, reps, lapses = row
    return CardState((deck, card), _STATES[state], step, stability, difficulty, _dt(due_ms), _dt(last_ms), reps, lapses)


# What a stored state may hold: FSRS keeps stability above 0 and difficulty within 1–10, and every card
# with a stored state was answered, so it has both and both times (only "new", never written, has none).
# Anything else is a hand edit or damage: the scheduler would divide by zero, take a root of a negative
# number or overflow, and `stats --json` would fail on a missing time.
_INF = float("inf")
_WHOLE = "a whole number from 0"
_TIME = "a time in whole milliseconds"
_FIELD_RULES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "state": (lambda v: v in _STATES, "new, learning, review or relearning"),
    "step": (lambda v: v is None or type(v) is int and v >= 0, f"empty or {_WHOLE}"),
    "stability": (lambda v: v is None or type(v) is float and 0 < v < _INF, "a number of days above 0"),
    "difficulty": (lambda v: v is None or type(v) is float and 1 <= v <= 10, "a number from 1 to 10"),
    "due_ms": (lambda v: v is None or type(v) is int, _TIME),
    "last_review_ms": (lambda v: v is None or type(v) is int, _TIME),
    "reps": (lambda v: type(v) is int and v >= 0, _WHOLE),
    "lapses": (lambda v: type(v) is int and v >= 0, _WHOLE),
}
_ANSWERED = ("stability", "difficulty", "due_ms", "last_review_ms")  # set in every state but "new"


def _state_row_problem(row: tuple) -> str | None:
    """What is wrong with a stored state row (the card, the field, the value, what it must be), or None."""
    deck, card, state = row[0], row[1], row[2]
    if type(deck) is not str or type(card) is not str:
        return f"a card key {deck!r}:{card!r} is not text"
    for field, value in zip(StateRow._fields[2:], row[2:]):  # noqa: B905 - a row has every field
        holds, rule = _FIELD_RULES[field]
        if not holds(value):
            return f"card {deck}:{card} has {field} {value!r}; it must be {rule}"
        if value is None and field in _ANSWERED and state != "new":
            return f"card {deck}:{card} ({state}) has no {field}; every answered card has one"
    return None


def _state_row_ok(row: tuple) -> bool:
    """`_state_row_problem(row) is None`, inline: a session's start checks tens of thousands of rows, and
    this costs a fraction of making their CardStates (tests/test_store.py checks that the two agree)."""
    deck, card, state, step, stability, difficulty, due_ms, last_ms, reps, lapses = row
    if stability is None or difficulty is None or due_ms is None or last_ms is None:
        if (
            state != "new"
            or not (stability is None or type(stability) is float and 0 < stability < _INF)
            or not (difficulty is None or type(difficulty) is float and 1 <= difficulty <= 10)
            or not (due_ms is None or type(due_ms) is int)
            or not (last_ms is None or type(last_ms) is int)
        ):
            return False
    elif not (
        type(stability) is float
        and 0 < stability < _INF
        and type(difficulty) is float
        and 1 <= difficulty <= 10
        and type(due_ms) is int
        and type(last_ms) is int
    ):
        return False
    return (
        type(deck) is str
        and type(card) is str
        and state in _STATES
        and type(reps) is int
        and reps >= 0
        and type(lapses) is int
        and lapses >= 0
        and (step is None or type(step) is int and step >= 0)
    )


def _deck_filter(decks: Iterable[str], column: str = "deck") -> tuple[str, tuple[str, ...]]:
    """The one way a query is limited to some decks: `column IN (?, …)` and its parameters (each deck
    once, sorted). `column` may be an expression, such as "+deck" to keep SQLite off the deck index."""
    names = tuple(sorted(set(decks)))
    return f"{column} IN ({','.join('?' * len(names))})", names


def _check_header(path: Path) -> str | None:
    """A cheap look at the file before SQLite opens it: why it is not a usable database, or None.

    Catches a foreign file and a truncated one (shorter than the page count its header records),
    which SQLite itself may only notice when it reaches a missing page."""
    from dense1x1quiz.userfiles import UserFileError, open_user_file

    try:  # a FIFO or device in its place is refused before SQLite opens it (a FIFO would block it)
        with open_user_file(path, "a database file") as f:
            size = os.fstat(f.fileno()).st_size
            header = f.read(100)
    except UserFileError as exc:  # not damage: permissions, a folder in its place; a backup won't help
        raise StoreError(f"cannot read the review database {path}: it {exc.reason}") from None
    except OSError as exc:
        raise StoreError(f"cannot read the review database {path}: {exc.strerror or exc}") from None
    if size == 0:  # SQLite takes an empty file for a new database; with backups around, it was one
        return "is empty" if list_backups(path.parent) else None
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return "is not an SQLite database (damaged or overwritten)"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    counter_valid = header[24:28] == header[92:96]
    if page_size < 512 or page_size & (page_size - 1):
        return "has a damaged header"
    if size % page_size:
        return "is truncated (its size is not a whole number of pages)"
    if counter_valid and pages and size < pages * page_size and not path.with_name(path.name + "-wal").exists():
        return f"is truncated ({size} bytes; its header says {pages * page_size})"
    return None


# The files SQLite opens beside the database, by name: the rollback journal (looked for at every open,
# even in WAL mode: a "hot" one would be rolled back), the write-ahead log and its shared-memory index.
SIDE_FILES = ("-journal", "-wal", "-shm")


def _check_side_files(path: Path) -> None:
    """Refuse anything but a regular file (or nothing) where SQLite will open the database's journal,
    WAL or shared-memory index: SQLite opens them itself, and a FIFO there blocks its open forever
    (-journal) or fails as "an I/O error" (-wal, -shm), which would blame the disk."""
    from dense1x1quiz.userfiles import kind_of

    for suffix in SIDE_FILES:
        side = path.with_name(path.name + suffix)
        try:
            mode = os.stat(side).st_mode
        except OSError:  # absent (the usual case), or unreadable: SQLite says what it finds there
            continue
        kind = kind_of(mode)
        if kind is not None:
            raise StoreError(f"{side} is {kind}, not a file SQLite can use; move it away")


class Store:
    """The review database of one home folder. Open it with `Store.open(home)`."""

    def __init__(self, path: Path, connection: sqlite3.Connection):
        self.path = path
        self._db = connection
        self._files: tuple[_FileId, _FileId] | None = None  # (database, WAL) as this connection opened them
        self._moved_reported = False

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, home: Path) -> Store:
        """Open (creating if needed) `<home>/quiz.sqlite3`, migrating it to the current schema.

        Raises StoreError when the folder cannot be created or written, when the file is damaged
        or truncated (naming it and the newest backup; the file is left as it is), or when it was
        written by a newer version of this program."""
        home = Path(home)
        path = home / DB_NAME
        try:
            home.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder {home}: {exc.strerror or exc}") from None
        if path.exists():
            problem = _check_header(path)
            if problem:
                raise StoreError(_damaged_message(path, problem))
        elif not os.access(home, os.W_OK | os.X_OK):
            raise StoreError(
                f"cannot create the review database in {home}: the folder is read-only "
                "(set DENSE1X1QUIZ_HOME to a writable folder)"
            )
        _check_side_files(path)
        try:
            connection = sqlite3.connect(
                path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=True
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open {path}: {exc}") from None
        store = cls(path, connection)
        try:
            with store._errors():
                store._configure()
                store._migrate()
                store._daily_backup()
        except BaseException:
            connection.close()
            raise
        store._files = _file_ids(path)
        return store

    def _configure(self) -> None:
        db = self._db
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(
                f"cannot use {self.path}: SQLite refused write-ahead logging (journal mode {mode}); "
                "the folder may be on a network or read-only file system: set DENSE1X1QUIZ_HOME "
                "to a local folder"
            )
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA foreign_keys = ON")

    def _migrate(self) -> None:
        version = self._version()
        latest = len(MIGRATIONS)
        if version > latest:
            raise StoreError(
                f"{self.path} was written by a newer version of quiz (schema {version}, "
                f"this one knows {latest}); upgrade quiz to use it"
            )
        if version == latest:
            return
        if version > 0:
            self.backup(reason=f"v{version}")
        with self.transaction():
            version = self._version()  # another process may have migrated meanwhile
            for target in range(version + 1, latest + 1):
                for statement in _statements(MIGRATIONS[target - 1]):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {target}")

    def _daily_backup(self) -> None:
        """Once a day (real time), check the database, and copy it when it changed enough: the cost of a
        day's first command follows the day's answers, not the database's size.

        - A checked copy (`PRAGMA quick_check` of the whole file, then `backup`) is made when there is no
          backup or no record of the last checked copy, when the log grew by 1/COPY_GROWTH (at least one
          answer) since that copy, or when it changed and the newest backup is COPY_EVERY_S old. Over a
          year this costs a bounded multiple of the answers' own size (each copy follows a growth of a
          sixteenth), plus one copy a week at most.
        - Every other day: the tables an answer rewrites (card states, settings, exams) are checked in
          full (their size is the number of cards) and every answer added since the last checked copy
          is read (SQLite checks each page it reads).
        A damaged database raises StoreError before anything is written to it and is never copied, so
        backups stay good ones."""
        folder = self.backup_dir
        backups = list_backups(self.path.parent)
        mark = _read_mark(folder / CHECKED_MARK)
        now = datetime.now().timestamp()
        try:
            newest_age = now - backups[0].stat().st_mtime if backups else None
            checked_age = None if mark is None else now - (folder / CHECKED_MARK).stat().st_mtime
        except OSError:  # removed since it was listed: check and copy, then
            newest_age = checked_age = None
        if newest_age is not None and newest_age < BACKUP_EVERY_S:
            return
        if checked_age is not None and checked_age < BACKUP_EVERY_S:
            return
        last = self._db.execute("SELECT MAX(id) FROM reviews").fetchone()[0]
        if last is None:
            return  # nothing worth keeping yet
        if mark is None or newest_age is None:  # no record of a checked copy, or no backup at all
            due, copied = True, -1
        else:
            copied = mark
            grown = last < copied or last - copied >= copied // COPY_GROWTH  # (smaller: a restored database)
            due = last != copied and (grown or newest_age >= COPY_EVERY_S)
        if not due:
            self._check_changes(copied)
            _write_mark(folder / CHECKED_MARK, copied)
            return
        self._check("PRAGMA quick_check")
        try:
            self.backup(reason="daily")
        except StoreError as exc:  # a missed daily backup must not stop anyone studying: say so, go on
            sys.stderr.write(f"Warning: {exc}; no backup was made today.\n")
            return
        _write_mark(folder / CHECKED_MARK, last)

    def _check_changes(self, since_id: int) -> None:
        """The daily check between checked copies: the small tables in full, the log's newest answers."""
        for table in ("card_states", "settings", "exams", "exam_answers", "card_events", "card_marks"):
            self._check(f"PRAGMA quick_check({table})")
        try:  # reading every row since the last checked copy reads (and so checks) every page holding one
            self._db.execute(
                "SELECT COUNT(*), TOTAL(LENGTH(typed)), TOTAL(LENGTH(session)) FROM reviews WHERE id > ?", (since_id,)
            ).fetchone()
        except sqlite3.DatabaseError as exc:
            if not _is_damage(str(exc)):
                raise
            raise StoreError(_damaged_message(self.path, str(exc))) from None

    def _check(self, pragma: str) -> None:
        """Run a `quick_check` pragma; StoreError naming what it found unless it says ok."""
        verdict = self._db.execute(pragma).fetchall()
        if verdict != [("ok",)]:
            raise StoreError(_damaged_message(self.path, "; ".join(str(r[0]) for r in verdict[:3])))

    def _version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        """Close the connection (safe to call twice).

        When the WAL or the database file was removed or replaced while it was open, the connection is
        closed without its usual checkpoint: that would copy this connection's orphaned log into the
        database and delete, by name, the log the other sessions now write to (their answers)."""
        moved = self._files_moved() if self._files is not None else None
        if moved:
            if not self._moved_reported:  # a session that quits without writing again: tell it all the same
                sys.stderr.write(f"Warning: {_moved_message(self.path, moved)}\n")
            self._close_without_checkpoint()
        self._files = None
        self._db.close()

    # -- the files under an open connection ------------------------------------------------------

    def files_moved(self) -> str | None:
        """Which file was removed or replaced under this connection ("database" or "WAL"), or None: what a
        session that stops without writing again asks, so its summary does not say its answers are kept."""
        return self._files_moved() if self._files is not None else None

    def _files_moved(self) -> str | None:
        """Which file was removed or replaced since this connection opened it ("database" or "WAL"), or None.

        Two `stat` calls: cheap enough for every write (benchmarks/bench_store.py measures it)."""
        assert self._files is not None
        database, wal = _file_ids(self.path)
        if database != self._files[0]:
            return "database"
        if self._files[1] is None:  # not there yet at opening: this connection's first write makes it
            self._files = (database, wal)
            return None
        return "WAL" if wal != self._files[1] else None

    def _check_files(self) -> None:
        """Raise StoreError if the database or its WAL was removed or replaced under this connection:
        answers written from then on would not last (SQLite: "How To Corrupt An SQLite Database File")."""
        if self._files is None:
            return
        moved = self._files_moved()
        if moved:
            self._moved_reported = True
            raise StoreFilesMovedError(_moved_message(self.path, moved), moved)

    def _close_without_checkpoint(self) -> None:
        """Close while another process holds the database (through the files now in place): SQLite
        checkpoints and deletes the WAL only when the closing connection is the last one. (A second
        connection in this process would not do: it would share this one's orphaned WAL index.)"""
        import subprocess

        try:
            keeper = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _KEEPER, str(self.path)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            return
        with keeper:
            try:
                if keeper.stdout.readline() == b"held\n":  # type: ignore[union-attr]
                    self._db.close()
            finally:
                keeper.stdin.close()  # type: ignore[union-attr]
                try:
                    keeper.wait(timeout=BUSY_TIMEOUT_MS / 1000)  # its close checkpoints the current WAL, if last
                except subprocess.TimeoutExpired:
                    keeper.kill()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing ----------------------------------------------------------------------------

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn SQLite failures into StoreErrors written for the user."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            message = store_error_message(self.path, exc)
            if message is None:
                raise
            raise StoreError(message) from None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One `BEGIN IMMEDIATE` … `COMMIT` (rolled back on error). Internal, but public for tests."""
        with self._errors():
            self._check_files()  # before writing into a log that is gone
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            self._check_files()  # and before the caller says "saved"

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads inside see one state of the database, whatever other sessions commit meanwhile (a
        read transaction: in WAL mode it blocks no writer). Nothing may be written inside."""
        with self._errors():
            self._db.execute("BEGIN")
        try:
            yield
        finally:
            if self._db.in_transaction:
                with self._errors():
                    self._db.execute("COMMIT")

    def _read(self, sql: str, params: Iterable[Any] = ()) -> list[tuple]:
        with self._errors():
            return self._db.execute(sql, tuple(params)).fetchall()

    # -- backups -----------------------------------------------------------------------------

    @property
    def backup_dir(self) -> Path:
        return self.path.parent / BACKUP_DIR

    def backup(self, reason: str = "manual") -> Path:
        """Copy the database with SQLite's backup API to `<home>/backups/quiz-<UTC time>-<reason>.sqlite3`
        (consistent even while other sessions write). Keeps the newest BACKUPS_KEPT files."""
        try:
            self.backup_dir.mkdir(exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the backup folder {self.backup_dir}: {exc.strerror or exc}") from None
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.backup_dir / f"quiz-{stamp}-{reason}.sqlite3"
        partial = target.with_name(target.name + ".part")  # renamed when complete: a backup is whole or absent
        try:
            copy = sqlite3.connect(partial)
            try:
                self._db.backup(copy)
            finally:
                copy.close()
        except sqlite3.Error as exc:  # the backup folder, not the database, is what failed
            partial.unlink(missing_ok=True)
            raise StoreError(f"cannot write the backup {target}: {exc}") from None
        try:
            os.replace(partial, target)
        except OSError as exc:
            raise StoreError(f"cannot write the backup {target}: {exc.strerror or exc}") from None
        _prune(list_backups(self.path.parent))
        for stale in self.backup_dir.glob("*.part"):  # left by a process killed while copying
            try:
                if datetime.now().timestamp() - stale.stat().st_mtime > 3600:
                    stale.unlink()
            except OSError:
                pass
        return target

    # -- reviews -----------------------------------------------------------------------------

    def states(self, keys: Iterable[Key] | None = None, *, decks: Iterable[str] | None = None) -> dict[Key, CardState]:
        """Stored states by key; cards never reviewed are absent (use `CardState.new(key)` for them).

        With neither argument: every stored state, orphans included. `keys`: only those cards.
        `decks`: every stored state of those decks (orphans of those decks included)."""
        if not self._read("SELECT EXISTS (SELECT 1 FROM card_states)")[0][0]:
            return {}  # nothing answered yet: no set of a hundred thousand keys to build
        wanted = None if keys is None else {(k[0], k[1]) for k in keys}
        names = None if wanted is None else {k[0] for k in wanted}
        if decks is not None:
            names = set(decks) if names is None else names & set(decks)
        rows = self._state_tuples(names)  # plain tuples, unpacked at once: a session's start reads thousands
        return {(r[0], r[1]): state_from_row(r) for r in rows if wanted is None or (r[0], r[1]) in wanted}

    def state_rows(self, decks: Iterable[str] | None = None) -> list[StateRow]:
        """Stored states as `StateRow`s (times in ms), of some decks or all: the cheap form for
        reading tens of thousands at once (`state_from_row` makes a CardState)."""
        return list(map(StateRow._make, self._state_tuples(decks)))

    def _state_tuples(self, decks: Iterable[str] | None) -> list[tuple]:
        """`state_rows` as the plain tuples SQLite gives (same fields, same order)."""
        sql = (
            "SELECT deck, card, state, step, stability, difficulty, due_ms, last_review_ms, reps, lapses "
            "FROM card_states"
        )
        rows = self._in_decks(sql, decks)
        if not all(map(_state_row_ok, rows)):
            self._refuse_state(next(row for row in rows if not _state_row_ok(row)))
        return rows

    def _refuse_state(self, row: tuple) -> NoReturn:
        """A stored state no answer could have made (a hand edit, damage) is damage: named, never used."""
        raise StoreError(_damaged_message(self.path, _state_row_problem(row) or "a stored card state"))

    def state(self, key: Key) -> CardState:
        """The stored state of one card, or `CardState.new(key)` if it was never reviewed."""
        return self._state_in(self._db, key)

    def _state_in(self, db: sqlite3.Connection, key: Key) -> CardState:
        with self._errors():
            row = db.execute(
                "SELECT deck, card, state, step, stability, difficulty, due_ms, last_review_ms, "
                "reps, lapses FROM card_states WHERE deck = ? AND card = ?",
                tuple(key),
            ).fetchone()
        if row and not _state_row_ok(row):
            self._refuse_state(row)
        return state_from_row(row) if row else CardState.new(key)

    def record_review(
        self,
        card: Any,
        rating: int,
        now: datetime,
        *,
        mode: str,
        duration_ms: int | None = None,
        typed: str | None = None,
        session_id: str | None = None,
        scheduler: Scheduler,
    ) -> CardState:
        """`record_answer` without a leech rule: the card's new state."""
        return self.record_answer(
            card,
            rating,
            now,
            mode=mode,
            duration_ms=duration_ms,
            typed=typed,
            session_id=session_id,
            scheduler=scheduler,
        )[0]

    def record_answer(
        self,
        card: Any,
        rating: int,
        now: datetime,
        *,
        mode: str,
        duration_ms: int | None = None,
        typed: str | None = None,
        session_id: str | None = None,
        scheduler: Scheduler,
        leech: tuple[int, bool] | None = None,
    ) -> tuple[CardState, list[MarkEvent]]:
        """Answer `card` (a model.Card, or a (deck, id) key) with `rating` 1–4 at `now`; return its new state.

        In ONE `BEGIN IMMEDIATE` transaction: read the card's latest stored state (another session
        may have just answered it), compute the next state with `scheduler.review`, append the
        answer to the review log, upsert the state, commit. When this returns, the answer is on
        disk. `now` is rounded down to the millisecond first. `mode` says how it was asked
        (flip/type/choice/cloze), `duration_ms` how long the answer took, `typed` what was typed,
        `session_id` groups a session's answers for `undo_last`. Raises StoreError if the database
        cannot be written; ValueError for a rating outside 1–4.

        `leech` = (leech_lapses, suspend): Anki's rule, in the same transaction as the answer: a lapse
        that brings the card's lapses to leech_lapses, and every half as many after, marks it a leech
        (and suspends it when `suspend`). Returns the new state and the card events appended."""
        key: Key = tuple(card.key if hasattr(card, "key") else card)
        if rating not in RATINGS:
            raise ValueError(f"rating must be 1–4, not {rating!r}")
        now = to_ms_precision(now)
        with self.transaction() as db:
            scheduler = self._with_saved_parameters(scheduler, key[0])
            before = self._state_in(db, key)
            after = review(before, rating, now, scheduler)
            db.execute(
                "INSERT INTO reviews (deck, card, at_ms, rating, state_before, mode, duration_ms, typed, session, "
                "retention, fuzz, prev_ms, scheduler) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key[0],
                    key[1],
                    epoch_ms(now),
                    rating,
                    before.state,
                    mode,
                    duration_ms,
                    typed,
                    session_id,
                    scheduler.desired_retention,
                    int(scheduler.enable_fuzzing),
                    _ms_or_none(before.last_review),
                    scheduler_config(scheduler),
                ),
            )
            self._put_state(db, after)
            events = self._leech_in(db, key, before, after, now, leech, session_id) if leech else []
        return after, events

    def _leech_in(
        self,
        db: sqlite3.Connection,
        key: Key,
        before: CardState,
        after: CardState,
        now: datetime,
        rule: tuple[int, bool],
        session_id: str | None,
    ) -> list[MarkEvent]:
        """The leech and suspend events Anki's leech rule appends after this answer (see record_answer)."""
        threshold, suspend = rule
        lapses = after.lapses
        if lapses <= before.lapses or lapses < threshold or (lapses - threshold) % max(threshold // 2, 1):
            return []
        now_ms = epoch_ms(now)
        current = _fold_events(db, key).get(key, _NO_MARKS)
        events = []
        if not current[3]:
            events.append(self._append_event(db, key, now_ms, "leech", 1, current[3], session_id))
        if suspend and not current[0]:
            events.append(self._append_event(db, key, now_ms, "suspend", 1, current[0], session_id))
        if events:
            self._refresh_marks(db, key)
        return events

    def _with_saved_parameters(self, scheduler: Scheduler, deck: str) -> Scheduler:
        """`scheduler`, or one with its retention and steps and the FSRS parameters now in force for
        `deck` when they differ (saved by `quiz optimize` or `quiz config` in another process while a
        session was open): an answer is always scheduled with the parameters a replay of the log uses."""
        import fsrs

        saved = self.parameters(deck)
        wanted = tuple(fsrs.scheduler.DEFAULT_PARAMETERS) if saved is None else saved
        if tuple(getattr(scheduler, "parameters", wanted)) == wanted:
            return scheduler
        return scheduler_from_config(
            scheduler.desired_retention, scheduler.enable_fuzzing, scheduler_config(scheduler), saved
        )

    def import_reviews(
        self, answers: Iterable[tuple[Key, int, datetime, str, int | None]], scheduler: fsrs.Scheduler
    ) -> int:
        """Append many answers (key, rating, time, mode, duration_ms) in ONE transaction, each card's
        state computed exactly as `record_review` would (each card's answers must come in time order,
        after its stored history). For importing history and for benchmarks; returns the count."""
        rows: list[tuple] = []
        states: dict[Key, CardState] = {}
        config = scheduler_config(scheduler)
        with self.transaction() as db:
            for key, rating, moment, mode, duration_ms in answers:
                key = (key[0], key[1])
                moment = to_ms_precision(moment)
                before = states.get(key) or self._state_in(db, key)
                states[key] = review(before, rating, moment, scheduler)
                rows.append(
                    (
                        key[0],
                        key[1],
                        epoch_ms(moment),
                        rating,
                        before.state,
                        mode,
                        duration_ms,
                        scheduler.desired_retention,
                        int(scheduler.enable_fuzzing),
                        _ms_or_none(before.last_review),
                        config,
                    )
                )
            db.executemany(
                "INSERT INTO reviews (deck, card, at_ms, rating, state_before, mode, duration_ms, "
                "retention, fuzz, prev_ms, scheduler) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            for state in states.values():
                self._put_state(db, state)
        return len(rows)

    def import_answers(
        self, source: str, answers: Iterable[ImportedAnswer], *, retention: float | None = None
    ) -> ImportCounts:
        """Add answers given in another program (`source`, e.g. "anki": their `mode` in the log) and
        rebuild each touched card's state by replaying its whole log; ONE transaction (all or nothing).

        An answer whose `imported_id` is already in the log for `source` (an earlier import) is left
        out, as is a second one with the same id: importing the same answers again adds nothing. New
        answers are scheduled as answered with `retention` (default: the saved setting) and fuzz,
        like a session's. A card's log stays in time order, the order its replay follows: when a card
        already has answers later than an imported one (studied here, or imported, before), those
        later answers are removed and appended again after it, merged by time (same content, new ids;
        their `state_before` and `prev_ms` say what they are in the merged log)."""
        scheduler_key = (self.retention(retention), 1)
        schedulers: _SchedulerCache = {}
        parameters_of = self._parameters_by_deck()
        with self.transaction() as db:
            known = {
                i
                for (i,) in db.execute(
                    "SELECT imported_id FROM reviews INDEXED BY reviews_by_imported_id "
                    "WHERE mode = ? AND imported_id IS NOT NULL",
                    (source,),
                )
            }
            seen: set[int] = set()
            already = 0
            by_card: dict[Key, list[ImportedAnswer]] = {}
            for answer in answers:
                key, imported_id, _, rating, _ = answer  # unpacked once: 200,000 answers in a big import
                if imported_id in known or imported_id in seen:
                    already += imported_id in known
                    continue
                if rating not in RATINGS:
                    raise ValueError(f"rating must be 1–4, not {rating!r}")
                seen.add(imported_id)
                by_card.setdefault((key[0], key[1]), []).append(answer)
            with_history = self._keys_with_history(db, {key[0] for key in by_card})
            # A card's first answers (all of a first import) make rows without `typed` and `session`, which
            # the statement writes as NULL: 200,000 rows bind two columns fewer (a third of the inserts'
            # time). Once a card merges into its log, all rows are written in full (same order, same ids).
            rows: list[tuple] = []
            short = True
            states: list[CardState] = []
            moved: list[int] = []
            in_order = attrgetter("at_ms", "imported_id")
            for key, new in by_card.items():
                new.sort(key=in_order)
                old = self._log_in(db, key) if key in with_history else []
                parameters = parameters_of(key[0])
                if not old:
                    card_rows, state = self._first_rows(key, new, source, scheduler_key, schedulers, parameters)
                    rows += card_rows if short else map(_full_row, card_rows)
                else:
                    card_rows, state = self._merged_rows(
                        key, old, new, source, scheduler_key, schedulers, moved, parameters
                    )
                    if short:
                        rows, short = list(map(_full_row, rows)), False
                    rows += card_rows
                states.append(state)
            for start in range(0, len(moved), 500):
                part = moved[start : start + 500]
                db.execute(f"DELETE FROM reviews WHERE id IN ({','.join('?' * len(part))})", part)
            with self._indexes_rebuilt_if(db, len(rows) >= max(BULK_ROWS, self._log_size(db))):
                db.executemany(
                    "INSERT INTO reviews (deck, card, at_ms, rating, state_before, mode, duration_ms, typed, "
                    "session, retention, fuzz, prev_ms, imported_id, scheduler) VALUES "
                    + ("(?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, ?, NULL)" if short else f"({', '.join('?' * 14)})"),
                    rows,
                )
            db.executemany(
                "INSERT OR REPLACE INTO card_states (deck, card, state, step, stability, difficulty, due_ms, "
                "last_review_ms, reps, lapses) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                map(_state_values, states),
            )
        return ImportCounts(sum(len(new) for new in by_card.values()), already, len(by_card), len(moved))

    @staticmethod
    def _log_size(db: sqlite3.Connection) -> int:
        """About how many answers the log holds (its largest id: no count of a long log needed)."""
        return int(db.execute("SELECT COALESCE(MAX(id), 0) FROM reviews").fetchone()[0])

    @staticmethod
    @contextmanager
    def _indexes_rebuilt_if(db: sqlite3.Connection, bulk: bool) -> Iterator[None]:
        """Inside a transaction: when `bulk`, the review log's indexes are dropped for the inserts and
        made again after them (sorting once costs a third of 200,000 inserts into three indexes in
        random order); all of it is rolled back with the transaction if anything fails. Meanwhile the
        page cache may hold BULK_CACHE_KIB: the transaction's pages are not spilled to the WAL and
        read back while the indexes are made (a tenth of the work at 200,000 answers). Durability is
        the same: nothing is committed before the transaction is."""
        if not bulk:
            yield
            return
        indexes = db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reviews' AND sql IS NOT NULL"
        ).fetchall()
        cache = db.execute("PRAGMA cache_size").fetchone()[0]
        db.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        try:
            for name, _ in indexes:
                db.execute(f'DROP INDEX "{name}"')
            yield
            for _, sql in indexes:
                db.execute(sql)
        finally:
            db.execute(f"PRAGMA cache_size = {int(cache)}")

    def _keys_with_history(self, db: sqlite3.Connection, decks: set[str]) -> set[Key]:
        """The cards of `decks` with a stored state (so with answers), each state checked: damage is refused."""
        if not decks:
            return set()
        where, names = _deck_filter(decks)
        rows = db.execute(
            "SELECT deck, card, state, step, stability, difficulty, due_ms, last_review_ms, reps, lapses "
            f"FROM card_states WHERE {where}",
            names,
        ).fetchall()
        for row in rows:
            if not _state_row_ok(row):
                self._refuse_state(row)
        return {(row[0], row[1]) for row in rows}

    @staticmethod
    def _log_in(db: sqlite3.Connection, key: Key) -> list[tuple]:
        """A card's log since its last reset in append order, as the columns `import_answers` writes
        back (id first): imported answers go after the reset, as answers given after it do."""
        return db.execute(
            "SELECT id, deck, card, at_ms, rating, state_before, mode, duration_ms, typed, session, retention, "
            "fuzz, prev_ms, imported_id, scheduler FROM reviews WHERE deck = ? AND card = ? AND id > ? ORDER BY id",
            (key[0], key[1], _reset_after(db, key)),
        ).fetchall()

    @staticmethod
    def _first_rows(
        key: Key,
        new: list[ImportedAnswer],
        mode: str,
        scheduler_key: tuple[float, int],
        schedulers: _SchedulerCache,
        parameters: tuple[float, ...] | None = None,
    ) -> tuple[list[tuple], CardState]:
        """The rows to insert for a card's first answers `new` (in time order), without `typed`,
        `session` and `scheduler` (`_full_row` adds them; imported answers have the default steps):
        (deck, card, at_ms, rating, state_before, mode, duration_ms, retention, fuzz, prev_ms,
        imported_id), each with its `state_before` from the replay; and the
        card's new state. The columns are zipped in C: 200,000 tuples built in a Python loop cost a tenth
        of a big import."""
        retention, fuzz = scheduler_key
        scheduler = _scheduler(schedulers, retention, fuzz, parameters=parameters)
        _, imported_ids, at_ms, ratings, durations = zip(*new)  # noqa: B905 - ImportedAnswer's fields
        n = len(new)
        if _EARLIEST_MS <= min(at_ms) and max(at_ms) <= _LATEST_MS:  # the usual case: no time to clamp, zipped in C
            log = list(zip(ratings, map((1000).__mul__, at_ms), repeat(scheduler, n)))  # noqa: B905 - n each
        else:
            clamped = [min(max(at, _EARLIEST_MS), _LATEST_MS) * 1000 for at in at_ms]
            log = list(zip(ratings, clamped, repeat(scheduler, n)))  # noqa: B905 - n each
        before: list[str] = []
        state = replay_log_us(key, log, before)
        rows = list(
            zip(  # noqa: B905 - every column has n values
                repeat(key[0], n),
                repeat(key[1], n),
                at_ms,
                ratings,
                before,
                repeat(mode, n),
                durations,
                repeat(retention, n),
                repeat(fuzz, n),
                (None, *at_ms[:-1]),
                imported_ids,
            )
        )
        return rows, state

    @staticmethod
    def _merged_rows(
        key: Key,
        old: list[tuple],
        new: list[ImportedAnswer],
        mode: str,
        scheduler_key: tuple[float, int],
        schedulers: _SchedulerCache,
        moved: list[int],
        parameters: tuple[float, ...] | None = None,
    ) -> tuple[list[tuple], CardState]:
        """The rows to insert for one card: its new answers merged by time into its log `old` (the
        answers after the first new one come out and go back in, their ids added to `moved`), each
        with its `state_before` and `prev_ms` from the replay of the whole log; and the card's new state."""
        deck, card = key  # a card with a log since its last reset (else `_first_rows`)
        first = new[0].at_ms
        keep = next((i for i, row in enumerate(old) if row[3] > first), len(old))
        tail = old[keep:]
        moved += [row[0] for row in tail]
        merged: list[tuple] = []  # (deck, card, at_ms, rating, state_before, mode, duration, typed, session, retention,
        i = j = 0  # fuzz, prev_ms, imported_id, scheduler): the tail keeps its own order, new ones go in by time
        while i < len(tail) or j < len(new):
            if j == len(new) or (i < len(tail) and tail[i][3] <= new[j].at_ms):
                merged.append(tail[i][1:])
                i += 1
            else:
                a = new[j]
                merged.append(
                    (
                        deck,
                        card,
                        a.at_ms,
                        a.rating,
                        "",
                        mode,
                        a.duration_ms,
                        None,
                        None,
                        *scheduler_key,
                        None,
                        a.imported_id,
                        None,
                    )
                )
                j += 1
        before: list[str] = []
        state = _replay(
            key,
            [(r[4], r[3], r[10], r[11], r[14]) for r in old[:keep]]
            + [(r[3], r[2], r[9], r[10], r[13]) for r in merged],
            schedulers,
            before,
            parameters,
        )
        previous = old[keep - 1][3] if keep else None
        rows: list[tuple] = []
        for row, state_before in zip(merged, before[keep:]):  # noqa: B905 - one state per replayed answer
            rows.append((*row[:4], state_before, *row[5:11], previous, row[12], row[13]))
            previous = row[2]
        return rows, state

    def _put_state(self, db: sqlite3.Connection, state: CardState) -> None:
        db.execute(
            "INSERT OR REPLACE INTO card_states (deck, card, state, step, stability, difficulty, due_ms, "
            "last_review_ms, reps, lapses) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _state_values(state),
        )

    def _replay_in(self, db: sqlite3.Connection, key: Key) -> CardState:
        """The card's state replayed from its answers since its last reset (all of them if never reset)."""
        rows = db.execute(
            "SELECT rating, at_ms, retention, fuzz, scheduler FROM reviews INDEXED BY reviews_by_card "
            "WHERE deck = ? AND card = ? AND id > ? ORDER BY id",
            (key[0], key[1], _reset_after(db, key)),
        ).fetchall()
        return _replay(key, rows, parameters=self._parameters_in(db, key[0]))

    def _put_replayed(self, db: sqlite3.Connection, key: Key) -> None:
        """Store the card's replayed state; a card with no answer since its last reset has no row (new)."""
        state = self._replay_in(db, key)
        if state.reps:
            self._put_state(db, state)
        else:
            db.execute("DELETE FROM card_states WHERE deck = ? AND card = ?", tuple(key))

    def undo_last(self, session_id: str, events: Iterable[int] = ()) -> Key | None:
        """Remove the latest answer of `session_id` from the log and restore that card's state by
        replaying what is left of its log since its last reset (a card with no review left becomes new again);
        the card events `events` (ids: what the answer's leech rule appended) go in the same transaction.
        Durable like `record_review`. Returns the card's key, or None if the session has no answer, or
        if its latest answer came before a reset of its card (by another quiz meanwhile): a reset's place
        in the log is its card's last answer id, which must stay in the log."""
        with self.transaction() as db:
            row = db.execute(
                "SELECT id, deck, card FROM reviews INDEXED BY reviews_by_session WHERE session = ? "
                "ORDER BY id DESC LIMIT 1",
                (session_id,),
            ).fetchone()
            if row is None:
                return None
            review_id, deck, card = row
            key = (deck, card)
            if review_id <= _reset_after(db, key):
                return None
            db.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
            self._put_replayed(db, key)
            for event_id in events:
                db.execute("DELETE FROM card_events WHERE id = ? AND deck = ? AND card = ?", (event_id, deck, card))
            self._refresh_marks(db, key)
        return key

    def rebuild_states(self, *, write: bool = False) -> dict[Key, CardState]:
        """Every card's state obtained by replaying the review log from the start (with the saved
        parameters, `parameters()`).

        Each card's replay starts after its last reset (the card event log says where); a card with no
        answer since is new, so absent. It equals `states()` unless the derived table was damaged by hand;
        with `write=True` the `card_states` table is replaced by the replayed states (in one transaction)."""
        with self.transaction() as db:
            return self._rebuild_in(db, write=write, parameters_of=self._parameters_by_deck())

    def _rebuild_in(
        self,
        db: sqlite3.Connection,
        *,
        write: bool,
        parameters_of: Callable[[str], tuple[float, ...] | None],
    ) -> dict[Key, CardState]:
        # Where each card's replay starts comes from the event log itself, not from the derived marks.
        after = {key: folded[4] for key, folded in _fold_events(db).items() if folded[4]}
        rows = db.execute(
            "SELECT deck, card, rating, at_ms, retention, fuzz, scheduler, id FROM reviews ORDER BY deck, card, id"
        ).fetchall()
        result: dict[Key, CardState] = {}
        schedulers: _SchedulerCache = {}
        start = 0
        for i in range(1, len(rows) + 1):
            if i == len(rows) or rows[i][:2] != rows[start][:2]:
                key = (rows[start][0], rows[start][1])
                boundary = after.get(key, 0)
                kept = [r[2:7] for r in rows[start:i] if r[7] > boundary]
                if kept:
                    result[key] = _replay(key, kept, schedulers, parameters=parameters_of(key[0]))
                start = i
        if write:
            db.execute("DELETE FROM card_states")
            for state in result.values():
                self._put_state(db, state)
        return result

    # -- card marks: suspend, bury, flag, leech, reset (issue 15) ---------------------------------

    def suspend(self, keys: Iterable[Key], now: datetime, *, session_id: str | None = None) -> list[MarkEvent]:
        """Suspend cards (never asked in study, history kept); one transaction. Returns the events
        appended: one per card that was not suspended yet, in the order given."""
        return self._mark("suspend", keys, lambda _: 1, now, session_id)

    def unsuspend(self, keys: Iterable[Key], now: datetime, *, session_id: str | None = None) -> list[MarkEvent]:
        """Undo `suspend` for cards (one event per card that was suspended)."""
        return self._mark("suspend", keys, lambda _: 0, now, session_id)

    def bury(
        self, keys: Iterable[Key], until: datetime, now: datetime, *, session_id: str | None = None
    ) -> list[MarkEvent]:
        """Bury cards until `until` (the next study day's start: `scheduler.next_day_start`); one event per
        card whose bury changes."""
        until_ms = epoch_ms(until)
        return self._mark("bury", keys, lambda _: until_ms, now, session_id)

    def unbury(self, keys: Iterable[Key], now: datetime, *, session_id: str | None = None) -> list[MarkEvent]:
        """End the bury of cards buried at `now` (one event per such card)."""
        now_ms = epoch_ms(now)
        return self._mark("bury", keys, lambda m: None if m[1] is not None and m[1] > now_ms else m[1], now, session_id)

    def set_flag(
        self, keys: Iterable[Key], flag: int, now: datetime, *, session_id: str | None = None
    ) -> list[MarkEvent]:
        """Set cards' flag (0 clears it, 1-7 as Anki's); one event per card whose flag changes.
        ValueError for a flag outside 0-7."""
        if type(flag) is not int or flag not in FLAGS:
            raise ValueError(f"a flag is a whole number from 0 to 7, not {flag!r}")
        return self._mark("flag", keys, lambda _: flag, now, session_id)

    def mark_leech(
        self, key: Key, now: datetime, *, leech: bool = True, session_id: str | None = None
    ) -> MarkEvent | None:
        """Mark a card a leech (or not, `leech=False`); the event, or None when it already was (wasn't)."""
        events = self._mark("leech", [key], lambda _: int(leech), now, session_id)
        return events[0] if events else None

    def reset(self, keys: Iterable[Key], now: datetime, *, session_id: str | None = None) -> list[MarkEvent]:
        """Make cards new again; one transaction. Every answer stays in the review log; each card gets a
        reset event holding its last answer id, after which its replay starts. Cards with no answer since
        their last reset (new already) get none. Marks (suspended, flag, leech, bury) are kept."""
        now_ms = epoch_ms(to_ms_precision(now))
        events: list[MarkEvent] = []
        with self.transaction() as db:
            for key in dict.fromkeys((k[0], k[1]) for k in keys):
                if self._state_in(db, key).reps == 0:
                    continue
                last = db.execute(
                    "SELECT MAX(id) FROM reviews INDEXED BY reviews_by_card WHERE deck = ? AND card = ?", key
                ).fetchone()[0]
                events.append(self._append_event(db, key, now_ms, "reset", int(last or 0), None, session_id))
                db.execute("DELETE FROM card_states WHERE deck = ? AND card = ?", key)
                self._refresh_marks(db, key)
        return events

    def undo_mark(self, event_id: int) -> Key | None:
        """Take back one event (what `u` does after `@`, `-` or `*` in study): it leaves the log and its
        card's marks (and, for a reset, its state) are made again from what is left; later events of the
        card (another session's) keep their effect. Returns the card's key, or None if no such event."""
        with self.transaction() as db:
            row = db.execute("SELECT deck, card, kind FROM card_events WHERE id = ?", (event_id,)).fetchone()
            if row is None:
                return None
            key = (row[0], row[1])
            db.execute("DELETE FROM card_events WHERE id = ?", (event_id,))
            self._refresh_marks(db, key)
            if row[2] == "reset":
                self._put_replayed(db, key)
        return key

    def marks(self, keys: Iterable[Key] | None = None, *, decks: Iterable[str] | None = None) -> dict[Key, Marks]:
        """Cards' marks by key: only cards that have some event (others have `Marks()`). With neither
        argument every card's, orphans included."""
        sql = "SELECT deck, card, suspended, buried_until_ms, flag, leech FROM card_marks"
        wanted = None if keys is None else {(k[0], k[1]) for k in keys}
        if wanted is not None:
            decks = {k[0] for k in wanted} if decks is None else set(decks) & {k[0] for k in wanted}
        return {
            (d, c): Marks(bool(s), _dt(b), f, bool(lc))
            for d, c, s, b, f, lc in self._in_decks(sql, decks)
            if wanted is None or (d, c) in wanted
        }

    def set_aside(self, now: datetime, decks: Iterable[str] | None = None) -> set[Key]:
        """Keys of the cards a study session must not ask at `now`: suspended, or buried until later."""
        sql = "SELECT deck, card FROM card_marks WHERE (suspended OR buried_until_ms > ?)"
        return {(d, c) for d, c in self._in_decks(sql, decks, (epoch_ms(now),))}

    def mark_events(self, keys: Iterable[Key] | None = None) -> list[MarkEvent]:
        """The card event log in append order (of some cards only, if given); `before` is left None."""
        wanted = None if keys is None else {(k[0], k[1]) for k in keys}
        return [
            MarkEvent(i, (d, c), kind, value, None)
            for i, d, c, kind, value in self._read("SELECT id, deck, card, kind, value FROM card_events ORDER BY id")
            if wanted is None or (d, c) in wanted
        ]

    def rebuild_marks(self, *, write: bool = False) -> dict[Key, Marks]:
        """Every card's marks made again from the card event log: equal to `marks()` unless the derived
        table was damaged by hand; `write=True` replaces the `card_marks` table with them."""
        with self.transaction() as db:
            folded = _fold_events(db)
            if write:
                db.execute("DELETE FROM card_marks")
                for key in folded:
                    self._refresh_marks(db, key)
        return {key: Marks(bool(f[0]), _dt(f[1]), f[2], bool(f[3])) for key, f in folded.items()}

    def history(self, decks: Iterable[str] | None = None) -> dict[Key, int]:
        """Every card the database holds something for (answers, marks), with its answers in the log:
        what `quiz cards --orphans` compares with the decks found."""
        sql = (
            "SELECT deck, card, SUM(n) FROM (SELECT deck, card, reps AS n FROM card_states "
            "UNION ALL SELECT deck, card, reset_answers FROM card_marks)"
        )
        return {(d, c): int(n) for d, c, n in self._in_decks(sql, decks, (), " GROUP BY deck, card")}

    def forget(self, keys: Iterable[Key], *, reason: str = "forget") -> tuple[int, Path | None]:
        """Remove every trace of cards (answers, events, state, marks) after a backup (`backup(reason)`),
        in one transaction. Returns (answers removed, the backup made; None when there was nothing)."""
        wanted = sorted({(k[0], k[1]) for k in keys})
        if not wanted:
            return 0, None
        target = self.backup(reason=reason)
        removed = 0
        with self.transaction() as db:
            for key in wanted:
                removed += db.execute("DELETE FROM reviews WHERE deck = ? AND card = ?", key).rowcount
                for table in ("card_events", "card_states", "card_marks"):
                    db.execute(f"DELETE FROM {table} WHERE deck = ? AND card = ?", key)
        return removed, target

    def _mark(
        self,
        kind: str,
        keys: Iterable[Key],
        value_of: Callable[[tuple], int | None],
        now: datetime,
        session_id: str | None,
    ) -> list[MarkEvent]:
        """Append a `kind` event for each card whose mark `value_of(folded marks)` changes; one transaction."""
        column = {"suspend": 0, "bury": 1, "flag": 2, "leech": 3}[kind]
        now_ms = epoch_ms(to_ms_precision(now))
        events: list[MarkEvent] = []
        with self.transaction() as db:
            for key in dict.fromkeys((k[0], k[1]) for k in keys):
                current = _fold_events(db, key).get(key, _NO_MARKS)
                value = value_of(current)
                if value == current[column]:
                    continue
                events.append(self._append_event(db, key, now_ms, kind, value, current[column], session_id))
                self._refresh_marks(db, key)
        return events

    @staticmethod
    def _append_event(
        db: sqlite3.Connection,
        key: Key,
        at_ms: int,
        kind: str,
        value: int | None,
        before: int | None,
        session_id: str | None,
    ) -> MarkEvent:
        cursor = db.execute(
            "INSERT INTO card_events (deck, card, at_ms, kind, value, session) VALUES (?, ?, ?, ?, ?, ?)",
            (key[0], key[1], at_ms, kind, value, session_id),
        )
        return MarkEvent(int(cursor.lastrowid), key, kind, value, before)  # type: ignore[arg-type]

    @staticmethod
    def _refresh_marks(db: sqlite3.Connection, key: Key) -> None:
        """Make the card's `card_marks` row again from its events (no event: no row)."""
        folded = _fold_events(db, key).get(key)
        if folded is None:
            db.execute("DELETE FROM card_marks WHERE deck = ? AND card = ?", tuple(key))
            return
        suspended, buried_ms, flag, leech, after = folded
        before = 0
        if after:
            before = db.execute(
                "SELECT COUNT(*) FROM reviews INDEXED BY reviews_by_card WHERE deck = ? AND card = ? AND id <= ?",
                (key[0], key[1], after),
            ).fetchone()[0]
        db.execute(
            "INSERT OR REPLACE INTO card_marks (deck, card, suspended, buried_until_ms, flag, leech, reset_after, "
            "reset_answers) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (key[0], key[1], suspended, buried_ms, flag, leech, after, before),
        )

    def reviews(
        self, since: datetime | None = None, *, keys: Iterable[Key] | None = None, decks: Iterable[str] | None = None
    ) -> list[ReviewRow]:
        """The review log in append order; optionally from `since` on, for some cards or decks only."""
        sql = (
            "SELECT id, deck, card, at_ms, rating, state_before, mode, duration_ms, typed, session "
            "FROM reviews WHERE at_ms >= ?"
        )
        rows = self._in_decks(sql, decks, (epoch_ms(since) if since else -(2**62),), " ORDER BY id")
        wanted = None if keys is None else {(k[0], k[1]) for k in keys}
        return [
            ReviewRow(r[0], (r[1], r[2]), time_of_ms(r[3]), r[4], r[5], r[6], r[7], r[8], r[9])
            for r in rows
            if wanted is None or (r[1], r[2]) in wanted
        ]

    def decks_with_history(self) -> list[str]:
        """The decks that have at least one answer in the log, sorted (orphaned decks included).

        One index lookup per deck (a "loose index scan" of `reviews_by_deck_time`), not a pass
        over the log."""
        return [
            deck
            for (deck,) in self._read(
                "WITH RECURSIVE d(deck) AS (SELECT MIN(deck) FROM reviews INDEXED BY reviews_by_deck_time UNION ALL "
                "SELECT (SELECT MIN(deck) FROM reviews INDEXED BY reviews_by_deck_time WHERE deck > d.deck) "
                "FROM d WHERE d.deck IS NOT NULL) "
                "SELECT deck FROM d WHERE deck IS NOT NULL"
            )
        ]

    def card_ids(self, deck: str) -> set[str]:
        """Ids of the cards of `deck` with a stored state (ever answered)."""
        return {card for (card,) in self._read("SELECT card FROM card_states WHERE deck = ?", (deck,))}

    def deck_counts(
        self, end_of_today: datetime, mature_days: int, *, decks: Iterable[str] | None = None
    ) -> dict[str, tuple[int, int, int, int, int]]:
        """Per deck with stored states (orphans included), of some decks or all: (cards, in review,
        mature, due before `end_of_today`, answers). Cards not in review are learning or relearning;
        mature = in review with an interval of at least `mature_days`; answers = the deck's rows in
        the log (each state holds its card's answer count). One pass over the states in key order,
        the cheap way to count tens of thousands of cards."""
        sql = (
            "SELECT deck, COUNT(*), TOTAL(state = 'review'), "
            "TOTAL(state = 'review' AND due_ms - last_review_ms >= ?), TOTAL(due_ms < ?), TOTAL(reps) "
            "FROM card_states"
        )
        params = (mature_days * 86_400_000, epoch_ms(end_of_today))
        counts = {
            deck: (cards, int(review), int(mature), int(due), int(reps))
            for deck, cards, review, mature, due, reps in self._in_decks(sql, decks, params, " GROUP BY deck")
        }
        for deck, before in self._answers_before_resets(decks).items():  # answers in the log before a reset
            cards, review, mature, due, reps = counts.get(deck, (0, 0, 0, 0, 0))
            counts[deck] = (cards, review, mature, due, reps + before)
        return counts

    def _answers_before_resets(self, decks: Iterable[str] | None = None) -> dict[str, int]:
        """Per deck: the answers its cards' states no longer count, given before their last reset."""
        sql = "SELECT deck, SUM(reset_answers) FROM card_marks WHERE reset_answers > 0"
        return {deck: int(n) for deck, n in self._in_decks(sql, decks, (), " GROUP BY deck")}

    def due_per_period(self, edges: list[datetime], *, decks: Iterable[str] | None = None) -> list[int]:
        """How many stored cards fall due in each period [edges[i], edges[i + 1]), of some decks or all."""
        where, names = ("", ()) if decks is None else _deck_filter(decks, "+deck")  # "+": the due index
        return self._per_period(
            "SELECT (SELECT COUNT(*) FROM card_states INDEXED BY card_states_by_due "
            "WHERE due_ms >= p.s AND due_ms < p.e"
            f"{where and ' AND ' + where}) FROM p",
            edges,
            names,
        )

    def _per_period(self, select: str, edges: list[datetime], params: tuple = ()) -> list[int]:
        """`select` run over the periods p(s, e) = [edges[i], edges[i + 1]) in ms, one row each, in order:
        one statement, however many periods."""
        bounds = [epoch_ms(edge) for edge in edges]
        if len(bounds) < 2:
            return []
        values = ",".join("(?, ?)" for _ in bounds[1:])
        spans = tuple(ms for span in zip(bounds, bounds[1:]) for ms in span)  # noqa: B905 - one shorter by design
        return [int(n) for (n,) in self._read(f"WITH p(s, e) AS (VALUES {values}) {select}", (*spans, *params))]

    def _in_decks(self, sql: str, decks: Iterable[str] | None, params: tuple = (), tail: str = "") -> list[tuple]:
        """`sql` (+ `tail`) limited to some decks when given (`sql` ends with its WHERE clause, if any)."""
        if decks is None:
            return self._read(sql + tail, params)
        where, names = _deck_filter(decks)
        joiner = " AND" if " WHERE " in sql else " WHERE"
        return self._read(f"{sql}{joiner} {where}{tail}", (*params, *names))

    def recent_answers(
        self, edges: list[datetime], *, decks: Iterable[str] | None = None
    ) -> dict[str, tuple[int, int, int, int]]:
        """Per deck with answers in [edges[0], edges[-1]) (of some decks only if given): (passes, first
        answers, total answer ms, answers timed).

        First answers are true retention's: the first answer of each card in each period
        [edges[i], edges[i + 1]) (study days), leaving out cards that were new then; a pass is any
        rating but Again. Answer time counts every answer with a duration. One statement per deck,
        each reading that deck's answers of the period once through `reviews_by_deck_time`."""
        bounds = [epoch_ms(edge) for edge in edges]
        values = ",".join("(?, ?)" for _ in bounds[1:])
        spans = tuple(ms for span in zip(bounds, bounds[1:]) for ms in span)  # noqa: B905 - one shorter by design
        # First of the period = the card's previous answer came before the period began.
        sql = (
            f"WITH p(s, e) AS (VALUES {values}) SELECT COUNT(*), "
            "TOTAL(r.state_before <> 'new' AND r.prev_ms < p.s AND r.rating > 1), "
            "TOTAL(r.state_before <> 'new' AND r.prev_ms < p.s), TOTAL(r.duration_ms), COUNT(r.duration_ms) "
            "FROM p JOIN reviews AS r INDEXED BY reviews_by_deck_time "
            "ON r.deck = ? AND r.at_ms >= p.s AND r.at_ms < p.e"
        )
        figures: dict[str, tuple[int, int, int, int]] = {}
        if len(bounds) < 2:
            return figures
        for deck in self.decks_with_history() if decks is None else sorted(set(decks)):
            answers, passes, firsts, total_ms, timed = self._read(sql, (*spans, deck))[0]
            if answers:
                figures[deck] = (int(passes), int(firsts), int(total_ms), timed)
        return figures

    def review_count(self, decks: Iterable[str] | None = None) -> int:
        """Number of answers in the log (of some decks only if given)."""
        return int(self._in_decks("SELECT COUNT(*) FROM reviews", decks)[0][0])

    def review_counts_by_deck(self) -> dict[str, int]:
        """Number of answers per deck, orphans included. Read from the card states (each holds its
        card's answer count since its last reset; the marks hold the count before), so it stays quick
        however long the log."""
        counts = {deck: n for deck, n in self._read("SELECT deck, SUM(reps) FROM card_states GROUP BY deck")}
        for deck, before in self._answers_before_resets().items():
            counts[deck] = counts.get(deck, 0) + before
        return counts

    def answers_per_period(self, edges: list[datetime], *, decks: Iterable[str] | None = None) -> list[int]:
        """How many answers fall in each period [edges[i], edges[i + 1]) (of some decks only if
        given): answers per study day for the heatmap, one index range counted per period."""
        if decks is None:
            return self._per_period(
                "SELECT (SELECT COUNT(*) FROM reviews INDEXED BY reviews_by_time WHERE at_ms >= p.s AND at_ms < p.e) "
                "FROM p",
                edges,
            )
        where, names = _deck_filter(decks)
        return self._per_period(
            f"SELECT (SELECT COUNT(*) FROM reviews INDEXED BY reviews_by_deck_time WHERE {where} "
            "AND at_ms >= p.s AND at_ms < p.e) FROM p",
            edges,
            names,
        )

    def new_introduced_since(self, since: datetime) -> dict[str, int]:
        """Per deck, how many new cards got their first answer at or after `since` (for the daily
        new-card limit; pass `scheduler.day_start(now, ...)`)."""
        rows = self._read(
            "SELECT deck, COUNT(*) FROM reviews INDEXED BY reviews_by_time "
            "WHERE at_ms >= ? AND state_before = 'new' GROUP BY deck",
            (epoch_ms(since),),
        )
        return {deck: n for deck, n in rows}

    def reviews_done_since(self, since: datetime) -> dict[str, int]:
        """Per deck, how many answers at or after `since` were to cards in review (for the daily review
        limit, `reviews_per_day`, counted as Anki does: a review card failed and relearned counts once)."""
        rows = self._read(
            "SELECT deck, COUNT(*) FROM reviews INDEXED BY reviews_by_time "
            "WHERE at_ms >= ? AND state_before = 'review' GROUP BY deck",
            (epoch_ms(since),),
        )
        return {deck: n for deck, n in rows}

    def answered_since(self, since: datetime) -> set[Key]:
        """Keys of the cards answered at or after `since` (for burying siblings in `build_queue`)."""
        return {
            (d, c)
            for d, c in self._read(
                "SELECT DISTINCT deck, card FROM reviews INDEXED BY reviews_by_time WHERE at_ms >= ?",
                (epoch_ms(since),),
            )
        }

    # -- settings ----------------------------------------------------------------------------

    def get_setting(self, name: str, default: Any = None, *, deck: str | None = None) -> Any:
        """A saved setting (global, or `deck`'s own), or `default` when unset. The known ones
        (settings.SETTINGS) come back checked; a value edited by hand into something else raises
        StoreError naming it."""
        stored = stored_name(name, deck)
        rows = self._read("SELECT value FROM settings WHERE name = ?", (stored,))
        return self._setting_value(stored, rows[0][0]) if rows else default

    def _setting_value(self, stored: str, text: str) -> Any:
        """The JSON value of the settings row `stored`, checked if it is a known setting."""
        try:
            value = _from_json(text)
        except ValueError:
            raise StoreError(f"the setting {stored!r} in {self.path} is not a JSON value: {text!r}") from None
        deck, name = split_stored_name(stored)
        problem = setting_problem(name, value)
        if problem:
            where = f" --deck {deck}" if deck is not None else ""
            raise StoreError(
                f"the setting {stored!r} in {self.path} {problem}, not {value!r} "
                f"(to forget it: quiz config {name} --unset{where})"
            )
        return value

    def set_setting(self, name: str, value: Any, *, deck: str | None = None) -> None:
        """Save a setting, global or for `deck` (any JSON value; known names are checked: ValueError);
        committed at once. The FSRS `parameters` go through `save_parameters` (the states are replayed)."""
        if name == "parameters":
            self.save_parameters(value, deck=deck)
            return
        problem = setting_problem(name, value)
        if problem:
            raise ValueError(f"setting {name!r} {problem}, not {value!r}")
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO settings (name, value) VALUES (?, ?)",
                (stored_name(name, deck), _to_json(value)),
            )

    def decks_with_settings(self) -> set[str]:
        """The decks that have a setting of their own saved, values unchecked (a damaged one can be unset)."""
        rows = self._read("SELECT name FROM settings WHERE name LIKE 'deck:%'")
        return {deck for (stored,) in rows for deck, _ in [split_stored_name(stored)] if deck is not None}

    def unset_setting(self, name: str, *, deck: str | None = None) -> bool:
        """Remove a saved setting (global, or `deck`'s own); whether there was one. Committed at once
        (the FSRS `parameters` through `save_parameters`: the states are replayed)."""
        if name == "parameters":  # unchecked: the way out of a damaged value
            existed = bool(self._read("SELECT 1 FROM settings WHERE name = ?", (stored_name(name, deck),)))
            self.save_parameters(None, deck=deck)
            return existed
        with self.transaction() as db:
            return db.execute("DELETE FROM settings WHERE name = ?", (stored_name(name, deck),)).rowcount > 0

    def settings(self) -> Settings:
        """Every saved setting of settings.SETTINGS, global and per deck, each checked (StoreError)."""
        saved: dict[str, Any] = {}
        decks: dict[str, dict[str, Any]] = {}
        for stored, text in self._read("SELECT name, value FROM settings ORDER BY name"):
            deck, name = split_stored_name(stored)
            if name not in SETTINGS:
                continue
            value = self._setting_value(stored, text)
            (saved if deck is None else decks.setdefault(deck, {}))[name] = value
        return Settings(saved, decks)

    def retention(self, retention: float | None = None, *, deck: str | None = None) -> float:
        """The desired retention: `retention` if given, else the saved setting of `deck` or the global one
        (checked: StoreError), else 0.9. A study session reads it before showing a card, like every
        setting it uses."""
        return float(retention if retention is not None else self.settings().value("retention", deck))

    def scheduler(
        self, retention: float | None = None, fuzz: bool = True, *, deck: str | None = None
    ) -> fsrs.Scheduler:
        """A scheduler with the settings in force for `deck` (None: the global ones): retention (`retention`
        when given), learning and relearning steps, and FSRS weights."""
        return scheduler_for_settings(self.settings(), deck, retention, fuzz)

    def parameters(self, deck: str | None = None) -> tuple[float, ...] | None:
        """The FSRS-6 parameters in force for `deck` (its own, else the global ones: `quiz optimize`'s or
        `quiz config parameters`), None for fsrs's defaults. Every answer is scheduled, and every replay
        of the log made, with them. Reads (and checks) those two rows only: every answer asks (record_answer)."""
        names = [stored_name("parameters", deck), "parameters"] if deck is not None else ["parameters"]
        rows = dict(
            self._read(f"SELECT name, value FROM settings WHERE name IN ({', '.join('?' * len(names))})", names)
        )
        name = next((n for n in names if n in rows), None)
        saved = None if name is None else self._setting_value(name, rows[name])
        return None if saved is None else tuple(float(w) for w in saved)

    def _parameters_in(self, db: sqlite3.Connection, deck: str) -> tuple[float, ...] | None:
        """`parameters(deck)` read inside the transaction on `db` (the replay of an undo uses them)."""
        assert db is self._db
        return self.parameters(deck)

    def _parameters_by_deck(self) -> Callable[[str], tuple[float, ...] | None]:
        """`parameters(deck)` for any deck, the settings read once (a rebuild or import touches many decks)."""
        settings = self.settings()
        made: dict[str, tuple[float, ...] | None] = {}

        def of(deck: str) -> tuple[float, ...] | None:
            if deck not in made:
                saved = settings.value("parameters", deck)
                made[deck] = None if saved is None else tuple(float(w) for w in saved)
            return made[deck]

        return of

    def save_parameters(
        self, parameters: Iterable[float] | None, *, deck: str | None = None, decks: Iterable[str] = ()
    ) -> int:
        """Save FSRS parameters, global or `deck`'s own, or each of `decks`' own (None: unset them), and
        recompute every card's state with the parameters now in force by replaying the whole log, in ONE
        transaction: the log stays the truth, the states follow the parameters. ValueError for parameters
        `fsrs` refuses. Returns the number of cards replayed."""
        targets: list[str | None] = [*decks] or [deck]
        value = None if parameters is None else [float(w) for w in parameters]
        if value is not None:
            problem = setting_problem("parameters", value)
            if problem:
                raise ValueError(f"setting 'parameters' {problem}")
        with self.transaction() as db:
            for target in targets:
                if value is None:
                    db.execute("DELETE FROM settings WHERE name = ?", (stored_name("parameters", target),))
                else:
                    db.execute(
                        "INSERT OR REPLACE INTO settings (name, value) VALUES (?, ?)",
                        (stored_name("parameters", target), _to_json(value)),
                    )
            return len(self._rebuild_in(db, write=True, parameters_of=self._parameters_by_deck()))

    def optimizer_log(self, decks: Iterable[str] | None = None) -> list[tuple[str, str, int, int, str, str]]:
        """(deck, card, at_ms, rating, state_before, mode) of every answer (of `decks`), each card's together
        in log order: what `quiz optimize` reads."""
        return self._in_decks(
            "SELECT deck, card, at_ms, rating, state_before, mode FROM reviews INDEXED BY reviews_by_card",
            decks,
            tail=" ORDER BY deck, card, id",
        )

    # -- exams -------------------------------------------------------------------------------

    def start_exam(self, started_at: datetime, decks: Iterable[str], seed: int | None, total: int) -> int:
        """Record the start of an exam of `total` questions over `decks`; returns its id."""
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO exams (started_ms, decks, seed, total) VALUES (?, ?, ?, ?)",
                (epoch_ms(started_at), _to_json(list(decks)), seed, total),
            )
            return int(cursor.lastrowid)  # type: ignore[arg-type]

    def record_exam_answer(
        self,
        exam_id: int,
        position: int,
        question_id: str,
        kind: str,
        prompt: str,
        given: str | None,
        expected: str,
        correct: bool,
        tags: Iterable[str],
        answered_at: datetime,
    ) -> None:
        """Store one graded answer of exam `exam_id` (`position` 1-based); committed at once.
        Answering the same position again replaces it."""
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO exam_answers (exam, position, question, kind, prompt, given, expected, "
                "correct, tags, answered_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    exam_id,
                    position,
                    question_id,
                    kind,
                    prompt,
                    given,
                    expected,
                    int(bool(correct)),
                    _to_json(list(tags)),
                    epoch_ms(answered_at),
                ),
            )

    def finish_exam(self, exam_id: int, finished_at: datetime, score: int, seconds: float) -> None:
        """Mark exam `exam_id` finished with its score (questions right) and duration in seconds."""
        with self.transaction() as db:
            db.execute(
                "UPDATE exams SET finished_ms = ?, score = ?, seconds = ? WHERE id = ?",
                (epoch_ms(finished_at), score, seconds, exam_id),
            )

    def exams(self, limit: int = 10) -> list[ExamRow]:
        """The latest `limit` exams, newest first (finished or not)."""
        rows = self._read(
            "SELECT id, started_ms, finished_ms, decks, seed, total, score, seconds FROM exams "
            "ORDER BY started_ms DESC, id DESC LIMIT ?",
            (limit,),
        )
        return [
            ExamRow(r[0], _dt(r[1]), _dt(r[2]), _from_json(r[3]), r[4], r[5], r[6], r[7])  # type: ignore[arg-type]
            for r in rows
        ]

    def exam_answers(self, exam_id: int | None = None) -> list[dict[str, Any]]:
        """Stored exam answers (of one exam, or all), in exam and position order."""
        sql = (
            "SELECT exam, position, question, kind, prompt, given, expected, correct, tags, answered_ms "
            "FROM exam_answers"
        )
        rows = self._read(
            sql + (" WHERE exam = ?" if exam_id is not None else "") + " ORDER BY exam, position",
            () if exam_id is None else (exam_id,),
        )
        return [
            {
                "exam": r[0],
                "position": r[1],
                "question": r[2],
                "kind": r[3],
                "prompt": r[4],
                "given": r[5],
                "expected": r[6],
                "correct": bool(r[7]),
                "tags": _from_json(r[8]),
                "answered_at": _dt(r[9]),
            }
            for r in rows
        ]

    # -- checks --------------------------------------------------------------------------------

    def integrity_check(self) -> str:
        """SQLite's `PRAGMA integrity_check` result ("ok" when sound)."""
        return str(self._read("PRAGMA integrity_check")[0][0])


# A process that holds the database open until its stdin closes (Store._close_without_checkpoint).
_KEEPER = """import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30)
db.execute("SELECT count(*) FROM sqlite_master").fetchone()
sys.stdout.write("held\\n")
sys.stdout.flush()
sys.stdin.read()
db.close()
"""

_FileId = tuple[int, int] | None  # (st_dev, st_ino) of a file, None when it is not there


def _moved_message(path: Path, moved: str) -> str:
    # Not just the last answer: every answer committed to the old file and not yet copied into the
    # database by a checkpoint (SQLite's, at the last session's close) is gone with it.
    if moved == "database":
        what, lost = f"the review database {path} was removed or replaced", "answers saved to the old file"
    else:
        what, lost = (
            f"the write-ahead log {path.name}-wal was removed",
            "answers saved in it and not yet copied into the database",
        )
    return (
        f"{what} while quiz was running; {lost} (this session's, and those of any quiz running meanwhile) "
        "may be lost. Close every quiz session and start again."
    )


def _file_ids(path: Path) -> tuple[_FileId, _FileId]:
    """The identities of the database file and of its WAL."""
    ids: list[_FileId] = []
    for name in (str(path), f"{path}-wal"):
        try:
            st = os.stat(name)
            ids.append((st.st_dev, st.st_ino))
        except OSError:
            ids.append(None)
    return ids[0], ids[1]


_SchedulerCache = dict[tuple[float, int, "str | None", "tuple[float, ...] | None"], "fsrs.Scheduler"]


def _replay(
    key: Key,
    rows: Iterable[tuple],
    schedulers: _SchedulerCache | None = None,
    states_before: list[str] | None = None,
    parameters: tuple[float, ...] | None = None,
) -> CardState:
    """Replay (rating, at_ms, retention, fuzz[, scheduler config]) rows with the learning steps each
    answer was made with (its logged config) and the FSRS `parameters` in force now (None: the defaults):
    the states follow the saved parameters (issue 18), the steps stay as answered (`scheduler.replay_log`:
    what chaining `review` gives). `schedulers` caches them across calls."""
    cache: _SchedulerCache = {} if schedulers is None else schedulers
    steps = []
    for rating, at_ms, retention, fuzz, *config in rows:
        # the time `time_of_ms` reads, in microseconds
        scheduler = _scheduler(cache, retention, fuzz, config[0] if config else None, parameters)
        steps.append((rating, min(max(at_ms, _EARLIEST_MS), _LATEST_MS) * 1000, scheduler))
    return replay_log_us(key, steps, states_before)


_NO_MARKS = (0, None, 0, 0, 0)  # (suspended, buried_until_ms, flag, leech, reset_after) of a card without events
_FOLD_COLUMN = {"suspend": 0, "bury": 1, "flag": 2, "leech": 3, "reset": 4}


def _fold_events(db: sqlite3.Connection, key: Key | None = None) -> dict[Key, tuple]:
    """The card event log (of one card, or all) folded in append order: per card, the latest value of each
    kind, as (suspended, buried_until_ms, flag, leech, reset_after)."""
    if key is None:
        rows = db.execute("SELECT deck, card, kind, value FROM card_events ORDER BY id").fetchall()
    else:
        rows = db.execute(
            "SELECT deck, card, kind, value FROM card_events INDEXED BY card_events_by_card "
            "WHERE deck = ? AND card = ? ORDER BY id",
            tuple(key),
        ).fetchall()
    folded: dict[Key, list] = {}
    for deck, card, kind, value in rows:
        marks = folded.get((deck, card))
        if marks is None:
            marks = folded[(deck, card)] = list(_NO_MARKS)
        marks[_FOLD_COLUMN[kind]] = value
    return {k: tuple(v) for k, v in folded.items()}


def _reset_after(db: sqlite3.Connection, key: Key) -> int:
    """The card's last answer id at its last reset (0: never reset): its replay starts after it."""
    row = db.execute("SELECT reset_after FROM card_marks WHERE deck = ? AND card = ?", (key[0], key[1])).fetchone()
    return int(row[0]) if row else 0


def _full_row(row: tuple) -> tuple:
    """A row of `Store._first_rows` with its `typed`, `session` and `scheduler` (None) put in: all 14 columns."""
    return (*row[:7], None, None, *row[7:], None)


def _scheduler(
    cache: _SchedulerCache,
    retention: float,
    fuzz: int,
    config: str | None = None,
    parameters: tuple[float, ...] | None = None,
) -> fsrs.Scheduler:
    """The scheduler with the `retention`, `fuzz` and steps (`config`: `scheduler_config`) an answer was
    made with and the FSRS `parameters` in force (None: the defaults), from `cache` (made once)."""
    index = (retention, fuzz, config, parameters)
    scheduler = cache.get(index)
    if scheduler is None:
        scheduler = cache[index] = scheduler_from_config(retention, bool(fuzz), config, parameters)
    return scheduler


def _state_values(state: CardState) -> tuple:
    """A state as the columns of its `card_states` row."""
    return (
        state.key[0],
        state.key[1],
        state.state,
        state.step,
        state.stability,
        state.difficulty,
        None if state.due is None else epoch_ms(state.due),
        None if state.last_review is None else epoch_ms(state.last_review),
        state.reps,
        state.lapses,
    )


def _ms_or_none(moment: datetime | None) -> int | None:
    return None if moment is None else epoch_ms(moment)


def _from_json(text: str) -> Any:
    import json  # here, not at the top: `quiz stats` on a database without settings never needs it

    return json.loads(text)


def _to_json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (executescript would commit our transaction)."""
    statements, current = [], ""
    for piece in script.split(";"):
        current += piece + ";"
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return [s for s in statements if s.strip(" \n;")]


def scheduler_for_settings(
    settings: Settings, deck: str | None, retention: float | None = None, fuzz: bool = True
) -> fsrs.Scheduler:
    """The scheduler of `deck` under `settings` (retention overridden by `retention` when given)."""
    parameters = settings.value("parameters", deck)
    return make_scheduler(
        retention=float(retention if retention is not None else settings.value("retention", deck)),
        fuzz=fuzz,
        learning_steps=steps_of(settings.value("learning_steps", deck)),
        relearning_steps=steps_of(settings.value("relearning_steps", deck)),
        parameters=None if parameters is None else tuple(parameters),
    )


# SQLite's primary result codes that have a message of their own (extended codes carry them in the low byte).
(
    _SQLITE_BUSY,
    _SQLITE_LOCKED,
    _SQLITE_READONLY,
    _SQLITE_IOERR,
    _SQLITE_CORRUPT,
    _SQLITE_FULL,
    _SQLITE_CANTOPEN,
    _SQLITE_NOTADB,
) = 5, 6, 8, 10, 11, 13, 14, 26


def store_error_message(path: Path, exc: sqlite3.Error) -> str | None:
    """What a failed SQLite call on the database `path` means, in words for the user, naming the
    cause (the disk is full, an I/O error, read-only, locked, damaged); None for an error that is a
    bug of ours (a constraint, a misuse), which is not dressed up. The one mapping from SQLite's
    errors to StoreError messages: a new cause gets its branch here."""
    code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11+; the message text is the fallback
    primary = None if code is None else code & 0xFF
    text = str(exc)
    if primary == _SQLITE_FULL or "database or disk is full" in text:
        return f"cannot write to {path}: the disk is full; free some space, then try again"
    if primary == _SQLITE_IOERR or "disk I/O error" in text:
        return (
            f"cannot use {path}: the disk reported an I/O error (it may be full, failing or removed); "
            "check it, then try again"
        )
    if primary in (_SQLITE_READONLY, _SQLITE_CANTOPEN) or any(
        word in text for word in ("readonly", "read-only", "unable to open")
    ):
        return (
            f"cannot write to {path}: the file or its folder is read-only (set DENSE1X1QUIZ_HOME to a writable folder)"
        )
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED) or "locked" in text:
        return f"{path} stayed locked by another quiz for {BUSY_TIMEOUT_MS // 1000} s; try again"
    if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB) or _is_damage(text):
        return _damaged_message(path, text)
    if isinstance(exc, sqlite3.OperationalError):
        return f"cannot use {path}: {text}"
    return None


def _is_damage(text: str) -> bool:
    text = text.lower()
    return any(word in text for word in ("malformed", "not a database", "corrupt", "encrypted"))


def list_backups(home: Path) -> list[Path]:
    """Backups in `<home>/backups/`, newest first: regular files only (a folder, FIFO or broken link
    named like one is no backup), each looked at once (another quiz may be deleting old ones meanwhile)."""
    folder = Path(home) / BACKUP_DIR
    if not folder.is_dir():
        return []
    found: list[tuple[float, str, Path]] = []
    for candidate in folder.glob("quiz-*.sqlite3"):
        try:
            st = os.stat(candidate)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            found.append((st.st_mtime, candidate.name, candidate))
    return [p for _, _, p in sorted(found, reverse=True)]


def _prune(backups: list[Path]) -> None:
    """Keep the newest BACKUPS_KEPT backups, and of those only as many as fit in BACKUP_BYTES_KEPT
    together (the newest is always kept, whatever its size)."""
    total = 0
    for n, backup in enumerate(backups):
        try:
            total += backup.stat().st_size
        except OSError:
            continue
        if n and (n >= BACKUPS_KEPT or total > BACKUP_BYTES_KEPT):
            backup.unlink(missing_ok=True)


def _read_mark(path: Path) -> int | None:
    """The log's last answer id at the last checked copy (CHECKED_MARK), or None when there is no
    readable record (a missing file, anything but a regular file, other content): then a copy is due."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        with open(path, "rb") as f:
            text = f.read(32).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() and len(text) < 19 else None


def _write_mark(path: Path, last_id: int) -> None:
    """Record the last checked copy (its mtime says when the database was last checked). Best effort:
    without it, the next day's first command checks and copies again, which is safe."""
    partial = path.with_name(path.name + ".part")
    try:
        path.parent.mkdir(exist_ok=True)
        partial.write_text(f"{last_id}\n", encoding="ascii")
        os.replace(partial, path)
    except OSError:
        if partial.is_file():
            partial.unlink(missing_ok=True)


def _damaged_message(path: Path, problem: str) -> str:
    backups = list_backups(path.parent)
    hint = f"the newest backup is {backups[0]}" if backups else f"there is no backup in {path.parent / BACKUP_DIR}"
    return (
        f"the review database {path} is damaged ({problem}); it was left untouched. "
        f"Move it away to start afresh, or restore a backup: {hint}"
    )


__all__ = [
    "DB_NAME",
    "MIGRATIONS",
    "SETTINGS",
    "FLAGS",
    "MARK_KINDS",
    "scheduler_for_settings",
    "ExamRow",
    "MarkEvent",
    "Marks",
    "ReviewRow",
    "StateRow",
    "Store",
    "epoch_ms",
    "list_backups",
    "state_from_row",
    "store_error_message",
    "time_of_ms",
    "to_ms_precision",
]
