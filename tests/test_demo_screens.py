"""`quiz demo` and `quiz stats` output beyond the plain screen: a pager for a demo taller than the
terminal, a spinner while a slow demo runs (terminals only), and `--svg FILE` pictures."""

import os
import re
import stat
import sys
import xml.etree.ElementTree as ET

import pytest
from conftest import run_quiz

pexpect = pytest.importorskip("pexpect")

ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]")


def spawn(args, home, rows=24, cols=80, **env):
    """`quiz ARGS` on a pseudo-terminal of `rows`×`cols`; `env` added."""
    full = {**os.environ, "DENSE1X1QUIZ_HOME": str(home), "TERM": "xterm-256color", "NO_COLOR": "1", **env}
    full.pop("COLUMNS", None)
    full.pop("LINES", None)
    return pexpect.spawn(
        sys.executable, ["-m", "dense1x1quiz", *args], env=full, dimensions=(rows, cols), encoding="utf-8", timeout=60
    )


def recording_pager(tmp_path):
    """A $PAGER that keeps what it is given (and $LESS) in files instead of showing it."""
    script = tmp_path / "pager.sh"
    script.write_text(f'#!/bin/sh\nprintf %s "$LESS" > {tmp_path}/less.txt\ncat > {tmp_path}/paged.txt\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def test_a_demo_taller_than_the_terminal_goes_through_the_pager(tmp_path, isolated_home):
    child = spawn(["demo", "shapes"], isolated_home, PAGER=recording_pager(tmp_path))
    shown = child.read()  # to the end
    child.close()
    assert child.exitstatus == 0
    paged = (tmp_path / "paged.txt").read_text(encoding="utf-8")
    piped = run_quiz("demo", "shapes", env={"COLUMNS": "80"}).stdout  # the same screen, written to a pipe
    assert ANSI.sub("", paged) == piped and piped.count("\n") > 24
    assert "quiz demo shapes —" not in shown  # the terminal got none of it but through the pager
    assert (tmp_path / "less.txt").read_text() == "-R"  # less would show rich's styles as styles


def test_a_demo_that_fits_or_goes_to_a_pipe_is_not_paged(tmp_path, isolated_home):
    pager = recording_pager(tmp_path)
    child = spawn(["demo", "spatial"], isolated_home, rows=40, PAGER=pager)  # 23 rows on a terminal of 40
    assert "quiz demo spatial" in ANSI.sub("", child.read())
    child.close()
    assert child.exitstatus == 0
    piped = run_quiz("demo", "shapes", env={"PAGER": pager})
    assert piped.returncode == 0 and piped.stdout.startswith("quiz demo shapes")
    assert not (tmp_path / "paged.txt").exists()


SLOW = """\
import os, sys, threading
from rich.status import Status
from dense1x1quiz.ui import pager
from dense1x1quiz.demos import runner
from dense1x1quiz.cli import main

pager.DELAY = 0  # the spinner at once; the demo waits until it is on the screen (no timing in the test)
shown = threading.Event()
start = Status.start
def start_and_tell(self):
    start(self)
    shown.set()
Status.start = start_and_tell
run = runner.run_demo
def slow_run(name, params):
    shown.wait(float(os.environ["WAIT"]))  # WAIT=0: a pipe, where no spinner may show
    return run(name, params)
runner.run_demo = slow_run
sys.argv = ["quiz", *sys.argv[1:]]
main()
"""


def test_a_slow_demo_shows_a_spinner_on_a_terminal_only(tmp_path, isolated_home):
    script = tmp_path / "slow.py"
    script.write_text(SLOW)
    env = {
        **os.environ,
        "DENSE1X1QUIZ_HOME": str(isolated_home),
        "TERM": "xterm-256color",
        "PAGER": "cat",
        "WAIT": "30",
    }
    child = pexpect.spawn(
        sys.executable, [str(script), "demo", "spatial"], env=env, dimensions=(40, 80), encoding="utf-8", timeout=60
    )
    shown = child.read()
    child.close()
    assert child.exitstatus == 0
    shown = ANSI.sub("", shown)
    assert "Running quiz demo spatial …" in shown
    assert shown.index("Running quiz demo spatial") < shown.index("quiz demo spatial —")  # before the demo
    # Piped (stdout and stderr), the same run shows no spinner: stderr stays empty.
    import subprocess

    piped = subprocess.run(
        [sys.executable, str(script), "demo", "spatial"],
        env={**env, "WAIT": "0"},
        capture_output=True,
        text=True,
        timeout=60,
        input="",
    )
    assert (piped.returncode, piped.stderr) == (0, "")
    assert piped.stdout.startswith("quiz demo spatial —")


CELL = 12.2  # the width of a character cell in rich's SVG


def svg_lines(svg: str) -> list[str]:
    """The window title of an SVG picture made by rich, then its text row by row: each <text> of a row
    (a `clip-path` of `…-line-N`) placed at its column (x / CELL); trailing blanks left out."""
    root = ET.fromstring(svg)
    texts = list(root.iter("{http://www.w3.org/2000/svg}text"))
    title = "".join(t for e in texts if "-title" in (e.get("class") or "") for t in e.itertext())
    rows: dict[float, list[str]] = {}
    for element in texts:
        if "-line-" not in (element.get("clip-path") or ""):
            continue
        row = rows.setdefault(float(element.get("y", "0")), [])
        column = round(float(element.get("x", "0")) / CELL)
        text = "".join(element.itertext())
        row += [" "] * (column + len(text) - len(row))
        row[column : column + len(text)] = list(text)
    return [title.replace("\xa0", " "), *("".join(rows[y]).replace("\xa0", " ").rstrip() for y in sorted(rows))]


def test_demo_svg_writes_the_screen_as_a_picture(tmp_path, isolated_home, cli):
    out = tmp_path / "shapes.svg"
    out.write_text("an older picture")
    result = cli("demo", "shapes", "--svg", str(out))
    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr == f"Wrote {out}: the screen as an SVG picture.\n"
    svg = out.read_text(encoding="utf-8")
    assert svg.startswith('<svg class="rich-terminal"')
    piped = [line.rstrip() for line in run_quiz("demo", "shapes", env={"COLUMNS": "80"}).stdout.splitlines()]
    assert [line for line in svg_lines(svg) if line] == ["quiz demo shapes", *(line for line in piped if line)]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["shapes.svg"]  # no temporary file left


def test_svg_refuses_devices_fifos_and_folders_before_any_work(tmp_path, cli):
    fifo = tmp_path / "pipe.svg"
    os.mkfifo(fifo)
    cases = [
        ("/dev/null", "Error: /dev/null is a character device, not a file; not writing to it\n"),
        (str(fifo), f"Error: {fifo} is a named pipe (FIFO), not a file; not writing to it\n"),
        (str(tmp_path), f"Error: {tmp_path} is a folder; give the SVG file's name (--svg {tmp_path / 'screen.svg'})\n"),
    ]
    for target, error in cases:
        for command in (["demo", "shapes"], ["stats"]):
            result = cli(*command, "--svg", target)
            assert (result.returncode, result.stdout, result.stderr) == (1, "", error), command
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["pipe.svg"]


def test_stats_svg_is_the_stats_screen(tmp_path, isolated_home, cli):
    cli(
        "study",
        "dense-vs-1x1",
        "--mode",
        "flip",
        input="\n3\n\n1\nq\n",
        env={"DENSE1X1QUIZ_NOW": "2026-11-26T09:00:00Z"},
    )
    out = tmp_path / "stats.svg"
    now = {"DENSE1X1QUIZ_NOW": "2026-11-26T10:00:00Z"}
    result = cli("stats", "dense-vs-1x1", "--svg", str(out), env=now)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", f"Wrote {out}: the screen as an SVG picture.\n")
    piped = [
        line.rstrip() for line in run_quiz("stats", "dense-vs-1x1", env={**now, "COLUMNS": "80"}).stdout.splitlines()
    ]
    lines = svg_lines(out.read_text(encoding="utf-8"))
    assert [line for line in lines if line] == ["quiz stats", *(line for line in piped if line)]


def test_show_me_in_study_pages_a_demo_taller_than_the_terminal_and_the_card_comes_back(tmp_path, isolated_home):
    """`s` on a 40×12 terminal: the demo (about 30 rows there) goes through the pager, as `quiz demo`
    does, instead of scrolling its top away; when the pager ends, the card is back with no key to press."""
    deck = tmp_path / "term.yaml"
    deck.write_text(
        "deck: term\ntitle: Terminal deck\ncards:\n"
        "  - id: what\n    front: What does a 1×1 convolution compute at each pixel?\n"
        "    back: A dense layer over the channels\n    demo: {name: equivalence, height: 2, width: 2}\n",
        encoding="utf-8",
    )
    child = spawn(["study", str(deck)], isolated_home, rows=12, cols=40, PAGER=recording_pager(tmp_path))
    child.expect("q quit")
    child.send("s")
    child.expect("at each pixel")  # the card again, drawn after the pager ended
    child.expect("q quit")
    assert "Press any key" not in ANSI.sub("", child.before)
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    paged = ANSI.sub("", (tmp_path / "paged.txt").read_text(encoding="utf-8"))
    assert paged.startswith("quiz demo equivalence") and paged.count("\n") > 12


def test_ctrl_c_in_the_pager_of_show_me_is_the_pagers_and_the_session_goes_on(tmp_path, isolated_home):
    """Ctrl-C while the pager shows a study card's demo (less: stop a search) reaches the pager, not the
    session: the card comes back and the session ends only with `q`, exit 0 (it used to stop, 130)."""
    deck = tmp_path / "term.yaml"
    deck.write_text(
        "deck: term\ntitle: Terminal deck\ncards:\n"
        "  - id: what\n    front: What does a 1×1 convolution compute at each pixel?\n"
        "    back: A dense layer over the channels\n    demo: {name: equivalence, height: 2, width: 2}\n",
        encoding="utf-8",
    )
    pager = tmp_path / "pager.sh"  # reads the demo, says it waits, and waits for the Ctrl-C that ends it
    pager.write_text(f"#!/bin/sh\ncat > {tmp_path}/paged.txt\necho PAGER-WAITING\nexec sleep 30\n")
    pager.chmod(pager.stat().st_mode | stat.S_IXUSR)
    child = spawn(["study", str(deck)], isolated_home, rows=12, cols=40, PAGER=str(pager))
    child.expect("q quit")
    child.send("s")
    child.expect("PAGER-WAITING")
    child.sendintr()
    child.expect("at each pixel")  # the card again
    child.expect("q quit")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
