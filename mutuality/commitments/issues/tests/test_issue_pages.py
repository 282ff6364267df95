"""Issue pages: the list, raising one, one issue and its moves, privacy."""

from __future__ import annotations

from typing import Any

import pytest

from mutuality.commitments.issues.tests.factories import in_state, move, raise_issue
from mutuality.commitments.models import Issue, IssueEvent
from mutuality.orgs.services import unit_create
from mutuality.testing import Personas


def detail_url(p: Personas, issue: Issue) -> str:
    return p.url("issues:detail", pk=issue.pk)


def move_url(p: Personas, issue: Issue, name: str) -> str:
    return p.url("issues:move", pk=issue.pk, move=name)


# --- raising ---------------------------------------------------------------------------------------


def test_it_shows_the_raise_form_prefilled_from_the_link(personas: Personas) -> None:
    client = personas.client_for(personas.member)
    response = client.get(personas.url("issues:new") + f"?unit={personas.unit.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="title"' in html and 'name="person"' in html
    # The unit is named by typing, with suggestions: a unit's link fills in its name.
    assert 'name="unit" value="Support"' in html
    assert '<datalist id="units-list"></datalist>' in html


def test_it_raises_an_issue_with_a_colleague(personas: Personas) -> None:
    client = personas.client_for(personas.member)
    response = client.post(
        personas.url("issues:new"),
        {"title": "Weekend rota decided without us", "description": "", "person": "max@acme.test"},
    )
    issue = Issue.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(personas, issue)
    assert (issue.raiser, issue.addressee, issue.state) == (
        personas.member,
        personas.manager,
        "raised",
    )


def test_it_raises_an_issue_with_a_unit(personas: Personas) -> None:
    client = personas.client_for(personas.member)
    client.post(
        personas.url("issues:new"),
        {"title": "Cut-off times differ", "unit": "finance"},
    )
    assert Issue.objects.get().unit == personas.other_unit


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "", "person": "max@acme.test"}, "title", "This field is required"),
        ({"title": "A tension"}, "person", "Say who should answer it"),
        (
            {"title": "A tension", "person": "nobody@acme.test"},
            "person",
            "No one in this organization has that email",
        ),
        (
            {"title": "A tension", "person": "otto@globex.test"},
            "person",
            "No one in this organization has that email",
        ),
        ({"title": "A tension", "person": "mia@acme.test"}, "person", "someone else"),
        ({"title": "A tension", "person": "max@acme.test", "unit": "Support"}, "unit", "not both"),
        ({"title": "A tension", "unit": "Nowhere"}, "unit", "No unit called “Nowhere”"),
        ({"title": "A tension", "unit": "Globex Ops"}, "unit", "No unit called “Globex Ops”"),
    ],
)
def test_it_refuses_bad_input_naming_the_field_and_keeps_what_was_typed(
    personas: Personas, data: dict[str, str], field: str, message: str
) -> None:
    unit_create(org=personas.other_org, actor=None, name="Globex Ops")
    client = personas.client_for(personas.member)
    response = client.post(personas.url("issues:new"), {"description": "Kept text", **data})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Kept text" in html
    assert not Issue.objects.exists()


# --- one issue ------------------------------------------------------------------------------------


def test_it_shows_the_issue_its_history_and_only_the_legal_moves(personas: Personas) -> None:
    issue = in_state(personas, "proposed")
    raiser_page = (
        personas.client_for(personas.member).get(detail_url(personas, issue)).content.decode()
    )
    assert "Refunds under 50 are approved directly." in raiser_page
    assert "Declare satisfied" in raiser_page and "Not satisfied yet" in raiser_page
    assert "Take ownership" not in raiser_page
    assert "took ownership" in raiser_page and "proposed a resolution" in raiser_page
    owner_page = (
        personas.client_for(personas.member2).get(detail_url(personas, issue)).content.decode()
    )
    assert "Declare satisfied" not in owner_page
    assert "It waits for Mia Member to answer the proposed resolution." in owner_page


def test_it_makes_a_move_and_records_it(personas: Personas) -> None:
    issue = raise_issue(personas.member, personas.member2)
    client = personas.client_for(personas.member2)
    response = client.post(move_url(personas, issue, "take_ownership"), {"version": issue.version})
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.state == "owned" and issue.owner == personas.member2
    assert IssueEvent.objects.filter(issue=issue, move="take_ownership").exists()


