"""The patient's cycle (case formulation), saved as numbered versions that stay readable.

Clinician and patient fill it in together: staff on the patient's care team and the
patient themselves may each save a version, recorded with the author's user and role
(``clinician``, ``patient``, or ``together`` when written in a session side by side).
A version is never edited; a change is the next version. Saving content that is not
valid raises FormErrors with every ``(field, message)`` (``situations[2]`` …) and keeps
every earlier version; saving the same content again is a Conflict.
"""

from __future__ import annotations

from attune.domain.errors import PermissionDenied
from attune.domain.formulation import (
    AuthorRole,
    Formulation,
    FormulationVersion,
    from_dict,
    next_version,
    to_dict,
)
from attune.domain.wording import with_article
from attune.services.access import Action, open_patient, patient_action
from attune.services.actors import Actor, Role
from attune.services.clock import SYSTEM_CLOCK, Clock
from attune.services.ports import FormulationRecord, UnitOfWork


def formulation_version(record: FormulationRecord) -> FormulationVersion:
    return FormulationVersion(
        number=record.number,
        created_at=record.created_at,
        author_role=AuthorRole(record.author_role),
        content=from_dict(record.content),
    )


def _versions(uow: UnitOfWork, patient_id: int) -> tuple[FormulationVersion, ...]:
    return tuple(formulation_version(r) for r in uow.formulations.for_patient(patient_id))


def _role(actor: Actor, asked: AuthorRole | None) -> AuthorRole:
    own = AuthorRole.PATIENT if actor.role is Role.PATIENT else AuthorRole.CLINICIAN
    if asked is None or asked is own or asked is AuthorRole.TOGETHER:
        return asked or own
    raise PermissionDenied(
        f"{with_article(str(actor.role), capital=True)} cannot save a version as written by "
        f"the {asked.value}.",
        field="author_role",
    )


def save_formulation(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    formulation: Formulation,
    clock: Clock = SYSTEM_CLOCK,
    author_role: AuthorRole | None = None,
) -> FormulationVersion:
    """Save the next version of the patient's cycle. ``author_role`` defaults to the
    actor's own (patient or clinician); either side may say ``together``."""
    now = clock.now()
    with (
        uow,
        patient_action(uow, actor, patient_id, Action.SAVE_FORMULATION, clock) as patient,
    ):
        role = _role(actor, author_role)
        version = next_version(
            _versions(uow, patient.id), formulation, created_at=now, author_role=role
        )
        uow.formulations.add(
            patient_id=patient.id,
            number=version.number,
            content=dict(to_dict(version.content)),
            author_user_id=actor.user_id,
            author_role=role.value,
            created_at=now,
        )
        uow.commit()
    return version


def formulation_history(
    uow: UnitOfWork, actor: Actor, patient_id: int, clock: Clock = SYSTEM_CLOCK
) -> tuple[FormulationVersion, ...]:
    """Every saved version of the patient's cycle, oldest first (empty before the first)."""
    with uow:
        patient = open_patient(uow, actor, patient_id, Action.VIEW_FORMULATION, clock)
        versions = _versions(uow, patient.id)
        uow.commit()
    return versions
