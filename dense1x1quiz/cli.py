"""The `quiz` command: parse, call the core, render, map errors to exit codes — nothing else.

Imports of the core happen inside each command so that `quiz --help` loads typer alone.
Exit codes (DESIGN.md): 0 success, 1 a user-facing error, 2 bad usage, 130 Ctrl-C.
"""

# No `from __future__ import annotations` here: typer would eval every string annotation on each run
# (~15 ms of `quiz --help`, issue 7); the annotations below are valid at runtime on 3.10.
import os
import sys
import typing
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

if typing.TYPE_CHECKING:
    from dense1x1quiz.session import Summary

app = typer.Typer(
    name="quiz",
    help="Flashcards, exams and live NumPy demos on dense layers vs 1×1 convolutions.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion, --show-completion (added in `command_group`, as typer does)
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _complete_decks(incomplete: str) -> list[str]:
    """Shell completion of DECK: the names of the decks found (built-in, user folder) that start so."""
    from dense1x1quiz.catalog import find_decks

    return sorted({e.name for e in find_decks(outline=True) if e.name.startswith(incomplete)})


def _complete_demos(incomplete: str) -> list[str]:
    """Shell completion of a demo's NAME (the demo registry imports no numpy)."""
    from dense1x1quiz.demos import DEMOS

    return [name for name in DEMOS if name.startswith(incomplete)]


DeckArgs = Annotated[
    Optional[list[str]],  # noqa: UP045 - typer needs Optional on 3.10
    typer.Argument(
        metavar="DECK",
        help="Deck names or .yaml paths (default: every deck found).",
        show_default=False,
        autocompletion=_complete_decks,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
SvgOpt = Annotated[
    Optional[Path],  # noqa: UP045 - typer needs Optional on 3.10
    typer.Option("--svg", metavar="FILE", help="Write the screen as an SVG picture to FILE.", show_default=False),
]


def _saved_svg(path: Path) -> None:
    """Say where `--svg` wrote its picture (nothing to say when it went to standard output)."""
    from dense1x1quiz.authoring.files import is_stdout
    from dense1x1quiz.text import one_line

    if not is_stdout(path):
        sys.stderr.write(f"Wrote {one_line(str(path))}: the screen as an SVG picture.\n")


def _show_version(value: bool) -> None:
    if value:
        from dense1x1quiz import __version__

        sys.stdout.write(f"quiz {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", is_eager=True, callback=_show_version, help="Print the version and exit.")
    ] = False,
) -> None:
    """Flashcards, exams and live NumPy demos on dense layers vs 1×1 convolutions."""


def _number(option: str, kind: type, low: float, high: float, words: str) -> Callable[[str], float]:
    """A typer `parser` for a number option: a finite `kind` (int or float) from `low` to `high`, else
    bad usage (exit 2) in one line: `OPTION is WORDS, not VALUE`. Click's ranges let nan through,
    and an int without a bound reaches SQLite, whose integers end at 2⁶³ − 1; every number option
    goes through here."""

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except (ValueError, OverflowError):
            value = None
        if value is None or not low <= value <= high:  # written so that nan fails too
            from dense1x1quiz.errors import UsageError
            from dense1x1quiz.text import clipped, one_line

            shown = one_line(clipped(text, 40))  # as typed: 1e-400 parses to 0.0
            raise UsageError(f"{option} is {words}, not {shown}")
        return value

    return parse


def _print_json(document: object, *, indent: int | None = 2) -> None:
    """`document` as one JSON document on stdout. `indent=None` writes it on one line through the
    json module's C encoder (with an indent it falls back to pure Python: 0.67 s for 100,000 cards)."""
    import json  # only the --json paths need it

    from dense1x1quiz.text import json_safe  # C1 controls and bidi overrides as \uXXXX, like C0

    text = json.dumps(document, ensure_ascii=False, indent=indent, check_circular=False)  # a tree, made for this
    sys.stdout.write((text if text.isascii() else json_safe(text)) + "\n")  # isascii: one C pass, no regex


# -- decks ------------------------------------------------------------------------------------


@app.command()
def decks(as_json: JsonOpt = False) -> None:
    """List the decks found (built-in, in the user deck folder $DENSE1X1QUIZ_HOME/decks) with what
    each has to study today: new, learning and due cards, as in Anki's deck list."""
    from dense1x1quiz.catalog import find_decks
    from dense1x1quiz.deckcounts import today_counts
    from dense1x1quiz.env import home_dir, now

    entries = find_decks(outline=True)  # titles and card ids: no Card is built
    today = today_counts([e.deck for e in entries if e.deck], home_dir(), now())
    if as_json:
        _print_json(
            [
                {
                    "deck": e.name,
                    "title": e.deck.title if e.deck else None,
                    "path": str(e.path),
                    "cards": len(e.deck.card_ids) if e.deck else None,
                    **dict.fromkeys(("new", "learning", "due")),
                    **(today[e.deck.id]._asdict() if e.deck else {}),
                    **({"error": str(e.error.problems[0]) if e.error.problems else "broken"} if e.error else {}),
                }
                for e in entries
            ]
        )
        return
    from dense1x1quiz.ui.decks import print_decks

    print_decks(entries, today)


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(metavar="PATH", help="Deck files to check.", show_default=False)],
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Check afresh, without the deck cache.")] = False,
) -> None:
    """Check deck files; print every problem as file:line:col: message."""
    # A file checked before (the same bytes, by the same loader) is answered from the deck cache.
    from dense1x1quiz.ui.decks import print_problems, print_validated

    if no_cache:
        from dense1x1quiz.deck import check_deck as check
    else:
        from dense1x1quiz.deckcache import check_deck_cached as check

    problems, cards, failed, ids = [], 0, False, []
    for path in paths:
        deck, found = check(path)
        problems += found
        failed = failed or deck is None or any(not p.warning for p in found)
        cards += len(deck.cards) if deck else 0
        ids += [(path, deck.id)] if deck else []
    if ids:  # a warning, not an error: validate checks files, study refuses to load both decks
        from dense1x1quiz.catalog import id_clash_warnings

        problems += id_clash_warnings(ids)
    print_problems(problems)
    if failed:
        raise typer.Exit(1)
    print_validated(len(paths), cards, len(problems))


