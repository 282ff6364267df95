"""Web pages for commitments: My work, the list, a new commitment, one commitment and its moves.

Thin: selectors read, services write; a move goes through the one move handler
(`mutuality.core.workflow.views`), which shows a refused move (illegal, not yours, or
based on a page that has gone stale) on the commitment as it is now, changing nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from mutuality.commitments.commitments import services
from mutuality.commitments.commitments.forms import ListFilterForm, NewCommitmentForm
from mutuality.commitments.commitments.presentation import describe, table_rows
from mutuality.commitments.commitments.selectors import (
    commitment_for_viewer,
    commitment_history,
    commitments_filtered,
    my_work,
    with_parties,
)
from mutuality.commitments.commitments.workflow import COMMITMENTS
from mutuality.commitments.models import Commitment, CommitmentKind
from mutuality.core.paging import ListPage
from mutuality.core.params import id_param
from mutuality.core.workflow.views import ObjectPages, with_words
from mutuality.orgs.selectors import unit_or_none
from mutuality.orgs.tenancy import HtmxOrgRequest, OrgRequest, org_view

PAGE_SIZE = 50


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
        page = ListPage.of(qs, number=data["page"] or 1, size=PAGE_SIZE, load=with_parties)
        if data["unit"] is not None:
            unit = unit_or_none(viewer=viewer, pk=data["unit"])
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
DONE = {
    CommitmentKind.REQUEST: "Request sent.",
    CommitmentKind.OFFER: "Offer sent.",
    CommitmentKind.SELF: "Commitment made.",
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
            kind = data["kind"]
            # The person the form names plays the part the kind gives the other party.
            person_role = next(p for p in services.PARTIES[kind] if p != "performer_unit")
            try:
                commitment = services.commitment_create(
                    org=request.org,
                    actor=viewer,
                    kind=kind,
                    title=data["title"],
                    conditions=data["conditions"],
                    due_date=data["due_date"],
                    context_label=data["context_label"],
                    context_url=data["context_url"],
                    performer_unit=data["unit"],
                    **{person_role: data["person"]},
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, DONE[kind])
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
            unit = unit_or_none(viewer=viewer, pk=unit_id, active_only=True)
            initial["unit"] = unit.name if unit is not None else ""
        form = NewCommitmentForm(initial=initial, viewer=viewer)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "commitments/new.html", {"form": form}, status=status)


# --- one commitment and its moves ---------------------------------------------------------------


def _detail_context(request: HtmxOrgRequest, commitment: Commitment) -> dict[str, Any]:
    return {
        "c": commitment,
        "about": describe(commitment, viewer=request.person),
        "history": with_words(COMMITMENTS, commitment_history(commitment=commitment)),
    }


PAGES = ObjectPages(
    COMMITMENTS,
    object_for_viewer=commitment_for_viewer,
    context=_detail_context,
    page="commitments/detail.html",
    fragment="commitments/_detail.html",
    urls="commitments",
)
commitment_detail = org_view(PAGES.detail_view)
commitment_move = org_view(PAGES.move_view)
