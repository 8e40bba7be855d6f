"""The cycle (case formulation) that clinician and patient fill in together.

Public API (all pure)::

    Formulation(situations, relational, feelings, urge, behaviour, relief, cost,
                soothes, alternatives)            each a tuple of short texts
      .part(Part) .triggers .is_empty
    Part                                          the parts, in form order
    AuthorRole                                    clinician / patient / together
    FormulationVersion(number, created_at, author_role, content)

    validate(formulation) -> ((field, message), ...)     e.g. ("situations[2]", "...")
    require_valid(formulation)                           raises FormErrors (all of them)
    from_lines({"situations": "one\\nper line", ...}) -> Formulation

    next_version(versions, content, created_at=, author_role=) -> FormulationVersion
    get_version(versions, number)   latest(versions)
    diff(old, new) / diff_versions(old, new) -> FormulationDiff(changes: PartChange(part,
                                                 added, removed, reordered))
    PROMPTS[Part] -> Prompt(title, question, hint, example)
    to_dict / from_dict, version_to_dict / version_from_dict (JSON-ready)

The diagram is drawn by ``attune.web.diagrams.cycle.cycle_diagram``.
"""

from attune.domain.formulation.model import (
    MAX_ENTRIES,
    MAX_ENTRY_CHARS,
    TRIGGER_PARTS,
    AuthorRole,
    Formulation,
    FormulationVersion,
    Part,
)
from attune.domain.formulation.prompts import PROMPTS, Prompt, prompt
from attune.domain.formulation.serialise import (
    from_dict,
    to_dict,
    version_from_dict,
    version_to_dict,
)
from attune.domain.formulation.validation import from_lines, normalise, require_valid, validate
from attune.domain.formulation.versions import (
    FormulationDiff,
    PartChange,
    diff,
    diff_versions,
    get_version,
    latest,
    next_version,
)

__all__ = [
    "MAX_ENTRIES",
    "MAX_ENTRY_CHARS",
    "PROMPTS",
    "TRIGGER_PARTS",
    "AuthorRole",
    "Formulation",
    "FormulationDiff",
    "FormulationVersion",
    "Part",
    "PartChange",
    "Prompt",
    "diff",
    "diff_versions",
    "from_dict",
    "from_lines",
    "get_version",
    "latest",
    "next_version",
    "normalise",
    "prompt",
    "require_valid",
    "to_dict",
    "validate",
    "version_from_dict",
    "version_to_dict",
]