# -- study, exam, stats (issue 3, 5) ----------------------------------------------------------


class StudyMode(str, Enum):
    auto = "auto"
    flip = "flip"
    type = "type"
    choice = "choice"


@app.command()
def study(
    deck_names: DeckArgs = None,
    mode: Annotated[StudyMode, typer.Option(help="How cards are asked.", case_sensitive=False)] = StudyMode.auto,
    new: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option("--new", min=0, help="New cards per deck today, this session only (to save: quiz config)."),
    ] = None,
    limit: Annotated[Optional[int], typer.Option(min=1, help="Stop after this many cards.")] = None,  # noqa: UP045
    tag: Annotated[Optional[list[str]], typer.Option(help="Only cards with this tag.")] = None,  # noqa: UP045
    cram: Annotated[bool, typer.Option(help="Practise any cards; the schedule is not changed.")] = False,
    retention: Annotated[
        Optional[float],  # noqa: UP045
        typer.Option(
            parser=_number("--retention", float, 0.7, 0.99, "the desired retention, from 0.7 to 0.99"),
            metavar="FLOAT",
            help="Desired retention, 0.7–0.99, this session only (default: the setting; to save: quiz config).",
        ),
    ] = None,
) -> None:
    """Study due and new cards with spaced repetition (FSRS-6).

    Keys: space reveals, 1–4 rate (Again, Hard, Good, Easy), s shows the card's demo, @ suspends the
    card, - buries it until tomorrow, * flags it, e edits it, u undoes the last answer or key, q quits.
    Without a terminal, one line per step (README: quiz study). Settings: quiz config."""
    from dense1x1quiz.deckcache import deferred_writes

    with deferred_writes():  # a deck parsed now is cached once its first card is on the screen
        summary = _study(deck_names, mode, new, limit, tag, cram, retention)
    if summary.exit_code:
        raise typer.Exit(summary.exit_code)


def _study(
    deck_names: list[str] | None,
    mode: StudyMode,
    new: int | None,
    limit: int | None,
    tag: list[str] | None,
    cram: bool,
    retention: float | None,
) -> "Summary":
    """`quiz study` once its options are read: the session's summary."""
    import random
    import uuid

    from dense1x1quiz import env
    from dense1x1quiz.catalog import resolve
    from dense1x1quiz.deckcache import write_deferred
    from dense1x1quiz.model import with_image_paths
    from dense1x1quiz.queue import CramQueue, select_cards, study_queue
    from dense1x1quiz.scheduler import DeckSchedulers
    from dense1x1quiz.session import run_study
    from dense1x1quiz.store import Store, scheduler_for_settings
    from dense1x1quiz.ui.study_screen import open_study_ui, print_summary

    decks = resolve(deck_names or [])
    _warn_unknown_tags(decks, tag)
    cards = select_cards([with_image_paths(d) for d in decks], tag or [])
    now = env.now()
    rng = random.Random(int(now.timestamp()))  # options and cram order: reproducible under DENSE1X1QUIZ_NOW
    store = None if cram else Store.open(env.home_dir())
    try:
        # Every saved setting the session uses is checked before a card is shown; --new and --retention
        # replace the settings for this session only. A deck's scheduler (steps, weights) is built at its first use.
        settings = store.settings() if store is not None else None
        scheduler = (
            DeckSchedulers(lambda deck: scheduler_for_settings(settings, deck, retention))
            if settings is not None
            else None
        )
        queue = (
            CramQueue(rng.sample(cards, len(cards)), limit)
            if store is None or scheduler is None
            else study_queue(cards, store, scheduler, now, new_per_day=new, limit=limit, settings=settings)
        )
        with open_study_ui() as ui:
            summary = run_study(
                queue,
                scheduler=scheduler,
                store=store,
                ui=ui,
                clock=env.now,
                mode=mode.value,
                rng=rng,
                session_id=uuid.uuid4().hex,
                pool=cards,
                timer=env.timer(),
                after_first_card=write_deferred,
                settings=settings,
                **_study_editor(ui, decks),
            )
            again = _study_command(deck_names, tag)
            print_summary(ui, summary, env.now(), cards_found=len(cards), cram=cram, command=again, tags=tag or [])
    finally:
        if store is not None:
            store.close()
    return summary


def _warn_unknown_tags(decks: list, tags: list[str] | None) -> None:
    """On stderr, each `--tag` no card of `decks` has, with the closest tag that one has (a typo)."""
    if tags:
        from dense1x1quiz.catalog import unknown_tags

        for warning in unknown_tags(decks, tags):
            _tell(warning + "\n")


def _study_command(deck_names: list[str] | None, tags: list[str] | None) -> str:
    """`quiz study` with the decks and tags of this session, for a message suggesting options to add."""
    import shlex

    from dense1x1quiz.text import one_line

    words = ["quiz", "study", *(deck_names or []), *(w for t in tags or [] for w in ("--tag", t))]
    return one_line(shlex.join(words))


def _study_editor(ui: typing.Any, decks: list) -> dict[str, typing.Any]:
    """The study key `e` (edit.edit_card on the card's deck, questions on the study screen) and its undo,
    for run_study; the session's decks follow the edits."""
    from dataclasses import replace

    from dense1x1quiz.edit import edit_card, revert
    from dense1x1quiz.model import with_image_paths
    from dense1x1quiz.ui.edit import screen_ask

    by_id = {deck.id: deck for deck in decks}

    def edit(card: typing.Any) -> typing.Any:
        deck = by_id[card.deck]
        current = next((c for c in deck.cards if c.key == card.key), card)  # its line in the file as it is now
        edited = edit_card(deck, current, ask=screen_ask(ui), tell=lambda text: ui.message(text, "yellow"))
        if not edited.saved or edited.deck is None:
            return edited
        by_id[card.deck] = edited.deck
        shown = with_image_paths(edited.deck)  # as the session's cards are
        return replace(edited, card=next((c for c in shown.cards if c.key == card.key), None))

    def undo(edited: typing.Any) -> str | None:
        problem = revert(edited)
        if problem is None and edited.before is not None:
            by_id[edited.before.id] = edited.before
        return problem

    return {"editor": edit, "undo_edit": undo}


