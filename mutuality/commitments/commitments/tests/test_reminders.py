"""Due-soon and overdue reminders: the right people, once each, through the task queue."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from mutuality.commitments.commitments import reminders
from mutuality.commitments.commitments.reminders import remind
from mutuality.commitments.commitments.tests.factories import days, in_state, move, request
from mutuality.commitments.issues.tests.factories import in_state as issue_in_state
from mutuality.commitments.models import Commitment, SentReminder
from mutuality.testing import Personas


@pytest.fixture
def run(django_capture_on_commit_callbacks: Any) -> Any:
    """Run `remind()` as `mutuality remind` would, with the queued tasks executed."""

    def go(**kwargs: Any) -> reminders.RemindResult:
        with django_capture_on_commit_callbacks(execute=True):
            return remind(**kwargs)

    return go


@pytest.fixture
def queue(settings: Any) -> Any:
    """A task backend that only records what is enqueued (as the database queue would)."""
    from django_tasks import task_backends

    # Changing the setting resets django_tasks' backends (its setting_changed receiver).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = task_backends["default"]
    backend.results.clear()
    return backend


def queued_ids(queue: Any) -> list[int]:
    return [r.kwargs["reminder_id"] for r in queue.results]


def promised(p: Personas, *, due: int) -> Commitment:
    return move(request(p.member, p.member2, due=due), p.member2, "promise")


def at_day(time_machine: Any, n: int) -> None:
    time_machine.move_to(
        dt.datetime.combine(timezone.localdate() + dt.timedelta(days=n), dt.time(7), tzinfo=dt.UTC),
        tick=False,
    )


def test_a_promise_due_within_two_days_reminds_its_performer_once(
    personas: Personas, run: Any
) -> None:
    c = promised(personas, due=2)
    promised(personas, due=3)  # not yet
    result = run()
    assert (result.due_soon, result.overdue) == (1, 0)
    assert [m.to for m in mail.outbox] == [["noah@acme.test"]]
    message = mail.outbox[0]
    assert message.subject.startswith("Due ") and c.title in message.subject
    assert f"http://127.0.0.1:8000/o/acme/commitments/{c.pk}/" in message.body
    assert "Comments on every section" not in message.body  # no conditions, no notes
    again = run()
    assert (again.due_soon, again.overdue) == (0, 0)
    assert len(mail.outbox) == 1
    reminder = SentReminder.objects.get()
    assert (reminder.kind, reminder.due_date, reminder.recipients) == ("due_soon", days(2), 1)
    assert reminder.sent_at is not None


def test_an_overdue_promise_reminds_both_parties_once(
    personas: Personas, run: Any, time_machine: Any
) -> None:
    promised(personas, due=1)
    at_day(time_machine, 2)
    result = run()
    # Its due-soon reminder was never sent (it was already past); only the overdue one.
    assert result.overdue == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["mia@acme.test", "noah@acme.test"]
    assert all(m.subject.startswith("Overdue since") for m in mail.outbox)
    run()
    assert len(mail.outbox) == 2


def test_a_delivery_waiting_for_acceptance_reminds_only_the_requester(
    personas: Personas, run: Any, time_machine: Any
) -> None:
    c = promised(personas, due=1)
    move(c, personas.member2, "declare_complete")
    at_day(time_machine, 3)
    run()
    assert [m.to for m in mail.outbox] == [["mia@acme.test"]]
    assert mail.outbox[0].subject.startswith("Waiting for your answer")


def test_a_renegotiated_date_earns_new_reminders(
    personas: Personas, run: Any, time_machine: Any
) -> None:
    c = promised(personas, due=1)
    run()
    assert len(mail.outbox) == 1
    c = move(c, personas.member2, "propose_renegotiation", due_date=days(5))
    move(c, personas.member, "accept_renegotiation")
    at_day(time_machine, 4)
    run()
    assert len(mail.outbox) == 2
    assert SentReminder.objects.filter(kind="due_soon").count() == 2


def test_requests_not_yet_promised_and_closed_commitments_get_no_reminder(
    personas: Personas, run: Any
) -> None:
    request(personas.member, personas.member2, due=1)
    in_state(personas, "satisfied")
    in_state(personas, "revoked")
    assert run().due_soon == 0
    assert mail.outbox == []


def test_overdue_reminders_look_back_only_a_week(
    personas: Personas, run: Any, time_machine: Any
) -> None:
    promised(personas, due=1)
    at_day(time_machine, 2 + reminders.OVERDUE_LOOKBACK_DAYS)
    assert run().overdue == 0


def test_a_reminder_queued_before_the_commitment_closed_sends_nothing(
    personas: Personas, queue: Any, django_capture_on_commit_callbacks: Any
) -> None:
    c = promised(personas, due=1)
    with django_capture_on_commit_callbacks(execute=True):
        remind()
    assert queued_ids(queue) == [SentReminder.objects.get().pk]
    assert queue.results[0].task.name == "send_commitment_reminder"
    c = move(c, personas.member2, "declare_complete")
    move(c, personas.member, "declare_satisfied")
    assert reminders.send_commitment_reminder.call(queued_ids(queue)[0]) == 0
    assert mail.outbox == []
    # Claimed once: a second worker given the same reminder does nothing either.
    assert reminders.send_commitment_reminder.call(queued_ids(queue)[0]) == 0


def test_an_unsent_reminder_is_queued_again_after_half_an_hour(
    personas: Personas, queue: Any, time_machine: Any, django_capture_on_commit_callbacks: Any
) -> None:
    promised(personas, due=1)
    with django_capture_on_commit_callbacks(execute=True):
        remind()
        assert remind().retried == 0
        time_machine.move_to(timezone.now() + dt.timedelta(minutes=31), tick=False)
        assert remind().retried == 1
    ids = queued_ids(queue)
    assert len(ids) == 2 and ids[0] == ids[1]
    assert mail.outbox == []
    assert reminders.send_commitment_reminder.call(ids[-1]) == 1
    assert len(mail.outbox) == 1


def test_people_without_an_email_are_skipped(personas: Personas, run: Any) -> None:
    personas.member2.email = ""
    personas.member2.save()
    assert personas.member2.user is not None
    personas.member2.user.is_active = False
    personas.member2.user.save()
    promised(personas, due=1)
    run()
    assert mail.outbox == []
    assert SentReminder.objects.get().recipients == 0


def test_the_remind_command_reminds_and_closes_unanswered_issues(
    personas: Personas, time_machine: Any, django_capture_on_commit_callbacks: Any
) -> None:
    issue = issue_in_state(personas, "proposed")
    promised(personas, due=12)
    at_day(time_machine, 15)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind", stdout=out)
    assert "1 overdue reminder" in out.getvalue()
    assert "closed 1 issue" in out.getvalue()
    issue.refresh_from_db()
    assert issue.state == "closed_unconfirmed"
    assert any(m.subject.startswith("Closed without confirmation") for m in mail.outbox)


def test_the_reminder_scan_takes_a_bounded_number_of_queries_per_reminder(
    personas: Personas, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        promised(personas, due=1)
    remind()
    # Nothing left to remind about: the scan itself is a handful of queries.
    with django_assert_max_num_queries(6):
        remind()


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_reminders_and_sends_them_itself(
    personas: Personas, settings: Any, time_machine: Any
) -> None:
    # The real database queue, with real commits: `mutuality worker` alone finds, queues
    # and sends the reminders.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    issue = issue_in_state(personas, "proposed")
    promised(personas, due=12)
    at_day(time_machine, 15)
    out = StringIO()
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", stdout=out)
    assert "queued 0 due-soon and 1 overdue" in out.getvalue()
    subjects = [m.subject for m in mail.outbox]
    assert sum(s.startswith("Overdue") for s in subjects) == 2, subjects
    assert SentReminder.objects.filter(sent_at__isnull=False).count() == 2
    issue.refresh_from_db()
    assert issue.state == "closed_unconfirmed"


@pytest.mark.django_db(transaction=True)  # the worker closes its connection as it ends
def test_the_worker_can_leave_the_reminders_to_cron(
    personas: Personas, settings: Any, time_machine: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    promised(personas, due=12)
    at_day(time_machine, 15)
    call_command(
        "worker",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        "--remind-every",
        "0",
        stdout=StringIO(),
    )
    assert not SentReminder.objects.exists()
    assert mail.outbox == []
