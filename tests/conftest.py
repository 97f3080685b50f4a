"""Every test runs with its own home folder and a fixed environment: no test touches a real home."""

import pytest


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("DENSE1X1QUIZ_HOME", str(home))
    monkeypatch.delenv("DENSE1X1QUIZ_NOW", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    return home


def run_quiz(*args: str, input: str | None = None, env: dict | None = None, timeout: float = 60,
             memory_mib: int | None = None, text: bool = True):
    """Run `python -m dense1x1quiz ARGS` as a user would; returns the CompletedProcess (text mode unless
    `text=False`). `memory_mib` caps the child's address space (RLIMIT_AS), so a run that would read a
    device to its end or hold a huge value fails fast instead of eating the machine."""
    import os
    import subprocess
    import sys

    def limit_memory() -> None:
        import resource

        cap = memory_mib * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "dense1x1quiz", *args], input=input, text=text,
                          capture_output=True, env=full_env, timeout=timeout,
                          preexec_fn=limit_memory if memory_mib else None)


@pytest.fixture
def quiz():
    """The `quiz` command run in a subprocess: quiz("validate", "x.yaml").returncode …"""
    return run_quiz