@app.command()
def exam(
    deck_names: DeckArgs = None,
    n: Annotated[int, typer.Option("-n", "--questions", min=1, help="Number of questions.")] = 20,
    tag: Annotated[Optional[list[str]], typer.Option(help="Only questions with this tag.")] = None,  # noqa: UP045
    seed: Annotated[
        Optional[int],
        typer.Option(  # noqa: UP045
            parser=_number("--seed", int, 0, 2**63 - 1, "a whole number from 0 to 2⁶³ − 1 (9223372036854775807)"),
            metavar="INTEGER",
            help="Seed for question choice and order (stored with the exam).",
        ),
    ] = None,
    time_limit: Annotated[
        Optional[float],
        typer.Option(  # noqa: UP045
            parser=_number("--time-limit", float, 0.1, 1440, "minutes, from 0.1 to 1440 (a day)"),
            metavar="FLOAT",
            help="Minutes for the whole exam.",
        ),
    ] = None,
    computed: Annotated[bool, typer.Option(help="Include computed problems.")] = True,
    as_json: JsonOpt = False,
) -> None:
    """A scored quiz of auto-graded questions; the schedule is not changed."""
    import random

    from dense1x1quiz import env
    from dense1x1quiz.catalog import resolve
    from dense1x1quiz.errors import UsageError
    from dense1x1quiz.exam import MAX_QUESTIONS, build_exam, exam_clock, no_questions, result_json, run_exam
    from dense1x1quiz.store import Store
    from dense1x1quiz.ui.console import make_console
    from dense1x1quiz.ui.exam import ExamScreen

    if n > MAX_QUESTIONS:
        raise UsageError(f"-n {n} is more questions than an exam holds (at most {MAX_QUESTIONS})")
    seed = seed if seed is not None else random.SystemRandom().randrange(1_000_000)
    env.now()  # a bad DENSE1X1QUIZ_NOW is refused before the exam starts or the database is created
    decks = resolve(deck_names or [])
    questions = build_exam(decks, n, random.Random(seed), tags=tag, computed=computed)
    if not questions:
        raise no_questions(decks, tag, computed)
    limit = time_limit * 60 if time_limit is not None else None
    screen = ExamScreen(make_console(stderr=as_json), interactive=sys.stdin.isatty())
    screen.intro(questions, n, limit)
    with screen, Store.open(env.home_dir()) as store:  # screen: at the end, keys typed ahead are dropped
        try:
            result = run_exam(
                questions,
                ui=screen,
                recorder=store,
                clock=exam_clock(),
                now=env.now,
                seed=seed,
                decks=[d.id for d in decks],
                time_limit=limit,
            )
        except KeyboardInterrupt:
            screen.interrupted()
            raise
    if as_json:
        _print_json(result_json(result))
    else:
        screen.report(result, decks)


@app.command()
def stats(deck_names: DeckArgs = None, as_json: JsonOpt = False, svg: SvgOpt = None) -> None:
    """Counts, due forecast, retention and review heatmap."""
    from dense1x1quiz.catalog import resolve
    from dense1x1quiz.env import home_dir, now
    from dense1x1quiz.stats import compute_stats, stats_json
    from dense1x1quiz.store import Store

    chosen = resolve(deck_names or [], outline=True)  # ids and titles only: no Card is built
    if svg is not None:
        from dense1x1quiz.ui.demo import check_svg_path

        check_svg_path(svg)  # before any figure is computed
    moment = now()  # a bad DENSE1X1QUIZ_NOW is refused before the database is created
    from dense1x1quiz.deckcache import collector_paused

    with collector_paused(as_json):  # --json: a row and a dict per card
        with Store.open(home_dir()) as store:
            figures = compute_stats(chosen, store, moment, all_decks=not deck_names, with_cards=as_json)
        if as_json:
            # Indented for a reader at a terminal; one line for a program (every card of a big collection).
            _print_json(stats_json(figures), indent=2 if sys.stdout.isatty() else None)
            return
    if svg is not None:
        from dense1x1quiz.ui.stats import save_stats_svg

        save_stats_svg(figures, svg)
        _saved_svg(svg)
        return
    from dense1x1quiz.ui.stats import print_stats

    print_stats(figures)


@app.command()
def tags(deck_names: DeckArgs = None, as_json: JsonOpt = False) -> None:
    """Tags of the decks' cards, each with how many cards carry it (for --tag)."""
    from dense1x1quiz.catalog import resolve, tag_counts

    counts = tag_counts(resolve(deck_names or []))
    if as_json:
        _print_json([{"tag": tag, "cards": cards} for tag, cards in counts])
        return
    from dense1x1quiz.ui.tags import print_tags

    print_tags(counts)


# -- optimize (issue 18) --------------------------------------------------------------------


