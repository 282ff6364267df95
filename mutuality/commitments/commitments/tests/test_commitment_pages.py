"""The commitment pages: new, detail with its moves, the list, and their refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from mutuality.commitments.commitments.tests.factories import (
    MOVE_DATA,
    days,
    in_state,
    move,
    request,
)
from mutuality.commitments.models import Commitment, CommitmentEvent
from mutuality.core.models import AuditEvent
from mutuality.testing import Personas


def new_url(p: Personas) -> str:
    return p.url("commitments:new")


def detail_url(p: Personas, c: Commitment) -> str:
    return p.url("commitments:detail", pk=c.pk)


def move_url(p: Personas, c: Commitment, name: str) -> str:
    return p.url("commitments:move", pk=c.pk, move=name)


def valid_request(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "request",
        "person": "noah@acme.test",
        "unit": "",
        "title": "Review the onboarding guide",
        "conditions": "Comments on every section.",
        "due_date": days(7).isoformat(),
        "context_label": "",
        "context_url": "",
    }
    data.update(overrides)
    return data


# --- new ---------------------------------------------------------------------------------------


def test_it_shows_the_new_commitment_form(personas: Personas) -> None:
    response = personas.client_for(personas.member).get(new_url(personas))
    assert response.status_code == 200
    assert b"Conditions of satisfaction" in response.content
    assert b"Or ask a unit" in response.content


def test_it_prefills_the_form_from_the_link(personas: Personas) -> None:
    url = new_url(personas) + f"?unit={personas.unit.pk}&context_label=Agreement+v3"
    response = personas.client_for(personas.member).get(url)
    assert b'value="Agreement v3"' in response.content
    assert b'value="Support"' in response.content


def test_it_sends_a_request_to_a_colleague(personas: Personas) -> None:
    client = personas.client_for(personas.member)
    response = client.post(new_url(personas), valid_request())
    c = Commitment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(personas, c)
    assert (c.requester, c.performer, c.state) == (personas.member, personas.member2, "requested")
    assert AuditEvent.objects.filter(action="commitment.request", object_id=str(c.pk)).exists()
    page = client.get(response["Location"])
    assert b"Request sent." in page.content
    assert b"Waits for Noah Member\xe2\x80\x99s answer." in page.content


def test_it_sends_a_request_to_a_unit(personas: Personas) -> None:
    client = personas.client_for(personas.admin)
    response = client.post(new_url(personas), valid_request(person="", unit="support"))
    assert response.status_code == 302
    c = Commitment.objects.get()
    assert c.performer_unit == personas.unit and c.performer is None


def test_it_makes_an_offer_and_a_self_commitment(personas: Personas) -> None:
    client = personas.client_for(personas.manager)
    client.post(new_url(personas), valid_request(kind="offer", person="mia@acme.test"))
    client.post(new_url(personas), valid_request(kind="self", person="mia@acme.test"))
    offer, promise = Commitment.objects.order_by("id")
    assert (offer.state, offer.performer, offer.requester) == (
        "offered",
        personas.manager,
        personas.member,
    )
    assert (promise.state, promise.kind, promise.requester) == (
        "promised",
        "self",
        personas.member,
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"due_date": days(-1).isoformat()}, "due_date", "in the past"),
        ({"due_date": "not a date"}, "due_date", "Enter a valid date"),
        ({"conditions": "   "}, "conditions", "This field is required"),
        ({"title": ""}, "title", "This field is required"),
        (
            {"person": "otto@globex.test"},
            "person",
            "No one in this organization has that email address or name",
        ),
        (
            {"person": "nobody@acme.test"},
            "person",
            "No one in this organization has that email address or name",
        ),
        ({"person": ""}, "person", "Say who you ask"),
        ({"person": "mia@acme.test"}, "person", "You can"),
        ({"person": "", "unit": "Nowhere"}, "unit", "No unit called “Nowhere”"),
        ({"unit": "Support"}, "unit", "Ask one person or one unit"),
        ({"context_url": "javascript:alert(1)"}, "context_url", "Give a link"),
        ({"kind": "offer", "person": "", "unit": "UNIT"}, "unit", "Only a request"),
    ],
)
def test_it_refuses_bad_input_naming_the_field_and_keeps_what_was_typed(
    personas: Personas, overrides: dict[str, object], field: str, message: str
) -> None:
    if overrides.get("unit") == "UNIT":
        overrides["unit"] = "support"
    client = personas.client_for(personas.member)
    data = valid_request(**overrides)
    response = client.post(new_url(personas), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert message in " ".join(form.errors[field])
    assert b"Review the onboarding guide" in response.content or field == "title"
    assert Commitment.objects.count() == 0


# --- detail and moves --------------------------------------------------------------------------


def test_it_shows_the_terms_history_and_only_the_legal_moves(personas: Personas) -> None:
    c = in_state(personas, "requested")
    performer_page = personas.client_for(personas.member2).get(detail_url(personas, c))
    assert performer_page.status_code == 200
    html = performer_page.content.decode()
    assert "Comments on every section, in the shared document." in html
    for name in ("promise", "decline", "counter", "commit_to_commit"):
        assert move_url(personas, c, name) in html
    assert move_url(personas, c, "cancel") not in html
    assert "Mia Member</strong> requested" in html

    requester_html = personas.client_for(personas.member).get(detail_url(personas, c)).content
    assert move_url(personas, c, "cancel").encode() in requester_html
    assert move_url(personas, c, "promise").encode() not in requester_html

    # A person-to-person commitment is the two parties' business only.
    assert personas.client_for(personas.facilitator).get(detail_url(personas, c)).status_code == 404

    # A unit's request is open to everyone in the organization, without moves for outsiders.
    unit_request = in_state(personas, "unit_requested")
    third = personas.client_for(personas.facilitator).get(detail_url(personas, unit_request))
    assert third.status_code == 200
    assert b"You are not a party to this commitment" in third.content
    assert b"/moves/" not in third.content


def test_it_makes_a_move_and_records_it(personas: Personas) -> None:
    c = in_state(personas, "requested")
    client = personas.client_for(personas.member2)
    response = client.post(move_url(personas, c, "promise"), {"version": c.version})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.state == "promised"
    page = client.get(detail_url(personas, c))
    assert b"You promised." in page.content
    assert b"Noah Member</strong> promised" in page.content


def test_a_move_through_htmx_swaps_the_panel(personas: Personas) -> None:
    c = in_state(personas, "requested")
    client = personas.client_for(personas.member2)
    response = client.post(
        move_url(personas, c, "promise"), {"version": c.version}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.content.lstrip().startswith(b'<div id="commitment"')
    assert b"You promised." in response.content


def test_a_stale_move_from_a_second_tab_is_refused_and_changes_nothing(
    personas: Personas,
) -> None:
    c = in_state(personas, "requested")
    tab_version = c.version
    move(c, personas.member2, "promise")  # the first tab
    client = personas.client_for(personas.member2)
    response = client.post(
        move_url(personas, c, "decline"), {"version": tab_version, "reason": "Too busy"}
    )
    assert response.status_code == 409
    assert b"Someone else changed this commitment" in response.content
    c.refresh_from_db()
    assert c.state == "promised"
    assert CommitmentEvent.objects.filter(commitment=c).count() == 2
    # The page shows the current state, with its current version in the forms.
    assert f'name="version" value="{c.version}"'.encode() in response.content
    # Declining is no longer possible, but what they typed is still on the page.
    assert b"What you wrote" in response.content
    assert b"Too busy" in response.content


def test_a_stale_move_keeps_the_text_in_the_form_on_the_current_version(
    personas: Personas,
) -> None:
    c = in_state(personas, "promised")
    tab_version = c.version
    moved = move(c, personas.member2, "propose_renegotiation", **MOVE_DATA["propose_renegotiation"])
    response = personas.client_for(personas.member).post(
        move_url(personas, c, "cancel"),
        {"version": tab_version, "note": "The launch was called off on Friday."},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this commitment" in html
    # The cancel form comes back open, with their words and the version they can resend.
    cancel_form = html.split(f'action="{move_url(personas, c, "cancel")}"', 1)[1].split("</form>")[
        0
    ]
    assert "The launch was called off on Friday." in cancel_form
    assert f'name="version" value="{moved.version}"' in cancel_form
    assert "What you wrote" not in html
    resent = personas.client_for(personas.member).post(
        move_url(personas, c, "cancel"),
        {"version": moved.version, "note": "The launch was called off on Friday."},
    )
    assert resent.status_code == 302
    c.refresh_from_db()
    assert c.state == "cancelled"


def test_a_stale_move_through_htmx_shows_the_reason_in_the_panel(personas: Personas) -> None:
    c = in_state(personas, "requested")
    move(c, personas.member2, "promise")
    response = personas.client_for(personas.member2).post(
        move_url(personas, c, "revoke"), {"version": 1, "note": "x"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert b"Someone else changed this commitment" in response.content


def test_a_move_by_the_wrong_person_is_refused_with_a_403(personas: Personas) -> None:
    c = in_state(personas, "completed")
    response = personas.client_for(personas.member2).post(
        move_url(personas, c, "declare_satisfied"), {"version": c.version}
    )
    assert response.status_code == 403
    assert b"Only the requester (Mia Member) can declare satisfied." in response.content
    c.refresh_from_db()
    assert c.state == "completed"


def test_a_move_in_the_wrong_state_is_refused_with_a_409(personas: Personas) -> None:
    c = in_state(personas, "satisfied")
    response = personas.client_for(personas.member).post(
        move_url(personas, c, "cancel"), {"version": c.version}
    )
    assert response.status_code == 409
    assert b"This commitment is already closed (satisfied)." in response.content


def test_a_move_missing_its_required_text_names_the_field(personas: Personas) -> None:
    c = in_state(personas, "completed")
    response = personas.client_for(personas.member).post(
        move_url(personas, c, "declare_dissatisfied"), {"version": c.version, "note": "  "}
    )
    assert response.status_code == 400
    assert b"Say what is missing." in response.content
    assert b'<details class="move" open>' in response.content
    c.refresh_from_db()
    assert c.state == "completed"


def test_a_counter_offer_with_a_past_date_is_refused(personas: Personas) -> None:
    c = in_state(personas, "requested")
    response = personas.client_for(personas.member2).post(
        move_url(personas, c, "counter"),
        {"version": c.version, "due_date": days(-2).isoformat(), "terms": "Less"},
    )
    assert response.status_code == 400
    assert b"This date is in the past" in response.content
    assert b"Less" in response.content
    c.refresh_from_db()
    assert c.state == "requested"


def test_a_move_without_its_version_is_refused(personas: Personas) -> None:
    c = in_state(personas, "requested")
    response = personas.client_for(personas.member2).post(move_url(personas, c, "promise"), {})
    assert response.status_code == 400
    assert b"reload the page" in response.content
    c.refresh_from_db()
    assert c.state == "requested"


def test_an_unknown_move_is_a_404_and_a_get_is_refused(personas: Personas) -> None:
    c = in_state(personas, "requested")
    client = personas.client_for(personas.member2)
    assert client.post(move_url(personas, c, "explode"), {"version": 1}).status_code == 404
    assert client.post(move_url(personas, c, "request"), {"version": 1}).status_code == 404
    assert client.get(move_url(personas, c, "promise")).status_code == 405


def test_every_commitment_url_is_a_404_for_an_outsider(personas: Personas) -> None:
    c = in_state(personas, "requested")
    outsider = personas.client_for(personas.outsider)
    for url in (
        personas.url("commitments:my_work"),
        personas.url("commitments:list"),
        new_url(personas),
        detail_url(personas, c),
    ):
        assert outsider.get(url).status_code == 404, url
    assert outsider.post(new_url(personas), valid_request()).status_code == 404
    assert outsider.post(move_url(personas, c, "promise"), {"version": 1}).status_code == 404
    # Their own organization's URL for our commitment: no such commitment there.
    theirs = reverse("commitments:detail", kwargs={"org": "globex", "pk": c.pk})
    assert outsider.get(theirs).status_code == 404
    assert Commitment.objects.get().state == "requested"


def test_an_anonymous_visitor_is_asked_to_log_in(personas: Personas) -> None:
    response = Client().get(personas.url("commitments:my_work"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- the list ------------------------------------------------------------------------------------


def test_the_list_filters_by_role_state_overdue_and_unit(
    personas: Personas, time_machine: object
) -> None:
    mine = move(
        request(personas.member, personas.member2, title="Mine", due=2), personas.member2, "promise"
    )
    to_me = request(personas.member2, personas.member, title="To me", due=2)
    to_unit = request(personas.admin, unit=personas.other_unit, title="For Finance", due=2)
    closed = move(
        request(personas.member, personas.manager, title="Closed"), personas.member, "cancel"
    )
    url = personas.url("commitments:list")

    def titles(query: str) -> set[str]:
        # A fresh login each time, since moving the clock ends idle sessions.
        client = Client()
        assert personas.member.user is not None
        client.force_login(personas.member.user)
        response = client.get(url + query)
        assert response.status_code == 200
        return {c.title for c in response.context["page"].items}

    assert titles("") == {"Mine", "To me", "For Finance"}
    assert titles("?role=requester") == {"Mine"}
    assert titles("?role=performer") == {"To me"}
    assert titles("?role=waiting") == {"To me"}
    assert titles("?state=closed") == {"Closed"}
    assert titles("?state=all") == {"Mine", "To me", "For Finance", "Closed"}
    assert titles(f"?unit={personas.other_unit.pk}") == {"For Finance"}
    assert titles("?overdue=on") == set()
    time_machine.move_to(dt.datetime.combine(days(3), dt.time(12)))  # type: ignore[attr-defined]
    # Only a promise can be overdue; the two requests nobody answered are not.
    assert titles("?overdue=on") == {"Mine"}
    assert (mine.state, to_me.state, to_unit.state, closed.state) == (
        "promised",
        "requested",
        "requested",
        "cancelled",
    )


@pytest.mark.parametrize(
    "query", ["?state=nonsense", "?page=-3", "?unit=99999999999999999999999", "?role=boss"]
)
def test_the_list_refuses_bad_filters_without_a_500(personas: Personas, query: str) -> None:
    client = personas.client_for(personas.member)
    response = client.get(personas.url("commitments:list") + query)
    assert response.status_code == 400
    assert b"These filters are not valid" in response.content


def test_the_list_names_the_unit_it_is_filtered_by(personas: Personas) -> None:
    request(personas.admin, unit=personas.unit, title="For Support")
    client = personas.client_for(personas.member)
    response = client.get(personas.url("commitments:list") + f"?unit={personas.unit.pk}")
    assert b"Requests made of <a" in response.content
    assert b">Support</a>" in response.content
    assert b"show every unit" in response.content


def test_the_list_pages_through_many_commitments_in_bounded_queries(
    personas: Personas, django_assert_max_num_queries: object
) -> None:
    for i in range(60):
        request(personas.member, personas.member2, title=f"Ask {i:02}", due=1 + i % 20)
    client = personas.client_for(personas.member)
    url = personas.url("commitments:list")
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        first = client.get(url)
    assert len(first.context["page"].items) == 50
    assert b"1\xe2\x80\x9350 of 60" in first.content
    second = client.get(url + "?page=2")
    assert len(second.context["page"].items) == 10
    dues = [c.due_date for c in first.context["page"].items]
    assert dues == sorted(dues)


def test_lists_and_pages_show_only_my_commitments_and_the_units(personas: Personas) -> None:
    p = personas
    private = request(p.member, p.member2, title="Between Mia and Noah")
    declined = move(
        request(p.member2, p.member, title="Declined privately"),
        p.member,
        "decline",
        reason="My private reason",
    )
    for_unit = request(p.admin, unit=p.unit, title="For Support")
    client = p.client_for(p.facilitator)
    response = client.get(p.url("commitments:list") + "?state=all")
    assert response.status_code == 200
    assert {c.title for c in response.context["page"].items} == {"For Support"}
    assert b"Between Mia and Noah" not in response.content
    for hidden in (private, declined):
        assert client.get(detail_url(p, hidden)).status_code == 404
        assert (
            client.post(move_url(p, hidden, "cancel"), {"version": hidden.version}).status_code
            == 404
        )
    assert client.get(detail_url(p, for_unit)).status_code == 200
    # A manager has no view of their reports' personal commitments either.
    assert p.client_for(p.manager).get(detail_url(p, private)).status_code == 404
    # The unit page lists only requests made of the unit.
    unit_page = p.client_for(p.facilitator).get(p.url("orgs:unit", pk=p.unit.pk))
    assert b"For Support" in unit_page.content
    assert b"Between Mia and Noah" not in unit_page.content
    # The parties themselves see it.
    assert p.client_for(p.member2).get(detail_url(p, private)).status_code == 200
    assert p.client_for(p.member).get(detail_url(p, declined)).status_code == 200


def test_a_context_link_with_a_backslash_is_refused(personas: Personas) -> None:
    client = personas.client_for(personas.member)
    for bad in ("/\\evil.example", "/\\/evil.example", "https://ok.example\\@evil.example"):
        response = client.post(new_url(personas), valid_request(context_url=bad))
        assert response.status_code == 400
        assert b"may not contain backslashes" in response.content
    assert not Commitment.objects.exists()
    response = client.post(new_url(personas), valid_request(context_url="/o/acme/people/"))
    assert response.status_code == 302


def test_a_due_date_more_than_five_years_ahead_is_refused(personas: Personas) -> None:
    client = personas.client_for(personas.member)
    for far in ("9999-12-31", days(6 * 366).isoformat()):
        response = client.post(new_url(personas), valid_request(due_date=far))
        assert response.status_code == 400
        assert b"Choose a date within 5 years" in response.content
    assert not Commitment.objects.exists()
    assert (
        client.post(new_url(personas), valid_request(due_date=days(365).isoformat())).status_code
        == 302
    )


@pytest.mark.parametrize(
    ("state", "actor", "name", "field"),
    [
        ("requested", "member2", "counter", "due_date"),
        ("promised", "member", "propose_renegotiation", "due_date"),
        ("requested", "member2", "commit_to_commit", "answer_by"),
    ],
)
def test_a_move_date_more_than_five_years_ahead_is_refused(
    personas: Personas, state: str, actor: str, name: str, field: str
) -> None:
    c = in_state(personas, state)
    response = personas.client_for(getattr(personas, actor)).post(
        move_url(personas, c, name),
        {"version": c.version, field: "9999-12-31", "terms": "Other terms"},
    )
    assert response.status_code == 400
    assert b"Choose a date within 5 years" in response.content
    c.refresh_from_db()
    assert c.state == state


def test_the_list_says_truthfully_whose_commitments_it_shows(personas: Personas) -> None:
    html = personas.client_for(personas.member).get(personas.url("commitments:list")).content
    text = html.decode()
    assert "A commitment between two other people is theirs alone" in text
    assert "Every commitment in Acme is open" not in text


def test_the_open_list_reads_open_unit_requests_from_their_own_index(
    personas: Personas,
) -> None:
    # Through the general per-unit index, the whole organization's open list would walk
    # every request ever made of any unit, closed ones included.
    from django.db import connection

    from mutuality.commitments.commitments.selectors import commitments_filtered

    request(personas.member, unit=personas.unit)
    request(personas.member, personas.member2)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    plan = str(commitments_filtered(viewer=personas.member2)[:50].explain())
    assert "commitment_open_unit" in plan, plan
