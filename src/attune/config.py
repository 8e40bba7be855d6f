"""One Settings class for the whole application.

Settings are read from the environment (prefix ``ATTUNE_``) when ``Settings()`` is built,
never at import time, and are passed explicitly to whatever needs them.
"""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-only-secret-change-me"


class Settings(BaseSettings):
    """Every setting Attune reads. Each field is documented in docs/settings.md."""

    model_config = SettingsConfigDict(env_prefix="ATTUNE_", extra="ignore")

    dev_mode: bool = Field(
        default=False,
        description="Development mode: allows the built-in secret key and plain-HTTP cookies.",
    )
    data_dir: Path = Field(
        default=Path("data"),
        description="Folder for the SQLite database when no database URL is given.",
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the database, e.g. postgresql+psycopg://user@host/db. "
            "Unset: a SQLite file attune.db under data_dir."
        ),
    )
    secret_key: str = Field(
        default=DEV_SECRET,
        description="Secret used to sign CSRF tokens. Must be set outside dev mode.",
    )
    session_hours: int = Field(
        default=12, ge=1, le=24 * 30, description="How long a login session lasts, in hours."
    )
    secure_cookies: bool = Field(
        default=True,
        description="Mark cookies Secure (HTTPS only). Dev mode turns this off for localhost.",
    )
    instrument_dir: Path | None = Field(
        default=None,
        description=(
            "A folder of the clinic's own instrument files (Attune definitions or FHIR "
            "Questionnaires) that add item wording or whole instruments; see docs/instruments.md."
        ),
    )
    kap_settings_file: Path | None = Field(
        default=None,
        description=(
            "A JSON file with the clinic's own KAP vital-sign thresholds and at-home rules "
            "(see docs/kap.md); unset, the shipped defaults apply."
        ),
    )
    timezone: str = Field(
        default="UTC",
        description=(
            "The clinic's time zone (an IANA name such as America/New_York): where a day "
            "begins for at-home dosing days and due dates."
        ),
    )
    host: str = Field(default="127.0.0.1", description="Address `attune serve` listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `attune serve` uses.")
    crisis_line: str = Field(
        default="988 Suicide & Crisis Lifeline: call or text 988 (US). In an emergency call 911.",
        description="The clinic's crisis resources, shown to a patient whose answers suggest risk.",
    )
    clinic_phone: str = Field(
        default="", description="The clinic's phone number, shown with the crisis resources."
    )
    smtp_host: str | None = Field(
        default=None,
        description=(
            "The SMTP server that sends Attune's emails (check-in reminders, alerts to staff). "
            "Unset: emails wait in the outbox and nothing is sent."
        ),
    )
    smtp_port: int = Field(default=25, ge=1, le=65535, description="The SMTP server's port.")
    smtp_from: str = Field(
        default="attune@localhost", description="The sender address of Attune's emails."
    )
    smtp_username: str | None = Field(
        default=None, description="User name for the SMTP server, if it asks for a login."
    )
    smtp_password: str | None = Field(
        default=None, description="Password for the SMTP server, if it asks for a login."
    )
    smtp_starttls: bool = Field(
        default=False, description="Switch the SMTP connection to TLS (STARTTLS) before sending."
    )
    risk_settings_file: Path | None = Field(
        default=None,
        description=(
            "A JSON file with the clinic's own relapse-risk thresholds per program (see "
            "docs/monitoring.md); unset, Attune's starting points apply."
        ),
    )
    jobs_every_seconds: int = Field(
        default=60,
        ge=5,
        le=24 * 3600,
        description=(
            "How often the background jobs (reminders, the email outbox, alert escalation, "
            "the relapse-risk scan) run under `attune serve` and `attune jobs run --every`."
        ),
    )

    @model_validator(mode="after")
    def _refuse_insecure_defaults(self) -> Settings:
        if not self.dev_mode and self.secret_key == DEV_SECRET:
            raise ValueError(
                "ATTUNE_SECRET_KEY must be set to a long random value outside dev mode "
                "(or set ATTUNE_DEV_MODE=true on a developer machine)"
            )
        if not self.dev_mode and len(self.secret_key) < 32:
            raise ValueError("ATTUNE_SECRET_KEY must be at least 32 characters long")
        return self

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone '{value}' (use a name like America/New_York)"
            ) from None
        return value

    @property
    def clinic_timezone(self) -> tzinfo:
        return ZoneInfo(self.timezone)

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'attune.db').as_posix()}"

    @property
    def cookie_secure(self) -> bool:
        return self.secure_cookies and not self.dev_mode
