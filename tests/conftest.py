"""Every test runs with its own home folder and a fixed environment: no test touches a real home.

The time zone is UTC unless a test sets TZ (local clock times in transcripts do not depend on the
machine). `cli` runs `quiz` in this process through `cli.run`, as a script with pipes would see it;
`run_quiz`/`quiz` start a real process, for what needs one (signals, kill -9, a terminal, a memory cap)."""

import gc
import io
import os
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("DENSE1X1QUIZ_HOME", str(home))
    monkeypatch.delenv("DENSE1X1QUIZ_NOW", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield home
    monkeypatch.undo()
    time.tzset()


@dataclass
class Result:
    """What `quiz ARGS` did: its exit code and what it wrote (text, and the bytes behind it)."""

    exit_code: int
    stdout_bytes: bytes
    stderr_bytes: bytes
    text: bool = True  # False: stdout and stderr are the bytes, as subprocess gives them with text=False

    @property
    def stdout(self) -> str | bytes:
        return self.stdout_bytes.decode("utf-8") if self.text else self.stdout_bytes

    @property
    def stderr(self) -> str | bytes:
        return self.stderr_bytes.decode("utf-8", "backslashreplace") if self.text else self.stderr_bytes

    @property
    def returncode(self) -> int:
        """The exit code under subprocess's name, so a test reads the same with either runner."""
        return self.exit_code


# Handlers a command may install (a study session's SIGINT/SIGTERM/SIGHUP, an exam's SIGALRM, the
# key reader's SIGWINCH); each run puts them back, as the end of a process would.
_SIGNALS = [
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGALRM", "SIGWINCH") if hasattr(signal, name)
]


def _fresh_process_state() -> None:
    """Forget what a process remembers between commands, so each run starts as a new `quiz` would."""
    from dense1x1quiz import deckcache, env, text

    text._rendered.clear()  # math fragments the deck cache handed over
    env._warned_zones.clear()  # the TZ warning is printed once per process
    deckcache._loader_digest = None  # a test may change what the loader digest covers
    deckcache._the_model = None


@contextmanager
def _limits(memory_mib: int | None, timeout: float | None) -> Iterator[None]:
    """`memory_mib` more address space than this process has now (RLIMIT_AS, where /proc tells the
    size), and a hang past `timeout` seconds ends the test run with every thread's traceback: the
    in-process form of run_quiz's cap and timeout."""
    import faulthandler
    import resource

    if timeout:
        faulthandler.dump_traceback_later(timeout, exit=True, file=sys.__stderr__)
    before = resource.getrlimit(resource.RLIMIT_AS)
    if memory_mib and os.path.exists("/proc/self/statm"):
        with open("/proc/self/statm") as statm:
            size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        cap = size + memory_mib * 1024 * 1024
        if before[1] == resource.RLIM_INFINITY or cap < before[1]:
            resource.setrlimit(resource.RLIMIT_AS, (cap, before[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, before)
        if timeout:
            faulthandler.cancel_dump_traceback_later()


def run_in_process(
    *args: str | bytes,
    input: str | bytes | None = None,
    env: dict | None = None,
    memory_mib: int | None = None,
    timeout: float | None = None,
    text: bool = True,
) -> Result:
    """`python -m dense1x1quiz ARGS` run in this process by `cli.run`: stdin a pipe-like stream holding
    `input` (not a terminal), stdout and stderr captured as text streams over bytes (not terminals:
    the plain screens, as when piped; `sys.stdout.buffer` takes an export's bytes). `env` is applied
    for this run only (a value None removes the variable); TZ changes take effect (tzset).
    `memory_mib` and `timeout` bound the run as in run_quiz (see `_limits`); `text=False` gives bytes."""
    from dense1x1quiz.cli import run

    data = input.encode("utf-8") if isinstance(input, str) else (input or b"")
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    out_bytes, err_bytes = io.BytesIO(), io.BytesIO()
    stdout = io.TextIOWrapper(out_bytes, encoding="utf-8", newline="", write_through=True)
    stderr = io.TextIOWrapper(err_bytes, encoding="utf-8", errors="backslashreplace", newline="", write_through=True)
    handlers = {signum: signal.getsignal(signum) for signum in _SIGNALS}
    gc_enabled = gc.isenabled()
    _fresh_process_state()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in (env or {}).items():
            if value is None:
                patch.delenv(name, raising=False)
            else:
                patch.setenv(name, value)
        patch.setattr(sys, "stdin", stdin)
        patch.setattr(sys, "stdout", stdout)
        patch.setattr(sys, "stderr", stderr)
        time.tzset()
        try:
            with _limits(memory_mib, timeout):
                # bytes as a process's argv holds them: decoded as Python decodes its command line
                code = run([os.fsdecode(arg) for arg in args], prog_name="python -m dense1x1quiz")
        finally:
            stdout.flush()
            stderr.flush()
            for signum, handler in handlers.items():
                signal.signal(signum, handler)
            if hasattr(signal, "setitimer"):
                signal.setitimer(signal.ITIMER_REAL, 0)
            gc.unfreeze()  # the deck cache freezes what it loaded: a process would end here
            if gc_enabled:
                gc.enable()
    time.tzset()
    return Result(code, out_bytes.getvalue(), err_bytes.getvalue(), text)


@pytest.fixture
def cli():
    """`quiz` run in this process: cli("validate", "x.yaml", input=…, env=…) → Result(exit_code, stdout, stderr)."""
    return run_in_process


def run_quiz(
    *args: str,
    input: str | None = None,
    env: dict | None = None,
    timeout: float = 60,
    memory_mib: int | None = None,
    text: bool = True,
):
    """Run `python -m dense1x1quiz ARGS` as a user would; returns the CompletedProcess (text mode unless
    `text=False`). `memory_mib` caps the child's address space (RLIMIT_AS), so a run that would read a
    device to its end or hold a huge value fails fast instead of eating the machine."""
    import subprocess
    import sys

    def limit_memory() -> None:
        import resource

        cap = memory_mib * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "dense1x1quiz", *args],
        input=input,
        text=text,
        capture_output=True,
        env=full_env,
        timeout=timeout,
        preexec_fn=limit_memory if memory_mib else None,
    )


@pytest.fixture
def quiz():
    """The `quiz` command run in a subprocess: quiz("validate", "x.yaml").returncode …"""
    return run_quiz


def mounted_tmpfs(folder, size: str):
    """A tmpfs of `size` (`64k`) mounted at `folder` for a test that needs a full disk, unmounted after.
    Mounting needs root: elsewhere the test is skipped. Use as `yield from mounted_tmpfs(...)` in a fixture."""
    import subprocess

    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("mounting a small tmpfs needs root")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
