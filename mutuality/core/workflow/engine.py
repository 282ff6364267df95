"""The workflow engine: declarations of moves, and the one frame every move runs in.

A machine is a `Workflow` subclass that names its model, its states and its moves, and
answers the few questions only it can: which roles a person holds in an object
(`roles_of`), how a refusal names the people of a role (`who`), what a move records
(`record`) and whom it audits and notifies (`audit`, `after_move`). Everything else is
the engine's, the same for every machine:

1. lock the object's row (`SELECT … FOR UPDATE`) and re-read it;
2. refuse a move based on an older version (`StaleVersion`, HTTP 409);
3. refuse a move that does not exist, on a closed object, or not from this state
   (`IllegalMove`, 409); then the move's guards (409); then, if no step of the move is
   the actor's to make, `NotYourMove` (403);
4. clean the move's declared fields (text trimmed and bounded, required ones present)
   and let the move's `apply` validate the rest and change the object; any
   `ValidationError` names its field;
5. set the new state (and `closed_at` for a closed one), bump `version`, save, write
   the event, the audit record, and queue the notices.

Nothing changes when any step refuses: it all runs in one transaction.
"""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from mutuality.core.audit import snapshot
from mutuality.core.validation import TEXT_MAX, FieldErrors, clean_text, required_text

TEXT, DATE, PERSON = "text", "date", "person"
STYLES = ("primary", "secondary", "danger")


# --- refusals ---------------------------------------------------------------------------------


class IllegalMove(ValidationError):
    """A move the machine does not allow now (HTTP 409)."""

    status_code = 409

    def __init__(self, message: str, *, code: str = "illegal_move") -> None:
        super().__init__(message, code=code)
        self.detail = message


class NotYourMove(IllegalMove):
    """A move that can be made now, but not by this person (HTTP 403)."""

    status_code = 403

    def __init__(self, message: str) -> None:
        super().__init__(message, code="not_your_move")


class StaleVersion(IllegalMove):
    """The move was based on an older version of the object (HTTP 409)."""

    def __init__(self, noun: str) -> None:
        super().__init__(
            f"Someone else changed this {noun} while you were looking at it; "
            "here is its current state.",
            code="stale",
        )


# --- declarations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One input of a move, as its form, the API and its service know it.

    `kind` is TEXT (a text area), DATE, or PERSON (one of the people the machine offers
    for it, sent to the API as `<name>_id`). `required` is the refusal when it is left
    empty; an optional field has none.
    """

    name: str
    label: str
    kind: str = TEXT
    required: str = ""
    help: str = ""
    rows: int = 2
    max_length: int = TEXT_MAX

    def __post_init__(self) -> None:
        if self.kind not in (TEXT, DATE, PERSON):
            raise ValueError(f"Field {self.name}: unknown kind {self.kind!r}.")

    @property
    def api_name(self) -> str:
        """The field's name in an API body: a person is sent by id."""
        return f"{self.name}_id" if self.kind == PERSON else self.name

    def but(self, **changes: Any) -> Field:
        """The same field with some attributes changed (a move's own label, say)."""
        return replace(self, **changes)


@dataclass(frozen=True)
class Step:
    """One way a move goes: from these states, made by these roles, to that state.

    `when`, if given, is a condition on the object that chooses between steps of the
    same move from the same state (a decline that is final after an escalation).
    """

    sources: frozenset[str]
    roles: frozenset[str]
    to: str
    when: Callable[[Any], bool] | None = None

    def applies_to(self, obj: Any) -> bool:
        return obj.state in self.sources and (self.when is None or self.when(obj))


def step(
    sources: Iterable[str],
    roles: Iterable[str],
    to: str,
    *,
    when: Callable[[Any], bool] | None = None,
) -> Step:
    return Step(frozenset(sources), frozenset(roles), to, when)


@dataclass(frozen=True)
class MoveContext:
    """What a move's `apply` gets besides the object: who, when, by which step, with what."""

    actor: Any
    now: dt.datetime
    step: Step
    # The move's declared fields, cleaned: text trimmed, absent ones as "" or None.
    data: Mapping[str, Any]


