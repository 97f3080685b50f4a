"""`cli.main` builds only the command it runs (start-up time, issue 7); what the user sees is the
same as from the whole app."""

import pytest

from dense1x1quiz.cli import command_group

NAMES = ["decks", "validate", "study", "exam", "stats", "demo", "new", "import", "export"]


def run(group, args, capsys):
    """(exit code, stdout, stderr) of the click group run as `quiz ARGS`."""
    with pytest.raises(SystemExit) as exit:
        group.main(args=args, prog_name="quiz")
    out = capsys.readouterr()
    return exit.value.code, out.out, out.err


def test_every_command_is_known_by_its_name():
    assert sorted(command_group([]).commands) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_a_named_command_is_built_alone_and_helps_as_in_the_whole_app(name, capsys):
    alone = command_group([name, "--help"])
    assert list(alone.commands) == [name]
    got, expected = run(alone, [name, "--help"], capsys), run(command_group([]), [name, "--help"], capsys)
    assert got == expected and got[0] == 0
    assert got[1].startswith(f"Usage: quiz {name} [OPTIONS]")


@pytest.mark.parametrize("argv", [[], ["--help"], ["nope"], ["-h", "study"]])
def test_no_name_or_an_unknown_one_gets_every_command(argv):
    assert sorted(command_group(argv).commands) == sorted(NAMES)


def test_a_mistyped_option_is_reported_as_by_the_whole_app(capsys):
    got = run(command_group(["stats"]), ["stats", "--jsn"], capsys)
    assert got == run(command_group([]), ["stats", "--jsn"], capsys)
    assert got[0] == 2 and "No such option: --jsn" in got[2]
