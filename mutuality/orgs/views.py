"""Web pages for the organization's people and units. Thin: selectors read, services write."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from html import escape
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString

from mutuality.core.htmx import FRAGMENT_VARY, wants_fragment
from mutuality.core.links import pk_urls
from mutuality.core.params import id_param
from mutuality.orgs import services, unit_sections
from mutuality.orgs.chart import build_chart
from mutuality.orgs.forms import ChartForm, DirectoryFilterForm, PersonForm, UnitForm
from mutuality.orgs.models import Person, Role, Unit
from mutuality.orgs.presentation import as_rows, person_rows
from mutuality.orgs.selectors import (
    UnitNode,
    direct_report_count,
    direct_reports,
    people_count,
    people_visible_to,
    person_for_viewer,
    sub_units,
    unit_count,
    unit_for_viewer,
    unit_lead_names,
    unit_member_counts,
    unit_path,
    unit_tree,
    units_led_by,
)
from mutuality.orgs.tenancy import HtmxOrgRequest, OrgRequest, memberships, org_view

admin_view = org_view(roles=[Role.ADMIN])
REPORTS_SHOWN = 50
CHART_DEPTH = 3


def _apply_errors(form: Form, error: ValidationError) -> None:
    """Show a service's refusal on the form: on the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


def _form_status(form: Form) -> int:
    return 400 if form.is_bound and form.errors else 200


def _int_param(value: str | None) -> int | None:
    return id_param(value)


# --- home --------------------------------------------------------------------------------------


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Send the viewer to their last organization, or let them pick one."""
    mine = memberships(request.user)
    last = request.session.get("last_org")
    for person in mine:
        if person.org.slug == last:
            return redirect("orgs:home", org=last)
    if len(mine) == 1:
        return redirect("orgs:home", org=mine[0].org.slug)
    return render(request, "orgs/choose_org.html", {"memberships": mine})


@org_view
def home(request: OrgRequest) -> HttpResponse:
    viewer = request.person
    context = {
        "viewer": viewer,
        "first_name": viewer.name.split()[0] if viewer.name.split() else viewer.name,
        "manager": viewer.manager,
        "led_units": units_led_by(person=viewer),
        "report_count": direct_report_count(person=viewer),
        "people_count": people_count(org=request.org),
        "unit_count": unit_count(org=request.org),
    }
    return render(request, "orgs/home.html", context)


@org_view
def page_shell(request: OrgRequest) -> HttpResponse:
    """The frame every page of an organization pays for, and nothing else: authentication,
    membership, the navigation with every badge. Routed only for `make bench`
    (MUTUALITY_BENCH), which reports its cost as its own row."""
    return render(request, "orgs/page_shell.html")


# --- people ------------------------------------------------------------------------------------


@org_view
def people(request: HtmxOrgRequest) -> HttpResponse:
    viewer = request.person
    partial = wants_fragment(request)
    form = DirectoryFilterForm(request.GET, viewer=viewer)
    page = None
    if form.is_valid():
        found = people_visible_to(
            viewer=viewer,
            q=form.cleaned_data["q"],
            unit=form.cleaned_data["unit"],
            manager=form.cleaned_data["manager"],
            include_inactive=form.cleaned_data.get("inactive", False),
        )
        page = Paginator(as_rows(found), settings.MUTUALITY_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    rows = person_rows(page.object_list, org_slug=request.org.slug) if page is not None else []
    context = {"form": form, "page": page, "rows": rows, "viewer": viewer}
    template = "orgs/_people_results.html" if partial else "orgs/people.html"
    response = render(request, template, context, status=_form_status(form))
    patch_vary_headers(response, FRAGMENT_VARY)
    return response


@admin_view
def person_create(request: OrgRequest) -> HttpResponse:
    viewer = request.person
    tree = unit_tree(org=request.org)
    initial: dict[str, Any] = {"unit": _int_param(request.GET.get("unit"))}
    form = PersonForm(
        request.POST if request.method == "POST" else None,
        viewer=viewer,
        unit_choices=tree.choices(),
        initial=initial,
    )
    if form.is_bound and form.is_valid():
        try:
            person = services.person_create(org=request.org, actor=viewer, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"{person.name} was added.")
            return redirect("orgs:person", org=request.org.slug, pk=person.pk)
    return render(
        request, "orgs/person_form.html", {"form": form, "person": None}, status=_form_status(form)
    )


def _reports_move(count: int, successor: Person | None, *, done: bool) -> str:
    """Where a leaving person's reports go, as a sentence ("" when they have none)."""
    if not count:
        return ""
    who = "Their 1 report" if count == 1 else f"Their {count} reports"
    whom = successor.name if successor is not None else "nobody (no manager)"
    if done:
        return f"{who} now {'reports' if count == 1 else 'report'} to {whom}."
    return f"{who} will report to {whom}."


