"""Importing people from CSV and exporting them, in the web UI (admins only)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render

from mutuality.orgs.importing.people_csv import (
    FIELD_ALIASES,
    MAX_FILE_BYTES,
    csv_text,
    people_export_rows,
    unreadable_reason,
)
from mutuality.orgs.importing.selectors import import_upload_for
from mutuality.orgs.importing.services import import_people, import_upload_store
from mutuality.orgs.models import Role
from mutuality.orgs.tenancy import OrgRequest, org_view

admins_only = org_view(roles=[Role.ADMIN])

# The plan lists this many people per kind; the counts always cover everyone.
PLAN_ROWS_SHOWN = 200
COLUMN_MEANINGS = (
    ("Name", ("name",)),
    ("Or first and last name", ("first_name", "last_name")),
    ("Email", ("email",)),
    ("Employee id", ("employee_id",)),
    ("Manager's email", ("manager_email",)),
    ("Manager's employee id", ("manager_id",)),
    ("Department (a unit)", ("department",)),
    ("Job title", ("title",)),
    ("Role in Mutuality", ("role",)),
    ("Active (yes or no)", ("active",)),
)
COLUMNS_HELP = [
    (meaning, [alias for f in fields for alias in (f, *FIELD_ALIASES[f])])
    for meaning, fields in COLUMN_MEANINGS
]


class PeopleImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        required=False,
        help_text=(
            "A .csv file with a header row: name (or first and last name), email or "
            "employee id, and optionally manager email or manager id, department, title, role."
        ),
    )
    full = forms.BooleanField(
        label="Full import (people missing from the file become inactive)", required=False
    )
    # The id of a file checked earlier, so the admin need not choose it again.
    upload = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_file(self) -> bytes | None:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if upload.size is not None and upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB. "
                "Split it, or use the command line."
            )
        data = upload.read()
        reason = unreadable_reason(data)
        if reason is not None:
            raise forms.ValidationError(reason)
        self.filename = upload.name or ""
        return cast(bytes, data)


@admins_only
def people_import(request: OrgRequest) -> HttpResponse:
    """Check a CSV file (dry run) and import it: the same service as `mutuality import-people`."""
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {
        "form": form,
        "shown": PLAN_ROWS_SHOWN,
        "columns": COLUMNS_HELP,
        "max_mb": MAX_FILE_BYTES // (1024 * 1024),
    }
    if request.method != "POST" or not form.is_valid():
        return render(request, "orgs/import.html", context)

    dry_run = request.POST.get("action") != "import"
    full = bool(form.cleaned_data["full"])
    data: bytes | None = form.cleaned_data["file"]
    filename = getattr(form, "filename", "")
    stored = None
    if data is None:
        stored = import_upload_for(
            org=request.org, person=request.person, upload_id=form.cleaned_data["upload"]
        )
        if stored is None:
            form.add_error(
                "file",
                "Choose a CSV file."
                if not form.cleaned_data["upload"]
                else "The file you checked is no longer kept; choose it again.",
            )
            return render(request, "orgs/import.html", context)
        data, filename = bytes(stored.content), stored.filename
        if not dry_run and stored.full != full:
            # The plan the admin saw was for the other mode: show this one before writing.
            dry_run = True
            messages.warning(
                request, "You changed “Full import” after the check: here is the new plan."
            )

    result = import_people(
        org=request.org,
        actor=request.person,
        data=data,
        full=full,
        dry_run=dry_run,
        filename=filename,
    )
    if result.applied:
        if stored is not None:
            stored.delete()
        messages.success(request, result.summary())
        return redirect("orgs:people", org=request.org.slug)

    if result.ok:
        stored = import_upload_store(
            org=request.org, person=request.person, filename=filename, data=data, full=full
        )
        form = PeopleImportForm(initial={"full": full, "upload": stored.pk})
    else:
        form = PeopleImportForm(initial={"full": full})
    context.update(form=form, result=result, checked=stored)
    return render(request, "orgs/import.html", context)


@admins_only
def people_export(request: OrgRequest) -> StreamingHttpResponse:
    """The organization's people as CSV, in the columns the import reads.

    Active people only; `?include_inactive=1` adds inactive people and an `active` column.
    """
    include_inactive = request.GET.get("include_inactive", "") in {"1", "true", "yes"}
    rows = people_export_rows(
        org=request.org, viewer=request.person, include_inactive=include_inactive
    )
    response = StreamingHttpResponse(csv_text(rows), content_type="text/csv; charset=utf-8")
    suffix = "-all" if include_inactive else ""
    response["Content-Disposition"] = (
        f'attachment; filename="{request.org.slug}-people{suffix}.csv"'
    )
    # Streamed, so 20,000 people are never one string in memory.
    return response
