"""A plain (non-editable) install from the wheel finds the built-in decks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_wheel_ships_the_builtin_decks(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(REPO)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next(dist.glob("dense1x1quiz-*.whl"))

    # A fresh venv holding only the wheel; its dependencies come from this test environment
    # through a .pth line (which, unlike site-packages, does not load the editable install).
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )

    env = {**os.environ, "DENSE1X1QUIZ_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [python, "-m", "dense1x1quiz", "decks", "--json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    decks = json.loads(result.stdout)
    shipped = sorted(p.name for p in (REPO / "decks").glob("*.yaml"))
    assert shipped, "decks/ holds the built-in decks"
    assert sorted(Path(d["path"]).name for d in decks) == shipped
    assert all(d["path"].startswith(str(site / "dense1x1quiz" / "decks")) for d in decks)
    assert all(d["cards"] > 0 for d in decks)
