from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from mutuality.orgs.models import Person, Unit
from mutuality.orgs.selectors import (
    direct_reports,
    manages,
    people_by_reference,
    people_managed_by,
    people_visible_to,
    person_for_viewer,
    sub_units,
    unit_for_viewer,
    unit_lead_names,
    unit_member_counts,
    unit_path,
    unit_tree,
    units_led_by,
    units_visible_to,
)
from mutuality.orgs.services import (
    person_create,
    person_deactivate,
    unit_create,
    unit_deactivate,
)
from mutuality.testing import Personas


def names(people: Any) -> list[str]:
    return [p.name for p in people]


# --- people ------------------------------------------------------------------------------------


def test_it_lists_only_the_viewers_organization(personas: Personas) -> None:
    assert names(people_visible_to(viewer=personas.member)) == [
        "Ada Admin",
        "Fay Facilitator",
        "Max Manager",
        "Mia Member",
        "Noah Member",
    ]
    assert names(people_visible_to(viewer=personas.outsider)) == ["Otto Outsider"]


def test_it_matches_every_word_of_the_search_in_any_case(personas: Personas) -> None:
    assert names(people_visible_to(viewer=personas.member, q="member")) == [
        "Mia Member",
        "Noah Member",
    ]
    assert names(people_visible_to(viewer=personas.member, q="  mem  NOAH ")) == ["Noah Member"]
    assert names(people_visible_to(viewer=personas.member, q="Otto")) == []


def test_it_treats_search_wildcards_as_plain_text(personas: Personas) -> None:
    assert names(people_visible_to(viewer=personas.member, q="%")) == []
    assert names(people_visible_to(viewer=personas.member, q="_")) == []


def test_it_shows_inactive_people_only_to_admins_who_ask(personas: Personas) -> None:
    person_deactivate(person=personas.member2, actor=personas.admin)
    assert "Noah Member" not in names(people_visible_to(viewer=personas.admin))
    assert "Noah Member" in names(people_visible_to(viewer=personas.admin, include_inactive=True))
    assert "Noah Member" not in names(
        people_visible_to(viewer=personas.member, include_inactive=True)
    )


def test_it_filters_by_unit_and_by_manager(personas: Personas) -> None:
    assert names(people_visible_to(viewer=personas.member, unit=personas.unit)) == [
        "Mia Member",
        "Noah Member",
    ]
    assert names(people_visible_to(viewer=personas.member, manager=personas.admin)) == [
        "Max Manager"
    ]


def test_it_finds_a_person_of_the_same_organization_even_when_inactive(
    personas: Personas,
) -> None:
    person_deactivate(person=personas.member2, actor=personas.admin)
    assert person_for_viewer(viewer=personas.member, pk=personas.member2.pk) == personas.member2


def test_it_hides_a_person_of_another_organization_as_if_missing(personas: Personas) -> None:
    with pytest.raises(Http404):
        person_for_viewer(viewer=personas.member, pk=personas.outsider.pk)
    with pytest.raises(Http404):
        person_for_viewer(viewer=personas.outsider, pk=personas.member.pk)
    with pytest.raises(Http404):
        person_for_viewer(viewer=personas.member, pk=999_999)


def test_it_resolves_a_reference_by_email_employee_id_or_full_name(personas: Personas) -> None:
    kim = person_create(
        org=personas.org, actor=None, name="Kim Lee", employee_id="E-7", email="kim@acme.test"
    )
    viewer = personas.admin
    assert people_by_reference(viewer=viewer, reference=" KIM@acme.test ") == [kim]
    assert people_by_reference(viewer=viewer, reference="E-7") == [kim]
    assert people_by_reference(viewer=viewer, reference="kim lee") == [kim]
    assert people_by_reference(viewer=viewer, reference="") == []
    assert people_by_reference(viewer=viewer, reference="otto@globex.test") == []


def test_it_returns_every_namesake_so_callers_can_ask_for_more(personas: Personas) -> None:
    person_create(org=personas.org, actor=None, name="Mia Member", email="mia2@acme.test")
    assert len(people_by_reference(viewer=personas.admin, reference="Mia Member")) == 2


def test_it_does_not_resolve_inactive_people(personas: Personas) -> None:
    person_deactivate(person=personas.member2, actor=personas.admin)
    assert people_by_reference(viewer=personas.admin, reference="noah@acme.test") == []


