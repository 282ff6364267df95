"""A person's page, and adding, editing, deactivating and reactivating people."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages

from mutuality.core import navigation
from mutuality.core.models import AuditEvent
from mutuality.orgs import unit_sections
from mutuality.orgs.models import Person, Role
from mutuality.orgs.services import person_create, person_deactivate, unit_deactivate
from mutuality.testing import Personas

NEW_PERSON = {
    "name": "Kim Lee",
    "email": "Kim@Acme.test",
    "employee_id": "E-42",
    "title": "Analyst",
    "manager": "max@acme.test",
    "unit": "",
    "role": Role.MEMBER,
}


@pytest.fixture
def own_queries_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Count this page's queries, not those of the badges and sections other apps add."""
    mine = {k: v for k, v in navigation._items.items() if k.startswith("orgs:")}
    monkeypatch.setattr(navigation, "_items", mine)
    monkeypatch.setattr(unit_sections, "_sections", {})


def flashes(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def form_data(person: Person, **changes: Any) -> dict[str, Any]:
    data = {
        "name": person.name,
        "email": person.email,
        "employee_id": person.employee_id,
        "title": person.title,
        "manager": person.manager.email if person.manager else "",
        "unit": person.unit_id or "",
        "role": person.role,
    }
    return data | changes


# --- the page ----------------------------------------------------------------------------------


def test_a_persons_page_shows_their_place_reports_and_units(personas: Personas) -> None:
    response = personas.client_for(personas.member).get(
        personas.url("orgs:person", pk=personas.manager.pk)
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Max Manager" in html
    assert "Head of Support" in html
    assert 'href="mailto:max@acme.test"' in html
    assert f'href="/o/acme/units/{personas.root_unit.pk}/">Acme HQ</a>' in html
    assert f'href="/o/acme/people/{personas.admin.pk}/">Ada Admin</a>' in html
    assert f'href="/o/acme/people/{personas.member.pk}/">Mia Member</a>' in html
    assert f'href="/o/acme/people/{personas.member2.pk}/">Noah Member</a>' in html
    assert f'href="/o/acme/units/{personas.unit.pk}/">Support</a>' in html
    assert "Active</span>" in html


def test_members_see_no_admin_actions(personas: Personas) -> None:
    html = (
        personas.client_for(personas.member)
        .get(personas.url("orgs:person", pk=personas.member2.pk))
        .content.decode()
    )
    for fragment in ["Edit</a>", "Deactivate", "Send invitation", "History</a>"]:
        assert fragment not in html


def test_admins_see_edit_deactivate_and_history(personas: Personas) -> None:
    pk = personas.member.pk
    html = personas.client_for(personas.admin).get(personas.url("orgs:person", pk=pk)).content
    page = html.decode()
    assert f'href="/o/acme/people/{pk}/edit/">Edit</a>' in page
    assert f'action="/o/acme/people/{pk}/deactivate/"' in page
    assert 'data-confirm="Deactivate Mia Member?' in page
    assert f'href="/o/acme/audit/?object_type=orgs.person&amp;object_id={pk}">History</a>' in page
    # Mia already has a login.
    assert "Send invitation" not in page


def test_admins_can_invite_an_active_person_with_an_email_and_no_login(
    personas: Personas,
) -> None:
    kim = person_create(org=personas.org, actor=None, name="Kim Lee", email="kim@acme.test")
    no_email = person_create(org=personas.org, actor=None, name="Lou No-Mail", employee_id="L-1")
    client = personas.client_for(personas.admin)
    html = client.get(personas.url("orgs:person", pk=kim.pk)).content.decode()
    assert f'action="/o/acme/settings/invite/{kim.pk}/"' in html
    assert "Send invitation" in html
    html = client.get(personas.url("orgs:person", pk=no_email.pk)).content.decode()
    assert "Send invitation" not in html
    person_deactivate(person=kim, actor=None)
    html = client.get(personas.url("orgs:person", pk=kim.pk)).content.decode()
    assert "Send invitation" not in html
    assert f'action="/o/acme/people/{kim.pk}/reactivate/"' in html


def test_nobody_sees_a_button_to_deactivate_themselves(personas: Personas) -> None:
    html = (
        personas.client_for(personas.admin)
        .get(personas.url("orgs:person", pk=personas.admin.pk))
        .content.decode()
    )
    assert "/deactivate/" not in html
    assert "You</span>" in html


def test_the_page_bounds_its_queries_however_many_reports(
    personas: Personas, django_assert_max_num_queries: Any, own_queries_only: None
) -> None:
    client = personas.client_for(personas.admin)
    url = personas.url("orgs:person", pk=personas.manager.pk)
    client.get(url)
    for i in range(60):
        person_create(
            org=personas.org,
            actor=None,
            name=f"Report {i:02d}",
            employee_id=f"R{i}",
            manager=personas.manager,
        )
    # 7 are the session, the login and the page's shell; one counts the reports that the
    # deactivate button would move, as there are more than are shown.
    with django_assert_max_num_queries(11):
        html = client.get(url).content.decode()
    assert html.count('href="/o/acme/people/') < 70
    assert f'href="/o/acme/people/?manager={personas.manager.pk}"' in html


# --- adding ------------------------------------------------------------------------------------


def test_an_admin_adds_a_person_and_sees_their_page(personas: Personas) -> None:
    client = personas.client_for(personas.admin)
    response = client.post(
        personas.url("orgs:person_create"), NEW_PERSON | {"unit": personas.unit.pk}
    )
    kim = Person.objects.get(org=personas.org, name="Kim Lee")
    assert response.status_code == 302
    assert response["Location"] == f"/o/acme/people/{kim.pk}/"
    assert (kim.email, kim.employee_id, kim.manager, kim.unit) == (
        "kim@acme.test",
        "E-42",
        personas.manager,
        personas.unit,
    )
    assert flashes(response) == ["Kim Lee was added."]
    assert AuditEvent.objects.filter(action="person.create", object_id=str(kim.pk)).exists()


def test_the_manager_may_be_named_by_employee_id_or_full_name(personas: Personas) -> None:
    client = personas.client_for(personas.admin)
    person_create(org=personas.org, actor=None, name="Eve Boss", employee_id="B-1")
    client.post(personas.url("orgs:person_create"), NEW_PERSON | {"manager": "B-1"})
    client.post(
        personas.url("orgs:person_create"),
        NEW_PERSON | {"name": "Lou", "email": "", "employee_id": "L-1", "manager": "mia member"},
    )
    assert Person.objects.get(name="Kim Lee").manager.name == "Eve Boss"  # type: ignore[union-attr]
    assert Person.objects.get(name="Lou").manager == personas.member


def test_the_add_form_can_start_in_a_unit(personas: Personas) -> None:
    html = (
        personas.client_for(personas.admin)
        .get(personas.url("orgs:person_create") + f"?unit={personas.unit.pk}")
        .content.decode()
    )
    assert f'<option value="{personas.unit.pk}" selected>' in html
    assert '<label for="id_manager">Manager' in html


def test_bad_input_comes_back_with_field_errors_and_nothing_lost(personas: Personas) -> None:
    client = personas.client_for(personas.admin)
    data = NEW_PERSON | {
        "name": "",
        "email": "not-an-email",
        "manager": "nobody@acme.test",
        "unit": personas.unit.pk,
    }
    response = client.post(personas.url("orgs:person_create"), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_name_error"' in html
    assert 'id="id_email_error"' in html
    assert "Nobody active here has the email, employee id or name “nobody@acme.test”." in html
    assert 'value="not-an-email"' in html
    assert 'value="nobody@acme.test"' in html
    assert 'value="E-42"' in html and 'value="Analyst"' in html
    assert f'<option value="{personas.unit.pk}" selected>' in html
    assert not Person.objects.filter(employee_id="E-42").exists()


def test_a_service_refusal_lands_on_the_field_it_names(personas: Personas) -> None:
    response = personas.client_for(personas.admin).post(
        personas.url("orgs:person_create"), NEW_PERSON | {"email": "MIA@acme.test"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_email_error"' in html
    assert "Someone in this organization already has this email." in html
    assert 'value="MIA@acme.test"' in html


def test_a_person_without_an_email_or_an_employee_id_is_refused_on_the_email_field(
    personas: Personas,
) -> None:
    response = personas.client_for(personas.admin).post(
        personas.url("orgs:person_create"), NEW_PERSON | {"email": "", "employee_id": ""}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_email_error"' in html
    assert "Give an email or an employee id, so this person can be recognized." in html
    assert not Person.objects.filter(name="Kim Lee").exists()


def test_an_ambiguous_manager_name_asks_for_more(personas: Personas) -> None:
    person_create(org=personas.org, actor=None, name="Mia Member", email="mia2@acme.test")
    response = personas.client_for(personas.admin).post(
        personas.url("orgs:person_create"), NEW_PERSON | {"manager": "Mia Member"}
    )
    assert response.status_code == 400
    assert "More than one person is called “Mia Member”" in response.content.decode()


def test_a_unit_or_role_that_is_not_offered_is_refused(personas: Personas) -> None:
    other = personas.client_for(personas.admin)
    for bad in [{"unit": "999999"}, {"unit": "x"}, {"role": "owner"}]:
        response = other.post(personas.url("orgs:person_create"), NEW_PERSON | bad)
        assert response.status_code == 400
        field = next(iter(bad))
        assert f'id="id_{field}_error"' in response.content.decode()
    assert not Person.objects.filter(name="Kim Lee").exists()


# --- editing -----------------------------------------------------------------------------------


def test_the_edit_form_starts_with_the_persons_details(personas: Personas) -> None:
    html = (
        personas.client_for(personas.admin)
        .get(personas.url("orgs:person_edit", pk=personas.member.pk))
        .content.decode()
    )
    assert 'value="Mia Member"' in html
    assert 'value="max@acme.test"' in html
    assert f'<option value="{personas.unit.pk}" selected>' in html
    assert 'data-confirm="Deactivate Mia Member?"' in html


def test_an_admin_edits_a_person(personas: Personas) -> None:
    client = personas.client_for(personas.admin)
    response = client.post(
        personas.url("orgs:person_edit", pk=personas.member.pk),
        form_data(personas.member, title="Team lead", manager="", role=Role.FACILITATOR),
    )
    personas.member.refresh_from_db()
    assert response.status_code == 302
    assert (personas.member.title, personas.member.manager, personas.member.role) == (
        "Team lead",
        None,
        Role.FACILITATOR,
    )
    assert flashes(response) == ["Mia Member’s details were saved."]


def test_a_reporting_cycle_is_refused_on_the_manager_field(personas: Personas) -> None:
    response = personas.client_for(personas.admin).post(
        personas.url("orgs:person_edit", pk=personas.manager.pk),
        form_data(personas.manager, manager="mia@acme.test", title="Changed"),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_manager_error"' in html and "reporting cycle" in html
    assert 'value="Changed"' in html
    assert "<h1>Edit Max Manager</h1>" in html
    personas.manager.refresh_from_db()
    assert (personas.manager.manager, personas.manager.title) == (personas.admin, "Head of Support")


def test_nobody_can_be_their_own_manager(personas: Personas) -> None:
    response = personas.client_for(personas.admin).post(
        personas.url("orgs:person_edit", pk=personas.member.pk),
        form_data(personas.member, manager="mia@acme.test"),
    )
    assert response.status_code == 400
    assert "Nobody can be their own manager." in response.content.decode()


def test_an_admin_cannot_remove_their_own_admin_role(personas: Personas) -> None:
    response = personas.client_for(personas.admin).post(
        personas.url("orgs:person_edit", pk=personas.admin.pk),
        form_data(personas.admin, role=Role.MEMBER),
    )
    assert response.status_code == 400
    assert 'id="id_role_error"' in response.content.decode()
    personas.admin.refresh_from_db()
    assert personas.admin.is_admin


def test_saving_keeps_a_retired_unit_and_an_inactive_manager(personas: Personas) -> None:
    unit_deactivate(unit=personas.unit, actor=None)
    # As recorded before deactivating someone moved their reports to another manager.
    Person.objects.filter(pk=personas.manager.pk).update(is_active=False)
    client = personas.client_for(personas.admin)
    html = client.get(personas.url("orgs:person_edit", pk=personas.member.pk)).content.decode()
    assert f'<option value="{personas.unit.pk}" selected>Support (retired)</option>' in html
    response = client.post(
        personas.url("orgs:person_edit", pk=personas.member.pk),
        form_data(personas.member, title="Still here"),
    )
    assert response.status_code == 302
    personas.member.refresh_from_db()
    assert (personas.member.unit, personas.member.manager) == (personas.unit, personas.manager)


# --- deactivating and reactivating -------------------------------------------------------------


def test_an_admin_deactivates_and_reactivates_a_person(personas: Personas) -> None:
    client = personas.client_for(personas.admin)
    response = client.post(personas.url("orgs:person_deactivate", pk=personas.member.pk))
    assert response.status_code == 302
    assert response["Location"] == f"/o/acme/people/{personas.member.pk}/"
    assert flashes(response) == ["Mia Member is now inactive."]
    personas.member.refresh_from_db()
    assert not personas.member.is_active
    response = client.post(personas.url("orgs:person_reactivate", pk=personas.member.pk))
    assert flashes(response)[-1] == "Mia Member is active again."
    personas.member.refresh_from_db()
    assert personas.member.is_active


def test_the_deactivate_buttons_say_where_the_reports_will_go(personas: Personas) -> None:
    client = personas.client_for(personas.admin)
    page = client.get(personas.url("orgs:person", pk=personas.manager.pk)).content.decode()
    assert (
        'data-confirm="Deactivate Max Manager? They keep their history but can no longer sign '
        'in here. Their 2 reports will report to Ada Admin."' in page
    )
    form = client.get(personas.url("orgs:person_edit", pk=personas.manager.pk)).content.decode()
    assert (
        'data-confirm="Deactivate Max Manager? Their 2 reports will report to Ada Admin."' in form
    )
    page = client.get(personas.url("orgs:person", pk=personas.member.pk)).content.decode()
    assert "will report to" not in page


def test_deactivating_a_manager_says_whom_their_reports_now_report_to(
    personas: Personas,
) -> None:
    client = personas.client_for(personas.admin)
    response = client.post(personas.url("orgs:person_deactivate", pk=personas.manager.pk))
    assert flashes(response) == [
        "Max Manager is now inactive. Their 2 reports now report to Ada Admin."
    ]
    assert Person.objects.get(pk=personas.member.pk).manager == personas.admin
    person_create(
        org=personas.org,
        actor=None,
        name="Kim Lee",
        email="kim@acme.test",
        manager=personas.facilitator,
    )
    response = client.post(personas.url("orgs:person_deactivate", pk=personas.facilitator.pk))
    assert flashes(response)[-1] == (
        "Fay Facilitator is now inactive. Their 1 report now reports to nobody (no manager)."
    )
    response = client.post(personas.url("orgs:person_deactivate", pk=personas.member.pk))
    assert flashes(response)[-1] == "Mia Member is now inactive."


def test_an_admin_cannot_deactivate_themselves(personas: Personas) -> None:
    response = personas.client_for(personas.admin).post(
        personas.url("orgs:person_deactivate", pk=personas.admin.pk)
    )
    assert response.status_code == 302
    assert flashes(response) == ["You cannot deactivate yourself."]
    personas.admin.refresh_from_db()
    assert personas.admin.is_active
