"""The study loop: draw a card, ask it, store the answer, repeat. Collaborators are passed in.

`run_study(queue, *, scheduler, store, ui, clock, ...)` knows the flow of one card (reveal or
type or pick, then a rating) and nothing about screens or SQL: `ui` (a `Screen`: ui/study.py or
ui/study_plain.py, chosen by the CLI) renders and reads actions, `store` (store.py) commits each
answer before it is acknowledged, `queue` (queue.py) decides which card comes next (`StudyQueue`
for spaced repetition, `CramQueue` for `--cram`). The collaborators are typed by the Protocols
below, with only the methods the loop calls; this module never imports `dense1x1quiz.ui`.

Signals: Ctrl-C (KeyboardInterrupt), SIGTERM and SIGHUP end the session with its summary. While
an answer is being committed they are held back and delivered right after, so an answer is either
in the database and acknowledged, or neither.
"""

from __future__ import annotations

import errno
import random
import signal
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from dense1x1quiz import choices
from dense1x1quiz.answers import MAX_ANSWER_CHARS, grade, parse_number, parse_shape
from dense1x1quiz.errors import QuizError, StoreFilesMovedError
from dense1x1quiz.model import Card, cloze_prompt, cloze_reveal
from dense1x1quiz.queue import CramQueue, StudyQueue
from dense1x1quiz.scheduler import AGAIN, GOOD, HARD, RATING_NAMES, CardState, Key, deck_scheduler
from dense1x1quiz.views import Action, CardView

if TYPE_CHECKING:
    from dense1x1quiz.answers import Grade
    from dense1x1quiz.edit import Edited
    from dense1x1quiz.scheduler import Scheduler
    from dense1x1quiz.settings import Settings
    from dense1x1quiz.store import MarkEvent, Marks

# The study keys that act on the card shown, as in Anki (each undone by `u`): what the screen's Action says.
CARD_ACTIONS = ("suspend", "bury", "flag", "edit")
FLAG = 1  # the flag `*` sets (Anki's red); `*` on a flagged card clears it


