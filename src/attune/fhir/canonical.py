"""Identifiers Attune uses in FHIR resources, and how references are resolved.

A Questionnaire's canonical URL is ``urn:attune:questionnaire:<id>`` unless the caller
passes the server's base URL, in which case it is ``<base>/Questionnaire/<id>``. Answer
codes use the system ``urn:attune:answers:<id>`` with the published response code as the
code, unless the option carries a standard coding (e.g. a LOINC answer code).
"""

from __future__ import annotations

from collections.abc import Mapping

from attune.domain.errors import UnknownInstrument, ValidationError
from attune.domain.instruments import Instrument, InstrumentLibrary, Option

LOINC = "http://loinc.org"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
#: The R5 name of the same idea; read on import, never written.
ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
INSTRUMENT_SYSTEM = "urn:attune:instrument"
EXT_DEFINITION = "urn:attune:extension:instrument-definition"
EXT_WORDING = "urn:attune:extension:item-wording"
URN_PREFIX = "urn:attune:questionnaire:"
ANSWER_PREFIX = "urn:attune:answers:"
LOINC_QUESTIONNAIRE = "http://loinc.org/q/"

JSON = Mapping[str, object]


def questionnaire_url(instrument_id: str, base_url: str | None = None) -> str:
    if base_url:
        return f"{base_url.rstrip('/')}/Questionnaire/{instrument_id}"
    return f"{URN_PREFIX}{instrument_id}"


def answer_system(instrument_id: str) -> str:
    return f"{ANSWER_PREFIX}{instrument_id}"


def coding_for(instrument: Instrument, option: Option) -> dict[str, object]:
    """The Coding for an answer option: its standard coding if it has one, else ours."""
    if option.system and option.system_code:
        coding: dict[str, object] = {"system": option.system, "code": option.system_code}
    else:
        coding = {"system": answer_system(instrument.id), "code": str(option.code)}
    if option.label:
        coding["display"] = option.label
    return coding


def instrument_id_from_reference(reference: str, library: InstrumentLibrary) -> str:
    """The instrument a canonical reference points to, or UnknownInstrument naming it.

    Accepts ``urn:attune:questionnaire:<id>``, ``…/Questionnaire/<id>``, the LOINC form
    ``http://loinc.org/q/<panel code>``, or a bare instrument id; a ``|version`` is ignored.
    """
    ref = reference.split("|", 1)[0].strip()
    candidate: str | None = None
    if ref.startswith(URN_PREFIX):
        candidate = ref.removeprefix(URN_PREFIX)
    elif "/Questionnaire/" in ref:
        candidate = ref.rsplit("/Questionnaire/", 1)[1].strip("/")
    elif ref.startswith(LOINC_QUESTIONNAIRE):
        panel = ref.removeprefix(LOINC_QUESTIONNAIRE)
        candidate = next((i.id for i in library if i.loinc_panel == panel), None)
    else:
        candidate = ref
    if candidate is None or candidate not in library:
        known = ", ".join(i.id for i in library)
        raise UnknownInstrument(
            f"questionnaire '{reference}' is not an instrument Attune knows (known: {known})",
            field="questionnaire",
        )
    return candidate


def text(data: JSON, key: str, where: str, *, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise ValidationError(f"{where}: '{key}' is required", field=key)
        return None
    if not isinstance(value, str):
        raise ValidationError(f"{where}: '{key}' must be a string", field=key)
    return value


def objects(data: JSON, key: str, where: str) -> list[JSON]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ValidationError(f"{where}: '{key}' must be a list of objects", field=key)
    return list(value)
