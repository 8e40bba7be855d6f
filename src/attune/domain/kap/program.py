"""KAP programs: where the medicine is taken (setting) and which medicine it is.

Three programs are offered: ketamine in the office, ketamine at home, and esketamine
(Spravato) in the office. Esketamine at home can be *named* (so that a request for it is
refused with its reason) but is never offered: the Spravato REMS allows it only in a
certified healthcare setting, under direct observation.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from attune.domain.errors import ValidationError


class Setting(Enum):
    IN_OFFICE = "in_office"
    AT_HOME = "at_home"


class Medicine(Enum):
    KETAMINE = "ketamine"
    #: Esketamine nasal spray (Spravato), only under its REMS.
    ESKETAMINE = "esketamine"


@dataclass(frozen=True)
class Program:
    setting: Setting
    medicine: Medicine

    @property
    def id(self) -> str:
        """``in_office``, ``at_home``, ``spravato_in_office`` (or ``spravato_at_home``,
        which is never offered)."""
        if self.medicine is Medicine.ESKETAMINE:
            return f"spravato_{self.setting.value}"
        return self.setting.value

    @property
    def offered(self) -> bool:
        return self in PROGRAMS

    @property
    def at_home(self) -> bool:
        return self.setting is Setting.AT_HOME


IN_OFFICE = Program(Setting.IN_OFFICE, Medicine.KETAMINE)
AT_HOME = Program(Setting.AT_HOME, Medicine.KETAMINE)
SPRAVATO_IN_OFFICE = Program(Setting.IN_OFFICE, Medicine.ESKETAMINE)
#: Named only so that a request for it can be refused with the reason.
SPRAVATO_AT_HOME = Program(Setting.AT_HOME, Medicine.ESKETAMINE)

PROGRAMS = (IN_OFFICE, AT_HOME, SPRAVATO_IN_OFFICE)
_ALL = (*PROGRAMS, SPRAVATO_AT_HOME)


def program(program_id: str) -> Program:
    """The program with this id; ``spravato_at_home`` parses (and is then refused by the
    eligibility check with its reason)."""
    for p in _ALL:
        if p.id == program_id:
            return p
    known = ", ".join(p.id for p in PROGRAMS)
    raise ValidationError(f"No KAP program called {program_id!r}; choose {known}.", field="program")
