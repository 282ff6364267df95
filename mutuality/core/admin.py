"""The Django admin, for the operators of an installation (superusers only)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from mutuality.core.models import AuditEvent


def superusers_only(request: HttpRequest) -> bool:
    # Organization admins work in the app; the Django admin sees every organization, so it
    # is for the operators of the installation alone, not for anyone with is_staff.
    user = request.user
    return bool(user.is_active and user.is_superuser)


admin.site.has_permission = superusers_only  # type: ignore[method-assign]
admin.site.site_header = "Mutuality administration"
admin.site.site_title = "Mutuality administration"


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """Read only: the log is append-only, here as everywhere."""

    list_display = ("at", "org", "actor_label", "action", "object_type", "object_label")
    list_filter = ("action", "object_type")
    search_fields = ("actor_label", "action", "object_label", "object_id")
    list_select_related = ("org",)
    date_hierarchy = "at"
    readonly_fields = (
        "org",
        "actor",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "object_label",
        "before",
        "after",
        "at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
