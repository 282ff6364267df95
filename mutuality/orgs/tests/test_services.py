from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mutuality.core.models import AuditEvent
from mutuality.orgs.models import Person, Role, Unit
from mutuality.orgs.services import (
    organization_create,
    person_create,
    person_deactivate,
    person_reactivate,
    person_update,
    unit_create,
    unit_deactivate,
    unit_update,
)
from mutuality.testing import Personas, api_token_for


def errors_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def events(action: str, obj: Person | Unit) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_id=str(obj.pk)))


# --- organizations -----------------------------------------------------------------------------


def test_it_creates_an_organization_with_a_slug_from_its_name(db: object) -> None:
    org = organization_create(name="  Blue Sky Co-op ")
    assert (org.name, org.slug) == ("Blue Sky Co-op", "blue-sky-co-op")
    assert events("organization.create", org)  # type: ignore[arg-type]


def test_it_refuses_an_organization_without_a_name_or_with_a_taken_slug(db: object) -> None:
    with pytest.raises(ValidationError) as excinfo:
        organization_create(name="  ")
    assert "name" in errors_of(excinfo)
    organization_create(name="Acme")
    with pytest.raises(ValidationError) as excinfo:
        organization_create(name="ACME")
    assert "slug" in errors_of(excinfo)


# --- people ------------------------------------------------------------------------------------


def test_an_admin_adds_a_person_and_the_audit_log_says_who(personas: Personas) -> None:
    person = person_create(
        org=personas.org,
        actor=personas.admin,
        name="  Kim Lee ",
        email=" Kim@Acme.TEST ",
        title="Analyst",
        manager=personas.manager,
        unit=personas.unit,
    )
    assert (person.name, person.email, person.role) == ("Kim Lee", "kim@acme.test", Role.MEMBER)
    (event,) = events("person.create", person)
    assert event.actor == personas.admin.user
    assert event.after is not None and event.after["manager"] == personas.manager.pk


@pytest.mark.parametrize("who", ["manager", "member", "facilitator"])
def test_only_admins_add_people(personas: Personas, who: str) -> None:
    with pytest.raises(PermissionDenied):
        person_create(org=personas.org, actor=getattr(personas, who), name="Kim Lee")
    assert not Person.objects.filter(name="Kim Lee").exists()


def test_it_names_each_bad_field_of_a_new_person(personas: Personas) -> None:
    with pytest.raises(ValidationError) as excinfo:
        person_create(
            org=personas.org,
            actor=personas.admin,
            name=" ",
            manager=personas.outsider,
            unit=Unit.objects.create(org=personas.other_org, name="Elsewhere"),
        )
    assert set(errors_of(excinfo)) == {"name", "email", "manager", "unit"}


def test_a_new_person_needs_an_email_or_an_employee_id(personas: Personas) -> None:
    with pytest.raises(ValidationError) as excinfo:
        person_create(org=personas.org, actor=personas.admin, name="Kim Lee", email="  ")
    assert errors_of(excinfo) == {
        "email": ["Give an email or an employee id, so this person can be recognized."]
    }
    assert not Person.objects.filter(name="Kim Lee").exists()
    by_id = person_create(org=personas.org, actor=personas.admin, name="Kim Lee", employee_id="K1")
    assert (by_id.email, by_id.employee_id) == ("", "K1")


def test_an_update_cannot_clear_both_the_email_and_the_employee_id(personas: Personas) -> None:
    with pytest.raises(ValidationError) as excinfo:
        person_update(person=personas.member, actor=personas.admin, email="", employee_id="")
    assert "email" in errors_of(excinfo)
    person_update(person=personas.member, actor=personas.admin, email="", employee_id="M7")
    personas.member.refresh_from_db()
    assert (personas.member.email, personas.member.employee_id) == ("", "M7")


def test_it_refuses_a_duplicate_email_whatever_its_case_and_a_duplicate_employee_id(
    personas: Personas,
) -> None:
    person_create(org=personas.org, actor=personas.admin, name="Kim", employee_id="E1")
    with pytest.raises(ValidationError) as excinfo:
        person_create(
            org=personas.org,
            actor=personas.admin,
            name="Mia Again",
            email="MIA@acme.test",
            employee_id="E1",
        )
    assert set(errors_of(excinfo)) == {"email", "employee_id"}


