"""The clinic's KAP settings: vital-sign thresholds and the at-home rules, in one file.

Attune ships defaults (``thresholds/vitals.json`` and ``thresholds/athome.json``); a
clinic may replace either part with its own, in one JSON object::

    {"vitals": {...same shape as thresholds/vitals.json...},
     "at_home": {...same shape as thresholds/athome.json...}}

A part left out keeps the shipped default. The edges read the file (ATTUNE_KAP_SETTINGS)
and hand the parsed settings to every unit of work; nothing here reads files.
"""

from __future__ import annotations

from dataclasses import dataclass

from attune.domain.kap import checks
from attune.domain.kap.athome import AtHomeSettings, default_settings, parse_settings
from attune.domain.kap.vitals import VitalsProtocol, default_protocol, parse_protocol

_WHAT = "KAP settings"


@dataclass(frozen=True)
class KapSettings:
    """What in-office monitoring and at-home sessions are checked against."""

    vitals: VitalsProtocol
    at_home: AtHomeSettings


def default_kap_settings() -> KapSettings:
    """The shipped, clinic-configurable defaults."""
    return KapSettings(vitals=default_protocol(), at_home=default_settings())


def parse_kap_settings(data: object) -> KapSettings:
    """A clinic's settings from their JSON form; InvalidDefinition names anything wrong."""
    root = checks.obj(data, _WHAT, "root", {"vitals", "at_home"})
    return KapSettings(
        vitals=parse_protocol(root["vitals"]) if "vitals" in root else default_protocol(),
        at_home=parse_settings(root["at_home"]) if "at_home" in root else default_settings(),
    )
