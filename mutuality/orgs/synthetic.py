"""Synthetic organizations for benchmarks: `mutuality seed --size S|M|L`.

S has 200 people in 20 units, M 2,000 in 200, L 20,000 in 2,000. Units form a tree four
levels deep (one root, divisions, departments, teams); every unit has one lead, who manages
the unit's members and reports to the parent unit's lead, so the root's lead is the one
person at the top. Rows go in with `bulk_create` in batches, and every login shares one
password hash (hashing 20,000 Argon2 passwords would take minutes), so L takes seconds.

Capabilities add activity (agreements, commitments, survey runs…) by registering a
callable with `register_synthetic_extension`; it receives the `SyntheticOrg` right after the
people and units exist, inside the same transaction.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.text import slugify

from mutuality.core.audit import audit_record
from mutuality.orgs.demo import FIRST_NAMES, LAST_NAMES, email_for
from mutuality.orgs.models import Organization, Person, Role, Unit
from mutuality.orgs.services import organization_create
from mutuality.orgs.text import fold

# The login model (accounts.User), named through Django so orgs does not import accounts.
User = get_user_model()

# size: (people, units)
SIZES: dict[str, tuple[int, int]] = {"S": (200, 20), "M": (2_000, 200), "L": (20_000, 2_000)}
# Every synthetic login shares this password (see `mutuality seed`'s output).
SYNTHETIC_PASSWORD = "synthetic-bench"  # noqa: S105 - published benchmark credential
BATCH = 2_000

DIVISIONS = (
    "Operations", "Engineering", "Sales", "Customer Care", "Finance", "Manufacturing",
    "Research", "Marketing", "Logistics", "People", "Legal", "Procurement", "Facilities",
    "Quality", "Data", "Security",
)  # fmt: skip
AREAS = (
    "Billing", "Onboarding", "Payments", "Platform", "Analytics", "Field Service", "Retail",
    "Wholesale", "Accounts", "Planning", "Assembly", "Inbound", "Outbound", "Compliance",
    "Design", "Training", "Claims", "Returns", "Pricing", "Support",
)  # fmt: skip
MEMBER_TITLES = (
    "Specialist", "Senior Specialist", "Analyst", "Coordinator", "Engineer", "Senior Engineer",
    "Associate", "Advisor", "Technician", "Consultant",
)  # fmt: skip
LEAD_TITLES = ("Chief Executive Officer", "Division Director", "Head of Department", "Team Lead")

SyntheticExtension = Callable[["SyntheticOrg"], None]
SYNTHETIC_EXTENSIONS: list[SyntheticExtension] = []


def register_synthetic_extension(func: SyntheticExtension) -> SyntheticExtension:
    """Run `func(synthetic_org)` after every synthetic organization is built."""
    if func not in SYNTHETIC_EXTENSIONS:
        SYNTHETIC_EXTENSIONS.append(func)
    return func


@dataclass
class SyntheticOrg:
    """What was built, with ids a benchmark needs to address pages."""

    org: Organization
    size: str
    seed: int
    people: int
    units: int
    top_id: int
    admin_id: int
    facilitator_id: int
    # A department head: many reports (the department's members and its teams' leads).
    manager_id: int
    # A front-line member of the biggest unit.
    member_id: int
    big_unit_id: int
    search_term: str
    logins: dict[str, str]
    password: str
    seconds: float = 0.0
    # Extensions may record ids of what they built, for benchmark targets.
    extra: dict[str, int] = field(default_factory=dict)
    # Seconds taken by each step: the people and units, then each extension.
    timings: dict[str, float] = field(default_factory=dict)


def _levels(units: int) -> list[int]:
    """How many units sit on each of the four levels (root, divisions, departments, teams)."""
    if units < 4:
        return [1] * units
    branching = math.ceil((units - 1) ** (1 / 3))
    first = min(branching, units - 2)
    second = min(first * branching, units - 1 - first - 1)
    return [1, first, second, units - 1 - first - second]


def _check_args(*, size: str, slug: str) -> None:
    if size not in SIZES:
        raise ValidationError({"size": f"Choose one of {', '.join(SIZES)}."})
    if not slug or slugify(slug) != slug:
        raise ValidationError({"org": "Use lowercase letters, digits and dashes."})


def _delete_org_rows(org: Organization) -> None:
    """Delete every row of the organization with one DELETE per table.

    Every Mutuality table has an `org` key, and the rest (many-to-many tables) hang off
    such rows, so no row-by-row collection is needed: Django's collector takes minutes on an
    organization with years of activity. Foreign keys are checked at the end, so a row of
    another organization that still points here makes it fail (and roll back) instead of
    leaving a dangling reference.
    """
    all_models = apps.get_models(include_auto_created=True)

    def org_keys(model: type[Model]) -> list[str]:
        return [
            f.name
            for f in model._meta.concrete_fields
            if f.many_to_one and f.related_model is Organization
        ]

    scoped = {model for model in all_models if org_keys(model)}
    for model in all_models:
        condition = Q()
        for key in org_keys(model):
            condition |= Q(**{key: org})
        for f in model._meta.concrete_fields:
            target = f.related_model
            if f.many_to_one and target in scoped and model not in scoped:
                assert isinstance(target, type)
                condition |= Q(**{f"{f.name}__{org_keys(target)[0]}": org})
        if condition:
            model._base_manager.filter(condition)._raw_delete(using=DEFAULT_DB_ALIAS)
    Organization.objects.filter(pk=org.pk)._raw_delete(using=DEFAULT_DB_ALIAS)
    connection.check_constraints()


def synthetic_org_delete(*, slug: str) -> bool:
    """Remove an organization with everything in it, and logins that belonged only to it."""
    org = Organization.objects.filter(slug=slug).first()
    if org is None:
        return False
    with transaction.atomic():
        only_here = User.objects.filter(people__org=org).exclude(
            people__in=Person.objects.exclude(org=org)
        )
        user_ids = list(only_here.values_list("pk", flat=True))
        _delete_org_rows(org)
        for start in range(0, len(user_ids), BATCH):
            User.objects.filter(pk__in=user_ids[start : start + BATCH]).delete()
    return True


def synthetic_org_create(
    *, size: str, slug: str = "", seed: int = 1, replace: bool = False
) -> SyntheticOrg:
    """Build a synthetic organization of the given size.

    Rules: the slug defaults to `synthetic-<size>`; an existing organization with that slug
    is refused unless `replace`, which deletes it first; the same seed builds the same names,
    titles and structure; everything, the deletion included, is one transaction, so a failed
    rebuild keeps the old organization.
    """
    size = size.upper()
    slug = slug or f"synthetic-{size.lower()}"
    _check_args(size=size, slug=slug)
    started = time.perf_counter()
    with transaction.atomic():
        if Organization.objects.filter(slug=slug).exists():
            if not replace:
                raise ValidationError(
                    {
                        "org": f"An organization “{slug}” exists already; pass --replace to rebuild it."
                    }
                )
            synthetic_org_delete(slug=slug)
            result_step = time.perf_counter()
            timings = {"deleting the old organization": result_step - started}
        else:
            result_step, timings = started, {}
        result = _build(size=size, slug=slug, seed=seed)
        result.timings = timings | {"people and units": time.perf_counter() - result_step}
        for extension in list(SYNTHETIC_EXTENSIONS):
            step = time.perf_counter()
            extension(result)
            name = f"{extension.__module__}.{getattr(extension, '__qualname__', extension)}"
            result.timings[name] = time.perf_counter() - step
    result.seconds = time.perf_counter() - started
    return result


def _build(*, size: str, slug: str, seed: int) -> SyntheticOrg:
    rng = random.Random(seed)
    n_people, n_units = SIZES[size]
    org = organization_create(name=f"Synthetic {size} ({n_people:,} people)", slug=slug)
    now = timezone.now()
    domain = f"{slug}.example"

    # Units, level by level, so each level knows its parents' primary keys.
    levels: list[list[Unit]] = []
    counter = 0
    for depth, count in enumerate(_levels(n_units)):
        batch: list[Unit] = []
        for i in range(count):
            counter += 1
            parent = levels[depth - 1][i % len(levels[depth - 1])] if depth else None
            if depth == 0:
                name = f"{org.name.split(' (')[0]} Headquarters"
            elif depth == 1:
                name = f"{DIVISIONS[i % len(DIVISIONS)]} Division {i + 1}"
            elif depth == 2:
                name = f"{rng.choice(AREAS)} Department {counter}"
            else:
                name = f"{rng.choice(AREAS)} Team {counter}"
            batch.append(Unit(org=org, name=name, parent=parent, created_at=now))
        levels.append(Unit.objects.bulk_create(batch, batch_size=BATCH))
    all_units = [u for level in levels for u in level]
    depth_of = {u.pk: d for d, level in enumerate(levels) for u in level}

    # Members go mostly to teams; a few units are much bigger than the rest.
    weights = [
        (rng.uniform(0.5, 2.0) if depth_of[u.pk] == len(levels) - 1 else 0.3) for u in all_units
    ]
    for u in rng.sample(range(len(all_units)), k=max(1, len(all_units) // 50)):
        weights[u] *= 5
    member_units = rng.choices(all_units, weights=weights, k=n_people - len(all_units))

    names = [f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(n_people)]
    emails = [email_for(name, domain).replace("@", f".{i + 1}@") for i, name in enumerate(names)]
    password_hash = make_password(SYNTHETIC_PASSWORD)
    # Logins kept from an earlier build (they belonged to another organization too).
    kept = {u.email: u for u in User.objects.filter(email__endswith=f"@{domain}")}
    created = iter(
        User.objects.bulk_create(
            [
                User(email=email, name=name, password=password_hash, date_joined=now)
                for email, name in zip(emails, names, strict=True)
                if email not in kept
            ],
            batch_size=BATCH,
        )
    )
    users = [kept[email] if email in kept else next(created) for email in emails]

    def person(index: int, unit: Unit, manager_id: int | None, title: str) -> Person:
        joined = now - dt.timedelta(days=rng.randrange(0, 6 * 365))
        return Person(
            org=org,
            user=users[index],
            name=names[index],
            search_name=fold(names[index]),
            email=emails[index],
            employee_id=f"E{index + 1:06d}",
            title=title,
            manager_id=manager_id,
            unit=unit,
            role=Role.MEMBER,
            created_at=joined,
            updated_at=joined,
        )

    # Leads level by level (each reports to the parent unit's lead), then everyone else.
    lead_of: dict[int, Person] = {}
    index = 0
    for depth, level in enumerate(levels):
        batch_people = []
        for unit in level:
            boss = lead_of[unit.parent_id].pk if unit.parent_id is not None else None
            batch_people.append(person(index, unit, boss, LEAD_TITLES[min(depth, 3)]))
            index += 1
        for p in Person.objects.bulk_create(batch_people, batch_size=BATCH):
            assert p.unit_id is not None
            lead_of[p.unit_id] = p
    members = []
    for unit in member_units:
        members.append(person(index, unit, lead_of[unit.pk].pk, rng.choice(MEMBER_TITLES)))
        index += 1
    members = Person.objects.bulk_create(members, batch_size=BATCH)
    Unit.leads.through.objects.bulk_create(
        [Unit.leads.through(unit_id=uid, person_id=p.pk) for uid, p in lead_of.items()],
        batch_size=BATCH,
    )

    # A few admins and facilitators among the members, as in a real organization.
    n_admins = max(2, n_people // 2_000)
    n_facilitators = max(1, n_people // 1_000)
    chosen = rng.sample(members, k=n_admins + n_facilitators)
    admins, facilitators = chosen[:n_admins], chosen[n_admins:]
    Person.objects.filter(pk__in=[p.pk for p in admins]).update(role=Role.ADMIN)
    Person.objects.filter(pk__in=[p.pk for p in facilitators]).update(role=Role.FACILITATOR)
    special = {p.pk for p in chosen}

    sizes: dict[int, int] = {}
    for unit in member_units:
        sizes[unit.pk] = sizes.get(unit.pk, 0) + 1
    big_unit_id = max(sizes, key=lambda pk: (sizes[pk], -pk))
    member = next(p for p in members if p.unit_id == big_unit_id and p.pk not in special)
    manager = lead_of[levels[min(2, len(levels) - 1)][0].pk]
    top = lead_of[levels[0][0].pk]

    audit_record(
        org=org,
        actor=None,
        action="organization.seed",
        obj=org,
        after={"size": size, "seed": seed, "people": n_people, "units": n_units},
    )
    return SyntheticOrg(
        org=org,
        size=size,
        seed=seed,
        people=n_people,
        units=n_units,
        top_id=top.pk,
        admin_id=admins[0].pk,
        facilitator_id=facilitators[0].pk,
        manager_id=manager.pk,
        member_id=member.pk,
        big_unit_id=big_unit_id,
        search_term=member.name.split()[-1],
        logins={
            "admin": admins[0].email,
            "facilitator": facilitators[0].email,
            "manager": manager.email,
            "member": member.email,
        },
        password=SYNTHETIC_PASSWORD,
    )
