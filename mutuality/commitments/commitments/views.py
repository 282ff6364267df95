"""Web pages for commitments: My work, the list, a new commitment, one commitment and its moves.

Thin: selectors read, services write. A refused move (illegal, not yours, or based on a
page that has gone stale) shows the commitment as it is now with the reason, and changes
nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django_htmx.middleware import HtmxDetails

from mutuality.commitments.commitments import services
from mutuality.commitments.commitments.forms import ListFilterForm, MoveForm, NewCommitmentForm
from mutuality.commitments.commitments.presentation import MOVE_UI, SUCCESS, describe, table_rows
from mutuality.commitments.commitments.selectors import (
    capped_count,
    commitment_for_viewer,
    commitment_history,
    commitments_filtered,
    my_work,
    units_for_moves,
)
from mutuality.commitments.commitments.workflow import (
    ANSWER_MOVES,
    IllegalMove,
    StaleCommitment,
    legal_moves,
)
from mutuality.commitments.models import Commitment, CommitmentKind, CommitmentMove
from mutuality.core.htmx import FRAGMENT_VARY, wants_fragment
from mutuality.core.params import id_param
from mutuality.orgs.models import Unit
from mutuality.orgs.tenancy import OrgRequest, org_view

PAGE_SIZE = 50


class HtmxOrgRequest(OrgRequest):
    htmx: HtmxDetails


# --- My work ------------------------------------------------------------------------------------


@org_view
def my_work_page(request: OrgRequest) -> HttpResponse:
    work = my_work(viewer=request.person)
    sections = [
        (section, table_rows(section.items, viewer=request.person, today=work.today))
        for section in work.sections
    ]
    return render(request, "commitments/my_work.html", {"work": work, "sections": sections})


# --- the list -----------------------------------------------------------------------------------


@dataclass
class ListPage:
    number: int
    items: list[Commitment]
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


@org_view
def commitment_list(request: OrgRequest) -> HttpResponse:
    viewer = request.person
    form = ListFilterForm(request.GET)
    page = None
    unit = None
    if form.is_valid():
        data = form.cleaned_data
        qs = commitments_filtered(
            viewer=viewer,
            role=data["role"] or "",
            state=data["state"] or "open",
            overdue=data["overdue"],
            unit_id=data["unit"],
        )
        number = data["page"] or 1
        offset = (number - 1) * PAGE_SIZE
        items = list(qs[offset : offset + PAGE_SIZE])
        if number == 1 and len(items) < PAGE_SIZE:
            count, exact = len(items), True
        else:
            count, exact = capped_count(qs)
        page = ListPage(number=number, items=items, count=count, exact=exact, start=offset + 1)
        if data["unit"] is not None:
            unit = Unit.objects.filter(org_id=viewer.org_id, pk=data["unit"]).first()
    rows = table_rows(page.items, viewer=viewer) if page is not None else []
    context = {"form": form, "page": page, "rows": rows, "unit": unit}
    return render(request, "commitments/list.html", context, status=200 if page else 400)


# --- a new commitment ---------------------------------------------------------------------------

# Services name the parties by their role; the form names them "person" and "unit".
_FORM_FIELDS = {
    "performer": "person",
    "requester": "person",
    "beneficiary": "person",
    "performer_unit": "unit",
}


def _apply_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            name = _FORM_FIELDS.get(name, name)
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


@org_view
def commitment_new(request: OrgRequest) -> HttpResponse:
    viewer = request.person
    if request.method == "POST":
        form = NewCommitmentForm(request.POST, viewer=viewer)
        if form.is_valid():
            data = form.cleaned_data
            common: dict[str, Any] = {
                "org": request.org,
                "title": data["title"],
                "conditions": data["conditions"],
                "due_date": data["due_date"],
                "context_label": data["context_label"],
                "context_url": data["context_url"],
            }
            try:
                if data["kind"] == CommitmentKind.REQUEST:
                    commitment = services.commitment_request(
                        requester=viewer,
                        performer=form.person_obj,
                        performer_unit=form.unit_obj,
                        **common,
                    )
                    done = "Request sent."
                elif data["kind"] == CommitmentKind.OFFER:
                    commitment = services.commitment_offer(
                        performer=viewer, requester=form.person_obj, **common
                    )
                    done = "Offer sent."
                else:
                    commitment = services.commitment_self_commit(
                        performer=viewer, beneficiary=form.person_obj, **common
                    )
                    done = "Commitment made."
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, done)
                return HttpResponseRedirect(commitment.get_absolute_url())
    else:
        initial: dict[str, Any] = {
            key: request.GET[key]
            for key in ("kind", "person", "title", "context_label", "context_url")
            if key in request.GET
        }
        # A unit's page links here with ?unit=<id>: fill in its name.
        unit_id = id_param(request.GET.get("unit"))
        if unit_id is not None:
            unit = Unit.objects.filter(org_id=viewer.org_id, pk=unit_id, is_active=True)
            initial["unit"] = unit.values_list("name", flat=True).first() or ""
        form = NewCommitmentForm(initial=initial, viewer=viewer)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "commitments/new.html", {"form": form}, status=status)


# --- one commitment and its moves ---------------------------------------------------------------


def _detail_context(
    request: OrgRequest,
    commitment: Commitment,
    *,
    failed: MoveForm | None = None,
    refusal: str = "",
    kept_text: str = "",
) -> dict[str, Any]:
    viewer = request.person
    unit_ids, lead_ids = units_for_moves(commitment=commitment, viewer=viewer)
    moves = legal_moves(
        commitment,
        viewer,
        actor_unit_ids=unit_ids,
        actor_lead_unit_ids=lead_ids,
    )
    forms = []
    kept_in_form = False
    # Primary moves first, then the alternatives, then the ones that end it.
    rank = {"primary": 0, "secondary": 1, "danger": 2}
    for move in sorted(moves, key=lambda m: rank[MOVE_UI[m].style]):
        ui = MOVE_UI[move]
        if failed is not None and failed.move == move:
            form = failed
            kept_in_form = True
        else:
            form = MoveForm(
                initial={"version": commitment.version}, move=move, note_label=ui.note_label
            )
        forms.append((ui, form))
    return {
        "c": commitment,
        "about": describe(commitment, viewer=viewer),
        "history": commitment_history(commitment=commitment),
        "move_forms": forms,
        "failed_move": failed.move if failed is not None else "",
        "refusal": refusal,
        # What they typed for a move that is no longer theirs to make, so it is not lost.
        "kept_text": "" if kept_in_form else kept_text,
    }


def _typed_text(data: dict[str, Any]) -> str:
    return "\n\n".join(str(data[k]) for k in ("reason", "note", "terms") if data.get(k))


def _render_detail(
    request: HtmxOrgRequest, commitment: Commitment, *, status: int = 200, **kw: Any
) -> HttpResponse:
    context = _detail_context(request, commitment, **kw)
    context["fragment"] = wants_fragment(request)
    if context["fragment"]:
        # htmx swaps only successful responses, so a refusal is sent as 200 with the reason
        # in the panel; without htmx the page carries the real status.
        response = render(request, "commitments/_detail.html", context)
    else:
        response = render(request, "commitments/detail.html", context, status=status)
    patch_vary_headers(response, FRAGMENT_VARY)
    return response


@org_view
def commitment_detail(request: HtmxOrgRequest, pk: int) -> HttpResponse:
    commitment = commitment_for_viewer(viewer=request.person, pk=pk)
    return _render_detail(request, commitment)


@org_view
def commitment_move(request: HtmxOrgRequest, pk: int, move: str) -> HttpResponse:
    if move not in ANSWER_MOVES:
        raise Http404
    viewer = request.person
    commitment = commitment_for_viewer(viewer=viewer, pk=pk)
    # After the lookup, so a commitment the viewer cannot see is a 404 whatever the method.
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    ui = MOVE_UI[move]
    form = MoveForm(request.POST, move=move, note_label=ui.note_label)
    if not form.is_valid():
        if "version" in form.errors:
            return _render_detail(
                request,
                commitment,
                status=400,
                refusal="This form is incomplete; reload the page and try again.",
            )
        return _render_detail(request, commitment, status=400, failed=form)
    data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    try:
        moved = services.commitment_move(
            commitment=commitment,
            actor=viewer,
            move=move,
            expected_version=form.cleaned_data["version"],
            **data,
        )
    except IllegalMove as refusal:
        current = commitment_for_viewer(viewer=viewer, pk=pk)
        kept: MoveForm | None = None
        if isinstance(refusal, StaleCommitment):
            # Keep what they typed, on the current version, so that after reading the
            # current state they can send it again (if the move is still theirs to make).
            kept = MoveForm(
                initial={**data, "version": current.version},
                move=move,
                note_label=ui.note_label,
            )
        return _render_detail(
            request,
            current,
            status=refusal.status_code,
            refusal=refusal.detail,
            failed=kept,
            kept_text=_typed_text(data) if kept is not None else "",
        )
    except ValidationError as error:
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
        return _render_detail(request, commitment, status=400, failed=form)
    messages.success(request, SUCCESS[CommitmentMove(move)])
    if wants_fragment(request):
        return _render_detail(request, commitment_for_viewer(viewer=viewer, pk=moved.pk))
    return HttpResponseRedirect(reverse("commitments:detail", args=[request.org.slug, moved.pk]))
