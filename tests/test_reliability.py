"""Reliability with real processes: kill -9, two sessions at once, damaged files, read-only homes.

The sessions are real `quiz study` processes driven through the line protocol (DESIGN.md:
`--mode flip`, two lines per card); an answer is acknowledged when its "Saved …" line appears.
"""

import os
import random
import re
import select
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from dense1x1quiz.scheduler import make_scheduler
from dense1x1quiz.store import DB_NAME, Store

QUIZ = [sys.executable, "-m", "dense1x1quiz"]
SAVED = re.compile(rb"^Saved ", re.MULTILINE)
START = datetime(2026, 5, 4, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def deck(tmp_path):
    path = tmp_path / "big.yaml"
    cards = "".join(f"  - {{id: c{i:03d}, front: Question {i}, back: Answer {i}}}\n" for i in range(400))
    path.write_text(f"deck: big\ntitle: Big\ncards:\n{cards}", encoding="utf-8")
    return path


def _env(home, now=START, **extra):
    return {**os.environ, "DENSE1X1QUIZ_HOME": str(home), "DENSE1X1QUIZ_NOW": now.isoformat(), "NO_COLOR": "1", **extra}


def _count(home) -> int:
    db = sqlite3.connect(home / DB_NAME)
    try:
        return db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
    finally:
        db.close()


def _integrity(home) -> str:
    db = sqlite3.connect(home / DB_NAME)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


class Session:
    """A `quiz study --mode flip` process fed one answer at a time."""

    def __init__(self, deck, home, now):
        self.proc = subprocess.Popen(
            [*QUIZ, "study", str(deck), "--mode", "flip", "--new", "1000"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_env(home, now),
        )
        self.out = b""

    def answer(self, rating: int) -> None:
        self.proc.stdin.write(f"show\n{rating}\n".encode())
        self.proc.stdin.flush()

    def acks(self) -> int:
        return len(SAVED.findall(self.out))

    def wait_acks(self, n: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self.acks() < n:
            assert time.monotonic() < deadline, f"no acknowledgement in {timeout} s: {self.out[-500:]!r}"
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                assert chunk or self.proc.poll() is None, self.proc.stderr.read().decode()
                self.out += chunk

    def kill9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        rest, err = self.proc.communicate(timeout=30)
        self.out += rest
        assert self.proc.returncode == -signal.SIGKILL, err.decode()


def test_kill_9_never_loses_an_acknowledged_answer(deck, tmp_path):
    """20 sessions killed with SIGKILL at random points: after k acknowledged answers with nothing
    pending, exactly k are stored; with one answer in flight, k or k + 1; never a damaged file."""
    home = tmp_path / "home"
    rng = random.Random(20261126)
    stored = 0
    for trial in range(20):
        k = rng.randint(0, 4)
        in_flight = trial % 2 == 1
        session = Session(deck, home, START + timedelta(days=trial))
        for i in range(k):
            session.answer(rng.randint(1, 4))
            session.wait_acks(i + 1)
        if in_flight:
            session.answer(rng.randint(1, 4))
            time.sleep(rng.uniform(0, 0.03))
        session.kill9()
        assert home.joinpath(DB_NAME).exists() or k == 0
        now_stored = _count(home) if home.joinpath(DB_NAME).exists() else 0
        added = now_stored - stored
        assert added >= session.acks()  # nothing acknowledged is lost
        assert added in ((k, k + 1) if in_flight else (k,)), (trial, k, in_flight, added)
        assert _integrity(home) == "ok"
        stored = now_stored
    with Store.open(home) as s:
        assert s.rebuild_states() == s.states()
        assert s.review_count() == stored > 20


def test_two_sessions_at_once_keep_every_answer(deck, tmp_path):
    home = tmp_path / "home"
    Store.open(home).close()  # the schema exists: both sessions start on equal terms
    script = "".join(f"show\n{1 + i % 4}\n" for i in range(25)) + "q\n"
    procs = [
        subprocess.Popen(
            [*QUIZ, "study", str(deck), "--mode", "flip", "--new", "1000"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_env(home),
        )
        for _ in range(2)
    ]
    with ThreadPoolExecutor(2) as pool:  # both are started before either gets input
        outputs = list(pool.map(lambda p: p.communicate(script.encode(), timeout=120), procs))
    results = [(out, err, p.returncode) for (out, err), p in zip(outputs, procs, strict=True)]
    for out, err, code in results:
        assert code == 0, err.decode()
        assert b"locked" not in err and err == b""
        assert len(SAVED.findall(out)) == 25
    assert _count(home) == 50
    with Store.open(home) as s:
        states = s.states()
        assert sum(st.reps for st in states.values()) == 50
        assert s.rebuild_states() == states  # both built on each other's answers, none overwritten
        assert len({r.session for r in s.reviews()}) == 2


WRITER = textwrap.dedent("""
    import sys
    from datetime import datetime, timedelta, timezone
    from pathlib import Path
    from dense1x1quiz.scheduler import make_scheduler
    from dense1x1quiz.store import Store
    home, name, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    start = datetime(2026, 5, 4, 9, 0, tzinfo=timezone.utc)
    with Store.open(home) as store:
        scheduler = make_scheduler()
        for i in range(n):
            card = ("stress", f"c{i % 5}")  # every writer hits the same five cards
            store.record_review(card, 1 + i % 4, start + timedelta(minutes=i), mode="flip",
                                session_id=name, scheduler=scheduler)
            print(i + 1, flush=True)
""")


def test_four_writers_hammering_the_same_cards_from_a_fresh_home(tmp_path):
    home = tmp_path / "home"  # not created yet: the four race to create the schema too
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(home), f"w{w}", "150"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_env(home),
        )
        for w in range(4)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
        assert out.split()[-1] == b"150"
    with Store.open(home) as s:
        assert s.review_count() == 600
        assert {r.session for r in s.reviews()} == {"w0", "w1", "w2", "w3"}
        states = s.states()
        assert sum(st.reps for st in states.values()) == 600
        assert s.rebuild_states() == states
        assert s.integrity_check() == "ok"


# -- damaged databases and read-only homes, as the user sees them -------------------------------


def _unwrapped(stderr: str) -> str:
    """The message without the line breaks the console adds at its width (80 on a pipe)."""
    return stderr.replace("\n", "")


def _make_db(home) -> Path:
    with Store.open(home) as s:
        for i in range(300):
            s.record_review(("big", f"c{i:03d}"), 3, START, mode="flip", typed="t" * 150, scheduler=make_scheduler())
        return s.backup()


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
@pytest.mark.parametrize("command", [["stats"], ["study", "--mode", "flip"]])
def test_damaged_database_is_reported_with_its_backup_and_left_alone(deck, tmp_path, damage, command):
    home = tmp_path / "home"
    backup = _make_db(home)
    path = home / DB_NAME
    data = path.read_bytes()
    data = b"PK\x03\x04 not a database" * 300 if damage == "garbage" else data[: len(data) // 2 - 1000]
    path.write_bytes(data)
    args = [*command, str(deck)] if command[0] == "study" else command
    result = subprocess.run(
        [*QUIZ, *args], input="show\n3\n", capture_output=True, text=True, env=_env(home), timeout=60
    )
    assert result.returncode == 1
    assert result.stdout == ""
    message = _unwrapped(result.stderr)
    assert message.startswith(f"Error: the review database {path} is damaged (")
    assert message.endswith(f"restore a backup: the newest backup is {backup}")
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == data
    assert not path.with_name(DB_NAME + "-wal").exists()


def _without_root_powers():
    """preexec_fn that makes root obey file modes (drops CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH and
    CAP_FOWNER from the child's bounding set); None when not root."""
    if os.geteuid() != 0:
        return None
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)

    def drop():
        for capability in (1, 2, 3):
            if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")

    return drop


@pytest.mark.parametrize("with_db", [False, True])
def test_read_only_home_gives_a_clear_error(deck, tmp_path, with_db):
    home = tmp_path / "home"
    home.mkdir()
    if with_db:
        _make_db(home)
    for path in [home, *home.rglob("*")]:
        os.chmod(path, 0o555 if path.is_dir() else 0o444)
    try:
        for args in (["stats"], ["study", str(deck), "--mode", "flip"]):
            try:
                result = subprocess.run(
                    [*QUIZ, *args],
                    input="show\n3\n",
                    capture_output=True,
                    text=True,
                    env=_env(home, XDG_CACHE_HOME=str(tmp_path / "cache")),
                    timeout=60,
                    preexec_fn=_without_root_powers(),
                )
            except subprocess.SubprocessError as exc:
                pytest.skip(f"cannot drop root's file powers here: {exc}")
            assert result.returncode == 1, result.stdout + result.stderr
            if with_db:
                expected = (
                    f"Error: cannot write to {home / DB_NAME}: the file or its folder is read-only "
                    "(set DENSE1X1QUIZ_HOME to a writable folder)"
                )
            else:
                expected = (
                    f"Error: cannot create the review database in {home}: the folder is read-only "
                    "(set DENSE1X1QUIZ_HOME to a writable folder)"
                )
            assert _unwrapped(result.stderr) == expected
            assert sorted(p.name for p in home.iterdir()) == (["backups", DB_NAME] if with_db else [])
    finally:
        for path in [home, *home.rglob("*")]:
            os.chmod(path, 0o700)


# -- card events (issue 15): suspend, bury, flag, reset beside answers -----------------------------

MARKER = textwrap.dedent("""
    import sys
    from datetime import datetime, timedelta, timezone
    from pathlib import Path
    from dense1x1quiz.scheduler import make_scheduler
    from dense1x1quiz.store import Store
    home, name, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    start = datetime(2026, 5, 4, 9, 0, tzinfo=timezone.utc)
    with Store.open(home) as store:
        scheduler = make_scheduler()
        rows = 0  # rows this writer added to the two logs (a step that changes nothing adds none)
        for i in range(n):
            card = ("stress", f"c{i % 5}")  # every writer hits the same five cards
            now = start + timedelta(minutes=i)
            step = i % 4
            if step == 0:
                store.record_review(card, 3, now, mode="flip", session_id=name, scheduler=scheduler)
                rows += 1
            elif step == 1:
                rows += len(store.suspend([card], now, session_id=name) or store.unsuspend([card], now))
            elif step == 2:
                rows += len(store.reset([card], now, session_id=name) or store.set_flag([card], 1 + i % 7, now))
            else:
                rows += len(store.bury([card], now + timedelta(hours=i), now, session_id=name))
            print(i + 1, rows, flush=True)  # after the commit: acknowledged
""")


def _events(home) -> int:
    db = sqlite3.connect(home / DB_NAME)
    try:
        return db.execute("SELECT COUNT(*) FROM card_events").fetchone()[0]
    finally:
        db.close()


def _consistent(home) -> None:
    """The derived tables equal what replaying both logs gives, and the file is sound."""
    with Store.open(home) as s:
        assert s.rebuild_states() == s.states()
        assert s.rebuild_marks() == s.marks()
        assert s.integrity_check() == "ok"


def test_four_processes_marking_and_answering_the_same_cards_keep_every_event(tmp_path):
    home = tmp_path / "home"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", MARKER, str(home), f"w{w}", "120"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_env(home),
        )
        for w in range(4)
    ]
    written = 0
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
        steps, rows = map(int, out.split()[-2:])
        assert steps == 120 and rows >= 30 + 30  # its answers and buries at least (each bury changes the time)
        written += rows
    assert _count(home) == 4 * 30  # every answer kept
    assert _count(home) + _events(home) == written  # and every event each writer was told it made
    _consistent(home)


def test_kill_9_never_loses_an_acknowledged_card_event(tmp_path):
    """Marking processes killed with SIGKILL at random moments: every event they printed is stored
    (each print follows its commit), at most one more; the derived tables stay equal to the replay."""
    home = tmp_path / "home"
    Store.open(home).close()
    rng = random.Random(15)
    for _ in range(8):
        before = _count(home) + _events(home)
        proc = subprocess.Popen(
            [sys.executable, "-c", MARKER, str(home), "k", "100000"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_env(home),
        )
        wanted, steps, acked = rng.randint(1, 40), 0, 0
        while steps < wanted:
            line = proc.stdout.readline()
            assert line, proc.stderr.read().decode()
            steps, acked = map(int, line.split())
        time.sleep(rng.uniform(0, 0.02))
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate(timeout=30)
        lines = [line.split() for line in rest.decode().splitlines() if len(line.split()) == 2]
        acked = int(lines[-1][1]) if lines else acked
        added = _count(home) + _events(home) - before
        assert added in (acked, acked + 1), (acked, added)
        assert _integrity(home) == "ok"
    _consistent(home)


def test_cards_marked_and_reset_from_the_command_line_while_a_session_answers(deck, tmp_path):
    home = tmp_path / "home"
    session = Session(deck, home, START)
    for i in range(3):
        session.answer(3)
        session.wait_acks(i + 1)
    env = _env(home)
    for args in (
        ["suspend", f"{deck}:c100", f"{deck}:c101"],
        ["bury", f"{deck}:c102"],
        ["reset", f"{deck}:c000", "-y"],
    ):
        done = subprocess.run([*QUIZ, *args], capture_output=True, text=True, env=env, timeout=60)
        assert (done.returncode, done.stderr) == (0, ""), args
    for i in range(3, 6):
        session.answer(3)
        session.wait_acks(i + 1)
    session.proc.stdin.write(b"q\n")
    session.proc.stdin.flush()
    out, err = session.proc.communicate(timeout=60)
    assert session.proc.returncode == 0, err.decode()
    assert _count(home) == 6 and _events(home) == 4
    with Store.open(home) as s:
        assert s.state(("big", "c000")).reps == 0  # reset after its one answer
        assert s.set_aside(START) == {("big", "c100"), ("big", "c101"), ("big", "c102")}
    _consistent(home)
