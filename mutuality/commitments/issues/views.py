"""Web pages for issues: the list, raising one, one issue and its moves.

Thin: selectors read, services (issues.py) write. A refused move (illegal, not yours, or
based on a page that has gone stale) shows the issue as it is now with the reason, and
changes nothing. Nobody outside the organization, and nobody who may not see an issue,
learns that it exists (404).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django_htmx.middleware import HtmxDetails

from mutuality.commitments.issues import services
from mutuality.commitments.issues.forms import IssueFilterForm, IssueMoveForm, RaiseIssueForm
from mutuality.commitments.issues.selectors import (
    facilitators_of,
    issue_for_viewer,
    issue_history,
    issues_filtered,
)
from mutuality.commitments.issues.services import IllegalMove, StaleIssue, issue_legal_moves
from mutuality.commitments.models import Issue, IssueMove, IssueState
from mutuality.core.htmx import FRAGMENT_VARY, wants_fragment
from mutuality.orgs.selectors import unit_tree
from mutuality.orgs.tenancy import OrgRequest, org_view

PAGE_SIZE = 50
COUNT_CAP = 10_000

S = IssueState
M = IssueMove

ISSUE_CHIP: dict[str, str] = {
    S.OPEN: "warn",
    S.OWNED: "",
    S.PROPOSED: "warn",
    S.DECLINED: "bad",
    S.ESCALATED: "warn",
    S.RESOLVED: "ok",
    S.CLOSED_UNCONFIRMED: "",
    S.WITHDRAWN: "",
    S.DECLINED_FINAL: "bad",
}


@dataclass(frozen=True)
class MoveUI:
    move: str
    label: str
    style: str  # "primary", "secondary" or "danger"
    fields: tuple[str, ...]
    note_label: str = "Note (optional)"
    intro: str = ""

    @property
    def has_fields(self) -> bool:
        return bool(self.fields)


MOVE_UI: dict[str, MoveUI] = {
    m.move: m
    for m in [
        MoveUI(
            M.TAKE_OWNERSHIP,
            "Take ownership",
            "primary",
            (),
            intro="You become responsible for bringing it to closure.",
        ),
        MoveUI(
            M.PROPOSE_RESOLUTION,
            "Propose a resolution",
            "primary",
            ("resolution",),
            intro="The person who raised it declares satisfied, or says what is missing.",
        ),
        MoveUI(
            M.DECLARE_SATISFIED,
            "Declare satisfied",
            "primary",
            ("note",),
            note_label="A word of thanks (optional)",
            intro="This closes the issue as resolved.",
        ),
        MoveUI(
            M.DECLARE_DISSATISFIED,
            "Not satisfied yet",
            "secondary",
            ("note",),
            note_label="What is still missing",
            intro="The owner works on it again.",
        ),
        MoveUI(
            M.DECLINE,
            "Decline",
            "danger",
            ("reason",),
            intro="The person who raised it may then escalate it to a facilitator.",
        ),
        MoveUI(
            M.ESCALATE,
            "Escalate to a facilitator",
            "secondary",
            ("facilitator", "note"),
            note_label="What you hope the facilitator can do (optional)",
            intro="A facilitator can take the issue on once. You can escalate only once.",
        ),
        MoveUI(
            M.WITHDRAW,
            "Withdraw the issue",
            "danger",
            ("note",),
            intro="This closes the issue without a resolution.",
        ),
    ]
}

SUCCESS: dict[str, str] = {
    M.TAKE_OWNERSHIP: "You own this issue now.",
    M.PROPOSE_RESOLUTION: "Resolution proposed. It closes when they declare satisfied.",
    M.DECLARE_SATISFIED: "Declared satisfied: the issue is resolved.",
    M.DECLARE_DISSATISFIED: "Sent back to the owner with what is missing.",
    M.DECLINE: "You declined the issue.",
    M.ESCALATE: "Escalated to the facilitator.",
    M.WITHDRAW: "Issue withdrawn.",
}

DID: dict[str, str] = {
    M.RAISE: "raised it",
    M.TAKE_OWNERSHIP: "took ownership",
    M.PROPOSE_RESOLUTION: "proposed a resolution",
    M.DECLARE_SATISFIED: "declared satisfied",
    M.DECLARE_DISSATISFIED: "is not satisfied yet",
    M.DECLINE: "declined it",
    M.ESCALATE: "escalated it to a facilitator",
    M.WITHDRAW: "withdrew it",
    M.CLOSE_UNCONFIRMED: "closed without confirmation (no answer for 14 days)",
}


class HtmxOrgRequest(OrgRequest):
    htmx: HtmxDetails


# --- the list -------------------------------------------------------------------------------------


@dataclass
class IssuePage:
    number: int
    items: list[Issue]
    count: int
    exact: bool
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.items) - 1

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.start - 1 + len(self.items) < self.count or not self.exact

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / PAGE_SIZE))


def _capped_count(qs: QuerySet[Issue]) -> tuple[int, bool]:
    n = qs.order_by()[: COUNT_CAP + 1].count()
    return (n, True) if n <= COUNT_CAP else (COUNT_CAP, False)


def _with_chips(items: list[Issue]) -> list[Issue]:
    for issue in items:
        issue.chip = ISSUE_CHIP.get(issue.state, "")  # type: ignore[attr-defined]
    return items


@org_view
def issue_list(request: OrgRequest) -> HttpResponse:
    viewer = request.person
    form = IssueFilterForm(request.GET, unit_choices=unit_tree(org=request.org).choices())
    page = None
    if form.is_valid():
        cleaned = form.cleaned_data
        qs = issues_filtered(
            viewer=viewer,
            role=cleaned["role"] or "",
            state=cleaned["state"] or "open",
            unit_id=cleaned["unit"],
        )
        number = cleaned["page"] or 1
        offset = (number - 1) * PAGE_SIZE
        items = _with_chips(list(qs[offset : offset + PAGE_SIZE]))
        if number == 1 and len(items) < PAGE_SIZE:
            count, exact = len(items), True
        else:
            count, exact = _capped_count(qs)
        page = IssuePage(number=number, items=items, count=count, exact=exact, start=offset + 1)
    context = {"form": form, "page": page}
    return render(request, "commitments/issue_list.html", context, status=200 if page else 400)


# --- raising an issue --------------------------------------------------------------------------------

_FORM_FIELDS = {"addressee": "person", "unit": "unit"}


@org_view
def issue_new(request: OrgRequest) -> HttpResponse:
    viewer = request.person
    choices = unit_tree(org=request.org).choices()
    if request.method == "POST":
        form = RaiseIssueForm(request.POST, viewer=viewer, unit_choices=choices)
        if form.is_valid():
            data = form.cleaned_data
            try:
                issue = services.issue_raise(
                    org=request.org,
                    raiser=viewer,
                    title=data["title"],
                    description=data["description"],
                    addressee=form.person_obj,
                    unit=form.unit_obj,
                )
            except ValidationError as error:
                for name, problems in error.message_dict.items():
                    name = _FORM_FIELDS.get(name, name)
                    form.add_error(name if name in form.fields else None, problems)
            else:
                messages.success(request, "Issue raised. You will see every answer here.")
                return HttpResponseRedirect(issue.get_absolute_url())
    else:
        initial = {k: request.GET[k] for k in ("person", "unit", "title") if k in request.GET}
        form = RaiseIssueForm(initial=initial, viewer=viewer, unit_choices=choices)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "commitments/issue_new.html", {"form": form}, status=status)


# --- one issue and its moves ---------------------------------------------------------------------------


def _detail_context(
    request: OrgRequest,
    issue: Issue,
    *,
    failed: IssueMoveForm | None = None,
    refusal: str = "",
    kept_text: str = "",
) -> dict[str, Any]:
    viewer = request.person
    moves = issue_legal_moves(issue, viewer)
    facilitators = facilitators_of(viewer=viewer) if M.ESCALATE in moves else []
    if not facilitators and M.ESCALATE in moves:
        # Nobody to escalate to: offering the button would lead to a form nobody can send.
        moves.remove(M.ESCALATE)
    forms = []
    kept_in_form = False
    for move in moves:
        ui = MOVE_UI[move]
        if failed is not None and failed.move == move:
            form = failed
            kept_in_form = True
        else:
            form = IssueMoveForm(
                initial={"version": issue.version},
                move=move,
                note_label=ui.note_label,
                facilitators=facilitators,
            )
        forms.append((ui, form))
    history = issue_history(issue=issue)
    for event in history:
        event.did = DID.get(event.move, event.move)  # type: ignore[attr-defined]
    return {
        "issue": issue,
        "chip": ISSUE_CHIP.get(issue.state, ""),
        "history": history,
        "move_forms": forms,
        "failed_move": failed.move if failed is not None else "",
        "refusal": refusal,
        # What they typed for a move that is no longer theirs to make, so it is not lost.
        "kept_text": "" if kept_in_form else kept_text,
        "is_party": viewer.pk
        in {issue.raiser_id, issue.addressee_id, issue.owner_id, issue.facilitator_id},
    }


def _render_detail(
    request: HtmxOrgRequest, issue: Issue, *, status: int = 200, **kw: Any
) -> HttpResponse:
    context = _detail_context(request, issue, **kw)
    context["fragment"] = wants_fragment(request)
    if context["fragment"]:
        # htmx swaps only successful responses: a refusal comes back as 200 with the
        # reason in the panel; without htmx the page carries the real status.
        response = render(request, "commitments/_issue_detail.html", context)
    else:
        response = render(request, "commitments/issue_detail.html", context, status=status)
    patch_vary_headers(response, FRAGMENT_VARY)
    return response


@org_view
def issue_detail(request: HtmxOrgRequest, pk: int) -> HttpResponse:
    issue = issue_for_viewer(viewer=request.person, pk=pk)
    return _render_detail(request, issue)


@org_view
def issue_move(request: HtmxOrgRequest, pk: int, move: str) -> HttpResponse:
    if move not in MOVE_UI:
        raise Http404
    viewer = request.person
    issue = issue_for_viewer(viewer=viewer, pk=pk)
    # After the lookup, so an issue the viewer cannot see is a 404 whatever the method.
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    ui = MOVE_UI[move]
    facilitators = facilitators_of(viewer=viewer) if move == M.ESCALATE else []
    form = IssueMoveForm(
        request.POST, move=move, note_label=ui.note_label, facilitators=facilitators
    )
    if not form.is_valid():
        if "version" in form.errors:
            form.add_error(None, "This form is incomplete; reload the page and try again.")
        return _render_detail(request, issue, status=400, failed=form)
    data: dict[str, Any] = {
        k: v for k, v in form.cleaned_data.items() if k not in ("version", "facilitator")
    }
    data["facilitator"] = form.facilitator_obj
    try:
        moved = services.issue_move(
            issue=issue,
            actor=viewer,
            move=move,
            expected_version=form.cleaned_data["version"],
            **data,
        )
    except IllegalMove as refusal:
        current = issue_for_viewer(viewer=viewer, pk=pk)
        kept: IssueMoveForm | None = None
        typed = "\n\n".join(str(data[k]) for k in ("resolution", "reason", "note") if data.get(k))
        if isinstance(refusal, StaleIssue):
            # Keep what they typed, on the current version, so that after reading the
            # current state they can send it again (if the move is still theirs to make).
            kept = IssueMoveForm(
                initial={**data, "version": current.version},
                move=move,
                note_label=ui.note_label,
                facilitators=facilitators,
            )
        return _render_detail(
            request,
            current,
            status=refusal.status_code,
            refusal=refusal.detail,
            failed=kept,
            kept_text=typed if kept is not None else "",
        )
    except ValidationError as error:
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
        return _render_detail(request, issue, status=400, failed=form)
    messages.success(request, SUCCESS[move])
    if wants_fragment(request):
        return _render_detail(request, issue_for_viewer(viewer=viewer, pk=moved.pk))
    return HttpResponseRedirect(reverse("issues:detail", args=[request.org.slug, moved.pk]))