def test_a_move_through_htmx_swaps_the_panel(personas: Personas) -> None:
    issue = in_state(personas, "owned")
    client = personas.client_for(personas.member2)
    response = client.post(
        move_url(personas, issue, "propose_resolution"),
        {"version": issue.version, "resolution": "Direct approval under 50."},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="issue"')
    assert "Resolution proposed" in html


def test_a_stale_move_is_refused_and_changes_nothing(personas: Personas) -> None:
    issue = in_state(personas, "proposed")
    stale = issue.version
    move(issue, personas.member, "declare_dissatisfied", note="Not yet.")
    response = personas.client_for(personas.member).post(
        move_url(personas, issue, "withdraw"), {"version": stale}
    )
    assert response.status_code == 409
    assert "Someone else changed this issue" in response.content.decode()
    assert Issue.objects.get(pk=issue.pk).state == "owned"


def test_a_stale_move_keeps_what_was_typed(personas: Personas) -> None:
    issue = in_state(personas, "owned")
    stale = issue.version
    move(issue, personas.member, "withdraw", note="")  # meanwhile, in another tab
    response = personas.client_for(personas.member2).post(
        move_url(personas, issue, "propose_resolution"),
        {"version": stale, "resolution": "A weekly slot with Finance for refunds."},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "What you wrote" in html
    assert "A weekly slot with Finance for refunds." in html
    assert Issue.objects.get(pk=issue.pk).state == "withdrawn"


def test_escalation_is_not_offered_when_the_organization_has_no_facilitator(
    personas: Personas,
) -> None:
    from mutuality.orgs.services import person_deactivate

    issue = in_state(personas, "declined")
    person_deactivate(person=personas.facilitator, actor=personas.admin)
    page = personas.client_for(personas.member).get(detail_url(personas, issue))
    assert page.status_code == 200
    assert "Escalate" not in page.content.decode()
    assert "Withdraw" in page.content.decode()


def test_a_move_by_the_wrong_person_is_a_403(personas: Personas) -> None:
    issue = in_state(personas, "raised")
    response = personas.client_for(personas.member).post(
        move_url(personas, issue, "take_ownership"), {"version": issue.version}
    )
    assert response.status_code == 403
    assert Issue.objects.get(pk=issue.pk).state == "raised"


def test_a_move_in_the_wrong_state_is_a_409(personas: Personas) -> None:
    issue = in_state(personas, "raised")
    response = personas.client_for(personas.member).post(
        move_url(personas, issue, "declare_satisfied"), {"version": issue.version}
    )
    assert response.status_code == 409


def test_a_move_missing_its_text_names_the_field_and_keeps_the_form_open(
    personas: Personas,
) -> None:
    issue = in_state(personas, "raised")
    response = personas.client_for(personas.member2).post(
        move_url(personas, issue, "decline"), {"version": issue.version, "reason": "   "}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Explain why you decline it" in html
    assert '<details class="move" open>' in html
    assert Issue.objects.get(pk=issue.pk).state == "raised"


def test_escalation_offers_the_facilitators_and_refuses_a_missing_choice(
    personas: Personas,
) -> None:
    issue = in_state(personas, "declined")
    client = personas.client_for(personas.member)
    page = client.get(detail_url(personas, issue)).content.decode()
    assert f'<option value="{personas.facilitator.pk}">Fay Facilitator</option>' in page
    response = client.post(move_url(personas, issue, "escalate"), {"version": issue.version})
    assert response.status_code == 400
    assert "Choose one of the organization&#x27;s facilitators." in response.content.decode()
    response = client.post(
        move_url(personas, issue, "escalate"),
        {"version": issue.version, "facilitator": personas.facilitator.pk},
    )
    assert response.status_code == 302
    assert Issue.objects.get(pk=issue.pk).facilitator == personas.facilitator


def test_a_move_without_its_version_or_with_nonsense_is_refused(personas: Personas) -> None:
    issue = in_state(personas, "raised")
    client = personas.client_for(personas.member)
    for data in ({}, {"version": "abc"}, {"version": "-3"}):
        response = client.post(move_url(personas, issue, "withdraw"), data)
        assert response.status_code == 400
    assert Issue.objects.get(pk=issue.pk).state == "raised"


def test_an_unknown_move_is_a_404_and_a_get_is_refused(personas: Personas) -> None:
    issue = in_state(personas, "raised")
    client = personas.client_for(personas.member)
    assert client.post(move_url(personas, issue, "explode"), {"version": 1}).status_code == 404
    assert client.get(move_url(personas, issue, "withdraw")).status_code == 405


# --- privacy ----------------------------------------------------------------------------------------


def test_every_issue_url_is_a_404_for_an_outsider(personas: Personas) -> None:
    issue = in_state(personas, "raised")
    client = personas.client_for(personas.outsider)
    for url in (
        personas.url("issues:list"),
        personas.url("issues:new"),
        detail_url(personas, issue),
    ):
        assert client.get(url).status_code == 404
    assert client.post(move_url(personas, issue, "withdraw"), {"version": 1}).status_code == 404
    assert Issue.objects.get(pk=issue.pk).state == "raised"


def test_a_person_to_person_issue_is_private_to_its_parties(personas: Personas) -> None:
    issue = raise_issue(personas.member, personas.member2)
    for person in (personas.manager, personas.admin, personas.facilitator):
        client = personas.client_for(person)
        assert client.get(detail_url(personas, issue)).status_code == 404
        assert (
            client.post(move_url(personas, issue, "take_ownership"), {"version": 1}).status_code
            == 404
        )
        assert issue.title not in client.get(personas.url("issues:list")).content.decode()
    for person in (personas.member, personas.member2):
        assert personas.client_for(person).get(detail_url(personas, issue)).status_code == 200


def test_a_unit_issue_is_open_to_everyone_in_the_organization(personas: Personas) -> None:
    issue = raise_issue(personas.member, unit=personas.other_unit)
    page = personas.client_for(personas.member2).get(detail_url(personas, issue)).content.decode()
    assert issue.title in page
    assert "Your move" not in page


def test_an_anonymous_visitor_is_asked_to_log_in(client: Any, personas: Personas) -> None:
    issue = in_state(personas, "raised")
    response = client.get(detail_url(personas, issue))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- the list -----------------------------------------------------------------------------------------


def test_the_list_filters_by_role_state_and_unit(personas: Personas) -> None:
    waiting = raise_issue(personas.member2, personas.member, title="Waiting for Mia")
    mine = raise_issue(personas.member, personas.member2, title="Raised by Mia")
    unit_issue = raise_issue(personas.admin, unit=personas.other_unit, title="For Finance")
    closed = in_state(personas, "resolved")
    client = personas.client_for(personas.member)

    def titles(query: str) -> str:
        response = client.get(personas.url("issues:list") + query)
        assert response.status_code == 200
        return response.content.decode()

    page = titles("")
    assert all(i.title in page for i in (waiting, mine, unit_issue))
    assert f'href="{detail_url(personas, closed)}"' not in page
    page = titles("?role=waiting")
    assert "Waiting for Mia" in page and "Raised by Mia" not in page
    page = titles("?role=raised")
    assert "Raised by Mia" in page and "Waiting for Mia" not in page
    page = titles(f"?unit={personas.other_unit.pk}")
    assert "For Finance" in page and "Raised by Mia" not in page
    page = titles("?state=resolved")
    assert f'href="{detail_url(personas, closed)}"' in page


@pytest.mark.parametrize("query", ["?state=bogus", "?role=x", "?unit=abc", "?page=0", "?page=x"])
def test_the_list_refuses_bad_filters_without_a_500(personas: Personas, query: str) -> None:
    response = personas.client_for(personas.member).get(personas.url("issues:list") + query)
    assert response.status_code == 400
    assert "These filters are not valid" in response.content.decode()


def test_the_list_runs_in_a_bounded_number_of_queries(
    personas: Personas, django_assert_max_num_queries: Any
) -> None:
    client = personas.client_for(personas.member)
    url = personas.url("issues:list")
    client.get(url)
    for i in range(3):
        raise_issue(personas.member2, personas.member, title=f"Issue {i}")
    raise_issue(personas.admin, unit=personas.unit, title="A unit's")
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    for i in range(30):
        raise_issue(personas.admin, unit=personas.unit, title=f"More {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_navigation_shows_issues_waiting_for_me(personas: Personas) -> None:
    raise_issue(personas.member2, personas.member)
    page = personas.client_for(personas.member).get(personas.url("issues:list")).content.decode()
    assert 'aria-label="1 waiting"' in page


def test_the_unit_page_shows_its_open_issues(personas: Personas) -> None:
    raise_issue(personas.admin, unit=personas.unit)
    page = personas.client_for(personas.manager).get(personas.url("orgs:unit", pk=personas.unit.pk))
    html = page.content.decode()
    assert "Issues raised with Support" in html
    assert "1 open issue" in html
    assert personas.url("ledger:unit", pk=personas.unit.pk) in html
