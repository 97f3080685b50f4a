"""`cli.main` builds only the command it runs (start-up time, issue 7); what the user sees is the
same as from the whole app."""

import pytest

from dense1x1quiz.cli import command_group

NAMES = ["decks", "validate", "study", "exam", "stats", "tags", "optimize", "demo", "new", "import", "export"]
NAMES += ["cards", "suspend", "unsuspend", "bury", "reset", "forget-orphans"]  # card management (issue 15)
NAMES += ["config", "edit"]  # settings, edit (issue 15)


def run(group, args, capsys):
    """(exit code, stdout, stderr) of the click group run as `quiz ARGS`."""
    with pytest.raises(SystemExit) as exit:
        group.main(args=args, prog_name="quiz")
    out = capsys.readouterr()
    return exit.value.code, out.out, out.err


def whole_app_group():
    """The group as typer builds it from the app, every command complete (with typer's completion options)."""
    import typer.main

    from dense1x1quiz.cli import app

    return typer.main.get_command(app)


def test_every_command_is_known_by_its_name():
    assert sorted(command_group([]).commands) == sorted(whole_app_group().commands) == sorted(NAMES)


@pytest.mark.parametrize("argv", [[], ["--help"], ["-h"], ["nope"], ["-x"], ["--help", "study"]])
@pytest.mark.parametrize("columns", ["40", "100"])
def test_when_no_command_runs_the_screen_is_the_whole_apps(argv, columns, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", columns)
    got = run(command_group(argv), argv, capsys)
    assert got == run(whole_app_group(), argv, capsys)
    assert got[0] in (0, 2)
    assert "Commands:" in got[1] + got[2] or "No such" in got[2]


@pytest.mark.parametrize("name", NAMES)
def test_a_named_command_is_built_alone_and_helps_as_in_the_whole_app(name, capsys):
    alone = command_group([name, "--help"])
    assert list(alone.commands) == [name]
    got, expected = run(alone, [name, "--help"], capsys), run(whole_app_group(), [name, "--help"], capsys)
    assert got == expected and got[0] == 0
    assert got[1].startswith(f"Usage: quiz {name} [OPTIONS]")


def test_a_mistyped_option_is_reported_as_by_the_whole_app(capsys):
    got = run(command_group(["stats"]), ["stats", "--jsn"], capsys)
    assert got == run(whole_app_group(), ["stats", "--jsn"], capsys)
    assert got[0] == 2 and "No such option: --jsn" in got[2]
