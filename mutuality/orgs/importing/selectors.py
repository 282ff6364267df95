"""Reads for the import pages: a checked file kept for its uploader."""

from __future__ import annotations

from django.utils import timezone

from mutuality.orgs.importing.services import UPLOAD_LIFETIME
from mutuality.orgs.models import Organization, PeopleImportUpload, Person


def import_upload_for(
    *, org: Organization, person: Person, upload_id: str
) -> PeopleImportUpload | None:
    """The person's own recent upload in this organization with this id, or None."""
    if not upload_id:
        return None
    return PeopleImportUpload.objects.filter(
        pk=upload_id,
        org=org,
        uploaded_by=person,
        created_at__gte=timezone.now() - UPLOAD_LIFETIME,
    ).first()
