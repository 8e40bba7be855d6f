"""SQLAlchemy implementations of the repository protocols in attune.services.ports.

Each repository works inside the unit of work's session and hands back the frozen records
from ports, never an ORM object. One module per group of tables.
"""

from attune.db.repositories.alerts import SqlAlerts
from attune.db.repositories.base import flush
from attune.db.repositories.care_path import (
    SqlFormulations,
    SqlIntakes,
    SqlRecommendations,
    SqlTreatmentPlans,
)
from attune.db.repositories.kap import SqlKap
from attune.db.repositories.ledger import SqlLedger
from attune.db.repositories.monitoring import SqlMonitoring
from attune.db.repositories.people import SqlClinics, SqlPatients, SqlUsers
from attune.db.repositories.questionnaires import SqlAssignments, SqlDrafts, SqlFlags, SqlResponses
from attune.db.repositories.security import HEAD_ID, SqlAuditLog, SqlSessions

__all__ = [
    "HEAD_ID",
    "SqlAlerts",
    "SqlAssignments",
    "SqlAuditLog",
    "SqlClinics",
    "SqlDrafts",
    "SqlFlags",
    "SqlFormulations",
    "SqlIntakes",
    "SqlKap",
    "SqlLedger",
    "SqlMonitoring",
    "SqlPatients",
    "SqlRecommendations",
    "SqlResponses",
    "SqlSessions",
    "SqlTreatmentPlans",
    "SqlUsers",
    "flush",
]