@app.command()
def optimize(
    deck_names: DeckArgs = None,
    as_json: JsonOpt = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Fit and report; never save.")] = False,
    retention: Annotated[
        bool, typer.Option("--retention", help="Simulate workload and knowledge at retention 0.70–0.97 instead.")
    ] = False,
) -> None:
    """Fit FSRS-6's parameters to your review log; save them when they predict held-out reviews better.

    The earliest 80% of the reviews train, the latest 20% judge (log loss, RMSE in bins), for the
    defaults and the fit. Saved parameters reschedule every card and every later answer.
    """
    from dense1x1quiz import optimize as opt
    from dense1x1quiz.catalog import resolve
    from dense1x1quiz.env import home_dir, local_zone
    from dense1x1quiz.scheduler import DEFAULT_DAY_START_HOUR, DEFAULT_NEW_PER_DAY
    from dense1x1quiz.store import Store
    from dense1x1quiz.ui.optimize_report import print_lines, report_lines, workload_lines

    chosen = resolve(deck_names or [], outline=True) if deck_names or retention else []
    with Store.open(home_dir()) as store:
        # The parameters these decks are scheduled with now (several different ones: none to compare with).
        in_force = {store.parameters(d.id) for d in chosen} if deck_names else {store.parameters()}
        current = in_force.pop() if len(in_force) == 1 else None
        if retention:
            deck_size = sum(len(d.card_ids) for d in chosen)
            new_per_day = int(store.get_setting("new_per_day", DEFAULT_NEW_PER_DAY))
            rows = opt.workload(current or opt.default_parameters(), cards=deck_size, new_per_day=new_per_day)
            if as_json:
                _print_json({"cards": deck_size, "new_per_day": new_per_day, "workload": [r._asdict() for r in rows]})
                return
            source = "your saved parameters" if current else "the default parameters"
            print_lines(workload_lines(rows, cards=deck_size, new_per_day=new_per_day, days=365, source=source))
            return
        hour = int(store.get_setting("day_start_hour", DEFAULT_DAY_START_HOUR))
        log = store.optimizer_log([d.id for d in chosen] if deck_names else None)
        report = opt.optimize(map(opt.LogRow._make, log), hour, local_zone(), current)
        note = ""
        if not report.better:
            saved_best = report.current is not None and report.current.log_loss < report.default.log_loss
            than = "the saved ones" if saved_best else "the defaults"
            note = f"the fitted parameters predict the held-out reviews no better (log loss) than {than}."
        if dry_run:  # and what a run without it would do
            note = "--dry-run; without it they would " + (f"not be saved either: {note}" if note else "be saved.")
        saved = not note
        decks = [d.id for d in chosen] if deck_names else []  # named decks: saved as theirs (quiz config --deck)
        cards = store.save_parameters(report.parameters, decks=decks) if saved else None
    if as_json:
        _print_json(
            {
                "reviews": report.reviews,
                "answers": report.answers,
                "train": report.train,
                "test": report.test,
                "parameters": list(report.parameters),
                "saved": saved,
                "default": {"log_loss": report.default.log_loss, "rmse_bins": report.default.rmse_bins},
                "optimized": {"log_loss": report.optimized.log_loss, "rmse_bins": report.optimized.rmse_bins},
                **(
                    {"current": {"log_loss": report.current.log_loss, "rmse_bins": report.current.rmse_bins}}
                    if report.current
                    else {}
                ),
            }
        )
        return
    print_lines(report_lines(report, saved=saved, note=note, cards=cards))


# -- settings (issue 15) ----------------------------------------------------------------------


def _is_number(word: str) -> bool:
    """Whether a command-line word reads as a number (`-1`, `-0.5`): a value, not an option."""
    try:
        float(word)
    except ValueError:
        return False
    return True


