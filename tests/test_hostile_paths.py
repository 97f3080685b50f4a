"""Issue 11, "never hang, never eat memory": a path may name a FIFO, a device, a folder or a huge file.
Every command that reads or writes a user-named path says what it is and exits, with bounded memory
(`memory_mib`) and within a timeout (a hang fails the test with TimeoutExpired). A run that could block
on a FIFO or read a device is a real process (`run_quiz`); the others go through `cli.run` in this
process (`run_in_process`) under the same cap and timeout."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import mounted_tmpfs, run_in_process, run_quiz

DECK = "deck: tiny\ntitle: Tiny\ncards:\n  - {id: a, front: one, back: two}\n"
LIMITS = {"memory_mib": 1024, "timeout": 30}


def one_line(stderr: str) -> str:
    """An error message as one line (print_error wraps long messages at the terminal width)."""
    return " ".join(stderr.split())


@pytest.fixture
def fifo(tmp_path) -> Path:
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


@pytest.fixture
def deck(tmp_path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(DECK)
    return path


# -- reading: decks and notes ---------------------------------------------------------------------


@pytest.mark.parametrize("no_cache", [[], ["--no-cache"]])
def test_validate_a_fifo_says_what_it_is(fifo, no_cache):
    result = run_quiz("validate", *no_cache, str(fifo), **LIMITS)
    assert (result.returncode, result.stderr) == (1, f"{fifo}:1:1: is a named pipe (FIFO), not a deck\n")


def test_validate_devices_folders_and_an_oversized_file(tmp_path):
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    big = tmp_path / "big.yaml"
    with open(big, "wb") as f:
        f.truncate(17 * 2**20)  # sparse: 17 MiB without writing them
    result = run_quiz("validate", str(folder), str(big), "/dev/zero", "/dev/urandom", **LIMITS)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{folder}:1:1: is a folder, not a deck",
        f"{big}:1:1: is larger than a deck may be (16 MiB)",
        "/dev/zero:1:1: is a character device, not a deck",
        "/dev/urandom:1:1: is a character device, not a deck",
    ]


@pytest.mark.parametrize("command", ["study", "exam", "stats", "export"])
def test_every_command_taking_a_deck_path_refuses_a_fifo(fifo, command):
    result = run_quiz(command, str(fifo), input="q\n", **LIMITS)
    assert (result.returncode, one_line(result.stderr)) == (1, f"Error: {fifo}:1:1: is a named pipe (FIFO), not a deck")


def test_a_folder_or_a_device_given_as_a_deck(tmp_path):
    folder = tmp_path / "decks.yaml"
    folder.mkdir()
    result = run_quiz("study", str(folder), input="q\n", **LIMITS)
    assert (result.returncode, one_line(result.stderr)) == (1, f"Error: {folder}:1:1: is a folder, not a deck")
    result = run_quiz("stats", "/dev/zero", **LIMITS)
    assert (result.returncode, one_line(result.stderr)) == (
        1,
        "Error: /dev/zero:1:1: is a character device, not a deck",
    )
    plain = tmp_path / "plain"
    plain.mkdir()
    result = run_quiz("study", str(plain), input="q\n", **LIMITS)
    assert result.returncode == 2
    assert one_line(result.stderr) == (
        f"Error: no deck named '{plain}' (decks: 1x1-in-practice, dense-vs-1x1; "
        f"or give a path to a .yaml file; {plain} is a folder)"
    )


def test_an_oversized_deck_is_refused_by_study(tmp_path):
    big = tmp_path / "big.yaml"
    with open(big, "wb") as f:
        f.truncate(17 * 2**20)
    result = run_in_process("study", str(big), input="q\n", **LIMITS)
    assert (result.returncode, one_line(result.stderr)) == (
        1,
        f"Error: {big}:1:1: is larger than a deck may be (16 MiB)",
    )


def test_a_fifo_in_the_user_deck_folder_is_listed_as_broken_and_skipped(isolated_home):
    folder = isolated_home / "decks"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "x.yaml")
    listed = run_quiz("decks", **LIMITS)
    assert listed.returncode == 0
    assert listed.stdout.splitlines()[-1].split() == [
        "x.yaml",
        *["–"] * 4,  # cards, new, learn, due
        "broken:",
        "is",
        "a",
        "named",
        "pipe",
        "(FIFO),",
        "not",
        "a",
        "deck",
        "user",
    ]
    as_json = run_quiz("decks", "--json", **LIMITS)
    assert f'"error": "{folder / "x.yaml"}:1:1: is a named pipe (FIFO), not a deck"' in as_json.stdout
    studied = run_quiz("study", "--mode", "flip", input="q\n", **LIMITS)  # every usable deck; the FIFO is skipped
    warning = f"Warning: skipped 1 broken deck (`quiz decks` says why): {folder / 'x.yaml'}\n"
    assert (studied.returncode, studied.stderr) == (0, warning)
    assert run_quiz("stats", **LIMITS).returncode == 0


def test_a_folder_named_like_a_deck_in_the_user_deck_folder_is_listed_as_broken_and_skipped(isolated_home):
    folder = isolated_home / "decks"
    (folder / "x.yaml").mkdir(parents=True)
    listed = run_in_process("decks", **LIMITS)
    assert listed.returncode == 0
    assert listed.stdout.splitlines()[-1].split() == [
        "x.yaml",
        *["–"] * 4,  # cards, new, learn, due
        "broken:",
        "is",
        "a",
        "folder,",
        "not",
        "a",
        "deck",
        "user",
    ]
    as_json = run_in_process("decks", "--json", **LIMITS)
    assert f'"error": "{folder / "x.yaml"}:1:1: is a folder, not a deck"' in as_json.stdout
    studied = run_in_process("study", "--mode", "flip", input="q\n", **LIMITS)
    assert (studied.returncode, studied.stderr) == (
        0,
        f"Warning: skipped 1 broken deck (`quiz decks` says why): {folder / 'x.yaml'}\n",
    )


@pytest.mark.parametrize("command", [["study"], ["exam"], ["stats"], ["export"], ["validate"]])
def test_a_symlink_loop_named_as_a_deck_says_what_validate_says(tmp_path, command, monkeypatch):
    monkeypatch.chdir(tmp_path)
    loop = tmp_path / "LOOP.yaml"
    loop.symlink_to(loop)
    result = run_in_process(*command, str(loop), input="q\n", **LIMITS)
    assert (result.returncode, result.stdout) == (1, "")
    message = f"{loop}:1:1: is a symbolic link that leads nowhere (a loop)"
    assert result.stderr == (message if command == ["validate"] else f"Error: {message}") + "\n"


def test_import_refuses_a_fifo_a_folder_and_a_device(tmp_path, fifo):
    result = run_quiz("import", str(fifo), **LIMITS)
    assert (result.returncode, one_line(result.stderr)) == (
        1,
        f"Error: {fifo} is a named pipe (FIFO), not a notes file",
    )
    result = run_quiz("import", "/dev/zero", **LIMITS)
    assert (result.returncode, one_line(result.stderr)) == (
        1,
        "Error: /dev/zero is a character device, not a notes file",
    )
    result = run_quiz("import", str(tmp_path), **LIMITS)
    assert (result.returncode, one_line(result.stderr)) == (1, f"Error: {tmp_path} is a folder, not a notes file")


# -- writing: export and import outputs -----------------------------------------------------------


def test_import_refuses_to_write_onto_a_fifo_or_to_stdout(tmp_path, fifo):
    notes = tmp_path / "n.md"
    notes.write_text("Q: a?\nA: b\n")
    result = run_quiz("import", str(notes), "-o", str(fifo), **LIMITS)
    assert (result.returncode, one_line(result.stderr)) == (
        1,
        f"Error: {fifo} is a named pipe (FIFO), not a file; not writing to it",
    )
    for name in ("-", "/dev/stdout"):
        result = run_quiz("import", str(notes), "-o", name, **LIMITS)
        assert (result.returncode, one_line(result.stderr)) == (
            2,
            "Error: quiz import writes a deck file, not standard output; give a file name with -o",
        )
    assert not Path("-").exists()


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/full", "/dev/urandom", "/dev/null"])
@pytest.mark.parametrize("fmt", ["apkg", "csv"])
def test_export_refuses_a_device(deck, device, fmt):
    result = run_in_process("export", str(deck), "--format", fmt, "-o", device, **LIMITS)
    assert (result.returncode, result.stdout) == (1, "")
    assert one_line(result.stderr) == (
        f"Error: {device} is a character device, not a file; not writing to it "
        "(give a file name with -o, or -o - for standard output)"
    )


def test_export_refuses_a_fifo_without_opening_it(deck, fifo):
    result = run_quiz("export", str(deck), "--format", "md", "-o", str(fifo), **LIMITS)
    assert (result.returncode, one_line(result.stderr)) == (
        1,
        f"Error: {fifo} is a named pipe (FIFO), not a file; not writing to it "
        "(give a file name with -o, or -o - for standard output)",
    )


@pytest.mark.parametrize("fmt", ["csv", "md", "apkg"])
@pytest.mark.parametrize("name", ["-", "/dev/stdout"])
def test_export_to_stdout_writes_exactly_the_file(tmp_path, deck, fmt, name):
    as_file = tmp_path / f"tiny.{fmt}"
    assert run_in_process("export", str(deck), "--format", fmt, "-o", str(as_file), **LIMITS).returncode == 0
    result = run_in_process(
        "export",
        str(deck),
        "--format",
        fmt,
        "-o",
        name,
        text=False,
        env={"DENSE1X1QUIZ_NOW": "2025-01-01T00:00:00Z"},
        **LIMITS,
    )
    assert result.returncode == 0, result.stderr
    if fmt == "apkg":  # the package's timestamp is the clock's: compare what it holds
        import zipfile
        from io import BytesIO

        assert zipfile.ZipFile(BytesIO(result.stdout)).namelist() == ["collection.anki2", "media"]
    else:
        assert result.stdout == as_file.read_bytes()
    what = "1 card and table" if fmt == "md" else "1 Anki note"
    assert result.stderr.decode().splitlines()[0] == (
        f"Wrote {what.replace('card and table', 'cards and tables')} to standard output."
        if fmt == "md"
        else f"Wrote {what} to standard output."
    )


def test_export_apkg_to_a_terminal_is_refused(deck):
    from dense1x1quiz.authoring.export_deck import export_deck
    from dense1x1quiz.deck import load_deck
    from dense1x1quiz.errors import QuizError

    class Terminal:
        def isatty(self) -> bool:
            return True

        def write(self, data: bytes) -> int:
            raise AssertionError("nothing may be written to a terminal")

    with pytest.raises(QuizError) as raised:
        export_deck(load_deck(deck), "apkg", Path("-"), stdout=Terminal())
    assert str(raised.value) == "an .apkg is binary; redirect it: quiz export tiny -o - > tiny.apkg"


# -- full disks -----------------------------------------------------------------------------------


@pytest.fixture
def small_tmpfs(tmp_path):
    """A 64 KiB tmpfs (root only; skipped where mounting is not allowed)."""
    yield from mounted_tmpfs(tmp_path / "small", "64k")


def test_export_apkg_onto_a_full_disk_leaves_nothing(small_tmpfs):
    target = small_tmpfs / "deck.apkg"
    result = run_in_process("export", "dense-vs-1x1", "-o", str(target), **LIMITS)  # ~80 KB does not fit in 64 KiB
    assert (result.returncode, result.stdout) == (1, "")
    assert one_line(result.stderr) == f"Error: cannot write {target}: the disk is full"
    assert list(small_tmpfs.iterdir()) == []


def test_export_apkg_with_a_full_tmpdir(small_tmpfs, tmp_path):
    target = tmp_path / "deck.apkg"
    env = {"TMPDIR": str(small_tmpfs)}
    result = run_quiz("export", "dense-vs-1x1", "-o", str(target), env=env, **LIMITS)
    assert result.returncode == 0, result.stderr  # a file export needs no temporary folder
    assert target.stat().st_size > 64 * 1024
    assert list(small_tmpfs.iterdir()) == []
    result = run_quiz("export", "dense-vs-1x1", "-o", "-", env=env, text=False, **LIMITS)
    assert (result.returncode, result.stdout) == (1, b"")
    assert one_line(result.stderr.decode()) == (
        f"Error: cannot write the export: no space left in the temporary folder TMPDIR={small_tmpfs}"
    )
    assert list(small_tmpfs.iterdir()) == []


def test_export_apkg_over_a_file_size_limit_leaves_nothing(tmp_path):
    """The same without a mount: RLIMIT_FSIZE makes writes fail (EFBIG) past 16 KiB; SQLite, writing the
    collection, reports it as a disk I/O error."""
    import resource
    import signal
    import sys

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (16 * 1024, 16 * 1024))

    out = tmp_path / "out"
    out.mkdir()
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "dense1x1quiz", "export", "dense-vs-1x1", "-o", str(out / "deck.apkg")],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "TMPDIR": str(temporary)},
        preexec_fn=limit_file_size,
    )
    assert (result.returncode, one_line(result.stderr)) == (
        1,
        f"Error: cannot write {out / 'deck.apkg'}: disk I/O error",
    )
    assert list(out.iterdir()) == [] and list(temporary.iterdir()) == []


# -- the reader itself ----------------------------------------------------------------------------


def test_a_fifo_swapped_in_after_the_look_is_refused_after_the_open(fifo, monkeypatch):
    """The race the look-then-open leaves: the name is a regular file when looked at, a FIFO when opened.
    The open does not block (O_NONBLOCK) and the open file is looked at again (fstat)."""
    from dense1x1quiz import userfiles

    regular = os.stat(__file__)
    monkeypatch.setattr(userfiles.os, "stat", lambda path: regular)
    with pytest.raises(userfiles.UserFileError) as raised:
        userfiles.read_user_file(fifo)
    assert str(raised.value) == f"{fifo} is a named pipe (FIFO), not a file"


def test_a_fifo_in_the_deck_cache_is_passed_over(deck, isolated_home):
    """The cache folder is in the user's home too: an entry that is a FIFO is a miss, not a hang."""
    assert run_quiz("validate", str(deck), **LIMITS).returncode == 0
    entries = list((isolated_home / "cache" / "decks").glob("*.pickle"))  # this deck's and the installed ones'
    assert entries
    for entry in entries:
        entry.unlink()
        os.mkfifo(entry)
    result = run_quiz("validate", str(deck), **LIMITS)
    assert (result.returncode, result.stderr) == (0, "")
