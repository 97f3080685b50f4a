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
