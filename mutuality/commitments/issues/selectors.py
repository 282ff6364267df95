"""Reads of issues that depend on who is looking.

Who sees an issue:
- an issue raised to a unit is open to every member of the organization (DESIGN: open by
  default; tensions between units are the organization's business);
- an issue raised to a person is seen only by its parties: the raiser, the person it was
  raised to, its owner, and the facilitator it was escalated to.
Nobody outside the organization sees any issue (404), and an insider who may not see an
issue gets the same 404 as for one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from mutuality.commitments.commitments.selectors import unit_ids_of
from mutuality.commitments.models import (
    OPEN_ISSUE_STATES,
    Issue,
    IssueEvent,
    IssueState,
)
from mutuality.core.db import load_related
from mutuality.orgs.models import Person, Role, Unit

S = IssueState

HISTORY_LIMIT = 500
ROLE_FILTERS = ("", "raised", "mine", "waiting")
STATE_FILTERS = ("open", "closed", "all", *S.values)


def _party_q(viewer: Person) -> Q:
    me = viewer.pk
    return Q(raiser_id=me) | Q(addressee_id=me) | Q(owner_id=me) | Q(facilitator_id=me)


def _visible_q(viewer: Person) -> Q:
    """The visibility rule as one condition on the viewer's organization's issues.

    Unit issues are open to all; the viewer's own person-to-person issues are a UNION of
    four small branches, each (org, person column) = (org, viewer) on its own index. An
    OR of those columns instead would be tested on every row of the organization, and a
    UNION that included the unit issues would gather (and sort) every one of them before
    the first page: with this, the list walks the (org, closed_at, raised_at) index
    newest first and stops at the page, and a count reads one covering index.
    """
    me = viewer.pk
    org = _in_org(viewer)
    mine = _union(
        [
            org.filter(raiser_id=me),
            org.filter(addressee_id=me),
            org.filter(owner_id=me),
            org.filter(facilitator_id=me),
        ]
    ).values("id")
    return Q(org_id=viewer.org_id) & (Q(unit__isnull=False) | Q(pk__in=mine))


def issues_visible_to(*, viewer: Person) -> QuerySet[Issue]:
    """Every issue the viewer may see (see the module docstring for the rule)."""
    return Issue.objects.filter(_visible_q(viewer))


def issue_for_viewer(*, viewer: Person, pk: int | str) -> Issue:
    """One issue the viewer may see, with its parties; Http404 otherwise."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    # One row by its key: a plain OR on it is cheap, unlike the list's UNION.
    issue = (
        Issue.objects.filter(org_id=viewer.org_id)
        .filter(Q(unit__isnull=False) | _party_q(viewer))
        .filter(pk=pk)
        .first()
    )
    if issue is None:
        raise Http404
    issue.org = viewer.org  # the same organization: no need to read it again
    return with_parties([issue])[0]


def with_parties(issues: list[Issue]) -> list[Issue]:
    """`issues` with the people and unit they name, loaded in two short queries (lists
    read their page first, then this: core/db.py `load_related` says why)."""
    return load_related(issues, "raiser", "addressee", "unit", "owner", "facilitator")


def issue_history(*, issue: Issue) -> list[IssueEvent]:
    """The issue's moves, oldest first, with who made each."""
    return list(
        IssueEvent.objects.filter(issue=issue)
        .select_related("actor")
        .order_by("at", "id")[:HISTORY_LIMIT]
    )


def _union(branches: list[QuerySet[Issue]]) -> QuerySet[Issue]:
    """Issues in any of the branches, as one query.

    Each branch is a simple condition its own index answers; a UNION of them is far
    cheaper than one OR, which the database would answer by scanning the organization.
    """
    ids = [b.order_by().values("id") for b in branches]
    return Issue.objects.filter(pk__in=ids[0].union(*ids[1:]))


def _in_org(viewer: Person) -> QuerySet[Issue]:
    return Issue.objects.filter(org_id=viewer.org_id)


