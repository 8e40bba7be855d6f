"""The patient's integration journal in the portal.

::

    GET  /portal/kap/journal                prompts chosen for the patient, each with why;
                                            earlier entries
    POST /portal/kap/{course}/journal       write an entry (to a prompt, or freely)

Only the patient writes in it; their care team reads it. An empty entry is shown again
next to its prompt with everything else kept.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from attune.domain.errors import DomainError
from attune.services import kap_integration
from attune.services.actors import Actor
from attune.web.deps import ActorDep, ClockDep, FormDep, UowDep
from attune.web.errors import rerender_form_on_error
from attune.web.pages.care_common import guarded
from attune.web.pages.kap_portal import my_course, patient_or_redirect
from attune.web.templating import render

router = APIRouter()


def _journal_page(
    request: Request,
    actor: Actor,
    uow: UowDep,
    clock: ClockDep,
    *,
    written: dict[str, str] | None = None,
    error: tuple[str, str] | None = None,
    notice: str = "",
    status_code: int = 200,
) -> Response:
    view = my_course(actor, uow, clock)
    prompts = kap_integration.journal_prompts(uow, actor, view.id, clock)
    entries = kap_integration.journal(uow, actor, view.id, clock)
    return render(
        request,
        "kap/portal_journal.html",
        {
            "view": view,
            "prompts": prompts,
            "entries": entries,
            "free": kap_integration.FREE_WRITING,
            "written": written or {},
            "error": error,
            "notice": notice,
        },
        status_code=status_code,
    )


@router.get("/portal/kap/journal")
def journal_page(
    request: Request, actor: ActorDep, uow: UowDep, clock: ClockDep, saved: str = ""
) -> Response:
    if (redirect := patient_or_redirect(actor)) is not None:
        return redirect
    notice = "Saved in your journal. Only you and your care team can read it." if saved else ""
    return _journal_page(request, actor, uow, clock, notice=notice)


@router.post("/portal/kap/{course_id}/journal")
def write_journal(
    request: Request,
    course_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    form: FormDep,
) -> Response:
    if (redirect := patient_or_redirect(actor)) is not None:
        return redirect
    key = form.get("prompt_key")
    prompt_key = key if isinstance(key, str) else ""
    raw_text = form.get("text")
    text = raw_text if isinstance(raw_text, str) else ""
    shown = form.get("prompt_text")
    prompt_text = shown if isinstance(shown, str) else ""

    def again(error: DomainError, status: int) -> Response:
        return _journal_page(
            request,
            actor,
            uow,
            clock,
            written={prompt_key: text},
            error=(prompt_key, error.message),
            status_code=status,
        )

    rerender_form_on_error(request, guarded(request, again))
    kap_integration.save_journal_entry(
        uow, actor, course_id, prompt_key, text, clock, prompt_text=prompt_text
    )
    return RedirectResponse("/portal/kap/journal?saved=1#entries", status_code=303)
