"""Nine months of commitments and issues for the demo organization (Northwind).

Registered as a demo extension (mutuality.orgs.demo): it runs once, right after Northwind
is created. Mostly kept promises, some renegotiated (in time, and a few late), some late,
a few revoked, a few overdue today; issues in every state, a couple closed without
confirmation. The four people of the login table get a full My work page: requests
waiting for their answer, promises due soon, one overdue, work waiting for their
acceptance, and issues to answer.

Deterministic: the same seed and the same "today" give the same history.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from mutuality.commitments.history.plans import (
    CommitmentPlan,
    Ev,
    IssuePlan,
    plan_commitment,
    plan_issue,
)
from mutuality.commitments.history.writer import HistoryWriter
from mutuality.commitments.models import CommitmentKind, CommitmentMove, CommitmentState
from mutuality.orgs.demo import demo_cast
from mutuality.orgs.models import Organization, Person, Unit

M = CommitmentMove
S = CommitmentState

SEED = 2024
DAYS = 270
COMMITMENTS = 700
ISSUES = 90

# (title, conditions of satisfaction), by the kind of work a unit does.
WORK: dict[str, tuple[tuple[str, str], ...]] = {
    "support": (
        (
            "Update the returns macro for the new policy",
            "The macro quotes the 30-day rule and links the form.",
        ),
        (
            "Call back the Harbor Foods account about late deliveries",
            "They have a date for the fix and a named contact.",
        ),
        (
            "Summarise this week's top five contact reasons",
            "A one-page summary with counts and examples, in the shared folder.",
        ),
        ("Cover the Saturday chat shift", "Chat is staffed 9–17 on Saturday."),
        (
            "Review the knowledge-base article on refunds",
            "Comments on every step; outdated screenshots flagged.",
        ),
        (
            "Tag last month's billing tickets by cause",
            "Every billing ticket from last month has a cause tag.",
        ),
    ),
    "logistics": (
        (
            "Confirm the new dispatch cut-off time",
            "Cut-off agreed with the warehouse and announced to Support.",
        ),
        (
            "Send the weekly late-delivery report",
            "The report lists every order more than two days late, with reasons.",
        ),
        ("Fix the pick-list sort order", "Pick lists run aisle by aisle; tested on one shift."),
        (
            "Book the extra van for the holiday peak",
            "A van is booked for the first two weeks of December.",
        ),
    ),
    "product": (
        (
            "Add delivery tracking to the order page",
            "Customers see the carrier's status on the order page.",
        ),
        ("Fix the address form on mobile", "The form works on the three most used phones."),
        ("Draft the member-portal survey", "Ten questions, reviewed by People & Culture."),
        ("Ship the reorder button", "Members can reorder a past order in two clicks."),
    ),
    "platform": (
        (
            "Rotate the payment provider keys",
            "New keys live, old keys revoked, no failed payments.",
        ),
        (
            "Give Support read access to order logs",
            "Support leads can search order logs without asking Engineering.",
        ),
        (
            "Restore nightly backups of the warehouse database",
            "A restore test succeeds and is documented.",
        ),
        ("Set up the status page", "A public status page shows incidents within five minutes."),
    ),
    "finance": (
        ("Approve the Q3 training budget", "Budget approved and communicated to People & Culture."),
        (
            "Explain the new expense rules to team leads",
            "A 20-minute session held and the slides shared.",
        ),
        ("Reconcile the refund ledger with Support's records", "Differences listed and explained."),
        (
            "Send the dividend forecast to the board",
            "Forecast with three scenarios, reviewed by the CFO.",
        ),
    ),
    "people": (
        ("Organise the new-starter onboarding day", "Agenda sent, rooms booked, buddies named."),
        (
            "Publish the hybrid-work guidelines",
            "Guidelines on the intranet, questions answered in one session.",
        ),
        ("Run the support-team retrospective", "Retro held, three actions agreed and recorded."),
        ("Find a mentor for the new team lead", "A mentor agreed and a first meeting booked."),
    ),
    "sales": (
        (
            "Share the wholesale price list with Support",
            "The current list is in the shared folder.",
        ),
        ("Introduce Support to the new partner producer", "A call held with both teams."),
        (
            "Send the Harbor Foods renewal proposal",
            "Proposal sent and acknowledged by the customer.",
        ),
        (
            "Collect feedback from five wholesale customers",
            "Notes from five calls, summarised by theme.",
        ),
    ),
    "general": (
        ("Review the process map for order changes", "Comments on every step of the map."),
        ("Prepare the monthly cross-team update", "Slides shared two days before the meeting."),
        ("Answer the audit questions on access rights", "Every question answered with evidence."),
        ("Share the notes from the partner workshop", "Notes shared with decisions and owners."),
    ),
}
AREA_BY_UNIT = {
    "Customer Support": "support",
    "Support Team North": "support",
    "Support Team South": "support",
    "Operations": "logistics",
    "Logistics": "logistics",
    "Engineering": "platform",
    "Platform Team": "platform",
    "Product Team": "product",
    "Finance": "finance",
    "People & Culture": "people",
    "Sales & Partnerships": "sales",
}

ISSUE_TOPICS: tuple[tuple[str, str, str], ...] = (
    (
        "Refund approvals take three days",
        "Customers call back two or three times while a refund waits for approval.",
        "Refunds under 50 are approved by the support specialist directly; Finance reviews a sample weekly.",
    ),
    (
        "The warehouse and Support use different cut-off times",
        "We promise customers next-day delivery for orders the warehouse already treats as late.",
        "One cut-off time (14:00), shown in the support tools and on the shop.",
    ),
    (
        "Nobody owns the knowledge base",
        "Articles go out of date and nobody feels able to fix them.",
        "Each article gets an owner; a monthly review slot is in the team calendar.",
    ),
    (
        "Weekend rota decided without the team",
        "The new weekend rota was announced without asking who can work when.",
        "The rota is drafted with the team each quarter; swaps are self-managed.",
    ),
    (
        "Deploys on Friday afternoons break the shop",
        "Two of the last three incidents came from Friday deploys.",
        "No deploys after 14:00 on Fridays; an on-call engineer is named for every deploy.",
    ),
    (
        "Expense claims bounce back for small mistakes",
        "Claims come back for a missing cost centre that Finance could fill in.",
        "Finance fills in obvious cost centres and tells the claimant.",
    ),
    (
        "Customer feedback does not reach Product",
        "Support hears the same requests every week; Product never sees them.",
        "A monthly feedback digest from Support goes to the Product Team's planning.",
    ),
    (
        "Meetings with no agenda",
        "The cross-team meeting often has no agenda and runs over.",
        "Agenda shared a day before; the meeting ends on time with actions recorded.",
    ),
    (
        "Laptop replacements take weeks",
        "New starters wait up to three weeks for a working laptop.",
        "Two spare laptops are kept ready; orders go out when a hire is confirmed.",
    ),
    (
        "Unclear who approves discounts for wholesale customers",
        "Sales and Support both think the other approves discounts.",
        "Sales approves discounts; the rule is written in the wholesale playbook.",
    ),
)


def _work_for(unit_name: str, rng: random.Random) -> tuple[str, str]:
    area = AREA_BY_UNIT.get(unit_name, "general")
    return rng.choice(WORK[area] + WORK["general"][:1])


def demo_history_seed(
    org: Organization, *, seed: int = SEED, now: dt.datetime | None = None
) -> None:
    """Write the demo history for `org` (a freshly seeded Northwind)."""
    rng = random.Random(seed)
    now = now or timezone.now()
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()
    cast = demo_cast(org)
    people = list(
        Person.objects.filter(org=org, is_active=True).select_related("unit").order_by("id")
    )
    units = {u.pk: u for u in Unit.objects.filter(org=org, is_active=True)}
    by_unit: dict[int, list[Person]] = {}
    for p in people:
        if p.unit_id is not None:
            by_unit.setdefault(p.unit_id, []).append(p)
    leads: dict[int, list[int]] = {}
    for unit_id, person_id in Unit.leads.through.objects.filter(unit__org=org).values_list(
        "unit_id", "person_id"
    ):
        leads.setdefault(unit_id, []).append(person_id)
    writer = HistoryWriter(now=now)
    start = today - dt.timedelta(days=DAYS)

    def moment(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(rng.randint(8, 16), rng.randint(0, 59)), tzinfo=tz)

    def colleague_of(person: Person) -> Person:
        # Mostly someone nearby (same unit), sometimes anyone: work crosses units.
        same = by_unit.get(person.unit_id or 0, [])
        pool = same if same and rng.random() < 0.55 else people
        other = rng.choice(pool)
        while other.pk == person.pk:
            other = rng.choice(people)
        return other

    def commitment(
        requester: Person,
        performer: Person,
        *,
        created: dt.datetime,
        due_in: int,
        kind: str = CommitmentKind.REQUEST,
        unit: Unit | None = None,
        outcome: str | None = None,
    ) -> None:
        unit_name = (unit or performer.unit or units[next(iter(units))]).name
        title, conditions = _work_for(unit_name, rng)
        plan = CommitmentPlan(
            org_id=org.pk,
            kind=kind,
            title=title,
            conditions=conditions,
            requester=requester.pk,
            performer=performer.pk,
            unit=unit.pk if unit is not None else None,
            lead=_lead_of(unit, requester),
            created_at=created,
            due=created.date() + dt.timedelta(days=due_in),
        )
        plan_commitment(plan, rng, outcome=outcome)
        writer.commitment(plan)

    def _lead_of(unit: Unit | None, requester: Person) -> int | None:
        # Who may decline a request made of the unit: one of its leads, not the requester.
        if unit is None:
            return None
        return next((pk for pk in leads.get(unit.pk, []) if pk != requester.pk), None)

    def scripted(requester: Person, performer: Person, due: dt.date, steps: list[Ev]) -> None:
        title, conditions = _work_for(
            (performer.unit or requester.unit or units[next(iter(units))]).name, rng
        )
        plan = CommitmentPlan(
            org_id=org.pk,
            kind=CommitmentKind.REQUEST,
            title=title,
            conditions=conditions,
            requester=requester.pk,
            performer=performer.pk,
            unit=None,
            created_at=steps[0].at,
            due=due,
            events=steps,
        )
        writer.commitment(plan)

    def live_work(person: Person) -> None:
        """What is on the person's My work today: something for each section."""
        day = dt.timedelta(days=1)
        # A request waiting for their answer.
        asker = colleague_of(person)
        at = now - dt.timedelta(hours=rng.randint(2, 20))
        scripted(
            asker,
            person,
            today + 9 * day,
            [Ev(M.REQUEST, asker.pk, at, S.REQUESTED, today + 9 * day)],
        )
        # Promised and due in two days.
        asker = colleague_of(person)
        at = now - 6 * day
        due = today + 2 * day
        scripted(
            asker,
            person,
            due,
            [
                Ev(M.REQUEST, asker.pk, at, S.REQUESTED, due),
                Ev(
                    M.PROMISE, person.pk, at + dt.timedelta(hours=3), S.PROMISED, due, note="On it."
                ),
            ],
        )
        # Promised and three days overdue.
        asker = colleague_of(person)
        at = now - 12 * day
        due = today - 3 * day
        scripted(
            asker,
            person,
            due,
            [
                Ev(M.REQUEST, asker.pk, at, S.REQUESTED, due),
                Ev(M.PROMISE, person.pk, at + dt.timedelta(hours=2), S.PROMISED, due),
            ],
        )
        # Renegotiated in time: the new date is next week.
        asker = colleague_of(person)
        at = now - 15 * day
        due, new_due = today - 2 * day, today + 6 * day
        scripted(
            asker,
            person,
            due,
            [
                Ev(M.REQUEST, asker.pk, at, S.REQUESTED, due),
                Ev(M.PROMISE, person.pk, at + dt.timedelta(hours=2), S.PROMISED, due),
                Ev(
                    M.PROPOSE_RENEGOTIATION,
                    person.pk,
                    now - 5 * day,
                    S.PROMISED,
                    due,
                    note="The supplier data arrives later than planned.",
                ),
                Ev(M.ACCEPT_RENEGOTIATION, asker.pk, now - 4 * day, S.PROMISED, new_due),
            ],
        )
        # Delivered to them, waiting for their acceptance.
        doer = colleague_of(person)
        at = now - 9 * day
        due = today + 3 * day
        scripted(
            person,
            doer,
            due,
            [
                Ev(M.REQUEST, person.pk, at, S.REQUESTED, due),
                Ev(M.PROMISE, doer.pk, at + dt.timedelta(hours=4), S.PROMISED, due),
                Ev(
                    M.DECLARE_COMPLETE,
                    doer.pk,
                    now - day,
                    S.COMPLETED,
                    due,
                    note="Done, see the shared folder.",
                ),
            ],
        )

    # The organization's background: months of ordinary work.
    for _ in range(COMMITMENTS):
        performer = rng.choice(people)
        requester = colleague_of(performer)
        created = moment(start + dt.timedelta(days=rng.randint(0, DAYS - 1)))
        roll = rng.random()
        kind = (
            CommitmentKind.SELF
            if roll < 0.08
            else CommitmentKind.OFFER
            if roll < 0.14
            else CommitmentKind.REQUEST
        )
        unit = None
        if kind == CommitmentKind.REQUEST and performer.unit_id and rng.random() < 0.15:
            unit = units.get(performer.unit_id)
        commitment(
            requester, performer, created=created, due_in=rng.randint(3, 28), kind=kind, unit=unit
        )

    # The login table's people: enough history for a real ledger, and a live My work.
    for person in (cast.member, cast.manager, cast.admin, cast.facilitator):
        for _ in range(24):
            created = moment(start + dt.timedelta(days=rng.randint(0, DAYS - 20)))
            commitment(colleague_of(person), person, created=created, due_in=rng.randint(4, 21))
        for _ in range(8):
            created = moment(start + dt.timedelta(days=rng.randint(0, DAYS - 20)))
            commitment(person, colleague_of(person), created=created, due_in=rng.randint(4, 21))
        live_work(person)

    # Issues across the organization, and some for the login table's people.
    unit_ids = [pk for pk in units if by_unit.get(pk)]
    for index in range(ISSUES):
        title, description, resolution = ISSUE_TOPICS[index % len(ISSUE_TOPICS)]
        raiser = rng.choice(people)
        raised = moment(start + dt.timedelta(days=rng.randint(0, DAYS - 1)))
        if rng.random() < 0.6:
            unit_id = rng.choice(unit_ids)
            owner_pool = [p.pk for p in by_unit[unit_id] if p.pk != raiser.pk] + [
                pk for pk in leads.get(unit_id, []) if pk != raiser.pk
            ]
            if not owner_pool:
                continue
            addressee_id, owner = None, rng.choice(owner_pool)
        else:
            addressee = colleague_of(raiser)
            unit_id, addressee_id, owner = None, addressee.pk, addressee.pk
        facilitator = cast.facilitator.pk if cast.facilitator.pk not in (raiser.pk, owner) else None
        plan = IssuePlan(
            org_id=org.pk,
            title=title,
            description=description,
            raiser=raiser.pk,
            addressee=addressee_id,
            unit=unit_id,
            owner=owner,
            facilitator=facilitator,
            raised_at=raised,
            resolution=resolution,
        )
        writer.issue(plan, plan_issue(plan, rng))
    member, manager = cast.member, cast.manager
    scripted_issues: tuple[tuple[Person, Person | None, int | None, dt.date, str, int], ...] = (
        # The member raised these with their lead: one answered, one waiting for them.
        (member, manager, None, today - dt.timedelta(days=40), "resolved", 3),
        (member, manager, None, today - dt.timedelta(days=8), "resolved", 4),
        # Raised with the member: one they resolved, one waiting for them to take it on.
        (manager, member, None, today - dt.timedelta(days=50), "resolved", 6),
        (manager, member, None, today - dt.timedelta(days=2), "stuck_raised", 2),
        # Two proposals nobody answered: closed without confirmation.
        (member, None, manager.unit_id, today - dt.timedelta(days=60), "unconfirmed", 0),
        (manager, None, member.unit_id, today - dt.timedelta(days=45), "unconfirmed", 5),
        # Declined, escalated to the facilitator, resolved.
        (member, None, cast.admin.unit_id, today - dt.timedelta(days=30), "escalated_resolved", 8),
    )
    for raiser, target, unit_id, day, outcome, topic in scripted_issues:
        title, description, resolution = ISSUE_TOPICS[topic]
        if target is not None:
            owner = target.pk
        else:
            pool = [
                p.pk
                for p in by_unit.get(unit_id or 0, [])
                if p.pk not in (raiser.pk, cast.facilitator.pk)
            ]
            if not pool:
                continue
            owner = pool[0]
        plan = IssuePlan(
            org_id=org.pk,
            title=title,
            description=description,
            raiser=raiser.pk,
            addressee=target.pk if target is not None else None,
            unit=unit_id if target is None else None,
            owner=owner,
            facilitator=cast.facilitator.pk,
            raised_at=moment(day),
            resolution=resolution,
        )
        events = plan_issue(plan, rng, outcome=outcome)
        if outcome == "resolved" and day > today - dt.timedelta(days=10):
            # Still waiting for the member's answer to the proposal.
            events = [e for e in events if e.move != "declare_satisfied"]
        writer.issue(plan, events)
    writer.finish()
