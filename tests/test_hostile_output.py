"""Where output goes, when it cannot go there: a closed or full standard output, a path the user cannot
reach, a symbolic link as `-o`, a run out of memory. Each is one `Error:` line and exit 1 (or, with
stderr closed too, exit 1 alone), never "internal error", and nothing is replaced that should stay.

The hostile runs are real processes (a closed fd, another user) under a memory limit and a timeout."""

from __future__ import annotations

import errno
import io
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DECK = str(REPO / "decks" / "dense-vs-1x1.yaml")
CLOSED = "Error: standard output is closed; quiz writes its results there (to discard them: > /dev/null)\n"
FULL = "Error: cannot write to standard output: the disk is full\n"
HINT = " (give a file name with -o, or -o - for standard output)"

# Every command that writes to stdout, in the forms the tester broke.
WRITERS = [
    ("decks",),
    ("decks", "--json"),
    ("stats",),
    ("stats", "--json"),
    ("validate", DECK),
    ("export", "dense-vs-1x1", "--format", "csv", "-o", "-"),
    ("demo",),
    ("study", "--mode", "flip"),
]


def _limit(memory_mib: int = 1024, close: tuple[int, ...] = ()):
    def preexec() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_mib << 20, memory_mib << 20))
        for fd in close:
            os.close(fd)

    return preexec


def _run(
    args: tuple[str, ...],
    home: Path,
    *,
    stdout=subprocess.PIPE,
    stderr=subprocess.PIPE,
    close: tuple[int, ...] = (),
    input: bytes = b"q\n",
) -> subprocess.CompletedProcess:
    env = {**os.environ, "DENSE1X1QUIZ_HOME": str(home), "DENSE1X1QUIZ_NOW": "2026-11-26T12:00:00Z"}
    return subprocess.run(
        [sys.executable, "-m", "dense1x1quiz", *args],
        input=input,
        stdout=stdout,
        stderr=stderr,
        env=env,
        timeout=60,
        preexec_fn=_limit(close=close),
        cwd=REPO,
    )


# -- 1. a closed or failing standard output ----------------------------------------------------


@pytest.mark.parametrize("args", WRITERS, ids=" ".join)
def test_a_closed_stdout_is_one_error_line_and_nothing_done(args, tmp_path):
    result = _run(args, tmp_path / "home", stdout=None, close=(1,))
    assert (result.returncode, result.stderr.decode()) == (1, CLOSED)
    assert not (tmp_path / "home").exists()  # refused before any work: no database made


@pytest.mark.parametrize("args", WRITERS, ids=" ".join)
def test_a_full_stdout_is_one_error_line(args, tmp_path):
    with open("/dev/full", "wb") as full:
        result = _run(args, tmp_path / "home", stdout=full)
    assert (result.returncode, result.stderr.decode()) == (1, FULL)


@pytest.mark.parametrize("args", [("decks",), ("validate", DECK), ("study", "--mode", "flip")], ids=" ".join)
def test_with_stderr_closed_too_the_exit_code_is_all(args, tmp_path):
    closed = _run(args, tmp_path / "home", stdout=None, stderr=None, close=(1, 2))
    with open("/dev/full", "wb") as full:
        failing = _run(args, tmp_path / "home", stdout=full, stderr=None, close=(2,))
    assert (closed.returncode, failing.returncode) == (1, 1)


@pytest.mark.parametrize(
    "args",
    [
        ("decks", "--json"),
        ("stats", "--json"),
        ("validate", DECK),
        ("export", "dense-vs-1x1", "--format", "md", "-o", "-"),
    ],
    ids=" ".join,
)
def test_a_reader_that_went_away_ends_the_command_quietly(args, tmp_path):
    """`quiz … | head`: the pipe's reader is gone before a byte is written; exit 1, stderr silent (no
    `Exception ignored … BrokenPipeError` from Python's own flush at exit)."""
    read, write = os.pipe()
    os.close(read)
    try:
        result = _run(args, tmp_path / "home", stdout=write)
    finally:
        os.close(write)
    status = [
        line
        for line in result.stderr.decode().splitlines()
        if not line.startswith("Wrote ") and not line.startswith("Import it")
    ]  # an export's status lines are stderr's by design
    assert (result.returncode, status) == (1, [])