def test_it_lists_direct_reports_up_to_a_limit(personas: Personas) -> None:
    assert names(direct_reports(person=personas.manager, limit=10)) == [
        "Mia Member",
        "Noah Member",
    ]
    assert names(direct_reports(person=personas.manager, limit=1)) == ["Mia Member"]


# --- managership -------------------------------------------------------------------------------


def test_a_manager_manages_their_reports_and_the_whole_line_below(personas: Personas) -> None:
    assert manages(manager=personas.manager, person=personas.member)
    assert manages(manager=personas.admin, person=personas.member)
    assert manages(manager=personas.admin, person=personas.manager)


def test_nobody_manages_upward_sideways_or_themselves(personas: Personas) -> None:
    assert not manages(manager=personas.member, person=personas.manager)
    assert not manages(manager=personas.member, person=personas.member2)
    assert not manages(manager=personas.manager, person=personas.manager)
    assert not manages(manager=personas.facilitator, person=personas.member)


def test_a_unit_lead_manages_its_members_and_those_of_units_below(personas: Personas) -> None:
    lead = person_create(
        org=personas.org, actor=None, name="Hana Head", employee_id="H1", unit=personas.root_unit
    )
    personas.root_unit.leads.add(lead)
    newcomer = person_create(
        org=personas.org, actor=None, name="Ned New", employee_id="N1", unit=personas.unit
    )
    assert manages(manager=personas.manager, person=newcomer)  # leads Support, no reporting line
    assert manages(manager=lead, person=newcomer)  # leads Acme HQ, above Support
    assert manages(manager=lead, person=personas.facilitator)  # member of Acme HQ itself
    assert not manages(manager=newcomer, person=lead)


def test_co_leads_of_a_unit_do_not_manage_each_other(personas: Personas) -> None:
    personas.unit.leads.add(personas.member)
    assert not manages(manager=personas.member, person=personas.manager)
    assert manages(manager=personas.member, person=personas.member2)


def test_leading_a_retired_unit_or_being_inactive_manages_nobody(personas: Personas) -> None:
    lead = person_create(org=personas.org, actor=None, name="Lou Lead", employee_id="L1")
    team = unit_create(org=personas.org, actor=None, name="Ops", leads=[lead])
    worker = person_create(
        org=personas.org, actor=None, name="Wim Worker", employee_id="W1", unit=team
    )
    assert manages(manager=lead, person=worker)
    unit_deactivate(unit=team, actor=None)
    assert not manages(manager=lead, person=worker)
    person_deactivate(person=personas.manager, actor=None)
    assert not manages(manager=personas.manager, person=personas.member)


def test_managership_never_crosses_organizations(personas: Personas) -> None:
    assert not manages(manager=personas.outsider, person=personas.member)


def test_a_reporting_cycle_in_bad_data_does_not_loop(personas: Personas) -> None:
    Person.objects.filter(pk=personas.admin.pk).update(manager=personas.member)
    assert manages(manager=personas.member, person=personas.manager)
    assert not manages(manager=personas.facilitator, person=personas.manager)


def test_it_lists_everyone_a_person_manages_in_one_query(
    personas: Personas, django_assert_num_queries: Any
) -> None:
    lead = person_create(org=personas.org, actor=None, name="Hana Head", employee_id="H1")
    personas.root_unit.leads.add(lead)
    with django_assert_num_queries(1):
        managed = names(people_managed_by(manager=lead))
    # Acme HQ's members, and Support's and Finance's below it.
    assert managed == ["Fay Facilitator", "Max Manager", "Mia Member", "Noah Member"]
    assert names(people_managed_by(manager=personas.admin)) == [
        "Max Manager",
        "Mia Member",
        "Noah Member",
    ]
    assert names(people_managed_by(manager=personas.member)) == []


def test_who_manages_whom_agrees_between_the_two_selectors(personas: Personas) -> None:
    lead = person_create(
        org=personas.org, actor=None, name="Hana Head", employee_id="H1", manager=personas.admin
    )
    personas.other_unit.leads.add(lead)
    person_create(
        org=personas.org, actor=None, name="Fin One", employee_id="F1", unit=personas.other_unit
    )
    everyone = list(Person.objects.filter(org=personas.org))
    for manager in everyone:
        expected = {p.pk for p in everyone if p.is_active and manages(manager=manager, person=p)}
        assert {p.pk for p in people_managed_by(manager=manager)} == expected, manager.name


# --- units -------------------------------------------------------------------------------------


