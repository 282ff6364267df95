from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from mutuality.accounts.models import User
from mutuality.core.models import AuditEvent
from mutuality.orgs import synthetic
from mutuality.orgs.models import Organization, Person, Role, Unit
from mutuality.orgs.synthetic import SYNTHETIC_PASSWORD, synthetic_org_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _base_org_only(monkeypatch: Any) -> None:
    # These tests are about the people and units; other apps' activity has its own tests.
    monkeypatch.setattr(synthetic, "SYNTHETIC_EXTENSIONS", [])


def test_it_builds_200_people_in_20_units_for_size_s() -> None:
    result = synthetic_org_create(size="S")
    assert result.org.slug == "synthetic-s"
    assert Person.objects.filter(org=result.org).count() == 200
    assert Unit.objects.filter(org=result.org).count() == 20
    assert User.objects.filter(people__org=result.org).count() == 200


def test_units_form_a_four_level_tree_with_one_root() -> None:
    result = synthetic_org_create(size="S")
    units = {u.pk: u for u in Unit.objects.filter(org=result.org)}
    roots = [u for u in units.values() if u.parent_id is None]
    assert len(roots) == 1

    def depth(unit: Unit) -> int:
        d = 0
        while unit.parent_id is not None:
            unit = units[unit.parent_id]
            d += 1
        return d

    assert Counter(depth(u) for u in units.values()) == {0: 1, 1: 3, 2: 9, 3: 7}


def test_every_unit_has_one_lead_who_manages_its_members() -> None:
    result = synthetic_org_create(size="S")
    units = Unit.objects.filter(org=result.org).prefetch_related("leads", "members")
    for unit in units:
        leads = list(unit.leads.all())
        assert len(leads) == 1
        lead = leads[0]
        assert lead.unit_id == unit.pk
        assert all(m.manager_id == lead.pk for m in unit.members.all() if m.pk != lead.pk)
        if unit.parent is not None:
            assert lead.manager_id == unit.parent.leads.get().pk
        else:
            assert lead.manager_id is None


def test_reporting_lines_have_one_top_and_no_cycles() -> None:
    result = synthetic_org_create(size="S")
    managers = dict(Person.objects.filter(org=result.org).values_list("pk", "manager_id"))
    assert [pk for pk, boss in managers.items() if boss is None] == [result.top_id]
    for pk in managers:
        seen = set()
        node: int | None = pk
        while node is not None:
            assert node not in seen
            seen.add(node)
            node = managers[node]
        assert result.top_id in seen


def test_it_names_logins_for_each_kind_of_person() -> None:
    result = synthetic_org_create(size="S")
    admin = Person.objects.select_related("user").get(pk=result.admin_id)
    member = Person.objects.get(pk=result.member_id)
    assert admin.role == Role.ADMIN
    assert Person.objects.get(pk=result.facilitator_id).role == Role.FACILITATOR
    assert member.role == Role.MEMBER
    assert member.unit_id == result.big_unit_id
    assert Person.objects.filter(manager_id=result.manager_id).count() >= 3
    assert admin.user is not None and admin.user.check_password(SYNTHETIC_PASSWORD)
    assert set(result.logins) == {"admin", "facilitator", "manager", "member"}


def test_the_same_seed_builds_the_same_people() -> None:
    first = synthetic_org_create(size="S", slug="one", seed=3)
    second = synthetic_org_create(size="S", slug="two", seed=3)
    other = synthetic_org_create(size="S", slug="three", seed=4)

    def shape(org: Organization) -> list[tuple[str, str, str]]:
        return list(
            Person.objects.filter(org=org)
            .order_by("employee_id")
            .values_list("name", "title", "unit__name")
        )

    assert shape(first.org) == shape(second.org)
    assert shape(first.org) != shape(other.org)


def test_it_refuses_an_existing_slug_unless_asked_to_replace() -> None:
    first = synthetic_org_create(size="S")
    with pytest.raises(ValidationError) as error:
        synthetic_org_create(size="S")
    assert "--replace" in str(error.value)
    assert Person.objects.filter(org=first.org).count() == 200

    again = synthetic_org_create(size="S", replace=True)
    assert Organization.objects.filter(slug="synthetic-s").count() == 1
    assert Person.objects.filter(org=again.org).count() == 200
    assert User.objects.filter(email__endswith="@synthetic-s.example").count() == 200


def test_replacing_keeps_logins_that_belong_to_other_organizations_too(personas: object) -> None:
    first = synthetic_org_create(size="S")
    shared = Person.objects.select_related("user").get(pk=first.member_id)
    acme = Organization.objects.get(slug="acme")
    Person.objects.create(org=acme, name=shared.name, user=shared.user)
    synthetic_org_create(size="S", replace=True)
    assert User.objects.filter(pk=shared.user_id).exists()


def test_it_refuses_an_unknown_size_or_a_bad_slug() -> None:
    with pytest.raises(ValidationError) as error:
        synthetic_org_create(size="XL")
    assert "size" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        synthetic_org_create(size="S", slug="Not A Slug")
    assert "org" in error.value.message_dict


def test_replacing_refuses_when_another_organization_points_into_it(personas: Any) -> None:
    first = synthetic_org_create(size="S")
    # Tenants never reference each other; if data ever did, deleting must not dangle it.
    Person.objects.filter(pk=personas.member.pk).update(manager_id=first.top_id)
    with pytest.raises(IntegrityError):
        synthetic_org_create(size="S", replace=True)
    assert Person.objects.filter(org=first.org).count() == 200


def test_replacing_removes_every_row_of_the_old_org(personas: Any) -> None:
    first = synthetic_org_create(size="S")
    acme_events = AuditEvent.objects.filter(org=personas.org).count()
    acme_people = Person.objects.filter(org=personas.org).count()
    synthetic_org_create(size="S", replace=True)
    assert not Organization.objects.filter(pk=first.org.pk).exists()
    assert not Person.objects.filter(org_id=first.org.pk).exists()
    assert not Unit.objects.filter(org_id=first.org.pk).exists()
    assert not AuditEvent.objects.filter(org_id=first.org.pk).exists()
    assert not Unit.leads.through.objects.filter(unit__org_id=first.org.pk).exists()
    assert AuditEvent.objects.filter(org=personas.org).count() == acme_events
    assert Person.objects.filter(org=personas.org).count() == acme_people


def test_extensions_get_the_built_org_and_can_record_ids(monkeypatch: Any) -> None:
    seen: list[int] = []

    def extension(seeded: synthetic.SyntheticOrg) -> None:
        seen.append(Person.objects.filter(org=seeded.org).count())
        seeded.extra["thing_id"] = 42

    monkeypatch.setattr(synthetic, "SYNTHETIC_EXTENSIONS", [])
    synthetic.register_synthetic_extension(extension)
    synthetic.register_synthetic_extension(extension)
    result = synthetic_org_create(size="S")
    assert seen == [200]
    assert result.extra == {"thing_id": 42}
    assert "people and units" in result.timings
    assert any(step.endswith("extension") for step in result.timings)


def test_a_failed_rebuild_keeps_the_old_org(monkeypatch: Any) -> None:
    first = synthetic_org_create(size="S")

    def broken(seeded: synthetic.SyntheticOrg) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(synthetic, "SYNTHETIC_EXTENSIONS", [broken])
    with pytest.raises(RuntimeError):
        synthetic_org_create(size="S", replace=True)
    assert Organization.objects.get(slug="synthetic-s").pk == first.org.pk
    assert Person.objects.filter(org=first.org).count() == 200
