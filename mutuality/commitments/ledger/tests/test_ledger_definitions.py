"""The trust ledger's definitions (docs/commitments.md), checked on hand-built histories.

Every history is made with the real services while time is moved, so the ledger reads
exactly what the app records.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mutuality.commitments.commitments import services
from mutuality.commitments.issues import services as issues
from mutuality.commitments.issues.tests.factories import raise_issue
from mutuality.commitments.ledger.figures import Ledger, ledger_for, ledger_window
from mutuality.commitments.ledger.selectors import Subject
from mutuality.commitments.models import Commitment
from mutuality.orgs.models import Person, Unit
from mutuality.testing import Personas

D0 = dt.date(2025, 3, 3)
TODAY = D0 + dt.timedelta(days=30)


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


class History:
    """Makes moves at chosen moments, as the people concerned."""

    def __init__(self, personas: Personas, time_machine: Any) -> None:
        self.p = personas
        self.tm = time_machine

    def at(self, when: dt.date, hour: float = 12) -> None:
        moment = dt.datetime.combine(when, dt.time(0), tzinfo=dt.UTC) + dt.timedelta(hours=hour)
        self.tm.move_to(moment, tick=False)

    def request(
        self,
        *,
        on: int = 0,
        due: int = 10,
        performer: Person | None = None,
        requester: Person | None = None,
        unit: Unit | None = None,
        hour: float = 9,
    ) -> Commitment:
        self.at(day(on), hour)
        return services.commitment_request(
            org=self.p.org,
            requester=requester or self.p.member2,
            performer=None if unit is not None else (performer or self.p.member),
            performer_unit=unit,
            title="Send the monthly figures",
            conditions="Figures for every region.",
            due_date=day(due),
        )

    def move(
        self, c: Commitment, actor: Person, name: str, on: int, hour: float = 12, **data: Any
    ) -> Commitment:
        self.at(day(on), hour)
        fresh = Commitment.objects.get(pk=c.pk)
        return services.commitment_move(
            commitment=fresh, actor=actor, move=name, expected_version=fresh.version, **data
        )

    def promised(
        self,
        *,
        due: int = 10,
        performer: Person | None = None,
        requester: Person | None = None,
        on: int = 0,
    ) -> Commitment:
        c = self.request(on=on, due=due, performer=performer, requester=requester)
        return self.move(c, c.performer, "promise", on=on, hour=11)  # type: ignore[arg-type]

    def delivered(
        self, c: Commitment, *, completed: int, satisfied: int | None, hour: float = 12
    ) -> Commitment:
        c = self.move(c, c.performer, "declare_complete", on=completed, hour=hour)  # type: ignore[arg-type]
        if satisfied is not None:
            c = self.move(c, c.requester, "declare_satisfied", on=satisfied, hour=hour + 1)
        return c

    def renegotiate(
        self, c: Commitment, *, proposed: int, accepted: int, new_due: int, hour: float = 12
    ) -> Commitment:
        c = self.move(
            c,
            c.performer,  # type: ignore[arg-type]
            "propose_renegotiation",
            on=proposed,
            hour=hour,
            due_date=day(new_due),
        )
        return self.move(c, c.requester, "accept_renegotiation", on=accepted, hour=hour)

    def ledger(
        self, subject: Subject | None = None, window: str = "90", today: dt.date = TODAY
    ) -> Ledger:
        self.at(today, 15)
        return ledger_for(
            subject=subject or Subject(person=self.p.member), window=ledger_window(window)
        )


@pytest.fixture
def h(personas: Personas, time_machine: Any) -> History:
    return History(personas, time_machine)


# --- kept ---------------------------------------------------------------------------------------


def test_a_promise_satisfied_before_its_due_date_is_kept(h: History) -> None:
    h.delivered(h.promised(due=10), completed=5, satisfied=6)
    ledger = h.ledger()
    assert (ledger.kept, ledger.late, ledger.judged, ledger.kept_share) == (1, 0, 1, 1.0)


def test_satisfied_late_on_the_due_date_itself_is_still_kept(h: History) -> None:
    h.delivered(h.promised(due=10), completed=10, satisfied=10, hour=22)
    assert h.ledger().kept == 1


def test_satisfied_the_day_after_the_due_date_is_late(h: History) -> None:
    h.delivered(h.promised(due=10), completed=11, satisfied=11, hour=1)
    ledger = h.ledger()
    assert (ledger.kept, ledger.late, ledger.kept_share) == (0, 1, 0.0)


def test_completion_counts_only_once_the_requester_is_satisfied(h: History) -> None:
    # Delivered on time, accepted after the date: the promise was not kept by the date.
    h.delivered(h.promised(due=10), completed=9, satisfied=12)
    ledger = h.ledger()
    assert (ledger.kept, ledger.late) == (0, 1)


# --- renegotiation ------------------------------------------------------------------------------


def test_a_renegotiation_agreed_before_the_due_date_moves_it(h: History) -> None:
    c = h.renegotiate(h.promised(due=10), proposed=8, accepted=9, new_due=20)
    h.delivered(c, completed=18, satisfied=19)
    ledger = h.ledger()
    assert (ledger.kept, ledger.late) == (1, 0)
    assert (ledger.renegotiated_in_time, ledger.renegotiated_late) == (1, 0)


def test_a_renegotiation_agreed_on_the_due_date_itself_is_in_time(h: History) -> None:
    c = h.renegotiate(h.promised(due=10), proposed=10, accepted=10, new_due=20, hour=20)
    h.delivered(c, completed=15, satisfied=15)
    ledger = h.ledger()
    assert (ledger.kept, ledger.renegotiated_in_time, ledger.renegotiated_late) == (1, 1, 0)


def test_a_renegotiation_agreed_after_the_due_date_does_not_excuse_it(h: History) -> None:
    c = h.renegotiate(h.promised(due=10), proposed=11, accepted=12, new_due=20)
    h.delivered(c, completed=14, satisfied=15)
    ledger = h.ledger()
    assert (ledger.kept, ledger.late) == (0, 1)
    assert (ledger.renegotiated_in_time, ledger.renegotiated_late) == (0, 1)


def test_proposed_in_time_but_accepted_late_is_late(h: History) -> None:
    c = h.renegotiate(h.promised(due=10), proposed=9, accepted=11, new_due=20)
    h.delivered(c, completed=14, satisfied=15)
    ledger = h.ledger()
    assert (ledger.kept, ledger.late, ledger.renegotiated_late) == (0, 1, 1)


def test_one_late_renegotiation_spoils_earlier_ones_in_time(h: History) -> None:
    c = h.renegotiate(h.promised(due=10), proposed=5, accepted=6, new_due=12)
    c = h.renegotiate(c, proposed=13, accepted=13, new_due=22)
    h.delivered(c, completed=20, satisfied=20)
    ledger = h.ledger()
    assert (ledger.kept, ledger.renegotiated_in_time, ledger.renegotiated_late) == (0, 0, 1)


# --- revoked, overdue, not judged ---------------------------------------------------------------


def test_revoked_promises_count_against_the_performer(h: History) -> None:
    h.delivered(h.promised(due=10), completed=5, satisfied=5)
    h.move(h.promised(due=12), h.p.member, "revoke", on=3, note="Moved to another project.")
    ledger = h.ledger()
    assert (ledger.kept, ledger.revoked, ledger.judged, ledger.kept_share) == (1, 1, 2, 0.5)


def test_withdrawn_offers_cancelled_requests_and_declines_are_not_judged(h: History) -> None:
    h.at(day(0))
    offer = services.commitment_offer(
        org=h.p.org,
        performer=h.p.member,
        requester=h.p.member2,
        title="Pair on the migration",
        conditions="Two afternoons.",
        due_date=day(10),
    )
    h.move(offer, h.p.member, "revoke", on=1, note="Plans changed.")
    h.move(h.promised(due=10), h.p.member2, "cancel", on=2)
    h.move(h.request(due=10), h.p.member, "decline", on=1, reason="No capacity.")
    ledger = h.ledger()
    assert (ledger.judged, ledger.revoked, ledger.kept_share) == (0, 0, None)


def test_overdue_now_counts_promises_and_unaccepted_deliveries_past_their_date(h: History) -> None:
    h.promised(due=10)
    h.delivered(h.promised(due=10), completed=9, satisfied=None)
    h.promised(due=40)  # not due yet
    h.request(due=10)  # never promised
    ledger = h.ledger()
    assert (ledger.overdue_now, ledger.overdue_awaiting_acceptance) == (2, 1)
    assert ledger.judged == 2 and ledger.kept_share == 0.0


def test_a_promise_due_today_is_not_overdue_yet(h: History) -> None:
    h.promised(due=30)
    assert h.ledger().overdue_now == 0


def test_the_kept_share_is_kept_over_everything_judged(h: History) -> None:
    h.delivered(h.promised(due=10), completed=5, satisfied=5)
    h.delivered(h.promised(due=10), completed=6, satisfied=7)
    h.delivered(h.promised(due=10), completed=12, satisfied=12)  # late
    h.move(h.promised(due=10), h.p.member, "revoke", on=3, note="Sorry.")
    h.promised(due=10)  # overdue
    ledger = h.ledger()
    assert (ledger.kept, ledger.late, ledger.revoked, ledger.overdue_now) == (2, 1, 1, 1)
    assert ledger.kept_share == pytest.approx(2 / 5)


def test_only_the_performers_commitments_count(h: History) -> None:
    h.delivered(
        h.promised(due=10, performer=h.p.member2, requester=h.p.manager), completed=5, satisfied=5
    )
    h.delivered(h.promised(due=10, performer=h.p.member), completed=12, satisfied=12)
    assert (h.ledger().kept, h.ledger().late) == (0, 1)
    other = h.ledger(Subject(person=h.p.member2))
    # member2 kept theirs; the late one, which member2 asked for, is member's alone.
    assert (other.kept, other.late) == (1, 0)


# --- answers ------------------------------------------------------------------------------------


def test_the_median_time_to_answer_a_request_in_hours(h: History) -> None:
    a = h.request(on=0, hour=9)
    h.move(a, h.p.member, "promise", on=0, hour=11)  # 2 h
    b = h.request(on=1, hour=9)
    h.move(b, h.p.member, "decline", on=1, hour=13, reason="No capacity.")  # 4 h
    c = h.request(on=2, hour=9)
    h.move(c, h.p.member, "counter", on=2, hour=19, due_date=day(20))  # 10 h
    d = h.request(on=3, hour=9)
    h.move(d, h.p.member, "commit_to_commit", on=4, hour=9, answer_by=day(6))  # 24 h
    h.move(d, h.p.member, "promise", on=5, hour=9)  # a second answer does not count
    h.request(on=4)  # still waiting
    h.at(day(0))
    services.commitment_self_commit(
        org=h.p.org,
        performer=h.p.member,
        beneficiary=h.p.manager,
        title="Share the notes",
        conditions="In the folder.",
        due_date=day(5),
    )
    ledger = h.ledger()
    assert ledger.requests_answered == 4
    assert ledger.requests_waiting == 1
    assert ledger.median_answer_hours == pytest.approx(7.0)


def test_no_answers_means_no_median(h: History) -> None:
    h.request(on=0)
    ledger = h.ledger()
    assert (ledger.requests_answered, ledger.median_answer_hours) == (0, None)


# --- issues -------------------------------------------------------------------------------------


def _issue_flow(h: History, *, raised: int, addressee: Person, owner: Person, **steps: int) -> None:
    h.at(day(raised), 9)
    issue = raise_issue(h.p.member2, addressee)
    h.at(day(raised), 10)
    issue = issues.issue_move(
        move="take_ownership", issue=issue, actor=owner, expected_version=issue.version
    )
    if "proposed" in steps:
        h.at(day(steps["proposed"]), 9)
        issue = issues.issue_move(
            move="propose_resolution",
            issue=issue,
            actor=owner,
            expected_version=issue.version,
            resolution="A fix.",
        )
    if "satisfied" in steps:
        h.at(day(steps["satisfied"]), 9)
        issues.issue_move(
            move="declare_satisfied", issue=issue, actor=h.p.member2, expected_version=issue.version
        )
    if "withdrawn" in steps:
        h.at(day(steps["withdrawn"]), 9)
        issues.issue_move(
            move="withdraw", issue=issue, actor=h.p.member2, expected_version=issue.version
        )


def test_issue_closure_rate_and_median_time_to_closure(h: History) -> None:
    m = h.p.member
    _issue_flow(h, raised=0, addressee=m, owner=m, proposed=1, satisfied=2)  # 2 days
    _issue_flow(h, raised=1, addressee=m, owner=m, proposed=3, satisfied=5)  # 4 days
    _issue_flow(h, raised=2, addressee=m, owner=m, proposed=3)  # unanswered
    _issue_flow(h, raised=3, addressee=m, owner=m, withdrawn=4)
    _issue_flow(h, raised=4, addressee=m, owner=m)  # still open
    _issue_flow(h, raised=4, addressee=h.p.manager, owner=h.p.manager, proposed=5, satisfied=6)
    h.at(day(17), 9)
    assert issues.issue_close_unconfirmed() == 1
    ledger = h.ledger()
    assert ledger.issues_raised == 5
    assert ledger.issues_resolved == 2
    assert ledger.issues_closed_unconfirmed == 1
    assert ledger.issues_withdrawn == 1
    assert ledger.issues_open == 1
    assert ledger.closure_rate == pytest.approx(0.4)
    assert ledger.median_days_to_closure == pytest.approx(3.0)


def test_an_issue_declined_after_its_escalation_is_closed_and_counted_apart(h: History) -> None:
    m, p = h.p.member, h.p
    h.at(day(0), 9)
    issue = raise_issue(p.member2, m)
    issue = issues.issue_move(
        move="decline",
        issue=issue,
        actor=m,
        expected_version=issue.version,
        reason="Not mine to change.",
    )
    h.at(day(1), 9)
    issue = issues.issue_move(
        move="escalate",
        issue=issue,
        actor=p.member2,
        expected_version=issue.version,
        facilitator=p.facilitator,
    )
    h.at(day(2), 9)
    issues.issue_move(
        move="decline",
        issue=issue,
        actor=p.facilitator,
        expected_version=issue.version,
        reason="Nor mine.",
    )
    _issue_flow(h, raised=3, addressee=m, owner=m)  # still open
    ledger = h.ledger()
    assert (ledger.issues_raised, ledger.issues_declined_final, ledger.issues_open) == (2, 1, 1)
    assert ledger.closure_rate == 0.0


def test_issues_owned_count_for_the_owner_too(h: History) -> None:
    h.at(day(0))
    issue = raise_issue(h.p.member2, unit=h.p.unit)
    issues.issue_move(
        move="take_ownership", issue=issue, actor=h.p.member, expected_version=issue.version
    )
    assert h.ledger().issues_raised == 1


# --- the window and the months ------------------------------------------------------------------


def test_the_window_counts_what_closed_inside_it_and_everything_overdue_now(
    h: History,
) -> None:
    h.delivered(h.promised(due=10), completed=5, satisfied=5)  # closed on day 5
    h.promised(due=8)  # overdue since day 8
    late = h.ledger(window="30", today=day(40))  # from day 11
    # What closed before the window is out of it; a promise still broken is overdue now,
    # however long ago it fell due: a short window must not hide it.
    assert (late.kept, late.overdue_now, late.judged) == (0, 1, 1)
    wide = h.ledger(window="90", today=day(40))
    assert (wide.kept, wide.overdue_now) == (1, 1)
    everything = h.ledger(window="all", today=day(400))
    assert (everything.kept, everything.overdue_now) == (1, 1)


def test_an_early_delivery_counts_in_the_month_it_was_satisfied(h: History) -> None:
    h.delivered(h.promised(due=45), completed=5, satisfied=5)
    assert h.ledger().kept == 1


def test_the_monthly_series_covers_the_window(h: History) -> None:
    h.delivered(h.promised(due=10), completed=5, satisfied=5)  # March: kept
    h.delivered(h.promised(due=25, on=20), completed=35, satisfied=35)  # April: late
    ledger = h.ledger(window="90", today=day(40))
    months = {m.month: m for m in ledger.months}
    assert list(months) == [
        dt.date(2025, 1, 1),
        dt.date(2025, 2, 1),
        dt.date(2025, 3, 1),
        dt.date(2025, 4, 1),
    ]
    assert (months[dt.date(2025, 3, 1)].kept, months[dt.date(2025, 3, 1)].kept_share) == (1, 1.0)
    assert (months[dt.date(2025, 4, 1)].late, months[dt.date(2025, 4, 1)].kept_share) == (1, 0.0)
    assert months[dt.date(2025, 1, 1)].kept_share is None


def test_all_time_starts_at_the_first_month_with_activity(h: History) -> None:
    h.delivered(h.promised(due=10), completed=5, satisfied=5)
    ledger = h.ledger(window="all", today=day(70))
    assert [m.month for m in ledger.months] == [
        dt.date(2025, 3, 1),
        dt.date(2025, 4, 1),
        dt.date(2025, 5, 1),
    ]


def test_an_unknown_window_is_refused() -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        ledger_window("7")
    assert "window" in refused.value.message_dict
    assert ledger_window(None).key == "90"


# --- a unit's ledger ----------------------------------------------------------------------------


def test_a_units_ledger_covers_requests_to_it_and_its_peoples_commitments(
    settings: Any, h: History
) -> None:
    # Support has two members; these tests are about the figures, not the threshold.
    settings.MUTUALITY_LEDGER_MIN_GROUP = 2
    p = h.p
    h.delivered(h.promised(due=10, performer=p.member), completed=5, satisfied=5)
    to_unit = h.request(due=10, unit=p.unit, requester=p.admin)
    to_unit = h.move(to_unit, p.member2, "promise", on=1)
    h.delivered(to_unit, completed=12, satisfied=12)  # late, counted once
    by_lead = h.request(due=10, unit=p.unit, requester=p.admin)
    by_lead = h.move(by_lead, p.manager, "promise", on=1)  # a lead outside the unit
    h.move(by_lead, p.manager, "revoke", on=2, note="Reorganised.")
    h.delivered(h.promised(due=10, performer=p.facilitator), completed=5, satisfied=5)
    h.at(day(0))
    unit_issue = raise_issue(p.admin, unit=p.unit)
    raise_issue(p.admin, p.facilitator)
    issues.issue_move(move="take_ownership", issue=unit_issue, actor=p.member, expected_version=1)
    ledger = h.ledger(Subject(unit=p.unit))
    assert (ledger.kept, ledger.late, ledger.revoked) == (1, 1, 1)
    assert ledger.issues_raised == 1
    # Acme HQ: the facilitator's kept promise, and the revoked one, whose performer (the
    # Support lead) is a member of Acme HQ: it counts for both units.
    other = h.ledger(Subject(unit=p.root_unit))
    assert (other.kept, other.late, other.revoked) == (1, 0, 1)
