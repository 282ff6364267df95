"""The tenant (`Organization`), its people and its units.

Every other row in Mutuality belongs to exactly one organization.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone


class Organization(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:home", kwargs={"org": self.slug})


class Role(models.TextChoices):
    """What a person may do in the app. Being a manager is derived, not a role."""

    ADMIN = "admin", "Admin"
    FACILITATOR = "facilitator", "Facilitator"
    MEMBER = "member", "Member"


class Unit(models.Model):
    """A team or department. Units form a tree through `parent`."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    leads: models.ManyToManyField[Person, Any] = models.ManyToManyField(
        "Person", blank=True, related_name="led_units"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "org",
                Lower("name"),
                name="unit_name_unique_in_org",
                violation_error_message="A unit with this name already exists.",
            ),
        ]
        indexes = [models.Index(fields=["org", "parent"], name="unit_org_parent")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:unit", kwargs={"org": self.org.slug, "pk": self.pk})


class Person(models.Model):
    """A member of one organization, linked to a login once they accept an invitation."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="people")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    name = models.CharField(max_length=200)
    # `text.fold(name)`, for searching without regard to case or accents. Every write of a
    # name sets it: the person services, the CSV import and the seeding of demo and
    # synthetic organizations. (A text column: folding can make a name longer.)
    search_name = models.TextField(blank=True, default="", editable=False)
    email = models.EmailField(blank=True)
    employee_id = models.CharField(max_length=64, blank=True)
    title = models.CharField(max_length=200, blank=True)
    manager = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                "org",
                Lower("email"),
                condition=~models.Q(email=""),
                name="person_email_unique_in_org",
                violation_error_message="Someone in this organization already has this email.",
            ),
            models.UniqueConstraint(
                fields=["org", "employee_id"],
                condition=~models.Q(employee_id=""),
                name="person_employee_id_unique_in_org",
                violation_error_message="Someone in this organization already has this employee id.",
            ),
            models.UniqueConstraint(
                fields=["org", "user"],
                condition=models.Q(user__isnull=False),
                name="person_user_unique_in_org",
            ),
        ]
        indexes = [
            models.Index(fields=["org", "is_active", "name"], name="person_directory"),
            models.Index(fields=["org", "unit", "is_active"], name="person_org_unit"),
            models.Index(fields=["org", "manager"], name="person_org_manager"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:person", kwargs={"org": self.org.slug, "pk": self.pk})

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_facilitator(self) -> bool:
        return self.role == Role.FACILITATOR


def new_upload_id() -> str:
    import secrets

    return secrets.token_urlsafe(24)


class PeopleImportUpload(models.Model):
    """A CSV file an admin has checked, kept so they can import it without choosing it again.

    Only its uploader can use it, in its organization. It is deleted once imported, and
    uploads older than a day are purged whenever a new one is stored.
    """

    # Random, so an upload id cannot be guessed from another.
    id = models.CharField(primary_key=True, max_length=64, default=new_upload_id, editable=False)
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255, blank=True)
    content = models.BinaryField()
    # The "full import" setting the file was checked with.
    full = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["org", "created_at"], name="import_upload_org_at")]

    def __str__(self) -> str:
        return self.filename or self.id