# A negative VALUE (`reviews_per_day -1`) reaches the setting's own check, which says what is allowed,
# instead of click's "No such option: -1"; a word that is no number and starts with - is still no option.
@app.command(context_settings={"ignore_unknown_options": True})
def config(
    key: Annotated[Optional[str], typer.Argument(metavar="[KEY]", help="A setting.", show_default=False)] = None,  # noqa: UP045
    value: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Argument(metavar="[VALUE]...", help="Its new value (steps, weights: several words).", show_default=False),
    ] = None,
    deck: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--deck", metavar="DECK", help="The deck's own value, which overrides the global one."),
    ] = None,
    unset: Annotated[bool, typer.Option("--unset", help="Forget the saved value (the deck's, with --deck).")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Show or change settings: new_per_day, reviews_per_day, day_start_hour, retention, learning_steps,
    relearning_steps, leech_lapses, leech_action, parameters.

    No KEY: every setting, its value and where it comes from (default, global, deck). KEY: its value.
    KEY VALUE: save it. KEY --unset: back to the global value or the default."""
    from dense1x1quiz.env import home_dir
    from dense1x1quiz.errors import UsageError
    from dense1x1quiz.settings import SETTINGS, parse_value, unknown_key_message
    from dense1x1quiz.store import Store

    for word in [key or "", *(value or [])]:
        if word.startswith("-") and not _is_number(word):
            raise UsageError(f"no such option: {word} (quiz config --help lists them)")
    if key is not None and key not in SETTINGS:
        raise UsageError(unknown_key_message(key))
    if unset and (key is None or value):
        raise UsageError("--unset takes a KEY and no VALUE: quiz config KEY --unset [--deck DECK]")
    if deck is not None and key is not None and not SETTINGS[key].per_deck:
        raise UsageError(f"{key} is global only: a study day starts at the same hour for every deck (no --deck)")
    new_value = None
    if value:
        text = " ".join(value)
        try:
            new_value = parse_value(key, text)  # type: ignore[arg-type]  # a VALUE comes after a KEY
        except ValueError as exc:
            from dense1x1quiz.text import clipped, quoted

            raise UsageError(f"{key} must be {exc}, not {quoted(clipped(text, 60))}") from None
    with Store.open(home_dir()) as store:
        deck_id = _settings_deck(deck, store) if deck is not None else None
        if unset:
            existed = store.unset_setting(key, deck=deck_id)  # type: ignore[arg-type]
        elif value:
            store.set_setting(key, new_value, deck=deck_id)  # type: ignore[arg-type]
        settings = store.settings()
    from dense1x1quiz.ui import config as shown

    if as_json:
        if key is not None:
            _print_json(settings.value(key, deck_id))
            return
        # DESIGN.md's shape: the global values at the top, the saved overrides under "decks"; with --deck,
        # that deck's overrides only, and the values in force for it under "in_force" (a key added).
        document: dict[str, object] = {name: settings.value(name, None) for name in SETTINGS}
        document["decks"] = {
            name: dict(values) for name, values in settings.decks.items() if deck_id is None or name == deck_id
        }
        if deck_id is not None:
            document["in_force"] = {name: settings.value(name, deck_id) for name in SETTINGS}
        _print_json(document)
    elif key is None:
        shown.print_settings(settings, deck_id)
    elif unset:
        shown.print_unset(key, deck_id, existed, *settings.value_and_source(key, deck_id))
    elif value:
        shown.print_changed(key, new_value, deck_id)
    else:
        shown.print_value(settings.value(key, deck_id))


def _settings_deck(name: str, store: "typing.Any") -> str:
    """The deck id `--deck NAME` means: a deck found (by id, file name or path), or a deck that has
    settings saved already (so a deck's settings can be changed or unset after its file is gone)."""
    if name in store.decks_with_settings():
        return name
    from dense1x1quiz.catalog import resolve

    return resolve([name], outline=True)[0].id


@app.command()
def edit(
    card: Annotated[str, typer.Argument(metavar="CARD", help="The card, as DECK:ID.", show_default=False)],
) -> None:
    """Open a card's deck file in $VISUAL or $EDITOR (else vi) at the card's line; check the deck after.

    A deck with problems is not saved: they are shown and the editor reopens on request. A built-in deck
    is saved to the user deck folder, where it replaces the built-in one."""
    from dense1x1quiz.edit import edit_card, find_card
    from dense1x1quiz.ui.edit import ask_stdin, tell_stderr

    deck, found = find_card(card)
    result = edit_card(deck, found, ask=ask_stdin, tell=tell_stderr)
    from dense1x1quiz.text import one_line

    sys.stdout.write("".join(one_line(m) + "\n" for m in result.messages))


# -- demo (issue 4) ---------------------------------------------------------------------------


class Layout(str, Enum):
    nchw = "nchw"
    nhwc = "nhwc"


@app.command()
def demo(
    name: Annotated[
        Optional[str],  # noqa: UP045
        typer.Argument(help="Demo name; none lists them.", show_default=False, autocompletion=_complete_demos),
    ] = None,
    height: Annotated[Optional[int], typer.Option(help="Input height H.")] = None,  # noqa: UP045
    width: Annotated[Optional[int], typer.Option(help="Input width W.")] = None,  # noqa: UP045
    cin: Annotated[Optional[int], typer.Option(help="Input channels Cᵢₙ.")] = None,  # noqa: UP045
    cout: Annotated[Optional[int], typer.Option(help="Output channels Cₒᵤₜ.")] = None,  # noqa: UP045
    batch: Annotated[Optional[int], typer.Option(help="Batch size N.")] = None,  # noqa: UP045
    layout: Annotated[Optional[Layout], typer.Option(help="Tensor layout shown first.", case_sensitive=False)] = None,  # noqa: UP045
    seed: Annotated[Optional[int], typer.Option(help="Random seed for the tensors.")] = None,  # noqa: UP045
    as_json: JsonOpt = False,
    svg: SvgOpt = None,
) -> None:
    """Live NumPy walkthroughs of dense vs 1×1 convolution; no NAME lists them."""
    given = {
        "height": height,
        "width": width,
        "cin": cin,
        "cout": cout,
        "batch": batch,
        "seed": seed,
        "layout": layout.value if layout else None,
    }
    params = {k: v for k, v in given.items() if v is not None}
    if name is None:
        if as_json:
            from dense1x1quiz.demos import DEMOS

            _print_json([{"demo": d.name, "summary": d.summary, "params": list(d.params)} for d in DEMOS.values()])
            return
        from dense1x1quiz.ui.demo import print_demo_list

        print_demo_list()
        return
    if as_json:
        from dense1x1quiz.demos.runner import run_demo

        _print_json(run_demo(name, params).to_json())
        return
    if svg is not None:
        from dense1x1quiz.ui.demo import save_demo_svg

        save_demo_svg(name, params, svg)
        _saved_svg(svg)
        return
    from dense1x1quiz.ui.demo import show_demo

    show_demo(name, params)


# -- authoring (issue 6) ----------------------------------------------------------------------


@app.command()
def new(
    path: Annotated[Path, typer.Argument(help="Where to write the new deck.", show_default=False)],
    title: Annotated[Optional[str], typer.Option(help="The deck's title.")] = None,  # noqa: UP045
) -> None:
    """Write a commented deck that shows every card kind."""
    from dense1x1quiz.authoring.scaffold import write_scaffold
    from dense1x1quiz.ui.authoring import print_new

    print_new(write_scaffold(path, title))


@app.command("import")
def import_notes(
    notes: Annotated[
        Path,
        typer.Argument(
            help="Markdown notes, an Anki package (.apkg, .colpkg) or Anki's text export.", show_default=False
        ),
    ],
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("-o", "--output", help="Deck file to write (Anki: a folder for its decks)."),
    ] = None,
    deck_id: Annotated[Optional[str], typer.Option(help="The new deck's id.")] = None,  # noqa: UP045
    force: Annotated[bool, typer.Option(help="Overwrite a file that is not a deck.")] = False,
) -> None:
    """Turn notes into decks (default: $DENSE1X1QUIZ_HOME/decks/<notes name>.yaml).

    The kind of file is read from its content: an Anki package or text export makes one deck per Anki deck."""
    from dense1x1quiz.authoring.anki_import import anki_kind

    kind = anki_kind(notes)
    if kind == "anki-package":  # its decks, then its review history
        from dense1x1quiz.authoring.anki_history import import_package
        from dense1x1quiz.ui.authoring import print_anki_import

        print_anki_import(*import_package(notes, output, deck_id, force))
        return
    if kind is not None:
        from dense1x1quiz.authoring.anki_import import import_anki_file
        from dense1x1quiz.ui.authoring import print_anki_import

        print_anki_import(import_anki_file(notes, kind, output, deck_id, force))
        return
    from dense1x1quiz.authoring.import_deck import import_to_deck
    from dense1x1quiz.ui.authoring import print_import

    print_import(import_to_deck(notes, output, deck_id, force))


class ExportFormat(str, Enum):
    apkg = "apkg"
    csv = "csv"
    md = "md"


@app.command()
def export(
    deck_name: Annotated[str, typer.Argument(metavar="DECK", help="Deck name or path.", show_default=False)],
    fmt: Annotated[
        ExportFormat, typer.Option("--format", help="Output format.", case_sensitive=False)
    ] = ExportFormat.apkg,
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("-o", "--output", help="File to write; - for standard output."),
    ] = None,
) -> None:
    """Export a deck to an Anki package, CSV or Markdown (default file: <deck id>.<format> here).

    -o - writes the export to standard output (the status lines then go to stderr); an .apkg only when
    stdout is not a terminal. A device, FIFO or socket as -o is refused."""
    from dense1x1quiz.authoring.export_deck import export_deck
    from dense1x1quiz.catalog import resolve
    from dense1x1quiz.ui.authoring import print_export

    print_export(export_deck(resolve([deck_name])[0], fmt.value, output), fmt.value)


