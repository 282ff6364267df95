from __future__ import annotations

import pytest

from mutuality.core.models import AuditEvent
from mutuality.testing import Personas


def test_it_records_who_created_each_person(personas: Personas) -> None:
    event = AuditEvent.objects.get(action="person.create", object_id=str(personas.member.pk))
    assert event.org == personas.org
    assert event.after is not None and event.after["name"] == "Mia Member"


def test_it_refuses_to_change_or_delete_an_event(personas: Personas) -> None:
    event = AuditEvent.objects.filter(org=personas.org).first()
    assert event is not None
    event.action = "tampered"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