def waiting_for_me(viewer: Person) -> list[QuerySet[Issue]]:
    """Issues waiting for the viewer's move (not counting withdrawal), as UNION branches.

    The viewer's units are subqueries, so the whole UNION is one query.
    """
    me = viewer.pk
    org = _in_org(viewer)
    led = Unit.leads.through.objects.filter(person_id=me).values("unit_id")
    branches = [
        # Raised with me, or with one of my units, and nobody has taken them yet.
        org.filter(state=S.OPEN, addressee_id=me),
        org.filter(state=S.OPEN, unit_id__in=led).exclude(raiser_id=me),
        # Mine to resolve.
        org.filter(state=S.OWNED, owner_id=me),
        # A proposed resolution, or a refusal I may escalate, waits for me as the raiser.
        org.filter(state__in=[S.PROPOSED, S.DECLINED], raiser_id=me),
        # Escalated to me.
        org.filter(state=S.ESCALATED, facilitator_id=me),
    ]
    if viewer.unit_id is not None:
        branches.append(org.filter(state=S.OPEN, unit_id=viewer.unit_id).exclude(raiser_id=me))
    return branches


def mine(viewer: Person) -> list[QuerySet[Issue]]:
    """Issues raised with the viewer or their units, owned by them, or escalated to them."""
    me = viewer.pk
    org = _in_org(viewer).exclude(raiser_id=me)
    branches = [
        org.filter(addressee_id=me),
        org.filter(owner_id=me),
        org.filter(facilitator_id=me),
    ]
    unit_ids = sorted(unit_ids_of(viewer))
    if unit_ids:
        branches.append(org.filter(unit_id__in=unit_ids))
    return branches


def issues_filtered(
    *, viewer: Person, role: str = "", state: str = "open", unit_id: int | None = None
) -> QuerySet[Issue]:
    """The issues a list shows, with the viewer's filters, newest first.

    `role`: "" (every issue the viewer may see), "raised" (by the viewer), "mine" (raised
    to them or their units, owned by them, or escalated to them), "waiting" (for their
    move). `state`: "open" (default), "closed", "all", or one state. `unit_id`: raised to
    that unit.
    """
    # Open means not closed: `closed_at` is set exactly when an issue closes, and the
    # (org, closed_at, raised_at) index serves "open, newest first" in order.
    filters = Q(org_id=viewer.org_id)
    if state == "open":
        filters &= Q(closed_at__isnull=True)
    elif state == "closed":
        filters &= Q(closed_at__isnull=False)
    elif state in S.values:
        filters &= Q(state=state)
    if unit_id is not None:
        filters &= Q(unit_id=unit_id)
    if role == "mine":
        qs = _union(mine(viewer)).filter(filters)
    elif role == "waiting":
        qs = _union(waiting_for_me(viewer)).filter(filters)
    elif role == "raised":
        qs = Issue.objects.filter(filters, raiser_id=viewer.pk)
    else:
        qs = Issue.objects.filter(filters, _visible_q(viewer))
    return qs.order_by("-raised_at", "-id")


def issues_waiting(*, viewer: Person) -> QuerySet[Issue, Any]:
    """The navigation badge: issues waiting for the viewer's move, each once (one query).

    Built from the viewer's id, organization and unit only (see `waiting_for_me`).
    """
    branches = [b.order_by().values("id") for b in waiting_for_me(viewer)]
    return branches[0].union(*branches[1:])


def issues_waiting_count(*, viewer: Person) -> int:
    """How many issues the Issues badge shows (`issues_waiting`)."""
    return issues_waiting(viewer=viewer).count()


def facilitators_of(*, viewer: Person) -> list[Person]:
    """The active facilitators of the viewer's organization, by name (escalation choices)."""
    return list(
        Person.objects.filter(org_id=viewer.org_id, role=Role.FACILITATOR, is_active=True)
        .exclude(pk=viewer.pk)
        .order_by("name", "id")[:200]
    )


@dataclass(frozen=True)
class UnitIssueCounts:
    open: int
    waiting_for_owner: int


def unit_issue_counts(*, unit: Unit) -> UnitIssueCounts:
    """How many open issues were raised to `unit`, and how many nobody has taken yet."""
    rows = dict(
        Issue.objects.filter(
            org_id=unit.org_id, unit_id=unit.pk, state__in=sorted(OPEN_ISSUE_STATES)
        )
        .values_list("state")
        .annotate(n=Count("id"))
        .order_by()
    )
    return UnitIssueCounts(open=sum(rows.values()), waiting_for_owner=rows.get(S.OPEN, 0))