def test_it_finds_units_only_in_the_viewers_organization(personas: Personas) -> None:
    globex_unit = unit_create(org=personas.other_org, actor=None, name="Globex Ops")
    assert unit_for_viewer(viewer=personas.member, pk=personas.unit.pk) == personas.unit
    with pytest.raises(Http404):
        unit_for_viewer(viewer=personas.member, pk=globex_unit.pk)
    assert globex_unit not in units_visible_to(viewer=personas.member)


def test_it_lists_retired_units_only_when_asked(personas: Personas) -> None:
    unit_deactivate(unit=personas.other_unit, actor=None)
    assert personas.other_unit not in units_visible_to(viewer=personas.member)
    assert personas.other_unit in units_visible_to(viewer=personas.member, include_inactive=True)


def test_it_gives_a_units_path_root_first_in_one_query(
    personas: Personas, django_assert_num_queries: Any
) -> None:
    team = unit_create(org=personas.org, actor=None, name="Tier 2", parent=personas.unit)
    with django_assert_num_queries(1):
        path = unit_path(unit=team)
    assert path == [personas.root_unit, personas.unit]
    assert unit_path(unit=personas.root_unit) == []


def test_a_unit_cycle_in_bad_data_does_not_loop_the_path(personas: Personas) -> None:
    Unit.objects.filter(pk=personas.root_unit.pk).update(parent=personas.unit)
    assert unit_path(unit=personas.unit) == [personas.root_unit]


def test_it_builds_the_whole_tree_in_one_query(
    personas: Personas, django_assert_num_queries: Any
) -> None:
    team = unit_create(org=personas.org, actor=None, name="Tier 2", parent=personas.unit)
    with django_assert_num_queries(1):
        tree = unit_tree(org=personas.org)
    assert [(n.name, n.depth) for n in tree.walk()] == [
        ("Acme HQ", 0),
        ("Finance", 1),
        ("Support", 1),
        ("Tier 2", 2),
    ]
    root = tree.nodes[personas.root_unit.pk]
    assert root.descendant_count == 3
    assert [n.name for n in tree.path(team.pk)] == ["Acme HQ", "Support"]
    assert tree.subtree_ids(personas.unit.pk) == {personas.unit.pk, team.pk}


def test_the_tree_leaves_out_retired_units_unless_asked(personas: Personas) -> None:
    unit_deactivate(unit=personas.other_unit, actor=None)
    assert "Finance" not in [n.name for n in unit_tree(org=personas.org).walk()]
    everything = unit_tree(org=personas.org, include_inactive=True)
    assert not everything.nodes[personas.other_unit.pk].is_active


def test_the_tree_keeps_every_unit_even_with_a_cycle_in_bad_data(personas: Personas) -> None:
    Unit.objects.filter(pk=personas.root_unit.pk).update(parent=personas.unit)
    tree = unit_tree(org=personas.org)
    assert sorted(n.name for n in tree.walk()) == ["Acme HQ", "Finance", "Support"]


def test_tree_choices_are_indented_and_can_leave_out_a_subtree(personas: Personas) -> None:
    tree = unit_tree(org=personas.org)
    labels = [label for _, label in tree.choices()]
    assert labels == ["Acme HQ", "\u00a0" * 3 + "Finance", "\u00a0" * 3 + "Support"]
    kept = tree.choices(exclude=tree.subtree_ids(personas.root_unit.pk))
    assert kept == []


def test_it_counts_active_members_per_unit_in_one_query(
    personas: Personas, django_assert_num_queries: Any
) -> None:
    person_deactivate(person=personas.member2, actor=None)
    with django_assert_num_queries(1):
        counts = unit_member_counts(org=personas.org)
    assert counts == {personas.root_unit.pk: 2, personas.unit.pk: 1}
    assert unit_member_counts(org=personas.org, unit_ids=[personas.unit.pk]) == {
        personas.unit.pk: 1
    }


def test_it_names_each_units_active_leads(personas: Personas) -> None:
    personas.unit.leads.add(personas.member, personas.member2)
    person_deactivate(person=personas.member2, actor=None)
    assert unit_lead_names(unit_ids=[personas.unit.pk, personas.other_unit.pk]) == {
        personas.unit.pk: ["Max Manager", "Mia Member"]
    }


def test_it_lists_sub_units_with_member_counts_and_units_a_person_leads(
    personas: Personas,
) -> None:
    subs = sub_units(unit=personas.root_unit)
    assert [(u.name, getattr(u, "member_count", None)) for u in subs] == [
        ("Finance", 0),
        ("Support", 2),
    ]
    assert units_led_by(person=personas.manager) == [personas.unit]
    assert units_led_by(person=personas.member) == []