def _deactivation_context(
    viewer: Person, person: Person, *, report_count: int | None = None
) -> dict[str, Any]:
    """What the deactivate button asks before it acts: where the person's reports will go."""
    if not (viewer.is_admin and person.is_active and person.pk != viewer.pk):
        return {"reports_will_move": ""}
    count = direct_report_count(person=person) if report_count is None else report_count
    successor = services.manager_after_leaving(person) if count else None
    return {"reports_will_move": _reports_move(count, successor, done=False)}


@org_view
def person_detail(request: OrgRequest, pk: int) -> HttpResponse:
    viewer = request.person
    person = person_for_viewer(viewer=viewer, pk=pk)
    reports = direct_reports(person=person, limit=REPORTS_SHOWN + 1)
    more_reports = len(reports) > REPORTS_SHOWN
    context = {
        **_deactivation_context(
            viewer, person, report_count=None if more_reports else len(reports)
        ),
        "person": person,
        "viewer": viewer,
        "is_me": person.pk == viewer.pk,
        "reports": reports[:REPORTS_SHOWN],
        "more_reports": more_reports,
        "led_units": units_led_by(person=person),
        "can_invite": viewer.is_admin
        and person.is_active
        and bool(person.email)
        and person.user_id is None,
    }
    return render(request, "orgs/person.html", context)


def _unit_choices_keeping(units: list[tuple[int, str]], current: Unit | None) -> list[Any]:
    # A retired unit is not offered, but one already chosen stays so saving keeps it.
    if current is not None and all(pk != current.pk for pk, _ in units):
        return [*units, (current.pk, f"{current.name} (retired)")]
    return units


