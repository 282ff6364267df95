"""The private iCalendar feed: all-day events, stable UIDs, a token that can be reset."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import icalendar
import pytest
import time_machine
from django.test import Client

from mutuality.accounts.models import hash_secret
from mutuality.commitments.calendar.services import feed_token_reset
from mutuality.commitments.commitments.tests.factories import days, in_state, move, request
from mutuality.commitments.models import Commitment
from mutuality.orgs.services import person_create
from mutuality.testing import Personas


def feed_path(token: str) -> str:
    return f"/feed/{token}.ics"


def events_of(response: object) -> dict[str, Any]:
    cal = icalendar.Calendar.from_ical(response.content)  # type: ignore[attr-defined]
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def _address_on(page: str) -> str:
    match = re.search(r'id="feed-url">http://127\.0\.0\.1:8000/feed/([^<]+)\.ics<', page)
    assert match is not None, "the page shows no feed address"
    return match.group(1)


def test_the_settings_page_makes_an_address_and_shows_it_once(personas: Personas) -> None:
    client = personas.client_for(personas.member)
    page = client.get(personas.url("calendar:settings")).content.decode()
    assert "Make my calendar address" in page
    response = client.post(personas.url("calendar:reset"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    token = _address_on(page)
    assert len(token) >= 40
    assert f"webcal://127.0.0.1:8000/feed/{token}.ics" in page
    assert "shown only this once" in page
    assert "Your calendar address is ready." in page
    assert Client().get(feed_path(token)).status_code == 200
    # Later visits say there is an address, but cannot show it again.
    page = client.get(personas.url("calendar:settings")).content.decode()
    assert token not in page
    assert "/feed/" not in page
    assert "Create a new feed address" in page


def test_only_a_hash_of_the_token_is_stored(personas: Personas) -> None:
    token = feed_token_reset(person=personas.member)
    assert personas.member.user is not None
    personas.member.user.refresh_from_db()
    assert personas.member.user.feed_token_hash == hash_secret(token)
    assert token not in personas.member.user.feed_token_hash


def test_due_dates_are_all_day_events_with_an_exclusive_end(personas: Personas) -> None:
    c = request(personas.member2, personas.member, due=5)
    token = feed_token_reset(person=personas.member)
    response = Client().get(feed_path(token))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert f"DTSTART;VALUE=DATE:{days(5):%Y%m%d}" in text
    assert f"DTEND;VALUE=DATE:{days(6):%Y%m%d}" in text
    event = events_of(response)[f"commitment-{c.pk}@127.0.0.1"]
    assert event.decoded("DTSTART") == days(5)
    assert event.decoded("DTEND") == days(6)
    # Not promised yet: a tentative event until the member answers.
    assert str(event["SUMMARY"]) == "Asked of you: Review the onboarding guide"
    assert str(event["STATUS"]) == "TENTATIVE"
    assert str(event["URL"]).endswith(f"/o/acme/commitments/{c.pk}/")
    move(c, personas.member, "promise")
    promised = events_of(Client().get(feed_path(token)))[f"commitment-{c.pk}@127.0.0.1"]
    assert (str(promised["SUMMARY"]), str(promised["STATUS"])) == (
        "Due: Review the onboarding guide",
        "CONFIRMED",
    )


def test_a_full_feed_keeps_every_open_commitment_and_drops_old_closed_ones(
    personas: Personas, monkeypatch: Any
) -> None:
    from mutuality.commitments.calendar import selectors as feed

    closed = [in_state(personas, "cancelled") for _ in range(3)]
    open_ones = [request(personas.member, personas.member2, due=40 + i) for i in range(2)]
    monkeypatch.setattr(feed, "MAX_EVENTS", 3)
    assert personas.member2.user is not None
    shown = feed.feed_commitments(user=personas.member2.user)
    assert [c.pk for c in shown] == [open_ones[0].pk, open_ones[1].pk, closed[-1].pk]


def test_the_uid_is_stable_and_the_sequence_follows_the_version(personas: Personas) -> None:
    c = in_state(personas, "promised")
    token = feed_token_reset(person=personas.member2)
    first = events_of(Client().get(feed_path(token)))
    again = events_of(Client().get(feed_path(token)))
    uid = f"commitment-{c.pk}@127.0.0.1"
    assert set(first) == set(again) == {uid}
    c = move(c, personas.member2, "propose_renegotiation", due_date=days(30))
    c = move(c, personas.member, "accept_renegotiation")
    moved = events_of(Client().get(feed_path(token)))[uid]
    assert moved.decoded("DTSTART") == days(30)
    assert int(str(moved["SEQUENCE"])) == c.version > int(str(first[uid]["SEQUENCE"]))


def test_it_shows_what_i_owe_and_what_i_am_owed_but_no_private_text(personas: Personas) -> None:
    owed = request(personas.member, personas.member2, title="Owed to me")
    owe = request(personas.member2, personas.member, title="Owed by me")
    request(personas.admin, personas.manager, title="Not mine")
    token = feed_token_reset(person=personas.member)
    response = Client().get(feed_path(token))
    summaries = {str(e["SUMMARY"]) for e in events_of(response).values()}
    assert summaries == {"Asked of you: Owed by me", "Owed to you: Owed to me (Noah Member)"}
    # Conditions of satisfaction and notes never leave the app through the feed.
    assert "Comments on every section" not in response.content.decode()
    assert owed.pk != owe.pk


def test_ended_commitments_are_cancelled_events(personas: Personas) -> None:
    c = in_state(personas, "revoked")
    token = feed_token_reset(person=personas.member)
    event = events_of(Client().get(feed_path(token)))[f"commitment-{c.pk}@127.0.0.1"]
    assert str(event["STATUS"]) == "CANCELLED"


def test_old_closed_commitments_leave_the_feed(personas: Personas) -> None:
    c = in_state(personas, "satisfied")
    Commitment.objects.filter(pk=c.pk).update(closed_at=c.closed_at - dt.timedelta(days=31))  # type: ignore[operator]
    token = feed_token_reset(person=personas.member)
    assert events_of(Client().get(feed_path(token))) == {}


def test_the_feed_covers_every_organization_of_the_login(personas: Personas) -> None:
    here = request(personas.member2, personas.member, title="In Acme")
    there_person = person_create(
        org=personas.other_org,
        actor=None,
        name="Mia Member",
        email="mia@acme.test",
        user=personas.member.user,
    )
    there = request(personas.outsider, there_person, title="In Globex")
    token = feed_token_reset(person=personas.member)
    uids = set(events_of(Client().get(feed_path(token))))
    assert {f"commitment-{here.pk}@127.0.0.1", f"commitment-{there.pk}@127.0.0.1"} == uids


def test_resetting_the_token_invalidates_the_old_address(personas: Personas) -> None:
    old = feed_token_reset(person=personas.member)
    client = personas.client_for(personas.member)
    page = client.post(personas.url("calendar:reset")).content.decode()
    assert "Your previous address no longer works" in page
    new = _address_on(page)
    assert new != old
    assert Client().get(feed_path(old)).status_code == 404
    assert Client().get(feed_path(new)).status_code == 200


@pytest.mark.parametrize("token", ["nope", "x" * 43, "", "a" * 200])
def test_a_bad_token_is_a_404(personas: Personas, token: str) -> None:
    feed_token_reset(person=personas.member)
    assert Client().get(feed_path(token)).status_code == 404


def test_an_empty_token_never_matches_an_account_without_one(personas: Personas) -> None:
    # Nobody has a token yet: every account's feed_token_hash is "".
    assert Client().get("/feed/.ics").status_code == 404


def test_a_deactivated_login_has_no_feed(personas: Personas) -> None:
    token = feed_token_reset(person=personas.member)
    assert personas.member.user is not None
    personas.member.user.is_active = False
    personas.member.user.save()
    assert Client().get(feed_path(token)).status_code == 404


def test_the_settings_pages_are_private(personas: Personas) -> None:
    client = personas.client_for(personas.outsider)
    assert client.get(personas.url("calendar:settings")).status_code == 404
    assert client.post(personas.url("calendar:reset")).status_code == 404
    assert (
        personas.client_for(personas.member).get(personas.url("calendar:reset")).status_code == 405
    )


def test_the_feed_takes_a_bounded_number_of_queries(
    personas: Personas, django_assert_max_num_queries: object
) -> None:
    token = feed_token_reset(person=personas.member)
    request(personas.member2, personas.member)
    with django_assert_max_num_queries(4) as few:  # type: ignore[operator]
        Client().get(feed_path(token))
    for i in range(20):
        request(personas.member2, personas.member, title=f"More {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):  # type: ignore[operator]
        Client().get(feed_path(token))


def test_a_date_at_the_end_of_the_calendar_does_not_break_the_feed(personas: Personas) -> None:
    c = request(personas.member2, personas.member, title="Far away")
    Commitment.objects.filter(pk=c.pk).update(due_date=dt.date.max)
    token = feed_token_reset(person=personas.member)
    response = Client().get(feed_path(token))
    assert response.status_code == 200
    event = events_of(response)[f"commitment-{c.pk}@127.0.0.1"]
    assert event.decoded("DTSTART") == dt.date.max
    assert "DTEND" not in event


def test_the_feed_looks_up_commitments_by_organization_and_party(
    personas: Personas, django_assert_max_num_queries: object
) -> None:
    token = feed_token_reset(person=personas.member)
    request(personas.member2, personas.member)
    with django_assert_max_num_queries(4) as queries:  # type: ignore[operator]
        Client().get(feed_path(token))
    (sql,) = [
        q["sql"] for q in queries.captured_queries if 'FROM "commitments_commitment"' in q["sql"]
    ]
    where = sql.split(" WHERE ", 1)[1]
    # Every branch of the OR names the organization, so each can use an (org, party) index.
    branches = where.count(" OR ") + 1
    assert where.count('"commitments_commitment"."org_id" =') == branches


@time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC))
def test_the_feed_lists_recently_closed_ones_too(personas: Personas) -> None:
    c = in_state(personas, "satisfied")
    token = feed_token_reset(person=personas.member)
    assert f"commitment-{c.pk}@127.0.0.1" in events_of(Client().get(feed_path(token)))