def test_the_same_email_may_be_used_in_another_organization(personas: Personas) -> None:
    twin = person_create(org=personas.other_org, actor=None, name="Mia", email="mia@acme.test")
    assert twin.org == personas.other_org


def test_it_refuses_a_malformed_email_or_an_unknown_role(personas: Personas) -> None:
    with pytest.raises(ValidationError) as excinfo:
        person_create(
            org=personas.org, actor=personas.admin, name="Kim", email="not-an-email", role="boss"
        )
    assert set(errors_of(excinfo)) == {"email", "role"}


def test_an_update_is_audited_with_before_and_after(personas: Personas) -> None:
    person_update(person=personas.member, actor=personas.admin, title="Team lead")
    (event,) = events("person.update", personas.member)
    assert event.before is not None and event.before["title"] == "Support engineer"
    assert event.after is not None and event.after["title"] == "Team lead"


def test_an_update_that_changes_nothing_writes_no_event(personas: Personas) -> None:
    person_update(person=personas.member, actor=personas.admin, title="Support engineer")
    assert events("person.update", personas.member) == []


def test_it_refuses_a_reporting_cycle(personas: Personas) -> None:
    with pytest.raises(ValidationError) as excinfo:
        person_update(person=personas.admin, actor=personas.admin, manager=personas.member)
    assert "manager" in errors_of(excinfo)
    with pytest.raises(ValidationError):
        person_update(person=personas.member, actor=personas.admin, manager=personas.member)
    personas.admin.refresh_from_db()
    assert personas.admin.manager is None


def test_nobody_gets_an_inactive_manager(personas: Personas) -> None:
    person_deactivate(person=personas.member2, actor=personas.admin)
    refusal = "Noah Member is no longer active here: choose an active manager."
    with pytest.raises(ValidationError) as excinfo:
        person_create(
            org=personas.org,
            actor=personas.admin,
            name="Kim Lee",
            email="kim@acme.test",
            manager=personas.member2,
        )
    assert errors_of(excinfo) == {"manager": [refusal]}
    with pytest.raises(ValidationError) as excinfo:
        person_update(person=personas.member, actor=personas.admin, manager=personas.member2)
    assert errors_of(excinfo) == {"manager": [refusal]}
    assert Person.objects.get(pk=personas.member.pk).manager == personas.manager


def test_an_inactive_manager_already_recorded_may_stay(personas: Personas) -> None:
    # As recorded before deactivating someone moved their reports to another manager.
    Person.objects.filter(pk=personas.manager.pk).update(is_active=False)
    mia = Person.objects.get(pk=personas.member.pk)
    person_update(person=mia, actor=personas.admin, title="Team lead", manager=mia.manager)
    mia.refresh_from_db()
    assert (mia.title, mia.manager) == ("Team lead", personas.manager)


def test_admins_cannot_demote_or_deactivate_themselves(personas: Personas) -> None:
    with pytest.raises(ValidationError) as excinfo:
        person_update(person=personas.admin, actor=personas.admin, role=Role.MEMBER)
    assert "role" in errors_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        person_update(person=personas.admin, actor=personas.admin, is_active=False)
    assert "is_active" in errors_of(excinfo)
    with pytest.raises(ValidationError):
        person_deactivate(person=personas.admin, actor=personas.admin)
    personas.admin.refresh_from_db()
    assert personas.admin.is_active and personas.admin.is_admin


def test_an_update_refuses_fields_that_are_not_a_persons_details(personas: Personas) -> None:
    with pytest.raises(ValueError, match="user"):
        person_update(person=personas.member, actor=personas.admin, user=None)


def test_only_admins_change_people(personas: Personas) -> None:
    with pytest.raises(PermissionDenied):
        person_update(person=personas.member, actor=personas.manager, title="Boss")
    with pytest.raises(PermissionDenied):
        person_deactivate(person=personas.member, actor=personas.manager)
    with pytest.raises(PermissionDenied):
        person_reactivate(person=personas.member, actor=personas.member)