@dataclass(frozen=True)
class MoveMade:
    """A move just made, for the machine to record, audit and announce."""

    obj: Any
    actor: Any
    move: Move
    from_state: str
    at: dt.datetime
    # What the move's `apply` said the event records (a note, new terms…).
    said: dict[str, Any]
    # The audited fields before the move (`Workflow.audited_fields`).
    before: dict[str, Any]


# A guard: given the object and today, the refusal (409) if the move may not be made now.
Guard = Callable[[Any, dt.date], str | None]
# Changes the object (the state aside) and returns what the event records besides the
# move itself; raises ValidationError naming a field to refuse.
Apply = Callable[[Any, MoveContext], dict[str, Any]]


def _records_nothing(obj: Any, ctx: MoveContext) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Move:
    """One move, declared once: everything every surface needs to know about it."""

    name: str
    # The button ("Take ownership"); lowercased, the verb of refusals ("only … can take
    # ownership").
    label: str
    # The history's past tense ("took ownership").
    did: str
    steps: tuple[Step, ...] = ()
    fields: tuple[Field, ...] = ()
    # "primary", "secondary" or "danger": how the panel draws it, and in which order.
    style: str = "secondary"
    # A sentence above its form: what the move leads to.
    intro: str = ""
    # What the page says once it is made.
    success: str = ""
    guards: tuple[Guard, ...] = ()
    apply: Apply = _records_nothing
    # Makes a new object (a request, raising an issue): in the history, never on one.
    creates: bool = False
    # Made by the system only (the 14-day rule): never offered to people or the API.
    by_system: bool = False
    # One click on the page (its fields, all optional, are left empty there; the API may
    # send them).
    one_click: bool = False
    # A refusal better than "Only … can …" for someone who holds `roles`, or None.
    explain_refusal: Callable[[Any, set[str]], str | None] | None = None

    def __post_init__(self) -> None:
        if self.style not in STYLES:
            raise ValueError(f"Move {self.name}: style must be one of {STYLES}.")
        if self.creates == bool(self.steps):
            raise ValueError(f"Move {self.name}: a move creates, or has steps; not both.")
        if self.one_click and any(f.required for f in self.fields):
            raise ValueError(f"Move {self.name}: a one-click move has no required field.")

    @property
    def verb(self) -> str:
        return self.label[:1].lower() + self.label[1:]

    @property
    def sources(self) -> frozenset[str]:
        return frozenset().union(*(s.sources for s in self.steps))

    @property
    def targets(self) -> frozenset[str]:
        return frozenset(s.to for s in self.steps)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset().union(*(s.roles for s in self.steps))


# --- the machine ------------------------------------------------------------------------------

# Every machine declared, by noun (the tests check each one's declarations and surfaces).
MACHINES: dict[str, Workflow] = {}


