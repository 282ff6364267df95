"""One engine for every versioned state machine: commitments, issues, and those to come.

A capability declares its machine once (`Workflow` with its `Move`s: who may make each
move, from which states, to which state, its fields, its label and its words), and gets
from that one declaration:

- the service that makes a move (`Workflow.make`): lock the row, refuse a stale version,
  check state, guards and roles, validate the fields, apply, bump the version, write the
  event and the audit record, all in one transaction;
- `legal_moves`, the forms of the "your move" panel (`forms.move_form`), the API's body
  schema and its enum of moves (`api.body_schema`), the history's words (`Move.did`);
- one web handler and one API handler for "a move on a versioned object"
  (`views.ObjectPages` and its `handle_move`, `api.add_move_operation`).

See docs/decisions/workflow-engine.md for why it is ours rather than a library's.
"""

from mutuality.core.workflow.engine import (
    DATE,
    PERSON,
    TEXT,
    Field,
    IllegalMove,
    Move,
    MoveContext,
    MoveMade,
    NotYourMove,
    StaleVersion,
    Step,
    Workflow,
)

__all__ = [
    "DATE",
    "PERSON",
    "TEXT",
    "Field",
    "IllegalMove",
    "Move",
    "MoveContext",
    "MoveMade",
    "NotYourMove",
    "StaleVersion",
    "Step",
    "Workflow",
]