def test_an_io_error_on_stdout_names_its_cause(monkeypatch):
    """A terminal that has gone (EIO) while a command writes: the system's words for it, exit 1."""
    from dense1x1quiz.cli import run

    class Gone(io.StringIO):
        def write(self, text):
            raise OSError(errno.EIO, "Input/output error")

    err = io.StringIO()
    monkeypatch.setattr(sys, "stdout", Gone())
    monkeypatch.setattr(sys, "stderr", err)
    assert run(["decks"]) == 1
    assert err.getvalue() == "Error: cannot write to standard output: Input/output error\n"


def test_running_out_of_memory_is_one_line(cli, monkeypatch):
    from dense1x1quiz import catalog

    def too_much(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(catalog, "find_decks", too_much)
    result = cli("decks")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: not enough memory for this command (a deck too large for this machine, or a "
        "memory limit set too low); close other programs or split the deck, then try again\n"
    )


# -- 2. a path the user cannot reach -------------------------------------------------------------


@pytest.fixture
def nobody():
    """Run `quiz` as the unprivileged user 65534 in a scratch folder it can write, beside `locked/`
    (root's, mode 700, holding x.yaml and x.md) that it cannot enter: → run(*args) → CompletedProcess."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv to run as another user")
    scratch = Path(tempfile.mkdtemp(prefix="quiz-nobody-"))
    try:
        scratch.chmod(0o777)
        (scratch / "notes.md").write_text("# Notes\n\nQ: What is a 1×1 conv?\nA: A dense layer per pixel.\n")
        (scratch / "notes.md").chmod(0o644)
        locked = scratch / "locked"
        locked.mkdir(mode=0o700)
        (locked / "x.yaml").write_text("deck: x\ntitle: X\ncards:\n  - {id: a, front: F, back: B}\n")
        (locked / "x.md").write_text("Q: q?\nA: a\n")

        def run(*args: str, home: str = "home") -> subprocess.CompletedProcess:
            env = {
                **os.environ,
                "PYTHONPATH": str(REPO),
                "DENSE1X1QUIZ_HOME": str(scratch / home),
                "DENSE1X1QUIZ_NOW": "2026-11-26T12:00:00Z",
            }
            return subprocess.run(
                [
                    "setpriv",
                    "--reuid=65534",
                    "--regid=65534",
                    "--clear-groups",
                    sys.executable,
                    "-m",
                    "dense1x1quiz",
                    *args,
                ],
                input="q\n",
                capture_output=True,
                text=True,
                env=env,
                timeout=60,
                cwd=scratch,
                preexec_fn=_limit(),
            )

        run.scratch = scratch  # type: ignore[attr-defined]
        yield run
    finally:
        shutil.rmtree(scratch)


@pytest.mark.parametrize(
    "args, error",
    [
        (
            ("export", "dense-vs-1x1", "--format", "csv", "-o", "locked/x.csv"),
            "cannot write locked/x.csv: Permission denied",
        ),
        (("export", "dense-vs-1x1", "-o", "locked/sub/x.apkg"), "cannot write locked/sub/x.apkg: Permission denied"),
        (("import", "notes.md", "-o", "locked/x.yaml"), "cannot write locked/x.yaml: Permission denied"),
        (("new", "locked/y.yaml"), "cannot write locked/y.yaml: Permission denied"),
        (("import", "locked/x.md"), "locked/x.md cannot be read: Permission denied"),
        (("study", "locked/x.yaml"), "locked/x.yaml:1:1: cannot be read: Permission denied"),  # as validate says
        (("exam", "locked/x.yaml"), "locked/x.yaml:1:1: cannot be read: Permission denied"),  # as validate says
        (("stats", "locked/x.yaml"), "locked/x.yaml:1:1: cannot be read: Permission denied"),  # as validate says
        (("export", "locked/x.yaml"), "locked/x.yaml:1:1: cannot be read: Permission denied"),  # as validate says
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else "",
)
def test_a_path_the_user_cannot_reach_is_named_with_the_reason(nobody, args, error):
    result = nobody(*args)
    assert (result.returncode, result.stderr) == (1, f"Error: {error}\n")


def test_a_user_deck_folder_the_user_cannot_reach_is_named(nobody):
    result = nobody("decks", home="locked/home")
    folder = nobody.scratch / "locked" / "home" / "decks"
    assert (result.returncode, result.stderr) == (1, f"Error: {folder} cannot be read: Permission denied\n")


def test_validate_says_the_same_as_before(nobody):
    result = nobody("validate", "locked/x.yaml")
    assert (result.returncode, result.stderr) == (1, "locked/x.yaml:1:1: cannot be read: Permission denied\n")


# -- 3. a symbolic link as -o --------------------------------------------------------------------


def _export(cli, output: Path | str, fmt: str = "csv"):
    return cli("export", "dense-vs-1x1", "--format", fmt, "-o", str(output))


@pytest.mark.parametrize("fmt", ["csv", "apkg", "md"])
def test_export_writes_through_a_symlink_and_keeps_it(cli, tmp_path, fmt):
    folder = tmp_path / "out"
    folder.mkdir()
    real, link = folder / f"real.{fmt}", folder / f"link.{fmt}"
    assert _export(cli, real, fmt).returncode == 0  # an earlier export: it may be replaced
    before = real.stat().st_ino
    link.symlink_to(real.name)
    result = _export(cli, link, fmt)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == real.name
    assert real.stat().st_ino != before  # the target was replaced (atomically), not the link
    assert sorted(p.name for p in folder.iterdir()) == [link.name, real.name]  # no temporary left


def test_import_writes_through_a_dangling_symlink(cli, tmp_path):
    notes, link = tmp_path / "notes.md", tmp_path / "link.yaml"
    notes.write_text("Q: What is a 1×1 conv?\nA: A dense layer per pixel.\n", encoding="utf-8")
    link.symlink_to("deck.yaml")  # nothing there yet: the shell's `>` would create it
    result = cli("import", str(notes), "-o", str(link))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and (tmp_path / "deck.yaml").is_file()
    assert "What is a 1×1 conv?" in (tmp_path / "deck.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", ["export", "import"])
def test_a_symlink_loop_as_output_is_refused(cli, tmp_path, command):
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    one.symlink_to(two.name)
    two.symlink_to(one.name)
    notes = tmp_path / "notes.md"
    notes.write_text("Q: q?\nA: a\n", encoding="utf-8")
    result = _export(cli, one) if command == "export" else cli("import", str(notes), "-o", str(one))
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        "",
        f"Error: {one} is a symbolic link that leads nowhere (a loop)\n",
    )
    assert os.readlink(one) == two.name and os.readlink(two) == one.name


def test_a_symlink_to_a_fifo_is_refused(cli, tmp_path):
    fifo, link = tmp_path / "fifo", tmp_path / "link.csv"
    os.mkfifo(fifo)
    link.symlink_to(fifo)
    result = _export(cli, link)
    assert (result.returncode, result.stderr) == (
        1,
        f"Error: {link} is a named pipe (FIFO), not a file; not writing to it{HINT}\n",
    )
    assert link.is_symlink() and stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.parametrize(
    "target, words",
    [
        ("/proc/self/fd/2", "standard error"),
        ("/dev/stderr", "standard error"),
        ("/dev/fd/0", "standard input"),
        ("/proc/self/fd/7", "file descriptor 7"),
    ],
)
def test_a_symlink_to_an_open_file_of_the_program_is_refused(cli, tmp_path, target, words):
    """A link (our own, in tmp_path: never the real /dev/stderr) to one of the process's open files: its
    target is a terminal, a pipe or some file of the caller's, never an output to replace."""
    link = tmp_path / "err.csv"
    link.symlink_to(target)
    result = _export(cli, link)
    assert (result.returncode, result.stderr) == (
        1,
        f"Error: {link} is {words} of this program, not a file; not writing to it{HINT}\n",
    )
    assert link.is_symlink() and os.readlink(link) == target


def test_a_symlink_to_dev_stdout_means_stdout(cli, tmp_path):
    link = tmp_path / "out.csv"
    link.symlink_to("/dev/stdout")
    through_link = _export(cli, link)
    direct = _export(cli, "-")
    assert through_link.returncode == 0, through_link.stderr
    assert through_link.stdout == direct.stdout and through_link.stdout.startswith("#separator:Comma\n")
    assert link.is_symlink()
