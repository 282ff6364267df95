"""Benchmark-only pieces, switched on by MUTUALITY_BENCH=1 (never in a normal deployment).

`QueryCountMiddleware` tells the benchmark how many SQL queries and how much server time
each request took (`X-Query-Count`, `Server-Timing`); `bare_json` is the floor every page is
compared with: a Django JSON view served by the same server, through the same middleware.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse


class QueryCountMiddleware:
    """Count the queries of each request, the session and authentication ones included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counter(
            execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
        ) -> Any:
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response["X-Query-Count"] = str(count)
        response["Server-Timing"] = f"app;dur={elapsed_ms:.2f}"
        return response


def bare_json(request: HttpRequest) -> HttpResponse:
    """The smallest useful Django response: the baseline of `make bench`."""
    return JsonResponse({"status": "ok"})
