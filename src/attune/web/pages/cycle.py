"""The cycle (case formulation): a form with the nine parts, the diagram, and every
earlier version with what changed.

::

    GET  /clinic/patients/{patient_id}/cycle[?version=N]   the form, the diagram, versions
    POST /clinic/patients/{patient_id}/cycle               save the next version
    GET  /portal/cycle[?version=N]                         the patient's own diagram

A version is never edited: saving makes the next one, so every earlier cycle stays
readable. A problem is shown next to its part with everything typed kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fastapi import APIRouter
from markupsafe import Markup
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from attune.domain.errors import DomainError, FormErrors, NotFound, ValidationError
from attune.domain.formulation import (
    PROMPTS,
    AuthorRole,
    Formulation,
    FormulationDiff,
    FormulationVersion,
    Part,
    diff_versions,
    from_lines,
)
from attune.services import formulation
from attune.web.deps import ActorDep, ClockDep, FormDep, UowDep
from attune.web.diagrams.cycle import cycle_diagram
from attune.web.errors import rerender_form_on_error
from attune.web.pages.care_common import guarded
from attune.web.templating import render

router = APIRouter()

AUTHOR_TEXT = {
    AuthorRole.CLINICIAN: "the clinician",
    AuthorRole.PATIENT: "the patient",
    AuthorRole.TOGETHER: "clinician and patient together",
}
TITLES = {p.value: PROMPTS[p].title for p in Part}
#: Who wrote a version, as the patient reads it.
AUTHOR_TEXT_PATIENT = {
    AuthorRole.CLINICIAN: "your clinician",
    AuthorRole.PATIENT: "you",
    AuthorRole.TOGETHER: "you and your clinician together",
}
#: Errors about the triggers as a whole are shown by the first trigger part.
FIELD_FOR = {"triggers": Part.SITUATIONS.value}


@dataclass(frozen=True)
class VersionRow:
    version: FormulationVersion
    diff: FormulationDiff | None


def diagram(version: FormulationVersion, *, prefix: str = "cycle") -> Markup:
    """The version's cycle as SVG (cycle_diagram escapes every piece of text)."""
    svg = cycle_diagram(
        version.content, title=f"The cycle, version {version.number}", id_prefix=prefix
    )
    return Markup(svg)


def version_rows(versions: Sequence[FormulationVersion]) -> list[VersionRow]:
    """Newest first, each with what changed since the one before it."""
    rows = [
        VersionRow(v, diff_versions(versions[i - 1], v) if i > 0 else None)
        for i, v in enumerate(versions)
    ]
    return list(reversed(rows))


def shown_version(
    versions: Sequence[FormulationVersion], number: int | None
) -> FormulationVersion | None:
    if not versions:
        return None
    if number is None:
        return versions[-1]
    for v in versions:
        if v.number == number:
            return v
    raise NotFound(f"There is no version {number} of this cycle.", field="version")


def _default_author(latest: FormulationVersion | None) -> str:
    """Written together last time: most likely together again."""
    if latest is not None and latest.author_role is AuthorRole.TOGETHER:
        return AuthorRole.TOGETHER.value
    return AuthorRole.CLINICIAN.value


def lines_of(content: Formulation) -> dict[str, str]:
    return {p.value: "\n".join(content.part(p)) for p in Part}


def part_errors(errors: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    """Messages by part: ``situations[2]`` -> the situations box, saying which line."""
    out: dict[str, list[str]] = {}
    for field, message in errors:
        part = FIELD_FOR.get(field, field.split("[", 1)[0])
        if "[" in field:
            line = int(field.split("[", 1)[1].rstrip("]")) + 1
            message = f"Line {line}: {message}"
        out.setdefault(part, []).append(message)
    return out


def _page(
    request: Request,
    patient_id: int,
    versions: Sequence[FormulationVersion],
    *,
    number: int | None = None,
    lines: Mapping[str, str] | None = None,
    author: str = "",
    errors: Sequence[tuple[str, str]] = (),
    notice: str = "",
    status_code: int = 200,
) -> Response:
    shown = shown_version(versions, number)
    latest = versions[-1] if versions else None
    return render(
        request,
        "clinic/cycle.html",
        {
            "patient_id": patient_id,
            "here": "cycle",
            "shown": shown,
            "latest": latest,
            "diagram": diagram(shown) if shown is not None else None,
            "rows": version_rows(versions),
            "prompts": [PROMPTS[p] for p in Part],
            "titles": TITLES,
            "lines": dict(lines)
            if lines is not None
            else (lines_of(latest.content) if latest else {}),
            "author": author or _default_author(latest),
            "author_text": AUTHOR_TEXT,
            "errors": part_errors(errors),
            "error_count": len(errors),
            "notice": notice,
        },
        status_code=status_code,
    )


@router.get("/clinic/patients/{patient_id}/cycle")
def clinic_cycle(
    request: Request,
    patient_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    version: int | None = None,
    saved: int | None = None,
) -> Response:
    if not actor.is_staff:
        return RedirectResponse("/portal/cycle", status_code=303)
    versions = formulation.formulation_history(uow, actor, patient_id, clock)
    notice = f"Saved as version {saved}." if saved else ""
    return _page(request, patient_id, versions, number=version, notice=notice)


def parse_author(text: str) -> AuthorRole:
    try:
        return AuthorRole(text or "clinician")
    except ValueError:
        raise ValidationError("Choose who wrote this version.", field="author_role") from None


def _form_lines(form: FormData) -> dict[str, str]:
    out = {}
    for part in Part:
        value = form.get(part.value)
        out[part.value] = value if isinstance(value, str) else ""
    return out


@router.post("/clinic/patients/{patient_id}/cycle")
def clinic_save_cycle(
    request: Request,
    patient_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    form: FormDep,
) -> Response:
    if not actor.is_staff:
        return RedirectResponse("/portal/cycle", status_code=303)
    lines = _form_lines(form)
    author = form.get("author_role")
    author_text = author if isinstance(author, str) else ""

    def again(error: DomainError, status: int) -> Response:
        found = error.errors if isinstance(error, FormErrors) else ((error.field, error.message),)
        versions = formulation.formulation_history(uow, actor, patient_id, clock)
        return _page(
            request,
            patient_id,
            versions,
            lines=lines,
            author=author_text,
            errors=[(str(f or "situations"), m) for f, m in found],
            status_code=status,
        )

    rerender_form_on_error(request, guarded(request, again))
    saved = formulation.save_formulation(
        uow, actor, patient_id, from_lines(lines), clock, author_role=parse_author(author_text)
    )
    return RedirectResponse(
        f"/clinic/patients/{patient_id}/cycle?saved={saved.number}", status_code=303
    )


@router.get("/portal/cycle")
def portal_cycle(
    request: Request,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    version: int | None = None,
) -> Response:
    if actor.is_staff or actor.patient_id is None:
        return RedirectResponse("/clinic", status_code=303)
    versions = formulation.formulation_history(uow, actor, actor.patient_id, clock)
    shown = shown_version(versions, version)
    return render(
        request,
        "portal/cycle.html",
        {
            "shown": shown,
            "diagram": diagram(shown) if shown is not None else None,
            "versions": list(reversed(versions)),
            "prompts": [PROMPTS[p] for p in Part],
            "titles": TITLES,
            "author_text": AUTHOR_TEXT_PATIENT,
        },
    )
