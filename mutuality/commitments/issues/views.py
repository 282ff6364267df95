"""Web pages for issues: the list, raising one, one issue and its moves.

Thin: selectors read, services write; a move goes through the one move handler
(`mutuality.core.workflow.views`), which shows a refused move (illegal, not yours, or
based on a page that has gone stale) on the issue as it is now, changing nothing. Nobody
outside the organization, and nobody who may not see an issue, learns that it exists (404).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from mutuality.commitments.issues import services
from mutuality.commitments.issues.forms import IssueFilterForm, RaiseIssueForm
from mutuality.commitments.issues.presentation import ISSUE_CHIP, with_chips
from mutuality.commitments.issues.selectors import (
    issue_for_viewer,
    issue_history,
    issues_filtered,
    with_parties,
)
from mutuality.commitments.issues.workflow import ISSUES
from mutuality.commitments.models import Issue
from mutuality.core.paging import ListPage
from mutuality.core.params import id_param
from mutuality.core.workflow.views import ObjectPages, with_words
from mutuality.orgs.selectors import unit_or_none
from mutuality.orgs.tenancy import HtmxOrgRequest, OrgRequest, org_view

PAGE_SIZE = 50


# --- the list -------------------------------------------------------------------------------------


@org_view
def issue_list(request: OrgRequest) -> HttpResponse:
    viewer = request.person
    form = IssueFilterForm(request.GET)
    page = None
    unit = None
    if form.is_valid():
        cleaned = form.cleaned_data
        qs = issues_filtered(
            viewer=viewer,
            role=cleaned["role"] or "",
            state=cleaned["state"] or "open",
            unit_id=cleaned["unit"],
        )
        page = ListPage.of(qs, number=cleaned["page"] or 1, size=PAGE_SIZE, load=with_parties)
        with_chips(page.items)
        if cleaned["unit"] is not None:
            unit = unit_or_none(viewer=viewer, pk=cleaned["unit"])
    context = {"form": form, "page": page, "unit": unit}
    return render(request, "commitments/issues/list.html", context, status=200 if page else 400)


# --- raising an issue --------------------------------------------------------------------------------

# The service names whom an issue is raised with `addressee` and `unit`; the form, "person".
_FORM_FIELDS = {"addressee": "person", "unit": "unit"}


@org_view
def issue_new(request: OrgRequest) -> HttpResponse:
    viewer = request.person
    if request.method == "POST":
        form = RaiseIssueForm(request.POST, viewer=viewer)
        if form.is_valid():
            data = form.cleaned_data
            try:
                issue = services.issue_raise(
                    org=request.org,
                    raiser=viewer,
                    title=data["title"],
                    description=data["description"],
                    addressee=data["person"],
                    unit=data["unit"],
                )
            except ValidationError as error:
                for name, problems in error.message_dict.items():
                    name = _FORM_FIELDS.get(name, name)
                    form.add_error(name if name in form.fields else None, problems)
            else:
                messages.success(request, "Issue raised. You will see every answer here.")
                return HttpResponseRedirect(issue.get_absolute_url())
    else:
        initial: dict[str, Any] = {
            k: request.GET[k] for k in ("person", "title") if k in request.GET
        }
        # A unit's page links here with ?unit=<id>: fill in its name.
        unit_id = id_param(request.GET.get("unit"))
        if unit_id is not None:
            unit = unit_or_none(viewer=viewer, pk=unit_id, active_only=True)
            initial["unit"] = unit.name if unit is not None else ""
        form = RaiseIssueForm(initial=initial, viewer=viewer)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "commitments/issues/new.html", {"form": form}, status=status)


# --- one issue and its moves ---------------------------------------------------------------------------


def _detail_context(request: HtmxOrgRequest, issue: Issue) -> dict[str, Any]:
    parties = {issue.raiser_id, issue.addressee_id, issue.owner_id, issue.facilitator_id}
    return {
        "issue": issue,
        "chip": ISSUE_CHIP.get(issue.state, ""),
        "history": with_words(ISSUES, issue_history(issue=issue)),
        "is_party": request.person.pk in parties,
    }


PAGES = ObjectPages(
    ISSUES,
    object_for_viewer=issue_for_viewer,
    context=_detail_context,
    page="commitments/issues/detail.html",
    fragment="commitments/issues/_detail.html",
    urls="issues",
)
issue_detail = org_view(PAGES.detail_view)
issue_move = org_view(PAGES.move_view)
