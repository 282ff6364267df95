"""`mutuality create-org`: a new organization and its first admin, on a fresh installation."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from mutuality.orgs.models import Role
from mutuality.orgs.services import organization_create, person_create

# The login model (accounts.User), named through Django so orgs does not import accounts.
User = get_user_model()


class Command(BaseCommand):
    help = (
        "Create an organization and its first admin. The admin logs in with the email and "
        "the password given here (asked for when not passed with --password-stdin)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="The organization's name.")
        parser.add_argument("--slug", default="", help="Short name used in URLs (from the name).")
        parser.add_argument("--admin-email", required=True, help="The first admin's email.")
        parser.add_argument("--admin-name", required=True, help="The first admin's full name.")
        parser.add_argument(
            "--password-stdin", action="store_true", help="Read the admin's password from stdin."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["admin_email"].strip().lower()
        existing = User.objects.filter(email__iexact=email).first()
        password = ""
        if existing is None:
            if options["password_stdin"]:
                password = sys.stdin.readline().rstrip("\n")
            else:
                password = getpass.getpass(f"Password for {email}: ")
            try:
                validate_password(password, User(email=email, name=options["admin_name"]))
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        try:
            with transaction.atomic():
                org = organization_create(name=options["name"], slug=options["slug"])
                user = existing or User.objects.create_user(
                    email=email, password=password, name=options["admin_name"]
                )
                person_create(
                    org=org,
                    actor=None,
                    name=options["admin_name"],
                    email=email,
                    role=Role.ADMIN,
                    user=user,
                )
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            ) from exc
        note = " (an existing login)" if existing is not None else ""
        self.stdout.write(
            self.style.SUCCESS(f"Created {org.name} (/o/{org.slug}/) with admin {email}{note}.")
        )
