from __future__ import annotations

from typing import Any

import pytest

from mutuality.core.models import AuditEvent
from mutuality.orgs import demo
from mutuality.orgs.demo import (
    DEMO_PASSWORD,
    DEMO_SLUG,
    SECOND_SLUG,
    demo_cast,
    demo_plan,
    demo_seed,
)
from mutuality.orgs.models import Organization, Person, Role, Unit

pytestmark = pytest.mark.django_db


def _northwind() -> Organization:
    return Organization.objects.get(slug=DEMO_SLUG)


def test_it_plans_the_same_people_for_the_same_seed() -> None:
    assert demo_plan(seed=7) == demo_plan(seed=7)
    assert [p.name for p in demo_plan(seed=7)] != [p.name for p in demo_plan(seed=8)]


def test_it_seeds_the_planned_names_titles_and_emails() -> None:
    demo_seed()
    planned = {(p.name, p.email, p.title) for p in demo_plan()}
    seeded = set(Person.objects.filter(org=_northwind()).values_list("name", "email", "title"))
    assert seeded == planned


def test_it_adds_nothing_when_run_again() -> None:
    first = demo_seed()
    counts = (Person.objects.count(), Unit.objects.count(), AuditEvent.objects.count())
    second = demo_seed()
    assert first.created is True
    assert second.created is False
    assert (Person.objects.count(), Unit.objects.count(), AuditEvent.objects.count()) == counts
    assert second.logins == first.logins


def test_it_builds_about_120_people_in_10_to_15_units() -> None:
    demo_seed()
    org = _northwind()
    assert 110 <= Person.objects.filter(org=org).count() <= 130
    assert 10 <= Unit.objects.filter(org=org).count() <= 15
    assert Unit.objects.filter(org=org, parent=None).count() == 1


def test_it_has_one_admin_one_facilitator_managers_and_members() -> None:
    result = demo_seed()
    org = result.org
    people = Person.objects.filter(org=org)
    assert people.filter(role=Role.ADMIN).count() == 1
    assert people.filter(role=Role.FACILITATOR).count() == 1
    managers = people.filter(reports__isnull=False).distinct()
    assert managers.count() >= 10
    cast = demo_cast(org)
    assert cast.admin.role == Role.ADMIN
    assert cast.facilitator.role == Role.FACILITATOR
    assert cast.member.role == Role.MEMBER
    assert cast.member.manager == cast.manager
    assert cast.manager.reports.count() >= 5
    assert [login.kind for login in result.logins] == ["admin", "facilitator", "manager", "member"]


def test_everyone_can_log_in_with_the_demo_password() -> None:
    demo_seed()
    people = Person.objects.filter(org=_northwind()).select_related("user")
    assert all(p.user is not None and p.user.email == p.email for p in people)
    amara = demo_cast(_northwind()).admin
    assert amara.user is not None
    assert amara.user.check_password(DEMO_PASSWORD)
    assert not amara.user.check_password("wrong password")


def test_reporting_lines_have_one_top_person_and_no_cycles() -> None:
    demo_seed()
    people = {p.pk: p for p in Person.objects.filter(org=_northwind())}
    tops = [p for p in people.values() if p.manager_id is None]
    assert len(tops) == 1
    for person in people.values():
        seen: set[int] = set()
        node: Person | None = person
        while node is not None:
            assert node.pk not in seen, f"cycle through {person.name}"
            seen.add(node.pk)
            node = people[node.manager_id] if node.manager_id is not None else None
        assert tops[0].pk in seen


def test_unit_leads_manage_their_members_and_report_to_the_parent_lead() -> None:
    demo_seed()
    for unit in Unit.objects.filter(org=_northwind()).prefetch_related("leads"):
        leads = list(unit.leads.all())
        assert len(leads) == 1, unit.name
        lead = leads[0]
        assert lead.unit_id == unit.pk
        members = Person.objects.filter(unit=unit).exclude(pk=lead.pk)
        assert all(m.manager_id == lead.pk for m in members), unit.name
        if unit.parent is not None:
            assert lead.manager in unit.parent.leads.all(), unit.name


def test_the_admin_is_also_a_member_of_the_second_organization() -> None:
    demo_seed()
    admin = demo_cast(_northwind()).admin
    harbor = Organization.objects.get(slug=SECOND_SLUG)
    there = Person.objects.get(org=harbor, user=admin.user)
    assert there.role == Role.MEMBER
    assert Person.objects.filter(org=harbor).count() >= 5


def test_seeding_writes_audit_events() -> None:
    demo_seed()
    org = _northwind()
    assert AuditEvent.objects.filter(org=org, action="person.create").count() == 120
    assert AuditEvent.objects.filter(org=org, action="organization.create").count() == 1


def test_extensions_run_once_for_a_fresh_org(monkeypatch: Any) -> None:
    calls: list[str] = []
    monkeypatch.setattr(demo, "DEMO_EXTENSIONS", [])
    registered = demo.register_demo_extension(lambda org: calls.append(org.slug))
    demo.register_demo_extension(registered)  # registering twice runs it once
    demo_seed()
    demo_seed()
    assert calls == [DEMO_SLUG]


def test_a_failing_extension_leaves_no_half_made_org(monkeypatch: Any) -> None:
    def broken(org: Organization) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(demo, "DEMO_EXTENSIONS", [broken])
    with pytest.raises(RuntimeError):
        demo_seed()
    assert not Organization.objects.filter(slug=DEMO_SLUG).exists()
    assert not Person.objects.filter(email__endswith="@northwind.example").exists()
