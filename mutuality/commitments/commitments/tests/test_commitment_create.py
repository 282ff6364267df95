"""Making a commitment through the services: the rules on parties, terms and dates."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from mutuality.commitments.commitments import services
from mutuality.commitments.commitments.tests.factories import days
from mutuality.commitments.models import Commitment, CommitmentEvent
from mutuality.core.models import AuditEvent
from mutuality.orgs.services import person_deactivate
from mutuality.testing import Personas


def ask(p: Personas, **overrides: Any) -> Commitment:
    data: dict[str, Any] = {
        "org": p.org,
        "requester": p.member,
        "performer": p.member2,
        "title": "Review the guide",
        "conditions": "Comments on every section.",
        "due_date": days(3),
    }
    data.update(overrides)
    return services.commitment_request(**data)


def test_a_request_starts_requested_with_one_event_and_an_audit_entry(personas: Personas) -> None:
    c = ask(personas, context_url="/o/acme/agreements/3/", context_label="Support agreement")
    assert (c.state, c.version, c.original_due_date) == ("requested", 1, days(3))
    event = CommitmentEvent.objects.get(commitment=c)
    assert (event.move, event.actor, event.from_state, event.to_state) == (
        "request",
        personas.member,
        "",
        "requested",
    )
    audit = AuditEvent.objects.get(action="commitment.request")
    assert audit.after == {"state": "requested", "due_date": days(3).isoformat()}
    assert (audit.actor, audit.object_label) == (None, f"Commitment #{c.pk}")


def test_the_audit_log_keeps_a_personal_commitment_private_from_admins(
    personas: Personas,
) -> None:
    c = ask(personas, title="Talk about my review", conditions="SECRET: salary band")
    for move_name, actor, data in [
        ("counter", personas.member2, {"due_date": days(9), "terms": "SECRET terms"}),
        ("reject_counter", personas.member, {"note": "SECRET note"}),
        ("decline", personas.member2, {"reason": "SECRET reason"}),
    ]:
        c = services.commitment_move(
            commitment=c, actor=actor, move=move_name, expected_version=c.version, **data
        )
    page = personas.client_for(personas.admin).get(
        personas.url("audit:log") + "?object_type=commitments.commitment"
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert f"Commitment #{c.pk}" in text
    for secret in ("SECRET", "Talk about my review", "Mia Member", "Noah Member"):
        assert secret not in text
    for event in AuditEvent.objects.filter(object_id=str(c.pk)):
        assert event.actor is None
        assert "SECRET" not in str(event.before) + str(event.after) + event.object_label


def test_a_request_of_a_unit_is_audited_in_full(personas: Personas) -> None:
    services.commitment_request(
        org=personas.org,
        requester=personas.admin,
        performer_unit=personas.unit,
        title="Staff the Saturday desk",
        conditions="Two people from 9 to 1.",
        due_date=days(5),
    )
    audit = AuditEvent.objects.get(action="commitment.request")
    assert (audit.actor, audit.object_label) == (personas.admin.user, "Staff the Saturday desk")
    assert audit.after is not None and audit.after["performer_unit"] == personas.unit.pk


def test_a_due_date_of_today_is_accepted(personas: Personas) -> None:
    assert ask(personas, due_date=days(0)).due_date == days(0)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"due_date": days(-1)}, "due_date"),
        ({"due_date": None}, "due_date"),
        ({"conditions": "  \n "}, "conditions"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "a\x00b"}, "title"),
        ({"context_url": "javascript:alert(1)"}, "context_url"),
        ({"context_url": "//evil.example/"}, "context_url"),
        ({"context_url": "/\t/evil.example/x"}, "context_url"),
        ({"context_url": "/\n/evil.example/x"}, "context_url"),
        ({"context_url": "/o/acme/a b/"}, "context_url"),
        ({"performer": "SELF"}, "performer"),
        ({"performer": "OUTSIDER"}, "performer"),
        ({"performer": None}, "performer"),
        ({"performer_unit": "UNIT"}, "performer_unit"),
        ({"performer": None, "performer_unit": "OTHER_ORG_UNIT"}, "performer_unit"),
    ],
)
def test_it_refuses_a_bad_request_naming_the_field_and_writes_nothing(
    personas: Personas, overrides: dict[str, Any], field: str
) -> None:
    from mutuality.orgs.services import unit_create

    values = {
        "SELF": personas.member,
        "OUTSIDER": personas.outsider,
        "UNIT": personas.unit,
        "OTHER_ORG_UNIT": unit_create(org=personas.other_org, actor=None, name="Elsewhere"),
    }
    resolved = {k: values.get(v, v) if isinstance(v, str) else v for k, v in overrides.items()}
    with pytest.raises(ValidationError) as info:
        ask(personas, **resolved)
    assert field in info.value.message_dict, info.value.message_dict
    assert Commitment.objects.count() == CommitmentEvent.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="commitment.").exists()


def test_it_names_every_bad_field_at_once(personas: Personas) -> None:
    with pytest.raises(ValidationError) as info:
        ask(personas, title="", conditions="", due_date=days(-3))
    assert set(info.value.message_dict) == {"title", "conditions", "due_date"}


def test_an_inactive_colleague_cannot_be_asked(personas: Personas) -> None:
    person_deactivate(person=personas.member2, actor=personas.admin)
    personas.member2.refresh_from_db()
    with pytest.raises(ValidationError, match="not an active member"):
        ask(personas)


def test_offers_and_self_commitments_need_someone_else(personas: Personas) -> None:
    common: dict[str, Any] = {
        "org": personas.org,
        "title": "Pair on it",
        "conditions": "Two afternoons.",
        "due_date": days(5),
    }
    with pytest.raises(ValidationError) as offer:
        services.commitment_offer(performer=personas.member, requester=personas.member, **common)
    assert "requester" in offer.value.message_dict
    with pytest.raises(ValidationError) as promise:
        services.commitment_self_commit(
            performer=personas.member, beneficiary=personas.outsider, **common
        )
    assert "beneficiary" in promise.value.message_dict
    c = services.commitment_self_commit(
        performer=personas.manager, beneficiary=personas.member, **common
    )
    assert (c.state, c.requester, c.promised_at is not None) == ("promised", personas.member, True)
