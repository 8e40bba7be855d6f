"""Load a clinic's extra instruments and wording from folders of JSON files.

``load_library(extra_dirs)`` starts from the shipped instruments and reads every
``*.json`` file in each folder, in name order:

* an Attune definition file (docs/instruments.md) adds a new instrument;
* a definition file with ``"questionnaire": "<file name>"`` instead of scales and items
  builds the instrument from that FHIR Questionnaire, with the definition's other keys
  (scoring, source, licence, …) as overrides; the Questionnaire file itself is then not
  loaded on its own;
* a FHIR Questionnaire whose ``id`` is a loaded instrument's id and which carries no
  Attune definition adds that instrument's item wording (``apply_wording``);
* any other FHIR Questionnaire adds a new summed instrument.

A new instrument may not reuse a shipped id (the shipped scoring is never replaced), and
two files may not define the same id. Every problem raises InvalidDefinition naming the
file. The edges pass the folders in (a setting); nothing here reads the environment.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import cast

from attune.domain.errors import DomainError, InvalidDefinition
from attune.domain.instruments import (
    Instrument,
    InstrumentLibrary,
    builtin_library,
    parse_definition,
)
from attune.fhir.canonical import EXT_DEFINITION
from attune.fhir.questionnaire import apply_wording, questionnaire_to_instrument

JSON = Mapping[str, object]


def _read(path: Path) -> JSON:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidDefinition(f"{path}: cannot be read as JSON ({exc})", field="file") from exc
    if not isinstance(data, dict):
        raise InvalidDefinition(f"{path}: expected a JSON object", field="file")
    return cast(JSON, data)


def _is_questionnaire(data: JSON) -> bool:
    return data.get("resourceType") == "Questionnaire"


def _carries_definition(data: JSON) -> bool:
    extensions = data.get("extension")
    return isinstance(extensions, list) and any(
        isinstance(e, dict) and e.get("url") == EXT_DEFINITION for e in extensions
    )


def load_library(
    extra_dirs: Sequence[Path], base: InstrumentLibrary | None = None
) -> InstrumentLibrary:
    """The shipped instruments (or ``base``) plus what the clinic's folders add."""
    base = base or builtin_library()
    shipped = set(base.instruments)
    instruments: dict[str, Instrument] = dict(base.instruments)
    added: dict[str, Path] = {}

    for folder in extra_dirs:
        if not folder.is_dir():
            raise InvalidDefinition(f"{folder}: instrument folder does not exist", field="path")
        files = sorted(folder.glob("*.json"))
        loaded = {path: _read(path) for path in files}
        referenced = {
            (folder / str(data["questionnaire"])).resolve()
            for data in loaded.values()
            if not _is_questionnaire(data) and isinstance(data.get("questionnaire"), str)
        }
        for path, data in loaded.items():
            if path.resolve() in referenced:
                continue
            try:
                instrument, overlay = _instrument(folder, data, instruments)
            except DomainError as exc:
                raise InvalidDefinition(f"{path}: {exc.message}", field="file") from exc
            if not overlay:
                if instrument.id in shipped:
                    raise InvalidDefinition(
                        f"{path}: '{instrument.id}' is a shipped instrument; add its wording "
                        "with a Questionnaire overlay or give the new instrument another id",
                        field="id",
                    )
                if instrument.id in added:
                    raise InvalidDefinition(
                        f"{path}: '{instrument.id}' is already defined by {added[instrument.id]}",
                        field="id",
                    )
                added[instrument.id] = path
            instruments[instrument.id] = instrument
    return InstrumentLibrary(instruments)


def _instrument(
    folder: Path, data: JSON, known: Mapping[str, Instrument]
) -> tuple[Instrument, bool]:
    """The instrument a file gives, and whether it is a wording overlay."""
    if _is_questionnaire(data):
        target = data.get("id")
        if isinstance(target, str) and target in known and not _carries_definition(data):
            return apply_wording(known[target], data), True
        return questionnaire_to_instrument(data), False
    reference = data.get("questionnaire")
    if isinstance(reference, str):
        questionnaire = _read(folder / reference)
        overrides = {k: v for k, v in data.items() if k != "questionnaire"}
        return questionnaire_to_instrument(questionnaire, overrides=overrides), False
    return parse_definition(data), False
