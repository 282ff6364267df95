"""How issues read on a page: the style of each state's chip. No queries, no decisions."""

from __future__ import annotations

from mutuality.commitments.models import Issue, IssueState

S = IssueState

ISSUE_CHIP: dict[str, str] = {
    S.OPEN: "warn",
    S.OWNED: "",
    S.PROPOSED: "warn",
    S.DECLINED: "bad",
    S.ESCALATED: "warn",
    S.RESOLVED: "ok",
    S.CLOSED_UNCONFIRMED: "",
    S.WITHDRAWN: "",
    S.DECLINED_FINAL: "bad",
}


def with_chips(items: list[Issue]) -> list[Issue]:
    """The issues, each with `chip`: its state's style."""
    for issue in items:
        issue.chip = ISSUE_CHIP.get(issue.state, "")  # type: ignore[attr-defined]
    return items
