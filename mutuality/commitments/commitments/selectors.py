"""Reads of commitments that depend on who is looking.

Commitments between units are open; personal ledger details are protected (DESIGN). So a
commitment is visible to its requester and its performer, and, when it was requested of a
unit, to every member of the organization. A person-to-person commitment (its terms,
decline reason, "what is missing") is visible only to its two parties. Nobody outside
the organization sees any (404). Every list here is
bounded, ordered by due date (so overdue ones come first), and served by an index on
(org, party, closed_at, due_date) — `closed_at IS NULL` is what "open" means.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, OrderBy, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from mutuality.commitments.models import (
    Commitment,
    CommitmentEvent,
    CommitmentState,
)
from mutuality.core.db import load_related
from mutuality.orgs.models import Person, Unit

S = CommitmentState

SECTION_LIMIT = 50
HISTORY_LIMIT = 500

ROLE_FILTERS = ("requester", "performer", "waiting")
STATE_FILTERS = ("open", "closed", "all", *S.values)


def unit_ids_of(person: Person) -> set[int]:
    """The units `person` belongs to or leads: whose unit requests they may answer."""
    ids = set(
        Unit.leads.through.objects.filter(person_id=person.pk).values_list("unit_id", flat=True)
    )
    if person.unit_id is not None:
        ids.add(person.unit_id)
    return ids


def lead_unit_ids_of(person: Person) -> set[int]:
    """The units `person` leads: whose unclaimed unit requests they may decline."""
    return set(
        Unit.leads.through.objects.filter(person_id=person.pk).values_list("unit_id", flat=True)
    )


def units_for_moves(*, commitment: Commitment, viewer: Person) -> tuple[set[int], set[int]]:
    """The viewer's units and the units they lead, as the roles of a move need them.

    They matter only for a request made of a unit that is unclaimed or unanswered (see
    `workflow.CommitmentWorkflow.roles_of`); otherwise both are empty, which saves two
    queries.
    """
    if commitment.performer_unit_id is None or (
        commitment.performer_id is not None and not commitment.is_unanswered_unit_request
    ):
        return set(), set()
    return unit_ids_of(viewer), lead_unit_ids_of(viewer)


def with_parties(commitments: list[Commitment]) -> list[Commitment]:
    """`commitments` with the people and unit they name, loaded in two short queries.

    Lists read their page first and then this (`ListPage.of(..., load=with_parties)`):
    joined into the list's query, PostgreSQL would join every candidate before the sort
    and the limit (core/db.py `load_related`).
    """
    return load_related(commitments, "requester", "performer", "performer_unit", "proposed_by")


def visible_q(viewer: Person) -> Q:
    """The condition for "the viewer may see this commitment" (see the module docstring)."""
    org = viewer.org_id
    # Each branch names the organization so that each is answered from its own index
    # (org, requester | performer | performer_unit, closed_at, due_date).
    return (
        Q(org_id=org, requester_id=viewer.pk)
        | Q(org_id=org, performer_id=viewer.pk)
        | Q(org_id=org, performer_unit_id__isnull=False)
    )


def commitments_visible_to(*, viewer: Person) -> QuerySet[Commitment]:
    """The commitments of the viewer's organization the viewer may see.

    Their own (as requester or performer), and every commitment requested of a unit.
    """
    return Commitment.objects.filter(visible_q(viewer))


def commitment_for_viewer(*, viewer: Person, pk: int | str) -> Commitment:
    """One commitment of the viewer's organization, with its parties; 404 otherwise."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    commitment = commitments_visible_to(viewer=viewer).filter(pk=pk).first()
    if commitment is None:
        raise Http404
    commitment.org = viewer.org  # the same organization: no need to read it again
    return with_parties([commitment])[0]


def commitment_history(*, commitment: Commitment) -> list[CommitmentEvent]:
    """The commitment's moves, oldest first, with who made each."""
    return list(
        CommitmentEvent.objects.filter(commitment=commitment)
        .select_related("actor")
        .order_by("at", "id")[:HISTORY_LIMIT]
    )


# --- the viewer's part in a commitment ------------------------------------------------------------


def _open(org_id: int, **kw: object) -> Q:
    # Each condition names the organization and `closed_at IS NULL` itself, so that the
    # database can answer an OR of them from one index per branch.
    return Q(org_id=org_id, closed_at__isnull=True, **kw)