class SessionSignal(Exception):
    """SIGTERM or SIGHUP arrived: save and stop."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


# -- the collaborators --------------------------------------------------------------------------


class ReviewStore(Protocol):
    """Where answers are kept (store.Store): each one committed before it is acknowledged."""

    def record_answer(
        self,
        card: Card,
        rating: int,
        now: datetime,
        *,
        mode: str,
        duration_ms: int | None,
        typed: str | None,
        session_id: str,
        scheduler: Scheduler,
        leech: tuple[int, bool] | None = None,
    ) -> tuple[CardState, list[MarkEvent]]: ...

    def undo_last(self, session_id: str, events: Iterable[int] = ()) -> Key | None: ...

    def files_moved(self) -> str | None: ...

    def suspend(self, keys: Iterable[Key], now: datetime, *, session_id: str | None = None) -> list[MarkEvent]: ...

    def bury(
        self, keys: Iterable[Key], until: datetime, now: datetime, *, session_id: str | None = None
    ) -> list[MarkEvent]: ...

    def set_flag(
        self, keys: Iterable[Key], flag: int, now: datetime, *, session_id: str | None = None
    ) -> list[MarkEvent]: ...

    def mark_leech(
        self, key: Key, now: datetime, *, leech: bool = True, session_id: str | None = None
    ) -> MarkEvent | None: ...

    def marks(self, keys: Iterable[Key] | None = None, *, decks: Iterable[str] | None = None) -> dict[Key, Marks]: ...

    def undo_mark(self, event_id: int) -> Key | None: ...


class Screen(Protocol):
    """The study screen (ui/study.py on a terminal, ui/study_plain.py on a pipe): it shows what the
    session says and reads one `Action` per step."""

    def card(self, view: CardView) -> None: ...

    def hint(self, text: str, short: str) -> None: ...

    def read(self, step: str, *, options: int = 0, suggested: int | None = None) -> Action: ...

    def typed_verdict(self, given: str, grade: Grade, show_diff: bool, rate_yourself: bool = False) -> None: ...

    def choice_verdict(self, options: list[str], picked: int, right: int) -> None: ...

    def answer(self, card: Card, answer: str | None, context: str = "") -> None: ...

    def buttons(self, intervals: dict[int, timedelta] | None, suggested: int | None = None) -> None: ...

    def ack(self, rating: int, due: datetime | None, now: datetime, cram: bool = False) -> None: ...

    def run_demo(self, card: Card) -> bool: ...

    def pause(self) -> None: ...

    def show_again(self) -> None: ...

    def message(self, text: str, style: str = "") -> None: ...

    def note(self, text: str) -> None: ...


class Clock(Protocol):
    """The time now, aware (env.now: the machine's clock, or DENSE1X1QUIZ_NOW in tests)."""

    def __call__(self) -> datetime: ...


# -- what to ask --------------------------------------------------------------------------------


def ask_style(card: Card, mode: str, has_options: bool) -> str:
    """How a card is asked: flip (reveal, then rate), type (type the answer) or choice (pick one).

    `auto`: typed cards are typed, choice and table cards are choices, basic and cloze cards flip.
    `choice` falls back to flip when no options could be found for a card."""
    if mode == "flip":
        return "flip"
    if mode == "type":
        return "type"
    if mode == "choice":
        return "choice" if has_options else "flip"
    if card.kind == "typed":
        return "type"
    if card.kind in ("choice", "table"):
        return "choice"
    return "flip"


def question(card: Card) -> str:
    """The text asked: a cloze card with its one number hidden and the others shown."""
    return cloze_prompt(card.cloze, card.cloze_number) if card.kind == "cloze" else card.prompt


def accepted(card: Card) -> list[str]:
    """The answers a typed reply is graded against, canonical first; an answer written in LaTeX
    also as it is shown (`$C_{in} \\cdot C_{out}$` as `Cᵢₙ · Cₒᵤₜ`), since that is what was read."""
    from dense1x1quiz.text import render_math

    written = [card.answer, *card.accept]
    shown = [render_math(a) for a in written if "$" in a]
    return list(dict.fromkeys(written + shown))


def choice_options(card: Card, rng: random.Random, pool: choices.OptionPool | Sequence[Card] = ()) -> list[str]:
    """The numbered options of a card, shuffled by `rng`. A card without options of its own (in
    `--mode choice`) gets up to three other answers from its deck in `pool`, of the same kind first
    (numbers for a number, a phrase of similar length for a phrase), never from its siblings (a reverse
    card's answer would give it away), and never one that the grader accepts for it (`choices`)."""
    return choices.choice_options(card, rng, pool)


def suggested_rating(correct: bool, near: bool, expected: str) -> int:
    """Good when right; Hard for a slip of a character in words; Again otherwise (a number or a
    shape one digit off is simply wrong)."""
    if correct:
        return GOOD
    if near and parse_number(expected) is None and parse_shape(expected) is None:
        return HARD
    return AGAIN


def sure_rating(result: Grade) -> int | None:
    """The rating suggested for an answer typed on a basic card: Good when it is right (by text or meaning),
    Again when it is clearly wrong (a number, shape, formula or call that differs), else none: a paraphrase
    of prose is for the learner to rate, and Enter alone records nothing."""
    if result.correct:
        return GOOD
    return AGAIN if result.sure else None


# -- signals ------------------------------------------------------------------------------------


class _Signals:
    """SIGTERM and SIGHUP end the session like Ctrl-C.

    A signal is acted on only while the session waits for the learner (`deliverable()`); one that
    arrives while a card is drawn or an answer committed is held and acted on at the next wait. So a
    commit is never cut in half, and the screen (rich's console) is never left mid-write, which
    could swallow the summary printed after it."""

    def __init__(self) -> None:
        self.held: int | None = None
        self.holding = True
        self.saved: dict[int, Any] = {}

    def _handler(self, signum: int, frame: Any) -> None:
        if self.holding:
            self.held = signum
            return
        self._raise(signum)

    @staticmethod
    def _raise(signum: int) -> None:
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise SessionSignal(signum)

    def __enter__(self) -> _Signals:
        for name in ("SIGINT", "SIGTERM", "SIGHUP"):
            signum = getattr(signal, name, None)
            if signum is None:
                continue
            try:
                self.saved[signum] = signal.signal(signum, self._handler)
            except ValueError:  # not the main thread: leave signals alone
                pass
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self.saved.items():
            signal.signal(signum, handler)

    @contextmanager
    def held_back(self) -> Iterator[None]:
        """Hold signals during the block (a commit), whatever the state around it."""
        before, self.holding = self.holding, True
        try:
            yield
        finally:
            self.holding = before
        if not before:
            self._deliver_held()

    @contextmanager
    def deliverable(self) -> Iterator[None]:
        """Act on signals during the block (waiting for a key or a line), a held one first."""
        self.holding = False
        try:
            # After `holding = False`: a signal that came between a check of `held` and that line would be
            # held and never acted on, and the wait would outlast it (a SIGHUP test hung 1 run in 6).
            self._deliver_held()
            yield
        finally:
            self.holding = True

    def _deliver_held(self) -> None:
        if self.held is not None:
            signum, self.held = self.held, None
            self._raise(signum)


# -- the loop -----------------------------------------------------------------------------------


@dataclass
class Summary:
    """What a session did: answers (right = anything but Again), time, and why it stopped."""

    seconds: float = 0.0
    next_due: datetime | None = None
    stopped: str = ""  # "" (done or quit), "interrupted", "SIGTERM", "SIGHUP", "the last answer was not saved"
    error: str = ""  # why, when the store failed
    files_moved: str = ""  # "database" or "WAL" when that file was removed under the session: saved answers may be lost
    exit_code: int = 0
    left: int = 0  # cards still to study today (learning steps later today included)
    results: list[tuple[Key, int]] = field(default_factory=list)  # every answer kept, in order: (card, rating)
    # Why nothing is left to study (asked only then): new cards held back by the daily limit, new
    # cards buried by a sibling answered today, and that limit (None in cram).
    new_limited: int = 0
    new_buried: int = 0
    new_per_day: int | None = None  # the daily new-card limit (the highest, when the decks' differ)
    new_limits_differ: bool = False
    reviews_capped: int = 0  # review cards due today that the daily review cap holds back (reviews_per_day)

    @property
    def answered(self) -> int:
        return len(self.results)

    @property
    def cards(self) -> int:
        """Distinct cards answered (a card failed comes back: more answers than cards)."""
        return len({key for key, _ in self.results})

    @property
    def wrong(self) -> int:
        return sum(1 for _, rating in self.results if rating == AGAIN)

    @property
    def right(self) -> int:
        return self.answered - self.wrong


def run_study(
    queue: StudyQueue | CramQueue,
    *,
    scheduler: Scheduler | None,
    store: ReviewStore | None,
    ui: Screen,
    clock: Clock,
    mode: str = "auto",
    rng: random.Random | None = None,
    session_id: str = "",
    pool: Sequence[Card] = (),
    timer: Callable[[], float] = time.monotonic,
    after_first_card: Callable[[], None] | None = None,
    settings: Settings | None = None,
    editor: Callable[[Card], Edited] | None = None,
    undo_edit: Callable[[Edited], str | None] | None = None,
) -> Summary:
    """Study `queue` until it is empty, the learner quits, input ends, or a signal arrives.

    Every answer is committed by `store.record_review` before the screen acknowledges it (not in
    cram, where there is no `store` nor `scheduler`: None). `after_first_card` runs once, when the
    first card is on the screen and before its answer is timed (the deck cache's deferred writes).
    `settings` gives each deck's leech rule and the hour days start (None: the defaults). The card
    keys: `@` suspends the card shown, `-` buries it until the next study day, `*` flags it, `e` runs
    `editor` on it (edit.edit_card: the edited card is asked next); `u` takes back the latest answer or
    key (`undo_edit` puts an edit's file back, or says why not). Returns the summary; the caller renders it."""
    session = _Session(queue, scheduler, store, ui, clock, mode, rng or random.Random(0), session_id, pool, timer)
    session.after_first_card = after_first_card
    session.settings, session.editor, session.undo_edit = settings, editor, undo_edit
    started = timer()
    with _Signals() as signals:
        session.signals = signals
        try:
            session.loop()
        except KeyboardInterrupt:
            session.summary.stopped, session.summary.exit_code = "interrupted", 130
        except SessionSignal as exc:
            session.summary.stopped, session.summary.exit_code = exc.args[0], 128 + exc.signum
        except QuizError as exc:  # the store failed (disk full, locked too long): what was saved stays saved
            session.summary.stopped, session.summary.exit_code = "the last answer was not saved", exc.exit_code
            session.summary.error = str(exc)
            if isinstance(exc, StoreFilesMovedError):
                session.summary.files_moved = exc.moved
        except OSError as exc:  # the terminal or the pipe we write to has gone
            if exc.errno not in (errno.EIO, errno.EPIPE):
                raise
            session.summary.stopped, session.summary.exit_code = "output closed", 1
    if store is not None and not session.summary.files_moved:  # quit with no write failing: asked all the same
        session.summary.files_moved = store.files_moved() or ""
    session.summary.seconds = timer() - started
    session.summary.next_due = queue.next_due()
    session.summary.left = sum(queue.counts(clock()))
    if isinstance(queue, StudyQueue) and not session.summary.left:  # why nothing is left: said in the summary
        session.summary.new_limited, session.summary.new_buried = queue.waiting_new(clock())
        limits = queue.daily_new_limits()  # decks may have limits of their own (quiz config --deck)
        session.summary.new_per_day, session.summary.new_limits_differ = max(limits), len(limits) > 1
        session.summary.reviews_capped = queue.waiting_reviews(clock())
    return session.summary


class _Session:
    def __init__(
        self,
        queue: StudyQueue | CramQueue,
        scheduler: Scheduler | None,
        store: ReviewStore | None,
        ui: Screen,
        clock: Clock,
        mode: str,
        rng: random.Random,
        session_id: str,
        pool: Sequence[Card],
        timer: Callable[[], float],
    ):
        self.queue = queue
        self.scheduler = scheduler
        self.store = store
        self.ui = ui
        self.clock = clock
        self.mode = mode
        self.rng = rng
        self.session_id = session_id
        self.pool = pool
        self.timer = timer
        self.cram = isinstance(queue, CramQueue)
        self.summary = Summary()
        self.signals: _Signals | None = None
        self.after_first_card: Callable[[], None] | None = None  # run once, after the first card is shown
        self._options: dict[Key, list[str]] = {}  # a card keeps its shuffled options when it comes back
        self._borrowable: choices.OptionPool | None = None
        self.settings: Settings | None = None
        self.editor: Callable[[Card], Edited] | None = None
        self.undo_edit: Callable[[Edited], str | None] | None = None
        # What `u` takes back, latest last: ("answer", card, leech events, set aside) or ("mark", card, events,
        # set aside) or ("edit", old card, new card, Edited)
        self._done: list[tuple] = []

    def _option_pool(self) -> choices.OptionPool:
        """The session's answers indexed for borrowing, built when a card first needs options."""
        if self._borrowable is None:
            self._borrowable = choices.OptionPool(self.pool)
        return self._borrowable

    def loop(self) -> None:
        while True:
            now = self.clock()
            card = self.queue.next(now)
            if card is None:
                return
            if card.key not in self._options:
                self._options[card.key] = (
                    choice_options(card, self.rng, () if card.options else self._option_pool())
                    if self.mode in ("auto", "choice") and (card.options or self.mode == "choice")
                    else []
                )
            options = self._options[card.key]
            style = ask_style(card, self.mode, bool(options))
            view = CardView(
                card,
                question(card),
                style,
                options if style == "choice" else [],
                self.queue.counts(now),
                cram=self.cram,
                done=self.summary.answered,
            )
            if not self._ask(card, view):
                return

    def _ask(self, card: Card, view: CardView) -> bool:
        """One card, from question to saved answer. False when the session should stop."""
        ui = self.ui
        ui.card(view)
        if self.after_first_card is not None:  # before `shown`: its time is not the learner's
            work, self.after_first_card = self.after_first_card, None
            work()
        shown = self.timer()
        if view.style == "flip":
            action = self._read(
                card, view, "reveal", hint=("space: show answer · s show me · u undo · q quit", "spc s u q")
            )
            if action.kind != "reveal":
                return action.kind != "quit"
            self._reveal(card)
            return self._rate(card, view, shown, typed=None, suggested=None)
        if view.style == "type":
            action = self._read(
                card,
                view,
                "answer",
                hint=(
                    "Type the answer, Enter to check (a line of just s, u or q: show me, undo, quit)",
                    "type ⏎ s u q",
                ),
            )
            if action.kind != "answer":
                return action.kind != "quit"
            given = str(action.value)[:MAX_ANSWER_CHARS]  # the screen read at most this (and said so)
            result = grade(given, accepted(card), declared=card.grade or None)
            if card.kind == "basic":  # a back written as prose: the grader judges only what it is sure of
                rate_yourself = not result.sure
                ui.typed_verdict(given, result, show_diff=rate_yourself, rate_yourself=rate_yourself)
                self._reveal(card)
                return self._rate(card, view, shown, typed=given, suggested=sure_rating(result))
            ui.typed_verdict(given, result, show_diff=result.near)
            self._reveal(card)
            return self._rate(
                card, view, shown, typed=given, suggested=suggested_rating(result.correct, result.near, result.closest)
            )
        action = self._read(
            card,
            view,
            "pick",
            options=len(view.options),
            hint=(f"1–{len(view.options)}: choose · s show me · u undo · q quit", f"1–{len(view.options)} s u q"),
        )
        if action.kind != "pick":
            return action.kind != "quit"
        picked = int(action.value)  # type: ignore[arg-type]
        right = view.options.index(card.answer)
        ui.choice_verdict(view.options, picked, right)
        ui.answer(card, None)
        rating = GOOD if picked == right else AGAIN
        self._record(card, rating, shown, typed=view.options[picked], mode="choice")
        action = self._read(card, view, "next", hint=("any key: next card · s show me · u undo · q quit", "key s u q"))
        return action.kind != "quit"

    def _reveal(self, card: Card) -> None:
        if card.kind == "cloze":
            self.ui.answer(card, card.answer, context=cloze_reveal(card.cloze))
        else:
            self.ui.answer(card, card.answer)

    def _rate(self, card: Card, view: CardView, shown: float, typed: str | None, suggested: int | None) -> bool:
        self.ui.buttons(self.queue.preview(card, self.clock()), suggested)
        action = self._read(
            card,
            view,
            "rate",
            suggested=suggested,
            hint=(
                "1–4: rate" + (" (Enter: suggested)" if suggested else "") + " · s show me · u undo · q quit",
                "1–4 s u q",
            ),
        )
        if action.kind != "rate":
            return action.kind != "quit"
        mode = "type" if view.style == "type" else "cloze" if card.kind == "cloze" else "flip"
        self._record(card, int(action.value), shown, typed=typed, mode=mode)  # type: ignore[arg-type]
        return True

    def _read(
        self,
        card: Card,
        view: CardView,
        step: str,
        *,
        hint: tuple[str, str],
        options: int = 0,
        suggested: int | None = None,
    ) -> Action:
        """An action at `step`; `s` (show me) is handled here and the step asked again; `u` undoes."""
        self.ui.hint(*hint)
        while True:
            with self._waiting():
                action = self.ui.read(step, options=options, suggested=suggested)
            if action.kind == "show":
                if self.ui.run_demo(card):
                    with self._waiting():
                        self.ui.pause()
                    self.ui.show_again()  # the card, with its hint
                else:
                    self.ui.hint(*hint)
                continue
            if action.kind == "undo":
                if self._undo():
                    return action
                self.ui.hint(*hint)  # its line (a flag taken back, nothing to undo) took the hint's place
                continue
            if action.kind in CARD_ACTIONS:
                if self._card_action(card, action.kind):
                    return action  # the card left the session, or its edited text is asked next
                self.ui.hint(*hint)
                continue
            return action

    def _waiting(self):
        """The block in which the session waits for the learner: signals act at once there."""
        return self.signals.deliverable() if self.signals else nullcontext()

    def _undo(self) -> bool:
        """Undo the latest answer or card key of this session (in the store first). False if there was none."""
        if not self._done:
            self.ui.message("Nothing to undo in this session.", "yellow")
            return False
        assert self.signals is not None
        kind = self._done[-1][0]
        with self.signals.held_back():
            if kind == "edit":
                return self._undo_edit()
            if kind == "mark":
                _, card, events, aside = self._done.pop()
                self._undo_marks(events, aside)
                what = {"suspend": "suspended", "bury": "buried", "flag": "flag"}[events[0].kind] if events else "a key"
                again = "; it is asked again" if aside else ""
                self.ui.note(f"Undone: {what} on {card.id}{again}.")
                return aside
            _, card, events, aside = self._done[-1]
            if not self.cram and self._store().undo_last(self.session_id, [e.id for e in events]) is None:
                self._done.pop()  # an answer no undo can take back: it stays, and so does its place in the queue
                self.queue.keep_last()  # type: ignore[union-attr]  # a study queue: a cram has no store
                self.ui.message(f"The answer on {card.id} cannot be undone: the card was reset since.", "yellow")
                return False
            self._done.pop()
            if aside:  # the answer's leech rule suspended it (its events went with the answer)
                self.queue.restore()
            self.queue.undo()
            key, rating = self.summary.results.pop()
            self.ui.note(f"Undone: {RATING_NAMES[rating].capitalize()} on {key[1]}; it is asked again.")
        return True

    def _undo_marks(self, events: list[MarkEvent], aside: bool) -> None:
        """Take back card events (latest first) and, when they set the card aside, put it back in the queue."""
        for event in reversed(events):
            self._store().undo_mark(event.id)
        if aside:
            self.queue.restore()

    # -- the card keys: suspend, bury, flag, edit --

    def _card_action(self, card: Card, kind: str) -> bool:
        """`@`, `-`, `*` or `e` on `card`. True when the card left the session (suspended, buried) or was
        edited (its new text is asked next); False when it stays as it is (flagged, nothing done)."""
        if kind == "edit":
            return self._edit(card)
        if self.cram:
            self.ui.message("A cram changes nothing: suspend, bury and flag are for study sessions.", "yellow")
            return False
        now = self.clock()
        store = self._store()
        assert self.signals is not None
        with self.signals.held_back():
            if kind == "flag":
                flagged = store.marks([card.key]).get(card.key)
                flag = 0 if flagged is not None and flagged.flag else FLAG
                events = store.set_flag([card.key], flag, now, session_id=self.session_id)
                self._done.append(("mark", card, events, False))
                self.ui.message(f"Flagged {card.id}." if flag else f"Flag taken off {card.id}.", "yellow")
                return False
            if kind == "suspend":
                events = store.suspend([card.key], now, session_id=self.session_id)
                said = f"Suspended {card.id}: it is not asked until quiz unsuspend {card.deck}:{card.id}."
            else:
                from dense1x1quiz.scheduler import next_day_start

                hour = int(self._setting("day_start_hour", card.deck))
                until = next_day_start(now, hour)
                events = store.bury([card.key], until, now, session_id=self.session_id)
                said = f"Buried {card.id} until the next study day."
            self.queue.set_aside(card)
            self._done.append(("mark", card, events, True))
            self.ui.note(said)
        return True

    def _setting(self, name: str, deck: str) -> Any:
        """A setting in force for `deck`: the session's settings, else the default."""
        if self.settings is not None:
            return self.settings.value(name, deck)
        from dense1x1quiz.settings import SETTINGS

        return SETTINGS[name].default

    def _edit(self, card: Card) -> bool:
        """Run the editor on the card; True when it saved a change (the edited card is asked next, or,
        when its id is gone, the card leaves the session)."""
        if self.editor is None:
            self.ui.message("No editor in this session.", "yellow")
            return False
        try:
            edited = self.editor(card)
        except QuizError as exc:
            if isinstance(exc, StoreFilesMovedError):
                raise
            self.ui.message(str(exc), "red")
            self.ui.show_again()
            return False
        if not edited.saved:
            for line in edited.messages:
                self.ui.message(line, "yellow")
            self.ui.show_again()
            return False
        # The card is drawn again next: its last line (what became of the card's history) is a note,
        # kept atop that screen on a terminal, where a message would be cleared with the old card.
        *before, last = edited.messages
        for line in before:
            self.ui.message(line, "yellow")
        self.ui.note(last)
        new = edited.card if edited.card is not None and edited.card.key == card.key else None
        if new is None:
            self.queue.set_aside(card)
        else:
            self._options.pop(card.key, None)  # its options are drawn again from its new text
            self.queue.replace_card(card, new)
        self._done.append(("edit", card, new, edited))
        return True

    def _undo_edit(self) -> bool:
        """Put back the deck file as it was before the latest edit (when no one changed it since)."""
        _, old, new, edited = self._done[-1]
        problem = self.undo_edit(edited) if self.undo_edit is not None else "no editor in this session"
        if problem:
            self.ui.message(f"The edit is not undone: {problem}.", "yellow")
            return False
        self._done.pop()
        if new is None:
            self.queue.restore()
        else:
            self._options.pop(old.key, None)
            self.queue.replace_card(new, old)
        self.ui.note(f"Undone: the edit of {old.id}; it is asked again as it was.")
        return True

    def _leech_rule(self, deck: str) -> tuple[int, bool]:
        """(leech_lapses, suspend?) of `deck`: the rule the store applies with the answer (record_answer)."""
        return int(self._setting("leech_lapses", deck)), self._setting("leech_action", deck) == "suspend"

    def _leech(self, card: Card, after: CardState, events: list[MarkEvent]) -> tuple[list[MarkEvent], bool, str]:
        """What the leech rule did with the answer (`events`, appended in its transaction): the events,
        whether the card was set aside (suspended), and what the screen says ("" when it is no leech)."""
        kinds = {event.kind for event in events}
        if "leech" not in kinds and "suspend" not in kinds:
            return events, False, ""
        suspend = "suspend" in kinds
        if suspend:
            self.queue.set_aside(card)
        what = "marked a leech and suspended" if suspend else "marked a leech (quiz cards --leech lists them)"
        return events, suspend, f"Leech: {card.id} has lapsed {after.lapses} times; it is {what}."

    def _store(self) -> ReviewStore:
        """The store, which every session but a cram has."""
        assert self.store is not None
        return self.store

    def _record(self, card: Card, rating: int, shown: float, *, typed: str | None, mode: str) -> None:
        """Commit the answer, then acknowledge it. In cram nothing is written."""
        now = self.clock()
        duration_ms = int((self.timer() - shown) * 1000)
        assert self.signals is not None
        with self.signals.held_back():
            if self.cram:
                after = None
                self.queue.answered_with(card, None, None, rating)  # type: ignore[arg-type]
            else:
                assert self.scheduler is not None  # given whenever there is a store
                before = self.queue.state(card)  # type: ignore[union-attr]
                after, events = self._store().record_answer(
                    card,
                    rating,
                    now,
                    mode=mode,
                    duration_ms=duration_ms,
                    typed=typed,
                    session_id=self.session_id,
                    scheduler=deck_scheduler(self.scheduler, card.deck),
                    leech=self._leech_rule(card.deck),
                )
                self.queue.answered_with(card, before, after, rating)
            leech: tuple[list[MarkEvent], bool, str] = ([], False, "")
            if after is not None and events:
                leech = self._leech(card, after, events)
            self._done.append(("answer", card, leech[0], leech[1]))
            self.summary.results.append((card.key, rating))
            # The review's own time, so the interval shown is the one stored.
            self.ui.ack(
                rating, after.due if after else None, (after.last_review or now) if after else now, cram=self.cram
            )
            if leech[2]:  # said after the ack: atop the next card on a terminal
                self.ui.note(leech[2])


__all__ = [
    "Clock",
    "ReviewStore",
    "Screen",
    "SessionSignal",
    "Summary",
    "accepted",
    "ask_style",
    "choice_options",
    "question",
    "run_study",
    "suggested_rating",
    "sure_rating",
]
