"""API endpoints for issues: the list, one issue with its history, raising one, every move.

Thin: parse (schemas below), resolve ids inside the token's organization, call the same
services as the pages. A refused move answers 403 (not this person's move) or 409 (not
legal in this state, or based on a stale version) with the issue's current state and
version; bad fields answer 422 naming them; an issue the token's person may not see, or
of another organization, is 404.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from mutuality.commitments.issues import services
from mutuality.commitments.issues.schemas import (
    IssueCreate,
    IssueDetailOut,
    IssueFilters,
    IssuesPage,
)
from mutuality.commitments.issues.selectors import (
    issue_for_viewer,
    issue_history,
    issues_filtered,
    with_parties,
)
from mutuality.commitments.issues.workflow import ISSUES
from mutuality.commitments.models import Issue
from mutuality.core.api.errors import fields_named
from mutuality.core.api.schemas import READ_ERRORS, Id
from mutuality.core.paging import page_of
from mutuality.core.workflow.api import add_move_operation, with_moves
from mutuality.orgs.models import Person
from mutuality.orgs.references import OrgReferences
from mutuality.orgs.tenancy import auth_of

router = Router(tags=["issues"])


def _with_details(issue: Issue, viewer: Person) -> Issue:
    return with_moves(ISSUES, issue, viewer, history=issue_history(issue=issue))


@router.get("/issues", response={200: IssuesPage, **READ_ERRORS}, summary="List issues")
def issues_list(request: HttpRequest, filters: Query[IssueFilters]) -> dict[str, Any]:
    """Issues the token's person may see, newest first, `limit` (≤ 200) at a time.

    Issues raised with a unit are open to the whole organization; issues raised with a
    person only to its parties (raiser, that person, owner, facilitator).
    """
    qs = issues_filtered(
        viewer=auth_of(request).person, role=filters.role, state=filters.state, unit_id=filters.unit
    )
    return page_of(qs, limit=filters.limit, offset=filters.offset, load=with_parties)


@router.get(
    "/issues/{issue_id}",
    response={200: IssueDetailOut, **READ_ERRORS},
    summary="Get an issue with its history",
)
def issues_get(request: HttpRequest, issue_id: Id) -> Issue:
    viewer = auth_of(request).person
    return _with_details(issue_for_viewer(viewer=viewer, pk=issue_id), viewer)


@router.post(
    "/issues",
    response={201: IssueDetailOut, **READ_ERRORS},
    summary="Raise an issue",
)
def issues_create(request: HttpRequest, payload: IssueCreate) -> Status[Issue]:
    """Raise an issue as the token's person, with `addressee_id` or `unit_id` (one of them)."""
    viewer = auth_of(request).person
    refs = OrgReferences(viewer)
    addressee = refs.person("addressee_id", payload.addressee_id, active_only=True)
    unit = refs.unit("unit_id", payload.unit_id, active_only=True)
    refs.check()
    with fields_named({"addressee": "addressee_id", "unit": "unit_id"}):
        issue = services.issue_raise(
            org=viewer.org,
            raiser=viewer,
            title=payload.title,
            description=payload.description,
            addressee=addressee,
            unit=unit,
        )
    fresh = issue_for_viewer(viewer=viewer, pk=issue.pk)
    return Status(201, _with_details(fresh, viewer))


add_move_operation(
    router,
    ISSUES,
    path="/issues/{issue_id}/moves/{move}",
    viewer_of=lambda request: auth_of(request).person,
    object_for_viewer=issue_for_viewer,
    detail=IssueDetailOut,
    detail_of=_with_details,
)