def waiting_for_answer_q(viewer: Person, *, unit_ids: set[int]) -> Q:
    """Commitments waiting for the viewer's answer (not for their performance)."""
    org = viewer.org_id
    me = viewer.pk
    q = (
        # Requests to me I have not answered yet.
        _open(org, performer_id=me, state__in=[S.REQUESTED, S.DEFERRED])
        # Counter-offers, offers and completions waiting for me as the requester.
        | _open(org, requester_id=me, state__in=[S.COUNTERED, S.OFFERED, S.COMPLETED])
        # New terms the other party proposed.
        | (
            _open(org, requester_id=me, state=S.PROMISED, proposed_by__isnull=False)
            & ~Q(proposed_by_id=me)
        )
        | (
            _open(org, performer_id=me, state=S.PROMISED, proposed_by__isnull=False)
            & ~Q(proposed_by_id=me)
        )
    )
    if unit_ids:
        # Requests to my units that nobody has taken up.
        q |= _open(
            org,
            performer_unit_id__in=sorted(unit_ids),
            performer_id__isnull=True,
            state=S.REQUESTED,
        ) & ~Q(requester_id=me)
    return q


def overdue_owed_q(viewer: Person, *, today: dt.date) -> Q:
    """What the viewer has promised and not delivered by its due date.

    Not a delivery waiting for the requester's acceptance, an offer or a counter-offer
    waiting for their answer: those wait for the other person.
    """
    return _open(viewer.org_id, performer_id=viewer.pk, state=S.PROMISED, due_date__lt=today)


def i_owe_q(viewer: Person) -> Q:
    # Requests not yet answered wait for an answer; they are owed only once promised.
    return _open(viewer.org_id, performer_id=viewer.pk) & ~Q(state__in=[S.REQUESTED, S.DEFERRED])


def i_am_owed_q(viewer: Person) -> Q:
    # Offers, counter-offers and completions wait for my answer instead.
    return _open(
        viewer.org_id,
        requester_id=viewer.pk,
        state__in=[S.REQUESTED, S.DEFERRED, S.PROMISED],
    )


# --- My work ----------------------------------------------------------------------------------------


@dataclass
class WorkSection:
    key: str
    title: str
    empty: str
    items: list[Commitment]
    count: int
    role: str = ""

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.items))


@dataclass
class MyWork:
    waiting: WorkSection
    owe: WorkSection
    owed: WorkSection
    today: dt.date
    sections: list[WorkSection] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sections = [self.waiting, self.owe, self.owed]


def _section(q: Q, *, key: str, title: str, empty: str, role: str, limit: int) -> WorkSection:
    qs = Commitment.objects.filter(q)
    items = list(qs.order_by("due_date", "id")[:limit])
    count = len(items) if len(items) < limit else qs.count()
    return WorkSection(key=key, title=title, empty=empty, items=items, count=count, role=role)


def my_work(*, viewer: Person, limit: int = SECTION_LIMIT) -> MyWork:
    """What waits for the viewer's answer, what they owe, what they are owed.

    Each section is ordered by due date (overdue first) and holds at most `limit`
    commitments, with the full count for a "see all" link. A bounded number of queries.
    """
    today = timezone.localdate()
    unit_ids = unit_ids_of(viewer)
    work = MyWork(
        waiting=_section(
            waiting_for_answer_q(viewer, unit_ids=unit_ids),
            key="waiting",
            title="Waiting for my answer",
            empty="Nothing waits for your answer.",
            role="waiting",
            limit=limit,
        ),
        owe=_section(
            i_owe_q(viewer),
            key="owe",
            title="What I owe",
            empty="You owe nothing at the moment.",
            role="performer",
            limit=limit,
        ),
        owed=_section(
            i_am_owed_q(viewer),
            key="owed",
            title="What I am owed",
            empty="Nobody owes you anything at the moment.",
            role="requester",
            limit=limit,
        ),
        today=today,
    )
    with_parties([c for section in work.sections for c in section.items])
    return work


def my_work_waiting(*, viewer: Person, today: dt.date | None = None) -> QuerySet[Commitment]:
    """The navigation badge: what waits for my answer, and what I owe that is overdue.

    Each commitment once; the viewer's units are a subquery, so counting it is one query.
    Built from the viewer's id, organization and unit and today only (the navigation
    compiles it once and reuses it: `mutuality.core.navigation`).
    """
    today = today or timezone.localdate()
    org = viewer.org_id
    led = Unit.leads.through.objects.filter(person_id=viewer.pk).values("unit_id")
    unit_q = Q(performer_unit_id__in=led)
    if viewer.unit_id is not None:
        unit_q |= Q(performer_unit_id=viewer.unit_id)
    waiting_for_unit = (
        _open(org, performer_id__isnull=True, state=S.REQUESTED)
        & unit_q
        & ~Q(requester_id=viewer.pk)
    )
    q = (
        waiting_for_answer_q(viewer, unit_ids=set())
        | waiting_for_unit
        | overdue_owed_q(viewer, today=today)
    )
    return Commitment.objects.filter(q)


