"""What `make bench` requests. Add a line here when a capability adds a page or endpoint.

Each target is a name, a function that builds the path from the seeded organization (a
`mutuality.orgs.synthetic.SyntheticOrg`: its slug, the ids of its bench people and biggest
unit, and `extra` ids that synthetic extensions recorded), and who asks:

- "member" / "admin": a logged-in browser session of that synthetic person;
- "token": the member's personal API token (`Authorization: Bearer …`);
- "anonymous": no credentials.

Every page and endpoint has a p95 budget of 100 ms at size L (DESIGN.md); analytics that
read years of activity have 500 ms (a unit's trust ledger over three years).

A path function runs inside the seeded Django process, so it may also query the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from mutuality.orgs.synthetic import SyntheticOrg

BASELINE = "bare Django JSON view"
PAGE_SHELL = "page shell (login, membership, navigation)"


PAGE_BUDGET_MS = 100.0
ANALYTICS_BUDGET_MS = 500.0
# The page shell is paid by every page: at most this much server time (p95) at size L.
SHELL_SERVER_BUDGET_MS = 5.0


@dataclass(frozen=True)
class Target:
    name: str
    path: Callable[[SyntheticOrg], str]
    auth: str = "member"
    budget_ms: float = PAGE_BUDGET_MS
    # A budget for the server's own time (Server-Timing), for targets that have one.
    server_budget_ms: float | None = None


TARGETS: list[Target] = [
    # The floor every other row is compared with (mutuality/core/bench.py).
    Target(BASELINE, lambda s: "/bench/bare", auth="anonymous"),
    # What every page of an organization costs before its own content: the session, the
    # login, the membership and the navigation with every badge (mutuality/urls.py).
    Target(
        PAGE_SHELL,
        lambda s: f"/bench/o/{s.org.slug}/shell",
        server_budget_ms=SHELL_SERVER_BUDGET_MS,
    ),
    Target("org home", lambda s: f"/o/{s.org.slug}/"),
    Target("directory", lambda s: f"/o/{s.org.slug}/people/"),
    Target("directory search", lambda s: f"/o/{s.org.slug}/people/?q={quote(s.search_term)}"),
    Target("person (a department head)", lambda s: f"/o/{s.org.slug}/people/{s.manager_id}/"),
    Target("units list", lambda s: f"/o/{s.org.slug}/units/"),
    Target("unit (the biggest)", lambda s: f"/o/{s.org.slug}/units/{s.big_unit_id}/"),
    Target("org chart", lambda s: f"/o/{s.org.slug}/chart/"),
    Target("directory (admin)", lambda s: f"/o/{s.org.slug}/people/", auth="admin"),
    Target("API people list", lambda s: "/api/v1/people", auth="token"),
    Target("API people search", lambda s: f"/api/v1/people?q={quote(s.search_term)}", auth="token"),
    Target("API units list", lambda s: "/api/v1/units", auth="token"),
    # Commitments (mutuality/commitments/history/synthetic_commitments.py seeds ~50 a person).
    Target("my work", lambda s: f"/o/{s.org.slug}/commitments/mine/"),
    Target("commitments (open, whole org)", lambda s: f"/o/{s.org.slug}/commitments/"),
    Target("commitments (all, page 3)", lambda s: f"/o/{s.org.slug}/commitments/?state=all&page=3"),
    Target("commitments (overdue)", lambda s: f"/o/{s.org.slug}/commitments/?overdue=on"),
    Target(
        "commitments (the biggest unit)",
        lambda s: f"/o/{s.org.slug}/commitments/?unit={s.big_unit_id}&state=all",
    ),
    Target(
        "commitment",
        lambda s: f"/o/{s.org.slug}/commitments/{s.extra.get('commitment_id', 0)}/",
    ),
    Target("API commitments list", lambda s: "/api/v1/commitments", auth="token"),
    Target("API commitments waiting", lambda s: "/api/v1/commitments?role=waiting", auth="token"),
    Target("API commitments (all states)", lambda s: "/api/v1/commitments?state=all", auth="token"),
    Target(
        "API commitment",
        lambda s: f"/api/v1/commitments/{s.extra.get('commitment_id', 0)}",
        auth="token",
    ),
    # Issues, the trust ledger, the calendar feed (mutuality/commitments/history/synthetic_issues.py
    # seeds five issues per person).
    Target("issues (open, whole org)", lambda s: f"/o/{s.org.slug}/issues/"),
    Target("issues (waiting for me)", lambda s: f"/o/{s.org.slug}/issues/?role=waiting"),
    Target("issue", lambda s: f"/o/{s.org.slug}/issues/{s.extra.get('issue_id', 0)}/"),
    Target("API issues list", lambda s: "/api/v1/issues", auth="token"),
    Target("my trust ledger (90 days)", lambda s: f"/o/{s.org.slug}/ledger/"),
    Target("my trust ledger (all time)", lambda s: f"/o/{s.org.slug}/ledger/?window=all"),
    Target(
        "unit ledger (the biggest, all time)",
        lambda s: f"/o/{s.org.slug}/ledger/units/{s.big_unit_id}/?window=all",
        auth="admin",
        budget_ms=ANALYTICS_BUDGET_MS,
    ),
    Target("API my ledger (all time)", lambda s: "/api/v1/ledger?window=all", auth="token"),
    Target("calendar feed", lambda s: _feed_path(s), auth="anonymous"),
]


def _feed_path(s: SyntheticOrg) -> str:
    """The member's calendar feed address (made here: feeds are made on request)."""
    from mutuality.commitments.calendar.services import feed_token_reset
    from mutuality.orgs.models import Person

    member = Person.objects.select_related("org", "user").get(pk=s.member_id)
    return f"/feed/{feed_token_reset(person=member)}.ics"
