"""The trust ledger: how a person, or a unit, keeps commitments and closes issues.

The definitions below are the ones docs/commitments.md states, word for word in meaning;
the tests in tests/test_ledger*.py check exactly these.

Whose figures
- A person's ledger covers the commitments they perform (`performer`) and the issues
  raised to them or owned by them.
- A unit's ledger covers the commitments requested of the unit (`performer_unit`) or
  performed by someone whose unit it is now, and the issues raised to the unit or owned
  by someone whose unit it is now. Sub-units have their own ledgers.
- A unit with fewer than `MUTUALITY_LEDGER_MIN_GROUP` (default 3) active members shows
  no figures: its ledger would be one or two people's ledgers, which are theirs alone.

Commitments (only promises count: commitments that were promised at some point)
- A promise is *judged* in the window when it closed in the window as satisfied or
  revoked, or when it is still open and its due date is before today (whatever the
  window: a promise broken long ago and still open is overdue now).
- *Kept*: the requester declared it satisfied on or before the due date in effect, and no
  renegotiation of it was accepted late. A renegotiation is *in time* when it is accepted
  on or before the due date it replaces; a late one means the promise was already broken,
  so the new date does not excuse it (the date before it applies, and that had passed).
- *Late*: satisfied, but not kept.
- *Revoked*: the performer withdrew the promise.
- *Overdue now*: still open — promised, or declared complete but not yet accepted — with
  its due date before today, however long ago: the window does not hide it. (Completion
  needs acceptance: until the requester declares satisfied, the commitment is not kept.)
  In the monthly series it is placed in the month of its due date.
- *Kept share* = kept / (kept + late + revoked + overdue now).
- *Renegotiated in time*: judged promises with at least one renegotiation, all in time;
  *renegotiated late*: judged promises with at least one late renegotiation.

Answers
- *Median time to answer a request*, in hours: over requests made in the window, the
  time from the request to the performer's first answer (promise, decline, counter-offer
  or a promise to answer by a date). Requests still waiting are counted, not timed.

Issues (raised in the window)
- *Closure rate* = issues resolved (the raiser declared satisfied) / issues raised.
  Issues closed without confirmation, withdrawn, or still open are counted separately.
- *Median time to closure*, in days: from raising to the raiser's satisfaction, over the
  resolved issues.

Every figure is computed by aggregate SQL (GROUP BY month) on indexed columns; medians
fetch one numeric column. A page costs a fixed number of queries whatever the volume.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from mutuality.commitments.ledger.selectors import Subject
from mutuality.commitments.models import (
    Commitment,
    CommitmentEvent,
    CommitmentKind,
    CommitmentMove,
    CommitmentState,
    Issue,
    IssueState,
)
from mutuality.core.db import HoursBetween, LocalDate, MonthStart
from mutuality.orgs.models import Person

S = CommitmentState
M = CommitmentMove

# Window choices: key → days (None = all time) and label.
WINDOWS: dict[str, tuple[int | None, str]] = {
    "30": (30, "Last 30 days"),
    "90": (90, "Last 90 days"),
    "365": (365, "Last 12 months"),
    "all": (None, "All time"),
}
DEFAULT_WINDOW = "90"
# The trend chart shows at most this many months (the most recent ones).
MAX_MONTHS = 60
# The first answers a performer can give to a request.
ANSWER_MOVES = (M.PROMISE, M.DECLINE, M.COUNTER, M.COMMIT_TO_COMMIT)


@dataclass(frozen=True)
class Window:
    key: str
    label: str
    start: dt.date | None  # None: all time
    end: dt.date  # today, inclusive

    def start_datetime(self) -> dt.datetime | None:
        if self.start is None:
            return None
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    def end_datetime(self) -> dt.datetime:
        """The first instant after the window."""
        return timezone.make_aware(
            dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min)
        )


def ledger_window(key: str | None, *, today: dt.date | None = None) -> Window:
    """The window a key names (30, 90, 365 or all; 90 when none is given)."""
    today = today or timezone.localdate()
    key = (key or DEFAULT_WINDOW).strip().lower()
    if key not in WINDOWS:
        raise ValidationError({"window": "Choose 30, 90, 365 or all."})
    days, label = WINDOWS[key]
    start = None if days is None else today - dt.timedelta(days=days - 1)
    return Window(key=key, label=label, start=start, end=today)


# --- the figures --------------------------------------------------------------------------------------


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Month:
    month: dt.date  # the first day of the month
    kept: int = 0
    late: int = 0
    revoked: int = 0
    overdue: int = 0
    issues_raised: int = 0
    issues_resolved: int = 0

    @property
    def judged(self) -> int:
        return self.kept + self.late + self.revoked + self.overdue

    @property
    def kept_share(self) -> float | None:
        return _share(self.kept, self.judged)

    @property
    def closure_rate(self) -> float | None:
        return _share(self.issues_resolved, self.issues_raised)


@dataclass
class Ledger:
    subject: Subject
    window: Window
    today: dt.date
    kept: int = 0
    late: int = 0
    revoked: int = 0
    overdue_now: int = 0
    # Of `overdue_now`: declared complete, waiting for the requester's acceptance.
    overdue_awaiting_acceptance: int = 0
    renegotiated_in_time: int = 0
    renegotiated_late: int = 0
    requests_answered: int = 0
    requests_waiting: int = 0
    median_answer_hours: float | None = None
    issues_raised: int = 0
    issues_resolved: int = 0
    issues_closed_unconfirmed: int = 0
    issues_withdrawn: int = 0
    issues_declined_final: int = 0
    median_days_to_closure: float | None = None
    months: list[Month] = field(default_factory=list)
    # Set when the figures are withheld (a unit too small to be more than a few people's
    # own ledgers): why, in a sentence the page and the API show instead of figures.
    hidden_reason: str = ""

    @property
    def hidden(self) -> bool:
        return bool(self.hidden_reason)

    @property
    def judged(self) -> int:
        return self.kept + self.late + self.revoked + self.overdue_now

    @property
    def kept_share(self) -> float | None:
        return _share(self.kept, self.judged)

    @property
    def issues_open(self) -> int:
        return (
            self.issues_raised
            - self.issues_resolved
            - self.issues_closed_unconfirmed
            - self.issues_withdrawn
            - self.issues_declined_final
        )

    @property
    def closure_rate(self) -> float | None:
        return _share(self.issues_resolved, self.issues_raised)


def _members(subject: Subject) -> list[int]:
    # Read first, as a list: a literal IN (…) lets the database answer each branch of the
    # scopes below from its own index, where a subquery made PostgreSQL scan every row.
    assert subject.unit is not None
    return list(
        Person.objects.filter(org_id=subject.unit.org_id, unit_id=subject.unit.pk).values_list(
            "id", flat=True
        )
    )


def _commitment_scope(subject: Subject) -> QuerySet[Commitment]:
    if subject.unit is not None:
        unit = subject.unit
        return Commitment.objects.filter(
            Q(org_id=unit.org_id, performer_unit_id=unit.pk)
            | Q(org_id=unit.org_id, performer_id__in=_members(subject))
        )
    assert subject.person is not None
    return Commitment.objects.filter(org_id=subject.person.org_id, performer_id=subject.person.pk)


def _issue_scope(subject: Subject) -> QuerySet[Issue]:
    if subject.unit is not None:
        unit = subject.unit
        return Issue.objects.filter(
            Q(org_id=unit.org_id, unit_id=unit.pk)
            | Q(org_id=unit.org_id, owner_id__in=_members(subject))
        )
    person = subject.person
    assert person is not None
    return Issue.objects.filter(
        Q(org_id=person.org_id, addressee_id=person.pk)
        | Q(org_id=person.org_id, owner_id=person.pk)
    )


# How a promise's renegotiations went: none, all in time, or at least one late.
NO_RENEGOTIATION, RENEGOTIATED_IN_TIME, RENEGOTIATED_LATE = 0, 1, 2


def _renegotiation_code() -> Coalesce:
    """One lookup per promise: the worst of its accepted renegotiations (see above)."""
    worst = (
        CommitmentEvent.objects.filter(commitment_id=OuterRef("pk"), move=M.ACCEPT_RENEGOTIATION)
        .annotate(
            code=Case(
                When(previous_due_date__lt=LocalDate("at"), then=Value(RENEGOTIATED_LATE)),
                default=Value(RENEGOTIATED_IN_TIME),
            )
        )
        .order_by()
        .values("commitment_id")
        .annotate(worst=Max("code"))
        .values("worst")[:1]
    )
    return Coalesce(Subquery(worst), Value(NO_RENEGOTIATION), output_field=IntegerField())


def _month_of(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


def _add_commitments(ledger: Ledger, months: dict[dt.date, Month]) -> None:
    window, today = ledger.window, ledger.today
    satisfied_on = LocalDate("closed_at")
    # The day a promise is placed on: the day it closed, or (still open) its due date.
    placed_on = Coalesce(satisfied_on, "due_date", output_field=DateField())
    # Only the subject's own rows are read (the scope's indexes); the period is an
    # expression evaluated on those rows, because an OR of indexable conditions here
    # would tempt the database into scanning the whole organization.
    # Overdue now: open and past due, whatever the window (it is a fact about today).
    overdue_now = Q(state__in=[S.PROMISED, S.COMPLETED], due_date__lt=today)
    in_window = Q(placed_on__lte=window.end)
    if window.start is not None:
        in_window &= Q(placed_on__gte=window.start)
    rows = (
        _commitment_scope(ledger.subject)
        .filter(
            promised_at__isnull=False,
            state__in=[S.SATISFIED, S.REVOKED, S.PROMISED, S.COMPLETED],
        )
        .annotate(placed_on=placed_on)
        .filter(in_window | overdue_now)
    )
    # Grouped by every fact the definitions need, so that each is computed once per
    # promise; the few hundred groups are then summed here.
    groups = (
        rows.annotate(
            month=MonthStart("placed_on"),
            on_time=Case(
                When(Q(state=S.SATISFIED) & Q(placed_on__lte=F("due_date")), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            past_due=Case(
                When(due_date__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            renegotiation=_renegotiation_code(),
        )
        .values_list("month", "state", "on_time", "past_due", "renegotiation")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for month_value, state, on_time, past_due, renegotiation, n in groups:
        key = _month_of(month_value)
        month = months.setdefault(key, Month(key))
        judged = state in (S.SATISFIED, S.REVOKED) or past_due
        if not judged:
            continue
        if state == S.SATISFIED:
            if on_time and renegotiation != RENEGOTIATED_LATE:
                month.kept += n
                ledger.kept += n
            else:
                month.late += n
                ledger.late += n
        elif state == S.REVOKED:
            month.revoked += n
            ledger.revoked += n
        else:
            month.overdue += n
            ledger.overdue_now += n
            if state == S.COMPLETED:
                ledger.overdue_awaiting_acceptance += n
        if renegotiation == RENEGOTIATED_LATE:
            ledger.renegotiated_late += n
        elif renegotiation == RENEGOTIATED_IN_TIME:
            ledger.renegotiated_in_time += n


def _add_answers(ledger: Ledger) -> None:
    window = ledger.window
    start, end = window.start_datetime(), window.end_datetime()
    requests = _commitment_scope(ledger.subject).filter(
        kind=CommitmentKind.REQUEST, created_at__lt=end
    )
    if start is not None:
        requests = requests.filter(created_at__gte=start)
    first_answer = Subquery(
        CommitmentEvent.objects.filter(commitment_id=OuterRef("pk"), move__in=ANSWER_MOVES)
        .order_by("at")
        .values("at")[:1]
    )
    # The wait, and the state for requests not answered yet (NULL wait): one pass over the
    # subject's own requests, served by the scope's indexes.
    rows = (
        requests.annotate(answered_at=first_answer)
        .annotate(wait=HoursBetween("answered_at", "created_at"))
        .order_by()
        .values_list("wait", "state")
    )
    hours: list[float] = []
    waiting = 0
    for wait, state in rows:
        if wait is not None:
            hours.append(float(wait))
        elif state in (S.REQUESTED, S.DEFERRED):
            waiting += 1
    ledger.requests_answered = len(hours)
    ledger.median_answer_hours = statistics.median(hours) if hours else None
    ledger.requests_waiting = waiting


def _add_issues(ledger: Ledger, months: dict[dt.date, Month]) -> None:
    window = ledger.window
    start, end = window.start_datetime(), window.end_datetime()
    issues = _issue_scope(ledger.subject).filter(raised_at__lt=end)
    if start is not None:
        issues = issues.filter(raised_at__gte=start)
    rows = (
        issues.annotate(month=MonthStart(LocalDate("raised_at")))
        .values("month")
        .annotate(
            n=Count("pk"),
            n_resolved=Count("pk", filter=Q(state=IssueState.RESOLVED)),
            n_unconfirmed=Count("pk", filter=Q(state=IssueState.CLOSED_UNCONFIRMED)),
            n_withdrawn=Count("pk", filter=Q(state=IssueState.WITHDRAWN)),
            n_declined_final=Count("pk", filter=Q(state=IssueState.DECLINED_FINAL)),
        )
        .order_by("month")
    )
    for row in rows:
        key = _month_of(row["month"])
        month = months.setdefault(key, Month(key))
        month.issues_raised += row["n"]
        month.issues_resolved += row["n_resolved"]
        ledger.issues_raised += row["n"]
        ledger.issues_resolved += row["n_resolved"]
        ledger.issues_closed_unconfirmed += row["n_unconfirmed"]
        ledger.issues_withdrawn += row["n_withdrawn"]
        ledger.issues_declined_final += row["n_declined_final"]
    durations = (
        issues.filter(state=IssueState.RESOLVED, closed_at__isnull=False)
        .annotate(took=HoursBetween("closed_at", "raised_at"))
        .order_by()
        .values_list("took", flat=True)
    )
    days = [float(hours) / 24 for hours in durations if hours is not None]
    ledger.median_days_to_closure = statistics.median(days) if days else None


def _month_range(first: dt.date, last: dt.date) -> list[dt.date]:
    months = []
    current = first.replace(day=1)
    while current <= last:
        months.append(current)
        current = (current + dt.timedelta(days=32)).replace(day=1)
    return months


def min_group() -> int:
    """The fewest active members a unit needs for its ledger to show figures."""
    return max(1, int(getattr(settings, "MUTUALITY_LEDGER_MIN_GROUP", 3)))


def ledger_for(*, subject: Subject, window: Window) -> Ledger:
    """Every figure of the ledger for `subject` over `window`, with a monthly series.

    Five queries whatever the volume (see the module docstring for the definitions); a
    unit's costs one more, counting its active members: with fewer than `min_group()`,
    the ledger comes back with `hidden_reason` and no figures.
    """
    ledger = Ledger(subject=subject, window=window, today=window.end)
    if subject.unit is not None:
        needed = min_group()
        members = Person.objects.filter(
            org_id=subject.unit.org_id, unit_id=subject.unit.pk, is_active=True
        ).count()
        if members < needed:
            ledger.hidden_reason = (
                f"{subject.unit.name} has fewer than {needed} active members, so its "
                "figures would be one or two people's own ledgers, which are theirs "
                "alone. They are not shown."
            )
            return ledger
    months: dict[dt.date, Month] = {}
    _add_commitments(ledger, months)
    _add_answers(ledger)
    _add_issues(ledger, months)
    last = window.end.replace(day=1)
    if window.start is not None:
        first = window.start.replace(day=1)
    elif months:
        first = min(months)
    else:
        first = last
    span = _month_range(min(first, last), last)[-MAX_MONTHS:]
    ledger.months = [months.get(m, Month(m)) for m in span]
    return ledger