@dataclass(eq=False)  # one object per machine, compared (and hashed) by identity
class Workflow(abc.ABC):
    """A versioned state machine. Subclass it, declare, and answer the hooks below."""

    # What people call the object, in refusals ("commitment", "issue").
    noun: ClassVar[str]
    model: ClassVar[type[models.Model]]
    # The model's states (a TextChoices), and which of them are closed (no move leads on).
    states: ClassVar[type[models.TextChoices]]
    closed_states: ClassVar[frozenset[str]]
    # The moves the history table stores (a TextChoices): exactly the declared moves.
    move_choices: ClassVar[type[models.TextChoices]]
    # Related objects to read with the locked row (what roles, refusals and apply use).
    lock_related: ClassVar[tuple[str, ...]] = ()
    # The fields the audit record shows before and after a move.
    audited_fields: ClassVar[tuple[str, ...]] = ("state",)

    moves: tuple[Move, ...] = field(default=())

    def __post_init__(self) -> None:
        self.by_name: dict[str, Move] = {m.name: m for m in self.moves}
        name = type(self).__name__
        if len(self.by_name) != len(self.moves):
            raise ValueError(f"{name}: two moves share a name.")
        if set(self.by_name) != set(self.move_choices.values):
            raise ValueError(
                f"{name}: the declared moves {sorted(self.by_name)} are not the moves its "
                f"history stores {sorted(self.move_choices.values)}."
            )
        states = set(self.states.values)
        for move in self.moves:
            for s in move.steps:
                unknown = (set(s.sources) | {s.to}) - states
                if unknown:
                    raise ValueError(f"Move {move.name}: unknown states {sorted(unknown)}.")
                if s.sources & self.closed_states:
                    raise ValueError(f"Move {move.name}: no move leaves a closed state.")
        MACHINES[self.noun] = self

    # --- the declaration, read ---

    @property
    def person_moves(self) -> tuple[Move, ...]:
        """The moves people make on an existing object, in the order pages offer them."""
        rank = {style: i for i, style in enumerate(STYLES)}
        on_object = [m for m in self.moves if not m.creates and not m.by_system]
        return tuple(sorted(on_object, key=lambda m: rank[m.style]))

    def move(self, name: str) -> Move:
        return self.by_name[name]

    def did(self, name: str) -> str:
        """The history's words for a move ("promised"); the name itself if unknown."""
        move = self.by_name.get(name)
        return move.did if move is not None else name

    def fields(self) -> dict[str, Field]:
        """Every field any person's move takes, by name (one form or body serves all)."""
        found: dict[str, Field] = {}
        for move in self.person_moves:
            for f in move.fields:
                found.setdefault(f.name, f)
        return found

    def state_label(self, state: str) -> str:
        return str(self.states(state).label).lower()

    # --- hooks a machine answers ---

    @abc.abstractmethod
    def roles_of(self, obj: Any, actor: Any) -> set[str]:
        """The roles `actor` (a person, or None for the system) holds in `obj` now."""

    def who(self, role: str, obj: Any) -> str:
        """The people of `role`, for a refusal: "the requester (Mia Member)"."""
        return f"the {role}"

    @abc.abstractmethod
    def record(self, made: MoveMade) -> None:
        """Write the move's event in the machine's own append-only history."""

    @abc.abstractmethod
    def audit(self, made: MoveMade, *, after: dict[str, Any]) -> None:
        """Write the move's audit record (no more than the object's visibility allows)."""

    def before_save(self, obj: Any, ctx: MoveContext, move: Move) -> None:  # noqa: B027 - optional
        """Changes every move makes besides its own (who answers for a unit, say)."""

    def after_move(self, made: MoveMade) -> None:  # noqa: B027 - optional
        """Side effects, inside the transaction: queue notices with `on_commit`."""

    def person_choices(self, field: Field, obj: Any, viewer: Any) -> list[Any]:
        """The people a PERSON field offers `viewer` for `obj`."""
        return []

    def date_range(self) -> tuple[dt.date, dt.date] | None:
        """The first and last dates a DATE field's picker offers (the service decides)."""
        return None

    # --- legality ---

    def check(
        self,
        obj: Any,
        actor: Any,
        name: str,
        *,
        expected_version: int | None = None,
        today: dt.date | None = None,
        roles: set[str] | None = None,
    ) -> Step:
        """The step `actor` would make with the move `name`, or the refusal (IllegalMove)."""
        if expected_version is not None and expected_version != obj.version:
            raise StaleVersion(self.noun)
        move = self.by_name.get(name)
        if move is None or move.creates:
            raise IllegalMove(f"“{name}” is not a move on an existing {self.noun}.", code="unknown")
        if obj.state in self.closed_states:
            raise IllegalMove(
                f"This {self.noun} is already closed ({self.state_label(obj.state)})."
            )
        steps = [s for s in move.steps if s.applies_to(obj)]
        if not steps:
            raise IllegalMove(
                f"You can't {move.verb} now: the {self.noun} is {self.state_label(obj.state)}."
            )
        today = today or timezone.localdate()
        for guard in move.guards:
            refusal = guard(obj, today)
            if refusal:
                raise IllegalMove(refusal)
        if roles is None:
            roles = self.roles_of(obj, actor)
        for s in steps:
            if s.roles & roles:
                return s
        explained = move.explain_refusal(obj, roles) if move.explain_refusal else None
        if explained:
            raise NotYourMove(explained)
        allowed = sorted(frozenset().union(*(s.roles for s in steps)))
        who = " or ".join(self.who(role, obj) for role in allowed)
        raise NotYourMove(f"Only {who} can {move.verb}.")

    def legal_moves(self, obj: Any, actor: Any, *, today: dt.date | None = None) -> list[str]:
        """The moves `actor` may make on `obj` now, in the order pages offer them."""
        if obj.state in self.closed_states:
            return []
        today = today or timezone.localdate()
        roles = self.roles_of(obj, actor)
        legal = []
        for move in self.person_moves:
            try:
                self.check(obj, actor, move.name, today=today, roles=roles)
            except IllegalMove:
                continue
            legal.append(move.name)
        return legal

    # --- making a move ---

    def clean(self, move: Move, data: Mapping[str, Any]) -> dict[str, Any]:
        """The move's declared fields from `data` (others ignored), or their refusals."""
        cleaned: dict[str, Any] = {}
        errors = FieldErrors()
        for f in move.fields:
            value = data.get(f.name)
            if f.kind == TEXT:
                value = errors.check(self._text_check(f, value))
            elif f.required and value is None:
                errors.add(f.name, f.required)
            cleaned[f.name] = value
        errors.raise_if_any()
        return cleaned

    @staticmethod
    def _text_check(f: Field, value: Any) -> Callable[[], str]:
        text = "" if value is None else str(value)
        if f.required:
            return lambda: required_text(
                text, field=f.name, message=f.required, max_length=f.max_length
            )
        return lambda: clean_text(text, field=f.name, max_length=f.max_length)

    def _lock(self, obj: Any) -> Any:
        manager = self.model._default_manager
        return (
            manager.select_for_update(of=("self",))
            .select_related(*self.lock_related)
            .get(pk=obj.pk)
        )

    def _audited(self, obj: Any) -> dict[str, Any]:
        return snapshot(obj, self.audited_fields)

    def make(
        self,
        *,
        obj: Any,
        actor: Any,
        move: str,
        expected_version: int | None,
        data: Mapping[str, Any] | None = None,
        now: dt.datetime | None = None,
    ) -> Any:
        """Make `move` on `obj` as `actor` (None: the system); the object as it is after.

        `data` holds the move's fields by name; fields the move does not take are
        ignored, so one form or JSON body serves every move. `expected_version` None
        skips the stale check (the system's own moves).
        """
        with transaction.atomic():
            locked = self._lock(obj)
            now = now or timezone.now()
            taken = self.check(
                locked,
                actor,
                move,
                expected_version=expected_version,
                today=timezone.localdate(now),
            )
            declared = self.by_name[move]
            ctx = MoveContext(
                actor=actor, now=now, step=taken, data=self.clean(declared, data or {})
            )
            from_state = locked.state
            before = self._audited(locked)
            said = declared.apply(locked, ctx)
            self.before_save(locked, ctx, declared)
            locked.state = taken.to
            if taken.to in self.closed_states:
                locked.closed_at = now
            locked.version += 1
            locked.save()
            made = MoveMade(
                obj=locked,
                actor=actor,
                move=declared,
                from_state=from_state,
                at=now,
                said=said,
                before=before,
            )
            self.record(made)
            self.audit(made, after=self._audited(locked))
            self.after_move(made)
        return locked

    # --- checking a history written in bulk ---

    def allows(self, move: str, from_state: str, to_state: str) -> bool:
        """Whether any step of `move` leads from `from_state` to `to_state`.

        For writers of history in bulk (demo and benchmark data), which cannot run each
        move through `make`: the same declaration bounds what they may write.
        """
        declared = self.by_name.get(move)
        if declared is None:
            return False
        if declared.creates:
            return from_state == ""
        return any(from_state in s.sources and s.to == to_state for s in declared.steps)
