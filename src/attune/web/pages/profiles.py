"""The profiles: attachment (the plane, dimensions first, the four-style picture only as an
aid) and addiction (each named addiction with the screen behind it).

::

    GET /clinic/patients/{patient_id}/profiles   clinical words
    GET /portal/picture                          the patient's own, in plain words

The patient never sees the clinical register; neither page names a style as a label.
"""

from __future__ import annotations

from fastapi import APIRouter
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from attune.domain.instruments.styles import Region
from attune.services import profiles
from attune.services.profiles import AttachmentPoint, Profiles
from attune.web.deps import ActorDep, ClockDep, UowDep
from attune.web.diagrams.attachment import PlanePoint, attachment_plane
from attune.web.templating import render

router = APIRouter()

#: The patient's plane names each quarter by what it tends to feel like, not by a style.
PATIENT_CAPTIONS = {
    Region.SECURE: ("more at ease", "with closeness"),
    Region.PREOCCUPIED: ("close, with", "more worry"),
    Region.DISMISSING: ("calm, keeping", "more distance"),
    Region.FEARFUL: ("wanting closeness", "and wary of it"),
}


def _point(point: AttachmentPoint) -> PlanePoint:
    return PlanePoint(point.anxiety, point.avoidance, point.submitted_at)


def plane(found: Profiles, *, patient: bool) -> Markup | None:
    """The attachment plane with the earlier results faded, or None before the first."""
    if found.attachment is None or not found.attachment_history:
        return None
    current = found.attachment_history[-1]
    earlier = [_point(p) for p in found.earlier_attachment]
    if patient:
        svg = attachment_plane(
            _point(current),
            earlier,
            title="Where your answers place you",
            captions=PATIENT_CAPTIONS,
        )
    else:
        svg = attachment_plane(_point(current), earlier)
    # attachment_plane escapes every piece of text it includes.
    return Markup(svg)


@router.get("/clinic/patients/{patient_id}/profiles")
def clinic_profiles(
    request: Request, patient_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> Response:
    if not actor.is_staff:
        return RedirectResponse("/portal", status_code=303)
    found = profiles.patient_profiles(uow, actor, patient_id, clock)
    return render(
        request,
        "clinic/profiles.html",
        {
            "patient_id": patient_id,
            "here": "profiles",
            "profiles": found,
            "plane": plane(found, patient=False),
        },
    )


@router.get("/portal/picture")
def portal_picture(request: Request, actor: ActorDep, uow: UowDep, clock: ClockDep) -> Response:
    if actor.is_staff or actor.patient_id is None:
        return RedirectResponse("/clinic", status_code=303)
    found = profiles.patient_profiles(uow, actor, actor.patient_id, clock)
    return render(
        request,
        "portal/picture.html",
        {"profiles": found, "plane": plane(found, patient=True)},
    )
