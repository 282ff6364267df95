"""The API side of a move: its body schema, its enum of moves, and the one operation.

`add_move_operation` registers `POST …/{<object>_id}/moves/{move}` on a capability's
router. The path's `move` is an enum of the machine's moves and the body a schema of every
field any move takes (`expected_version` and the fields, a PERSON field as `<name>_id`),
each described with the moves that take it; both come from the declaration. A refused
move answers 403 (not this caller's move) or 409 (not legal now, or based on a stale
version) with the object's current state and version; a bad field 422 naming it; an
object the caller may not see 404.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from functools import cache
from typing import Annotated, Any, Literal, TypeVar

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field as PydanticField
from pydantic import create_model

from mutuality.core.api.errors import fields_named
from mutuality.core.api.schemas import READ_ERRORS, Id, Input, Text, Version
from mutuality.core.workflow.engine import DATE, PERSON, IllegalMove, Workflow

T = TypeVar("T")


class WithMovesOut(Schema):
    """What the engine adds to a versioned object's API detail: the caller's legal moves,
    and the resolver of `events` (each capability declares `events` with its own event
    schema). `with_moves` attaches both to the object before answering."""

    legal_moves: list[str] = PydanticField(description="The moves the token's person may make now.")

    @staticmethod
    def resolve_events(obj: Any) -> list[Any]:
        return list(obj.history_for_api)

    @staticmethod
    def resolve_legal_moves(obj: Any) -> list[str]:
        return list(obj.legal_moves_for_api)


def with_moves(workflow: Workflow, obj: T, viewer: Any, *, history: list[Any]) -> T:
    """`obj` with its history and `viewer`'s legal moves attached, for `WithMovesOut`."""
    obj.history_for_api = history  # type: ignore[attr-defined]
    obj.legal_moves_for_api = workflow.legal_moves(obj, viewer)  # type: ignore[attr-defined]
    return obj


class MoveRefusalOut(Schema):
    detail: str
    state: str = PydanticField(description="The object's state now.")
    version: int = PydanticField(description="The object's version now.")


def _describe(workflow: Workflow, name: str) -> str:
    """Which moves take a field, and for which it is required, in a sentence."""
    takes: list[str] = []
    needs: list[str] = []
    for move in workflow.person_moves:
        for f in move.fields:
            if f.name == name:
                (needs if f.required else takes).append(f"`{move.name}`")
    parts = []
    if needs:
        parts.append(f"Required by {', '.join(needs)}.")
    if takes:
        parts.append(f"Taken by {', '.join(takes)}.")
    return " ".join(parts)


@cache
def body_schema(workflow: Workflow) -> type[Input]:
    """The JSON body of every move of `workflow`: one schema, every field any move takes."""
    fields: dict[str, Any] = {
        "expected_version": (
            Version,
            PydanticField(description="The `version` the move is based on."),
        )
    }
    for f in workflow.fields().values():
        description = f"{f.label}. {_describe(workflow, f.name)}"
        if f.kind == DATE:
            fields[f.api_name] = (dt.date | None, PydanticField(None, description=description))
        elif f.kind == PERSON:
            fields[f.api_name] = (Id | None, PydanticField(None, description=description))
        else:
            text = Annotated[Text, PydanticField(max_length=f.max_length)]
            fields[f.api_name] = (text, PydanticField("", description=description))
    name = f"{workflow.noun.title().replace(' ', '')}MoveIn"
    schema: type[Input] = create_model(name, __base__=Input, **fields)
    return schema


def move_names(workflow: Workflow) -> Any:
    """The machine's moves as a Literal, so the OpenAPI document lists them."""
    names = tuple(m.name for m in workflow.person_moves)
    return Literal.__getitem__(names)


def add_move_operation(
    router: Router,
    workflow: Workflow,
    *,
    path: str,
    viewer_of: Callable[[HttpRequest], Any],
    object_for_viewer: Callable[..., Any],
    detail: type[Schema],
    detail_of: Callable[[Any, Any], Any],
) -> Callable[..., Any]:
    """Register the one "make a move" operation for `workflow` on `router`.

    `path` names the object's id as `{<noun>_id}` and the move as `{move}`;
    `object_for_viewer(viewer=…, pk=…)` is the selector (404 for what the caller may not
    see), `detail_of(obj, viewer)` what the 200 answers (as `detail`).
    """
    id_name = path.split("{", 1)[1].split("}", 1)[0]
    body = body_schema(workflow)
    person_fields = {f.name: f for f in workflow.fields().values() if f.kind == PERSON}
    api_names = {f.name: f.api_name for f in workflow.fields().values()}

    def make_a_move(request: HttpRequest, **kwargs: Any) -> Any:
        viewer = viewer_of(request)
        pk, move, payload = kwargs[id_name], kwargs["move"], kwargs["payload"]
        obj = object_for_viewer(viewer=viewer, pk=pk)
        sent = payload.model_dump(exclude={"expected_version"})
        data: dict[str, Any] = {}
        for name, f in workflow.fields().items():
            value = sent.get(f.api_name)
            if name in person_fields:
                # An id the caller may not choose is as good as none: the service says why.
                choices = {p.pk: p for p in workflow.person_choices(f, obj, viewer)}
                value = choices.get(value) if value is not None else None
            data[name] = value
        try:
            with fields_named(api_names):
                workflow.make(
                    obj=obj,
                    actor=viewer,
                    move=move,
                    expected_version=payload.expected_version,
                    data=data,
                )
        except IllegalMove as refusal:
            current = object_for_viewer(viewer=viewer, pk=pk)
            return Status(
                refusal.status_code,
                {"detail": refusal.detail, "state": current.state, "version": current.version},
            )
        return detail_of(object_for_viewer(viewer=viewer, pk=pk), viewer)

    noun = workflow.noun
    fields_doc = "; ".join(
        f"`{f.api_name}`: {_describe(workflow, f.name).lower().rstrip('.')}"
        for f in workflow.fields().values()
    )
    make_a_move.__doc__ = (
        f"Make `move` on the {noun}, based on `expected_version`.\n\n"
        f"Fields by move: {fields_doc}. A field a move does not take is ignored."
    )
    make_a_move.__name__ = f"{noun.replace(' ', '_')}s_move"
    # The operation's signature as ninja reads it: the id under the path's own name.
    params = [
        inspect.Parameter(
            "request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=HttpRequest
        ),
        inspect.Parameter(id_name, inspect.Parameter.KEYWORD_ONLY, annotation=Id),
        inspect.Parameter("move", inspect.Parameter.KEYWORD_ONLY, annotation=move_names(workflow)),
        inspect.Parameter("payload", inspect.Parameter.KEYWORD_ONLY, annotation=body),
    ]
    make_a_move.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    router.post(
        path,
        response={200: detail, 403: MoveRefusalOut, 409: MoveRefusalOut, **READ_ERRORS},
        summary=f"Make a move on {'an' if noun[0] in 'aeiou' else 'a'} {noun}",
    )(make_a_move)
    return make_a_move