def test_deactivating_revokes_api_tokens_and_reactivating_restores_the_person(
    personas: Personas,
) -> None:
    api_token_for(personas.member)
    person_deactivate(person=personas.member, actor=personas.admin)
    personas.member.refresh_from_db()
    assert not personas.member.is_active
    assert not personas.member.api_tokens.filter(revoked_at__isnull=True).exists()
    person_deactivate(person=personas.member, actor=personas.admin)
    assert len(events("person.deactivate", personas.member)) == 1
    person_reactivate(person=personas.member, actor=personas.admin)
    assert Person.objects.get(pk=personas.member.pk).is_active
    assert len(events("person.reactivate", personas.member)) == 1


def test_deactivating_writes_an_audit_event_for_each_revoked_api_token(
    personas: Personas,
) -> None:
    api_token_for(personas.member, name="laptop")
    api_token_for(personas.member, name="phone")
    person_deactivate(person=personas.member, actor=personas.admin)
    revoked = AuditEvent.objects.filter(action="api_token.revoke").order_by("id")
    assert [e.object_label for e in revoked] == [
        "API token “laptop” of Mia Member",
        "API token “phone” of Mia Member",
    ]
    assert all(e.actor == personas.admin.user for e in revoked)


def test_deactivating_a_manager_moves_their_reports_to_their_own_manager(
    personas: Personas,
) -> None:
    person_deactivate(person=personas.member2, actor=personas.admin)
    person_deactivate(person=personas.manager, actor=personas.admin)
    mia, noah = (Person.objects.get(pk=p.pk) for p in (personas.member, personas.member2))
    assert mia.manager == personas.admin
    assert noah.manager == personas.manager  # already inactive: left as recorded
    (event,) = events("person.update", mia)
    assert event.actor == personas.admin.user
    assert event.before is not None and event.before["manager"] == personas.manager.pk
    assert event.after is not None and event.after["manager"] == personas.admin.pk


def test_the_reports_of_someone_with_no_manager_end_with_no_manager(personas: Personas) -> None:
    person_deactivate(person=personas.admin, actor=None)
    personas.manager.refresh_from_db()
    assert personas.manager.manager is None
    (event,) = events("person.update", personas.manager)
    assert event.after is not None and event.after["manager"] is None


def test_reports_skip_a_manager_above_who_has_left_too(personas: Personas) -> None:
    # As recorded before deactivating moved reports: Max's own manager (Ada, who reports to
    # Fay) is already inactive.
    person_update(person=personas.admin, actor=None, manager=personas.facilitator)
    Person.objects.filter(pk=personas.admin.pk).update(is_active=False)
    max_manager = Person.objects.get(pk=personas.manager.pk)
    person_deactivate(person=max_manager, actor=None)
    personas.member.refresh_from_db()
    assert personas.member.manager == personas.facilitator


# --- units -------------------------------------------------------------------------------------


def test_an_admin_adds_a_unit_with_leads(personas: Personas) -> None:
    unit = unit_create(
        org=personas.org,
        actor=personas.admin,
        name=" Billing ",
        parent=personas.root_unit,
        leads=[personas.member],
    )
    assert unit.name == "Billing"
    assert list(unit.leads.all()) == [personas.member]
    (event,) = events("unit.create", unit)
    assert event.after is not None and event.after["leads"] == [personas.member.pk]


def test_only_admins_change_units(personas: Personas) -> None:
    with pytest.raises(PermissionDenied):
        unit_create(org=personas.org, actor=personas.manager, name="Shadow IT")
    with pytest.raises(PermissionDenied):
        unit_update(unit=personas.unit, actor=personas.manager, name="Mine")
    with pytest.raises(PermissionDenied):
        unit_deactivate(unit=personas.unit, actor=personas.member)


def test_unit_names_are_unique_in_an_organization_whatever_the_case(personas: Personas) -> None:
    with pytest.raises(ValidationError) as excinfo:
        unit_create(org=personas.org, actor=personas.admin, name="SUPPORT")
    assert "name" in errors_of(excinfo)
    assert unit_create(org=personas.other_org, actor=None, name="Support").org == personas.other_org


