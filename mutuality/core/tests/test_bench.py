from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from mutuality.core.bench import QueryCountMiddleware, bare_json
from mutuality.orgs.models import Organization


def _view_with_queries(count: int) -> QueryCountMiddleware:
    def view(request: HttpRequest) -> HttpResponse:
        for _ in range(count):
            Organization.objects.exists()
        return HttpResponse("ok")

    return QueryCountMiddleware(view)


@pytest.mark.django_db
def test_the_middleware_reports_queries_and_server_time() -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    three = _view_with_queries(3)(request)
    none = _view_with_queries(0)(request)
    assert three["X-Query-Count"] == "3"
    assert none["X-Query-Count"] == "0"
    assert three["Server-Timing"].startswith("app;dur=")
    assert float(three["Server-Timing"].split("dur=")[1]) >= 0


def test_the_bare_view_answers_json() -> None:
    response = bare_json(RequestFactory().get("/bench/bare"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_the_bare_view_is_not_routed_outside_benchmarks() -> None:
    response = Client().get("/bench/bare")
    assert response.status_code == 404
    assert "X-Query-Count" not in response


@pytest.mark.django_db
def test_every_bench_target_is_a_real_page_for_its_viewer() -> None:
    from bench.targets import BASELINE, PAGE_SHELL, TARGETS
    from mutuality.accounts.services import api_token_create
    from mutuality.orgs.models import Person
    from mutuality.orgs.synthetic import synthetic_org_create

    seeded = synthetic_org_create(size="S")
    viewers = {
        "member": Person.objects.select_related("user", "org").get(pk=seeded.member_id),
        "admin": Person.objects.select_related("user", "org").get(pk=seeded.admin_id),
    }
    _, token = api_token_create(person=viewers["member"], name="bench")
    for target in TARGETS:
        if target.name in (BASELINE, PAGE_SHELL):
            continue  # routed only under MUTUALITY_BENCH (test_page_shell.py)
        client = Client()
        headers = {}
        if target.auth == "token":
            headers["Authorization"] = f"Bearer {token}"
        elif target.auth in viewers:
            user = viewers[target.auth].user
            assert user is not None
            client.force_login(user)
        response = client.get(target.path(seeded), headers=headers)
        assert response.status_code == 200, target.name