@admin_view
def person_edit(request: OrgRequest, pk: int) -> HttpResponse:
    viewer = request.person
    person = person_for_viewer(viewer=viewer, pk=pk)
    choices = _unit_choices_keeping(unit_tree(org=request.org).choices(), person.unit)
    form = PersonForm(
        request.POST if request.method == "POST" else None,
        viewer=viewer,
        person=person,
        unit_choices=choices,
    )
    if form.is_bound and form.is_valid():
        try:
            services.person_update(person=person, actor=viewer, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
            # The service may have changed the object before refusing: show it as stored.
            person = person_for_viewer(viewer=viewer, pk=pk)
        else:
            messages.success(request, f"{person.name}’s details were saved.")
            return redirect("orgs:person", org=request.org.slug, pk=person.pk)
    return render(
        request,
        "orgs/person_form.html",
        {"form": form, "person": person, **_deactivation_context(viewer, person)},
        status=_form_status(form),
    )


@admin_view
def person_deactivate(request: OrgRequest, pk: int) -> HttpResponse:
    person = person_for_viewer(viewer=request.person, pk=pk)
    # Checked after the lookup, so another organization's id is a 404 whatever the method.
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    # Who reports to them now, and to whom they will: the service moves them.
    count = direct_report_count(person=person) if person.is_active else 0
    successor = services.manager_after_leaving(person) if count else None
    try:
        services.person_deactivate(person=person, actor=request.person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        moved = _reports_move(count, successor, done=True)
        messages.success(request, f"{person.name} is now inactive. {moved}".strip())
    return redirect("orgs:person", org=request.org.slug, pk=person.pk)


@admin_view
def person_reactivate(request: OrgRequest, pk: int) -> HttpResponse:
    person = person_for_viewer(viewer=request.person, pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.person_reactivate(person=person, actor=request.person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{person.name} is active again.")
    return redirect("orgs:person", org=request.org.slug, pk=person.pk)


# --- units -------------------------------------------------------------------------------------


def _unit_tree_html(
    nodes: Iterable[UnitNode], members: dict[int, int], unit_url: Callable[[int], str]
) -> SafeString:
    """The whole tree as nested lists, built in one pass.

    With two thousand units a template loop costs over a hundred milliseconds; this costs
    a few. Every name and address is escaped here.
    """
    ordered = list(nodes)
    parts = ['<ul class="tree unit-tree">']
    for index, node in enumerate(ordered):
        next_depth = ordered[index + 1].depth if index + 1 < len(ordered) else 0
        count = members.get(node.pk, 0)
        noun = "person" if count == 1 else "people"
        parts.append(
            f'<li><a href="{escape(unit_url(node.pk))}">{escape(node.name)}</a> '
            f'<span class="count">{count}<span class="visually-hidden"> {noun}</span></span>'
        )
        if next_depth > node.depth:
            parts.append("<ul>")
        else:
            parts.append("</li>" + "</ul></li>" * (node.depth - next_depth))
    parts.append("</ul>")
    return SafeString("".join(parts))


@org_view
def units(request: OrgRequest) -> HttpResponse:
    tree = unit_tree(org=request.org)
    members = unit_member_counts(org=request.org)
    context = {
        "tree_html": _unit_tree_html(
            tree.walk(), members, pk_urls("orgs:unit", org=request.org.slug)
        ),
        "unit_total": len(tree),
        "unplaced": people_count(org=request.org, without_unit=True),
        "viewer": request.person,
    }
    return render(request, "orgs/units.html", context)


@admin_view
def unit_create(request: OrgRequest) -> HttpResponse:
    viewer = request.person
    tree = unit_tree(org=request.org)
    form = UnitForm(
        request.POST if request.method == "POST" else None,
        viewer=viewer,
        parent_choices=tree.choices(),
        initial={"parent": _int_param(request.GET.get("parent"))},
    )
    if form.is_bound and form.is_valid():
        try:
            unit = services.unit_create(org=request.org, actor=viewer, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"{unit.name} was added.")
            return redirect("orgs:unit", org=request.org.slug, pk=unit.pk)
    return render(
        request, "orgs/unit_form.html", {"form": form, "unit": None}, status=_form_status(form)
    )


@org_view
def unit_detail(request: OrgRequest, pk: int) -> HttpResponse:
    viewer = request.person
    unit = unit_for_viewer(viewer=viewer, pk=pk)
    members = people_visible_to(viewer=viewer, unit=unit)
    page = Paginator(as_rows(members), settings.MUTUALITY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "unit": unit,
        "viewer": viewer,
        "path": unit_path(unit=unit),
        "leads": list(unit.leads.order_by("name", "id")),
        "page": page,
        "member_rows": person_rows(page.object_list, org_slug=request.org.slug),
        "sub_units": sub_units(unit=unit),
        "unit_sections": unit_sections.sections_for(unit=unit, viewer=viewer),
    }
    return render(request, "orgs/unit.html", context)


@admin_view
def unit_edit(request: OrgRequest, pk: int) -> HttpResponse:
    viewer = request.person
    unit = unit_for_viewer(viewer=viewer, pk=pk)
    tree = unit_tree(org=request.org)
    # A unit cannot move inside itself or below one of its own sub-units.
    choices = _unit_choices_keeping(tree.choices(exclude=tree.subtree_ids(unit.pk)), unit.parent)
    leads = list(unit.leads.order_by("name", "id"))
    form = UnitForm(
        request.POST if request.method == "POST" else None,
        viewer=viewer,
        unit=unit,
        leads=leads,
        parent_choices=choices,
    )
    if form.is_bound and form.is_valid():
        try:
            services.unit_update(unit=unit, actor=viewer, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
            unit = unit_for_viewer(viewer=viewer, pk=pk)
        else:
            messages.success(request, f"{unit.name} was saved.")
            return redirect("orgs:unit", org=request.org.slug, pk=unit.pk)
    return render(
        request, "orgs/unit_form.html", {"form": form, "unit": unit}, status=_form_status(form)
    )


@admin_view
def unit_deactivate(request: OrgRequest, pk: int) -> HttpResponse:
    unit = unit_for_viewer(viewer=request.person, pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.unit_deactivate(unit=unit, actor=request.person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{unit.name} is retired.")
    return redirect("orgs:unit", org=request.org.slug, pk=unit.pk)


# --- org chart ---------------------------------------------------------------------------------


@org_view
def org_chart(request: OrgRequest) -> HttpResponse:
    form = ChartForm(request.GET)
    if not form.is_valid():
        return render(request, "orgs/chart.html", {"form": form, "chart": None}, status=400)
    depth = form.cleaned_data["depth"] or CHART_DEPTH
    tree = unit_tree(org=request.org)
    root = None
    if form.cleaned_data["root"] is not None:
        # 404 for a unit of another organization, exactly as for one that does not exist.
        root = unit_for_viewer(viewer=request.person, pk=form.cleaned_data["root"])
        if root.pk not in tree.nodes:
            messages.info(request, f"{root.name} is retired, so the chart starts at the top.")
            root = None
    starts = [tree.nodes[root.pk]] if root is not None else tree.roots
    slug = request.org.slug
    chart_url = reverse("orgs:chart", kwargs={"org": slug})
    depth_param = f"&depth={depth}" if depth != CHART_DEPTH else ""
    chart = build_chart(
        starts=starts,
        depth=depth,
        lead_names=lambda ids: unit_lead_names(unit_ids=list(ids)),
        member_counts=lambda ids: unit_member_counts(org=request.org, unit_ids=list(ids)),
        unit_url=pk_urls("orgs:unit", org=slug),
        chart_url=lambda pk: f"{chart_url}?root={pk}{depth_param}",
        units_url=reverse("orgs:units", kwargs={"org": slug}),
    )
    context = {
        "form": form,
        "chart": chart,
        "root": root,
        "path": tree.path(root.pk) if root is not None else [],
        "depth": depth,
        "depth_choices": range(1, 7),
        "chart_url": chart_url,
        "unit_total": len(tree),
    }
    return render(request, "orgs/chart.html", context)
