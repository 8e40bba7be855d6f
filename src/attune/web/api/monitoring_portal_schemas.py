"""Request and response models of the patient's daily check-in API (part of the OpenAPI
schema): the check-in itself, what saving it answers, and the reminder."""

from __future__ import annotations

from datetime import date, datetime, time

from pydantic import AwareDatetime, BaseModel, Field, StrictBool, StrictInt

from attune.domain.intake.model import AddictionType, AmountUnit
from attune.domain.monitoring.checkin import CheckIn, Safety, StoredCheckIn, Use
from attune.web.api.schemas import CrisisOut

#: Upper bounds on free text in a request body. The domain's own, smaller limits give the
#: message a person sees; these only keep an oversized body out.
SHORT = 1_000
LONG = 20_000


class UseIn(BaseModel):
    what: AddictionType = Field(description="What was used (the intake's addiction ids)")
    amount: float | None = Field(default=None, description="How much (0 or more), optional")
    unit: AmountUnit | None = Field(default=None, description="Required with an amount")
    detail: str = Field(default="", max_length=SHORT, description="Required for an 'other_…'")

    def to_domain(self) -> Use:
        return Use(self.what, self.amount, self.unit, self.detail)


class CheckinIn(BaseModel):
    """One day's check-in. Ratings are whole numbers 0–10 (10 = most: best mood, most
    stress, most alone, strongest craving)."""

    day: date | None = Field(
        default=None,
        description="The patient's own date; omit for today. An earlier day may be filled "
        "in once; a day still to come is refused (422).",
    )
    mood: StrictInt
    stress: StrictInt
    loneliness: StrictInt
    craving: StrictInt
    uses: list[UseIn] = Field(default_factory=list, description="Empty: no use that day")
    triggers: list[str] = Field(default_factory=list, description="Trigger tag ids")
    trigger_note: str = Field(default="", max_length=LONG)
    coping: list[str] = Field(default_factory=list, description="Coping tag ids")
    sleep_hours: float | None = Field(default=None, description="0–24, optional")
    sleep_quality: StrictInt | None = Field(default=None, description="0 very poor … 4 very good")
    safety: Safety = Field(
        description="Thoughts of ending one's life or of self-harm that day: none, thoughts, "
        "or might_act (asked every day; anything but none alerts the care team at once)"
    )
    note: str = Field(default="", max_length=LONG)

    def to_domain(self, day: date) -> CheckIn:
        return CheckIn(
            day=day,
            mood=self.mood,
            stress=self.stress,
            loneliness=self.loneliness,
            craving=self.craving,
            uses=tuple(u.to_domain() for u in self.uses),
            triggers=tuple(self.triggers),
            trigger_note=self.trigger_note,
            coping=tuple(self.coping),
            sleep_hours=self.sleep_hours,
            sleep_quality=self.sleep_quality,
            safety=self.safety,
            note=self.note,
        )


class UseOut(BaseModel):
    what: str
    amount: float | None
    unit: str | None
    detail: str


class CheckinOut(BaseModel):
    id: int
    day: date
    mood: int
    stress: int
    loneliness: int
    craving: int
    used: bool
    uses: list[UseOut]
    triggers: list[str]
    trigger_note: str
    coping: list[str]
    sleep_hours: float | None
    sleep_quality: int | None
    safety: str
    note: str
    created_at: AwareDatetime
    updated_at: AwareDatetime

    @classmethod
    def of(cls, stored: StoredCheckIn) -> CheckinOut:
        c = stored.checkin
        return cls(
            id=stored.id,
            day=c.day,
            mood=c.mood,
            stress=c.stress,
            loneliness=c.loneliness,
            craving=c.craving,
            used=c.used,
            uses=[
                UseOut(
                    what=u.what.value,
                    amount=u.amount,
                    unit=u.unit.value if u.unit else None,
                    detail=u.detail,
                )
                for u in c.uses
            ],
            triggers=list(c.triggers),
            trigger_note=c.trigger_note,
            coping=list(c.coping),
            sleep_hours=c.sleep_hours,
            sleep_quality=c.sleep_quality,
            safety=c.safety.value,
            note=c.note,
            created_at=stored.created_at,
            updated_at=stored.updated_at,
        )


class CheckinSavedOut(BaseModel):
    checkin: CheckinOut
    created: bool = Field(description="True: a new day (201); false: today's replaced (200)")
    crisis: bool = Field(description="True: show crisis_resources at once")
    crisis_resources: CrisisOut | None


class CheckinsOut(BaseModel):
    today: date = Field(description="The patient's own date now")
    timezone: str = Field(description="The time zone the patient's days follow")
    editable_until: AwareDatetime = Field(description="When today's check-in closes (UTC)")
    checked_in_today: bool
    streak: str = Field(description="The streak in warm, plain words")
    checkins: list[CheckinOut] = Field(description="Oldest first")


class ReminderIn(BaseModel):
    enabled: StrictBool
    at: time = Field(description="Local time of day, e.g. '19:30'")
    timezone: str | None = Field(
        default=None,
        max_length=64,
        description="The patient's IANA time zone, e.g. 'Europe/London'; null: the clinic's",
    )


class ReminderOut(BaseModel):
    enabled: bool
    at: str = Field(description="Local time of day, HH:MM")
    timezone: str | None = Field(description="The patient's own time zone (null: the clinic's)")
    effective_timezone: str = Field(description="The time zone their days follow")
    updated_at: datetime | None