def my_work_counts(*, viewer: Person) -> int:
    """How many things the My work badge shows (`my_work_waiting`)."""
    return my_work_waiting(viewer=viewer).count()


# --- lists ------------------------------------------------------------------------------------------


def commitments_filtered(
    *,
    viewer: Person,
    role: str = "",
    state: str = "open",
    overdue: bool = False,
    unit_id: int | None = None,
) -> QuerySet[Commitment]:
    """The commitments a list shows, with the viewer's filters, in display order.

    `role`: "" (anyone), "requester" / "performer" (the viewer's part), "waiting" (for the
    viewer's answer). `state`: "open" (default), "closed", "all", or one state. `overdue`:
    past due and not yet declared complete. `unit_id`: requests made of that unit.
    Open lists run by due date, soonest (most overdue) first; closed ones latest first.
    """
    # Every list shows only what the viewer may see. The viewer's own part and a unit's
    # requests are visible by definition, so those lists start from the plain indexed
    # condition rather than from the three-way visibility condition.
    org = viewer.org_id
    # Lists whose condition already says "open" (each branch on its own index).
    already_open = False
    if role == "requester":
        qs = Commitment.objects.filter(org_id=org, requester_id=viewer.pk)
    elif role == "performer":
        qs = Commitment.objects.filter(org_id=org, performer_id=viewer.pk)
    elif unit_id is not None:
        qs = Commitment.objects.filter(org_id=org, performer_unit_id=unit_id)
    elif role == "" and state == "open":
        qs = Commitment.objects.filter(pk__in=_open_visible_ids(viewer))
        already_open = True
    else:
        qs = commitments_visible_to(viewer=viewer)
    if role == "waiting":
        # Each branch of the condition names the organization and "open" itself; adding
        # them again outside would tempt the planner to walk every open commitment.
        qs = Commitment.objects.filter(waiting_for_answer_q(viewer, unit_ids=unit_ids_of(viewer)))
        already_open = True
    if state == "open":
        if not already_open:
            qs = qs.filter(closed_at__isnull=True)
    elif state == "closed":
        qs = qs.filter(closed_at__isnull=False)
    elif state in S.values:
        qs = qs.filter(state=state)
    if overdue:
        qs = qs.filter(Commitment.overdue_q(timezone.localdate()))
    if unit_id is not None:
        qs = qs.filter(performer_unit_id=unit_id)
    if state in ("closed", "all", *sorted({S.SATISFIED, S.DECLINED, S.CANCELLED, S.REVOKED})):
        return qs.order_by("-due_date", "-id")
    if role == "" and unit_id is None and not overdue:
        # The whole-organization open list. Ordered on the bare column, PostgreSQL walks
        # the (org, due_date) index from the oldest date and throws away nearly every
        # (closed) commitment before it finds fifty open ones the viewer may see: seconds
        # at a million rows. Ordering on an expression of the same value keeps it on the
        # per-branch indexes, which find the few candidates at once, and it sorts those.
        due = OrderBy(Coalesce(F("due_date"), F("original_due_date")))
        return qs.order_by(due, "id")
    return qs.order_by("due_date", "id")


def _open_visible_ids(viewer: Person) -> QuerySet[Commitment, Any]:
    """The ids of the open commitments the viewer may see, as one UNION of three branches.

    Each branch (mine as requester, mine as performer, every request made of a unit) is
    answered from its own index. One OR of the three, ANDed with "open", lets SQLite's
    planner trust its statistics for `closed_at IS NULL` (one row per value, it believes;
    in truth every open commitment) and scan the organization's open commitments instead.
    """
    org = viewer.org_id
    branches = [
        Commitment.objects.filter(org_id=org, requester_id=viewer.pk, closed_at__isnull=True),
        Commitment.objects.filter(org_id=org, performer_id=viewer.pk, closed_at__isnull=True),
        Commitment.objects.filter(
            org_id=org, performer_unit_id__isnull=False, closed_at__isnull=True
        ),
    ]
    ids = [b.order_by().values("id") for b in branches]
    return ids[0].union(*ids[1:])


def unit_open_commitments(*, unit: Unit, limit: int = 20) -> tuple[list[Commitment], int]:
    """The open requests made of `unit`, by due date, and how many there are in all."""
    qs = Commitment.objects.filter(
        org_id=unit.org_id, performer_unit_id=unit.pk, closed_at__isnull=True
    )
    items = list(qs.order_by("due_date", "id")[:limit])
    for commitment in items:
        commitment.performer_unit = unit
    with_parties(items)
    count = len(items) if len(items) < limit else qs.count()
    return items, count
