"""Emails to the people an issue's move concerns, sent by the background worker.

Whom a move concerns is decided when the move is made (`notice_recipient_ids`, called by
the services inside the move's transaction); the email goes out after the commit, from
`mutuality worker`. Notices carry the issue's title and a link, never its text.
"""

from __future__ import annotations

from django.core.mail import EmailMessage
from django_tasks import task

from mutuality.commitments.models import Issue, IssueMove
from mutuality.core.mail import address_of, send_all, site_link
from mutuality.orgs.models import Person, Unit

_NOTICE_VERBS: dict[str, str] = {
    IssueMove.RAISE: "raised an issue with {target}",
    IssueMove.TAKE_OWNERSHIP: "took ownership of your issue",
    IssueMove.PROPOSE_RESOLUTION: "proposed a resolution to your issue",
    IssueMove.DECLARE_SATISFIED: "declared satisfied with your resolution of the issue",
    IssueMove.DECLARE_DISSATISFIED: "is not satisfied yet with the resolution of the issue",
    IssueMove.DECLINE: "declined your issue",
    IssueMove.ESCALATE: "escalated an issue to you",
    IssueMove.WITHDRAW: "withdrew the issue",
}


def notice_recipient_ids(issue: Issue, move: str) -> list[int]:
    """Whom `move` on `issue` concerns, as the issue stands right after the move."""
    if move == IssueMove.RAISE:
        if issue.addressee_id is not None:
            return [issue.addressee_id]
        assert issue.unit_id is not None
        return list(
            Unit.leads.through.objects.filter(
                unit_id=issue.unit_id, person__is_active=True
            ).values_list("person_id", flat=True)
        )
    if move in (IssueMove.TAKE_OWNERSHIP, IssueMove.PROPOSE_RESOLUTION, IssueMove.DECLINE):
        return [issue.raiser_id]
    if move in (
        IssueMove.DECLARE_SATISFIED,
        IssueMove.DECLARE_DISSATISFIED,
        IssueMove.WITHDRAW,
    ):
        return [issue.owner_id] if issue.owner_id is not None else []
    if move == IssueMove.ESCALATE:
        return [issue.facilitator_id] if issue.facilitator_id is not None else []
    if move == IssueMove.CLOSE_UNCONFIRMED:
        return [pk for pk in (issue.raiser_id, issue.owner_id) if pk is not None]
    return []


@task()
def send_issue_notice(
    issue_id: int, move: str, actor_id: int | None, recipient_ids: list[int]
) -> int:
    """Tell the people an issue's move concerns. Returns how many emails went out.

    Who acted and whom to tell were fixed when the move was made (`recipient_ids`), so
    a later move does not redirect this notice.
    """
    issue = Issue.objects.select_related("org", "unit").filter(pk=issue_id).first()
    if issue is None:
        return 0
    people = {
        p.pk: p
        for p in Person.objects.filter(
            org_id=issue.org_id, pk__in=[*recipient_ids, *([actor_id] if actor_id else [])]
        ).select_related("user")
    }
    actor = people.get(actor_id) if actor_id is not None else None
    link = site_link(issue.get_absolute_url())
    if move == IssueMove.CLOSE_UNCONFIRMED:
        subject = f"Closed without confirmation: {issue.title}"
        body = (
            f"The issue “{issue.title}” closed without confirmation: its proposed "
            "resolution had no answer for 14 days.\n\n"
            f"{link}\n"
        )
    else:
        verb = _NOTICE_VERBS.get(move)
        if verb is None or actor is None:
            return 0
        target = "you" if issue.addressee_id is not None else str(issue.unit)
        subject = f"Issue: {issue.title}"
        body = f"{actor.name} {verb.format(target=target)}: “{issue.title}”.\n\n{link}\n"
    messages = [
        EmailMessage(subject=subject, body=body, to=[address])
        for pk in recipient_ids
        if pk != actor_id and (address := address_of(people.get(pk)))
    ]
    return send_all(messages)
