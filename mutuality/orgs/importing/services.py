"""Importing people from a CSV file (an HR export): the check, the plan, and the writing.

The whole file is read and checked before anything is written. Every problem is reported
with its row number as a spreadsheet shows it (the header is row 1), and an import with any
problem writes nothing. A clean import is applied in one transaction with bulk writes, so a
20,000-row file takes seconds.

The rules, as an admin meets them:
- Columns are recognized by name with the aliases HR tools use (see `people_csv`). Unknown
  columns are ignored, and said so. The file needs a name column (or first and last name)
  and an email or employee id column.
- A row is the existing person with its employee id when it has one, else with its email.
  A blank email or employee id cell never erases one already recorded.
- An absent column leaves that detail untouched; a present column is the truth, so a blank
  title or department cell clears it. A blank role cell keeps the role (new people: member).
- Managers are named by employee id or email and may be anywhere in the file; in a partial
  import they may also be active people who are not in the file.
- The result must be one tree: known managers, nobody their own manager, no reporting
  cycles (also through active people who are not in the file). A full import has exactly one
  top person (a row with no manager). A partial import may not put anyone at the top who is
  not there already while someone else is at the top too; people outside the file who have
  no manager (or an inactive one) are not the file's doing and never make it fail.
- Departments that are not units yet are created, under the top unit if there is exactly one.
- A full import makes active people absent from the file inactive (never the importing admin),
  and revokes their API tokens.
  When the file has no manager column, the rows whose manager it deactivates move to the
  nearest manager above who stays (as deactivating someone in the app does).
- Rows whose `active` column says no count as absent from the file, so an export that
  includes inactive people can be imported without bringing them back.
- An organization with an active admin keeps one: an import that would deactivate or demote
  every admin is refused (the importing admin can neither deactivate nor demote themselves).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from mutuality.orgs.importing.people_csv import Problem, read_people_csv
from mutuality.orgs.importing.planner import Planner
from mutuality.orgs.importing.state import ImportResult
from mutuality.orgs.models import Organization, PeopleImportUpload, Person
from mutuality.orgs.services import require_admin

logger = logging.getLogger(__name__)

# How long a checked file is kept for its uploader to import it.
UPLOAD_LIFETIME = timedelta(days=1)


def import_people(
    *,
    org: Organization,
    actor: Person | None,
    data: bytes | str,
    full: bool = False,
    dry_run: bool = False,
    filename: str = "",
) -> ImportResult:
    """Import people from a CSV file: check everything, then write all of it or nothing.

    Admins only (`actor` None is the command line). With `dry_run`, or with any problem, nothing
    is written; otherwise the whole import is one transaction with an audit event per person
    created, updated or deactivated, per API token revoked, per unit created, and one
    "people.import" summary.
    """
    require_admin(actor)
    if actor is not None and actor.org_id != org.pk:
        raise PermissionDenied("Only an admin of this organization can do that.")
    result = ImportResult(full=full, dry_run=dry_run, filename=filename)
    parsed = read_people_csv(data)
    result.notices = parsed.notices
    result.errors = list(parsed.errors)
    if parsed.errors and not parsed.rows:
        return result
    if dry_run:
        Planner(org=org, actor=actor, parsed=parsed, result=result).plan()
        return result
    try:
        with transaction.atomic():
            planner = Planner(org=org, actor=actor, parsed=parsed, result=result)
            planner.plan()
            if result.ok:
                planner.apply()
    except (DataError, IntegrityError):
        # The checks should leave nothing for the database to refuse; if they missed
        # something, the import is refused as a whole rather than failing the page.
        logger.exception("The database refused a people import that passed its checks.")
        result.applied = False
        result.errors.append(
            Problem(
                None,
                "The database refused a value in this file, so nothing was written. "
                "Check the file for unusual characters, or save it again as “CSV UTF-8”.",
            )
        )
    return result


# --- uploads kept between the check and the import (web) ---------------------------------------


def import_upload_store(
    *, org: Organization, person: Person, filename: str, data: bytes, full: bool
) -> PeopleImportUpload:
    """Keep a checked file for its uploader; their earlier uploads and stale ones go."""
    stale = timezone.now() - UPLOAD_LIFETIME
    PeopleImportUpload.objects.filter(org=org, created_at__lt=stale).delete()
    PeopleImportUpload.objects.filter(org=org, uploaded_by=person).delete()
    return PeopleImportUpload.objects.create(
        org=org, uploaded_by=person, filename=filename[:255], content=data, full=full
    )
