"""The page side of a move: the "your move" panel, and the one handler every move posts to.

A capability declares its object's pages once (`ObjectPages`): the detail page shows the
panel from `move_panel` (the moves the viewer may make now, each with its form) through
`core/_moves.html`; the move view looks the object up for the viewer (so what they may
not see is a 404, whatever the method) and hands the request to `handle_move`. A refused
move shows the object as it is now with the reason and changes nothing; a move based on
a stale page keeps what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from mutuality.core.htmx import FRAGMENT_VARY, wants_fragment
from mutuality.core.workflow.engine import PERSON, IllegalMove, Move, StaleVersion, Workflow
from mutuality.core.workflow.forms import MoveForm, move_form

INCOMPLETE = "This form is incomplete; reload the page and try again."


@dataclass(frozen=True)
class MoveEntry:
    """One move of the panel: its declaration, its form, where it posts."""

    move: Move
    form: MoveForm
    url: str

    @property
    def has_fields(self) -> bool:
        return bool(self.move.fields) and not self.move.one_click


def move_panel(
    workflow: Workflow,
    obj: Any,
    viewer: Any,
    *,
    url_for: Callable[[str], str],
    failed: MoveForm | None = None,
    refusal: str = "",
    kept_text: str = "",
) -> dict[str, Any]:
    """The panel's context: the moves `viewer` may make on `obj` now, each with its form.

    `failed` is a form that was sent and refused (shown again, open, with its errors);
    `kept_text` what was typed for a move that is no longer the viewer's to make.
    """
    entries = []
    kept_in_form = False
    for name in workflow.legal_moves(obj, viewer):
        move = workflow.move(name)
        if failed is not None and failed.move.name == name:
            form, kept_in_form = failed, True
        else:
            form = move_form(workflow, move, obj, viewer)
        if any(f.kind == PERSON and f.required and not form.people for f in move.fields):
            # Nobody to choose (no facilitator, say): a form nobody can send is not offered.
            continue
        entries.append(MoveEntry(move, form, url_for(name)))
    return {
        "move_forms": entries,
        "failed_move": failed.move.name if failed is not None else "",
        "refusal": refusal,
        "kept_text": "" if kept_in_form else kept_text,
    }


class Render(Protocol):
    """A capability's detail page (or its htmx fragment) for the object, with the panel."""

    def __call__(
        self,
        obj: Any,
        *,
        status: int = 200,
        failed: MoveForm | None = None,
        refusal: str = "",
        kept_text: str = "",
    ) -> HttpResponse: ...


def handle_move(
    request: HttpRequest,
    *,
    workflow: Workflow,
    obj: Any,
    viewer: Any,
    move: str,
    reload: Callable[[], Any],
    render: Render,
    done_url: str,
) -> HttpResponse:
    """Make the posted move on `obj` (already looked up for `viewer`) and answer.

    htmx gets the detail fragment (a refusal as 200 with the reason in the panel, since
    htmx swaps only successful responses); without htmx the page carries the real status,
    and a move that went through redirects to `done_url`.
    """
    declared = workflow.by_name.get(move)
    if declared is None or declared not in workflow.person_moves:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = move_form(workflow, declared, obj, viewer, data=request.POST)
    if not form.is_valid():
        if "version" in form.errors:
            return render(obj, status=400, refusal=INCOMPLETE)
        return render(obj, status=400, failed=form)
    try:
        workflow.make(
            obj=obj,
            actor=viewer,
            move=move,
            expected_version=form.cleaned_data["version"],
            data=form.move_data(),
        )
    except IllegalMove as refusal:
        current = reload()
        kept: MoveForm | None = None
        if isinstance(refusal, StaleVersion):
            # What they typed, on the current version, so that after reading the current
            # state they can send it again (if the move is still theirs to make).
            typed = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            kept = move_form(workflow, declared, current, viewer, initial=typed)
        return render(
            current,
            status=refusal.status_code,
            refusal=refusal.detail,
            failed=kept,
            kept_text=form.typed_text() if kept is not None else "",
        )
    except ValidationError as error:
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
        return render(obj, status=400, failed=form)
    messages.success(request, declared.success)
    if wants_fragment(request):
        return render(reload())
    return HttpResponseRedirect(done_url)


@dataclass(frozen=True)
class ObjectPages:
    """The web pages of one versioned object, declared once per capability: its detail
    page with the "your move" panel, and the view its moves post to (the twin of the
    API's `add_move_operation`).

    `object_for_viewer(viewer=…, pk=…)` is the capability's selector (a 404 for what the
    viewer may not see); `context(request, obj)` the page's own context (the panel is
    added); `page` and `fragment` its templates (the whole page, and what htmx swaps);
    `urls` the URL namespace, whose `detail` takes `org` and `pk` and whose `move` takes
    those and the move. The viewer is `request.person`: wrap the views in the
    organization's view decorator, which sets it.
    """

    workflow: Workflow
    object_for_viewer: Callable[..., Any]
    context: Callable[[Any, Any], dict[str, Any]]
    page: str
    fragment: str
    urls: str

    def detail_view(self, request: Any, pk: int) -> HttpResponse:
        return self.render(request, self.object_for_viewer(viewer=request.person, pk=pk))

    def move_view(self, request: Any, pk: int, move: str) -> HttpResponse:
        viewer = request.person
        return handle_move(
            request,
            workflow=self.workflow,
            obj=self.object_for_viewer(viewer=viewer, pk=pk),
            viewer=viewer,
            move=move,
            reload=lambda: self.object_for_viewer(viewer=viewer, pk=pk),
            render=lambda obj, **panel: self.render(request, obj, **panel),
            done_url=reverse(f"{self.urls}:detail", kwargs={"org": request.org.slug, "pk": pk}),
        )

    def render(
        self,
        request: Any,
        obj: Any,
        *,
        status: int = 200,
        failed: MoveForm | None = None,
        refusal: str = "",
        kept_text: str = "",
    ) -> HttpResponse:
        """The detail (`status` for the whole page) with the panel, after a move or not.

        htmx swaps only successful responses, so a refusal goes to it as 200 with the
        reason in the panel; without htmx the page carries the real status. Either way
        the response varies on the headers that chose between them.
        """
        org = request.org.slug
        context = self.context(request, obj) | move_panel(
            self.workflow,
            obj,
            request.person,
            url_for=lambda name: reverse(
                f"{self.urls}:move", kwargs={"org": org, "pk": obj.pk, "move": name}
            ),
            failed=failed,
            refusal=refusal,
            kept_text=kept_text,
        )
        context["fragment"] = wants_fragment(request)
        if context["fragment"]:
            response = render(request, self.fragment, context)
        else:
            response = render(request, self.page, context, status=status)
        patch_vary_headers(response, FRAGMENT_VARY)
        return response


def with_words(workflow: Workflow, events: list[Any]) -> list[Any]:
    """The history's events, each with `did`: the declared words for its move."""
    for event in events:
        event.did = workflow.did(event.move)
    return events
