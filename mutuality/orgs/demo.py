"""The demo organizations behind `mutuality demo`: Northwind Cooperative and Harbor Clinic.

Northwind has 120 people in 12 units, reporting lines that follow the units (a unit's lead
manages its members and reports to the parent unit's lead), one admin, one facilitator,
managers and members. Harbor Clinic is small; Northwind's admin is also a member there, so
the organization switcher has something to switch to.

Everything is deterministic: names are drawn from fixed lists with `random.Random(seed)`.
Seeding is idempotent: an organization whose slug exists is left alone.

Capabilities add their own demo activity (agreements, commitments, surveys…) by calling
`register_demo_extension(func)` from their AppConfig.ready(); each `func(org)` runs once,
right after Northwind is created, inside the same transaction, and can find the four
people the login table names with `demo_cast(org)`.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from mutuality.orgs.models import Organization, Person, Role, Unit
from mutuality.orgs.services import organization_create, person_create, unit_create, unit_update

# The login model (accounts.User), named through Django so orgs does not import accounts.
User = get_user_model()

DEMO_SLUG = "northwind"
DEMO_NAME = "Northwind Cooperative"
DEMO_DOMAIN = "northwind.example"
SECOND_SLUG = "harbor-clinic"
SECOND_NAME = "Harbor Clinic"
SECOND_DOMAIN = "harbor-clinic.example"
# One password for every demo login; printed by `mutuality demo`. Never use it for real.
DEMO_PASSWORD = "northwind-demo"  # noqa: S105 - published demo credential
DEMO_SEED = 2024

DemoExtension = Callable[[Organization], None]
DEMO_EXTENSIONS: list[DemoExtension] = []


def register_demo_extension(func: DemoExtension) -> DemoExtension:
    """Run `func(org)` after Northwind is freshly seeded (usable as a decorator)."""
    if func not in DEMO_EXTENSIONS:
        DEMO_EXTENSIONS.append(func)
    return func


# --- the plan ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitPlan:
    key: str
    name: str
    parent: str | None
    description: str
    lead_title: str
    member_titles: tuple[str, ...]
    # Everyone in the unit, its lead included.
    size: int


UNITS: tuple[UnitPlan, ...] = (
    UnitPlan(
        "exec",
        "Executive Team",
        None,
        "Sets direction with the whole cooperative and answers to its members.",
        "Chief Executive Officer",
        ("Chief of Staff", "Executive Assistant"),
        3,
    ),
    UnitPlan(
        "ops",
        "Operations",
        "exec",
        "Keeps orders moving from the warehouse to the customer's door.",
        "Chief Operating Officer",
        ("Operations Analyst", "Business Process Analyst"),
        3,
    ),
    UnitPlan(
        "support",
        "Customer Support",
        "ops",
        "Answers customers by phone, chat and email, and brings their problems inside.",
        "Head of Customer Support",
        ("Support Quality Lead", "Knowledge Base Editor"),
        3,
    ),
    UnitPlan(
        "support-north",
        "Support Team North",
        "support",
        "Front-line support for the northern region, 7am to 7pm.",
        "Support Team Lead",
        ("Customer Support Specialist", "Senior Support Specialist", "Billing Support Specialist"),
        16,
    ),
    UnitPlan(
        "support-south",
        "Support Team South",
        "support",
        "Front-line support for the southern region and weekend cover.",
        "Support Team Lead",
        ("Customer Support Specialist", "Senior Support Specialist", "Returns Specialist"),
        15,
    ),
    UnitPlan(
        "logistics",
        "Logistics",
        "ops",
        "Warehouse, dispatch and the delivery fleet.",
        "Logistics Manager",
        ("Warehouse Coordinator", "Dispatch Planner", "Inventory Specialist", "Fleet Coordinator"),
        13,
    ),
    UnitPlan(
        "eng",
        "Engineering",
        "exec",
        "Builds and runs the systems the cooperative works with.",
        "Chief Technology Officer",
        ("Engineering Program Manager", "Staff Engineer"),
        3,
    ),
    UnitPlan(
        "platform",
        "Platform Team",
        "eng",
        "Infrastructure, security and the internal tools everyone depends on.",
        "Engineering Manager, Platform",
        (
            "Software Engineer",
            "Senior Software Engineer",
            "Site Reliability Engineer",
            "Security Engineer",
        ),
        13,
    ),
    UnitPlan(
        "product",
        "Product Team",
        "eng",
        "The online shop and the member portal.",
        "Engineering Manager, Product",
        (
            "Software Engineer",
            "Senior Software Engineer",
            "Product Designer",
            "Product Manager",
            "QA Engineer",
        ),
        14,
    ),
    UnitPlan(
        "finance",
        "Finance",
        "exec",
        "Books, payroll, budgets and the annual member dividend.",
        "Chief Financial Officer",
        ("Accountant", "Financial Analyst", "Payroll Specialist", "Accounts Payable Clerk"),
        9,
    ),
    UnitPlan(
        "people",
        "People & Culture",
        "exec",
        "Hiring, learning, well-being and how we work together.",
        "Chief People Officer",
        ("Recruiter", "People Partner", "Learning & Development Specialist"),
        7,
    ),
    UnitPlan(
        "sales",
        "Sales & Partnerships",
        "exec",
        "Wholesale customers, partner producers and member growth.",
        "Head of Sales & Partnerships",
        (
            "Account Executive",
            "Partnership Manager",
            "Sales Development Representative",
            "Customer Success Manager",
        ),
        21,
    ),
)


@dataclass(frozen=True)
class CastMember:
    """A person the login table names: fixed, so the README can name them too."""

    kind: str
    name: str
    title: str
    unit: str
    role: str
    is_lead: bool = False


CAST: tuple[CastMember, ...] = (
    CastMember("admin", "Amara Okafor", "People Operations Manager", "people", Role.ADMIN),
    CastMember("facilitator", "Tomás Herrera", "Organizational Coach", "people", Role.FACILITATOR),
    CastMember(
        "manager", "Priya Raman", "Support Team Lead", "support-north", Role.MEMBER, is_lead=True
    ),
    CastMember(
        "member", "Jonas Lindqvist", "Customer Support Specialist", "support-north", Role.MEMBER
    ),
)

FIRST_NAMES = (
    "Aaliyah", "Abdul", "Adaeze", "Aiko", "Alejandro", "Amir", "Ana", "Andrei", "Anjali",
    "Aroha", "Beatriz", "Bilal", "Camille", "Chen", "Chiara", "Chidi", "Dalia", "Daniel",
    "Deepa", "Diego", "Dmitri", "Efua", "Elena", "Emeka", "Emma", "Farah", "Fatima", "Femi",
    "Freya", "Gabriel", "Grace", "Hana", "Hassan", "Ingrid", "Isabel", "Ivan", "Jamal",
    "Javier", "Jin", "Joanna", "Kai", "Kavya", "Keanu", "Kenji", "Kofi", "Lars", "Layla",
    "Leila", "Liam", "Lucía", "Maya", "Mei", "Mohammed", "Nadia", "Naledi", "Nikhil", "Nina",
    "Noor", "Oliver", "Olga", "Omar", "Paulo", "Rafael", "Rania", "Ravi", "Rosa", "Ruth",
    "Samuel", "Santiago", "Sara", "Sipho", "Sofia", "Soo-ah", "Sunita", "Tariq", "Thandiwe",
    "Theo", "Valentina", "Wei", "Yara", "Yusuf", "Zainab", "Zoe", "Marcus", "Hélène",
    "Björn", "Ngozi", "Mateo", "Ayesha", "Kwame",
)  # fmt: skip

LAST_NAMES = (
    "Abebe", "Adeyemi", "Ahmed", "Alvarez", "Andersen", "Bakker", "Banerjee", "Becker",
    "Bianchi", "Boateng", "Castillo", "Chatterjee", "Chen", "Cohen", "Costa", "Dang",
    "Delgado", "Dubois", "Eriksen", "Fernandes", "Fischer", "Garcia", "Gomez", "Gupta",
    "Haddad", "Hansen", "Hoffmann", "Ibrahim", "Ito", "Iyer", "Jansen", "Jovanovic", "Kaur",
    "Khan", "Kim", "Kowalski", "Kruger", "Larsen", "Lee", "Lopes", "Mahlangu", "Martin",
    "Mbeki", "Mendoza", "Molina", "Moreau", "Murphy", "Nakamura", "Nguyen", "Novak",
    "Nowak", "Obi", "O'Brien", "Oliveira", "Osei", "Park", "Patel", "Petrov", "Popescu",
    "Quispe", "Rahman", "Ramos", "Rossi", "Sato", "Schmidt", "Silva", "Singh", "Sokolova",
    "Suzuki", "Tanaka", "Taylor", "Tran", "Usman", "Van Dijk", "Vargas", "Wang", "Williams",
    "Wójcik", "Yamamoto", "Yilmaz", "Zhang", "Zulu", "Mensah", "Walker", "Lindgren",
    "Achterberg", "Moyo", "Reyes", "Svensson", "Bajwa",
)  # fmt: skip


@dataclass(frozen=True)
class PersonPlan:
    name: str
    email: str
    employee_id: str
    title: str
    unit: str
    role: str
    is_lead: bool
    kind: str = ""


def email_for(name: str, domain: str) -> str:
    """first.last@domain, accents and punctuation dropped (Tomás O'Brien → tomas.obrien)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    parts = ["".join(ch for ch in part if ch.isalnum()) for part in ascii_name.lower().split()]
    first, last = parts[0], "".join(parts[1:])
    return f"{first}.{last}@{domain}"


def demo_plan(*, seed: int = DEMO_SEED) -> list[PersonPlan]:
    """Everyone in Northwind, unit by unit (each unit's lead first). Pure and deterministic."""
    rng = random.Random(seed)
    taken = {c.name for c in CAST}
    cast_by_unit: dict[str, list[CastMember]] = {}
    for c in CAST:
        cast_by_unit.setdefault(c.unit, []).append(c)

    taken_emails = {email_for(name, DEMO_DOMAIN) for name in taken}

    def fresh_name() -> str:
        while True:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            name, email = f"{first} {last}", email_for(f"{first} {last}", DEMO_DOMAIN)
            if first != last and name not in taken and email not in taken_emails:
                taken.add(name)
                taken_emails.add(email)
                return name

    plan: list[PersonPlan] = []
    for unit in UNITS:
        cast = cast_by_unit.get(unit.key, [])
        lead = next((c for c in cast if c.is_lead), None)
        slots: list[tuple[str, str, str, bool, str]] = [
            (lead.name, lead.title, lead.role, True, lead.kind)
            if lead is not None
            else (fresh_name(), unit.lead_title, Role.MEMBER, True, "")
        ]
        slots += [(c.name, c.title, c.role, False, c.kind) for c in cast if not c.is_lead]
        titles = unit.member_titles
        for k in range(unit.size - len(slots)):
            # Every title once, then mostly the unit's first (front-line) title.
            if k < len(titles):
                title = titles[k]
            else:
                title = titles[0] if rng.random() < 0.5 else rng.choice(titles)
            slots.append((fresh_name(), title, Role.MEMBER, False, ""))
        for name, title, role, is_lead, kind in slots:
            plan.append(
                PersonPlan(
                    name=name,
                    email=email_for(name, DEMO_DOMAIN),
                    employee_id=f"NW-{len(plan) + 1:04d}",
                    title=title,
                    unit=unit.key,
                    role=role,
                    is_lead=is_lead,
                    kind=kind,
                )
            )
    return plan


# --- seeding ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    kind: str
    name: str
    email: str
    title: str
    org_name: str


@dataclass(frozen=True)
class DemoResult:
    org: Organization
    created: bool
    logins: list[DemoLogin]
    password: str


@dataclass(frozen=True)
class DemoCast:
    admin: Person
    facilitator: Person
    manager: Person
    member: Person


def demo_cast(org: Organization) -> DemoCast:
    """The four people the login table names, in a seeded demo organization."""
    emails = {c.kind: email_for(c.name, DEMO_DOMAIN) for c in CAST}
    people = {p.email: p for p in Person.objects.filter(org=org, email__in=emails.values())}
    return DemoCast(**{kind: people[email] for kind, email in emails.items()})


def _users_for(people: list[tuple[str, str]], password_hash: str) -> dict[str, Any]:
    """A login for each (email, name), reusing any account that already has the email."""
    emails = [email for email, _ in people]
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    new = [
        User(email=email, name=name, password=password_hash)
        for email, name in people
        if email not in users
    ]
    for user in User.objects.bulk_create(new):
        users[user.email] = user
    return users


def _seed_northwind(*, seed: int, password_hash: str) -> Organization:
    org = organization_create(name=DEMO_NAME, slug=DEMO_SLUG)
    plan = demo_plan(seed=seed)
    users = _users_for([(p.email, p.name) for p in plan], password_hash)
    by_key = {u.key: u for u in UNITS}
    units: dict[str, Unit] = {}
    leads: dict[str, Person] = {}
    for spec in UNITS:
        units[spec.key] = unit_create(
            org=org,
            actor=None,
            name=spec.name,
            description=spec.description,
            parent=units[spec.parent] if spec.parent else None,
        )
    # The plan lists each unit's lead before its members, and parent units before children.
    for p in plan:
        # A lead reports to the parent unit's lead (the root's to nobody); members to their lead.
        parent_key = by_key[p.unit].parent
        boss_unit = parent_key if p.is_lead else p.unit
        manager = leads[boss_unit] if boss_unit else None
        person = person_create(
            org=org,
            actor=None,
            name=p.name,
            email=p.email,
            employee_id=p.employee_id,
            title=p.title,
            manager=manager,
            unit=units[p.unit],
            role=p.role,
            user=users[p.email],
        )
        if p.is_lead:
            leads[p.unit] = person
    for key, unit in units.items():
        unit_update(unit=unit, actor=None, leads=[leads[key]])
    return org


HARBOR_PEOPLE = (
    # name, title, unit, role, manager index (into this tuple)
    ("Marisol Ortega", "Clinic Director", "Harbor Clinic", Role.MEMBER, None),
    ("Kwabena Asante", "Practice Administrator", "Harbor Clinic", Role.ADMIN, 0),
    ("Eilidh MacLeod", "Nurse Manager", "Nursing", Role.MEMBER, 0),
    ("Rahul Menon", "Registered Nurse", "Nursing", Role.MEMBER, 2),
    ("Sun-hee Cho", "Registered Nurse", "Nursing", Role.MEMBER, 2),
    ("Gustavo Pereira", "Front Desk Lead", "Front Desk", Role.MEMBER, 0),
    ("Hannah Weiss", "Patient Coordinator", "Front Desk", Role.MEMBER, 5),
)


def _seed_harbor(*, password_hash: str) -> Organization:
    org = organization_create(name=SECOND_NAME, slug=SECOND_SLUG)
    root = unit_create(org=org, actor=None, name="Harbor Clinic", description="A community clinic.")
    units = {
        "Harbor Clinic": root,
        "Nursing": unit_create(org=org, actor=None, name="Nursing", parent=root),
        "Front Desk": unit_create(org=org, actor=None, name="Front Desk", parent=root),
    }
    users = _users_for([(email_for(n, SECOND_DOMAIN), n) for n, *_ in HARBOR_PEOPLE], password_hash)
    people: list[Person] = []
    for name, title, unit_name, role, manager_index in HARBOR_PEOPLE:
        email = email_for(name, SECOND_DOMAIN)
        people.append(
            person_create(
                org=org,
                actor=None,
                name=name,
                email=email,
                title=title,
                unit=units[unit_name],
                role=role,
                manager=people[manager_index] if manager_index is not None else None,
                user=users[email],
            )
        )
    for unit_name, lead_index in (("Harbor Clinic", 0), ("Nursing", 2), ("Front Desk", 5)):
        unit_update(unit=units[unit_name], actor=None, leads=[people[lead_index]])
    # Northwind's admin volunteers on the clinic's board: one login, two organizations.
    admin = next(c for c in CAST if c.kind == "admin")
    admin_user = User.objects.filter(email=email_for(admin.name, DEMO_DOMAIN)).first()
    if admin_user is not None:
        person_create(
            org=org,
            actor=None,
            name=admin.name,
            email=admin_user.email,
            title="Board volunteer",
            unit=root,
            manager=people[0],
            user=admin_user,
        )
    return org


def demo_seed(*, seed: int = DEMO_SEED) -> DemoResult:
    """Create the demo organizations unless they exist; return who can log in.

    Rules: an organization whose slug exists is left untouched (no failure, no duplicates);
    each organization is created in one transaction, so an interrupted run leaves nothing
    half-made; extensions run only for a freshly created Northwind.
    """
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: Argon2 is slow on purpose
    created = False
    with transaction.atomic():
        org = Organization.objects.filter(slug=DEMO_SLUG).first()
        if org is None:
            org = _seed_northwind(seed=seed, password_hash=password_hash)
            for extension in list(DEMO_EXTENSIONS):
                extension(org)
            created = True
    with transaction.atomic():
        if not Organization.objects.filter(slug=SECOND_SLUG).exists():
            _seed_harbor(password_hash=password_hash)

    cast = demo_cast(org)
    logins = [
        DemoLogin(
            kind=kind,
            name=person.name,
            email=person.email,
            title=person.title,
            org_name=org.name,
        )
        for kind, person in (
            ("admin", cast.admin),
            ("facilitator", cast.facilitator),
            ("manager", cast.manager),
            ("member", cast.member),
        )
    ]
    return DemoResult(org=org, created=created, logins=logins, password=DEMO_PASSWORD)