# -- card management (issue 15): logic in cards.py, output in ui/cards.py ----------------------

CardArgs = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Argument(metavar="CARD", help="Cards as DECK:ID, or a deck (all its cards).", show_default=False),
]
TagOpt = Annotated[
    Optional[list[str]], typer.Option("--tag", metavar="TAG", help="Only cards with this tag (repeatable).")
]  # noqa: UP045
SearchOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--search", metavar="TEXT", help="Only cards whose text holds TEXT (case and accents ignored)."),
]
YesOpt = Annotated[
    bool, typer.Option("--yes", "-y", help="Do it without asking (needed when stdin is not a terminal).")
]


class CardStateChoice(str, Enum):
    new = "new"
    learning = "learning"
    review = "review"
    relearning = "relearning"
    suspended = "suspended"


@app.command("cards")
def cards_command(
    deck_names: DeckArgs = None,
    due: Annotated[bool, typer.Option("--due", help="Only cards due before the current study day ends.")] = False,
    due_by: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--due-by",
            metavar="DAY",
            help="Only cards due before that study day ends: today, tomorrow, a number of days ahead or YYYY-MM-DD.",
        ),
    ] = None,
    state: Annotated[Optional[CardStateChoice], typer.Option(help="Only cards in this state.")] = None,  # noqa: UP045
    tag: TagOpt = None,
    search: SearchOpt = None,
    leech: Annotated[bool, typer.Option("--leech", help="Only leeches.")] = False,
    flag: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            parser=_number("--flag", int, 1, 7, "a flag from 1 to 7"), metavar="N", help="Only cards with flag N."
        ),
    ] = None,
    orphans: Annotated[bool, typer.Option("--orphans", help="List history whose card no deck holds any more.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Browse and search cards: state, due time, interval, answers, lapses, flags and prompt, one line each."""
    from dense1x1quiz import env
    from dense1x1quiz.cards import card_rows, end_of_day, matches, orphans_json, row_json
    from dense1x1quiz.cards import orphans as find_orphans
    from dense1x1quiz.catalog import resolve
    from dense1x1quiz.scheduler import DEFAULT_DAY_START_HOUR, next_day_start
    from dense1x1quiz.store import Store

    chosen = resolve(deck_names or [])
    moment = env.now()
    with Store.open(env.home_dir()) as store:
        if orphans:
            found = find_orphans(chosen, store, all_decks=not deck_names)
        else:
            hour = int(store.get_setting("day_start_hour", DEFAULT_DAY_START_HOUR))
            end = end_of_day(due_by, moment, hour) if due_by is not None else None
            rows = matches(
                card_rows(chosen, store),
                due_by=next_day_start(moment, hour) if due else end,
                state=state.value if state else None,
                tags=tag or (),
                search=search,
                leech=leech,
                flag=flag,
            )
    if orphans:
        if as_json:
            _print_json(orphans_json(found))
            return
        from dense1x1quiz.ui.cards import print_orphans

        print_orphans(found)
        return
    if as_json:
        _print_json([row_json(row, moment) for row in rows], indent=2 if sys.stdout.isatty() else None)
        return
    from dense1x1quiz.ui.cards import print_cards

    print_cards(rows, moment, env.local_zone())


def _picked(words: list[str] | None, tag: list[str] | None, search: str | None) -> list:
    """The cards CARD words and --tag/--search name, among every deck found (or a deck file named by path)."""
    from dense1x1quiz.cards import pick
    from dense1x1quiz.catalog import resolve

    return pick(words or [], resolve([]), tags=tag or (), search=search, load=lambda path: resolve([path])[0])


def _mark(kind: str, words: list[str] | None, tag: list[str] | None, search: str | None) -> None:
    """suspend, unsuspend, bury: one transaction, one line saying what changed."""
    from dense1x1quiz import env
    from dense1x1quiz.scheduler import DEFAULT_DAY_START_HOUR, next_day_start
    from dense1x1quiz.store import Store
    from dense1x1quiz.ui.cards import marked_line

    picked = _picked(words, tag, search)
    keys = [card.key for card in picked]
    moment = env.now()
    with Store.open(env.home_dir()) as store:
        if kind == "suspend":
            line = marked_line("Suspended", len(store.suspend(keys, moment)), len(keys), "already suspended")
        elif kind == "unsuspend":
            line = marked_line("Unsuspended", len(store.unsuspend(keys, moment)), len(keys), "not suspended")
        else:
            hour = int(store.get_setting("day_start_hour", DEFAULT_DAY_START_HOUR))
            until = next_day_start(moment, hour)
            shown = until.astimezone(env.local_zone()).strftime("%Y-%m-%d %H:%M")
            tail = f" until {shown} (the next study day)"
            line = marked_line("Buried", len(store.bury(keys, until, moment)), len(keys), "already buried", tail)
    sys.stdout.write(line)


@app.command()
def suspend(card_words: CardArgs = None, tag: TagOpt = None, search: SearchOpt = None) -> None:
    """Suspend cards: study never asks them (their history is kept) until unsuspended."""
    _mark("suspend", card_words, tag, search)


@app.command()
def unsuspend(card_words: CardArgs = None, tag: TagOpt = None, search: SearchOpt = None) -> None:
    """Unsuspend cards: study asks them again when due."""
    _mark("unsuspend", card_words, tag, search)


@app.command()
def bury(card_words: CardArgs = None, tag: TagOpt = None, search: SearchOpt = None) -> None:
    """Bury cards until the next study day starts (setting day_start_hour)."""
    _mark("bury", card_words, tag, search)


def _confirmed(question: str, yes: bool, refused: str) -> bool:
    """--yes, or the answer `y` to `question` on a terminal; without a terminal and --yes, a UsageError."""
    if yes:
        return True
    if not sys.stdin.isatty():
        from dense1x1quiz.errors import UsageError

        raise UsageError(f"{refused} asks before it changes anything; stdin is not a terminal: add --yes")
    sys.stdout.write(f"{question} [y/N] ")
    sys.stdout.flush()
    answer = sys.stdin.readline().strip().casefold()
    return answer in ("y", "yes")


@app.command()
def reset(card_words: CardArgs = None, tag: TagOpt = None, search: SearchOpt = None, yes: YesOpt = False) -> None:
    """Make cards new again (CARD is DECK:ID, or a deck for all its cards); the review log keeps every answer."""
    from dense1x1quiz import env
    from dense1x1quiz.store import Store

    picked = _picked(card_words, tag, search)
    with Store.open(env.home_dir()) as store:
        states = store.states([card.key for card in picked])
        keys = [card.key for card in picked if card.key in states]
        if not keys:
            sys.stdout.write(f"Nothing to reset: {_count(len(picked), 'card')} new already.\n")
            return
        answers = sum(states[key].reps for key in keys)
        question = f"Reset {_count(len(keys), 'card')} to new? The log keeps their {_count(answers, 'answer')}."
        if not _confirmed(question, yes, "quiz reset"):
            sys.stdout.write("Cancelled: nothing was reset.\n")
            raise typer.Exit(1)
        done = store.reset(keys, env.now())
    sys.stdout.write(
        f"Reset {_count(len(done), 'card')} to new; the review log keeps their {_count(answers, 'answer')}.\n"
    )


@app.command("forget-orphans")
def forget_orphans(yes: YesOpt = False) -> None:
    """Remove the history (answers, marks) of cards no deck holds any more, after a backup."""
    from dense1x1quiz import env
    from dense1x1quiz.cards import orphans
    from dense1x1quiz.catalog import find_decks, resolve
    from dense1x1quiz.errors import QuizError
    from dense1x1quiz.store import Store
    from dense1x1quiz.text import one_line

    broken = [entry for entry in find_decks(outline=True) if entry.deck is None]
    if broken:  # its cards' history would look orphaned
        names = ", ".join(one_line(str(entry.path)) for entry in broken)
        raise QuizError(
            f"a deck cannot be read ({names}); fix it first (`quiz decks` says why), or its history would be removed"
        )
    chosen = resolve([])
    with Store.open(env.home_dir()) as store:
        found = orphans(chosen, store, all_decks=True)
        if not found:
            sys.stdout.write("No orphaned history: every card with history is in a deck found.\n")
            return
        answers = sum(o.answers for o in found)
        question = f"Remove the history of {_count(len(found), 'card')} ({_count(answers, 'answer')}) no deck holds?"
        if not _confirmed(question, yes, "quiz forget-orphans"):
            sys.stdout.write("Cancelled: nothing was removed.\n")
            raise typer.Exit(1)
        removed, backup = store.forget([o.key for o in found], reason="forget-orphans")
    sys.stdout.write(
        f"Removed the history of {_count(len(found), 'card')} ({_count(removed, 'answer')}); backup: {backup}\n"
    )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'s' * (n != 1)}"


# -- entry point ------------------------------------------------------------------------------


def command_group(argv: list[str]) -> typer.core.TyperGroup:
    """The click group typer builds from `app`, to run `quiz ARGV`. Typer works out a command's
    options from its signature when it builds it, and building all nine is ~5 ms of a 100 ms start
    (issue 7). So when ARGV names a command, the group holds that one only; otherwise no command
    runs (`quiz`, `quiz --help`, a mistyped name) and the group lists every command by its name and
    help alone, as typer would, with typer's `--install-completion` and `--show-completion`. While the
    shell asks for completions (`_QUIZ_COMPLETE` set), the group holds every command in full."""
    import inspect

    import typer.main

    commands = {
        c.name or typer.main.get_command_name(c.callback.__name__): c  # type: ignore[union-attr]
        for c in app.registered_commands
    }
    completing = "_QUIZ_COMPLETE" in os.environ
    chosen = commands.get(argv[0]) if argv else None
    every = app.registered_commands
    app.registered_commands = every if completing else [chosen] if chosen else []
    try:
        group = typer.main.get_group(app)
    finally:
        app.registered_commands = every
    if chosen is None or completing:  # options of `quiz` itself, not of a command
        group.params += typer.main.get_install_completion_arguments()
    if chosen is None and not completing:
        for name, info in commands.items():
            text = inspect.cleandoc(info.help) if info.help is not None else inspect.getdoc(info.callback)
            group.add_command(
                typer.core.TyperCommand(
                    name, help=text, short_help=info.short_help, hidden=info.hidden, deprecated=info.deprecated
                )
            )
    return group


def run(argv: list[str], prog_name: str | None = None) -> int:
    """Run `quiz ARGV` and return its exit code: click's usage errors 2; every QuizError becomes
    `Error: …` and its exit code; Ctrl-C 130; anything else is reported as a bug in one line, not a
    traceback. `prog_name` is the name usage lines show (default: as click finds it from sys.argv).
    Tests call this in-process; `main` is it for the `quiz` script.

    Standard output is where every command writes its results: if it is closed, nothing is done; a
    write to it that fails (a full disk, a terminal gone) is `Error: cannot write to standard output: …`
    and exit 1, a reader that went away (`quiz … | head`) exit 1 quietly. It is flushed here, not at
    Python's exit, where an error could not be reported. With stderr closed too, errors exit 1 silently.

    Every message here may quote deck or user text, so each passes `visible_lines` or `one_line`:
    no control character from outside the program reaches the terminal."""
    real = sys.stdout
    if real is None:  # `quiz … >&-`: fd 1 is free, and the first file opened would take it
        _tell("Error: standard output is closed; quiz writes its results there (to discard them: > /dev/null)\n")
        return 1
    sys.stdout = guarded = _GuardedStdout(real)
    try:
        code = _run_guarded(argv, prog_name)
        try:
            guarded.flush()
        except _StdoutError as exc:
            code = _stdout_failed(exc, real)
    finally:
        sys.stdout = real
    return code


def _run_guarded(argv: list[str], prog_name: str | None) -> int:
    """`run`'s work, with standard output guarded: each failure mapped to its message and exit code."""
    try:
        # Not standalone: click's errors come here to be shown safely (typer would print them as they are).
        code = command_group(argv)(args=argv, prog_name=prog_name, standalone_mode=False)
    except KeyboardInterrupt:
        _tell("\nInterrupted.\n")
        return 130
    except typer.Abort:
        _tell("Aborted!\n")
        return 1
    except SystemExit as exc:  # typer's --show-completion and --install-completion end with sys.exit(0)
        return exc.code if isinstance(exc.code, int) else 0
    except typer.TyperException as exc:  # click's usage errors: a bad option, value or command name
        _show_usage_error(exc)
        return exc.exit_code
    except _StdoutError as exc:
        return _stdout_failed(exc, sys.stdout._stream if isinstance(sys.stdout, _GuardedStdout) else sys.stdout)
    except MemoryError:
        _tell(
            "Error: not enough memory for this command (a deck too large for this machine, or a memory limit "
            "set too low); close other programs or split the deck, then try again\n"
        )
        return 1
    except Exception as exc:
        from dense1x1quiz.errors import QuizError  # here, not above: `quiz --help` never needs it

        if isinstance(exc, QuizError):
            from dense1x1quiz.ui.console import print_error

            try:
                print_error(str(exc))
            except (OSError, ValueError):  # stderr closed or failing too: the exit code is all that is left
                pass
            return exc.exit_code
        if os.environ.get("DENSE1X1QUIZ_DEBUG"):
            raise
        from dense1x1quiz.text import one_line

        _tell(
            f"Error: internal error ({one_line(f'{type(exc).__name__}: {exc}')}). This is a bug; "
            "run again with DENSE1X1QUIZ_DEBUG=1 to see where it happened.\n"
        )
        return 1
    return code if isinstance(code, int) else 0  # a command's typer.Exit(n), --help's 0, or success


class _StdoutError(OSError):
    """A write to standard output failed (`errno` says why); `cli.run` reports it, for every command.
    An OSError still, so code that copes with a closed terminal (a study session) keeps doing so."""

    on_stdout = True


class _GuardedStdout:
    """Standard output (text, and its binary `buffer`) with every failed write or flush raised as
    _StdoutError, so it is told apart from an error in a file; everything else is the stream's own."""

    def __init__(self, stream: typing.Any):
        self._stream = stream

    def write(self, data: typing.Any) -> int:
        try:
            return self._stream.write(data)
        except OSError as exc:
            raise _StdoutError(exc.errno, exc.strerror) from None

    def writelines(self, lines: typing.Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            raise _StdoutError(exc.errno, exc.strerror) from None

    @property
    def buffer(self) -> "_GuardedStdout":
        return _GuardedStdout(self._stream.buffer)

    def __getattr__(self, name: str) -> typing.Any:
        return getattr(self._stream, name)


def _stdout_failed(exc: OSError, stream: typing.Any) -> int:
    """Exit code 1 for a failed write to standard output, with `Error: …` unless the reader went away."""
    import errno

    from dense1x1quiz.userfiles import why

    _discard_unwritten(stream)
    if exc.errno != errno.EPIPE:  # `quiz … | head`: the reader has what it wanted
        _tell(f"Error: cannot write to standard output: {why(exc)}\n")
    return 1


def _discard_unwritten(stream: typing.Any) -> None:
    """Point the process's own stdout at /dev/null: what is left in its buffer would otherwise fail again
    when Python flushes it at exit (`Exception ignored … BrokenPipeError`). Not a stream a test gave."""
    real = sys.__stdout__
    if real is None or stream is not real:
        return
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, real.fileno())
        os.close(null)
    except (OSError, ValueError):
        pass


def _tell(text: str) -> None:
    """`text` on stderr; nothing if stderr is closed or failing (the exit code still says it)."""
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except (AttributeError, OSError, ValueError):
        pass


def main() -> None:
    """The `quiz` script: `run` the command line and exit with its code."""
    sys.exit(run(sys.argv[1:]))


def _show_usage_error(exc: typer.TyperException) -> None:
    """Click's own text for a usage error (usage line, hint, `Error: …`), with its line breaks kept
    and every control character it quotes from the command line made visible."""
    import io

    from dense1x1quiz.text import visible_lines

    shown = io.StringIO()
    show = getattr(exc, "show", None)
    if show is not None:
        show(file=shown)
    else:
        shown.write(f"Error: {exc.format_message()}\n")
    _tell(visible_lines(shown.getvalue()))


__all__ = ["app", "command_group", "main", "run"]
