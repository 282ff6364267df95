from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from mutuality.core.tenancy import memberships


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send the viewer to their last organization, or let them pick one."""
    mine = memberships(request.user)
    last = request.session.get("last_org")
    for person in mine:
        if person.org.slug == last:
            return redirect("orgs:home", org=last)
    if len(mine) == 1:
        return redirect("orgs:home", org=mine[0].org.slug)
    return render(request, "core/choose_org.html", {"memberships": mine})


@never_cache
def health(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