def test_it_refuses_a_parent_or_a_lead_from_another_organization(personas: Personas) -> None:
    elsewhere = unit_create(org=personas.other_org, actor=None, name="Elsewhere")
    with pytest.raises(ValidationError) as excinfo:
        unit_create(org=personas.org, actor=personas.admin, name="Billing", parent=elsewhere)
    assert "parent" in errors_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        unit_create(
            org=personas.org, actor=personas.admin, name="Billing", leads=[personas.outsider]
        )
    assert "leads" in errors_of(excinfo)
    assert not Unit.objects.filter(name="Billing").exists()


def test_a_unit_cannot_move_inside_itself_or_below_its_own_sub_unit(personas: Personas) -> None:
    with pytest.raises(ValidationError) as excinfo:
        unit_update(unit=personas.root_unit, actor=personas.admin, parent=personas.unit)
    assert "parent" in errors_of(excinfo)
    with pytest.raises(ValidationError):
        unit_update(unit=personas.unit, actor=personas.admin, parent=personas.unit)


def test_a_unit_cannot_be_placed_inside_a_retired_unit(personas: Personas) -> None:
    unit_deactivate(unit=personas.other_unit, actor=personas.admin)
    with pytest.raises(ValidationError) as excinfo:
        unit_create(org=personas.org, actor=personas.admin, name="Tax", parent=personas.other_unit)
    assert errors_of(excinfo) == {"parent": ["That unit is retired: choose an active one."]}


def test_a_unit_with_active_sub_units_cannot_be_retired_by_any_route(personas: Personas) -> None:
    with pytest.raises(ValidationError) as excinfo:
        unit_deactivate(unit=personas.root_unit, actor=personas.admin)
    assert "is_active" in errors_of(excinfo)
    with pytest.raises(ValidationError):
        unit_update(unit=personas.root_unit, actor=personas.admin, is_active=False)
    personas.root_unit.refresh_from_db()
    assert personas.root_unit.is_active


def test_retiring_a_unit_is_audited_once_and_keeps_its_members(personas: Personas) -> None:
    unit_deactivate(unit=personas.unit, actor=personas.admin)
    unit_deactivate(unit=personas.unit, actor=personas.admin)
    personas.unit.refresh_from_db()
    assert not personas.unit.is_active
    assert len(events("unit.deactivate", personas.unit)) == 1
    personas.member.refresh_from_db()
    assert personas.member.unit == personas.unit


def test_nobody_inactive_becomes_a_lead(personas: Personas) -> None:
    person_deactivate(person=personas.member2, actor=personas.admin)
    refusal = {"leads": ["Noah Member is no longer active here: leads must be active."]}
    with pytest.raises(ValidationError) as excinfo:
        unit_create(org=personas.org, actor=personas.admin, name="Ops", leads=[personas.member2])
    assert errors_of(excinfo) == refusal
    assert not Unit.objects.filter(name="Ops").exists()
    with pytest.raises(ValidationError) as excinfo:
        unit_update(
            unit=personas.unit, actor=personas.admin, leads=[personas.manager, personas.member2]
        )
    assert errors_of(excinfo) == refusal
    assert list(personas.unit.leads.all()) == [personas.manager]


def test_a_lead_who_left_may_stay_a_lead(personas: Personas) -> None:
    person_deactivate(person=personas.manager, actor=personas.admin)
    manager = Person.objects.get(pk=personas.manager.pk)
    unit_update(
        unit=personas.unit, actor=personas.admin, name="Care", leads=[manager, personas.member]
    )
    assert set(personas.unit.leads.all()) == {personas.manager, personas.member}


def test_changing_leads_is_audited_and_a_rename_keeps_them(personas: Personas) -> None:
    unit_update(unit=personas.unit, actor=personas.admin, leads=[personas.member])
    unit_update(unit=personas.unit, actor=personas.admin, name="Customer Support")
    assert list(personas.unit.leads.all()) == [personas.member]
    first, second = sorted(events("unit.update", personas.unit), key=lambda e: e.pk)
    assert first.after is not None and first.after["leads"] == [personas.member.pk]
    assert second.after is not None and second.after["name"] == "Customer Support"
