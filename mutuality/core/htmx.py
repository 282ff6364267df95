"""When an htmx request gets only a fragment of a page, and when it gets the whole page."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

# The request headers that decide between the fragment and the page: a response that
# depends on them must say so, so no cache hands one to a request that wanted the other.
FRAGMENT_VARY = ("HX-Request", "HX-Boosted", "HX-History-Restore-Request")


def wants_fragment(request: HttpRequest) -> bool:
    """Whether to answer with only the fragment an htmx element swaps in.

    A boosted request replaces the whole body, and a history-restore request (htmx asking
    again for a page missing from its history cache) replaces the whole document: both
    get the full page, header and navigation included. So does any request not made by htmx.
    """
    htmx: HtmxDetails | None = getattr(request, "htmx", None)
    if htmx is None or not htmx:
        return False
    return not htmx.boosted and not htmx.history_restore_request
