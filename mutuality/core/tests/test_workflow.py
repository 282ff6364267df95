"""The workflow engine: declarations that cannot be wrong, and surfaces that agree with them.

Every machine (`mutuality.core.workflow.engine.MACHINES`) is checked here, so a new one
is covered as soon as it is declared; it only has to add an example object to EXAMPLES.
The surfaces derived from a declaration (the API's enum and body, each move's form, the
"your move" panel, the history's words, the URL of a move) must say exactly what the
declaration says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import models

import mutuality.api  # noqa: F401 - imports every capability, so every machine is declared
from mutuality.commitments.commitments.tests.factories import in_state as commitment_in
from mutuality.commitments.issues.tests.factories import in_state as issue_in
from mutuality.core.workflow import DATE, PERSON, TEXT, Field, Move, MoveMade, Workflow
from mutuality.core.workflow.api import body_schema
from mutuality.core.workflow.engine import MACHINES, step
from mutuality.core.workflow.forms import move_form
from mutuality.core.workflow.views import move_panel
from mutuality.testing import Personas, api_client_for

# An object of each machine, with the person who may move it: (object, viewer).
EXAMPLES: dict[str, Callable[[Personas], tuple[Any, Any]]] = {
    "commitment": lambda p: (commitment_in(p, "requested"), p.member2),
    "issue": lambda p: (issue_in(p, "declined"), p.member),
}
DETAIL_URLS = {"commitment": "commitments:move", "issue": "issues:move"}


def machines() -> list[Workflow]:
    return [MACHINES[noun] for noun in sorted(MACHINES)]


def test_every_machine_has_an_example_here() -> None:
    assert set(MACHINES) == {"commitment", "issue"} | set(EXAMPLES), (
        "a new machine: add an example object to EXAMPLES and its move URL to DETAIL_URLS"
    )
    assert set(EXAMPLES) == set(MACHINES) == set(DETAIL_URLS)


# --- declarations --------------------------------------------------------------------------------


@pytest.mark.parametrize("machine", machines(), ids=lambda m: m.noun)
def test_every_open_state_has_a_way_on_and_closed_states_none(machine: Workflow) -> None:
    for state in machine.states.values:
        leaving = [m.name for m in machine.moves if state in m.sources]
        if state in machine.closed_states:
            assert leaving == [], state
        else:
            assert leaving, f"nothing leaves the {machine.noun} state {state!r}"


@pytest.mark.parametrize("machine", machines(), ids=lambda m: m.noun)
def test_every_move_says_what_it_is_did_and_does(machine: Workflow) -> None:
    assert set(machine.by_name) == set(machine.move_choices.values)
    for move in machine.moves:
        assert move.label and move.did, move.name
        if move in machine.person_moves:
            assert move.success.endswith("."), move.name
            assert len({f.name for f in move.fields}) == len(move.fields), move.name
            for f in move.fields:
                assert f.label, (move.name, f.name)


class _Choices(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"


class _Moves(models.TextChoices):
    FINISH = "finish", "Finish"


def _toy(*moves: Move) -> Workflow:
    class Toy(Workflow):
        noun = "toy"
        model = models.Model
        states = _Choices
        closed_states = frozenset({"done"})
        move_choices = _Moves

        def roles_of(self, obj: Any, actor: Any) -> set[str]:
            return set()

        def record(self, made: MoveMade) -> None:
            return None

        def audit(self, made: MoveMade, *, after: dict[str, Any]) -> None:
            return None

    try:
        return Toy(moves=moves)
    finally:
        MACHINES.pop("toy", None)


FINISH = step(["open"], ["anyone"], "done")


@pytest.mark.parametrize(
    ("moves", "complaint"),
    [
        (
            (Move("finish", "Finish", "finished", steps=(step(["open"], ["x"], "gone"),)),),
            "unknown",
        ),
        ((Move("finish", "Finish", "finished", steps=(step(["done"], ["x"], "open"),)),), "closed"),
        ((Move("finish", "Finish", "finished", steps=(FINISH,)),) * 2, "share a name"),
        ((Move("other", "Other", "othered", steps=(FINISH,)),), "history stores"),
    ],
)
def test_the_engine_refuses_a_declaration_that_cannot_be_right(
    moves: tuple[Move, ...], complaint: str
) -> None:
    with pytest.raises(ValueError, match=complaint):
        _toy(*moves)


def test_a_move_is_declared_whole() -> None:
    with pytest.raises(ValueError, match="creates, or has steps"):
        Move("finish", "Finish", "finished")
    with pytest.raises(ValueError, match="creates, or has steps"):
        Move("finish", "Finish", "finished", steps=(FINISH,), creates=True)
    with pytest.raises(ValueError, match="no required field"):
        Move(
            "finish",
            "Finish",
            "finished",
            steps=(FINISH,),
            fields=(Field("why", "Why", required="Say why."),),
            one_click=True,
        )
    with pytest.raises(ValueError, match="style"):
        Move("finish", "Finish", "finished", steps=(FINISH,), style="loud")
    with pytest.raises(ValueError, match="kind"):
        Field("when", "When", kind="clock")
    assert _toy(Move("finish", "Finish", "finished", steps=(FINISH,))).allows(
        "finish", "open", "done"
    )


# --- the surfaces derived from a declaration ----------------------------------------------------------


@pytest.mark.parametrize("machine", machines(), ids=lambda m: m.noun)
def test_the_api_offers_exactly_the_declared_moves_and_fields(
    personas: Personas, machine: Workflow
) -> None:
    document = api_client_for(personas.admin).get("/api/v1/openapi.json").json()
    name = body_schema(machine).__name__
    operations = [
        op
        for path, ops in document["paths"].items()
        for op in ops.values()
        if path.endswith("/moves/{move}")
        and op["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(name)
    ]
    assert len(operations) == 1, f"one move operation for {machine.noun}"
    (move_param,) = [p for p in operations[0]["parameters"] if p["name"] == "move"]
    assert move_param["schema"]["enum"] == [m.name for m in machine.person_moves]

    body = document["components"]["schemas"][name]
    declared = {f.api_name: f for f in machine.fields().values()}
    assert set(body["properties"]) == {"expected_version", *declared}
    assert body["required"] == ["expected_version"]
    for api_name, f in declared.items():
        described = body["properties"][api_name]["description"]
        for move in machine.person_moves:
            if f in move.fields or any(g.name == f.name for g in move.fields):
                assert f"`{move.name}`" in described, (api_name, move.name)


@pytest.mark.parametrize("noun", sorted(EXAMPLES))
def test_each_moves_form_has_exactly_its_declared_fields(personas: Personas, noun: str) -> None:
    machine = MACHINES[noun]
    obj, viewer = EXAMPLES[noun](personas)
    for move in machine.person_moves:
        form = move_form(machine, move, obj, viewer)
        assert list(form.fields) == ["version", *(f.name for f in move.fields)], move.name
        assert form.initial["version"] == obj.version
        for f in move.fields:
            field = form.fields[f.name]
            assert field.label == f.label and not field.required, (move.name, f.name)
            kind = {TEXT: "CharField", DATE: "DateField", PERSON: "TypedChoiceField"}[f.kind]
            assert type(field).__name__ == kind, (move.name, f.name)


@pytest.mark.parametrize("noun", sorted(EXAMPLES))
def test_the_panel_offers_the_legal_moves_and_the_page_draws_them(
    personas: Personas, noun: str
) -> None:
    machine = MACHINES[noun]
    obj, viewer = EXAMPLES[noun](personas)
    legal = machine.legal_moves(obj, viewer)
    assert legal, f"the example {noun} should have moves for its viewer"
    panel = move_panel(machine, obj, viewer, url_for=lambda name: f"/moves/{name}/")
    offered = [entry.move.name for entry in panel["move_forms"]]
    assert set(offered) <= set(legal)
    for entry in panel["move_forms"]:
        assert entry.has_fields == (bool(entry.move.fields) and not entry.move.one_click)
    html = personas.client_for(viewer).get(obj.get_absolute_url()).content.decode()
    for entry in panel["move_forms"]:
        assert entry.move.label in html, entry.move.name
        url = personas.url(DETAIL_URLS[noun], pk=obj.pk, move=entry.move.name)
        assert f'action="{url}"' in html, entry.move.name


@pytest.mark.parametrize("noun", sorted(EXAMPLES))
def test_the_history_speaks_the_declared_words(personas: Personas, noun: str) -> None:
    machine = MACHINES[noun]
    obj, viewer = EXAMPLES[noun](personas)
    html = personas.client_for(viewer).get(obj.get_absolute_url()).content.decode()
    events = list(obj.events.all())
    assert events
    for event in events:
        assert machine.did(event.move) in html, event.move


@pytest.mark.parametrize("noun", sorted(EXAMPLES))
def test_only_a_persons_declared_moves_have_a_url(personas: Personas, noun: str) -> None:
    machine = MACHINES[noun]
    obj, viewer = EXAMPLES[noun](personas)
    client = personas.client_for(viewer)
    for move in machine.moves:
        url = personas.url(DETAIL_URLS[noun], pk=obj.pk, move=move.name)
        status = client.post(url, {"version": obj.version}).status_code
        if move in machine.person_moves:
            assert status != 404, move.name
        else:  # made by the system, or by creating the object: never posted to one
            assert status == 404, move.name
    assert (
        client.post(
            personas.url(DETAIL_URLS[noun], pk=obj.pk, move="fly"), {"version": 1}
        ).status_code
        == 404
    )


def test_a_move_refused_for_a_stale_version_changes_nothing_in_any_machine(
    personas: Personas,
) -> None:
    for noun, example in EXAMPLES.items():
        machine = MACHINES[noun]
        obj, viewer = example(personas)
        name = machine.legal_moves(obj, viewer)[0]
        response = personas.client_for(viewer).post(
            personas.url(DETAIL_URLS[noun], pk=obj.pk, move=name), {"version": obj.version + 5}
        )
        assert response.status_code == 409, noun
        fresh = type(obj).objects.get(pk=obj.pk)
        assert (fresh.state, fresh.version) == (obj.state, obj.version)


def test_dates_fields_offer_the_machines_range(personas: Personas) -> None:
    machine = MACHINES["commitment"]
    obj, viewer = EXAMPLES["commitment"](personas)
    form = move_form(machine, machine.move("counter"), obj, viewer)
    first, last = machine.date_range() or (None, None)
    assert isinstance(first, dt.date) and isinstance(last, dt.date)
    attrs = form.fields["due_date"].widget.attrs
    assert (attrs["min"], attrs["max"]) == (first.isoformat(), last.isoformat())
